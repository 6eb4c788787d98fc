//! Reminders of contacts that fall due (issue 18, item 6): the community that recorded a
//! follow-up is mailed once on the day its next contact falls due, and the street above it once
//! when that contact is still not followed up some days later (督办) — counts per community there,
//! never names.
//!
//! A contact is a person's latest follow-up (by contact day, then id) asking for a next contact,
//! the person neither erased nor marked do-not-contact. A newer follow-up supersedes it, so it is
//! never reminded or escalated after that. The mail that reminded (escalated) a follow-up is
//! recorded on its row in the transaction that queues the mail, and the mail's key names the
//! recipient and the day (`contacts-due/{unit}/{day}`, `contacts-overdue/{street}/{day}`): a
//! restart or a second engine never sends either twice, and a unit gets at most one of each a
//! day. The caller (the engine) says what day it is and how many days make a contact overdue.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait};

use crate::connect::Store;
use crate::entities::{person_followup, unit};
use crate::error::StoreError;
use crate::operate::{Actor, begin_options};
use crate::outbox::{ComposedMail, UnitInfo};
use crate::registry::access_log::AccessAction;
use crate::registry::day_mail;

/// A mail about contacts that is due to be composed: which kind, to whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactMailGroup {
    /// The contacts of this unit's follow-ups that fell due.
    Due { unit: String },
    /// The contacts of this street's communities still not followed up days after falling due.
    Overdue { street: String },
}

impl ContactMailGroup {
    /// The mail kind, as the `mails` row records it.
    pub fn kind(&self) -> &'static str {
        match self {
            ContactMailGroup::Due { .. } => "contacts-due",
            ContactMailGroup::Overdue { .. } => "contacts-overdue",
        }
    }

    /// The recipient unit.
    pub fn recipient(&self) -> &str {
        match self {
            ContactMailGroup::Due { unit } => unit,
            ContactMailGroup::Overdue { street } => street,
        }
    }

    /// The mail's idempotency key on `day`: one of each kind per recipient and day.
    pub fn key(&self, day: NaiveDate) -> String {
        format!("{}/{}/{day}", self.kind(), self.recipient())
    }
}

/// A contact as the community's reminder lists it: the name and the day it fell due, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueContact {
    pub person_id: i64,
    pub name: String,
    pub due_on: NaiveDate,
}

/// One community's overdue contacts, as the street's mail counts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueCount {
    pub unit: UnitInfo,
    pub contacts: usize,
    /// The earliest day one of them fell due.
    pub oldest: NaiveDate,
}

/// What a contacts mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactMailBody {
    /// To the community: its contacts due, the most overdue first.
    Due(Vec<DueContact>),
    /// To the street: counts per community, in directory order.
    Overdue { after_days: i64, communities: Vec<OverdueCount> },
}

/// Everything needed to write one contacts mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactMailData {
    /// The idempotency key of the mail.
    pub key: String,
    pub recipient: UnitInfo,
    /// The day (in the engine's zone) the mail is for.
    pub day: NaiveDate,
    pub body: ContactMailBody,
}

/// A follow-up whose next contact is still to be reminded or escalated.
struct OpenContact {
    followup: person_followup::Model,
    name: String,
    due_on: NaiveDate,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn escalates_on(due_on: NaiveDate, after_days: i64) -> NaiveDate {
    due_on.checked_add_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MAX)
}

/// A follow-up no newer one of the same person supersedes (by contact day, then id, as the
/// book page reads it), so that contacts followed up long ago are never read again.
const LATEST: &str = "NOT EXISTS (SELECT 1 FROM person_followups AS newer \
     WHERE newer.person_id = person_followups.person_id \
     AND (newer.contacted_on > person_followups.contacted_on \
     OR (newer.contacted_on = person_followups.contacted_on AND newer.id > person_followups.id)))";

/// The latest follow-ups of living, contactable persons that ask for a next contact (due on or
/// before `until`, when given) not yet both reminded and escalated.
async fn open_contacts(db: &impl ConnectionTrait, until: Option<NaiveDate>) -> Result<Vec<OpenContact>, DbErr> {
    let mut select = person_followup::Entity::find()
        .filter(person_followup::Column::NextContactOn.is_not_null())
        .filter(
            Condition::any()
                .add(person_followup::Column::ReminderMailId.is_null())
                .add(person_followup::Column::EscalationMailId.is_null()),
        )
        .filter(Expr::cust(LATEST));
    if let Some(until) = until {
        // `YYYY-MM-DD` sorts as the days do.
        select = select.filter(person_followup::Column::NextContactOn.lte(until.format("%Y-%m-%d").to_string()));
    }
    let candidates = select.all(db).await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let persons: Vec<i64> = candidates.iter().map(|f| f.person_id).collect::<BTreeSet<_>>().into_iter().collect();
    let people = crate::registry::book::load_persons(db, &persons).await?;
    Ok(candidates
        .into_iter()
        .filter_map(|f| {
            let due_on = f.next_contact_on.as_deref().and_then(day)?;
            let person = people.get(&f.person_id).filter(|p| !p.erased && !p.do_not_contact)?;
            Some(OpenContact { name: person.name.clone(), due_on, followup: f })
        })
        .collect())
}

/// Whether `contact` belongs in `group`'s mail on `today`.
fn belongs(
    contact: &OpenContact,
    group: &ContactMailGroup,
    today: NaiveDate,
    after_days: i64,
    units: &HashMap<String, unit::Model>,
) -> bool {
    let f = &contact.followup;
    match group {
        ContactMailGroup::Due { unit } => f.reminder_mail_id.is_none() && contact.due_on <= today && &f.unit == unit,
        ContactMailGroup::Overdue { street } => {
            f.escalation_mail_id.is_none()
                && escalates_on(contact.due_on, after_days) <= today
                && units.get(&f.unit).and_then(|u| u.parent.as_ref()) == Some(street)
        }
    }
}

/// The mails about contacts due to be composed on `today`: a reminder for each unit with
/// contacts fallen due, an escalation for each street with contacts `after_days` overdue — but
/// none already composed today (what fell due since waits for tomorrow's).
pub async fn pending_contact_mails(
    store: &Store,
    today: NaiveDate,
    after_days: i64,
) -> Result<Vec<ContactMailGroup>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let open = open_contacts(&store.db, Some(today)).await.map_err(err)?;
    let unit_ids: BTreeSet<&str> = open.iter().map(|c| c.followup.unit.as_str()).collect();
    let units = day_mail::units_by_id(&store.db, &unit_ids).await.map_err(err)?;
    let mut groups = BTreeSet::new();
    for c in &open {
        let f = &c.followup;
        if f.reminder_mail_id.is_none() {
            groups.insert(ContactMailGroup::Due { unit: f.unit.clone() });
        }
        if f.escalation_mail_id.is_none()
            && escalates_on(c.due_on, after_days) <= today
            && let Some(street) = units.get(&f.unit).and_then(|u| u.parent.clone())
        {
            groups.insert(ContactMailGroup::Overdue { street });
        }
    }
    let keys: Vec<String> = groups.iter().map(|g| g.key(today)).collect();
    let sent = day_mail::composed_keys(&store.db, &keys).await.map_err(err)?;
    Ok(groups.into_iter().filter(|g| !sent.contains(&g.key(today))).collect())
}

/// The first day from which something about contacts may be due: a contact falling due, or
/// becoming `after_days` overdue. The engine wakes at the start of that day (or of tomorrow,
/// when it is today or past and today's mail went out).
pub async fn next_contact_day(store: &Store, after_days: i64) -> Result<Option<NaiveDate>, StoreError> {
    let open = open_contacts(&store.db, None).await.map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(open
        .iter()
        .flat_map(|c| {
            let f = &c.followup;
            [
                f.reminder_mail_id.is_none().then_some(c.due_on),
                f.escalation_mail_id.is_none().then(|| escalates_on(c.due_on, after_days)),
            ]
        })
        .flatten()
        .min())
}

/// Composes `group`'s mail for `today` with `render` and queues it, recording it on every
/// follow-up it tells of, with the access-log entry of what the engine read (a `list` of names
/// for a community, `stats` for a street), in one transaction. Returns the mail's key, or `None`
/// when there is nothing to tell, today's mail of the group exists, or another process is
/// composing it. A render error writes nothing and is returned.
pub async fn compose_contact_mail<E>(
    store: &Store,
    group: &ContactMailGroup,
    today: NaiveDate,
    after_days: i64,
    now: DateTime<Utc>,
    actor: &Actor,
    render: impl FnOnce(&ContactMailData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let key = group.key(today);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    if !day_mail::claim(&txn, &key).await.map_err(err)? {
        return Ok(None);
    }
    let open = open_contacts(&txn, Some(today)).await.map_err(err)?;
    let mut unit_ids: BTreeSet<&str> = open.iter().map(|c| c.followup.unit.as_str()).collect();
    unit_ids.insert(group.recipient());
    let units = day_mail::units_by_id(&txn, &unit_ids).await.map_err(err)?;
    let mut told: Vec<&OpenContact> = open.iter().filter(|c| belongs(c, group, today, after_days, &units)).collect();
    if told.is_empty() {
        return Ok(None);
    }
    told.sort_by_key(|c| (c.due_on, c.followup.person_id));
    let (body, action, filter) = match group {
        ContactMailGroup::Due { .. } => {
            let contacts = told
                .iter()
                .map(|c| DueContact { person_id: c.followup.person_id, name: c.name.clone(), due_on: c.due_on })
                .collect();
            (ContactMailBody::Due(contacts), AccessAction::List, format!("contacts-due<={today}"))
        }
        ContactMailGroup::Overdue { .. } => {
            let communities =
                day_mail::overdue_by_unit(told.iter().map(|c| (c.followup.unit.as_str(), c.due_on)), &units)
                    .into_iter()
                    .map(|line| OverdueCount { unit: line.unit, contacts: line.count, oldest: line.oldest })
                    .collect();
            let overdue_since = today.checked_sub_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MIN);
            (
                ContactMailBody::Overdue { after_days, communities },
                AccessAction::Stats,
                format!("contacts-overdue<={overdue_since}"),
            )
        }
    };
    let recipient = day_mail::unit_info(&units, group.recipient());
    let data = ContactMailData { key: key.clone(), recipient, day: today, body };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
    // What the engine read, logged like any reader's: names for the community, counts for the street.
    let mail = day_mail::DayMail {
        key: &key,
        kind: group.kind(),
        recipient: group.recipient(),
        day: today,
        count: told.len(),
        action,
        filter,
    };
    let mail_id = day_mail::log_and_queue(&txn, actor, mail, composed, now).await.map_err(err)?;
    let ids: Vec<i64> = told.iter().map(|c| c.followup.id).collect();
    let column = match group {
        ContactMailGroup::Due { .. } => person_followup::Column::ReminderMailId,
        ContactMailGroup::Overdue { .. } => person_followup::Column::EscalationMailId,
    };
    let id_column = person_followup::Column::Id;
    if !day_mail::mark_told::<person_followup::Entity>(&txn, id_column, column, &ids, mail_id).await.map_err(err)? {
        txn.rollback().await.map_err(err)?;
        return Ok(None);
    }
    txn.commit().await.map_err(err)?;
    Ok(Some(Ok(key)))
}

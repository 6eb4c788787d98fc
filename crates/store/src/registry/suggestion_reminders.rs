//! Reminders of suggestions that fall due (issue 18, item 6): the unit a suggestion is routed to
//! is mailed once on the day it falls due still unanswered, and the unit above that one once when
//! it is still unanswered some days later (督办) — counts per unit there, never names.
//!
//! Kept once exactly like the contacts' reminders (`reminders.rs`): the mail that reminded
//! (escalated) a suggestion is recorded on its row in the transaction that queues the mail, and
//! the mail's key names the recipient and the day (`suggestions-due/{unit}/{day}`,
//! `suggestions-overdue/{parent}/{day}`), so a restart or a second engine never sends either twice
//! and a unit gets at most one of each a day. A suggestion routed to the district (no unit above)
//! is reminded and never escalated. The caller says what day it is and how many days make a
//! suggestion overdue.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use talent::{SuggestionCategory, SuggestionState};

use crate::connect::Store;
use crate::entities::{mail, person_book, person_suggestion, unit};
use crate::error::StoreError;
use crate::operate::{Actor, begin_options};
use crate::outbox::{ComposedMail, UnitInfo};
use crate::registry::access_log::AccessAction;
use crate::registry::day_mail;
use crate::registry::stored;
use crate::registry::suggestion::{day_text, parse_day};

/// A mail about suggestions that is due to be composed: which kind, to whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SuggestionMailGroup {
    /// The suggestions routed to this unit that fell due unanswered.
    Due { unit: String },
    /// The suggestions routed to the units directly below this one, still unanswered days after.
    Overdue { parent: String },
}

impl SuggestionMailGroup {
    /// The mail kind, as the `mails` row records it.
    pub fn kind(&self) -> &'static str {
        match self {
            SuggestionMailGroup::Due { .. } => "suggestions-due",
            SuggestionMailGroup::Overdue { .. } => "suggestions-overdue",
        }
    }

    /// The recipient unit.
    pub fn recipient(&self) -> &str {
        match self {
            SuggestionMailGroup::Due { unit } => unit,
            SuggestionMailGroup::Overdue { parent } => parent,
        }
    }

    /// The mail's idempotency key on `day`: one of each kind per recipient and day.
    pub fn key(&self, day: NaiveDate) -> String {
        format!("{}/{}/{day}", self.kind(), self.recipient())
    }
}

/// A suggestion as the unit's reminder lists it: its number, the person's name only when the
/// recipient is the person's own community, its subject, state and due day — never its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueSuggestion {
    pub id: i64,
    pub name: Option<String>,
    pub category: Option<SuggestionCategory>,
    pub state: SuggestionState,
    pub due_on: NaiveDate,
}

impl DueSuggestion {
    /// The subject's words in `lang`, for a mail (the engine knows no vocabulary).
    pub fn category_label(&self, lang: campaign::Lang) -> Option<&'static str> {
        self.category.map(|c| c.label(lang))
    }

    /// The state's words in `lang`.
    pub fn state_label(&self, lang: campaign::Lang) -> &'static str {
        self.state.label(lang)
    }
}

/// One unit's overdue suggestions, as the escalation counts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueSuggestions {
    pub unit: UnitInfo,
    pub suggestions: usize,
    /// The earliest day one of them fell due.
    pub oldest: NaiveDate,
}

/// What a suggestions mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionMailBody {
    /// To the unit routed to: its suggestions due, the most overdue first.
    Due(Vec<DueSuggestion>),
    /// To the unit above: counts per unit, in directory order.
    Overdue { after_days: i64, units: Vec<OverdueSuggestions> },
}

/// Everything needed to write one suggestions mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuggestionMailData {
    /// The idempotency key of the mail.
    pub key: String,
    pub recipient: UnitInfo,
    /// The day (in the engine's zone) the mail is for.
    pub day: NaiveDate,
    pub body: SuggestionMailBody,
}

/// An unanswered suggestion still to be reminded or escalated.
struct OpenSuggestion {
    row: person_suggestion::Model,
    due_on: NaiveDate,
}

fn escalates_on(due_on: NaiveDate, after_days: i64) -> NaiveDate {
    due_on.checked_add_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MAX)
}

/// Unanswered suggestions of living persons (due on or before `until`, when given) not yet both
/// reminded and escalated.
async fn open_suggestions(db: &impl ConnectionTrait, until: Option<NaiveDate>) -> Result<Vec<OpenSuggestion>, DbErr> {
    let mut select = person_suggestion::Entity::find()
        .filter(person_suggestion::Column::State.ne(SuggestionState::Answered.key()))
        .filter(
            Condition::any()
                .add(person_suggestion::Column::ReminderMailId.is_null())
                .add(person_suggestion::Column::EscalationMailId.is_null()),
        );
    if let Some(until) = until {
        select = select.filter(person_suggestion::Column::DueOn.lte(day_text(until)));
    }
    let rows = select.all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let persons: Vec<i64> = rows.iter().map(|r| r.person_id).collect::<BTreeSet<_>>().into_iter().collect();
    let people = crate::registry::book::load_persons(db, &persons).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let due_on = parse_day(&row.due_on)?;
            people.get(&row.person_id).filter(|p| !p.erased)?;
            Some(OpenSuggestion { row, due_on })
        })
        .collect())
}

/// The unit above the one `s` is routed to, when its escalation is still to come.
fn escalation_to<'a>(s: &OpenSuggestion, units: &'a HashMap<String, unit::Model>) -> Option<&'a String> {
    if s.row.escalation_mail_id.is_some() {
        return None;
    }
    units.get(&s.row.unit).and_then(|u| u.parent.as_ref())
}

/// Whether `s` belongs in `group`'s mail on `today`.
fn belongs(
    s: &OpenSuggestion,
    group: &SuggestionMailGroup,
    today: NaiveDate,
    after_days: i64,
    units: &HashMap<String, unit::Model>,
) -> bool {
    match group {
        SuggestionMailGroup::Due { unit } => {
            s.row.reminder_mail_id.is_none() && s.due_on <= today && &s.row.unit == unit
        }
        SuggestionMailGroup::Overdue { parent } => {
            escalates_on(s.due_on, after_days) <= today && escalation_to(s, units) == Some(parent)
        }
    }
}

/// The mails about suggestions due to be composed on `today`: a reminder for each unit with
/// suggestions fallen due unanswered, an escalation for each unit above one with suggestions
/// `after_days` overdue — but none already composed today.
pub async fn pending_suggestion_mails(
    store: &Store,
    today: NaiveDate,
    after_days: i64,
) -> Result<Vec<SuggestionMailGroup>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let open = open_suggestions(&store.db, Some(today)).await.map_err(err)?;
    let unit_ids: BTreeSet<&str> = open.iter().map(|s| s.row.unit.as_str()).collect();
    let units = day_mail::units_by_id(&store.db, &unit_ids).await.map_err(err)?;
    let mut groups = BTreeSet::new();
    for s in &open {
        if s.row.reminder_mail_id.is_none() {
            groups.insert(SuggestionMailGroup::Due { unit: s.row.unit.clone() });
        }
        if escalates_on(s.due_on, after_days) <= today
            && let Some(parent) = escalation_to(s, &units)
        {
            groups.insert(SuggestionMailGroup::Overdue { parent: parent.clone() });
        }
    }
    let keys: Vec<String> = groups.iter().map(|g| g.key(today)).collect();
    let mut sent = BTreeSet::new();
    for chunk in keys.chunks(500) {
        let rows: Vec<String> = mail::Entity::find()
            .select_only()
            .column(mail::Column::Key)
            .filter(mail::Column::Key.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&store.db)
            .await
            .map_err(err)?;
        sent.extend(rows);
    }
    Ok(groups.into_iter().filter(|g| !sent.contains(&g.key(today))).collect())
}

/// The first day from which something about suggestions may be due: one falling due, or becoming
/// `after_days` overdue under a unit that has one above it.
pub async fn next_suggestion_day(store: &Store, after_days: i64) -> Result<Option<NaiveDate>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let open = open_suggestions(&store.db, None).await.map_err(err)?;
    let unit_ids: BTreeSet<&str> = open.iter().map(|s| s.row.unit.as_str()).collect();
    let units = day_mail::units_by_id(&store.db, &unit_ids).await.map_err(err)?;
    Ok(open
        .iter()
        .flat_map(|s| {
            [
                s.row.reminder_mail_id.is_none().then_some(s.due_on),
                escalation_to(s, &units).map(|_| escalates_on(s.due_on, after_days)),
            ]
        })
        .flatten()
        .min())
}

/// Composes `group`'s mail for `today` with `render` and queues it, recording it on every
/// suggestion it tells of, with the access-log entry of what the engine read (a `list` for the
/// unit routed to, `stats` for the unit above), in one transaction. Returns the mail's key, or
/// `None` when there is nothing to tell, today's mail of the group exists, or another process is
/// composing it. A render error writes nothing and is returned.
pub async fn compose_suggestion_mail<E>(
    store: &Store,
    group: &SuggestionMailGroup,
    today: NaiveDate,
    after_days: i64,
    now: DateTime<Utc>,
    actor: &Actor,
    render: impl FnOnce(&SuggestionMailData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let key = group.key(today);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    if !day_mail::claim(&txn, &key).await.map_err(err)? {
        return Ok(None);
    }
    let open = open_suggestions(&txn, Some(today)).await.map_err(err)?;
    let mut unit_ids: BTreeSet<&str> = open.iter().map(|s| s.row.unit.as_str()).collect();
    unit_ids.insert(group.recipient());
    let units = day_mail::units_by_id(&txn, &unit_ids).await.map_err(err)?;
    let mut told: Vec<&OpenSuggestion> = open.iter().filter(|s| belongs(s, group, today, after_days, &units)).collect();
    if told.is_empty() {
        return Ok(None);
    }
    told.sort_by_key(|s| (s.due_on, s.row.id));
    let (body, action, filter) = match group {
        SuggestionMailGroup::Due { unit } => {
            // Names only for the persons in the recipient's own book.
            let persons: Vec<i64> = told.iter().map(|s| s.row.person_id).collect();
            let own: HashSet<i64> = person_book::Entity::find()
                .filter(person_book::Column::Unit.eq(unit))
                .filter(person_book::Column::PersonId.is_in(persons.clone()))
                .all(&txn)
                .await
                .map_err(err)?
                .into_iter()
                .map(|b| b.person_id)
                .collect();
            let people = crate::registry::book::load_persons(&txn, &persons).await.map_err(err)?;
            let mut due = Vec::with_capacity(told.len());
            for s in &told {
                let what = |column: &str| format!("suggestion {} with the {column}", s.row.id);
                due.push(DueSuggestion {
                    id: s.row.id,
                    name: own
                        .contains(&s.row.person_id)
                        .then(|| people.get(&s.row.person_id).map(|p| p.name.clone()))
                        .flatten(),
                    category: stored::vocab_opt(s.row.category.as_deref(), || what("category"))
                        .map_err(|e| e.into_store(&store.url))?,
                    state: stored::vocab(&s.row.state, || what("state")).map_err(|e| e.into_store(&store.url))?,
                    due_on: s.due_on,
                });
            }
            (SuggestionMailBody::Due(due), AccessAction::List, format!("suggestions-due<={today}"))
        }
        SuggestionMailGroup::Overdue { .. } => {
            let listed = day_mail::overdue_by_unit(told.iter().map(|s| (s.row.unit.as_str(), s.due_on)), &units)
                .into_iter()
                .map(|line| OverdueSuggestions { unit: line.unit, suggestions: line.count, oldest: line.oldest })
                .collect();
            let overdue_since = today.checked_sub_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MIN);
            (
                SuggestionMailBody::Overdue { after_days, units: listed },
                AccessAction::Stats,
                format!("suggestions-overdue<={overdue_since}"),
            )
        }
    };
    let recipient = day_mail::unit_info(&units, group.recipient());
    let data = SuggestionMailData { key: key.clone(), recipient, day: today, body };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
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
    let ids: Vec<i64> = told.iter().map(|s| s.row.id).collect();
    let column = match group {
        SuggestionMailGroup::Due { .. } => person_suggestion::Column::ReminderMailId,
        SuggestionMailGroup::Overdue { .. } => person_suggestion::Column::EscalationMailId,
    };
    let id_column = person_suggestion::Column::Id;
    if !day_mail::mark_told::<person_suggestion::Entity>(&txn, id_column, column, &ids, mail_id).await.map_err(err)? {
        txn.rollback().await.map_err(err)?;
        return Ok(None);
    }
    txn.commit().await.map_err(err)?;
    Ok(Some(Ok(key)))
}

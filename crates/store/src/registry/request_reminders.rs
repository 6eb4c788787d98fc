//! Reminders of persons' requests (查阅 / 更正 / 删除) that fall due: the unit that answers a request
//! is mailed once on its due day while it is still unanswered, and the unit above that one once
//! when it is still unanswered some days later (督办) — counts per unit there, never names.
//!
//! The answer is the person's own community's (`request.rs`), so that is the unit reminded: the
//! unit that recorded the request when it holds the person's book (the usual case), otherwise the
//! person's first book (a street took it at its counter, or the command line, scope `all`). A
//! request of a person with no book left is never mailed; an erased person's never either.
//!
//! Kept once exactly as the suggestions' reminders (`suggestion_reminders.rs`, sharing
//! `day_mail.rs`): the mail that reminded (escalated) a request is recorded on its row in the
//! transaction that queues the mail, and the mail's key names the recipient and the day
//! (`requests-due/{unit}/{day}`, `requests-overdue/{parent}/{day}`). The reminder names the
//! persons (the recipient is their own community), the kind, the received and due days — never
//! the answer written or anything of the record. The caller says what day it is and how many days
//! make a request overdue.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use talent::RightsRequestKind;

use crate::connect::Store;
use crate::entities::{person_book, person_request};
use crate::error::StoreError;
use crate::operate::Actor;
use crate::outbox::ComposedMail;
use crate::registry::day_mail::{self, DayMailData, DueMailGroup, DueStep, OpenRow, OverdueLine};
use crate::registry::stored;
use crate::registry::suggestion::{day_text, parse_day};

/// A request as the answering unit's reminder lists it: its number, kind, the person's name,
/// when it came and when it is due — never an answer's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueRequest {
    pub id: i64,
    pub name: String,
    pub kind: RightsRequestKind,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
}

impl DueRequest {
    /// The kind's words in `lang` (查阅 / 更正 / 删除), for a mail.
    pub fn kind_label(&self, lang: campaign::Lang) -> &'static str {
        self.kind.label(lang)
    }
}

/// What a requests mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestMailBody {
    /// To the unit answering: its requests due, the most overdue first.
    Due(Vec<DueRequest>),
    /// To the unit above: counts per unit, in directory order.
    Overdue { after_days: i64, units: Vec<OverdueLine> },
}

/// Everything needed to write one requests mail.
pub type RequestMailData = DayMailData<RequestMailBody>;

/// An open request with its person's name, as read for the mails.
pub(crate) struct RequestRow {
    row: person_request::Model,
    name: String,
}

/// The unit answering a request recorded by `recorded` of a person in the books `books` (oldest
/// first): the recorder when it is one of them, else the first.
fn answering_unit(recorded: &str, books: &[String]) -> Option<String> {
    books.iter().find(|b| b.as_str() == recorded).or_else(|| books.first()).cloned()
}

/// Unanswered requests of living persons (due on or before `until`, when given) not yet both
/// reminded and escalated, each with the unit answering it.
pub(crate) async fn open_requests(
    db: &impl ConnectionTrait,
    until: Option<NaiveDate>,
) -> Result<Vec<OpenRow<RequestRow>>, DbErr> {
    let mut select = person_request::Entity::find().filter(person_request::Column::Outcome.is_null()).filter(
        Condition::any()
            .add(person_request::Column::ReminderMailId.is_null())
            .add(person_request::Column::EscalationMailId.is_null()),
    );
    if let Some(until) = until {
        select = select.filter(person_request::Column::DueOn.lte(day_text(until)));
    }
    let rows = select.all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let persons: Vec<i64> = rows.iter().map(|r| r.person_id).collect::<BTreeSet<_>>().into_iter().collect();
    let people = crate::registry::book::load_persons(db, &persons).await?;
    let mut books: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in persons.chunks(500) {
        let found = person_book::Entity::find()
            .filter(person_book::Column::PersonId.is_in(chunk.to_vec()))
            .order_by_asc(person_book::Column::Id)
            .all(db)
            .await?;
        for b in found {
            books.entry(b.person_id).or_default().push(b.unit);
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let due_on = parse_day(&row.due_on)?;
            let person = people.get(&row.person_id).filter(|p| !p.erased)?;
            let unit = answering_unit(&row.unit, books.get(&row.person_id).map_or(&[][..], Vec::as_slice))?;
            Some(OpenRow {
                id: row.id,
                unit,
                due_on,
                reminded: row.reminder_mail_id.is_some(),
                escalated: row.escalation_mail_id.is_some(),
                row: RequestRow { name: person.name.clone(), row },
            })
        })
        .collect())
}

/// Composes `group`'s mail for `today` with `render` and queues it, recording it on every request
/// it tells of, with the access-log entry of what the engine read (a `list` for the unit
/// answering, `stats` for the unit above), in one transaction. Returns the mail's key, or `None`
/// when there is nothing to tell, today's mail of the group exists, or another process is
/// composing it. A render error writes nothing and is returned.
pub async fn compose_request_mail<E>(
    store: &Store,
    group: &DueMailGroup,
    today: NaiveDate,
    after_days: i64,
    now: DateTime<Utc>,
    actor: &Actor,
    render: impl FnOnce(&RequestMailData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let key = group.key(today);
    let Some(txn) = day_mail::begin_claimed(&store.db, &key).await.map_err(err)? else {
        return Ok(None);
    };
    let open = open_requests(&txn, Some(today)).await.map_err(err)?;
    let (told, units) = day_mail::told(&txn, open, group, today, after_days).await.map_err(err)?;
    if told.is_empty() {
        return Ok(None);
    }
    let body = match group.step {
        DueStep::Due => {
            let mut due = Vec::with_capacity(told.len());
            for r in &told {
                let what = |column: &str| format!("request {} with the {column}", r.id);
                let day = |text: &str, column: &str| stored::day(text, || what(column));
                due.push(DueRequest {
                    id: r.id,
                    name: r.row.name.clone(),
                    kind: stored::vocab(&r.row.row.kind, || what("kind")).map_err(|e| e.into_store(&store.url))?,
                    received_on: day(&r.row.row.received_on, "day received").map_err(|e| e.into_store(&store.url))?,
                    due_on: r.due_on,
                });
            }
            RequestMailBody::Due(due)
        }
        DueStep::Overdue => RequestMailBody::Overdue { after_days, units: day_mail::overdue_lines(&told, &units) },
    };
    let recipient = day_mail::unit_info(&units, group.recipient());
    let data = RequestMailData { key: key.clone(), recipient, day: today, body };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
    let columns =
        (person_request::Column::Id, person_request::Column::ReminderMailId, person_request::Column::EscalationMailId);
    let queued = day_mail::queue_told::<person_request::Entity, _>(
        txn, actor, group, today, after_days, composed, now, &told, columns,
    )
    .await
    .map_err(err)?;
    Ok(queued.then_some(Ok(key)))
}

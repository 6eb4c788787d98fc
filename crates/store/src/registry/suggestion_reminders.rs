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

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use talent::{SuggestionCategory, SuggestionState};

use crate::connect::Store;
use crate::entities::{person_book, person_suggestion};
use crate::error::StoreError;
use crate::operate::Actor;
use crate::outbox::ComposedMail;
use crate::registry::day_mail::{self, DayMailData, DueMailGroup, DueStep, OpenRow, OverdueLine};
use crate::registry::stored;
use crate::registry::suggestion::{day_text, parse_day};

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

/// What a suggestions mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionMailBody {
    /// To the unit routed to: its suggestions due, the most overdue first.
    Due(Vec<DueSuggestion>),
    /// To the unit above: counts per unit, in directory order.
    Overdue { after_days: i64, units: Vec<OverdueLine> },
}

/// Everything needed to write one suggestions mail.
pub type SuggestionMailData = DayMailData<SuggestionMailBody>;

/// Unanswered suggestions of living persons (due on or before `until`, when given) not yet both
/// reminded and escalated, each answered by the unit it is routed to.
pub(crate) async fn open_suggestions(
    db: &impl ConnectionTrait,
    until: Option<NaiveDate>,
) -> Result<Vec<OpenRow<person_suggestion::Model>>, DbErr> {
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
            Some(OpenRow {
                id: row.id,
                unit: row.unit.clone(),
                due_on,
                reminded: row.reminder_mail_id.is_some(),
                escalated: row.escalation_mail_id.is_some(),
                row,
            })
        })
        .collect())
}

/// Composes `group`'s mail for `today` with `render` and queues it, recording it on every
/// suggestion it tells of, with the access-log entry of what the engine read (a `list` for the
/// unit routed to, `stats` for the unit above), in one transaction. Returns the mail's key, or
/// `None` when there is nothing to tell, today's mail of the group exists, or another process is
/// composing it. A render error writes nothing and is returned.
pub async fn compose_suggestion_mail<E>(
    store: &Store,
    group: &DueMailGroup,
    today: NaiveDate,
    after_days: i64,
    now: DateTime<Utc>,
    actor: &Actor,
    render: impl FnOnce(&SuggestionMailData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let key = group.key(today);
    let Some(txn) = day_mail::begin_claimed(&store.db, &key).await.map_err(err)? else {
        return Ok(None);
    };
    let open = open_suggestions(&txn, Some(today)).await.map_err(err)?;
    let (told, units) = day_mail::told(&txn, open, group, today, after_days).await.map_err(err)?;
    if told.is_empty() {
        return Ok(None);
    }
    let body = match group.step {
        DueStep::Due => {
            // Names only for the persons in the recipient's own book.
            let persons: Vec<i64> = told.iter().map(|s| s.row.person_id).collect();
            let own: HashSet<i64> = person_book::Entity::find()
                .filter(person_book::Column::Unit.eq(group.recipient()))
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
            SuggestionMailBody::Due(due)
        }
        DueStep::Overdue => SuggestionMailBody::Overdue { after_days, units: day_mail::overdue_lines(&told, &units) },
    };
    let recipient = day_mail::unit_info(&units, group.recipient());
    let data = SuggestionMailData { key: key.clone(), recipient, day: today, body };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
    let columns = (
        person_suggestion::Column::Id,
        person_suggestion::Column::ReminderMailId,
        person_suggestion::Column::EscalationMailId,
    );
    let queued = day_mail::queue_told::<person_suggestion::Entity, _>(
        txn, actor, group, today, after_days, composed, now, &told, columns,
    )
    .await
    .map_err(err)?;
    Ok(queued.then_some(Ok(key)))
}

//! A person's suggestions (意见建议, issue 18 item 6; the 乡土人才意见建议收集处理反馈制度): a unit
//! records what a person of its scope suggests and routes it to itself or a unit above it, with a
//! due day; the unit it is routed to (or one above that) moves it 受理 → 办理 → 已反馈, never
//! skipping a step, each move with a note — the answer given to the person when it is answered.
//!
//! A suggestion is read by whoever reads its person (the person's page) and by the units whose
//! subtree holds the unit it is routed to (their list); nobody else learns it exists. Every record,
//! move and list is in the access log. The engine's reminders are `suggestion_reminders.rs`'s.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use talent::{PersonName, SuggestionCategory, SuggestionState, mask_name};

use crate::connect::Store;
use crate::entities::{person, person_book, person_suggestion, person_suggestion_move, unit};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::followup::in_scope;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, check_unit, subtree_query, visible};
use crate::registry::stored;

/// Days a unit has to answer a suggestion when the recorder names no due day.
pub const SUGGESTION_DUE_DAYS: i64 = 15;

/// The longest suggestion or note kept, in characters (a page of text; longer goes in a letter).
pub const SUGGESTION_MAX_CHARS: usize = 2000;

/// A suggestion as a unit records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSuggestion {
    pub text: String,
    pub category: Option<SuggestionCategory>,
    /// The unit to handle it: the recorder's own (when `None`) or one above it.
    pub route_to: Option<String>,
    pub due_on: NaiveDate,
}

/// One state a suggestion entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuggestionMove {
    pub state: SuggestionState,
    /// What was done; for 已反馈 the answer given to the person.
    pub note: String,
    pub unit: String,
    pub unit_name: String,
    pub actor: String,
    pub at: i64,
}

/// A suggestion as read back, with its moves, the oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub id: i64,
    pub person_id: i64,
    /// In full for the person's own community, masked (`张*`) for anyone else.
    pub person_name: String,
    pub recorded_by: String,
    pub recorded_by_name: String,
    /// The unit it is routed to.
    pub unit: String,
    pub unit_name: String,
    pub category: Option<SuggestionCategory>,
    pub text: String,
    pub state: SuggestionState,
    pub due_on: NaiveDate,
    pub created_at: i64,
    pub moves: Vec<SuggestionMove>,
}

impl Suggestion {
    /// Days past its due day on `today` while still open (0 when not overdue or answered).
    pub fn overdue_days(&self, today: NaiveDate) -> i64 {
        if !self.state.is_open() {
            return 0;
        }
        (today - self.due_on).num_days().max(0)
    }
}

/// Which suggestions a list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuggestionQuery {
    /// Those routed to this unit's subtree (within the viewer's); the viewer's whole scope when `None`.
    pub unit: Option<String>,
    /// Only those not yet answered.
    pub open_only: bool,
}

pub(crate) fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A text the registry keeps: trimmed, not over [`SUGGESTION_MAX_CHARS`].
fn checked_text(text: &str) -> Result<String, RegistryError> {
    let text = text.trim();
    if text.chars().count() > SUGGESTION_MAX_CHARS {
        return Err(RegistryError::SuggestionTooLong(SUGGESTION_MAX_CHARS));
    }
    Ok(text.to_string())
}

/// `unit` and the units above it, nearest first.
async fn ancestry(db: &impl ConnectionTrait, unit: &str) -> Result<Vec<String>, DbErr> {
    let mut chain = Vec::new();
    let mut next = Some(unit.to_string());
    while let Some(id) = next.take() {
        // A cycle cannot be applied, but a bounded walk costs nothing.
        if chain.contains(&id) || chain.len() > 64 {
            break;
        }
        next = unit::Entity::find_by_id(id.clone()).one(db).await?.and_then(|u| u.parent);
        chain.push(id);
    }
    Ok(chain)
}

/// The units a suggestion recorded by `unit` may be routed to — itself, then each unit above it —
/// as (id, name), for the recording form.
pub async fn route_choices(store: &Store, unit: &str) -> Result<Vec<(String, String)>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let chain = ancestry(&store.db, unit).await.map_err(err)?;
    let mut out = Vec::with_capacity(chain.len());
    for id in chain {
        if let Some(u) = unit::Entity::find_by_id(id).one(&store.db).await.map_err(err)? {
            out.push((u.id, u.name));
        }
    }
    Ok(out)
}

/// Records a suggestion of `person_id` (a person in the viewer's scope), routed to
/// `new.route_to` — the viewer's own unit or one above it; the district's administrator (scope
/// `All`) names the unit. Starts 受理, logged as `suggestion`. Returns its id.
pub async fn record_suggestion(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    new: &NewSuggestion,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let text = checked_text(&new.text)?;
    if text.is_empty() {
        return Err(RegistryError::SuggestionEmpty.into());
    }
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        in_scope(&txn, viewer, person_id).await?;
        let (recorded_by, routed) = match (&viewer.scope, &new.route_to) {
            (Scope::Unit(own), route) => {
                let route = route.clone().unwrap_or_else(|| own.clone());
                if !ancestry(&txn, own).await?.contains(&route) {
                    return Err(RegistryError::SuggestionRoute { unit: route, recorder: own.clone() }.into());
                }
                (own.clone(), route)
            }
            (Scope::All, Some(route)) => {
                if unit::Entity::find_by_id(route.clone()).one(&txn).await?.is_none() {
                    return Err(RegistryError::NoSuchUnit(route.clone()).into());
                }
                (route.clone(), route.clone())
            }
            (Scope::All, None) => return Err(RegistryError::NoUnit.into()),
        };
        let at = now.timestamp();
        let inserted = person_suggestion::Entity::insert(person_suggestion::ActiveModel {
            person_id: Set(person_id),
            recorded_by: Set(recorded_by.clone()),
            unit: Set(routed.clone()),
            category: Set(new.category.map(|c| c.key().to_string())),
            text: Set(text),
            state: Set(SuggestionState::START.key().to_string()),
            due_on: Set(day_text(new.due_on)),
            actor: Set(viewer.actor.name.clone()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let id = inserted.last_insert_id;
        person_suggestion_move::Entity::insert(person_suggestion_move::ActiveModel {
            suggestion_id: Set(id),
            state: Set(SuggestionState::START.key().to_string()),
            note: Set(String::new()),
            unit: Set(recorded_by),
            actor: Set(viewer.actor.name.clone()),
            at: Set(at),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let entry = NewEntry {
            action: AccessAction::Suggestion,
            person_id: Some(person_id),
            filter: Some(format!("suggestion={id} to={routed} due={}", new.due_on)),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, at, viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(id)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Moves suggestion `id` to `to` with `note`, by a viewer whose scope holds the unit it is routed
/// to. Refused: a suggestion outside the scope (as unknown), a skipped or backward step (受理 →
/// 已反馈), an answer without its text, or a move another reader made first. Logged as
/// `suggestion-move`.
pub async fn move_suggestion(
    store: &Store,
    viewer: &Viewer,
    id: i64,
    to: SuggestionState,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let note = checked_text(note)?;
    if to == SuggestionState::Answered && note.is_empty() {
        return Err(RegistryError::AnswerRequired.into());
    }
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let Some(row) = person_suggestion::Entity::find_by_id(id).one(&txn).await?.filter(|s| seen.contains(&s.unit))
        else {
            return Err(RegistryError::NoSuchSuggestion(id).into());
        };
        let from = SuggestionState::parse(&row.state).map_err(|_| RegistryError::NoSuchSuggestion(id))?;
        if !from.can_move_to(to) {
            return Err(RegistryError::SuggestionMove { id, from: from.key(), to: to.key() }.into());
        }
        // Compare-and-set: a move another reader made meanwhile refuses this one.
        let moved = person_suggestion::Entity::update_many()
            .col_expr(person_suggestion::Column::State, Expr::value(to.key()))
            .col_expr(person_suggestion::Column::UpdatedAt, Expr::value(now.timestamp()))
            .filter(person_suggestion::Column::Id.eq(id))
            .filter(person_suggestion::Column::State.eq(from.key()))
            .exec(&txn)
            .await?
            .rows_affected;
        if moved != 1 {
            return Err(RegistryError::SuggestionMove { id, from: from.key(), to: to.key() }.into());
        }
        let unit = match &viewer.scope {
            Scope::All => row.unit.clone(),
            Scope::Unit(unit) => unit.clone(),
        };
        person_suggestion_move::Entity::insert(person_suggestion_move::ActiveModel {
            suggestion_id: Set(id),
            state: Set(to.key().to_string()),
            note: Set(note),
            unit: Set(unit),
            actor: Set(viewer.actor.name.clone()),
            at: Set(now.timestamp()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let entry = NewEntry {
            action: AccessAction::SuggestionMove,
            person_id: Some(row.person_id),
            filter: Some(format!("suggestion={id} state={}", to.key())),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(())
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// The suggestions rows as read back: moves, unit names, the person's name in full only for the
/// viewer's own book. Open first, the earliest due first.
async fn read_back(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    rows: Vec<person_suggestion::Model>,
) -> Result<Vec<Suggestion>, StoreOrRegistry> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // A suggestion of a record merged into another is that person's: shown as the kept record.
    let mut people =
        crate::registry::book::load_persons(db, &rows.iter().map(|r| r.person_id).collect::<Vec<_>>()).await?;
    let mut stands_as: HashMap<i64, i64> = HashMap::new();
    for r in &rows {
        let mut id = r.person_id;
        for _ in 0..64 {
            let Some(into) = people.get(&id).and_then(|p| p.merged_into) else { break };
            if !people.contains_key(&into) {
                people.extend(crate::registry::book::load_persons(db, &[into]).await?);
            }
            id = into;
        }
        stands_as.insert(r.person_id, id);
    }
    let kept = |id: i64| stands_as.get(&id).copied().unwrap_or(id);
    let persons: Vec<i64> = rows.iter().map(|r| kept(r.person_id)).collect::<HashSet<_>>().into_iter().collect();
    let mut moves: HashMap<i64, Vec<person_suggestion_move::Model>> = HashMap::new();
    let mut own: HashSet<i64> = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows = person_suggestion_move::Entity::find()
            .filter(person_suggestion_move::Column::SuggestionId.is_in(chunk.to_vec()))
            .order_by_asc(person_suggestion_move::Column::Id)
            .all(db)
            .await?;
        for m in rows {
            moves.entry(m.suggestion_id).or_default().push(m);
        }
    }
    if let Scope::Unit(unit) = &viewer.scope {
        for chunk in persons.chunks(500) {
            let books = person_book::Entity::find()
                .filter(person_book::Column::PersonId.is_in(chunk.to_vec()))
                .filter(person_book::Column::Unit.eq(unit))
                .all(db)
                .await?;
            own.extend(books.into_iter().map(|b| b.person_id));
        }
    }
    let mut unit_ids: HashSet<String> = HashSet::new();
    for r in &rows {
        unit_ids.insert(r.unit.clone());
        unit_ids.insert(r.recorded_by.clone());
    }
    for m in moves.values().flatten() {
        unit_ids.insert(m.unit.clone());
    }
    let unit_ids: Vec<String> = unit_ids.into_iter().collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        for u in unit::Entity::find().filter(unit::Column::Id.is_in(chunk.to_vec())).all(db).await? {
            names.insert(u.id, u.name);
        }
    }
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let person_id = kept(r.person_id);
        // A suggestion of a person no longer readable (erased and gone) is not listed.
        let Some(person) = people.get(&person_id) else { continue };
        let person_name = if own.contains(&person_id) {
            person.name.clone()
        } else {
            PersonName::parse(&person.name).map(|n| mask_name(&n)).unwrap_or_else(|_| "*".into())
        };
        let what = |column: &str| format!("suggestion {} with the {column}", r.id);
        let moves = moves
            .remove(&r.id)
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                Ok(SuggestionMove {
                    state: stored::vocab(&m.state, || what("move to"))?,
                    note: m.note,
                    unit_name: name(&m.unit),
                    unit: m.unit,
                    actor: m.actor,
                    at: m.at,
                })
            })
            .collect::<Result<Vec<_>, StoreOrRegistry>>()?;
        out.push(Suggestion {
            id: r.id,
            person_id,
            person_name,
            recorded_by_name: name(&r.recorded_by),
            recorded_by: r.recorded_by,
            unit_name: name(&r.unit),
            category: stored::vocab_opt(r.category.as_deref(), || what("category"))?,
            state: stored::vocab(&r.state, || what("state"))?,
            due_on: stored::day(&r.due_on, || what("due day"))?,
            unit: r.unit,
            text: r.text,
            created_at: r.created_at,
            moves,
        });
    }
    out.sort_by_key(|s| (!s.state.is_open(), s.due_on, s.id));
    Ok(out)
}

/// The suggestions of `person_id` (a person in the viewer's scope), for the person's page. Logged
/// as a `list` of the person's suggestions.
pub async fn person_suggestions(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Suggestion>, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        in_scope(&txn, viewer, person_id).await?;
        // The person and the records merged into them, however deep, while the merges stand
        // (undoing one gives the record its suggestions back, as nothing moved).
        let mut ids = vec![person_id];
        let mut frontier = vec![person_id];
        while !frontier.is_empty() && ids.len() < 10_000 {
            let merged: Vec<i64> = person::Entity::find()
                .filter(person::Column::MergedInto.is_in(frontier.clone()))
                .filter(person::Column::Id.is_not_in(ids.clone()))
                .all(&txn)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect();
            ids.extend(&merged);
            frontier = merged;
        }
        let rows =
            person_suggestion::Entity::find().filter(person_suggestion::Column::PersonId.is_in(ids)).all(&txn).await?;
        let out = read_back(&txn, viewer, rows).await?;
        if !out.is_empty() {
            let entry = NewEntry {
                action: AccessAction::List,
                person_id: Some(person_id),
                filter: Some("suggestions".into()),
                fields: Vec::new(),
                reason: None,
                outcome: AccessOutcome::Ok,
            };
            access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        }
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(out)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// The suggestions routed to the units of the viewer's scope (or of `query.unit`, a unit in it):
/// open first, the earliest due first. Logged as a `list`.
pub async fn list_suggestions(
    store: &Store,
    viewer: &Viewer,
    query: &SuggestionQuery,
    now: DateTime<Utc>,
) -> Result<Vec<Suggestion>, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let scope = match &query.unit {
            Some(unit) => {
                let seen = visible(&txn, &viewer.scope).await?;
                check_unit(&seen, viewer, unit)?;
                Scope::Unit(unit.clone())
            }
            None => viewer.scope.clone(),
        };
        let mut select = person_suggestion::Entity::find();
        if let Some(subtree) = subtree_query(&txn, &scope).await? {
            select = select.filter(person_suggestion::Column::Unit.in_subquery(subtree));
        }
        if query.open_only {
            select = select.filter(person_suggestion::Column::State.ne(SuggestionState::Answered.key()));
        }
        let rows = select.all(&txn).await?;
        let out = read_back(&txn, viewer, rows).await?;
        let entry = NewEntry {
            action: AccessAction::List,
            person_id: None,
            filter: Some(format!("suggestions unit={} open={}", scope.label(), query.open_only)),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(out)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Deletes the suggestions of erased persons `ids` with their moves, in the erasure's transaction:
/// their texts are the person's words, and no count is made of them.
pub(crate) async fn erase_suggestions(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    let rows: Vec<i64> = person_suggestion::Entity::find()
        .filter(person_suggestion::Column::PersonId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    for chunk in rows.chunks(500) {
        person_suggestion_move::Entity::delete_many()
            .filter(person_suggestion_move::Column::SuggestionId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    person_suggestion::Entity::delete_many()
        .filter(person_suggestion::Column::PersonId.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

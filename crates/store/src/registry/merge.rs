//! Merging two records of one person (issue 18, item 5), entered twice — in two communities with
//! different mobiles, or a held candidate confirmed wrongly — into the one kept, in one
//! transaction: the absorbed record's book entries and every follow-up move to the kept one, its
//! empty fields are filled (`merge_fill.rs`), and the absorbed record is marked merged into the
//! kept one, never deleted, so that `unmerge` can put everything back. Each merge is recorded
//! (`person_merges`) with the book entries it moved or dropped and the follow-ups it moved, and is
//! written to the access log with its reason in the same transaction.
//!
//! Afterwards the absorbed record holds no book entry, so no list, export, count or reminder
//! reads it, and the matching ladder takes a hit on it as a hit on the person it was merged into.
//! A book holding both keeps one entry, the older archive number; the other is dropped, and kept
//! in `person_merge_books` (so its number is never given to anyone else meanwhile).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{person, person_book, person_followup, person_merge, person_merge_book, person_merge_followup};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::log_refusal;
use crate::registry::error::RegistryError;
use crate::registry::merge_fill::{self, MergeField};
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, Visible, visible};

/// What a merge did with one book entry of the absorbed (or kept) person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MergeBookAction {
    /// Moved from the absorbed person to the kept one.
    Moved,
    /// Taken out: the book holds the other person too, under an older archive number.
    Dropped,
}

impl MergeBookAction {
    pub fn key(self) -> &'static str {
        match self {
            MergeBookAction::Moved => "moved",
            MergeBookAction::Dropped => "dropped",
        }
    }

    pub fn parse(key: &str) -> Option<MergeBookAction> {
        [MergeBookAction::Moved, MergeBookAction::Dropped].into_iter().find(|a| a.key() == key)
    }
}

/// What one merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub merge_id: i64,
    pub kept_id: i64,
    pub absorbed_id: i64,
    /// The kept record's empty fields filled from the absorbed one.
    pub filled: Vec<MergeField>,
    pub books_moved: usize,
    pub books_dropped: usize,
    pub followups_moved: usize,
}

/// When, by whom and why a merge was undone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Undone {
    pub at: i64,
    pub by: String,
    pub reason: String,
}

/// A merge as `merges` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeRecord {
    #[serde(flatten)]
    pub merged: Merged,
    pub at: i64,
    pub actor: String,
    pub reason: String,
    /// The archive numbers the merge moved to the kept person, and those it dropped.
    pub moved_archive_nos: Vec<String>,
    pub dropped_archive_nos: Vec<String>,
    pub undone: Option<Undone>,
}

/// The reason, trimmed; an empty one refuses the request.
pub(crate) fn reason_of(reason: &str) -> Result<&str, RegistryError> {
    let reason = reason.trim();
    if reason.is_empty() { Err(RegistryError::MergeReasonRequired) } else { Ok(reason) }
}

/// Refuses a viewer whose scope misses any book of `person` (`books`); a person none of whose
/// books it sees is unknown to it.
pub(crate) fn check_books(
    seen: &Visible,
    viewer: &Viewer,
    person: i64,
    books: &[person_book::Model],
) -> Result<(), RegistryError> {
    if viewer.scope == Scope::All {
        return Ok(());
    }
    if !books.iter().any(|b| seen.contains(&b.unit)) {
        return Err(RegistryError::NoSuchPerson(person));
    }
    match books.iter().find(|b| !seen.contains(&b.unit)) {
        Some(b) => Err(RegistryError::MergeOutOfScope {
            person,
            unit: b.unit.clone(),
            scope: viewer.scope.label().to_string(),
        }),
        None => Ok(()),
    }
}

pub(crate) async fn books_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<person_book::Model>, sea_orm::DbErr> {
    person_book::Entity::find()
        .filter(person_book::Column::PersonId.eq(person_id))
        .order_by_asc(person_book::Column::Id)
        .all(db)
        .await
}

/// Takes the merges' turn: on PostgreSQL, merges, their undoing and erasures run one at a time,
/// so that two of them never decide on the same persons from what the other is changing (SQLite's
/// IMMEDIATE transactions already take turns).
pub(crate) async fn merge_turn(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_advisory_xact_lock(1818002)")).await?;
    }
    Ok(())
}

/// Person `person_id`, held against a merge until the caller's transaction ends: on PostgreSQL
/// the row is locked for share, so a merge (which locks both rows for update) waits for a writer
/// that found the person to commit, and a writer that comes second reads the person as merged.
/// (SQLite's IMMEDIATE transactions already take turns.)
pub(crate) async fn hold_person(db: &impl ConnectionTrait, person_id: i64) -> Result<Option<person::Model>, DbErr> {
    let select = person::Entity::find_by_id(person_id);
    if db.get_database_backend() == DbBackend::Postgres {
        return select.lock_shared().one(db).await;
    }
    select.one(db).await
}

/// A person fit to take part in a merge: there, not erased, not merged into anyone; locked for
/// update on PostgreSQL (see [`hold_person`]).
async fn live_person(db: &impl ConnectionTrait, person_id: i64) -> Result<person::Model, StoreOrRegistry> {
    let mut select = person::Entity::find_by_id(person_id);
    if db.get_database_backend() == DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    let p = select.one(db).await?.ok_or(RegistryError::NoSuchPerson(person_id))?;
    if p.erased {
        return Err(RegistryError::MergeErased(person_id).into());
    }
    if let Some(into) = p.merged_into {
        return Err(RegistryError::AlreadyMerged { person: person_id, into }.into());
    }
    Ok(p)
}

async fn record_book(
    db: &impl ConnectionTrait,
    merge_id: i64,
    action: MergeBookAction,
    b: &person_book::Model,
) -> Result<(), sea_orm::DbErr> {
    person_merge_book::Entity::insert(person_merge_book::ActiveModel {
        merge_id: Set(merge_id),
        book_id: Set(b.id),
        action: Set(action.key().to_string()),
        person_id: Set(b.person_id),
        unit: Set(b.unit.clone()),
        role: Set(b.role.clone()),
        archive_no: Set(b.archive_no.clone()),
        seq: Set(b.seq),
        created_at: Set(b.created_at),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Merges person `absorb` into person `keep`, for `reason`. Refused (and the refusal logged)
/// without a reason, for one person twice, for an unknown, erased or already merged person, for
/// two different ID numbers, and for a viewer whose scope misses a book of either person.
pub async fn merge_persons(
    store: &Store,
    viewer: &Viewer,
    keep: i64,
    absorb: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Merged, StoreError> {
    let filter = format!("keep={keep} absorb={absorb}");
    let refused = |reason: Option<String>| NewEntry {
        action: AccessAction::Merge,
        person_id: Some(absorb),
        filter: Some(filter.clone()),
        fields: Vec::new(),
        reason,
        outcome: AccessOutcome::Refused,
    };
    let reason = match reason_of(reason) {
        Ok(r) => r,
        Err(e) => {
            log_refusal(store, viewer, refused(None), now).await?;
            return Err(e.into());
        }
    };
    let at = now.timestamp();
    let work = async {
        if keep == absorb {
            return Err(RegistryError::MergeSelf(keep).into());
        }
        let txn = store.db.begin_with_options(begin_options()).await?;
        merge_turn(&txn).await?;
        let mut kept = live_person(&txn, keep).await?;
        let absorbed = live_person(&txn, absorb).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let kept_books = books_of(&txn, keep).await?;
        let absorbed_books = books_of(&txn, absorb).await?;
        check_books(&seen, viewer, keep, &kept_books)?;
        check_books(&seen, viewer, absorb, &absorbed_books)?;
        if let (Some(k), Some(a)) = (&kept.id_number_index, &absorbed.id_number_index)
            && k != a
        {
            return Err(RegistryError::DifferentIdNumbers { kept: keep, absorbed: absorb }.into());
        }

        let merge_id = person_merge::Entity::insert(person_merge::ActiveModel {
            kept_id: Set(keep),
            absorbed_id: Set(absorb),
            reason: Set(reason.to_string()),
            actor: Set(viewer.actor.name.clone()),
            merged_at: Set(at),
            filled: Set(String::new()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;

        // Book entries: a book holding both keeps the older archive number (the lower sequence
        // number of that book). The kept person's entry is taken out before the absorbed one is
        // moved in, as (person, unit) is unique.
        let by_unit: HashMap<&str, &person_book::Model> = kept_books.iter().map(|b| (b.unit.as_str(), b)).collect();
        let (mut moved, mut dropped) = (0, 0);
        for a in &absorbed_books {
            match by_unit.get(a.unit.as_str()) {
                Some(k) if k.seq <= a.seq => {
                    record_book(&txn, merge_id, MergeBookAction::Dropped, a).await?;
                    person_book::Entity::delete_by_id(a.id).exec(&txn).await?;
                    dropped += 1;
                }
                found => {
                    if let Some(k) = found {
                        record_book(&txn, merge_id, MergeBookAction::Dropped, k).await?;
                        person_book::Entity::delete_by_id(k.id).exec(&txn).await?;
                        dropped += 1;
                    }
                    record_book(&txn, merge_id, MergeBookAction::Moved, a).await?;
                    person_book::Entity::update_many()
                        .col_expr(person_book::Column::PersonId, Expr::value(keep))
                        .filter(person_book::Column::Id.eq(a.id))
                        .exec(&txn)
                        .await?;
                    moved += 1;
                }
            }
        }

        // Every follow-up, so the kept person's history is whole (and a contact due is reminded
        // once, as the kept person's): recorded first and moved by the record, so exactly the
        // follow-ups recorded move.
        let backend = txn.get_database_backend();
        let record = match backend {
            DbBackend::Postgres => {
                "INSERT INTO person_merge_followups (merge_id, followup_id) \
                 SELECT $1, id FROM person_followups WHERE person_id = $2"
            }
            _ => {
                "INSERT INTO person_merge_followups (merge_id, followup_id) \
                 SELECT ?, id FROM person_followups WHERE person_id = ?"
            }
        };
        txn.execute_raw(Statement::from_sql_and_values(backend, record, [merge_id.into(), absorb.into()])).await?;
        let recorded = person_merge_followup::Entity::find()
            .filter(person_merge_followup::Column::MergeId.eq(merge_id))
            .all(&txn)
            .await?;
        let ids: Vec<i64> = recorded.iter().map(|f| f.followup_id).collect();
        for chunk in ids.chunks(500) {
            person_followup::Entity::update_many()
                .col_expr(person_followup::Column::PersonId, Expr::value(keep))
                .filter(person_followup::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }

        let filled = merge_fill::fill(&mut kept, &absorbed);
        if !filled.is_empty() {
            kept.updated_at = at;
            merge_fill::update_of(&kept, &filled).update(&txn).await?;
            person_merge::Entity::update_many()
                .col_expr(person_merge::Column::Filled, Expr::value(merge_fill::join(&filled)))
                .filter(person_merge::Column::Id.eq(merge_id))
                .exec(&txn)
                .await?;
        }
        // The absorbed row is left as it was but for the mark, so undoing restores it exactly.
        person::Entity::update_many()
            .col_expr(person::Column::MergedInto, Expr::value(keep))
            .filter(person::Column::Id.eq(absorb))
            .exec(&txn)
            .await?;

        let merged = Merged {
            merge_id,
            kept_id: keep,
            absorbed_id: absorb,
            filled,
            books_moved: moved,
            books_dropped: dropped,
            followups_moved: ids.len(),
        };
        let entry = NewEntry {
            action: AccessAction::Merge,
            person_id: Some(absorb),
            filter: Some(format!(
                "merge={merge_id} keep={keep} absorb={absorb} books-moved={moved} books-dropped={dropped} \
                 followups-moved={} filled={}",
                merged.followups_moved,
                merge_fill::join(&merged.filled)
            )),
            fields: Vec::new(),
            reason: Some(reason.to_string()),
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, at, viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(merged)
    };
    match work.await {
        Ok(merged) => Ok(merged),
        Err(StoreOrRegistry::Registry(e)) => {
            log_refusal(store, viewer, refused(Some(reason.to_string())), now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into_store(&store.url)),
    }
}

/// The merges the viewer's scope sees (the kept person's books, or the books the merge moved or
/// dropped, in scope), the newest first. Logged as a `list`.
pub async fn list_merges(store: &Store, viewer: &Viewer, now: DateTime<Utc>) -> Result<Vec<MergeRecord>, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let merges = person_merge::Entity::find().order_by_desc(person_merge::Column::Id).all(&txn).await?;
        let mut out = Vec::with_capacity(merges.len());
        for m in merges {
            let books = person_merge_book::Entity::find()
                .filter(person_merge_book::Column::MergeId.eq(m.id))
                .order_by_asc(person_merge_book::Column::BookId)
                .all(&txn)
                .await?;
            if viewer.scope != Scope::All {
                let kept_books = books_of(&txn, m.kept_id).await?;
                let in_scope =
                    books.iter().any(|b| seen.contains(&b.unit)) || kept_books.iter().any(|b| seen.contains(&b.unit));
                if !in_scope {
                    continue;
                }
            }
            let followups = person_merge_followup::Entity::find()
                .filter(person_merge_followup::Column::MergeId.eq(m.id))
                .all(&txn)
                .await?;
            let numbers = |action: MergeBookAction| -> Vec<String> {
                books
                    .iter()
                    .filter(|b| MergeBookAction::parse(&b.action) == Some(action))
                    .map(|b| b.archive_no.clone())
                    .collect()
            };
            let (moved_archive_nos, dropped_archive_nos) =
                (numbers(MergeBookAction::Moved), numbers(MergeBookAction::Dropped));
            out.push(MergeRecord {
                merged: Merged {
                    merge_id: m.id,
                    kept_id: m.kept_id,
                    absorbed_id: m.absorbed_id,
                    filled: merge_fill::split(&m.filled),
                    books_moved: moved_archive_nos.len(),
                    books_dropped: dropped_archive_nos.len(),
                    followups_moved: followups.len(),
                },
                at: m.merged_at,
                actor: m.actor,
                reason: m.reason,
                moved_archive_nos,
                dropped_archive_nos,
                undone: m.unmerged_at.map(|at| Undone {
                    at,
                    by: m.unmerged_by.unwrap_or_default(),
                    reason: m.unmerge_reason.unwrap_or_default(),
                }),
            });
        }
        let entry = NewEntry {
            action: AccessAction::List,
            person_id: None,
            filter: Some("merges".into()),
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

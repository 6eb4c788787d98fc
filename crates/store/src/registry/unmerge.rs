//! Undoing a merge exactly, in one transaction: the absorbed record stands again with its own
//! fields (it was never changed but for its mark), the book entries the merge moved go back to it
//! and those it dropped come back as they were, the follow-ups it had go back (those recorded with
//! the kept person since the merge stay there), and the kept record's fields the merge filled are
//! emptied again. Logged with its reason in the same transaction.
//!
//! Merges into one person are undone newest first, and not at all once the kept person was erased
//! or merged into someone else: what the later change did would not be put back with it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{person, person_book, person_followup, person_merge, person_merge_book, person_merge_followup};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::log_refusal;
use crate::registry::error::RegistryError;
use crate::registry::merge::{MergeBookAction, books_of, check_books, merge_turn, reason_of};
use crate::registry::merge_fill;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, visible};

/// What undoing a merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmerged {
    pub merge_id: i64,
    pub kept_id: i64,
    pub absorbed_id: i64,
    pub books_returned: usize,
    pub books_restored: usize,
    pub followups_returned: usize,
}

/// Undoes merge `merge_id`, for `reason`. Refused (and the refusal logged) without a reason, for
/// an unknown merge or one undone already, when the kept person was erased or merged again since,
/// when a later merge into the kept person stands, and for a viewer whose scope misses a book of
/// either person.
pub async fn unmerge(
    store: &Store,
    viewer: &Viewer,
    merge_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Unmerged, StoreError> {
    let refused = |reason: Option<String>| NewEntry {
        action: AccessAction::Unmerge,
        person_id: None,
        filter: Some(format!("merge={merge_id}")),
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
        let txn = store.db.begin_with_options(begin_options()).await?;
        merge_turn(&txn).await?;
        let m =
            person_merge::Entity::find_by_id(merge_id).one(&txn).await?.ok_or(RegistryError::NoSuchMerge(merge_id))?;
        if m.unmerged_at.is_some() {
            return Err(RegistryError::AlreadyUnmerged(merge_id).into());
        }
        let (keep, absorb) = (m.kept_id, m.absorbed_id);
        let mut kept = person::Entity::find_by_id(keep).one(&txn).await?.ok_or(RegistryError::NoSuchPerson(keep))?;
        if kept.erased {
            return Err(RegistryError::UnmergeKeptErased { merge: merge_id, person: keep }.into());
        }
        if let Some(into) = kept.merged_into {
            return Err(RegistryError::UnmergeKeptMerged { merge: merge_id, person: keep, into }.into());
        }
        let later = person_merge::Entity::find()
            .filter(person_merge::Column::KeptId.eq(keep))
            .filter(person_merge::Column::Id.gt(merge_id))
            .filter(person_merge::Column::UnmergedAt.is_null())
            .order_by_desc(person_merge::Column::Id)
            .one(&txn)
            .await?;
        if let Some(later) = later {
            return Err(RegistryError::UnmergeLaterMerge { merge: merge_id, later: later.id }.into());
        }
        let absorbed =
            person::Entity::find_by_id(absorb).one(&txn).await?.ok_or(RegistryError::NoSuchPerson(absorb))?;

        let recorded = person_merge_book::Entity::find()
            .filter(person_merge_book::Column::MergeId.eq(merge_id))
            .order_by_asc(person_merge_book::Column::BookId)
            .all(&txn)
            .await?;
        // The scope must cover the kept person's books and every book the merge touched.
        let seen = visible(&txn, &viewer.scope).await?;
        check_books(&seen, viewer, keep, &books_of(&txn, keep).await?)?;
        if viewer.scope != Scope::All
            && let Some(b) = recorded.iter().find(|b| !seen.contains(&b.unit))
        {
            return Err(RegistryError::MergeOutOfScope {
                person: b.person_id,
                unit: b.unit.clone(),
                scope: viewer.scope.label().to_string(),
            }
            .into());
        }

        // Moved entries go back first, so that a dropped entry of the kept person in the same
        // book finds its (person, unit) free again.
        let (mut returned, mut restored) = (0, 0);
        for b in recorded.iter().filter(|b| MergeBookAction::parse(&b.action) == Some(MergeBookAction::Moved)) {
            person_book::Entity::update_many()
                .col_expr(person_book::Column::PersonId, Expr::value(b.person_id))
                .filter(person_book::Column::Id.eq(b.book_id))
                .exec(&txn)
                .await?;
            returned += 1;
        }
        for b in recorded.iter().filter(|b| MergeBookAction::parse(&b.action) == Some(MergeBookAction::Dropped)) {
            person_book::Entity::insert(person_book::ActiveModel {
                id: Set(b.book_id),
                person_id: Set(b.person_id),
                unit: Set(b.unit.clone()),
                role: Set(b.role.clone()),
                archive_no: Set(b.archive_no.clone()),
                seq: Set(b.seq),
                created_at: Set(b.created_at),
            })
            .exec_without_returning(&txn)
            .await?;
            restored += 1;
        }

        let followups: Vec<i64> = person_merge_followup::Entity::find()
            .filter(person_merge_followup::Column::MergeId.eq(merge_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|f| f.followup_id)
            .collect();
        let mut followups_returned = 0;
        for chunk in followups.chunks(500) {
            followups_returned += person_followup::Entity::update_many()
                .col_expr(person_followup::Column::PersonId, Expr::value(absorb))
                .filter(person_followup::Column::Id.is_in(chunk.to_vec()))
                .filter(person_followup::Column::PersonId.eq(keep))
                .exec(&txn)
                .await?
                .rows_affected;
        }

        let filled = merge_fill::split(&m.filled);
        if !filled.is_empty() {
            let cleared = merge_fill::clear(&mut kept, &absorbed, &filled);
            kept.updated_at = at;
            merge_fill::update_of(&kept, &cleared).update(&txn).await?;
        }
        person::Entity::update_many()
            .col_expr(person::Column::MergedInto, Expr::value(Option::<i64>::None))
            .filter(person::Column::Id.eq(absorb))
            .exec(&txn)
            .await?;
        person_merge::Entity::update_many()
            .col_expr(person_merge::Column::UnmergedAt, Expr::value(at))
            .col_expr(person_merge::Column::UnmergedBy, Expr::value(viewer.actor.name.clone()))
            .col_expr(person_merge::Column::UnmergeReason, Expr::value(reason))
            .filter(person_merge::Column::Id.eq(merge_id))
            .exec(&txn)
            .await?;

        let unmerged = Unmerged {
            merge_id,
            kept_id: keep,
            absorbed_id: absorb,
            books_returned: returned,
            books_restored: restored,
            followups_returned: usize::try_from(followups_returned).unwrap_or(usize::MAX),
        };
        let entry = NewEntry {
            action: AccessAction::Unmerge,
            person_id: Some(absorb),
            filter: Some(format!(
                "merge={merge_id} keep={keep} absorb={absorb} books-returned={returned} books-restored={restored} \
                 followups-returned={}",
                unmerged.followups_returned
            )),
            fields: Vec::new(),
            reason: Some(reason.to_string()),
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, at, viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(unmerged)
    };
    match work.await {
        Ok(unmerged) => Ok(unmerged),
        Err(StoreOrRegistry::Registry(e)) => {
            log_refusal(store, viewer, refused(Some(reason.to_string())), now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into_store(&store.url)),
    }
}

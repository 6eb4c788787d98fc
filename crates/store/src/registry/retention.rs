//! The retention review (PIPL art. 19: kept no longer than the purpose needs): every record has a
//! review date — [`talent::RETENTION_REVIEW_YEARS`] after entry, set on entry — after which it is
//! listed for review; the person's community (or the district) keeps it until a new date, with a
//! reason, or erases it (`erase_person`). Both are in the access log.
//!
//! A review date is a day, stored as the timestamp of its midnight (UTC) in
//! `persons.retention_review_at`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;
use talent::PersonName;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::followup::in_scope;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, booked_in, check_unit, subtree_query, visible};

/// A day as stored in `retention_review_at`.
pub(crate) fn day_stamp(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

/// The day of a stored `retention_review_at`.
pub(crate) fn stamp_day(stamp: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(stamp, 0).map(|t| t.date_naive())
}

/// The review date a record entered at `at` (a timestamp) gets.
pub(crate) fn review_stamp_for_entry(at: i64) -> i64 {
    let entered = stamp_day(at).unwrap_or(NaiveDate::MIN);
    day_stamp(talent::retention_review_date(entered))
}

/// A person whose review date has come, as the review list shows them (masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewDue {
    pub person_id: i64,
    /// Masked (`张*`).
    pub name: String,
    pub unit: String,
    pub unit_name: String,
    pub archive_no: String,
    pub review_on: NaiveDate,
}

/// Which persons to list for review.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewQuery {
    /// One unit's subtree in the viewer's scope; the whole scope when `None`.
    pub unit: Option<String>,
}

/// The live persons of the books in scope whose review date is today or earlier, the earliest
/// first (a person in two books is listed in each). Logged as `list` (filter `review-due`).
pub async fn review_due_persons(
    store: &Store,
    viewer: &Viewer,
    query: &ReviewQuery,
    now: DateTime<Utc>,
) -> Result<Vec<ReviewDue>, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let scope = match &query.unit {
            Some(u) => {
                check_unit(&seen, viewer, u)?;
                Scope::Unit(u.clone())
            }
            None => viewer.scope.clone(),
        };
        let today = now.date_naive();
        let persons = due_persons(&txn, &scope, today).await?;
        let mut out = Vec::new();
        for p in persons {
            let books = person_book::Entity::find()
                .filter(person_book::Column::PersonId.eq(p.id))
                .order_by_asc(person_book::Column::Unit)
                .all(&txn)
                .await?;
            for b in books.into_iter().filter(|b| seen.contains(&b.unit)) {
                out.push(ReviewDue {
                    person_id: p.id,
                    name: PersonName::parse(&p.name).map(|n| talent::mask_name(&n)).unwrap_or_else(|_| "*".into()),
                    unit_name: seen.name(&b.unit),
                    unit: b.unit,
                    archive_no: b.archive_no,
                    review_on: p.retention_review_at.and_then(stamp_day).unwrap_or(today),
                });
            }
        }
        out.sort_by(|a, b| a.review_on.cmp(&b.review_on).then_with(|| a.archive_no.cmp(&b.archive_no)));
        let entry = NewEntry {
            action: AccessAction::List,
            person_id: None,
            filter: Some(format!("review-due unit={} rows={}", scope.label(), out.len())),
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

/// How many live persons of the books in the viewer's scope are due for review today (a count:
/// nothing personal is read, nothing logged).
pub async fn review_due_count(store: &Store, viewer: &Viewer, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let work = async {
        let select = due_select(&store.db, &viewer.scope, now.date_naive()).await?;
        Ok::<_, StoreOrRegistry>(select.count(&store.db).await?)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

async fn due_select(
    db: &impl ConnectionTrait,
    scope: &Scope,
    today: NaiveDate,
) -> Result<sea_orm::Select<person::Entity>, StoreOrRegistry> {
    let mut select = person::Entity::find()
        .filter(person::Column::Erased.eq(false))
        .filter(person::Column::MergedInto.is_null())
        .filter(person::Column::RetentionReviewAt.lte(day_stamp(today)));
    if let Some(units) = subtree_query(db, scope).await? {
        // Correlated, so the count starts from the persons due (`persons_live_review`, m0013).
        select = select.filter(booked_in((person::Entity, person::Column::Id), units));
    }
    Ok(select)
}

async fn due_persons(
    db: &impl ConnectionTrait,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<person::Model>, StoreOrRegistry> {
    Ok(due_select(db, scope, today).await?.order_by_asc(person::Column::RetentionReviewAt).all(db).await?)
}

/// Keeps person `person_id` until `until` (after today), for `reason`: the review done, the next
/// one set. Only the person's own community (or the district) decides. Logged as `review`.
pub async fn keep_until(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    until: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RegistryError::ReviewReasonRequired.into());
    }
    if until <= now.date_naive() {
        return Err(RegistryError::ReviewDateNotLater.into());
    }
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let books = in_scope(&txn, viewer, person_id).await?;
        let own = match &viewer.scope {
            Scope::All => true,
            Scope::Unit(unit) => books.iter().any(|b| &b.unit == unit),
        };
        if !own {
            return Err(RegistryError::NotOwnBook.into());
        }
        person::Entity::update_many()
            .col_expr(person::Column::RetentionReviewAt, Expr::value(day_stamp(until)))
            .col_expr(person::Column::UpdatedAt, Expr::value(now.timestamp()))
            .filter(person::Column::Id.eq(person_id))
            .exec(&txn)
            .await?;
        let entry = NewEntry {
            action: AccessAction::Review,
            person_id: Some(person_id),
            filter: Some(format!("keep-until={}", until.format("%Y-%m-%d"))),
            fields: Vec::new(),
            reason: Some(reason.to_string()),
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(())
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

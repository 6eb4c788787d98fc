//! One person's page: the record (masked, or in full for the person's own community once the
//! web has checked its PIN), the books holding the person and the follow-ups. Logged as `view`,
//! with the fields shown in the clear; a person outside the scope is refused and logged.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;
use talent::BookRole;
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::{SEALED_FIELDS, log_refusal};
use crate::registry::error::RegistryError;
use crate::registry::followup::{FollowUp, followups_of, in_scope};
use crate::registry::request::{RightsRequest, requests_of};
use crate::registry::retention::stamp_day;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, visible};
use crate::registry::sealing::{PersonRecord, record};

/// A person's place in one book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonBook {
    pub unit: String,
    pub unit_name: String,
    pub archive_no: String,
    pub role: BookRole,
}

/// One person as a page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonDetail {
    pub record: PersonRecord,
    pub books: Vec<PersonBook>,
    pub followups: Vec<FollowUp>,
    /// Whether the viewer's scope is exactly one of the person's books (its own community).
    pub own_book: bool,
    /// When the intent to return was last confirmed (a follow-up, or the entry).
    pub intent_confirmed_at: Option<i64>,
    /// The record's retention review date (listed for review from that day).
    pub retention_review_on: Option<NaiveDate>,
    /// The person's requests about their record (查阅 / 更正 / 删除), the overdue first.
    pub requests: Vec<RightsRequest>,
}

/// Whether `viewer` reads `person_id` in its own book (the full record may be shown, after the
/// PIN), without reading the person or logging anything.
pub async fn is_own_book(store: &Store, viewer: &Viewer, person_id: i64) -> Result<bool, StoreError> {
    let Scope::Unit(unit) = &viewer.scope else { return Ok(false) };
    let books = person_book::Entity::find()
        .filter(person_book::Column::PersonId.eq(person_id))
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(books.iter().any(|b| &b.unit == unit))
}

/// Person `person_id` as the viewer may see them: masked, or every sealed field in the clear when
/// `full` and the person is in the viewer's own book (anyone else is refused: a street reveals
/// one field with a reason, `reveal_field`).
pub async fn person_detail(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    person_id: i64,
    full: bool,
    now: DateTime<Utc>,
) -> Result<PersonDetail, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let books = in_scope(&txn, viewer, person_id).await?;
        let own_book = matches!(&viewer.scope, Scope::Unit(u) if books.iter().any(|b| &b.unit == u));
        if full && !own_book {
            return Err(RegistryError::ReasonRequired.into());
        }
        let p = person::Entity::find_by_id(person_id).one(&txn).await?.ok_or(RegistryError::NoSuchPerson(person_id))?;
        let all = visible(&txn, &Scope::All).await?;
        let record = record(vault, &p, full, now.date_naive())?;
        let followups = followups_of(&txn, person_id, &|u| all.name(u)).await?;
        let requests = requests_of(&txn, person_id, now.date_naive()).await?;
        let books = books
            .into_iter()
            .map(|b| {
                // A role this guiyan does not know is an error, never read as another.
                let role = BookRole::parse(&b.role)
                    .map_err(|_| StoreOrRegistry::Corrupt(format!("book entry {} in the role `{}`", b.id, b.role)))?;
                Ok(PersonBook { unit_name: all.name(&b.unit), role, unit: b.unit, archive_no: b.archive_no })
            })
            .collect::<Result<Vec<_>, StoreOrRegistry>>()?;
        let entry = NewEntry {
            action: AccessAction::View,
            person_id: Some(person_id),
            filter: None,
            fields: if full { SEALED_FIELDS.to_vec() } else { Vec::new() },
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(PersonDetail {
            record,
            books,
            followups,
            own_book,
            intent_confirmed_at: p.intent_confirmed_at,
            retention_review_on: p.retention_review_at.and_then(stamp_day),
            requests,
        })
    };
    match work.await {
        Ok(detail) => Ok(detail),
        Err(StoreOrRegistry::Registry(e @ (RegistryError::NoSuchPerson(_) | RegistryError::ReasonRequired))) => {
            let entry = NewEntry {
                action: AccessAction::View,
                person_id: Some(person_id),
                filter: None,
                fields: if full { SEALED_FIELDS.to_vec() } else { Vec::new() },
                reason: None,
                outcome: AccessOutcome::Refused,
            };
            log_refusal(store, viewer, entry, now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into_store(&store.url)),
    }
}

//! Revealing one sealed field of one person: free in the reader's own book, elsewhere only with a
//! written reason; refused or served, it is logged.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use talent::Field;
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::log_refusal;
use crate::registry::error::RegistryError;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, visible};
use crate::registry::sealing::open_field;

/// The value of `field` (the ID number, mobile or address) of person `person_id`, in the clear;
/// `None` when the person has none. The person must be in a book within the viewer's scope; a
/// reader whose scope is exactly one of the person's books (a community's own person) needs no
/// reason, anyone else a non-empty one.
pub async fn reveal_field(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    person_id: i64,
    field: Field,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    if !matches!(field, Field::IdNumber | Field::Mobile | Field::Address) {
        return Err(RegistryError::NotSealed(field.key()).into());
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let url = store.url.clone();
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let books = person_book::Entity::find().filter(person_book::Column::PersonId.eq(person_id)).all(&txn).await?;
        let in_scope = books.iter().any(|b| seen.contains(&b.unit));
        let found = person::Entity::find_by_id(person_id).one(&txn).await?;
        let Some(p) = found.filter(|p| in_scope && !p.erased) else {
            return Err(RegistryError::NoSuchPerson(person_id).into());
        };
        let own_book = matches!(&viewer.scope, Scope::Unit(u) if books.iter().any(|b| &b.unit == u));
        if !own_book && reason.is_none() {
            return Ok(None);
        }
        let value = open_field(vault, &p, field)?;
        let entry = NewEntry {
            action: AccessAction::Reveal,
            person_id: Some(person_id),
            filter: None,
            fields: vec![field.key()],
            reason: reason.map(str::to_string),
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(Some(value))
    };
    match work.await.map_err(|e| e.into_store(&url))? {
        Some(value) => Ok(value),
        None => {
            let entry = NewEntry {
                action: AccessAction::Reveal,
                person_id: Some(person_id),
                filter: None,
                fields: vec![field.key()],
                reason: None,
                outcome: AccessOutcome::Refused,
            };
            log_refusal(store, viewer, entry, now).await?;
            Err(RegistryError::ReasonRequired.into())
        }
    }
}

//! Erasing a person (删除, PIPL art. 47): the record is anonymised, not deleted — its name, every
//! sealed value and blind index, the free texts, the follow-ups and the suggestions go; its category, intent,
//! pool status, the address's street-level area and its place in the books stay, so the counts
//! the reports and statistics were made from still add up. An erased person is never listed,
//! matched, shown or contacted again. Only the person's own community (or the district) erases,
//! with a written reason; the access log keeps it. The records merged into the person (kept for
//! undoing the merge) are the same person's and are anonymised with it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::connect::Store;
use crate::entities::{person, person_followup};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::followup::in_scope;
use crate::registry::merge::merge_turn;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer};

/// What an erased person's name reads as.
pub const ERASED_NAME: &str = "（已删除）";

/// Anonymises person `person_id`, for `reason`. Refused without a reason, for a person outside the
/// viewer's own book (a street office asks the community), and for one already erased.
pub async fn erase_person(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RegistryError::ReasonRequired.into());
    }
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        // No merge into this person can slip past the records erased with it.
        merge_turn(&txn).await?;
        erase_in(&txn, viewer, person_id, reason, now).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(())
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Erases person `person_id` in the caller's transaction, which has taken the merges' turn
/// ([`merge_turn`]): the request answered by an erasure does it with its own answer. `reason` is
/// trimmed and not empty.
pub(crate) async fn erase_in(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreOrRegistry> {
    let books = in_scope(txn, viewer, person_id).await?;
    let allowed = match &viewer.scope {
        Scope::All => true,
        Scope::Unit(unit) => books.iter().any(|b| &b.unit == unit),
    };
    if !allowed {
        return Err(RegistryError::NotOwnBook.into());
    }
    // The person and every record merged into them, however deep.
    let mut ids = vec![person_id];
    let mut frontier = vec![person_id];
    while !frontier.is_empty() {
        let merged: Vec<i64> = person::Entity::find()
            .filter(person::Column::MergedInto.is_in(frontier.clone()))
            .filter(person::Column::Id.is_not_in(ids.clone()))
            .all(txn)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        ids.extend(&merged);
        frontier = merged;
    }
    let none = || Expr::value(Option::<String>::None);
    person::Entity::update_many()
        .col_expr(person::Column::Name, Expr::value(ERASED_NAME))
        .col_expr(person::Column::Gender, none())
        .col_expr(person::Column::BirthYm, none())
        .col_expr(person::Column::IdNumberSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(person::Column::IdNumberIndex, none())
        .col_expr(person::Column::IdNumberLast4, none())
        .col_expr(person::Column::MobileSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(person::Column::MobileIndex, none())
        .col_expr(person::Column::AddressSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(person::Column::Employer, none())
        .col_expr(person::Column::WorkPlace, none())
        .col_expr(person::Column::Specialty, none())
        .col_expr(person::Column::FamilyNeeds, Expr::value(""))
        .col_expr(person::Column::Note, none())
        .col_expr(person::Column::DoNotContact, Expr::value(true))
        .col_expr(person::Column::Erased, Expr::value(true))
        .col_expr(person::Column::UpdatedAt, Expr::value(now.timestamp()))
        .filter(person::Column::Id.is_in(ids.clone()))
        .exec(txn)
        .await?;
    crate::registry::suggestion::erase_suggestions(txn, &ids).await?;
    person_followup::Entity::delete_many().filter(person_followup::Column::PersonId.is_in(ids)).exec(txn).await?;
    let entry = NewEntry {
        action: AccessAction::Erase,
        person_id: Some(person_id),
        filter: None,
        fields: Vec::new(),
        reason: Some(reason.to_string()),
        outcome: AccessOutcome::Ok,
    };
    access_log::append(txn, now.timestamp(), viewer, entry).await?;
    Ok(())
}

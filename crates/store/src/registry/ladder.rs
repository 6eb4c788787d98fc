//! The matching ladder over the store: a new record's blind indexes looked up among the persons
//! already registered anywhere in the district, each hit graded by `talent::match_strength`.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use talent::{MatchKeys, MatchStrength, PersonFields, normalise_name};
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::registry::sealing::{id_index, mobile_index};

/// The strongest match of a new record, with the books its person is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub person_id: i64,
    pub strength: MatchStrength,
    /// Units whose books hold the person.
    pub units: Vec<String>,
}

fn keys_of_new(vault: &Vault, fields: &PersonFields) -> MatchKeys<String> {
    MatchKeys {
        id_number: fields.id_number.as_ref().map(|id| id_index(vault, id)),
        mobile: fields.mobile.as_ref().map(|m| mobile_index(vault, m)),
        name: Some(normalise_name(fields.name.as_str())),
        birth_year_month: fields.birth_year_month,
        home_village: None,
    }
}

fn keys_of_row(p: &person::Model) -> MatchKeys<String> {
    MatchKeys {
        id_number: p.id_number_index.clone(),
        mobile: p.mobile_index.clone(),
        name: Some(normalise_name(&p.name)),
        birth_year_month: p.birth_ym.as_deref().and_then(|b| b.parse().ok()),
        home_village: None,
    }
}

/// The strongest match at `Candidate` or above (a weak match is a hint for a page, not a reason to
/// hold a row back), or `None`.
pub(crate) async fn strongest_match(
    db: &impl ConnectionTrait,
    vault: &Vault,
    fields: &PersonFields,
) -> Result<Option<Found>, DbErr> {
    let new = keys_of_new(vault, fields);
    let mut hits = Vec::new();
    if let Some(index) = &new.id_number {
        hits.extend(
            person::Entity::find()
                .filter(person::Column::IdNumberIndex.eq(index.as_str()))
                .filter(person::Column::Erased.eq(false))
                .all(db)
                .await?,
        );
    }
    if let Some(index) = &new.mobile {
        hits.extend(
            person::Entity::find()
                .filter(person::Column::MobileIndex.eq(index.as_str()))
                .filter(person::Column::Erased.eq(false))
                .all(db)
                .await?,
        );
    }
    let best = hits
        .iter()
        .map(|p| (new.strength(&keys_of_row(p)), p.id))
        .filter(|(s, _)| *s >= MatchStrength::Candidate)
        // The strongest, then the oldest record.
        .max_by_key(|(s, id)| (*s, -id));
    let Some((strength, person_id)) = best else { return Ok(None) };
    let units = person_book::Entity::find()
        .filter(person_book::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.unit)
        .collect();
    Ok(Some(Found { person_id, strength, units }))
}

/// [`strongest_match`] on the store's pool, outside any transaction: the look-up entry and import
/// make for each new record, public for the registry bench (`crates/store/benches/registry.rs`),
/// which times it beside the bare indexed `SELECT` on the blind index. Not for the application.
#[doc(hidden)]
pub async fn find_match(store: &Store, vault: &Vault, fields: &PersonFields) -> Result<Option<Found>, StoreError> {
    strongest_match(&store.db, vault, fields).await.map_err(|e| StoreError::from_db(&store.url, e))
}

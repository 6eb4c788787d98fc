//! The matching ladder over the store: a new record's blind indexes looked up among the persons
//! already registered anywhere in the district, each hit graded by `talent::match_strength`.

use std::collections::HashMap;

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

/// The match keys of a new record: its blind indexes, its name normalised, its birth month.
pub(crate) fn keys_of_new(vault: &Vault, fields: &PersonFields) -> MatchKeys<String> {
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

/// The persons already registered that a batch of new records may match — those sharing an ID
/// number's or a mobile's blind index with one of them, not erased — read a chunk of records at a
/// time, and the persons the batch adds as it goes ([`Known::add`]). An import of 100,000 rows
/// made two look-ups per row before; they are now two statements per 500 rows.
#[derive(Default)]
pub(crate) struct Known {
    by_id: HashMap<String, Vec<(i64, MatchKeys<String>)>>,
    by_mobile: HashMap<String, Vec<(i64, MatchKeys<String>)>>,
}

/// Blind indexes per look-up statement, well under both databases' limits on parameters.
const CHUNK: usize = 500;

impl Known {
    /// The registered persons the records of `batch` may match.
    pub(crate) async fn read(
        db: &impl ConnectionTrait,
        vault: &Vault,
        batch: &[&PersonFields],
    ) -> Result<Known, DbErr> {
        let mut known = Known::default();
        let ids: Vec<String> =
            batch.iter().filter_map(|f| f.id_number.as_ref().map(|id| id_index(vault, id))).collect();
        let mobiles: Vec<String> =
            batch.iter().filter_map(|f| f.mobile.as_ref().map(|m| mobile_index(vault, m))).collect();
        for (column, indexes) in [(person::Column::IdNumberIndex, ids), (person::Column::MobileIndex, mobiles)] {
            for chunk in indexes.chunks(CHUNK) {
                let found = person::Entity::find()
                    .filter(column.is_in(chunk.to_vec()))
                    .filter(person::Column::Erased.eq(false))
                    .all(db)
                    .await?;
                for p in found {
                    known.add(p.id, keys_of_row(&p));
                }
            }
        }
        Ok(known)
    }

    /// A person to match from now on (one just entered). A person read twice (by both indexes)
    /// is kept once.
    pub(crate) fn add(&mut self, person_id: i64, keys: MatchKeys<String>) {
        for (index, map) in [(&keys.id_number, &mut self.by_id), (&keys.mobile, &mut self.by_mobile)] {
            if let Some(index) = index {
                let hits = map.entry(index.clone()).or_default();
                if !hits.iter().any(|(id, _)| *id == person_id) {
                    hits.push((person_id, keys.clone()));
                }
            }
        }
    }

    /// The persons sharing the ID number's or the mobile's index of `new`.
    fn hits<'a>(&'a self, new: &MatchKeys<String>) -> impl Iterator<Item = &'a (i64, MatchKeys<String>)> {
        let by = |map: &'a HashMap<String, Vec<(i64, MatchKeys<String>)>>, index: &Option<String>| {
            index.as_ref().and_then(|i| map.get(i)).into_iter().flatten()
        };
        by(&self.by_id, &new.id_number).chain(by(&self.by_mobile, &new.mobile))
    }
}

/// The strongest match at `Candidate` or above (a weak match is a hint for a page, not a reason to
/// hold a row back), or `None`.
pub(crate) async fn strongest_match(
    db: &impl ConnectionTrait,
    vault: &Vault,
    fields: &PersonFields,
) -> Result<Option<Found>, DbErr> {
    let known = Known::read(db, vault, &[fields]).await?;
    strongest_known(db, &known, &keys_of_new(vault, fields)).await
}

/// [`strongest_match`] among `known`, which holds every registered person sharing an index with
/// `new`.
pub(crate) async fn strongest_known(
    db: &impl ConnectionTrait,
    known: &Known,
    new: &MatchKeys<String>,
) -> Result<Option<Found>, DbErr> {
    let best = known
        .hits(new)
        .map(|(id, keys)| (new.strength(keys), *id))
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

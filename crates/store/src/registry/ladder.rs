//! The matching ladder over the store: a new record's blind indexes looked up among the persons
//! already registered anywhere in the district, each hit graded by `talent::match_strength`. A hit
//! on a record merged into another is a hit on the person it was merged into: the same person is
//! matched once, under the record that stands.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter};
use talent::{MatchKeys, MatchStrength, PersonFields, normalise_name};
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::registry::merge::hold_person;
use crate::registry::sealing::{id_index, mobile_index};

/// The strongest match of a new record, with the books its person is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub person_id: i64,
    pub strength: MatchStrength,
    /// Units whose books hold the person.
    pub units: Vec<String>,
}

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

/// The record `p` stands as: itself, or the one it was merged into (and that one's, when merged
/// again); `None` when that one is erased.
pub(crate) async fn standing(db: &impl ConnectionTrait, p: &person::Model) -> Result<Option<i64>, DbErr> {
    let mut current = p.clone();
    // A chain is as long as the merges made on top of each other; the bound only guards a loop
    // a hand-edited database could hold.
    for _ in 0..64 {
        let Some(into) = current.merged_into else {
            return Ok((!current.erased).then_some(current.id));
        };
        match person::Entity::find_by_id(into).one(db).await? {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// A person already in `unit`'s book who matches `fields` as a candidate or better (an own
/// record typed again, or a second person with the same mobile and name confirmed earlier): the
/// row is that person, never a third record. Several match only when a worker confirmed them as
/// different people; the oldest is taken.
pub(crate) async fn match_in_book(
    db: &impl ConnectionTrait,
    vault: &Vault,
    fields: &PersonFields,
    unit: &str,
) -> Result<Option<person_book::Model>, DbErr> {
    let new = keys_of_new(vault, fields);
    let books = person_book::Entity::find().filter(person_book::Column::Unit.eq(unit));
    let mut hits = Vec::new();
    for (column, index) in [(person::Column::IdNumberIndex, &new.id_number), (person::Column::MobileIndex, &new.mobile)]
    {
        let Some(index) = index else { continue };
        hits.extend(
            person::Entity::find()
                .filter(column.eq(index.as_str()))
                .filter(person::Column::Erased.eq(false))
                .all(db)
                .await?,
        );
    }
    hits.retain(|p| new.strength(&keys_of_row(p)) >= MatchStrength::Candidate);
    // Each as the record it stands as (a merged one as the person it was merged into), oldest first.
    let mut ids = Vec::with_capacity(hits.len());
    for p in &hits {
        if let Some(id) = standing(db, p).await? {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        if let Some(book) = books.clone().filter(person_book::Column::PersonId.eq(id)).one(db).await? {
            return Ok(Some(book));
        }
    }
    Ok(None)
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
                    // A record merged into another is a hit on the person it stands as.
                    let id = if p.merged_into.is_some() { standing(db, &p).await? } else { Some(p.id) };
                    if let Some(id) = id {
                        known.add(id, keys_of_row(&p));
                    }
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
                if !hits.iter().any(|(id, k)| *id == person_id && *k == keys) {
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
    // The person found is held against a merge (PostgreSQL) and looked up again when a merge
    // committed between finding and holding it, so nothing is linked to a record merged away.
    for _ in 0..4 {
        let Some((strength, person_id)) = strongest(db, vault, fields).await? else { return Ok(None) };
        // (SQLite's IMMEDIATE transaction already excludes a merge: what was found stands.)
        let stands = db.get_database_backend() != DbBackend::Postgres
            || hold_person(db, person_id).await?.is_some_and(|p| p.merged_into.is_none() && !p.erased);
        if stands {
            let units = person_book::Entity::find()
                .filter(person_book::Column::PersonId.eq(person_id))
                .all(db)
                .await?
                .into_iter()
                .map(|b| b.unit)
                .collect();
            return Ok(Some(Found { person_id, strength, units }));
        }
    }
    Err(DbErr::Custom("a record kept being merged while it was matched; try again".into()))
}

async fn strongest(
    db: &impl ConnectionTrait,
    vault: &Vault,
    fields: &PersonFields,
) -> Result<Option<(MatchStrength, i64)>, DbErr> {
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
    let mut graded = Vec::with_capacity(hits.len());
    for p in &hits {
        let strength = new.strength(&keys_of_row(p));
        if strength < MatchStrength::Candidate {
            continue;
        }
        if let Some(id) = standing(db, p).await? {
            graded.push((strength, id));
        }
    }
    // The strongest, then the oldest record.
    Ok(graded.into_iter().max_by_key(|(s, id)| (*s, -id)))
}

/// [`strongest_match`] among `known`, which holds every registered person sharing an index with
/// `new`.
pub(crate) async fn strongest_known(
    db: &impl ConnectionTrait,
    vault: &Vault,
    known: &Known,
    fields: &PersonFields,
) -> Result<Option<Found>, DbErr> {
    let new = keys_of_new(vault, fields);
    let best = known
        .hits(&new)
        .map(|(id, keys)| (new.strength(keys), *id))
        .filter(|(s, _)| *s >= MatchStrength::Candidate)
        // The strongest, then the oldest record.
        .max_by_key(|(s, id)| (*s, -id));
    let Some((strength, person_id)) = best else { return Ok(None) };
    // Held against a merge as `strongest_match` does (PostgreSQL); one merged away since the
    // batch was read is looked up afresh.
    if db.get_database_backend() == DbBackend::Postgres
        && !hold_person(db, person_id).await?.is_some_and(|p| p.merged_into.is_none() && !p.erased)
    {
        return strongest_match(db, vault, fields).await;
    }
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

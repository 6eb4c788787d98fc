//! Counts of the books in a scope: by unit, category, intent to return and pool status — what the
//! district sees instead of rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;
use talent::{Category, PoolStatus, ReturnIntent, Vocabulary};

use crate::connect::Store;
use crate::entities::{person_book, unit};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::load_persons;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, check_unit, subtree_query, visible};
use crate::registry::sealing::{split_keys, stored, stored_opt};

/// One unit's count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitCount {
    pub unit: String,
    pub name: String,
    pub persons: u64,
}

/// The counts of a scope. A person in two books of the scope counts once in the totals and once
/// in each unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistryStats {
    /// Everyone registered, the erased (anonymised) included: they are counted, never listed.
    pub persons: u64,
    /// Of which erased at their request.
    pub erased: u64,
    pub by_unit: Vec<UnitCount>,
    /// The scope's units one level below it (a district's streets, a street's communities), each
    /// with the book entries of its subtree, in directory order, zeros included: what a leader
    /// compares. Empty for a unit with none below.
    pub by_child: Vec<UnitCount>,
    /// Vocabulary key → count, every value listed (zeros included), in the vocabulary's order.
    pub by_category: Vec<(String, u64)>,
    pub by_intent: Vec<(String, u64)>,
    pub by_pool_status: Vec<(String, u64)>,
    /// Persons not in the reserve pool's process at all.
    pub not_in_pool: u64,
}

/// The entries of each unit one level below the first of `units` (the scope's root, then its
/// subtree in directory order), summed over the child's subtree.
fn children_counts(units: &[unit::Model], per_unit: &BTreeMap<&str, u64>) -> Vec<UnitCount> {
    let Some(root) = units.first() else { return Vec::new() };
    units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(root.id.as_str()))
        .map(|child| UnitCount {
            unit: child.id.clone(),
            name: child.name.clone(),
            persons: units
                .iter()
                .filter(|u| child.position <= u.position && u.position < child.subtree_end)
                .map(|u| per_unit.get(u.id.as_str()).copied().unwrap_or(0))
                .sum(),
        })
        .collect()
}

/// Counts the books of the viewer's scope (or one unit's subtree in it). Logged as `stats`.
pub async fn registry_stats(
    store: &Store,
    viewer: &Viewer,
    unit: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RegistryStats, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let scope = match unit {
            Some(u) => {
                check_unit(&seen, viewer, u)?;
                Scope::Unit(u.to_string())
            }
            None => viewer.scope.clone(),
        };
        let in_scope = visible(&txn, &scope).await?;
        let mut select = person_book::Entity::find();
        if let Some(subtree) = subtree_query(&txn, &scope).await? {
            select = select.filter(person_book::Column::Unit.in_subquery(subtree));
        }
        let books = select.all(&txn).await?;
        let mut per_unit: BTreeMap<&str, u64> = BTreeMap::new();
        for b in &books {
            *per_unit.entry(b.unit.as_str()).or_default() += 1;
        }
        let mut ids: Vec<i64> = books.iter().map(|b| b.person_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let persons = load_persons(&txn, &ids).await?;
        let mut categories: BTreeMap<Category, u64> = BTreeMap::new();
        let mut intents: BTreeMap<ReturnIntent, u64> = BTreeMap::new();
        let mut pool: BTreeMap<PoolStatus, u64> = BTreeMap::new();
        let mut not_in_pool = 0;
        // Erased persons are anonymised, not deleted: what they are counted by stays.
        for p in persons.values() {
            for c in split_keys::<Category>(p, "category", &p.categories)? {
                *categories.entry(c).or_default() += 1;
            }
            *intents.entry(stored::<ReturnIntent>(p, "return intent", &p.return_intent)?).or_default() += 1;
            match stored_opt::<PoolStatus>(p, "pool status", p.pool_status.as_deref())? {
                Some(s) => *pool.entry(s).or_default() += 1,
                None => not_in_pool += 1,
            }
        }
        fn every<V: Vocabulary + Ord>(counts: &BTreeMap<V, u64>) -> Vec<(String, u64)> {
            V::all().iter().map(|v| (v.key().to_string(), counts.get(v).copied().unwrap_or(0))).collect()
        }
        let stats = RegistryStats {
            persons: persons.len() as u64,
            erased: persons.values().filter(|p| p.erased).count() as u64,
            by_unit: in_scope
                .units
                .iter()
                .filter(|u| per_unit.contains_key(u.id.as_str()))
                .map(|u| UnitCount {
                    unit: u.id.clone(),
                    name: u.name.clone(),
                    persons: per_unit.get(u.id.as_str()).copied().unwrap_or(0),
                })
                .collect(),
            by_child: children_counts(&in_scope.units, &per_unit),
            by_category: every(&categories),
            by_intent: every(&intents),
            by_pool_status: every(&pool),
            not_in_pool,
        };
        let entry = NewEntry {
            action: AccessAction::Stats,
            person_id: None,
            filter: Some(format!("unit={}", unit.unwrap_or("*"))),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(stats)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

//! Who reads the registry and what they may see: a [`Viewer`] is an actor and a scope, the whole
//! district or one unit's subtree (a community its own book, a street its communities').

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{person_book, unit};
use crate::operate::Actor;
use crate::registry::error::RegistryError;

/// What a reader may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every book: the district's administrator (the command line).
    All,
    /// The books of this unit and the units below it.
    Unit(String),
}

impl Scope {
    /// The scope as the access log records it: `all` or the unit id.
    pub fn label(&self) -> &str {
        match self {
            Scope::All => "all",
            Scope::Unit(unit) => unit,
        }
    }
}

/// A reader of the registry: every read and write takes one, and logs its actor and scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub actor: Actor,
    pub scope: Scope,
}

/// The part of the directory a viewer sees: unit ids with their names, in directory order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Visible {
    pub units: Vec<unit::Model>,
    pub names: HashMap<String, String>,
}

impl Visible {
    pub fn contains(&self, unit: &str) -> bool {
        self.names.contains_key(unit)
    }

    pub fn name(&self, unit: &str) -> String {
        self.names.get(unit).cloned().unwrap_or_else(|| unit.to_string())
    }
}

/// The units `scope` covers.
pub(crate) async fn visible(db: &impl ConnectionTrait, scope: &Scope) -> Result<Visible, StoreOrRegistry> {
    let mut select = unit::Entity::find();
    if let Scope::Unit(id) = scope {
        let root =
            unit::Entity::find_by_id(id.clone()).one(db).await?.ok_or_else(|| RegistryError::NoSuchUnit(id.clone()))?;
        if root.subtree_end == root.position + 1 {
            // A community (no unit below): itself. `units.position` has no index, and the range
            // below would read every unit of the directory (10,000 communities) on each page.
            let names = HashMap::from([(root.id.clone(), root.name.clone())]);
            return Ok(Visible { units: vec![root], names });
        }
        // A unit's subtree is the positions [position, subtree_end): itself, then its descendants.
        select = select
            .filter(unit::Column::Position.gte(root.position))
            .filter(unit::Column::Position.lt(root.subtree_end));
    }
    let mut units = select.all(db).await?;
    units.sort_by_key(|u| u.position);
    let names = units.iter().map(|u| (u.id.clone(), u.name.clone())).collect();
    Ok(Visible { units, names })
}

/// The ids of the units of `scope`, as a subquery (a district of 10,000 communities would make a
/// statement of 10,000 parameters otherwise).
pub(crate) async fn subtree_query(
    db: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Option<SelectStatement>, StoreOrRegistry> {
    let Scope::Unit(id) = scope else { return Ok(None) };
    let root =
        unit::Entity::find_by_id(id.clone()).one(db).await?.ok_or_else(|| RegistryError::NoSuchUnit(id.clone()))?;
    if root.subtree_end == root.position + 1 {
        // A community: itself, by its key (the position range would be a scan of every unit).
        return Ok(Some(
            Query::select().column(unit::Column::Id).from(unit::Entity).and_where(unit::Column::Id.eq(id)).to_owned(),
        ));
    }
    Ok(Some(
        Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::Position.gte(root.position))
            .and_where(unit::Column::Position.lt(root.subtree_end))
            .to_owned(),
    ))
}

/// Whether the person whose id is the outer statement's column `person_id` has a book entry in
/// one of `units` (a [`subtree_query`]): `EXISTS (SELECT 1 FROM person_books WHERE person_id = …
/// AND unit IN (…))`. A count of a scope's persons filters on this rather than on `person_id IN
/// (SELECT person_id FROM person_books …)`: given that list, SQLite probes the counted table once
/// per book entry of the scope (5,000 for a community's book, 3 statements per book page: 7 of
/// its 10 ms), while a correlated test leaves it to start from the counted table's own filter
/// (the few open requests, the persons due for review).
pub(crate) fn booked_in(person_id: impl IntoColumnRef, units: SelectStatement) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(person_book::Entity)
            .and_where(Expr::col((person_book::Entity, person_book::Column::PersonId)).equals(person_id))
            .and_where(person_book::Column::Unit.in_subquery(units))
            .to_owned(),
    )
}

/// Checks that `unit` is in the directory and in `visible`.
pub(crate) fn check_unit(visible: &Visible, viewer: &Viewer, unit: &str) -> Result<(), RegistryError> {
    if visible.contains(unit) {
        return Ok(());
    }
    if viewer.scope == Scope::All {
        return Err(RegistryError::NoSuchUnit(unit.to_string()));
    }
    Err(RegistryError::OutOfScope { unit: unit.to_string(), scope: viewer.scope.label().to_string() })
}

/// A database error or a refusal, inside the registry's functions; the public functions turn it
/// into a `StoreError`.
#[derive(Debug)]
pub(crate) enum StoreOrRegistry {
    Db(DbErr),
    Registry(RegistryError),
    /// A stored value this guiyan does not understand (`StoreError::Corrupt`): what, and where.
    Corrupt(String),
}

impl From<DbErr> for StoreOrRegistry {
    fn from(e: DbErr) -> Self {
        StoreOrRegistry::Db(e)
    }
}

impl From<RegistryError> for StoreOrRegistry {
    fn from(e: RegistryError) -> Self {
        StoreOrRegistry::Registry(e)
    }
}

impl From<vault::VaultError> for StoreOrRegistry {
    fn from(e: vault::VaultError) -> Self {
        StoreOrRegistry::Registry(e.into())
    }
}

impl StoreOrRegistry {
    pub fn into_store(self, url: &str) -> crate::StoreError {
        match self {
            StoreOrRegistry::Db(e) => crate::StoreError::from_db(url, e),
            StoreOrRegistry::Registry(e) => crate::StoreError::Registry(e),
            StoreOrRegistry::Corrupt(what) => crate::StoreError::Corrupt { what },
        }
    }
}

/// The unit a worker names by its id or by its name in the directory (`jiefang-1`,
/// `解放路第一社区`): its id and name.
pub async fn find_unit(store: &crate::Store, text: &str) -> Result<Option<(String, String)>, crate::StoreError> {
    let text = text.trim();
    let err = |e| crate::StoreError::from_db(&store.url, e);
    if let Some(u) = unit::Entity::find_by_id(text.to_string()).one(&store.db).await.map_err(err)? {
        return Ok(Some((u.id, u.name)));
    }
    let by_name = unit::Entity::find().filter(unit::Column::Name.eq(text)).all(&store.db).await.map_err(err)?;
    // A name two units share names neither.
    Ok(match by_name.as_slice() {
        [u] => Some((u.id.clone(), u.name.clone())),
        _ => None,
    })
}

/// Whether `unit` is in `scope`: the unit itself or one below it (by the directory's positions).
/// A unit not in the directory is in no scope.
pub async fn unit_in_scope(store: &crate::Store, scope: &Scope, unit: &str) -> Result<bool, crate::StoreError> {
    let err = |e| crate::StoreError::from_db(&store.url, e);
    let Some(found) = unit::Entity::find_by_id(unit.to_string()).one(&store.db).await.map_err(err)? else {
        return Ok(false);
    };
    let Scope::Unit(root) = scope else { return Ok(true) };
    if root == unit {
        return Ok(true);
    }
    let Some(root) = unit::Entity::find_by_id(root.clone()).one(&store.db).await.map_err(err)? else {
        return Ok(false);
    };
    Ok(root.position <= found.position && found.position < root.subtree_end)
}

//! Reading the books: a page of a scope's books, masked, and the whole of them for an export,
//! masked unless revealed with a written reason. Each read is logged in its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use talent::BookRole;
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, check_unit, subtree_query, visible};
use crate::registry::sealing::{PersonRecord, record};

/// Which books to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookQuery {
    /// One unit's subtree within the viewer's scope; the whole scope when `None`.
    pub unit: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

/// One person in one book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookRow {
    pub archive_no: String,
    pub unit: String,
    pub unit_name: String,
    pub role: BookRole,
    pub person: PersonRecord,
}

/// A page of books.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookPage {
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
    pub rows: Vec<BookRow>,
}

/// The fields an export or reveal shows in the clear.
pub(crate) const SEALED_FIELDS: [&str; 3] = ["id-number", "mobile", "address"];

/// A page of the books in the viewer's scope (or one unit's subtree in it), masked, by unit and
/// archive number. Logged as `list`.
pub async fn list_books(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    query: &BookQuery,
    now: DateTime<Utc>,
) -> Result<BookPage, StoreError> {
    let limit = query.limit.clamp(1, 500);
    let filter = format!("unit={} offset={} limit={limit}", query.unit.as_deref().unwrap_or("*"), query.offset);
    let entry = NewEntry {
        action: AccessAction::List,
        person_id: None,
        filter: Some(filter),
        fields: Vec::new(),
        reason: None,
        outcome: AccessOutcome::Ok,
    };
    let (total, rows) =
        read(store, vault, viewer, query.unit.as_deref(), Some((query.offset, limit)), false, entry, now).await?;
    Ok(BookPage { total, offset: query.offset, limit, rows })
}

/// Every book in the viewer's scope (or one unit's subtree in it), for an export: masked, or in
/// the clear when `reveal` gives a written reason (an empty one is refused, and the refusal is
/// logged). Logged as `export`, with the fields revealed.
pub async fn export_books(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    unit: Option<&str>,
    reveal: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<BookRow>, StoreError> {
    let reason = reveal.map(str::trim);
    let filter = Some(format!("unit={}", unit.unwrap_or("*")));
    if reason == Some("") {
        let entry = NewEntry {
            action: AccessAction::Export,
            person_id: None,
            filter,
            fields: SEALED_FIELDS.to_vec(),
            reason: None,
            outcome: AccessOutcome::Refused,
        };
        log_refusal(store, viewer, entry, now).await?;
        return Err(RegistryError::ReasonRequired.into());
    }
    let entry = NewEntry {
        action: AccessAction::Export,
        person_id: None,
        filter,
        fields: if reason.is_some() { SEALED_FIELDS.to_vec() } else { Vec::new() },
        reason: reason.map(str::to_string),
        outcome: AccessOutcome::Ok,
    };
    Ok(read(store, vault, viewer, unit, None, reason.is_some(), entry, now).await?.1)
}

/// Writes one refused request to the access log, alone in its transaction (the request itself
/// writes nothing).
pub(crate) async fn log_refusal(
    store: &Store,
    viewer: &Viewer,
    entry: NewEntry,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let work = async {
        // SQLite: the write lock taken in turns on an async lock (see `Store::sqlite_write_turn`).
        let _turn = store.sqlite_write_turn().await;
        let txn = store.db.begin_with_options(begin_options()).await?;
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await
    };
    work.await.map_err(|e| StoreError::from_db(&store.url, e))
}

#[allow(clippy::too_many_arguments)] // one private reader behind the list and the export
async fn read(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    unit: Option<&str>,
    page: Option<(u64, u64)>,
    reveal: bool,
    entry: NewEntry,
    now: DateTime<Utc>,
) -> Result<(u64, Vec<BookRow>), StoreError> {
    let work = async {
        // Every read of the books writes its access-log entry, so each is a write transaction: on
        // SQLite, concurrent pages would otherwise wait for the write lock in SQLite's busy
        // handler, which sleeps 1, 2, 5, 10 … ms between tries (the book page at 200 connections
        // served 13 requests a second so). This process's writers take turns on an async lock
        // instead, woken as soon as the last one commits (see `Store::sqlite_write_turn`).
        let _turn = store.sqlite_write_turn().await;
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen = visible(&txn, &viewer.scope).await?;
        let scope = match unit {
            Some(u) => {
                check_unit(&seen, viewer, u)?;
                Scope::Unit(u.to_string())
            }
            None => viewer.scope.clone(),
        };
        let mut select = person_book::Entity::find();
        if let Some(subtree) = subtree_query(&txn, &scope).await? {
            select = select.filter(person_book::Column::Unit.in_subquery(subtree));
        }
        let total = select.clone().count(&txn).await?;
        let mut select = select.order_by_asc(person_book::Column::Unit).order_by_asc(person_book::Column::Seq);
        if let Some((offset, limit)) = page {
            select = select.offset(offset).limit(limit);
        }
        let books = select.all(&txn).await?;
        let ids: Vec<i64> = books.iter().map(|b| b.person_id).collect();
        let persons: HashMap<i64, person::Model> = load_persons(&txn, &ids).await?;
        let today = now.date_naive();
        let mut rows = Vec::with_capacity(books.len());
        for b in books {
            // An erased person stays counted (`registry_stats`), never listed.
            let Some(p) = persons.get(&b.person_id).filter(|p| !p.erased) else { continue };
            rows.push(BookRow {
                // Every row is of the scope's subtree, whose names `seen` holds: the whole
                // directory (10,000 communities) need not be read for a page of one community.
                unit_name: seen.name(&b.unit),
                role: BookRole::parse(&b.role).unwrap_or(BookRole::Registered),
                archive_no: b.archive_no,
                unit: b.unit,
                person: record(vault, p, reveal, today)?,
            });
        }
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>((total, rows))
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// The persons of `ids`, a chunk at a time (a statement's parameters are bounded).
pub(crate) async fn load_persons(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, person::Model>, sea_orm::DbErr> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for p in person::Entity::find().filter(person::Column::Id.is_in(chunk.to_vec())).all(db).await? {
            out.insert(p.id, p);
        }
    }
    Ok(out)
}

//! Reading the books: a page of a scope's books, masked (searched by a worker's one text box:
//! a mobile or an ID number by its blind index, else a name or an archive number), and the whole
//! of them for an export, masked unless revealed with a written reason. Each read is logged in its
//! own transaction; a search's log entry says what kind of search it was, never what was searched.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use talent::{BookRole, IdNumber, Mobile};
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::ladder::standing;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, check_unit, subtree_query, visible};
use crate::registry::sealing::{PersonRecord, id_index, mobile_index, record};

/// Which books to read.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BookQuery {
    /// One unit's subtree within the viewer's scope; the whole scope when `None`.
    pub unit: Option<String>,
    /// What a worker typed into the search box, as typed ([`BookSearch::parse`] reads it); a
    /// blank text searches nothing.
    pub search: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

impl std::fmt::Debug for BookQuery {
    /// Without the search's text, which may be a phone or an ID number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookQuery")
            .field("unit", &self.unit)
            .field("search", &self.search.as_ref().map(|_| "…"))
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .finish()
    }
}

/// What a search box's text is looked for as. A sealed field is only ever found by the exact
/// blind index of a whole, valid value: no partial phone or ID number is looked up.
#[derive(Clone, PartialEq, Eq)]
pub enum BookSearch {
    /// A mobile (any spelling `Mobile::parse` takes: `+86 138-0013-8000`), by its blind index.
    Mobile(Mobile),
    /// A valid ID number (15 or 18 digits), by its blind index.
    IdNumber(IdNumber),
    /// Anything else: part of a name (stored in the clear) or of an archive number.
    Text(String),
}

impl std::fmt::Debug for BookSearch {
    /// The kind only: what was searched must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BookSearch({})", self.kind())
    }
}

impl BookSearch {
    /// The search `text` asks for: a mobile first, then an ID number (`today` bounds its birth
    /// date), else the text as a name's or archive number's part, its width folded and spaces
    /// dropped as a name is stored; `None` for a blank text.
    pub fn parse(text: &str, today: NaiveDate) -> Option<BookSearch> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(mobile) = Mobile::parse(text) {
            return Some(BookSearch::Mobile(mobile));
        }
        if let Ok(id) = IdNumber::parse(text, today) {
            return Some(BookSearch::IdNumber(id));
        }
        let folded: String = talent::normalise_name(text);
        (!folded.is_empty()).then_some(BookSearch::Text(folded))
    }

    /// The kind as the access log records it: `mobile`, `id-number` or `name`.
    pub fn kind(&self) -> &'static str {
        match self {
            BookSearch::Mobile(_) => "mobile",
            BookSearch::IdNumber(_) => "id-number",
            BookSearch::Text(_) => "name",
        }
    }
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
    let search = query.search.as_deref().and_then(|text| BookSearch::parse(text, now.date_naive()));
    let mut filter = format!("unit={} offset={} limit={limit}", query.unit.as_deref().unwrap_or("*"), query.offset);
    // The kind of search only: the log never carries a name, phone or ID number.
    if let Some(search) = &search {
        filter.push_str(&format!(" search={}", search.kind()));
    }
    let entry = NewEntry {
        action: AccessAction::List,
        person_id: None,
        filter: Some(filter),
        fields: Vec::new(),
        reason: None,
        outcome: AccessOutcome::Ok,
    };
    let asked = Asked { unit: query.unit.as_deref(), search: search.as_ref(), page: Some((query.offset, limit)) };
    let (total, rows) = read(store, vault, viewer, asked, false, entry, now).await?;
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
    let asked = Asked { unit, search: None, page: None };
    Ok(read(store, vault, viewer, asked, reason.is_some(), entry, now).await?.1)
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

/// The books a read asks for: a unit's subtree, a search, a page (`(offset, limit)`; all when
/// `None`).
struct Asked<'a> {
    unit: Option<&'a str>,
    search: Option<&'a BookSearch>,
    page: Option<(u64, u64)>,
}

/// `\`, `%` and `_` escaped for a `LIKE … ESCAPE '\'` pattern, the text lowered (both sides are
/// lowered: SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
fn contains_pattern(text: &str) -> LikeExpr {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

/// The books of `search`: a blind index's persons as the records they stand as (a merged one as
/// the person it was merged into), or names and archive numbers containing the text.
async fn search_condition(
    db: &impl ConnectionTrait,
    vault: &Vault,
    search: &BookSearch,
) -> Result<Condition, sea_orm::DbErr> {
    let (column, index) = match search {
        BookSearch::Mobile(m) => (person::Column::MobileIndex, mobile_index(vault, m)),
        BookSearch::IdNumber(id) => (person::Column::IdNumberIndex, id_index(vault, id)),
        BookSearch::Text(text) => {
            let names = Query::select()
                .column(person::Column::Id)
                .from(person::Entity)
                .and_where(Expr::expr(Func::lower(Expr::col(person::Column::Name))).like(contains_pattern(text)))
                .to_owned();
            return Ok(Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(person_book::Column::ArchiveNo))).like(contains_pattern(text)))
                .add(person_book::Column::PersonId.in_subquery(names)));
        }
    };
    let hits = person::Entity::find().filter(column.eq(index)).filter(person::Column::Erased.eq(false)).all(db).await?;
    let mut ids = Vec::with_capacity(hits.len());
    for p in &hits {
        if let Some(id) = standing(db, p).await? {
            ids.push(id);
        }
    }
    Ok(Condition::all().add(person_book::Column::PersonId.is_in(ids)))
}

async fn read(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    asked: Asked<'_>,
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
        let scope = match asked.unit {
            Some(u) => {
                check_unit(&seen, viewer, u)?;
                Scope::Unit(u.to_string())
            }
            None => viewer.scope.clone(),
        };
        // An erased person stays counted (`registry_stats`), never listed; a record merged away
        // has its books moved to the kept one. Filtered in the query, so the total counts the rows.
        let listed = Query::select()
            .expr(Expr::val(1))
            .from(person::Entity)
            .and_where(
                Expr::col((person::Entity, person::Column::Id))
                    .equals((person_book::Entity, person_book::Column::PersonId)),
            )
            .and_where(Expr::col((person::Entity, person::Column::Erased)).eq(false))
            .and_where(Expr::col((person::Entity, person::Column::MergedInto)).is_null())
            .to_owned();
        let mut select = person_book::Entity::find().filter(Expr::exists(listed));
        if let Some(subtree) = subtree_query(&txn, &scope).await? {
            select = select.filter(person_book::Column::Unit.in_subquery(subtree));
        }
        if let Some(search) = asked.search {
            select = select.filter(search_condition(&txn, vault, search).await?);
        }
        let total = select.clone().count(&txn).await?;
        let mut select = select.order_by_asc(person_book::Column::Unit).order_by_asc(person_book::Column::Seq);
        if let Some((offset, limit)) = asked.page {
            select = select.offset(offset).limit(limit);
        }
        let books = select.all(&txn).await?;
        let ids: Vec<i64> = books.iter().map(|b| b.person_id).collect();
        let persons: HashMap<i64, person::Model> = load_persons(&txn, &ids).await?;
        let today = now.date_naive();
        let mut rows = Vec::with_capacity(books.len());
        for b in books {
            // Read in the same transaction as the books, which the query above kept to persons
            // neither erased nor merged.
            let p = persons
                .get(&b.person_id)
                .ok_or_else(|| StoreOrRegistry::Corrupt(format!("book entry {} of no person", b.id)))?;
            let role = BookRole::parse(&b.role)
                .map_err(|_| StoreOrRegistry::Corrupt(format!("book entry {} in the role `{}`", b.id, b.role)))?;
            rows.push(BookRow {
                // Every row is of the scope's subtree, whose names `seen` holds: the whole
                // directory (10,000 communities) need not be read for a page of one community.
                unit_name: seen.name(&b.unit),
                role,
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

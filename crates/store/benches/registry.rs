//! Registry benchmarks of the store (issue 18), each beside bare SQL timed in the same run on the
//! same database:
//!
//! - **import**: `store::registry::import_persons` — what `guiyan registry import` calls once the
//!   sheet is read and validated: every row through the matching ladder (the ID number's and the
//!   mobile's blind indexes looked up), sealed, inserted with its book entry and archive number, one
//!   transaction, one access-log entry — entering `IMPORT_PERSONS` new persons spread over the
//!   200 communities of a generated directory (a district-wide sheet with a 社区 column). Against
//!   it, **bare insert**: the very rows the import wrote (read back from its database: the same
//!   sealed values, blind indexes and book entries) inserted into a fresh database of the same
//!   schema by plain multi-row `INSERT`s of 500 rows in one transaction. Also timed apart: the
//!   rows' validation (the sheet's `talent::validate`, untimed in both) and the vault's work alone
//!   (three seals and two blind indexes a row), to say how much of the import is cryptography.
//! - **match**: `MATCH_PERSONS` persons seeded by the bare insert (real sealed values and blind
//!   indexes), then `store::registry::find_match` — the look-up entry and import make for each new
//!   record — timed one call at a time, `LOOKUPS` calls of each kind: the same ID number (→ the
//!   same person), the same mobile and name without an ID number (→ a candidate), and a person not
//!   registered (→ none). Against it, **bare SELECT**: `SELECT * FROM persons WHERE
//!   id_number_index = ?` through the same pool, for other registered persons, interleaved with
//!   the real calls. p50 and p99 of each.
//!
//! Run with `GUIYAN_TEST_POSTGRES_URL` set for PostgreSQL (`scripts/bench-registry` sets it):
//! `cargo bench -p store --bench registry [-- sqlite|postgres import|match]`. Results in
//! docs/benchmarks.md ("Registry: import, matching, the book page").

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::time::Instant;

use bench_support::{Db, Filters, bench_args, load_average, median, person_cells, postgres_admin, tool, with_database};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, TransactionTrait, Value};
use store::registry::{Entered, NewPerson, Scope, Viewer, find_match, import_persons};
use store::{Actor, Source, Store};
use talent::{BookRole, Field, MatchStrength, PersonDraft, PersonFields, validate};
use vault::{Algorithm, Vault};

const IMPORT_PERSONS: usize = 100_000;
const MATCH_PERSONS: usize = 1_000_000;
/// Lookups of each kind, after `WARM_UP` untimed ones.
const LOOKUPS: usize = 2_000;
const WARM_UP: usize = 200;
/// The directory: a district, 10 streets of 20 communities.
const STREETS: usize = 10;
const COMMUNITIES: usize = 20;
/// Rows per multi-row INSERT of the bare path (29 parameters each: well under SQLite's 32,766 and
/// PostgreSQL's 65,535).
const CHUNK: usize = 500;
/// Persons not registered: far above every seeded index.
const ABSENT: usize = 5_000_000;
const PARTS: [&str; 2] = ["import", "match"];
const NOW: i64 = 1_800_000_000;

/// The sealed columns' associated data and the blind indexes' fields, as the store spells them
/// (`crates/store/src/registry/sealing.rs`), for the seeded rows.
const ID_NUMBER_COLUMN: &str = "persons.id_number";
const MOBILE_COLUMN: &str = "persons.mobile";
const ADDRESS_COLUMN: &str = "persons.address";

/// The persons columns the store writes (all but `id`), with how each is read back.
const PERSON_COLUMNS: [(&str, Kind); 29] = [
    ("name", Kind::Text),
    ("gender", Kind::OptText),
    ("birth_ym", Kind::OptText),
    ("id_number_sealed", Kind::OptBytes),
    ("id_number_index", Kind::OptText),
    ("id_number_last4", Kind::OptText),
    ("mobile_sealed", Kind::OptBytes),
    ("mobile_index", Kind::OptText),
    ("address_sealed", Kind::OptBytes),
    ("address_area", Kind::OptText),
    ("employer", Kind::OptText),
    ("work_place", Kind::OptText),
    ("categories", Kind::Text),
    ("education", Kind::OptText),
    ("specialty", Kind::OptText),
    ("return_intent", Kind::Text),
    ("intent_confirmed_at", Kind::OptInt),
    ("pool_status", Kind::OptText),
    ("pool_route", Kind::OptText),
    ("family_needs", Kind::Text),
    ("note", Kind::OptText),
    ("legal_basis", Kind::OptText),
    ("notice_version", Kind::OptText),
    ("notice_given_at", Kind::OptInt),
    ("do_not_contact", Kind::Bool),
    ("retention_review_at", Kind::OptInt),
    ("created_at", Kind::Int),
    ("updated_at", Kind::Int),
    ("erased", Kind::Bool),
];
const BOOK_COLUMNS: [(&str, Kind); 6] = [
    ("person_id", Kind::Int),
    ("unit", Kind::Text),
    ("role", Kind::Text),
    ("archive_no", Kind::Text),
    ("seq", Kind::Int32),
    ("created_at", Kind::Int),
];

#[derive(Clone, Copy)]
enum Kind {
    Text,
    OptText,
    OptBytes,
    Int,
    Int32,
    OptInt,
    Bool,
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).expect("a fixed time")
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn community(i: usize) -> String {
    let c = i % (STREETS * COMMUNITIES);
    format!("s{:02}-c{:02}", c / COMMUNITIES + 1, c % COMMUNITIES + 1)
}

/// Person `i` of the generated sheet as the importer reads it, all fields or only `fields`.
fn draft(i: usize, only: Option<&[Field]>) -> PersonDraft {
    let p = person_cells(i);
    let mut d = PersonDraft::default();
    let cells = [
        (Field::Name, p.name),
        (Field::Gender, p.gender.to_string()),
        (Field::BirthYearMonth, p.birth),
        (Field::IdNumber, p.id_number),
        (Field::Mobile, p.mobile),
        (Field::Address, p.address),
        (Field::Employer, p.employer),
        (Field::WorkPlace, p.work_place.to_string()),
        (Field::Category, p.category.to_string()),
        (Field::Education, p.education.to_string()),
        (Field::Specialty, p.specialty.to_string()),
        (Field::ReturnIntent, p.intent.to_string()),
    ];
    for (field, text) in cells {
        if only.is_none_or(|o| o.contains(&field)) {
            d.set(field, text);
        }
    }
    d
}

fn fields(i: usize, only: Option<&[Field]>) -> PersonFields {
    validate(&draft(i, only), today()).unwrap_or_else(|e| panic!("person {i} does not validate: {e:?}"))
}

fn viewer() -> Viewer {
    Viewer { actor: Actor { name: "bench".into(), source: Source::Cli }, scope: Scope::All }
}

// ---------------------------------------------------------------------------------------------
// Databases.

/// One database, removed on drop.
struct Bench {
    url: String,
    pg: Option<(String, String)>,
    sqlite_path: Option<String>,
}

impl Bench {
    fn create(db: Db, dir: &Path, admin: &str, tag: &str, name: &str) -> Bench {
        match db {
            Db::Sqlite => {
                let path = dir.join(format!("registry-{name}.db")).display().to_string();
                Bench { url: format!("sqlite://{path}?mode=rwc"), pg: None, sqlite_path: Some(path) }
            }
            Db::Postgres => {
                let db_name = format!("guiyan_bench_registry_{tag}_{name}");
                psql(admin, &format!("CREATE DATABASE {db_name}"));
                Bench { url: with_database(admin, &db_name), pg: Some((admin.to_string(), db_name)), sqlite_path: None }
            }
        }
    }
}

fn psql(admin: &str, sql: &str) {
    let status = std::process::Command::new(tool("psql"))
        .args(["-X", "-q", "-d", admin, "-c", sql])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("psql");
    assert!(status.success(), "psql failed: {sql}");
}

impl Drop for Bench {
    /// Removes the database, also when a measurement panicked.
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            let _ = std::process::Command::new(tool("psql"))
                .args(["-X", "-q", "-d", admin, "-c"])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .stdout(std::process::Stdio::null())
                .status();
        }
        if let Some(path) = &self.sqlite_path {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

async fn exec(conn: &impl ConnectionTrait, sql: &str) {
    conn.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

async fn count(conn: &DatabaseConnection, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), &sql))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .expect("a row");
    row.try_get_by_index(0).expect("an integer")
}

/// The generated directory's units, as `guiyan apply` records them (preorder positions).
async fn directory(conn: &DatabaseConnection) {
    let per_street = 1 + COMMUNITIES;
    let mut values =
        vec![format!("('district', '示例区', 'district', 0, 'd@x.gov.cn', NULL, 0, {})", 1 + STREETS * per_street)];
    for s in 0..STREETS {
        let p = 1 + s * per_street;
        let id = format!("s{:02}", s + 1);
        values.push(format!(
            "('{id}', '第{}街道', 'street', 1, '{id}@x.gov.cn', 'district', {p}, {})",
            s + 1,
            p + per_street
        ));
        for c in 0..COMMUNITIES {
            let q = p + 1 + c;
            values.push(format!(
                "('{id}-c{:02}', '第{}街道第{}社区', 'community', 2, 'c@x.gov.cn', '{id}', {q}, {})",
                c + 1,
                s + 1,
                c + 1,
                q + 1
            ));
        }
    }
    exec(
        conn,
        &format!(
            "INSERT INTO units (id, name, level, depth, email, parent, position, subtree_end) VALUES {}",
            values.join(", ")
        ),
    )
    .await;
}

/// Inserts `rows` into `table` by multi-row INSERTs of `CHUNK` rows, in the caller's transaction.
async fn insert_rows(db: &impl ConnectionTrait, table: &str, columns: &[(&str, Kind)], rows: Vec<Vec<Value>>) {
    let backend = db.get_database_backend();
    let names = columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(CHUNK).collect();
        let mut sql = format!("INSERT INTO {table} ({names}) VALUES ");
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..row.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    DbBackend::Postgres => sql.push_str(&format!("${n}")),
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        let values: Vec<Value> = chunk.into_iter().flatten().collect();
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.expect("a bare insert");
    }
}

/// Every row of `table`'s `columns`, by id, as values to insert again.
async fn read_rows(conn: &DatabaseConnection, table: &str, columns: &[(&str, Kind)]) -> Vec<Vec<Value>> {
    let names = columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {names} FROM {table} ORDER BY id");
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), &sql)).await.expect("rows");
    rows.iter().map(|r| values_of(r, columns)).collect()
}

fn values_of(r: &QueryResult, columns: &[(&str, Kind)]) -> Vec<Value> {
    columns
        .iter()
        .map(|(c, kind)| match kind {
            Kind::Text => Value::String(Some(r.try_get::<String>("", c).expect("text"))),
            Kind::OptText => Value::String(r.try_get::<Option<String>>("", c).expect("text")),
            Kind::OptBytes => Value::Bytes(r.try_get::<Option<Vec<u8>>>("", c).expect("bytes")),
            Kind::Int => Value::BigInt(Some(r.try_get::<i64>("", c).expect("integer"))),
            Kind::Int32 => Value::Int(Some(r.try_get::<i32>("", c).expect("integer"))),
            Kind::OptInt => Value::BigInt(r.try_get::<Option<i64>>("", c).expect("integer")),
            Kind::Bool => Value::Bool(Some(r.try_get::<bool>("", c).expect("boolean"))),
        })
        .collect()
}

/// A person's row as the store's `insert_person` writes it, sealed by `vault` (for seeding).
fn sealed_row(vault: &Vault, f: &PersonFields) -> Vec<Value> {
    let text = |s: Option<String>| Value::String(s);
    let some = |s: String| Value::String(Some(s));
    let id = f.id_number.as_ref();
    let mobile = f.mobile.as_ref();
    let joined = |keys: Vec<&str>| keys.join(",");
    vec![
        some(f.name.as_str().to_string()),
        text(f.gender.map(|g| g.key().to_string())),
        text(f.birth_year_month.map(|b| b.to_string())),
        Value::Bytes(id.map(|id| vault.seal(ID_NUMBER_COLUMN, id.as_str()).expect("seal"))),
        text(id.map(|id| vault.blind_index("id_number", id.as_str()).to_hex())),
        text(id.map(|id| id.last4().to_string())),
        Value::Bytes(mobile.map(|m| vault.seal(MOBILE_COLUMN, m.as_str()).expect("seal"))),
        text(mobile.map(|m| vault.blind_index("mobile", m.as_str()).to_hex())),
        Value::Bytes(f.address.as_ref().map(|a| vault.seal(ADDRESS_COLUMN, a).expect("seal"))),
        text(f.address.as_deref().map(talent::mask_address)),
        text(f.employer.clone()),
        text(f.work_place.clone()),
        some(joined(f.categories.iter().map(|c| c.key()).collect())),
        text(f.education.map(|e| e.key().to_string())),
        text(f.specialty.clone()),
        some(f.return_intent.key().to_string()),
        Value::BigInt(Some(NOW)),
        text(None),
        text(None),
        some(joined(f.family_needs.iter().map(|n| n.key()).collect())),
        text(f.note.clone()),
        text(None),
        text(None),
        Value::BigInt(None),
        Value::Bool(Some(false)),
        Value::BigInt(None),
        Value::BigInt(Some(NOW)),
        Value::BigInt(Some(NOW)),
        Value::Bool(Some(false)),
    ]
}

/// What autovacuum and SQLite's optimizer would know soon after a large load; left to chance, it
/// would land inside some measurements and not others.
async fn analyze(conn: &DatabaseConnection) {
    match conn.get_database_backend() {
        DbBackend::Postgres => exec(conn, "VACUUM ANALYZE").await,
        _ => exec(conn, "ANALYZE").await,
    }
}

async fn open(bench: &Bench) -> Store {
    let store = Store::open(&bench.url).await.expect("open the store");
    directory(store.connection()).await;
    store
}

// ---------------------------------------------------------------------------------------------
// Import.

struct ImportResult {
    db: Db,
    validate_s: f64,
    crypto_s: f64,
    real_s: Vec<f64>,
    bare_s: Vec<f64>,
}

async fn import(db: Db, dir: &Path, admin: &str, tag: &str, reps: usize) -> ImportResult {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let start = Instant::now();
    let rows: Vec<NewPerson> = (0..IMPORT_PERSONS)
        .map(|i| NewPerson {
            row: i + 2,
            unit: community(i),
            role: BookRole::Registered,
            fields: fields(i, None),
            told: None,
            confirmed: false,
        })
        .collect();
    let validate_s = start.elapsed().as_secs_f64();
    // The vault's share: what `seal` does for each row (three seals, two blind indexes).
    let start = Instant::now();
    for row in &rows {
        std::hint::black_box(sealed_row(&vault, &row.fields));
    }
    let crypto_s = start.elapsed().as_secs_f64();
    let (mut real_s, mut bare_s) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        let real = Bench::create(db, dir, admin, tag, &format!("import_real_{rep}"));
        let store = open(&real).await;
        eprintln!("registry: {} import {rep}: import_persons of {IMPORT_PERSONS} ...", db.name());
        let start = Instant::now();
        let outcomes = import_persons(&store, &vault, &viewer(), &rows, "bench.csv", now()).await.expect("the import");
        real_s.push(start.elapsed().as_secs_f64());
        assert!(outcomes.iter().all(|o| matches!(o, Entered::Added { .. })), "every row added");
        let conn = store.connection();
        assert_eq!(count(conn, "persons").await, IMPORT_PERSONS as i64);
        let persons = read_rows(conn, "persons", &PERSON_COLUMNS).await;
        let books = read_rows(conn, "person_books", &BOOK_COLUMNS).await;
        drop(store);
        drop(real);

        let bare = Bench::create(db, dir, admin, tag, &format!("import_bare_{rep}"));
        let store = open(&bare).await;
        let conn = store.connection();
        eprintln!("registry: {} import {rep}: bare insert ...", db.name());
        let start = Instant::now();
        let txn = conn.begin().await.expect("a transaction");
        insert_rows(&txn, "persons", &PERSON_COLUMNS, persons).await;
        insert_rows(&txn, "person_books", &BOOK_COLUMNS, books).await;
        txn.commit().await.expect("commit");
        bare_s.push(start.elapsed().as_secs_f64());
        assert_eq!(count(conn, "persons").await, IMPORT_PERSONS as i64);
        eprintln!(
            "registry: {} import {rep}: import_persons {:.2} s, bare insert {:.2} s (load {})",
            db.name(),
            real_s[rep],
            bare_s[rep],
            load_average()
        );
    }
    ImportResult { db, validate_s, crypto_s, real_s, bare_s }
}

// ---------------------------------------------------------------------------------------------
// Matching.

struct MatchResult {
    db: Db,
    seed_s: f64,
    /// (kind, latencies in ms)
    kinds: Vec<(&'static str, Vec<f64>)>,
    plans: Vec<String>,
}

async fn seed(store: &Store, vault: &Vault) {
    let conn = store.connection();
    // One transaction per 100,000 persons: the bare insert's own shape, kept to a size SQLite's
    // log and PostgreSQL's memory take easily.
    const BATCH: usize = 100_000;
    for batch in 0..MATCH_PERSONS.div_ceil(BATCH) {
        let range = batch * BATCH..((batch + 1) * BATCH).min(MATCH_PERSONS);
        let persons: Vec<Vec<Value>> = range.clone().map(|i| sealed_row(vault, &fields(i, None))).collect();
        let books: Vec<Vec<Value>> = range
            .map(|i| {
                let unit = community(i);
                let seq = (i / (STREETS * COMMUNITIES) + 1) as i32;
                vec![
                    Value::BigInt(Some(i as i64 + 1)),
                    Value::String(Some(unit.clone())),
                    Value::String(Some("registered".into())),
                    Value::String(Some(format!("{unit}-{seq:04}"))),
                    Value::Int(Some(seq)),
                    Value::BigInt(Some(NOW)),
                ]
            })
            .collect();
        let txn = conn.begin().await.expect("a transaction");
        insert_rows(&txn, "persons", &PERSON_COLUMNS, persons).await;
        insert_rows(&txn, "person_books", &BOOK_COLUMNS, books).await;
        txn.commit().await.expect("commit");
        eprintln!("registry: seeded {} persons (load {})", (batch + 1) * BATCH, load_average());
    }
}

/// A fixed sequence of registered persons (a multiplicative walk over the seeded range).
fn pick(n: usize, salt: usize) -> usize {
    (n.wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503))) % MATCH_PERSONS
}

async fn plans(conn: &DatabaseConnection) -> Vec<String> {
    let backend = conn.get_database_backend();
    let explain = match backend {
        DbBackend::Postgres => "EXPLAIN",
        _ => "EXPLAIN QUERY PLAN",
    };
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM persons WHERE id_number_index = 'x' AND erased = false",
        "SELECT * FROM persons WHERE mobile_index = 'x' AND erased = false",
        "SELECT * FROM person_books WHERE person_id = 1",
    ] {
        let rows = conn
            .query_all_raw(Statement::from_string(backend, format!("{explain} {sql}")))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{sql}"));
        let lines: Vec<String> = rows
            .iter()
            .map(|r| match backend {
                DbBackend::Postgres => r.try_get_by_index::<String>(0).unwrap_or_default(),
                _ => r.try_get::<String>("", "detail").unwrap_or_default(),
            })
            .collect();
        out.push(format!("{sql}: {}", lines.join(" / ")));
    }
    out
}

async fn matching(db: Db, dir: &Path, admin: &str, tag: &str) -> MatchResult {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let bench = Bench::create(db, dir, admin, tag, "match");
    let store = open(&bench).await;
    eprintln!("registry: {} match: seeding {MATCH_PERSONS} persons ...", db.name());
    let start = Instant::now();
    seed(&store, &vault).await;
    let seed_s = start.elapsed().as_secs_f64();
    let conn = store.connection();
    analyze(conn).await;
    assert_eq!(count(conn, "persons").await, MATCH_PERSONS as i64);
    let plans = plans(conn).await;

    let candidate_fields: &[Field] = &[Field::Name, Field::Mobile];
    // The inputs, made before any timing: the new records (validated) and the bare statement's
    // blind indexes.
    let total = WARM_UP + LOOKUPS;
    let same: Vec<PersonFields> = (0..total).map(|n| fields(pick(n, 1), None)).collect();
    let candidates: Vec<PersonFields> = (0..total).map(|n| fields(pick(n, 2), Some(candidate_fields))).collect();
    let absent: Vec<PersonFields> = (0..total).map(|n| fields(ABSENT + n, None)).collect();
    let bare_keys: Vec<String> = (0..total)
        .map(|n| {
            let id = fields(pick(n, 3), Some(&[Field::Name, Field::IdNumber])).id_number.expect("an ID number");
            vault.blind_index("id_number", id.as_str()).to_hex()
        })
        .collect();
    let bare_sql = match db {
        Db::Postgres => "SELECT * FROM persons WHERE id_number_index = $1",
        Db::Sqlite => "SELECT * FROM persons WHERE id_number_index = ?",
    };
    let backend = conn.get_database_backend();
    let mut times: [Vec<f64>; 4] = Default::default();
    for n in 0..total {
        let warm = n < WARM_UP;
        let mut lap = |k: usize, start: Instant| {
            if !warm {
                times[k].push(start.elapsed().as_secs_f64() * 1000.0);
            }
        };
        let start = Instant::now();
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(backend, bare_sql, [bare_keys[n].clone().into()]))
            .await
            .expect("the bare select");
        lap(0, start);
        assert_eq!(rows.len(), 1);
        let start = Instant::now();
        let found = find_match(&store, &vault, &same[n]).await.expect("a match");
        lap(1, start);
        assert_eq!(found.map(|f| f.strength), Some(MatchStrength::Same));
        let start = Instant::now();
        let found = find_match(&store, &vault, &candidates[n]).await.expect("a match");
        lap(2, start);
        assert_eq!(found.map(|f| f.strength), Some(MatchStrength::Candidate));
        let start = Instant::now();
        let found = find_match(&store, &vault, &absent[n]).await.expect("a match");
        lap(3, start);
        assert_eq!(found, None);
    }
    let [bare, same, candidate, none] = times;
    MatchResult {
        db,
        seed_s,
        kinds: vec![
            ("bare SELECT by id_number_index", bare),
            ("find_match, same ID number", same),
            ("find_match, mobile + name", candidate),
            ("find_match, not registered", none),
        ],
        plans,
    }
}

/// The `q` quantile (nearest rank) of `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn main() {
    let Some(args) = bench_args() else {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    };
    let filters = Filters::parse(&args, &[&Db::NAMES, &PARTS]);
    let dbs = filters.databases();
    let admin = postgres_admin(dbs.contains(&Db::Postgres), "scripts/bench-registry");
    let reps: usize = std::env::var("GUIYAN_BENCH_IMPORT_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(2);
    let tag = format!("{:08x}", RandomState::new().build_hasher().finish() as u32);
    let dir = tempfile::Builder::new().prefix("guiyan-bench-registry-").tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (mut imports, mut matches) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for db in &dbs {
            if filters.chosen("import", &PARTS) {
                imports.push(import(*db, dir.path(), &admin, &tag, reps).await);
            }
            if filters.chosen("match", &PARTS) {
                matches.push(matching(*db, dir.path(), &admin, &tag).await);
            }
        }
    });

    println!();
    println!("registry summary: load average {}", load_average());
    if !imports.is_empty() {
        println!(
            "import of {IMPORT_PERSONS} new persons into {} communities (import_persons against a bare multi-row INSERT \
             of the same sealed rows, one transaction each); medians of {reps}",
            STREETS * COMMUNITIES
        );
        println!(
            "{:<10} {:>12} {:>12} {:>14} {:>14} {:>8}   runs (import / bare), validate, vault",
            "db", "import s", "bare s", "import rows/s", "bare rows/s", "ratio"
        );
        for r in &imports {
            let (real, bare) = (median(&r.real_s), median(&r.bare_s));
            let fmt = |v: &[f64]| v.iter().map(|s| format!("{s:.2}")).collect::<Vec<_>>().join(", ");
            println!(
                "{:<10} {:>12.2} {:>12.2} {:>14.0} {:>14.0} {:>7.2}x   {} / {}; validate {:.2} s, seal+index {:.2} s",
                r.db.name(),
                real,
                bare,
                IMPORT_PERSONS as f64 / real,
                IMPORT_PERSONS as f64 / bare,
                real / bare,
                fmt(&r.real_s),
                fmt(&r.bare_s),
                r.validate_s,
                r.crypto_s
            );
        }
    }
    for r in &matches {
        println!(
            "match among {MATCH_PERSONS} persons, {}: {LOOKUPS} lookups of each kind after {WARM_UP} warm-up, \
             interleaved (seeded in {:.1} s)",
            r.db.name(),
            r.seed_s
        );
        let (b50, b99) = (quantile(&r.kinds[0].1, 0.5), quantile(&r.kinds[0].1, 0.99));
        println!(
            "{:<34} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "lookup", "p50 ms", "p99 ms", "max ms", "p50/bare", "p99/bare"
        );
        for (kind, t) in &r.kinds {
            let (p50, p99) = (quantile(t, 0.5), quantile(t, 0.99));
            println!(
                "{kind:<34} {p50:>9.3} {p99:>9.3} {:>9.3} {:>8.2}x {:>8.2}x",
                quantile(t, 1.0),
                p50 / b50,
                p99 / b99
            );
        }
        for plan in &r.plans {
            println!("  plan: {plan}");
        }
    }
}

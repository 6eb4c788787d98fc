//! Tick benchmark: `store::tick` with 1,000 due tasks among 300,000 and 3,000,000 tasks of history,
//! on SQLite and PostgreSQL, each beside the bare indexed query that finds the same due tasks
//! (`store::due_tasks`, the `SELECT id, next_event_at … LIMIT 1000` of `due.rs`), timed in the same
//! run on the same database.
//!
//! The database is migrated by `Store::open`, then filled with SQL (`WITH RECURSIVE` on SQLite,
//! `generate_series` on PostgreSQL) straight into that schema: 3 definitions, the 10,501 units of
//! the planner bench's directory, runs of 50,000 tasks (5 community templates × 10,000
//! communities) and one `assigned` notice per task. Every run but the newest is closed and its
//! tasks are done (`next_event_at` NULL). In the newest run 10,000 tasks are done, 39,000 are open
//! with an event in the coming days, and 1,000 are open and due: their due time passed two hours
//! ago, so a tick writes an `overdue` notice and an `escalation` to the street for each, and moves
//! their next event to the second escalation, two days on. The due work is the same at both sizes;
//! only the history differs (6 or 60 runs).
//!
//! A tick changes the 1,000 rows (they stop being due), so each iteration first restores them
//! (untimed: state, next event and handled-until put back, the notices the tick wrote deleted,
//! then one untimed run of the bare query, so that both timed steps see the same warm cache), then
//! times in order: the bare query; the tick's own read (every column, `FOR UPDATE SKIP LOCKED` in a
//! transaction that is rolled back on PostgreSQL); `store::tick(&store, now, 1000, &actor, &owners)`, which
//! commits as in production; and a second tick with nothing left due (the fixed cost of a tick).
//! The table shows medians of `REPS` iterations after one warm-up. On PostgreSQL the same steps
//! are also measured through the server's Unix socket when it has one on this host
//! (`postgres-uds`): sqlx 0.9.0 leaves Nagle's algorithm on for TCP, which delays the last segment
//! of a large statement (the tick's bulk JSON parameters) until the server's delayed ACK.
//! History (events, mails, task dependencies) beyond tasks and notices is not generated: the tick
//! of open tasks neither reads nor writes it.
//!
//! `GUIYAN_BENCH_LOG_STATEMENTS=1` has PostgreSQL log every statement of the bench databases with
//! its duration (`log_min_duration_statement = 0`), to see where a tick's time goes.
//!
//! Run with `scripts/bench-engine tick` (provisions PostgreSQL), or with `GUIYAN_TEST_POSTGRES_URL`
//! set: `cargo bench -p store --bench tick [-- sqlite|postgres|300k|3m]`. Results in
//! docs/benchmarks.md.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::time::Instant;

use bench_support::{Db, Filters, bench_args, load_average, median, postgres_admin, with_database};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait};
use store::{Actor, Source, Store};

/// The tick's time: 2027-02-10 09:00 +08:00.
const NOW: &str = "2027-02-10T09:00:00+08:00";
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const STREETS: i64 = 500;
const COMMUNITIES_PER_STREET: i64 = 20;
const COMMUNITIES: i64 = STREETS * COMMUNITIES_PER_STREET;
const TEMPLATES: [&str; 5] = ["publicity", "household-visits", "lectures", "family-visits", "follow-up"];
const TASKS_PER_RUN: i64 = COMMUNITIES * TEMPLATES.len() as i64;
const CAMPAIGNS: [&str; 3] = ["spring-festival", "mid-autumn", "qingming"];
/// Due tasks per tick, and the tick's batch size (the engine's default `tick_batch`).
const DUE: i64 = 1_000;
/// The due tasks: the first 1,000 `household-visits` tasks of the newest run (ids 10,001–11,000).
const DUE_FIRST_ID: i64 = COMMUNITIES + 1;
/// Measured iterations per database and size, after one warm-up.
const REPS: usize = 9;

struct Size {
    name: &'static str,
    runs: i64,
}

const SIZES: [Size; 2] = [Size { name: "300k", runs: 6 }, Size { name: "3m", runs: 60 }];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).expect("NOW parses").with_timezone(&Utc)
}

// ---------------------------------------------------------------------------------------------
// Filling the database.

/// SQL that yields `i` from 0 to `n - 1` as a row source named `n`, for either database.
fn numbers(db: Db, n: i64) -> String {
    match db {
        Db::Sqlite => format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) ", n - 1),
        Db::Postgres => format!("WITH n(i) AS (SELECT generate_series(0::bigint, {})) ", n - 1),
    }
}

/// `prefix` followed by `value` zero-padded to `width` digits.
fn padded(db: Db, prefix: &str, value: &str, width: usize) -> String {
    match db {
        Db::Sqlite => format!("printf('{prefix}%0{width}d', {value})"),
        Db::Postgres => format!("'{prefix}' || lpad(({value})::text, {width}, '0')"),
    }
}

fn text(db: Db, value: &str) -> String {
    match db {
        Db::Sqlite => format!("CAST({value} AS TEXT)"),
        Db::Postgres => format!("({value})::text"),
    }
}

/// The statements that fill a migrated database with `runs` runs of history.
fn fill_sql(db: Db, runs: i64) -> Vec<String> {
    let t = now().timestamp();
    let total = runs * TASKS_PER_RUN;
    let mut sql = Vec::new();
    let mut definitions = String::from(
        "INSERT INTO definitions (id, campaign, version, hash, path, source, applied_at, applied_by) VALUES ",
    );
    for (k, c) in CAMPAIGNS.iter().enumerate() {
        let sep = if k == 0 { "" } else { ", " };
        let _ = write!(
            definitions,
            "{sep}({}, '{c}', 1, 'bench', 'workflows/{c}.yaml', 'id: {c}', {}, 'bench')",
            k + 1,
            t - 30 * 365 * DAY
        );
    }
    sql.push(definitions);

    // Units: district-org > street-NNN > street-NNN-MM.
    sql.push(
        "INSERT INTO units (id, name, level, depth, email, parent, position) VALUES \
         ('district-org', '示例区委组织部', 'district', 0, 'zzb@shili.example.gov.cn', NULL, 0)"
            .into(),
    );
    let street = padded(db, "street-", "i + 1", 3);
    sql.push(format!(
        "{}INSERT INTO units (id, name, level, depth, email, parent, position) \
         SELECT {street}, '第' || {} || '街道办事处', 'street', 1, {street} || '@shili.example.gov.cn', \
         'district-org', i + 1 FROM n",
        numbers(db, STREETS),
        text(db, "i + 1"),
    ));
    let community = format!(
        "{} || {}",
        padded(db, "street-", &format!("i / {COMMUNITIES_PER_STREET} + 1"), 3),
        padded(db, "-", &format!("i % {COMMUNITIES_PER_STREET} + 1"), 2)
    );
    sql.push(format!(
        "{}INSERT INTO units (id, name, level, depth, email, parent, position) \
         SELECT {community}, '社区' || {}, 'community', 2, 's' || {} || '@shili.example.gov.cn', {}, \
         {STREETS} + 1 + i FROM n",
        numbers(db, COMMUNITIES),
        text(db, "i + 1"),
        text(db, "i + 1"),
        padded(db, "street-", &format!("i / {COMMUNITIES_PER_STREET} + 1"), 3),
    ));

    // Runs: the newest (id 1) open, the others closed, one every 120 days back.
    let campaign_of =
        |x: &str| format!("CASE ({x}) % 3 WHEN 0 THEN 'spring-festival' WHEN 1 THEN 'mid-autumn' ELSE 'qingming' END");
    let opens = |r: &str| format!("({} - ({r}) * {} - 20 * {DAY})", t, 120 * DAY);
    sql.push(format!(
        "{}INSERT INTO runs (id, campaign, key, definition_id, anchor, opens_at, closes_at, timezone, \
         next_event_at, closed_at) \
         SELECT i + 1, {}, {}, i % 3 + 1, 'spring-festival', {o}, {o} + {}, 'Asia/Shanghai', \
         CASE WHEN i = 0 THEN {o} + {} END, CASE WHEN i > 0 THEN {o} + {} END FROM n",
        numbers(db, runs),
        campaign_of("i"),
        text(db, "2027 - i"),
        45 * DAY,
        45 * DAY,
        45 * DAY,
        o = opens("i"),
    ));

    // Tasks. i: 0-based; run r = i / 50,000 (0 is the newest); template i / 10,000 % 5; community
    // i % 10,000. Newest run: publicity done, the first 1,000 household-visits due, the rest open
    // with an event to come. Older runs: everything done.
    let r = format!("(i / {TASKS_PER_RUN})");
    let k = format!("(i % {COMMUNITIES})");
    let unit = format!(
        "{} || {}",
        padded(db, "street-", &format!("{k} / {COMMUNITIES_PER_STREET} + 1"), 3),
        padded(db, "-", &format!("{k} % {COMMUNITIES_PER_STREET} + 1"), 2)
    );
    let parent = padded(db, "street-", &format!("{k} / {COMMUNITIES_PER_STREET} + 1"), 3);
    let template = format!(
        "CASE (i / {COMMUNITIES}) % 5 {} END",
        TEMPLATES.iter().enumerate().map(|(n, t)| format!("WHEN {n} THEN '{t}'")).collect::<Vec<_>>().join(" ")
    );
    let due_now = format!("(i >= {COMMUNITIES} AND i < {COMMUNITIES} + {DUE})");
    let settled = format!("(i >= {TASKS_PER_RUN} OR i < {COMMUNITIES})");
    // Due tasks: due two hours (and up to an hour more) ago.
    let due_at = format!(
        "CASE WHEN {due_now} THEN {t} - {} - ({k} % 60) * 60 \
         WHEN {settled} THEN {o} + 15 * {DAY} ELSE {t} + {DAY} + (i % 1000) * 60 END",
        2 * HOUR,
        o = opens(&r)
    );
    let starts_at = format!("{} + {}", opens(&r), DAY);
    let schedule = |due: &str| -> String {
        let parts = [
            "'{\"reminders\":['".to_string(),
            text(db, &format!("{due} - 3 * {DAY}")),
            "','".into(),
            text(db, &format!("{due} - {DAY}")),
            "'],\"escalations\":[{\"at\":'".into(),
            text(db, &format!("{due} + {HOUR}")),
            "',\"to\":\"'".into(),
            parent.clone(),
            "'\"},{\"at\":'".into(),
            text(db, &format!("{due} + 2 * {DAY}")),
            "',\"to\":\"district-org\"}]}'".into(),
        ];
        parts.join(" || ")
    };
    let figure_spec = "[{\"key\":\"visited\",\"label\":\"走访返乡人员\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true},\
         {\"key\":\"phoned\",\"label\":\"电话联系外出未返乡人员\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true},\
         {\"key\":\"registered\",\"label\":\"乡土人才入库\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true}]";
    sql.push(format!(
        "{numbers}INSERT INTO tasks (id, run_id, campaign, run_key, template, unit, title, state, starts_at, \
         due_at, schedule, figure_spec, figures, completed_by, completed_at, note, next_event_at, updated_at, \
         handled_until) \
         SELECT i + 1, {r} + 1, {campaign}, {run_key}, {template}, {unit}, \
         '入户走访，摸排返乡人员，登记造册、建档入库', \
         CASE WHEN {settled} THEN 'done' ELSE 'open' END, {starts_at}, d.due, {schedule}, '{figure_spec}', \
         CASE WHEN {settled} THEN '{{\"visited\":36,\"phoned\":12,\"registered\":5}}' END, \
         CASE WHEN {settled} THEN {unit} END, CASE WHEN {settled} THEN d.due - {DAY} END, NULL, \
         CASE WHEN {settled} THEN NULL WHEN {due_now} THEN d.due ELSE d.due - 12 * {HOUR} END, \
         {starts_at}, CASE WHEN {settled} THEN d.due ELSE {t} - {DAY} END \
         FROM (SELECT i, {due_at} AS due FROM n) AS d",
        numbers = numbers(db, total),
        campaign = campaign_of(&r),
        run_key = text(db, &format!("2027 - {r}")),
        schedule = schedule("d.due"),
    ));
    // One `assigned` notice per task, already composed (mail 1), as the history would hold.
    // Keys as `store::tick` writes them: the task id zero-padded to 19 digits.
    let padded = if db == Db::Postgres { "lpad(id::text, 19, '0')" } else { "printf('%019d', id)" };
    sql.push(format!(
        "INSERT INTO notices (id, key, run_id, task_id, kind, recipient, at, created_at, mail_id) \
         SELECT id, {padded} || '/assigned/' || starts_at || '/' || unit, run_id, id, 'assigned', unit, starts_at, \
         starts_at, 1 FROM tasks"
    ));
    if db == Db::Postgres {
        for (table, max) in [("definitions", 3), ("runs", runs), ("tasks", total), ("notices", total)] {
            sql.push(format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max})"));
        }
    }
    sql
}

/// Puts the 1,000 due tasks back as they were before a tick and removes the notices it wrote.
fn restore_sql(total: i64) -> Vec<String> {
    let t = now().timestamp();
    vec![
        format!(
            "UPDATE tasks SET state = 'open', next_event_at = due_at, handled_until = {}, updated_at = {} \
             WHERE id >= {DUE_FIRST_ID} AND id < {}",
            t - DAY,
            t - DAY,
            DUE_FIRST_ID + DUE
        ),
        format!("DELETE FROM notices WHERE id > {total}"),
        format!("DELETE FROM events WHERE task_id >= {DUE_FIRST_ID} AND task_id < {}", DUE_FIRST_ID + DUE),
    ]
}

// ---------------------------------------------------------------------------------------------
// Databases.

/// One database, removed on drop.
struct Bench {
    url: String,
    /// PostgreSQL: the admin URL and the database's name.
    pg: Option<(String, String)>,
    sqlite_path: Option<String>,
}

impl Bench {
    async fn create(db: Db, dir: &Path, admin: &str, tag: &str, size: &Size) -> Bench {
        match db {
            Db::Sqlite => {
                let path = dir.join(format!("tick-{}.db", size.name)).display().to_string();
                Bench { url: format!("sqlite://{path}?mode=rwc"), pg: None, sqlite_path: Some(path) }
            }
            Db::Postgres => {
                let name = format!("guiyan_bench_tick_{tag}_{}", size.name);
                let conn = connect(admin).await;
                conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the database");
                if std::env::var_os("GUIYAN_BENCH_LOG_STATEMENTS").is_some() {
                    exec(&conn, &format!("ALTER DATABASE {name} SET log_min_duration_statement = 0")).await;
                }
                Bench { url: with_database(admin, &name), pg: Some((admin.to_string(), name)), sqlite_path: None }
            }
        }
    }
}

impl Drop for Bench {
    /// Removes the database, also when a measurement panicked (with `psql`: no runtime needed).
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            let _ = std::process::Command::new(psql())
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

/// `psql` from PATH, else from the newest PostgreSQL server binaries.
fn psql() -> std::path::PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("psql"))
        .find(|p| p.is_file());
    let server = || {
        let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin").join("psql"))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    };
    on_path.or_else(server).unwrap_or_else(|| "psql".into())
}

async fn connect(url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).max_connections(1);
    Database::connect(options).await.unwrap_or_else(|e| panic!("connect to {}: {e}", store::redact(url)))
}

async fn exec(conn: &DatabaseConnection, sql: &str) {
    conn.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

async fn scalar(conn: &DatabaseConnection, sql: &str) -> i64 {
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

// ---------------------------------------------------------------------------------------------
// Measuring.

struct Row {
    db: Db,
    /// The database, or how it was reached (`postgres-uds`: through the Unix socket).
    label: String,
    size: &'static str,
    tasks: i64,
    fill_s: f64,
    bytes: i64,
    query: Vec<f64>,
    read: Vec<f64>,
    tick: Vec<f64>,
    empty: Vec<f64>,
    /// The tick's reads and writes as one set-based SQL transaction (`same_writes_sql`).
    sql: Vec<f64>,
    plan: Vec<String>,
}

/// The tick's own read: every column of the due rows, locked on PostgreSQL, rolled back.
async fn full_read(conn: &DatabaseConnection, db: Db, now: i64) -> usize {
    let txn = conn.begin().await.expect("begin");
    let sql = match db {
        Db::Sqlite => format!("SELECT * FROM tasks WHERE next_event_at <= {now} ORDER BY next_event_at LIMIT {DUE}"),
        Db::Postgres => format!(
            "SELECT * FROM tasks WHERE next_event_at <= {now} ORDER BY next_event_at LIMIT {DUE} \
             FOR UPDATE SKIP LOCKED"
        ),
    };
    let rows = txn.query_all_raw(Statement::from_string(txn.get_database_backend(), sql)).await.expect("read");
    let mut bytes = 0;
    for row in &rows {
        bytes += row.try_get::<String>("", "schedule").expect("schedule").len();
        bytes += row.try_get::<String>("", "title").expect("title").len();
    }
    txn.rollback().await.expect("rollback");
    assert!(bytes > 0);
    rows.len()
}

/// A second baseline: the rows a tick writes, written by the database itself in one transaction of
/// set-based SQL — the due rows found (and locked on PostgreSQL) by the same indexed query, their
/// `overdue` and first `escalation` notices inserted from them (keys as the tick writes them), their
/// next event moved to the second escalation. No decisions, no values sent from the client: the
/// least work the database can do for this tick.
fn same_writes_sql(db: Db, now: i64) -> Vec<String> {
    let (padded, esc_at, esc_to) = match db {
        Db::Sqlite => (
            "printf('%019d', id)",
            "json_extract(schedule, '$.escalations[0].at')",
            "json_extract(schedule, '$.escalations[0].to')",
        ),
        Db::Postgres => (
            "lpad(id::text, 19, '0')",
            "(schedule::jsonb -> 'escalations' -> 0 ->> 'at')::bigint",
            "(schedule::jsonb -> 'escalations' -> 0 ->> 'to')",
        ),
    };
    let lock = if db == Db::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let due = format!(
        "SELECT id, run_id, unit, due_at, schedule FROM tasks WHERE next_event_at <= {now} \
         ORDER BY next_event_at LIMIT {DUE}{lock}"
    );
    let overdue = format!(
        "INSERT INTO notices (key, run_id, task_id, kind, recipient, at, created_at) \
         SELECT {padded} || '/overdue/' || due_at || '/' || unit, run_id, id, 'overdue', unit, due_at, {now} \
         FROM due WHERE true ON CONFLICT (key) DO NOTHING"
    );
    let escalation = format!(
        "INSERT INTO notices (key, run_id, task_id, kind, recipient, at, created_at) \
         SELECT {padded} || '/escalation/' || {esc_at} || '/' || {esc_to}, run_id, id, 'escalation', {esc_to}, \
         {esc_at}, {now} FROM due WHERE true ON CONFLICT (key) DO NOTHING"
    );
    let moved = format!(
        "UPDATE tasks SET next_event_at = due_at + 2 * {DAY}, handled_until = {now}, updated_at = {now} \
         WHERE id IN (SELECT id FROM due)"
    );
    match db {
        // One statement: data-modifying CTEs all see the rows `due` locked.
        Db::Postgres => vec![format!("WITH due AS ({due}), o AS ({overdue}), e AS ({escalation}) {moved}")],
        // SQLite has no data-modifying CTEs: the same in three statements, each finding the due rows.
        Db::Sqlite => [overdue, escalation, moved].iter().map(|sql| format!("WITH due AS ({due}) {sql}")).collect(),
    }
}

async fn measure(db: Db, size: &Size, dir: &Path, admin: &str, tag: &str) -> Vec<Row> {
    let bench = Bench::create(db, dir, admin, tag, size).await;
    measure_in(&bench, db, size).await
}

/// The same PostgreSQL database through the server's Unix socket, if it has one on this host: no
/// Nagle's algorithm there (sqlx 0.9.0 does not set TCP_NODELAY on its TCP sockets).
async fn unix_socket_url(conn: &DatabaseConnection, url: &str) -> Option<String> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT current_setting('unix_socket_directories'), current_setting('port')",
        ))
        .await
        .ok()??;
    let dirs: String = row.try_get_by_index(0).ok()?;
    let port: String = row.try_get_by_index(1).ok()?;
    let dir = dirs.split(',').map(str::trim).find(|d| Path::new(&format!("{d}/.s.PGSQL.{port}")).exists())?;
    (!url.contains('?')).then(|| format!("{url}?host={dir}"))
}

/// One way to reach the database: a label, the store, and a plain connection for the restores
/// and the full-row read.
struct Access {
    label: String,
    store: Store,
    conn: DatabaseConnection,
}

async fn measure_in(bench: &Bench, db: Db, size: &Size) -> Vec<Row> {
    let total = size.runs * TASKS_PER_RUN;
    eprintln!("tick: {} {}: migrating and filling {total} tasks ...", db.name(), size.name);
    let store = Store::open(&bench.url).await.expect("open the store");
    let conn = connect(&bench.url).await;
    let start = Instant::now();
    if db == Db::Postgres {
        // The rows are consistent by construction: skip the per-row foreign-key triggers while filling.
        exec(&conn, "SET session_replication_role = replica").await;
    }
    let txn = conn.begin().await.expect("begin");
    for sql in fill_sql(db, size.runs) {
        txn.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
    }
    txn.commit().await.expect("commit");
    match db {
        Db::Postgres => {
            exec(&conn, "SET session_replication_role = DEFAULT").await;
            exec(&conn, "VACUUM ANALYZE").await;
            exec(&conn, "CHECKPOINT").await;
        }
        Db::Sqlite => exec(&conn, "PRAGMA wal_checkpoint(TRUNCATE)").await,
    }
    let fill_s = start.elapsed().as_secs_f64();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM tasks").await, total);
    let bytes = match db {
        Db::Sqlite => scalar(&conn, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").await,
        Db::Postgres => scalar(&conn, "SELECT pg_database_size(current_database())").await,
    };
    eprintln!(
        "tick: {} {}: filled in {fill_s:.1} s ({:.2} GB); measuring {REPS} ticks ...",
        db.name(),
        size.name,
        bytes as f64 / 1e9
    );
    let now = now();
    let plan = store::explain_due_tasks(&store, now).await.expect("explain");
    let mut accesses = Vec::new();
    if db == Db::Postgres
        && let Some(url) = unix_socket_url(&conn, &bench.url).await
    {
        let store = Store::open(&url).await.expect("open the store through the Unix socket");
        accesses.push(Access { label: "postgres-uds".into(), store, conn: connect(&url).await });
    }
    accesses.insert(0, Access { label: db.name().into(), store, conn });
    let actor = Actor { name: "bench".into(), source: Source::Engine };
    let mut rows: Vec<Row> = accesses
        .iter()
        .map(|a| Row {
            db,
            label: a.label.clone(),
            size: size.name,
            tasks: total,
            fill_s,
            bytes,
            query: Vec::new(),
            read: Vec::new(),
            tick: Vec::new(),
            empty: Vec::new(),
            sql: Vec::new(),
            plan: plan.clone(),
        })
        .collect();
    for rep in 0..=REPS {
        for (a, row) in accesses.iter().zip(rows.iter_mut()) {
            let (store, conn) = (&a.store, &a.conn);
            for sql in restore_sql(total) {
                exec(conn, &sql).await;
            }
            // Untimed: the same query once, so that the timed steps below all see a warm cache.
            let warm = store::due_tasks(store, now, DUE as u64).await.expect("due tasks");
            assert_eq!(warm.len() as i64, DUE, "1,000 tasks are due after the restore");

            let start = Instant::now();
            let due = store::due_tasks(store, now, DUE as u64).await.expect("due tasks");
            let query_s = start.elapsed().as_secs_f64();
            assert_eq!(due.len() as i64, DUE);

            let start = Instant::now();
            let read = full_read(conn, db, now.timestamp()).await;
            let read_s = start.elapsed().as_secs_f64();
            assert_eq!(read as i64, DUE);

            let start = Instant::now();
            let report = store::tick(store, now, DUE as u64, &actor, &store::Owners::new()).await.expect("tick");
            let tick_s = start.elapsed().as_secs_f64();
            assert_eq!(report.tasks as i64, DUE, "{report:?}");
            assert_eq!(report.notice_count() as i64, 2 * DUE, "an overdue notice and an escalation each: {report:?}");

            let start = Instant::now();
            let empty = store::tick(store, now, DUE as u64, &actor, &store::Owners::new()).await.expect("empty tick");
            let empty_s = start.elapsed().as_secs_f64();
            assert_eq!(empty.tasks, 0);

            for sql in restore_sql(total) {
                exec(conn, &sql).await;
            }
            let warm = store::due_tasks(store, now, DUE as u64).await.expect("due tasks");
            assert_eq!(warm.len() as i64, DUE);
            let start = Instant::now();
            let txn = conn.begin().await.expect("begin");
            for sql in same_writes_sql(db, now.timestamp()) {
                txn.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
            }
            txn.commit().await.expect("commit");
            let sql_s = start.elapsed().as_secs_f64();
            let written = format!("SELECT count(*) FROM notices WHERE id > {total}");
            assert_eq!(scalar(conn, &written).await, 2 * DUE, "the SQL baseline writes the tick's notices");

            if rep > 0 {
                row.sql.push(sql_s);
                row.query.push(query_s);
                row.read.push(read_s);
                row.tick.push(tick_s);
                row.empty.push(empty_s);
            }
        }
    }
    assert_eq!(scalar(&accesses[0].conn, &format!("SELECT count(*) FROM notices WHERE id > {total}")).await, 2 * DUE);
    rows
}

fn ms(s: f64) -> String {
    format!("{:.2}", s * 1e3)
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "tick summary: medians of {REPS} iterations, milliseconds; each tick handles {DUE} due tasks (2,000 \
         notices); load average now {}",
        load_average()
    );
    println!(
        "{:<13} {:>5} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>10} {:>8}",
        "db",
        "size",
        "tasks",
        "fill s",
        "GB",
        "query",
        "read",
        "tick",
        "empty",
        "sql",
        "tick/query",
        "read/query",
        "tick/sql"
    );
    for r in rows {
        let (q, rd, t, e) = (median(&r.query), median(&r.read), median(&r.tick), median(&r.empty));
        let sql = median(&r.sql);
        println!(
            "{:<13} {:>5} {:>8} {:>6.0} {:>6.2} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9.2}x {:>9.2}x {:>7.2}x",
            r.label,
            r.size,
            r.tasks,
            r.fill_s,
            r.bytes as f64 / 1e9,
            ms(q),
            ms(rd),
            ms(t),
            ms(e),
            ms(sql),
            t / q,
            rd / q,
            t / sql
        );
    }
    let mut labels: Vec<&str> = Vec::new();
    for r in rows {
        if !labels.contains(&r.label.as_str()) {
            labels.push(&r.label);
        }
    }
    for label in labels {
        let small = rows.iter().find(|r| r.label == label && r.size == "300k");
        let large = rows.iter().find(|r| r.label == label && r.size == "3m");
        if let (Some(s), Some(l)) = (small, large) {
            println!(
                "{label:<13} history 3m / 300k: tick {:.2}x, query {:.2}x, read {:.2}x, empty tick {:.2}x",
                median(&l.tick) / median(&s.tick),
                median(&l.query) / median(&s.query),
                median(&l.read) / median(&s.read),
                median(&l.empty) / median(&s.empty)
            );
        }
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        if let Some(l) = large {
            let ratio = median(&l.tick) / median(&l.query);
            println!("{label:<13} target: tick / bare query at 3m <= 2x: {ratio:.2}x, {}", verdict(ratio <= 2.0));
            let ratio = median(&l.tick) / median(&l.sql);
            println!("{label:<13} tick / the same writes in SQL at 3m (proposed target <= 2x): {ratio:.2}x");
        }
        if let (Some(s), Some(l)) = (small, large) {
            let ratio = median(&l.tick) / median(&s.tick);
            println!("{label:<13} target: tick at 3m / tick at 300k <= 1.2x: {ratio:.2}x, {}", verdict(ratio <= 1.2));
        }
    }
    println!();
    for r in rows {
        let all = |v: &[f64]| v.iter().map(|s| ms(*s)).collect::<Vec<_>>().join(" ");
        println!("  {} {}: query [{}] ms", r.label, r.size, all(&r.query));
        println!("  {} {}: read  [{}] ms", r.label, r.size, all(&r.read));
        println!("  {} {}: tick  [{}] ms", r.label, r.size, all(&r.tick));
        println!("  {} {}: empty [{}] ms", r.label, r.size, all(&r.empty));
        println!("  {} {}: sql   [{}] ms", r.label, r.size, all(&r.sql));
    }
    let mut plans: Vec<String> = Vec::new();
    for r in rows {
        let plan = format!("  {} {}: plan of the bare query: {}", r.db.name(), r.size, r.plan.join(" | "));
        if !plans.contains(&plan) {
            plans.push(plan);
        }
    }
    for plan in plans {
        println!("{plan}");
    }
}

fn main() {
    let Some(args) = bench_args() else {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    };
    let size_names = SIZES.map(|s| s.name);
    let filters = Filters::parse(&args, &[&Db::NAMES, &size_names]);
    let dbs = filters.databases();
    let sizes: Vec<&Size> = SIZES.iter().filter(|s| filters.chosen(s.name, &size_names)).collect();
    let admin = postgres_admin(dbs.contains(&Db::Postgres), "scripts/bench-engine");
    let tag = format!("{:08x}", RandomState::new().build_hasher().finish() as u32);
    let dir = tempfile::Builder::new().prefix("guiyan-bench-tick-").tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let mut rows = Vec::new();
    runtime.block_on(async {
        for db in &dbs {
            for size in &sizes {
                rows.extend(measure(*db, size, dir.path(), &admin, &tag).await);
            }
        }
    });
    print_table(&rows);
}

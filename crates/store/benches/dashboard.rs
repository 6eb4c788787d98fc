//! Web benchmark of the store (issue 12): the data of the leadership dashboard and the units'
//! submissions, each beside bare SQL timed in the same run on the same database.
//!
//! The database is filled by the real `store::apply` of the materialize bench's runs (the
//! spring-festival run over 10,000 communities, 51,502 tasks; its 30-community-template variant,
//! 301,502 tasks), then given a season's worth of progress in SQL (untimed): six tasks in ten are
//! done, with a value for every figure they ask and a completion time spread over the run's first
//! 24 days; three in ten are open; the rest stay as the apply left them (mostly waiting). The
//! dashboard's and the submissions' time is 2027-02-10 09:00 +08:00, inside the run.
//!
//! - **dashboard**: what `GET /d` of the owner (`district-org`, the whole run) asks of the store,
//!   in the page's order: `change_marker`, `runs`, `progress_by_child` (the scope's totals and a
//!   line per street, counted in SQL by the street each task falls under), `done_per_day`,
//!   `tasks_page` twice (overdue, due soon; 100 each) and `unit_names` of the listed tasks.
//!   Against it, **group by**: the statements the page's numbers come from, the very SQL
//!   `progress_by_child` and `done_per_day` run (`store::progress_by_child_sql`,
//!   `store::done_per_day_sql`: the scope and its children, the tallies and figure sums by child,
//!   the templates' first tasks, tasks done per day), run bare and fetched, not looked at; and
//!   **bare all**: those plus what the rest of the page lists, bare (the overdue and due-soon counts
//!   and their first 100 rows). The two alternate, `REPS` times after one warm-up of each; medians.
//!   **old progress** times what the page asked before `progress_by_child`: `run_progress` (a line
//!   for every unit, rolled up in Rust) and `children`.
//! - **submissions**: `store::submit_task` (the path of the portal's POST: the form key, the
//!   figures checked, the task marked done, its event, its waiting dependants opened, one
//!   transaction each) over `SUBMISSIONS` open tasks, against a bare loop over the same rows of
//!   `UPDATE tasks SET state, figures, completed_by, completed_at, updated_at WHERE id`, each in its
//!   own transaction. The bare loop runs first; the rows are put back to open (untimed), then the
//!   real path takes them. `REPS` rounds, each over other rows; medians of submissions per second.
//!
//! The bare statements run through a connection of their own (the store's pool is not reachable
//! from outside the crate), opened with the same URL in the same process.
//!
//! Run with `GUIYAN_TEST_POSTGRES_URL` set for PostgreSQL (`scripts/bench-web store` sets it):
//! `cargo bench -p store --bench dashboard [-- sqlite|postgres 51k|300k dashboard|submissions]`.
//! Results in docs/benchmarks.md.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use bench_support::{Db, Filters, bench_args, load_average, median, postgres_admin, tool, with_database};
use campaign::MemoryFiles;
use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value,
};
use store::{Actor, Definition, Source, Store, TaskQuery};

/// When the run is applied: it opened on 2027-01-16 09:00 (as in the materialize bench).
const APPLY_AT: &str = "2027-01-17T10:00:00+08:00";
/// When the dashboard is looked at and the submissions are made: the run's 26th day.
const NOW: &str = "2027-02-10T09:00:00+08:00";
const OWNER: &str = "district-org";
const STREETS: usize = 500;
const COMMUNITIES_PER_STREET: usize = 20;
const DIRECTORY_PATH: &str = "workflows/units.yaml";
/// The store calls of the page the bench times apart.
const PAGE_CALLS: usize = 6;
/// Timed iterations (after one warm-up) of the dashboard, rounds of submissions.
const REPS: usize = 3;
const SUBMISSION_ROUNDS: usize = 3;
/// Tasks submitted per round, by each of the two paths.
const SUBMISSIONS: usize = 1_000;
const DAY: i64 = 86_400;

struct Size {
    name: &'static str,
    campaign: &'static str,
    path: &'static str,
}

const SIZES: [Size; 2] = [
    Size { name: "51k", campaign: "spring-festival", path: "workflows/spring-festival.yaml" },
    Size { name: "300k", campaign: "spring-festival-x30", path: "workflows/spring-festival-x30.yaml" },
];
const PARTS: [&str; 2] = ["dashboard", "submissions"];

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a fixed time").with_timezone(&Utc)
}

fn files() -> MemoryFiles {
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows/spring-festival.yaml");
    let campaign = std::fs::read(real).unwrap_or_else(|e| panic!("{real}: {e}"));
    MemoryFiles(BTreeMap::from([
        (PathBuf::from(SIZES[0].path), campaign),
        (PathBuf::from(SIZES[1].path), bench_support::spring_festival_x30_yaml().into_bytes()),
        (PathBuf::from(DIRECTORY_PATH), bench_support::directory_yaml(STREETS, COMMUNITIES_PER_STREET).into_bytes()),
    ]))
}

// ---------------------------------------------------------------------------------------------
// Databases.

/// One database, removed on drop.
struct Bench {
    url: String,
    db: Db,
    /// PostgreSQL: the admin URL and the database's name.
    pg: Option<(String, String)>,
    sqlite_path: Option<String>,
}

impl Bench {
    async fn create(db: Db, dir: &Path, admin: &str, tag: &str, size: &Size) -> Bench {
        match db {
            Db::Sqlite => {
                let path = dir.join(format!("dashboard-{}.db", size.name)).display().to_string();
                Bench { url: format!("sqlite://{path}?mode=rwc"), db, pg: None, sqlite_path: Some(path) }
            }
            Db::Postgres => {
                let name = format!("guiyan_bench_web_{tag}_{}", size.name);
                let conn = connect(admin).await;
                exec(&conn, &format!("CREATE DATABASE {name}")).await;
                Bench { url: with_database(admin, &name), db, pg: Some((admin.to_string(), name)), sqlite_path: None }
            }
        }
    }
}

impl Drop for Bench {
    /// Removes the database, also when a measurement panicked (with `psql`: no runtime needed).
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
    row.try_get_by_index(0).expect("an integer")
}

/// `?n` on SQLite, `$n` on PostgreSQL.
fn params(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_string(),
    }
}

async fn rows(conn: &DatabaseConnection, sql: &str, values: Vec<Value>) -> usize {
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_sql_and_values(backend, params(backend, sql), values))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .len()
}

/// Applies the size's run (the real `store::apply`) and gives it a season's progress in SQL.
/// Returns the run's id and its number of tasks.
async fn fill(store: &Store, conn: &DatabaseConnection, db: Db, size: &Size) -> (i64, i64) {
    let files = files();
    let (workflows, diagnostics) = campaign::load(&[PathBuf::from(size.path)], &files);
    assert!(diagnostics.is_empty(), "the {} workflows do not load: {diagnostics:#?}", size.name);
    let campaign = workflows.campaign(size.campaign).expect("the campaign");
    let directory = workflows.directory_of(campaign).expect("its directory");
    let runs = plan::runs_open_at(campaign, directory, workflows.workdays_of(campaign), at(APPLY_AT)).expect("plans");
    let definitions = vec![Definition {
        campaign: size.campaign.to_string(),
        path: size.path.to_string(),
        source: String::from_utf8(files.0[&PathBuf::from(size.path)].clone()).expect("UTF-8"),
    }];
    let actor = Actor { name: "bench".into(), source: Source::Cli };
    let applied =
        store::apply(store, &workflows, &definitions, &runs, at(APPLY_AT), &actor, false).await.expect("the apply");
    assert_eq!(applied.runs.len(), 1, "one run applied");
    let run = scalar(conn, "SELECT id FROM runs").await;
    let opens = scalar(conn, "SELECT opens_at FROM runs").await;
    let figures = match db {
        Db::Sqlite => {
            "(SELECT json_group_object(json_extract(f.value, '$.key'), tasks.id % 7 + 1) \
             FROM json_each(tasks.figure_spec) AS f)"
        }
        Db::Postgres => {
            "(SELECT coalesce(jsonb_object_agg(f->>'key', tasks.id % 7 + 1), '{}'::jsonb)::text \
             FROM jsonb_array_elements(tasks.figure_spec::jsonb) AS f)"
        }
    };
    let done_at = format!("{opens} + (id % 24) * {DAY} + 3600");
    exec(
        conn,
        &format!(
            "UPDATE tasks SET state = 'done', figures = {figures}, completed_by = 'bench', \
             completed_at = {done_at}, updated_at = {done_at}, next_event_at = NULL \
             WHERE run_id = {run} AND ((id * 2654435761) % 1000003 % 10) < 6"
        ),
    )
    .await;
    exec(
        conn,
        &format!(
            "UPDATE tasks SET state = 'open' WHERE run_id = {run} AND ((id * 2654435761) % 1000003 % 10) IN (6, 7, 8)"
        ),
    )
    .await;
    if db == Db::Postgres {
        // What autovacuum would do soon after such a change; left to chance, it would land inside
        // some measurements and not others.
        exec(conn, "VACUUM ANALYZE").await;
    }
    (run, scalar(conn, &format!("SELECT count(*) FROM tasks WHERE run_id = {run}")).await)
}

// ---------------------------------------------------------------------------------------------
// The dashboard.

/// The store calls of the dashboard page, in its order; seconds of each.
async fn dashboard_real(store: &Store, campaign: &str, key: &str, now: DateTime<Utc>) -> [f64; PAGE_CALLS] {
    let mut times = [0.0; PAGE_CALLS];
    let mut start = Instant::now();
    let mut lap = |i: usize, start: &mut Instant| {
        times[i] = start.elapsed().as_secs_f64();
        *start = Instant::now();
    };
    store::change_marker(store).await.expect("change marker");
    let runs = store::runs(store).await.expect("runs");
    assert_eq!(runs.len(), 1);
    lap(0, &mut start);
    let progress = store::progress_by_child(store, campaign, key, OWNER, now).await.expect("progress").expect("a run");
    assert!(progress.totals.total() > 0 && !progress.figures.is_empty());
    assert_eq!(progress.children.len(), STREETS);
    lap(1, &mut start);
    let per_day = store::done_per_day(store, campaign, key, Some(OWNER)).await.expect("per day");
    assert!(!per_day.is_empty());
    lap(2, &mut start);
    let mut units = Vec::new();
    for (i, overdue) in [(3, true), (4, false)] {
        let query = TaskQuery {
            campaign: Some(campaign.to_string()),
            run: Some(key.to_string()),
            scope: Some(OWNER.to_string()),
            overdue,
            due_soon: !overdue,
            limit: 100,
            ..TaskQuery::default()
        };
        let page = store::tasks_page(store, &query, now).await.expect("a page");
        units.extend(page.tasks.into_iter().map(|t| t.unit));
        lap(i, &mut start);
    }
    let units: Vec<&str> = units.iter().map(String::as_str).collect();
    store::unit_names(store, &units).await.expect("names");
    lap(5, &mut start);
    times
}

/// The page's calls as they were before `progress_by_child` (issue 12's first round): `run_progress`
/// (every unit's line, rolled up in Rust) and `children`. Seconds.
async fn dashboard_old(store: &Store, campaign: &str, key: &str, now: DateTime<Utc>) -> f64 {
    let start = Instant::now();
    let progress = store::run_progress(store, campaign, key, Some(OWNER), now).await.expect("progress").expect("a run");
    assert!(progress.totals.total() > 0);
    assert_eq!(store::children(store, OWNER).await.expect("children").len(), STREETS);
    start.elapsed().as_secs_f64()
}

/// The bare statements the page's numbers come from — the very SQL `progress_by_child` and
/// `done_per_day` run (the scope and its children, the tallies and the figure sums by child, the
/// templates' first tasks, tasks done per day), fetched and not looked at; with `all`, also the
/// lists the page shows. Seconds.
async fn dashboard_bare(conn: &DatabaseConnection, run: i64, now: i64, all: bool) -> f64 {
    let soon = now + store::DUE_SOON_SECONDS;
    let backend = conn.get_database_backend();
    let [units, tallies, sums, firsts] = store::progress_by_child_sql(backend);
    // The run's zone, Asia/Shanghai, is 8 hours ahead of UTC.
    let per_day = store::done_per_day_sql(backend, 8 * 3600, true);
    let start = Instant::now();
    assert_eq!(fetch(conn, &units, vec![OWNER.into()]).await, STREETS + 1);
    assert!(fetch(conn, &tallies, vec![run.into(), now.into(), soon.into(), OWNER.into()]).await > 0);
    assert!(fetch(conn, &sums, vec![run.into(), OWNER.into()]).await > 0);
    let firsts = fetch_ids(conn, &firsts, run).await;
    let list = firsts.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    assert!(fetch(conn, &format!("SELECT * FROM tasks WHERE id IN ({list}) ORDER BY id"), vec![]).await > 0);
    assert!(fetch(conn, &per_day, vec![run.into(), OWNER.into()]).await > 0);
    if all {
        for (filter, values) in [
            ("due_at < ?2", vec![run.into(), now.into()]),
            ("due_at >= ?2 AND due_at < ?3", vec![run.into(), now.into(), soon.into()]),
        ] {
            let count = format!("SELECT count(*) FROM tasks WHERE run_id = ?1 AND state = 'open' AND {filter}");
            rows(conn, &count, values.clone()).await;
            let list = format!(
                "SELECT * FROM tasks WHERE run_id = ?1 AND state = 'open' AND {filter} ORDER BY due_at, id LIMIT 100"
            );
            rows(conn, &list, values).await;
        }
    }
    start.elapsed().as_secs_f64()
}

/// Runs a statement already spelled for the backend; the number of rows.
async fn fetch(conn: &DatabaseConnection, sql: &str, values: Vec<Value>) -> usize {
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .len()
}

async fn fetch_ids(conn: &DatabaseConnection, sql: &str, run: i64) -> Vec<i64> {
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [run.into()]))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .iter()
        .map(|r| r.try_get_by_index(0).expect("an id"))
        .collect()
}

struct DashRow {
    db: Db,
    size: &'static str,
    tasks: i64,
    real: Vec<[f64; PAGE_CALLS]>,
    old: Vec<f64>,
    group_by: Vec<f64>,
    bare_all: Vec<f64>,
}

async fn measure_dashboard(
    store: &Store,
    conn: &DatabaseConnection,
    db: Db,
    size: &Size,
    run: i64,
    tasks: i64,
) -> DashRow {
    let now = at(NOW);
    let runs = store::runs(store).await.expect("runs");
    let (campaign, key) = (runs[0].campaign.clone(), runs[0].key.clone());
    let mut row = DashRow {
        db,
        size: size.name,
        tasks,
        real: Vec::new(),
        old: Vec::new(),
        group_by: Vec::new(),
        bare_all: Vec::new(),
    };
    for rep in 0..=REPS {
        eprintln!("dashboard: {} {}: iteration {rep}/{REPS} ...", db.name(), size.name);
        // The order alternates, so that neither always finds the other's pages cached.
        let (real, group_by, bare_all) = if rep % 2 == 0 {
            let real = dashboard_real(store, &campaign, &key, now).await;
            let g = dashboard_bare(conn, run, now.timestamp(), false).await;
            let a = dashboard_bare(conn, run, now.timestamp(), true).await;
            (real, g, a)
        } else {
            let a = dashboard_bare(conn, run, now.timestamp(), true).await;
            let g = dashboard_bare(conn, run, now.timestamp(), false).await;
            let real = dashboard_real(store, &campaign, &key, now).await;
            (real, g, a)
        };
        let old = dashboard_old(store, &campaign, &key, now).await;
        if rep > 0 {
            row.real.push(real);
            row.old.push(old);
            row.group_by.push(group_by);
            row.bare_all.push(bare_all);
        }
    }
    row
}

// ---------------------------------------------------------------------------------------------
// Submissions.

struct Open {
    row: i64,
    id: String,
    figures: Vec<(String, String)>,
    json: String,
}

/// `n` open tasks not yet submitted, spread over the run (`skip` of them taken by earlier rounds).
async fn open_tasks(conn: &DatabaseConnection, run: i64, skip: usize, n: usize) -> Vec<Open> {
    let backend = conn.get_database_backend();
    let sql = format!(
        "SELECT id, campaign, run_key, template, unit, figure_spec FROM tasks \
         WHERE run_id = {run} AND state = 'open' AND ((id * 2654435761) % 1000003 % 10) IN (6, 7, 8) ORDER BY id % 97, id LIMIT {n} OFFSET {skip}"
    );
    let found = conn.query_all_raw(Statement::from_string(backend, sql)).await.expect("open tasks");
    assert_eq!(found.len(), n, "enough open tasks");
    found
        .iter()
        .map(|r| {
            let get = |i| r.try_get_by_index::<String>(i).expect("text");
            let spec: serde_json::Value = serde_json::from_str(&get(5)).expect("a figure spec");
            let keys: Vec<String> = spec
                .as_array()
                .expect("a list")
                .iter()
                .map(|f| f["key"].as_str().expect("a key").to_string())
                .collect();
            let figures: Vec<(String, String)> = keys.iter().map(|k| (k.clone(), "12".to_string())).collect();
            let json = serde_json::Value::Object(keys.iter().map(|k| (k.clone(), serde_json::json!(12))).collect());
            Open {
                row: r.try_get_by_index(0).expect("an id"),
                id: plan::task_id(&get(1), &get(2), &get(3), &get(4)),
                figures,
                json: json.to_string(),
            }
        })
        .collect()
}

struct SubmitRow {
    db: Db,
    size: &'static str,
    /// Submissions per second, per round.
    real: Vec<f64>,
    bare: Vec<f64>,
}

async fn measure_submissions(store: &Store, conn: &DatabaseConnection, db: Db, size: &Size, run: i64) -> SubmitRow {
    let now = at(NOW);
    let at_s = now.timestamp();
    let actor = Actor { name: "第1街道第1社区".into(), source: Source::Web };
    let backend = conn.get_database_backend();
    let update = params(
        backend,
        "UPDATE tasks SET state = 'done', figures = ?1, completed_by = ?2, completed_at = ?3, updated_at = ?3 \
         WHERE id = ?4",
    );
    let mut row = SubmitRow { db, size: size.name, real: Vec::new(), bare: Vec::new() };
    for round in 0..SUBMISSION_ROUNDS {
        eprintln!("submissions: {} {}: round {}/{SUBMISSION_ROUNDS} ...", db.name(), size.name, round + 1);
        let tasks = open_tasks(conn, run, round * SUBMISSIONS, SUBMISSIONS).await;
        let start = Instant::now();
        for t in &tasks {
            let txn = conn.begin().await.expect("begin");
            let values: Vec<Value> = vec![t.json.clone().into(), actor.name.clone().into(), at_s.into(), t.row.into()];
            let done = txn.execute_raw(Statement::from_sql_and_values(backend, &update, values)).await.expect("update");
            assert_eq!(done.rows_affected(), 1);
            txn.commit().await.expect("commit");
        }
        row.bare.push(tasks.len() as f64 / start.elapsed().as_secs_f64());
        // Back to open, untimed: the columns the bare loop wrote.
        let ids: Vec<String> = tasks.iter().map(|t| t.row.to_string()).collect();
        exec(
            conn,
            &format!(
                "UPDATE tasks SET state = 'open', figures = NULL, completed_by = NULL, completed_at = NULL \
                 WHERE id IN ({})",
                ids.join(",")
            ),
        )
        .await;
        let start = Instant::now();
        for t in &tasks {
            let key = format!("bench-{round}-{}", t.row);
            let submitted =
                store::submit_task(store, &t.id, &t.figures, store::Note::plain(Some("典型事例")), &key, now, &actor)
                    .await
                    .unwrap_or_else(|e| panic!("submit {}: {e}", t.id));
            assert!(matches!(submitted, store::Submitted::Done { .. }), "{submitted:?}");
        }
        row.real.push(tasks.len() as f64 / start.elapsed().as_secs_f64());
    }
    row
}

// ---------------------------------------------------------------------------------------------
// The table.

fn ms(s: f64) -> String {
    format!("{:.1}", s * 1e3)
}

fn print_tables(dash: &[DashRow], submit: &[SubmitRow]) {
    println!();
    println!(
        "web data summary: {} cores; load average now {}; medians",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    if !dash.is_empty() {
        println!();
        println!(
            "dashboard data of the owner's page ({REPS} iterations, ms): the store's calls against the bare GROUP BY \
             queries (group by) and against those plus the page's lists (bare all)"
        );
        println!(
            "{:<9} {:>5} {:>7} {:>9} {:>9} {:>9} {:>10} {:>10} {:>12}",
            "db", "size", "tasks", "store", "group by", "bare all", "/group by", "/bare all", "old progress"
        );
        for r in dash {
            let total: Vec<f64> = r.real.iter().map(|t| t.iter().sum()).collect();
            let (t, g, a) = (median(&total), median(&r.group_by), median(&r.bare_all));
            println!(
                "{:<9} {:>5} {:>7} {:>9} {:>9} {:>9} {:>9.2}x {:>9.2}x {:>12}",
                r.db.name(),
                r.size,
                r.tasks,
                ms(t),
                ms(g),
                ms(a),
                t / g,
                t / a,
                ms(median(&r.old))
            );
        }
        println!();
        println!("  the store's calls one by one (medians, ms):");
        let names: [&str; PAGE_CALLS] = [
            "change_marker+runs",
            "progress_by_child",
            "done_per_day",
            "tasks_page overdue",
            "tasks_page due soon",
            "unit_names",
        ];
        for r in dash {
            let parts: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{n} {}", ms(median(&r.real.iter().map(|t| t[i]).collect::<Vec<_>>()))))
                .collect();
            println!("  {} {}: {}", r.db.name(), r.size, parts.join("; "));
        }
        for r in dash {
            let all = |v: &[f64]| v.iter().map(|s| ms(*s)).collect::<Vec<_>>().join(" ");
            let total: Vec<f64> = r.real.iter().map(|t| t.iter().sum()).collect();
            println!(
                "  {} {}: store [{}] group by [{}] bare all [{}] old progress [{}] ms",
                r.db.name(),
                r.size,
                all(&total),
                all(&r.group_by),
                all(&r.bare_all),
                all(&r.old)
            );
        }
        for r in dash {
            let total: Vec<f64> = r.real.iter().map(|t| t.iter().sum()).collect();
            let ratio = median(&total) / median(&r.group_by);
            let verdict = if ratio <= 2.0 { "met" } else { "MISSED" };
            println!("  target {} {}: store / bare GROUP BY <= 2x: {ratio:.2}x, {verdict}", r.db.name(), r.size);
        }
    }
    if !submit.is_empty() {
        println!();
        println!(
            "submissions per second ({SUBMISSION_ROUNDS} rounds of {SUBMISSIONS} tasks, one transaction each): \
             store::submit_task against a bare UPDATE of the same rows"
        );
        println!("{:<9} {:>5} {:>12} {:>12} {:>12}", "db", "size", "submit/s", "bare/s", "submit/bare");
        for r in submit {
            let (s, b) = (median(&r.real), median(&r.bare));
            println!("{:<9} {:>5} {:>12.0} {:>12.0} {:>11.2}x", r.db.name(), r.size, s, b, s / b);
        }
        for r in submit {
            let all = |v: &[f64]| v.iter().map(|s| format!("{s:.0}")).collect::<Vec<_>>().join(" ");
            println!("  {} {}: submit [{}] bare [{}] per s", r.db.name(), r.size, all(&r.real), all(&r.bare));
        }
    }
}

fn main() {
    let Some(args) = bench_args() else {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    };
    let size_names = SIZES.map(|s| s.name);
    let filters = Filters::parse(&args, &[&Db::NAMES, &size_names, &PARTS]);
    let dbs = filters.databases();
    let sizes: Vec<&Size> = SIZES.iter().filter(|s| filters.chosen(s.name, &size_names)).collect();
    let (dashboard, submissions) = (filters.chosen("dashboard", &PARTS), filters.chosen("submissions", &PARTS));
    let admin = postgres_admin(dbs.contains(&Db::Postgres), "scripts/bench-web");
    let tag = format!("{:08x}", RandomState::new().build_hasher().finish() as u32);
    let dir = tempfile::Builder::new().prefix("guiyan-bench-web-").tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (mut dash, mut submit) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for size in &sizes {
            for db in &dbs {
                let bench = Bench::create(*db, dir.path(), &admin, &tag, size).await;
                eprintln!("web data: {} {}: applying ...", db.name(), size.name);
                let store = Store::open(&bench.url).await.expect("open the store");
                let conn = connect(&bench.url).await;
                let start = Instant::now();
                let (run, tasks) = fill(&store, &conn, bench.db, size).await;
                eprintln!(
                    "web data: {} {}: {tasks} tasks in {:.1} s",
                    db.name(),
                    size.name,
                    start.elapsed().as_secs_f64()
                );
                if dashboard {
                    dash.push(measure_dashboard(&store, &conn, *db, size, run, tasks).await);
                }
                if submissions {
                    submit.push(measure_submissions(&store, &conn, *db, size, run).await);
                }
                conn.close().await.expect("close");
                store.close().await;
            }
        }
    });
    print_tables(&dash, &submit);
}

//! Store benchmark: `store::apply` materializing a run of `workflows/spring-festival.yaml` over a
//! generated directory of 1 district, 500 streets and 10,000 communities (51,502 tasks), and of a
//! variant with the five community templates repeated six times (30 community templates: 301,502
//! tasks), on SQLite and on PostgreSQL, each against the database's own bulk path.
//!
//! For each size and database:
//! - a child process (this binary with `--child`, so that its peak RSS is the apply's own) loads
//!   and plans (timed apart), opens a fresh database (`Store::open`: migrations), times `apply` of
//!   the runs open at a rehearsal time inside the run (2027-01-17 10:00 +08:00), then a second
//!   `apply` with nothing changed, reading `VmHWM` for each phase (reset in between through
//!   `/proc/self/clear_refs`, so each peak includes the planned runs the child holds; the table also
//!   shows what each apply adds to the resident size before the first);
//! - the baseline: every row the apply wrote (definitions, units, runs, tasks, task_dependencies,
//!   events, notices; all columns, ids included) is exported to CSV with the database's own client,
//!   then loaded into another fresh, migrated database (same schema and indexes) in one transaction:
//!   `sqlite3` `.import --csv` between `BEGIN` and `COMMIT` (foreign keys on, synchronous=NORMAL as
//!   the store's connections; nullable foreign keys through a staging table, as `.import` has no
//!   NULL), `psql -1` with `\copy ... FROM ... CSV`. The time is the client process's, from start to
//!   exit.
//!
//! `REPS` applies (each into a fresh database) alternate with `REPS` baseline loads; the table shows
//! medians. PostgreSQL gets an untimed `CHECKPOINT` before every timed step.
//!
//! Run with `scripts/bench-store` (provisions PostgreSQL and sqlite3), or with
//! `GUIYAN_TEST_POSTGRES_URL` set: `cargo bench -p store --bench materialize [-- sqlite|postgres|51k|300k]`.
//! Results in docs/benchmarks.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use bench_support::{Db, Filters, postgres_admin, run_child, run_quiet, tool, with_database};
use campaign::Workflows;
use chrono::{DateTime, Utc};
use serde_json::json;
use store::{Actor, Definition, Source, Store};

const STREETS: usize = 500;
const COMMUNITIES_PER_STREET: usize = 20;
/// The rehearsal time: the 2027 run opened on 2027-01-16 09:00; only `kickoff` is ready.
const NOW: &str = "2027-01-17T10:00:00+08:00";
const DIRECTORY_PATH: &str = "workflows/units.yaml";
/// Applies and baseline loads per size and database, each into a fresh database; medians reported.
const REPS: usize = 3;

/// The tables an apply writes, in foreign-key order, with every column.
const TABLES: &[(&str, &[&str])] = &[
    ("definitions", &["id", "campaign", "version", "hash", "path", "source", "applied_at", "applied_by"]),
    ("units", &["id", "name", "level", "depth", "email", "parent", "position"]),
    (
        "runs",
        &[
            "id",
            "campaign",
            "key",
            "definition_id",
            "anchor",
            "opens_at",
            "closes_at",
            "timezone",
            "next_event_at",
            "closed_at",
            "plan_hash",
        ],
    ),
    (
        "tasks",
        &[
            "id",
            "run_id",
            "campaign",
            "run_key",
            "template",
            "unit",
            "title",
            "state",
            "starts_at",
            "due_at",
            "schedule",
            "figure_spec",
            "figures",
            "completed_by",
            "completed_at",
            "note",
            "next_event_at",
            "updated_at",
            "handled_until",
        ],
    ),
    ("task_dependencies", &["task_id", "depends_on"]),
    ("events", &["id", "at", "actor", "source", "kind", "campaign", "run_key", "task_id", "detail"]),
    ("notices", &["id", "key", "run_id", "task_id", "kind", "recipient", "at", "created_at", "mail_id"]),
];

/// Nullable foreign-key columns that SQLite's `.import` (which has no syntax for NULL) would fill
/// with `''`, failing the key: those tables go through a staging table and `NULLIF`.
const SQLITE_NULL_FOREIGN_KEYS: &[(&str, &[&str])] = &[("notices", &["task_id", "mail_id"])];

struct Size {
    name: &'static str,
    campaign: &'static str,
    path: &'static str,
}

const SIZES: [Size; 2] = [
    Size { name: "51k", campaign: "spring-festival", path: "workflows/spring-festival.yaml" },
    Size { name: "300k", campaign: "spring-festival-x30", path: "workflows/spring-festival-x30.yaml" },
];

fn size(name: &str) -> &'static Size {
    SIZES.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("unknown size {name}"))
}

// ---------------------------------------------------------------------------------------------
// The workflows: the real campaign, a 30-community-template variant, a generated directory.

use campaign::MemoryFiles as MemFiles;

fn files() -> MemFiles {
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows/spring-festival.yaml");
    let campaign = std::fs::read(real).unwrap_or_else(|e| panic!("{real}: {e}"));
    MemFiles(BTreeMap::from([
        (PathBuf::from(SIZES[0].path), campaign),
        (PathBuf::from(SIZES[1].path), bench_support::spring_festival_x30_yaml().into_bytes()),
        (PathBuf::from(DIRECTORY_PATH), bench_support::directory_yaml(STREETS, COMMUNITIES_PER_STREET).into_bytes()),
    ]))
}

fn load(files: &MemFiles, size: &Size) -> Workflows {
    let (workflows, diagnostics) = campaign::load(&[PathBuf::from(size.path)], files);
    assert!(diagnostics.is_empty(), "the {} workflows do not load: {diagnostics:#?}", size.name);
    workflows
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).expect("NOW parses").with_timezone(&Utc)
}

// ---------------------------------------------------------------------------------------------
// The child: load, plan, apply twice; one JSON line of results on stdout.

/// A field of /proc/self/status in kB (VmHWM, VmRSS).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0); false if refused.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn child(db: Db, size: &Size, url: &str) {
    let files = files();
    let start = Instant::now();
    let workflows = load(&files, size);
    let load_s = start.elapsed().as_secs_f64();
    let campaign = workflows.campaign(size.campaign).expect("the campaign");
    let directory = workflows.directory_of(campaign).expect("its directory");
    let now = now();
    let start = Instant::now();
    let runs = plan::runs_open_at(campaign, directory, workflows.workdays_of(campaign), now).expect("plans");
    let plan_s = start.elapsed().as_secs_f64();
    assert_eq!(runs.len(), 1, "one run open at {NOW}");
    let tasks: usize = runs.iter().map(|r| r.tasks.len()).sum();
    let definitions = vec![Definition {
        campaign: size.campaign.to_string(),
        path: size.path.to_string(),
        source: String::from_utf8(files.0[&PathBuf::from(size.path)].clone()).expect("UTF-8"),
    }];
    let actor = Actor { name: "bench".into(), source: Source::Cli };
    let peak_plan_kb = status_kb("VmHWM");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let result = runtime.block_on(async {
        let start = Instant::now();
        let store = Store::open(url).await.expect("open the store");
        let open_s = start.elapsed().as_secs_f64();
        let reset = reset_peak();
        let rss_before_kb = status_kb("VmRSS");
        let start = Instant::now();
        let first =
            store::apply(&store, &workflows, &definitions, &runs, now, &actor, false).await.expect("first apply");
        let apply1_s = start.elapsed().as_secs_f64();
        let peak_apply1_kb = status_kb("VmHWM");
        assert!(first.runs.len() == 1 && first.runs[0].new_run && first.runs[0].tasks == tasks, "{first:?}");
        reset_peak();
        let start = Instant::now();
        let second =
            store::apply(&store, &workflows, &definitions, &runs, now, &actor, false).await.expect("second apply");
        let apply2_s = start.elapsed().as_secs_f64();
        let peak_apply2_kb = status_kb("VmHWM");
        assert!(second.is_empty(), "the second apply changes nothing: {second:?}");
        json!({
            "db": db.name(), "size": size.name, "tasks": tasks, "opened": first.opened,
            "load_s": load_s, "plan_s": plan_s, "open_s": open_s, "apply1_s": apply1_s, "apply2_s": apply2_s,
            "peak_plan_kb": peak_plan_kb, "rss_before_kb": rss_before_kb, "peak_reset": reset,
            "peak_apply1_kb": peak_apply1_kb, "peak_apply2_kb": peak_apply2_kb,
        })
    });
    println!("RESULT {result}");
}

// ---------------------------------------------------------------------------------------------
// The parent: databases, children, baselines, the table.

/// One database of either kind, removed on drop.
struct Database {
    db: Db,
    /// The SQLite path or the PostgreSQL URL.
    target: String,
    admin: Option<(PathBuf, String, String)>,
}

impl Database {
    fn create(db: Db, dir: &Path, label: &str, pg: &Pg) -> Database {
        match db {
            Db::Sqlite => Database { db, target: dir.join(format!("{label}.db")).display().to_string(), admin: None },
            Db::Postgres => {
                let name = format!("guiyan_bench_{}_{label}", pg.tag);
                let url = with_database(&pg.admin, &name);
                run_quiet(
                    Command::new(&pg.psql)
                        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &pg.admin, "-c"])
                        .arg(format!("CREATE DATABASE {name}")),
                    None,
                );
                Database { db, target: url, admin: Some((pg.psql.clone(), pg.admin.clone(), name)) }
            }
        }
    }

    /// Creates the schema with the store's migrations.
    fn migrate(&self, tools: &Tools) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            let store = Store::open(&self.target).await.expect("migrate");
            drop(store);
        });
        drop(runtime);
        if self.db == Db::Sqlite {
            // The pool's connections close in the background: wait for them, untimed.
            self.query(tools, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    fn query(&self, tools: &Tools, sql: &str) -> String {
        match self.db {
            Db::Sqlite => run_quiet(
                Command::new(&tools.sqlite3).args(["-cmd", ".timeout 10000"]).arg(&self.target).arg(sql),
                None,
            ),
            Db::Postgres => {
                run_quiet(Command::new(&tools.pg.psql).args(["-X", "-At", "-d", &self.target, "-c", sql]), None)
            }
        }
    }

    fn counts(&self, tools: &Tools) -> Vec<u64> {
        TABLES
            .iter()
            .map(|(t, _)| self.query(tools, &format!("SELECT count(*) FROM {t}")).trim().parse().expect("a count"))
            .collect()
    }

    /// Every table to `dir/<table>.csv`, no header; NULL is an empty unquoted field.
    fn export(&self, tools: &Tools, dir: &Path) {
        for (table, columns) in TABLES {
            let cols = quoted(columns);
            let file = dir.join(format!("{table}.csv"));
            match self.db {
                Db::Sqlite => {
                    let csv = run_quiet(
                        Command::new(&tools.sqlite3).arg("-csv").arg(&self.target).arg(format!(
                            "SELECT {cols} FROM {table} ORDER BY {}",
                            columns[..columns.len().min(2)].join(", ")
                        )),
                        None,
                    );
                    std::fs::write(&file, csv).expect("write CSV");
                }
                Db::Postgres => {
                    let order = columns[..columns.len().min(2)].join(", ");
                    let copy = format!(
                        "\\copy (SELECT {cols} FROM {table} ORDER BY {order}) TO '{}' WITH (FORMAT csv)",
                        file.display()
                    );
                    run_quiet(
                        Command::new(&tools.pg.psql).args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.target]),
                        Some(&copy),
                    );
                }
            }
        }
    }

    /// The baseline: loads every CSV in one transaction with the database's own bulk path; seconds.
    fn import(&self, tools: &Tools, dir: &Path) -> f64 {
        let mut script = String::new();
        match self.db {
            Db::Sqlite => {
                script.push_str(
                    ".bail on\n.timeout 10000\nPRAGMA foreign_keys=ON;\nPRAGMA synchronous=NORMAL;\nBEGIN;\n",
                );
                for (table, columns) in TABLES {
                    let file = dir.join(format!("{table}.csv"));
                    let Some((_, nullable)) = SQLITE_NULL_FOREIGN_KEYS.iter().find(|(t, _)| t == table) else {
                        let _ = writeln!(script, ".import --csv {} {table}", file.display());
                        continue;
                    };
                    // Through a staging table: `''` would fail the foreign key where NULL passes.
                    let values: Vec<String> = columns
                        .iter()
                        .map(|c| if nullable.contains(c) { format!("NULLIF(\"{c}\", '')") } else { format!("\"{c}\"") })
                        .collect();
                    let _ = writeln!(script, "CREATE TEMP TABLE csv_{table} ({});", quoted(columns));
                    let _ = writeln!(script, ".import --csv --schema temp {} csv_{table}", file.display());
                    let _ = writeln!(
                        script,
                        "INSERT INTO {table} ({}) SELECT {} FROM temp.csv_{table};",
                        quoted(columns),
                        values.join(", ")
                    );
                }
                script.push_str("COMMIT;\n");
            }
            Db::Postgres => {
                for (table, columns) in TABLES {
                    let _ = writeln!(
                        script,
                        "\\copy {table} ({}) FROM '{}' WITH (FORMAT csv)",
                        quoted(columns),
                        dir.join(format!("{table}.csv")).display()
                    );
                }
            }
        }
        let mut cmd = match self.db {
            Db::Sqlite => {
                let mut c = Command::new(&tools.sqlite3);
                c.arg(&self.target);
                c
            }
            Db::Postgres => {
                let mut c = Command::new(&tools.pg.psql);
                c.args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", &self.target]);
                c
            }
        };
        let start = Instant::now();
        run_quiet(&mut cmd, Some(&script));
        start.elapsed().as_secs_f64()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        match &self.admin {
            Some((psql, admin, name)) => {
                let _ = Command::new(psql)
                    .args(["-X", "-q", "-d", admin, "-c"])
                    .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .stdout(Stdio::null())
                    .status();
            }
            None => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.target));
                }
            }
        }
    }
}

fn quoted(columns: &[&str]) -> String {
    columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

struct Pg {
    psql: PathBuf,
    admin: String,
    /// Random, so that concurrent runs on one server never share a database.
    tag: String,
}

struct Tools {
    sqlite3: PathBuf,
    pg: Pg,
}

/// One line of the table: `REPS` applies (each in a fresh database, by a child process) and as many
/// baseline loads, alternating.
struct Row {
    children: Vec<serde_json::Value>,
    baselines: Vec<f64>,
    /// Rows per table (`TABLES` order), the same after every apply and baseline load.
    counts: Vec<u64>,
}

impl Row {
    /// The median of a child's number.
    fn median(&self, key: &str) -> f64 {
        median(self.children.iter().map(|c| f(c, key)).collect())
    }

    /// The highest of a child's number.
    fn max(&self, key: &str) -> f64 {
        self.max_of(|c| f(c, key))
    }

    /// The highest of a number computed from each child's.
    fn max_of(&self, value: impl Fn(&serde_json::Value) -> f64) -> f64 {
        self.children.iter().map(value).fold(f64::NAN, f64::max)
    }

    fn all(&self, key: &str) -> String {
        let all: Vec<String> = self.children.iter().map(|c| format!("{:.2}", f(c, key))).collect();
        all.join(", ")
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Lets PostgreSQL write out what the previous step left in its buffers (untimed), so that no
/// measured step pays for another's checkpoint.
fn settle(tools: &Tools, db: Db) {
    if db == Db::Postgres {
        run_quiet(Command::new(&tools.pg.psql).args(["-X", "-q", "-d", &tools.pg.admin, "-c", "CHECKPOINT"]), None);
    }
}

fn measure(tools: &Tools, db: Db, size: &Size) -> Row {
    let dir = tempfile::Builder::new().prefix("guiyan-bench-").tempdir().expect("a temporary folder");
    let mut row = Row { children: Vec::new(), baselines: Vec::new(), counts: Vec::new() };
    for rep in 0..REPS {
        let applied = Database::create(db, dir.path(), &format!("{}_apply{rep}", size.name), &tools.pg);
        settle(tools, db);
        eprintln!("materialize: {} {}: apply {}/{REPS} ...", db.name(), size.name, rep + 1);
        let out = run_child(Command::new(std::env::current_exe().expect("this binary")).args([
            "--child",
            db.name(),
            size.name,
            &applied.target,
        ]));
        let line = out.lines().find_map(|l| l.strip_prefix("RESULT ")).expect("the child's RESULT line");
        row.children.push(serde_json::from_str(line).expect("JSON"));
        let counts = applied.counts(tools);
        if rep == 0 {
            row.counts = counts;
            applied.export(tools, dir.path());
        } else {
            assert_eq!(counts, row.counts, "every apply writes the same rows");
        }
        drop(applied);

        eprintln!("materialize: {} {}: baseline {}/{REPS} ...", db.name(), size.name, rep + 1);
        let base = Database::create(db, dir.path(), &format!("{}_base{rep}", size.name), &tools.pg);
        base.migrate(tools);
        settle(tools, db);
        row.baselines.push(base.import(tools, dir.path()));
        assert_eq!(base.counts(tools), row.counts, "the baseline loads the same rows");
    }
    row
}

fn f(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

fn mb(kb: f64) -> String {
    format!("{:.0}", kb * 1024.0 / 1e6)
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "store materialize summary: medians of {REPS} runs, seconds; peak = highest VmHWM of the applying \
         process, MB = 10^6 bytes"
    );
    println!(
        "{:<9} {:>5} {:>7} {:>7} {:>5} {:>5} {:>7} {:>7} {:>8} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6}",
        "db",
        "size",
        "tasks",
        "deps",
        "load",
        "plan",
        "apply#1",
        "apply#2",
        "baseline",
        "#1/base",
        "#2/#1",
        "pk plan",
        "rss pre",
        "pk #1",
        "pk #2",
        "+ #1",
        "+ #2"
    );
    for r in rows {
        let c = &r.children[0];
        let baseline = median(r.baselines.clone());
        println!(
            "{:<9} {:>5} {:>7} {:>7} {:>5.2} {:>5.2} {:>7.2} {:>7.2} {:>8.2} {:>7.2}x {:>5.2}x {:>7} {:>7} {:>7} {:>7} {:>6} \
             {:>6}",
            c["db"].as_str().unwrap_or_default(),
            c["size"].as_str().unwrap_or_default(),
            r.counts[3],
            r.counts[4],
            r.median("load_s"),
            r.median("plan_s"),
            r.median("apply1_s"),
            r.median("apply2_s"),
            baseline,
            r.median("apply1_s") / baseline,
            r.median("apply2_s") / r.median("apply1_s"),
            mb(r.max("peak_plan_kb")),
            mb(r.max("rss_before_kb")),
            mb(r.max("peak_apply1_kb")),
            mb(r.max("peak_apply2_kb")),
            mb(r.max_of(|c| f(c, "peak_apply1_kb") - f(c, "rss_before_kb"))),
            mb(r.max_of(|c| f(c, "peak_apply2_kb") - f(c, "rss_before_kb"))),
        );
    }
    println!();
    println!("  (pk plan: peak while loading and planning; rss pre: resident before the first apply, plan held;");
    println!("   pk #1, pk #2: peak during each apply, VmHWM reset before it through /proc/self/clear_refs;");
    println!("   + #1, + #2: what the apply adds, its peak less the resident size before apply #1)");
    for r in rows {
        let c = &r.children[0];
        let baselines: Vec<String> = r.baselines.iter().map(|s| format!("{s:.2}")).collect();
        println!(
            "  {} {}: rows {:?} (definitions, units, runs, tasks, task_dependencies, events, notices); apply#1 [{}] s; \
             apply#2 [{}] s; baseline [{}] s; store open+migrate {:.2} s; tasks opened {}; peak reset {}",
            c["db"].as_str().unwrap_or_default(),
            c["size"].as_str().unwrap_or_default(),
            r.counts,
            r.all("apply1_s"),
            r.all("apply2_s"),
            baselines.join(", "),
            r.median("open_s"),
            c["opened"],
            c["peak_reset"],
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let [db, size_name, url] = [&args[i + 1], &args[i + 2], &args[i + 3]];
        child(Db::parse(db), size(size_name), url);
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    }
    let size_names = SIZES.map(|s| s.name);
    let filters = Filters::parse(&args, &[&Db::NAMES, &size_names]);
    let dbs = filters.databases();
    let sizes: Vec<&Size> = SIZES.iter().filter(|s| filters.chosen(s.name, &size_names)).collect();
    let admin = postgres_admin(dbs.contains(&Db::Postgres), "scripts/bench-store");
    let tag = format!("{:016x}", std::collections::hash_map::RandomState::new().build_hasher().finish());
    let tools = Tools {
        sqlite3: tool("sqlite3"),
        pg: Pg { psql: if admin.is_empty() { PathBuf::new() } else { tool("psql") }, admin, tag },
    };
    let mut rows = Vec::new();
    for size in &sizes {
        for db in &dbs {
            rows.push(measure(&tools, *db, size));
        }
    }
    print_table(&rows);
}

//! Report benchmark (issue 13): the work report of a run of 51,502 and 301,502 tasks, taken and
//! rendered the way `guiyan report` does (`store::snapshot_now`, `report::work_report_document`,
//! `documents::text::render` or `documents::docx::render`), beside the bare SQL a hand-written
//! report would run through the same connection pool.
//!
//! Setup (untimed), per size and database: a fresh database (`Store::open`), `store::apply` of the
//! real `workflows/spring-festival.yaml` run open at 2027-01-17 10:00 +08:00 over the planner
//! bench's generated directory of 500 streets and 10,000 communities (51,502 tasks), or of the store
//! bench's `spring-festival-x30` (its five community templates six times: 301,502 tasks; its work
//! report has default sections) — then, with SQL, 60 % of every template's tasks
//! done (`id % 5 < 3`) with figures for every key of the template's figure spec (values varying
//! with the id), a note on a third of those and a typical mark on one in 97.
//!
//! Measured, one criterion group per database and size (10 samples):
//! - `snapshot+render text` / `snapshot+render docx`: the real path of `guiyan report`;
//! - `bare SQL` (the baseline): the aggregation the report needs, in the database — per template,
//!   unit and state the count and the latest completion, and per template and figure key the sum
//!   and the number of tasks reporting it (`json_each` on SQLite, `jsonb_each_text` on PostgreSQL);
//! - `bare SQL rows` (a second baseline): the task columns a snapshot reads and the units table,
//!   fetched with no processing — the floor of any per-task copy.
//!
//! Run with `scripts/bench-report` (provisions PostgreSQL), or `cargo bench -p store --bench report
//! [-- sqlite|postgres|51k|300k]` (PostgreSQL with `GUIYAN_TEST_POSTGRES_URL` set). Results in
//! docs/benchmarks.md.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bench_support::{Db, Filters, bench_args, load_average, postgres_admin, tool, with_database};
use campaign::{Lang, MemoryFiles, ReportTemplate, Workflows};
use chrono::{DateTime, Utc};
use criterion::{Criterion, SamplingMode};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use store::{Actor, Definition, Source, Store};

const CAMPAIGN_PATH: &str = "workflows/spring-festival.yaml";
const DIRECTORY_PATH: &str = "workflows/units.yaml";
const STREETS: usize = 500;
/// When the run is applied: it opened on 2027-01-16 09:00.
const APPLIED: &str = "2027-01-17T10:00:00+08:00";
/// When the report is taken: the run is still open, most work reported.
const REPORT_AT: &str = "2027-02-20T10:00:00+08:00";
const SAMPLES: usize = 10;

struct Size {
    name: &'static str,
    campaign: &'static str,
}

/// 300k: the store bench's `spring-festival-x30` (the five community templates six times; a
/// directory of 60,000 communities would pass the 4 MiB limit on a directory file).
const SIZES: [Size; 2] =
    [Size { name: "51k", campaign: "spring-festival" }, Size { name: "300k", campaign: "spring-festival-x30" }];
const COMMUNITIES_PER_STREET: usize = 20;
fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a time").with_timezone(&Utc)
}

fn load(size: &'static Size) -> (MemoryFiles, Workflows) {
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows/spring-festival.yaml");
    let campaign = std::fs::read(real).unwrap_or_else(|e| panic!("{real}: {e}"));
    let directory = bench_support::directory_yaml(STREETS, COMMUNITIES_PER_STREET);
    let source = if size.campaign == "spring-festival" {
        campaign
    } else {
        bench_support::spring_festival_x30_yaml().into_bytes()
    };
    let files = MemoryFiles(BTreeMap::from([
        (PathBuf::from(CAMPAIGN_PATH), source),
        (PathBuf::from(DIRECTORY_PATH), directory.into_bytes()),
    ]));
    let (workflows, diagnostics) = campaign::load(&[PathBuf::from(CAMPAIGN_PATH)], &files);
    assert!(diagnostics.is_empty(), "the workflows do not load: {diagnostics:#?}");
    (files, workflows)
}

// ---------------------------------------------------------------------------------------------
// Databases.

/// One database, removed on drop.
struct Bench {
    url: String,
    /// PostgreSQL: the admin URL and the database's name.
    pg: Option<(String, String)>,
}

impl Bench {
    fn create(db: Db, dir: &Path, admin: &str, tag: &str, size: &Size) -> Bench {
        match db {
            Db::Sqlite => {
                let path = dir.join(format!("report-{}.db", size.name));
                Bench { url: format!("sqlite://{}?mode=rwc", path.display()), pg: None }
            }
            Db::Postgres => {
                let name = format!("guiyan_bench_report_{tag}_{}", size.name);
                psql(admin, &format!("CREATE DATABASE {name}"));
                Bench { url: with_database(admin, &name), pg: Some((admin.to_string(), name)) }
            }
        }
    }
}

impl Drop for Bench {
    /// Removes the PostgreSQL database, also after a panic (SQLite files go with the temporary folder).
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            psql(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn psql(admin: &str, sql: &str) {
    let status = std::process::Command::new(tool("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin, "-c", sql])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run psql");
    assert!(status.success(), "psql: {sql}");
}

async fn exec(conn: &DatabaseConnection, sql: &str) {
    conn.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

/// Applies the run and marks 60 % of each template's tasks done with figures and notes.
async fn fill(store: &Store, db: Db, files: &MemoryFiles, workflows: &Workflows, campaign_id: &str) -> (String, usize) {
    let campaign = workflows.campaign(campaign_id).expect("the campaign");
    let directory = workflows.directory_of(campaign).expect("its directory");
    let applied = at(APPLIED);
    let runs = plan::runs_open_at(campaign, directory, workflows.workdays_of(campaign), applied).expect("plans");
    assert_eq!(runs.len(), 1, "one run open at {APPLIED}");
    let definitions = vec![Definition {
        campaign: campaign.id.clone(),
        path: CAMPAIGN_PATH.into(),
        source: String::from_utf8(files.0[&PathBuf::from(CAMPAIGN_PATH)].clone()).expect("UTF-8"),
    }];
    let actor = Actor { name: "bench".into(), source: Source::Cli };
    store::apply(store, workflows, &definitions, &runs, applied, &actor, false).await.expect("apply");
    let conn = store.connection();
    let done_at = at(REPORT_AT).timestamp() - 86_400;
    for template in &campaign.tasks {
        // A JSON object of every figure of the template, values varying with the task id.
        let pairs: Vec<String> = template
            .figures
            .iter()
            .enumerate()
            .map(|(k, f)| format!("'{}', id % {} + {}", f.key, 7 + k, 1 + k))
            .collect();
        let figures = match (db, pairs.is_empty()) {
            (_, true) => "NULL".to_string(),
            (Db::Sqlite, false) => format!("json_object({})", pairs.join(", ")),
            (Db::Postgres, false) => format!("json_build_object({})::text", pairs.join(", ")),
        };
        exec(
            conn,
            &format!(
                "UPDATE tasks SET state = 'done', figures = {figures}, completed_by = unit, \
                 completed_at = {done_at} - id % 86400, next_event_at = NULL, \
                 note = CASE WHEN id % 3 = 0 THEN '本社区组织志愿者入户走访，登记返乡人员信息，建档入库，第' || id || '户' END, \
                 typical = (id % 97 = 0) \
                 WHERE template = '{}' AND id % 5 < 3",
                template.id
            ),
        )
        .await;
    }
    (runs[0].key.clone(), runs[0].tasks.len())
}

// ---------------------------------------------------------------------------------------------
// What is measured.

/// The work report as `guiyan report` writes it, in text or docx; its length in bytes.
async fn snapshot_and_render(store: &Store, workflows: &Workflows, campaign_id: &str, key: &str, docx: bool) -> usize {
    let campaign = workflows.campaign(campaign_id).expect("the campaign");
    let definition = campaign.reports.iter().find(|r| r.template == ReportTemplate::WorkReport).expect("a work report");
    let snapshot = store::snapshot_now(store, campaign, key, at(REPORT_AT)).await.expect("snapshot").expect("the run");
    let document = report::work_report_document(&snapshot, &definition.title, definition.layout.as_ref(), Lang::Zh);
    if docx {
        documents::docx::render(&document).expect("docx").len()
    } else {
        documents::text::render(&document).len()
    }
}

/// The aggregation the report needs, done by the database; the number of result rows.
async fn bare_sql(conn: &DatabaseConnection, db: Db) -> usize {
    let backend = conn.get_database_backend();
    let counts = "SELECT template, unit, state, count(*), max(completed_at) FROM tasks \
                  WHERE run_id = 1 GROUP BY template, unit, state";
    let sums = match db {
        Db::Sqlite => {
            "SELECT t.template, j.key, sum(j.value), count(*) FROM tasks t, json_each(t.figures) j \
             WHERE t.run_id = 1 AND t.state = 'done' AND t.figures IS NOT NULL GROUP BY t.template, j.key"
        }
        Db::Postgres => {
            "SELECT t.template, j.key, sum(j.value::numeric)::float8, count(*) FROM tasks t, \
             jsonb_each_text(t.figures::jsonb) j \
             WHERE t.run_id = 1 AND t.state = 'done' AND t.figures IS NOT NULL GROUP BY t.template, j.key"
        }
    };
    let a = conn.query_all_raw(Statement::from_string(backend, counts)).await.expect("counts");
    let b = conn.query_all_raw(Statement::from_string(backend, sums)).await.expect("sums");
    a.len() + b.len()
}

/// The rows a snapshot reads, fetched and dropped: the floor of a per-task copy.
async fn bare_rows(conn: &DatabaseConnection) -> usize {
    let backend = conn.get_database_backend();
    let tasks = "SELECT template, unit, state, starts_at, due_at, completed_at, figures, note, typical \
                 FROM tasks WHERE run_id = 1 ORDER BY id";
    let units = "SELECT id, name, level, parent, email FROM units ORDER BY position";
    let a = conn.query_all_raw(Statement::from_string(backend, tasks)).await.expect("tasks");
    let b = conn.query_all_raw(Statement::from_string(backend, units)).await.expect("units");
    a.len() + b.len()
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// Seconds per call of criterion's samples, recorded from `iter_custom`.
type Samples = RefCell<Vec<f64>>;

fn timed<'a>(
    runtime: &'a tokio::runtime::Runtime,
    samples: &'a Samples,
    mut f: impl AsyncFnMut() -> usize + 'a,
) -> impl FnMut(u64) -> Duration + 'a {
    move |iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            black_box(runtime.block_on(f()));
            total += start.elapsed();
        }
        samples.borrow_mut().push(total.as_secs_f64() / iters as f64);
        total
    }
}

/// The median of the last `SAMPLES` recordings (criterion's samples; earlier ones are warm-up).
fn median(samples: &Samples) -> f64 {
    let samples = samples.borrow();
    bench_support::median(&samples[samples.len().saturating_sub(SAMPLES)..])
}

struct Row {
    db: Db,
    size: &'static str,
    tasks: usize,
    text: f64,
    docx: f64,
    sql: f64,
    rows: f64,
    load: String,
}

fn measure(criterion: &mut Criterion, db: Db, size: &'static Size, dir: &Path, admin: &str, tag: &str) -> Row {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (files, workflows) = load(size);
    let bench = Bench::create(db, dir, admin, tag, size);
    let setup = Instant::now();
    let store = runtime.block_on(Store::open(&bench.url)).expect("open the store");
    let (key, tasks) = runtime.block_on(fill(&store, db, &files, &workflows, size.campaign));
    let conn = store.connection();
    if db == Db::Postgres {
        runtime.block_on(exec(conn, "ANALYZE"));
    }
    eprintln!(
        "report bench: {} {}: {tasks} tasks set up in {:.1} s",
        db.name(),
        size.name,
        setup.elapsed().as_secs_f64()
    );
    // The report must say what the database holds: the sums the bare SQL finds appear in it.
    let text_len = runtime.block_on(snapshot_and_render(&store, &workflows, size.campaign, &key, false));
    assert!(text_len > 1000, "a work report of {text_len} bytes");

    let (text, docx, sql, rows) = <(Samples, Samples, Samples, Samples)>::default();
    {
        let mut group = criterion.benchmark_group(format!("report-{}-{}", db.name(), size.name));
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("snapshot+render text", |b| {
            b.iter_custom(timed(&runtime, &text, async || {
                snapshot_and_render(&store, &workflows, size.campaign, &key, false).await
            }))
        });
        group.bench_function("snapshot+render docx", |b| {
            b.iter_custom(timed(&runtime, &docx, async || {
                snapshot_and_render(&store, &workflows, size.campaign, &key, true).await
            }))
        });
        group.bench_function("bare SQL", |b| b.iter_custom(timed(&runtime, &sql, async || bare_sql(conn, db).await)));
        group
            .bench_function("bare SQL rows", |b| b.iter_custom(timed(&runtime, &rows, async || bare_rows(conn).await)));
        group.finish();
    }
    runtime.block_on(store.close());
    Row {
        db,
        size: size.name,
        tasks,
        text: median(&text),
        docx: median(&docx),
        sql: median(&sql),
        rows: median(&rows),
        load: load_average(),
    }
}

fn ms(seconds: f64) -> String {
    format!("{:.1} ms", seconds * 1e3)
}

fn main() {
    let Some(args) = bench_args() else {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    };
    let size_names = SIZES.map(|s| s.name);
    // Criterion's own options (e.g. `--bench`) start with `-`; the filters are the bare words.
    let filters = Filters::parse(&args, &[&Db::NAMES, &size_names]);
    let admin = postgres_admin(false, "scripts/bench-report");
    let dbs: Vec<Db> = filters.databases().into_iter().filter(|d| *d == Db::Sqlite || !admin.is_empty()).collect();
    let tag = format!("{:08x}", std::collections::hash_map::RandomState::new().build_hasher().finish() as u32);
    let dir = tempfile::Builder::new().prefix("guiyan-bench-report-").tempdir().expect("a temporary folder");
    // Short: the machine is shared, and each sample of the 300k report takes about a second.
    let mut criterion = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let mut table = Vec::new();
    for size in SIZES.iter().filter(|s| filters.chosen(s.name, &size_names)) {
        for &db in &dbs {
            table.push(measure(&mut criterion, db, size, dir.path(), &admin, &tag));
        }
    }
    println!();
    println!("report summary (medians of {SAMPLES} criterion samples)");
    println!(
        "| database | size | snapshot+render text | snapshot+render docx | bare SQL | bare SQL rows | text / SQL | docx / SQL | text / rows | load |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in &table {
        println!(
            "| {} | {} ({} tasks) | {} | {} | {} | {} | **{:.2}×** | {:.2}× | {:.2}× | {} |",
            r.db.name(),
            r.size,
            r.tasks,
            ms(r.text),
            ms(r.docx),
            ms(r.sql),
            ms(r.rows),
            r.text / r.sql,
            r.docx / r.sql,
            r.text / r.rows,
            r.load
        );
    }
}

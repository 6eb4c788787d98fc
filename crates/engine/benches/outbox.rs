//! Outbox benchmarks: delivering composed mail, each beside a baseline measured in the same run.
//!
//! - **delivery**: 20,000 composed mails delivered by `Engine::step` (claim → SMTP → mark sent,
//!   `mail_batch` 200, 4 SMTP connections: guiyan's defaults) to Postfix's `smtp-sink` on
//!   loopback, from SQLite (and from PostgreSQL with `--postgres-sink`), against `smtp-source -s 4
//!   -d` (4 sessions, each reusing its connection) sending as many messages of the same mean size
//!   to the same sink. To show where the time goes: `Engine::step` with the in-memory capture
//!   transport (the database part alone, SQLite and PostgreSQL); `mail::Transport::Smtp` alone
//!   sending the prebuilt messages without a database, all at once and in the engine's batches of
//!   200, and once more to a second sink that does not offer PIPELINING (`smtp-sink -p`). Each row
//!   also gives the CPU time the client (this process, all threads; or smtp-source) and the sink
//!   spent per 1,000 mails, from `/proc`: on 2 cores the sum of the two bounds the throughput.
//!   Then 2,000 mails over a link with a delay of 1 ms each way (a proxy in the bench; loopback has
//!   no latency, a relay elsewhere does): smtp-source, and the transport alone to both sinks, to
//!   show what round trips cost.
//! - **drain**: the same 20,000 mails drained from PostgreSQL by two processes, each running
//!   `Engine::step` with the capture transport (so: `store::claim_mails` of 200 with `FOR UPDATE
//!   SKIP LOCKED`, a send that only copies the message, outcomes recorded in batches by `store::mark_sent_many`), against
//!   `pgbench -c 2 -j 2 -M prepared` running a bare claim loop at the same batch size until the
//!   queue is empty: `UPDATE mails SET state = 'sent' WHERE id IN (SELECT id FROM mails WHERE
//!   state = 'queued' ORDER BY next_attempt_at LIMIT 200 FOR UPDATE SKIP LOCKED)`; also the same
//!   loop returning the claimed bodies, as a delivery must read them, and pgbench committing one
//!   single-row UPDATE per transaction (the pattern of the engine before batching), for scale.
//!   A ceiling: the same loop returning each body deflated (level 1, stored uncompressed by the
//!   server and kept in the row), what any design storing compressed bodies would have to read.
//!
//! The mails are guiyan's own: a database migrated by `Store::open` gets 25 runs of the three
//! bundled campaigns, 400 communities with two tasks each per run and their pending notices (SQL,
//! through `sqlite3` / `psql`); the notices of each step (a run's assignments, then its
//! reminders) are composed in turn, as the engine does, with `store::compose` and the engine's
//! `Mailer` (real templates, MIME), giving 20,000 digests (10,000 `assigned` with two tasks,
//! 10,000 `reminder` with one; 8.5 kB on average). Before every timed delivery or drain
//! all mails are put back to `queued` (untimed; PostgreSQL also gets `VACUUM ANALYZE mails` and a
//! `CHECKPOINT`). Engine deliveries to smtp-sink that take over 30 s are measured once.
//!
//! Run with `scripts/bench-engine outbox`, or with `GUIYAN_TEST_POSTGRES_URL` set and Postfix's
//! `smtp-sink`/`smtp-source` and `pgbench` installed:
//! `cargo bench -p engine --bench outbox [-- delivery|drain|sqlite|postgres] [--postgres-sink]
//! [--no-engine-sink]` (the last skips the delivery by the engine to the sink, for quick checks).
//! Results in docs/benchmarks.md.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bench_support::{Db, Filters, bench_args, load_average, median, postgres_admin, run, tool, with_database};
use chrono::{DateTime, Utc};
use engine::{Engine, EngineConfig, Mailer, VirtualClock};
use store::Store;

/// The engine's time: 2027-02-10 09:00 +08:00.
const NOW: &str = "2027-02-10T09:00:00+08:00";
const DAY: i64 = 86_400;
/// SMTP connections: guiyan's default `smtp_connections`, and smtp-source's sessions.
const CONNECTIONS: usize = 4;
const FROM: &str = "归雁 <guiyan@shili.example.gov.cn>";
/// Timed repetitions of each measurement (alternating with its baseline); medians reported.
const REPS: usize = 3;
/// The generated data: 25 runs × 400 communities × (assigned + reminder) = 20,000 mails.
const RUNS: i64 = 25;
const STREETS: i64 = 20;
const COMMUNITIES_PER_STREET: i64 = 20;
const COMMUNITIES: i64 = STREETS * COMMUNITIES_PER_STREET;
const CAMPAIGNS: [&str; 3] = ["spring-festival", "mid-autumn", "qingming"];
const MAILS: usize = (RUNS * COMMUNITIES * 2) as usize;
/// Mails sent over the slow link, and its delay each way.
const LINK_MAILS: usize = 2_000;
const LINK_DELAY: Duration = Duration::from_millis(1);

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).expect("NOW parses").with_timezone(&Utc)
}

fn mail_batch() -> u64 {
    EngineConfig::default().mail_batch
}

// ---------------------------------------------------------------------------------------------
// Tools and child processes.

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Uid:").map(|u| u.split_whitespace().nth(1) == Some("0"))))
        .unwrap_or(false)
}

/// CPU seconds (user + system) of process `pid` (`self` for this one), and of its children that
/// have been waited for, from `/proc/<pid>/stat` (in clock ticks of 10 ms: `getconf CLK_TCK` is
/// 100 on Linux).
fn cpu_seconds(pid: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // The fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime 14, stime 15, cutime 16, cstime 17.
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .expect("(comm)")
        .1
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|f| f.parse().expect("a number of ticks"))
        .collect();
    ((fields[0] + fields[1]) / 100.0, (fields[2] + fields[3]) / 100.0)
}

/// CPU seconds so far of this process, of its children it has waited for, and of `sink`.
struct Cpu {
    own: f64,
    children: f64,
    sink: f64,
}

fn cpu_now(sink: &Sink) -> Cpu {
    let (own, children) = cpu_seconds("self");
    let (sink, _) = cpu_seconds(&sink.child.id().to_string());
    Cpu { own, children, sink }
}

/// One timed delivery: seconds, and CPU seconds of the client (this process, or smtp-source) and
/// of the sink.
struct Sample {
    secs: f64,
    client: f64,
    sink: f64,
}

/// Postfix's smtp-sink on a free loopback port; killed on drop.
struct Sink {
    child: Child,
    port: u16,
}

impl Sink {
    /// A sink as Postfix's smtpd would answer; `pipelining: false` adds `-p` (PIPELINING not
    /// offered).
    fn start(pipelining: bool) -> Sink {
        let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let mut cmd = Command::new(tool("smtp-sink"));
        if is_root() {
            // smtp-sink refuses to run as root without dropping privileges.
            cmd.args(["-u", "nobody"]);
        }
        if !pipelining {
            cmd.arg("-p");
        }
        let child = cmd
            .arg(format!("127.0.0.1:{port}"))
            .arg("1000")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start smtp-sink");
        let sink = Sink { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "smtp-sink does not listen on {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        sink
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Databases and data.

/// One database, removed on drop.
struct Database {
    db: Db,
    /// A SQLite path or a PostgreSQL URL (what the store and the clients take).
    target: String,
    /// PostgreSQL: the admin URL and the database's name.
    pg: Option<(String, String)>,
}

impl Database {
    fn create(db: Db, dir: &Path, admin: &str, tag: &str, label: &str) -> Database {
        match db {
            Db::Sqlite => Database { db, target: dir.join(format!("{label}.db")).display().to_string(), pg: None },
            Db::Postgres => {
                let name = format!("guiyan_bench_outbox_{tag}_{label}");
                run(
                    Command::new(tool("psql"))
                        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin, "-c"])
                        .arg(format!("CREATE DATABASE {name}")),
                    None,
                );
                Database { db, target: with_database(admin, &name), pg: Some((admin.to_string(), name)) }
            }
        }
    }

    /// The URL for `Store::open`.
    fn url(&self) -> String {
        match self.db {
            Db::Sqlite => format!("sqlite://{}?mode=rwc", self.target),
            Db::Postgres => self.target.clone(),
        }
    }

    /// Runs SQL with the database's own client.
    fn sql(&self, sql: &str) -> String {
        match self.db {
            Db::Sqlite => run(
                Command::new(tool("sqlite3")).args(["-bail", "-cmd", ".timeout 10000"]).arg(&self.target),
                Some(sql),
            ),
            Db::Postgres => run(
                Command::new(tool("psql")).args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", &self.target]),
                Some(sql),
            ),
        }
    }

    fn count(&self, sql: &str) -> usize {
        self.sql(sql).trim().parse().unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Every mail queued again, due now; the table tidied (untimed).
    fn requeue(&self) {
        let due = now().timestamp() - 60;
        self.sql(&format!(
            "UPDATE mails SET state = 'queued', attempts = 0, next_attempt_at = {due}, lease_until = NULL, \
             claimed_by = NULL, last_error = NULL, sent_at = NULL;"
        ));
        match self.db {
            Db::Sqlite => {
                self.sql("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            Db::Postgres => {
                self.sql("VACUUM ANALYZE mails;");
                self.sql("CHECKPOINT;");
            }
        }
        assert_eq!(self.count("SELECT count(*) FROM mails WHERE state = 'queued';"), MAILS);
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        match &self.pg {
            Some((admin, name)) => {
                let _ = Command::new(tool("psql"))
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

/// `prefix` followed by `value` zero-padded to `width` digits.
fn padded(db: Db, prefix: &str, value: &str, width: usize) -> String {
    match db {
        Db::Sqlite => format!("printf('{prefix}%0{width}d', {value})"),
        Db::Postgres => format!("'{prefix}' || lpad(({value})::text, {width}, '0')"),
    }
}

fn numbers(db: Db, n: i64) -> String {
    match db {
        Db::Sqlite => format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) ", n - 1),
        Db::Postgres => format!("WITH n(i) AS (SELECT generate_series(0::bigint, {})) ", n - 1),
    }
}

fn text(db: Db, value: &str) -> String {
    match db {
        Db::Sqlite => format!("CAST({value} AS TEXT)"),
        Db::Postgres => format!("({value})::text"),
    }
}

const PUBLICITY_SPEC: &str = "[{\"key\":\"banners\",\"label\":\"悬挂宣传横幅\",\"unit\":\"条\",\"kind\":\"count\",\"required\":true},\
{\"key\":\"letters\",\"label\":\"张贴公开信\",\"unit\":\"封\",\"kind\":\"count\",\"required\":true},\
{\"key\":\"posts\",\"label\":\"新媒体推送\",\"unit\":\"条\",\"kind\":\"count\",\"required\":false}]";
const VISITS_SPEC: &str = "[{\"key\":\"visited\",\"label\":\"走访返乡人员\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true},\
{\"key\":\"phoned\",\"label\":\"电话联系外出未返乡人员\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true},\
{\"key\":\"registered\",\"label\":\"乡土人才入库\",\"unit\":\"人\",\"kind\":\"count\",\"required\":true}]";

/// Definitions, units, 25 runs, 20,000 open tasks (no event due: the tick has nothing to do) and
/// 30,000 pending notices in 20,000 digest groups.
fn data_sql(db: Db) -> String {
    let t = now().timestamp();
    let mut sql = String::from("BEGIN;\n");
    for (k, c) in CAMPAIGNS.iter().enumerate() {
        let _ = writeln!(
            sql,
            "INSERT INTO definitions (id, campaign, version, hash, path, source, applied_at, applied_by) \
             VALUES ({}, '{c}', 1, 'bench', 'workflows/{c}.yaml', 'id: {c}', {}, 'bench');",
            k + 1,
            t - 3000 * DAY
        );
    }
    sql.push_str(
        "INSERT INTO units (id, name, level, depth, email, parent, position) VALUES \
         ('district-org', '示例区委组织部', 'district', 0, 'zzb@shili.example.gov.cn', NULL, 0);\n",
    );
    let street = padded(db, "street-", "i + 1", 2);
    let _ = writeln!(
        sql,
        "{}INSERT INTO units (id, name, level, depth, email, parent, position) SELECT {street}, \
         '第' || {} || '街道办事处', 'street', 1, {street} || '@shili.example.gov.cn', 'district-org', i + 1 FROM n;",
        numbers(db, STREETS),
        text(db, "i + 1")
    );
    let community = |i: &str| {
        format!(
            "{} || {}",
            padded(db, "street-", &format!("{i} / {COMMUNITIES_PER_STREET} + 1"), 2),
            padded(db, "-", &format!("{i} % {COMMUNITIES_PER_STREET} + 1"), 2)
        )
    };
    let _ = writeln!(
        sql,
        "{}INSERT INTO units (id, name, level, depth, email, parent, position) SELECT {}, \
         '第' || {} || '街道第' || {} || '社区', 'community', 2, \
         's' || {} || 'c' || {} || '@shili.example.gov.cn', {}, {STREETS} + 1 + i FROM n;",
        numbers(db, COMMUNITIES),
        community("i"),
        text(db, &format!("i / {COMMUNITIES_PER_STREET} + 1")),
        text(db, &format!("i % {COMMUNITIES_PER_STREET} + 1")),
        text(db, &format!("i / {COMMUNITIES_PER_STREET} + 1")),
        text(db, &format!("i % {COMMUNITIES_PER_STREET} + 1")),
        padded(db, "street-", &format!("i / {COMMUNITIES_PER_STREET} + 1"), 2),
    );
    let campaign =
        |x: &str| format!("CASE ({x}) % 3 WHEN 0 THEN 'spring-festival' WHEN 1 THEN 'mid-autumn' ELSE 'qingming' END");
    let opens = |r: &str| format!("({t} - ({r}) * 120 * {DAY} - 20 * {DAY})");
    let _ = writeln!(
        sql,
        "{}INSERT INTO runs (id, campaign, key, definition_id, anchor, opens_at, closes_at, timezone, \
         next_event_at, closed_at) SELECT i + 1, {}, {}, i % 3 + 1, 'festival', {o}, {o} + 50 * {DAY}, \
         'Asia/Shanghai', NULL, CASE WHEN i > 0 THEN {o} + 50 * {DAY} END FROM n;",
        numbers(db, RUNS),
        campaign("i"),
        text(db, "2027 - i / 3"),
        o = opens("i"),
    );
    // Task i: run i / 800, template (i / 400) % 2, community i % 400.
    let per_run = 2 * COMMUNITIES;
    let r = format!("(i / {per_run})");
    let visits = format!("((i / {COMMUNITIES}) % 2 = 1)");
    let _ = writeln!(
        sql,
        "{}INSERT INTO tasks (id, run_id, campaign, run_key, template, unit, title, state, starts_at, due_at, \
         schedule, figure_spec, figures, completed_by, completed_at, note, next_event_at, updated_at, \
         handled_until) SELECT i + 1, {r} + 1, {}, {}, \
         CASE WHEN {visits} THEN 'household-visits' ELSE 'publicity' END, {}, \
         CASE WHEN {visits} THEN '入户走访，摸排返乡人员，登记造册、建档入库' \
         ELSE '悬挂横幅、张贴家书，利用LED屏、微信公众号、微信群宣传' END, 'open', {o} + {DAY}, {o} + 25 * {DAY}, \
         '{{\"reminders\":[],\"escalations\":[]}}', \
         CASE WHEN {visits} THEN '{VISITS_SPEC}' ELSE '{PUBLICITY_SPEC}' END, NULL, NULL, NULL, NULL, NULL, \
         {o}, {o} FROM n;",
        numbers(db, RUNS * per_run),
        campaign(&r),
        text(db, &format!("2027 - {r} / 3")),
        community(&format!("(i % {COMMUNITIES})")),
        o = opens(&r),
    );
    sql.push_str("COMMIT;\n");
    sql
}

/// The notices of one step of run `run` (from 1): `assigned`, one per task (two per community: one
/// digest each), or `reminder`, one per household-visits task. A unit gets one mail per step, so
/// the steps are composed one at a time.
fn notices_sql(run: i64, kind: &str) -> String {
    match kind {
        "assigned" => format!(
            "INSERT INTO notices (key, run_id, task_id, kind, recipient, at, created_at, mail_id) \
             SELECT id || '/assigned/' || starts_at || '/' || unit, run_id, id, 'assigned', unit, starts_at, \
             starts_at, NULL FROM tasks WHERE run_id = {run} ORDER BY id;"
        ),
        _ => format!(
            "INSERT INTO notices (key, run_id, task_id, kind, recipient, at, created_at, mail_id) \
             SELECT id || '/reminder/' || (due_at - {DAY}) || '/' || unit, run_id, id, 'reminder', unit, \
             due_at - {DAY}, due_at - {DAY}, NULL FROM tasks WHERE run_id = {run} AND template = 'household-visits' \
             ORDER BY id;"
        ),
    }
}

fn workflows() -> campaign::Workflows {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows").canonicalize().expect("workflows/");
    let mut files = campaign::MemoryFiles::default();
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("workflows/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.0.insert(path.clone(), std::fs::read(&path).expect("read"));
            paths.push(path);
        }
    }
    paths.sort();
    let (workflows, diagnostics) = campaign::load(&paths, &files);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    workflows
}

fn mailer() -> Mailer {
    Mailer::new(mail::Templates::load(None).expect("templates"), FROM).expect("mailer")
}

/// A database holding the 20,000 composed mails, and those mails as sent.
struct Prepared {
    database: Database,
    compose_s: f64,
    outgoing: Vec<(String, mail::Outgoing)>,
}

impl Prepared {
    fn mean_size(&self) -> usize {
        self.outgoing.iter().map(|(_, o)| o.raw.len()).sum::<usize>() / self.outgoing.len().max(1)
    }
}

/// Migrates, loads the data, and composes the notices of each step of each run in turn.
async fn prepare(db: Db, dir: &Path, admin: &str, tag: &str) -> Prepared {
    let database = Database::create(db, dir, admin, tag, "mails");
    eprintln!("outbox: {}: loading the data and composing {MAILS} mails ...", db.name());
    let store = Store::open(&database.url()).await.expect("open the store");
    database.sql(&data_sql(db));
    if db == Db::Postgres {
        database.sql("ANALYZE;");
    }
    let workflows = workflows();
    let mailer = mailer();
    let now = now();
    let mut outgoing = Vec::with_capacity(MAILS);
    let mut compose_time = Duration::ZERO;
    for (run, kind) in (1..=RUNS).flat_map(|run| ["assigned", "reminder"].map(|kind| (run, kind))) {
        database.sql(&notices_sql(run, kind));
        let start = Instant::now();
        compose_step(&store, &workflows, &mailer, now, &mut outgoing).await;
        compose_time += start.elapsed();
    }
    let compose_s = compose_time.as_secs_f64();
    eprintln!("outbox: {}: composed {} mails in {compose_s:.1} s", db.name(), outgoing.len());
    drop(store);
    assert_eq!(outgoing.len(), MAILS, "one mail per unit and step");
    assert_eq!(database.count("SELECT count(*) FROM mails;"), MAILS);
    assert_eq!(database.count("SELECT count(*) FROM notices WHERE mail_id IS NULL;"), 0);
    Prepared { database, compose_s, outgoing }
}

/// Composes every pending notice as `Engine::step` does (`store::pending_groups`, `store::compose`
/// rendering with the engine's `Mailer`), adding the mails to `outgoing`.
async fn compose_step(
    store: &Store,
    workflows: &campaign::Workflows,
    mailer: &Mailer,
    now: DateTime<Utc>,
    outgoing: &mut Vec<(String, mail::Outgoing)>,
) {
    loop {
        let groups = store::pending_groups(store, 500).await.expect("pending groups");
        for group in &groups {
            let mut sent = None;
            let outcome = store::compose(store, group, now, |data| {
                let composed = mailer.compose(data, workflows, now, None)?;
                sent = Some((
                    data.key.clone(),
                    mail::Outgoing {
                        envelope_from: composed.envelope_from.clone(),
                        to: composed.to_address.clone(),
                        raw: composed.raw.clone(),
                    },
                ));
                Ok::<_, engine::EngineError>(composed)
            })
            .await
            .expect("compose");
            match outcome {
                Some(Ok(_)) => outgoing.extend(sent),
                Some(Err(e)) => panic!("cannot compose: {e}"),
                None => {}
            }
        }
        if groups.len() < 500 {
            break;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delivery to smtp-sink.

/// An engine over `url` that delivers through `transport`; nothing else is due for it.
async fn engine(url: &str, transport: mail::Transport, worker: &str) -> Engine {
    let store = Store::open(url).await.expect("open the store");
    let config = EngineConfig { worker: worker.to_string(), ..EngineConfig::default() };
    // No campaigns: no run is due to open, so `step` only ticks (nothing due), composes (nothing
    // pending) and delivers.
    Engine::new(store, campaign::Workflows::default(), mailer(), transport, Arc::new(VirtualClock::new(now())), config)
        .expect("engine")
}

/// guiyan's SMTP transport as `guiyan run` builds it (its pool of TCP_NODELAY connections,
/// `CONNECTIONS` at most).
fn smtp(sink: &Sink) -> mail::Transport {
    mail::Transport::Smtp(
        mail::SmtpTransport::from_url(&sink.url(), CONNECTIONS, Duration::from_secs(30)).expect("smtp transport"),
    )
}

/// smtp-source sending `MAILS` messages of `size` bytes over `CONNECTIONS` reused connections;
/// its CPU is this process's waited-for children's.
fn smtp_source(sink: &Sink, size: usize) -> Sample {
    smtp_source_to(sink, sink.port, MAILS, size)
}

/// smtp-source sending `mails` messages to `port` (the sink's, or a link in front of it).
fn smtp_source_to(sink: &Sink, port: u16, mails: usize, size: usize) -> Sample {
    let mut cmd = Command::new(tool("smtp-source"));
    cmd.args(["-s", &CONNECTIONS.to_string(), "-d", "-m", &mails.to_string(), "-l", &size.to_string()])
        .args(["-f", "guiyan@shili.example.gov.cn", "-t", "s01c01@shili.example.gov.cn"])
        .arg(format!("127.0.0.1:{port}"));
    let before = cpu_now(sink);
    let start = Instant::now();
    run(&mut cmd, None);
    let secs = start.elapsed().as_secs_f64();
    let after = cpu_now(sink);
    Sample { secs, client: after.children - before.children, sink: after.sink - before.sink }
}

/// `Engine::step` delivering every queued mail through `transport`.
async fn engine_delivery(prepared: &Prepared, transport: mail::Transport, sink: &Sink) -> Sample {
    prepared.database.requeue();
    let engine = engine(&prepared.database.url(), transport, "bench").await;
    let before = cpu_now(sink);
    let start = Instant::now();
    // On a runtime worker, as `guiyan run` runs its engine.
    let report = tokio::spawn(async move { engine.step().await }).await.expect("the step ran").expect("step");
    let sample = own_sample(start, &before, sink);
    assert_eq!(report.mails_sent, MAILS, "every mail sent: {report:?}");
    assert_eq!(prepared.database.count("SELECT count(*) FROM mails WHERE state = 'sent';"), MAILS);
    sample
}

/// What this process did since `start` and `before`.
fn own_sample(start: Instant, before: &Cpu, sink: &Sink) -> Sample {
    let secs = start.elapsed().as_secs_f64();
    let after = cpu_now(sink);
    Sample { secs, client: after.own - before.own, sink: after.sink - before.sink }
}

/// Sending `outgoing` with a fresh `transport` (connections included), `batch` spawned at a time
/// and all awaited before the next (all at once when `None`).
async fn transport_alone(
    outgoing: &[(String, mail::Outgoing)],
    transport: mail::Transport,
    batch: Option<usize>,
    sink: &Sink,
) -> Sample {
    let transport = Arc::new(transport);
    let before = cpu_now(sink);
    let start = Instant::now();
    for chunk in outgoing.chunks(batch.unwrap_or(outgoing.len())) {
        let mut sends = tokio::task::JoinSet::new();
        for (key, out) in chunk {
            let (key, out, transport) = (key.clone(), out.clone(), Arc::clone(&transport));
            sends.spawn(async move { transport.send(&out, &key).await.expect("sent") });
        }
        while let Some(sent) = sends.join_next().await {
            sent.expect("the send ran");
        }
    }
    own_sample(start, &before, sink)
}

/// A TCP proxy on a free loopback port in front of `target` that passes every chunk on `delay`
/// after it arrived, in order, both ways: a link with a round trip of twice `delay` (a relay
/// elsewhere in the building), which loopback lacks. Runs until the runtime ends.
async fn slow_link(target: u16, delay: Duration) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the link");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await else { continue };
            let _ = (client.set_nodelay(true), server.set_nodelay(true));
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(delayed(client_read, server_write, delay));
            tokio::spawn(delayed(server_read, client_write, delay));
        }
    });
    port
}

/// One direction of [`slow_link`].
async fn delayed(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, delay: Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (chunks, mut arriving) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        while let Some((at, bytes)) = arriving.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buffer = vec![0; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buffer).await {
        // Acknowledge now rather than with the next data (Linux delays an ACK it can piggyback):
        // a sender with Nagle's algorithm on (smtp-sink) would hold its next write until then.
        let _ = socket2::SockRef::from(from.as_ref()).set_tcp_quickack(true);
        if chunks.send((tokio::time::Instant::now() + delay, buffer[..n].to_vec())).is_err() {
            break;
        }
    }
    drop(chunks);
    let _ = writer.await;
}

/// The first `LINK_MAILS` mails over a [`slow_link`] to each sink: smtp-source, then guiyan's
/// transport (pipelining and chaining: one round trip a mail), then guiyan's transport to the
/// sink without PIPELINING (four round trips a mail, as smtp-source). Seconds per repetition.
async fn over_a_link(
    outgoing: &[(String, mail::Outgoing)],
    size: usize,
    sink: &Sink,
    plain: &Sink,
) -> Vec<(String, Vec<f64>)> {
    let (link, plain_link) = (slow_link(sink.port, LINK_DELAY).await, slow_link(plain.port, LINK_DELAY).await);
    let via = |port: u16| {
        let url = format!("smtp://127.0.0.1:{port}");
        mail::Transport::Smtp(mail::SmtpTransport::from_url(&url, CONNECTIONS, Duration::from_secs(30)).expect("smtp"))
    };
    let mut rows: Vec<(String, Vec<f64>)> = [
        format!("smtp-source -s {CONNECTIONS} -d (baseline)"),
        "mail::Transport::Smtp alone".to_string(),
        "mail::Transport::Smtp alone, no PIPELINING".to_string(),
    ]
    .into_iter()
    .map(|label| (label, Vec::new()))
    .collect();
    let outgoing = &outgoing[..LINK_MAILS];
    for rep in 1..=REPS {
        eprintln!("outbox: {rep}/{REPS}: over a link of {LINK_DELAY:?} each way ...");
        let source = tokio::task::block_in_place(|| smtp_source_to(sink, link, LINK_MAILS, size));
        rows[0].1.push(source.secs);
        rows[1].1.push(transport_alone(outgoing, via(link), None, sink).await.secs);
        rows[2].1.push(transport_alone(outgoing, via(plain_link), None, plain).await.secs);
    }
    rows
}

/// One line of the delivery table: seconds, and CPU seconds of the client and of the sink, per
/// repetition, for `MAILS` mails.
struct Measured {
    label: String,
    secs: Vec<f64>,
    client_cpu: Vec<f64>,
    sink_cpu: Vec<f64>,
}

impl Measured {
    fn rate(&self) -> f64 {
        MAILS as f64 / median(&self.secs)
    }

    /// Median CPU milliseconds per 1,000 mails.
    fn per_thousand(cpu: &[f64]) -> f64 {
        median(cpu) * 1000.0 / (MAILS as f64 / 1000.0)
    }
}

/// Adds a repetition to the row called `label`, starting it if needed.
fn push(rows: &mut Vec<Measured>, label: String, sample: Sample) {
    let row = match rows.iter().position(|r| r.label == label) {
        Some(i) => &mut rows[i],
        None => {
            rows.push(Measured { label, secs: Vec::new(), client_cpu: Vec::new(), sink_cpu: Vec::new() });
            rows.last_mut().expect("just pushed")
        }
    };
    row.secs.push(sample.secs);
    row.client_cpu.push(sample.client);
    row.sink_cpu.push(sample.sink);
}

/// Everything measured against smtp-sink, with smtp-source runs in between; the first row is
/// smtp-source's, the baseline.
async fn deliveries(
    prepared: &[&Prepared],
    engine_sink: bool,
    postgres_sink: bool,
) -> (Vec<Measured>, Vec<(String, Vec<f64>)>) {
    let sink = Sink::start(true);
    let sink_without_pipelining = Sink::start(false);
    let size = prepared[0].mean_size();
    let outgoing = &prepared[0].outgoing;
    let batch = mail_batch() as usize;
    let mut rows: Vec<Measured> = Vec::new();
    let source_label = format!("smtp-source -s {CONNECTIONS} -d (baseline)");
    let source = |rows: &mut Vec<Measured>| {
        push(rows, source_label.clone(), smtp_source(&sink, size));
    };
    for rep in 1..=REPS {
        for p in prepared {
            let db = p.database.db;
            if !engine_sink || (db == Db::Postgres && !postgres_sink) {
                continue;
            }
            eprintln!("outbox: {} {rep}/{REPS}: smtp-source, then Engine::step to smtp-sink ...", db.name());
            source(&mut rows);
            let sample = engine_delivery(p, smtp(&sink), &sink).await;
            eprintln!("outbox: {} {rep}: Engine::step delivered {MAILS} in {:.2} s", db.name(), sample.secs);
            push(&mut rows, format!("Engine::step, {}", db.name()), sample);
        }
        // Where the time goes: the database part (the capture transport), and the transport alone.
        eprintln!("outbox: {rep}/{REPS}: smtp-source, Engine::step to capture, the transport alone ...");
        source(&mut rows);
        for p in prepared {
            let capture = mail::Transport::Capture(mail::CaptureTransport::new());
            let sample = engine_delivery(p, capture, &sink).await;
            push(&mut rows, format!("Engine::step, {}, capture transport", p.database.db.name()), sample);
        }
        let sample = transport_alone(outgoing, smtp(&sink), None, &sink).await;
        push(&mut rows, "mail::Transport::Smtp alone, all at once".into(), sample);
        let sample = transport_alone(outgoing, smtp(&sink), Some(batch), &sink).await;
        push(&mut rows, format!("mail::Transport::Smtp alone, batches of {batch}"), sample);
        let plain = &sink_without_pipelining;
        let sample = transport_alone(outgoing, smtp(plain), None, plain).await;
        push(&mut rows, "mail::Transport::Smtp alone, no PIPELINING".into(), sample);
    }
    let link = over_a_link(outgoing, size, &sink, &sink_without_pipelining).await;
    (rows, link)
}

// ---------------------------------------------------------------------------------------------
// Two processes draining PostgreSQL.

/// A drain process: opens the store, says READY, waits for a line on stdin, runs one
/// `Engine::step` with the capture transport, says how many it sent.
fn drain_child(url: &str, worker: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        let capture = mail::CaptureTransport::new();
        let engine = engine(url, mail::Transport::Capture(capture.clone()), worker).await;
        println!("READY");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).expect("go");
        let sent = engine.step().await.expect("step").mails_sent;
        assert_eq!(sent, capture.len());
        println!("DONE {sent}");
    });
}

/// Seconds for `processes` drain processes to send every queued mail, from the moment all are
/// connected and told to start until the last one finishes.
fn engine_drain(database: &Database, url: &str, processes: usize) -> f64 {
    database.requeue();
    let exe = std::env::current_exe().expect("this binary");
    let mut children: Vec<(Child, BufReader<std::process::ChildStdout>)> = (0..processes)
        .map(|k| {
            let mut child = Command::new(&exe)
                .args(["--drain-child", url, &format!("drain-{k}")])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("a drain process");
            let stdout = BufReader::new(child.stdout.take().expect("stdout"));
            (child, stdout)
        })
        .collect();
    let mut line = String::new();
    for (_, out) in &mut children {
        line.clear();
        out.read_line(&mut line).expect("READY");
        assert_eq!(line.trim(), "READY");
    }
    let start = Instant::now();
    for (child, _) in &mut children {
        child.stdin.as_mut().expect("stdin").write_all(b"go\n").expect("go");
    }
    let mut sent = 0;
    for (_, out) in &mut children {
        line.clear();
        out.read_line(&mut line).expect("DONE");
        sent += line.trim().strip_prefix("DONE ").and_then(|n| n.parse::<usize>().ok()).expect("DONE n");
    }
    let secs = start.elapsed().as_secs_f64();
    for (mut child, _) in children {
        assert!(child.wait().expect("wait").success());
    }
    assert_eq!(sent, MAILS, "every mail sent exactly once between the processes");
    assert_eq!(database.count("SELECT count(*) FROM mails WHERE state = 'sent';"), MAILS);
    secs
}

/// Runs `script` with pgbench, 2 clients on 2 threads, prepared statements, `per_client`
/// transactions each; its tps without the initial connection time.
fn pgbench(database: &Database, dir: &Path, script: &str, per_client: u64) -> f64 {
    let file = dir.join("bench.sql");
    std::fs::write(&file, script).expect("write the pgbench script");
    let out = run(
        Command::new(tool("pgbench"))
            .args(["-n", "-M", "prepared", "-c", "2", "-j", "2", "-t", &per_client.to_string(), "-f"])
            .arg(&file)
            .arg(&database.target),
        None,
    );
    out.lines()
        .find(|l| l.starts_with("tps = ") && l.contains("without initial connection time"))
        .and_then(|l| l.strip_prefix("tps = ")?.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output:\n{out}"))
}

/// The baseline: pgbench's bare claim loop at the engine's batch size until the queue is empty;
/// rows per second.
fn pgbench_claim_loop(database: &Database, dir: &Path) -> f64 {
    database.requeue();
    let batch = mail_batch();
    let per_client = MAILS as u64 / (2 * batch);
    assert_eq!(per_client * 2 * batch, MAILS as u64, "whole batches");
    let script = format!(
        "UPDATE mails SET state = 'sent' WHERE id IN (SELECT id FROM mails WHERE state = 'queued' \
         ORDER BY next_attempt_at LIMIT {batch} FOR UPDATE SKIP LOCKED);\n"
    );
    let tps = pgbench(database, dir, &script, per_client);
    assert_eq!(database.count("SELECT count(*) FROM mails WHERE state = 'queued';"), 0, "pgbench drained all");
    tps * batch as f64
}

/// The claim loop that also reads what it claims: the same statement returning the claimed
/// mails' bodies from `bodies` (`mail_bodies`: about 1.7 MB per batch, as a delivery must read
/// them; `bench_deflated_bodies`: the ceiling for bodies stored compressed). rows/s.
fn pgbench_claim_read_loop(database: &Database, dir: &Path, bodies: &str) -> f64 {
    database.requeue();
    let batch = mail_batch();
    let per_client = MAILS as u64 / (2 * batch);
    let script = format!(
        "WITH c AS (UPDATE mails SET state = 'sent' WHERE id IN (SELECT id FROM mails WHERE state = 'queued' \
         ORDER BY next_attempt_at LIMIT {batch} FOR UPDATE SKIP LOCKED) RETURNING id) \
         SELECT {bodies}.raw FROM c JOIN {bodies} ON {bodies}.mail_id = c.id;\n"
    );
    let tps = pgbench(database, dir, &script, per_client);
    assert_eq!(database.count("SELECT count(*) FROM mails WHERE state = 'queued';"), 0, "pgbench drained all");
    tps * batch as f64
}

/// What one commit per row costs (the engine's pattern before batching): pgbench updating one random
/// mail per transaction, 2 clients, 1,000 rows; rows per second.
fn pgbench_row_commits(database: &Database, dir: &Path) -> f64 {
    database.requeue();
    let script = format!(
        "\\set id random(1, {MAILS})\nUPDATE mails SET state = 'sent', sent_at = 1, lease_until = NULL, \
         last_error = NULL WHERE id = :id;\n"
    );
    pgbench(database, dir, &script, 500)
}

/// Fills `bench_deflated_bodies` (untimed): each mail's message deflated at level 1, stored as is
/// (`STORAGE MAIN`: no second compression by the server, kept in the row where it fits). Returns
/// the mean deflated size in bytes.
fn deflated_bodies(prepared: &Prepared) -> usize {
    let mut copy = String::from(
        "CREATE TABLE bench_deflated_bodies (mail_id bigint PRIMARY KEY REFERENCES mails (id), raw bytea NOT NULL);\n\
         ALTER TABLE bench_deflated_bodies ALTER COLUMN raw SET STORAGE MAIN;\n\
         CREATE TEMPORARY TABLE deflated (key text NOT NULL, raw bytea NOT NULL);\n\
         COPY deflated (key, raw) FROM STDIN;\n",
    );
    let mut total = 0;
    for (key, outgoing) in &prepared.outgoing {
        let deflated = miniz_oxide::deflate::compress_to_vec(&outgoing.raw, 1);
        total += deflated.len();
        assert!(!key.contains(['\t', '\\', '\n']), "a key COPY takes as is: {key}");
        let _ = write!(copy, "{key}\t\\\\x");
        for byte in deflated {
            let _ = write!(copy, "{byte:02x}");
        }
        copy.push('\n');
    }
    copy.push_str(
        "\\.\n\
         INSERT INTO bench_deflated_bodies SELECT mails.id, deflated.raw FROM deflated JOIN mails USING (key);\n\
         VACUUM ANALYZE bench_deflated_bodies;\n",
    );
    prepared.database.sql(&copy);
    assert_eq!(prepared.database.count("SELECT count(*) FROM bench_deflated_bodies;"), MAILS);
    total / MAILS
}

struct Drain {
    claim_loop: Vec<f64>,
    claim_read: Vec<f64>,
    claim_deflated: Vec<f64>,
    /// The mean size of a deflated body, bytes.
    deflated_size: usize,
    row_commits: Vec<f64>,
    two: Vec<f64>,
}

fn drain(prepared: &Prepared, dir: &Path) -> Drain {
    let database = &prepared.database;
    let mut d = Drain {
        claim_loop: Vec::new(),
        claim_read: Vec::new(),
        claim_deflated: Vec::new(),
        deflated_size: deflated_bodies(prepared),
        row_commits: Vec::new(),
        two: Vec::new(),
    };
    for rep in 1..=REPS {
        eprintln!("outbox: drain {rep}/{REPS}: pgbench, then two engine processes ...");
        for _ in 0..2 {
            d.claim_loop.push(pgbench_claim_loop(database, dir));
            d.claim_read.push(pgbench_claim_read_loop(database, dir, "mail_bodies"));
            d.claim_deflated.push(pgbench_claim_read_loop(database, dir, "bench_deflated_bodies"));
        }
        d.row_commits.push(pgbench_row_commits(database, dir));
        d.two.push(engine_drain(database, &database.url(), 2));
    }
    d
}

// ---------------------------------------------------------------------------------------------
// The table.

fn rate(secs: f64) -> f64 {
    MAILS as f64 / secs
}

fn all(values: &[f64]) -> String {
    values.iter().map(|s| format!("{s:.2}")).collect::<Vec<_>>().join(", ")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--drain-child") {
        drain_child(&args[i + 1], &args[i + 2]);
        return;
    }
    let Some(args) = bench_args() else {
        // `cargo test --benches` runs this binary without --bench: nothing to check here.
        return;
    };
    mail::install_crypto_provider();
    let postgres_sink = args.iter().any(|a| a == "--postgres-sink");
    // For quick checks: skip the engine's delivery to smtp-sink.
    let engine_sink = !args.iter().any(|a| a == "--no-engine-sink");
    let parts = ["delivery", "drain"];
    let filters = Filters::parse(&args, &[&parts, &Db::NAMES]);
    let delivery_dbs = if filters.chosen("delivery", &parts) { filters.databases() } else { Vec::new() };
    let run_drain = filters.chosen("drain", &parts) && filters.databases().contains(&Db::Postgres);
    let admin = postgres_admin(run_drain || delivery_dbs.contains(&Db::Postgres), "scripts/bench-engine");
    let tag = format!("{:08x}", RandomState::new().build_hasher().finish() as u32);
    let dir = tempfile::Builder::new().prefix("guiyan-bench-outbox-").tempdir().expect("a temporary folder");
    let load_before = load_average();
    // As `guiyan run`: a multi-threaded runtime with two workers.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");

    let mut prepared: BTreeMap<&str, Prepared> = BTreeMap::new();
    for db in &delivery_dbs {
        prepared.insert(db.name(), runtime.block_on(prepare(*db, dir.path(), &admin, &tag)));
    }
    let delivered = if delivery_dbs.is_empty() {
        None
    } else {
        let list: Vec<&Prepared> = delivery_dbs.iter().map(|d| &prepared[d.name()]).collect();
        Some(runtime.block_on(deliveries(&list, engine_sink, postgres_sink)))
    };
    let drained = if run_drain {
        if !prepared.contains_key("postgres") {
            prepared.insert("postgres", runtime.block_on(prepare(Db::Postgres, dir.path(), &admin, &tag)));
        }
        Some(drain(&prepared["postgres"], dir.path()))
    } else {
        None
    };
    let load_after = load_average();

    println!();
    println!(
        "outbox summary: {MAILS} mails; medians; {CONNECTIONS} SMTP connections; mail_batch {}; \
         load average before {load_before}, after {load_after}",
        mail_batch()
    );
    if let Some((rows, link)) = &delivered {
        let first = prepared.values().next().expect("prepared");
        let base = rows[0].rate();
        println!(
            "delivery to smtp-sink (mean message {} bytes; compose, untimed setup: {})",
            first.mean_size(),
            prepared
                .values()
                .map(|p| format!("{} {:.0} mails/s", p.database.db.name(), MAILS as f64 / p.compose_s))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "{:<46} {:>8} {:>8} {:>10} {:>12} {:>12}",
            "", "seconds", "mails/s", "vs source", "client CPU", "sink CPU"
        );
        println!("{:<46} {:>8} {:>8} {:>10} {:>12} {:>12}", "", "", "", "", "ms/1k mails", "ms/1k mails");
        for r in rows {
            println!(
                "{:<46} {:>8.2} {:>8.0} {:>9.3}x {:>12.0} {:>12.0}",
                r.label,
                median(&r.secs),
                r.rate(),
                r.rate() / base,
                Measured::per_thousand(&r.client_cpu),
                Measured::per_thousand(&r.sink_cpu)
            );
        }
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        for r in rows.iter().filter(|r| r.label.starts_with("Engine::step") && !r.label.contains("capture")) {
            let ratio = r.rate() / base;
            println!("target: {} / smtp-source >= 0.7x: {ratio:.3}x, {}", r.label, verdict(ratio >= 0.7));
        }
        for r in rows {
            println!("  {}: [{}] s", r.label, all(&r.secs));
        }
        println!(
            "over a link of {LINK_DELAY:?} each way (a proxy in this process), {LINK_MAILS} mails: seconds, mails/s, vs source"
        );
        let base = median(&link[0].1);
        for (label, secs) in link {
            let rate = LINK_MAILS as f64 / median(secs);
            println!("{label:<46} {:>8.2} {rate:>8.0} {:>9.3}x   [{}] s", median(secs), base / median(secs), all(secs));
        }
    }
    if let Some(d) = drained {
        let base = median(&d.claim_loop);
        println!("{:<44} {:>6} {:>9} {:>9} {:>10}", "drain on PostgreSQL", "rows", "seconds", "rows/s", "vs pgbench");
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.0} {:>10}",
            format!("pgbench -c 2 claim loop, {} a batch (baseline)", mail_batch()),
            MAILS,
            MAILS as f64 / base,
            base,
            "1.00x"
        );
        let read = median(&d.claim_read);
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.0} {:>9.3}x",
            "pgbench -c 2 claim loop reading the bodies",
            MAILS,
            MAILS as f64 / read,
            read,
            read / base
        );
        let deflated = median(&d.claim_deflated);
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.0} {:>9.3}x",
            format!("pgbench -c 2 ... reading them deflated ({} B)", d.deflated_size),
            MAILS,
            MAILS as f64 / deflated,
            deflated,
            deflated / base
        );
        let commits = median(&d.row_commits);
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.0} {:>9.3}x",
            "pgbench -c 2 one UPDATE+commit per row",
            1_000,
            1_000.0 / commits,
            commits,
            commits / base
        );
        let t = median(&d.two);
        println!(
            "{:<44} {:>6} {:>9.2} {:>9.0} {:>9.3}x",
            "2 engine processes (Engine::step, capture)",
            MAILS,
            t,
            rate(t),
            rate(t) / base
        );
        let two = rate(median(&d.two)) / base;
        let verdict = if two >= 0.5 { "met" } else { "MISSED" };
        println!("target: 2 engine processes / pgbench claim loop >= 0.5x: {two:.3}x, {verdict}");
        let fair = rate(median(&d.two)) / read;
        println!("2 engine processes / pgbench claim loop reading the bodies: {fair:.3}x");
        println!(
            "  claim loop rows/s [{}]; reading the bodies [{}]; deflated [{}]; row commits rows/s [{}]; two processes [{}] s",
            d.claim_loop.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
            d.claim_read.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
            d.claim_deflated.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
            d.row_commits.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
            all(&d.two)
        );
    }
}

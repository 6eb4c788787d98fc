//! The store through the real `guiyan` binary, on SQLite and PostgreSQL alike: `apply` at a
//! rehearsal time inside the 2027 spring-festival run, idempotence, definition edits, task
//! operations and their history, status roll-ups, concurrent applies, databases that cannot be
//! used, and the index behind the due-work query.
//!
//! Every test runs on both databases through `support::for_each_db`. Each copies `workflows/` into
//! a temporary folder (edits happen there) and runs `guiyan --lang en --now <time>` in it with
//! `GUIYAN_DATABASE_URL` pointing at the test's fresh database.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection};
use support::{DbKind, TestDb, block_on, copy_of_workflows, for_each_db, guiyan_bin};

/// Inside the 2027 spring-festival run (opens 2027-01-16 09:00, closes 2027-03-08 17:30, Shanghai).
const REHEARSAL: &str = "2027-01-20T10:00:00+08:00";
/// Three weeks on: the street deployments (due 01-24) and early publicity (due 02-03) are late.
const LATER: &str = "2027-02-10T10:00:00+08:00";
const RUN: &str = "spring-festival/2027";
/// Tasks of the 2027 run for the bundled directory: 1 district, 3 streets, 8 communities.
const TASKS_2027: usize = 51;
/// The bundled directory's streets and their communities.
const STREETS: [(&str, &[&str]); 3] = [
    ("jiefang", &["jiefang-1", "jiefang-2", "jiefang-3"]),
    ("renmin", &["renmin-1", "renmin-2", "renmin-3"]),
    ("binhe", &["binhe-1", "binhe-2"]),
];

fn task_id(template: &str, unit: &str) -> String {
    format!("{RUN}/{template}/{unit}")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn parse_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(out), stderr(out)))
}

/// Asserts a failure the way a user should see it: exit `code`, exactly one line on stderr starting
/// with `guiyan: ` and containing every needle, no panic. Returns that line.
fn assert_one_line_failure(out: &Output, code: i32, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr: {err}\nstdout: {}", stdout(out));
    assert!(!err.contains("panicked"), "a panic: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line on stderr, got: {err:?}");
    assert!(lines[0].starts_with("guiyan: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    }
    lines[0].to_string()
}

/// A folder with a copy of `workflows/`, bound to one test database: where guiyan runs.
struct Site<'a> {
    db: &'a TestDb,
    dir: tempfile::TempDir,
    /// `spring-festival.yaml` as copied.
    original: String,
}

impl<'a> Site<'a> {
    fn new(db: &'a TestDb) -> Site<'a> {
        let dir = copy_of_workflows("guiyan-store-");
        let target = dir.path().join("workflows");
        let original = std::fs::read_to_string(target.join("spring-festival.yaml")).expect("read the campaign");
        Site { db, dir, original }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn campaign_file(&self) -> PathBuf {
        self.path().join("workflows/spring-festival.yaml")
    }

    /// Rewrites `workflows/spring-festival.yaml` (of this site) with `edit`.
    fn edit_campaign(&self, edit: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(self.campaign_file()).expect("read the campaign");
        std::fs::write(self.campaign_file(), edit(text)).expect("write the campaign");
    }

    fn restore_campaign(&self) {
        std::fs::write(self.campaign_file(), &self.original).expect("restore the campaign");
    }

    /// `guiyan` in this folder against this database, without flags: no locale (so Chinese), no
    /// `GUIYAN_NOW`, `USER=tester`.
    fn bare(&self) -> Command {
        let mut cmd = Command::new(guiyan_bin());
        cmd.current_dir(self.path())
            .env("GUIYAN_DATABASE_URL", &self.db.url)
            .env("USER", "tester")
            .env_remove("GUIYAN_NOW")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        cmd
    }

    /// `guiyan --lang en --now NOW ARGS` against `url`.
    fn command_with(&self, url: &str, now: &str, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.args(["--lang", "en", "--now", now]).args(args).env("GUIYAN_DATABASE_URL", url);
        cmd
    }

    fn run_with(&self, url: &str, now: &str, args: &[&str]) -> Output {
        self.command_with(url, now, args).output().expect("run guiyan")
    }

    fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.run_with(&self.db.url, now, args)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(REHEARSAL, args)
    }

    /// Starts guiyan without waiting for it, output captured.
    fn spawn(&self, args: &[&str]) -> Child {
        self.command_with(&self.db.url, REHEARSAL, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start guiyan")
    }

    /// Runs, asserts exit 0 with nothing on stderr, returns stdout.
    fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self.run_at(now, args);
        assert_eq!(out.status.code(), Some(0), "guiyan {args:?} failed:\n{}{}", stdout(&out), stderr(&out));
        assert_eq!(stderr(&out), "", "guiyan {args:?} wrote to stderr");
        stdout(&out)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_at(REHEARSAL, args)
    }

    /// `task list --json` at `now`.
    fn tasks_at(&self, now: &str) -> Vec<Value> {
        let out = self.run_at(now, &["task", "list", "--json"]);
        assert_eq!(out.status.code(), Some(0), "task list failed: {}", stderr(&out));
        parse_json(&out).as_array().cloned().expect("task list --json is an array")
    }

    fn tasks(&self) -> Vec<Value> {
        self.tasks_at(REHEARSAL)
    }

    fn task(&self, template: &str, unit: &str) -> Value {
        let id = task_id(template, unit);
        self.tasks().into_iter().find(|t| t["id"] == id.as_str()).unwrap_or_else(|| panic!("no task {id} listed"))
    }

    fn state(&self, template: &str, unit: &str) -> String {
        self.task(template, unit)["state"].as_str().expect("state is a string").to_string()
    }

    fn history(&self, template: &str, unit: &str) -> Vec<Value> {
        let out = self.run(&["task", "history", &task_id(template, unit), "--json"]);
        assert_eq!(out.status.code(), Some(0), "task history failed: {}", stderr(&out));
        parse_json(&out).as_array().cloned().expect("history --json is an array")
    }

    fn status_at(&self, now: &str) -> Vec<Value> {
        let out = self.run_at(now, &["status", "--json"]);
        assert_eq!(out.status.code(), Some(0), "status failed: {}", stderr(&out));
        parse_json(&out)["runs"].as_array().cloned().expect("status --json has an array of runs")
    }

    /// The planned tasks of the 2027 run, from `guiyan plan --json`.
    fn plan_2027(&self) -> Vec<Value> {
        let out = self.run(&["plan", "workflows/spring-festival.yaml", "--year", "2027", "--json"]);
        assert_eq!(out.status.code(), Some(0), "plan failed: {}", stderr(&out));
        let plan = parse_json(&out);
        let run = plan["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["campaign"] == "spring-festival" && r["run"] == "2027")
            .expect("the plan has spring-festival/2027");
        run["tasks"].as_array().cloned().expect("tasks")
    }
}

/// Runs `$body` with `$conn` a fresh sqlx connection (`&mut`) of the right kind for `$db`; the body
/// is the same SQL text on either connection type.
macro_rules! with_conn {
    ($db:expr, |$conn:ident| $body:expr) => {{
        let db: &TestDb = $db;
        block_on(async {
            match db.kind {
                DbKind::Sqlite => {
                    let mut owned = SqliteConnection::connect(&db.url).await.expect("connect to SQLite");
                    let $conn = &mut owned;
                    let out = $body;
                    let _ = owned.close().await;
                    out
                }
                DbKind::Postgres => {
                    let mut owned = PgConnection::connect(&db.url).await.expect("connect to PostgreSQL");
                    let $conn = &mut owned;
                    let out = $body;
                    let _ = owned.close().await;
                    out
                }
            }
        })
    }};
}

/// One integer from a query (`COUNT(*)` and the like).
fn sql_i64(db: &TestDb, sql: &str) -> i64 {
    let sql = sql.to_string();
    with_conn!(db, |conn| sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.clone()))
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}")))
}

/// Runs statements (no result).
fn sql_exec(db: &TestDb, sql: &str) {
    let sql = sql.to_string();
    with_conn!(db, |conn| sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .unwrap_or_else(|e| panic!("{sql}: {e}")))
}

/// Runs a statement on the PostgreSQL server through the admin URL (database `postgres`).
fn pg_admin_exec(sql: &str) {
    let sql = sql.to_string();
    block_on(async {
        let mut conn = PgConnection::connect(&support::postgres_admin_url()).await.expect("connect as admin");
        sqlx::raw_sql(AssertSqlSafe(sql.clone())).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = conn.close().await;
    });
}

/// Row counts of every store table, to show that a failed command wrote nothing.
fn table_counts(db: &TestDb) -> BTreeMap<&'static str, i64> {
    ["definitions", "units", "runs", "tasks", "task_dependencies", "events"]
        .into_iter()
        .map(|table| (table, sql_i64(db, &format!("SELECT COUNT(*) FROM {table}"))))
        .collect()
}

/// Every stored column of every task that a command could change, one string per task.
fn task_rows(db: &TestDb) -> Vec<String> {
    const SQL: &str = "SELECT id, state, starts_at, due_at, COALESCE(next_event_at, -1), updated_at, schedule, \
                       COALESCE(figures, ''), COALESCE(completed_by, ''), COALESCE(note, '') FROM tasks ORDER BY id";
    type Row = (i64, String, i64, i64, i64, i64, String, String, String, String);
    let rows: Vec<Row> =
        with_conn!(db, |conn| sqlx::query_as::<_, Row>(SQL).fetch_all(&mut *conn).await.expect("read tasks"));
    rows.into_iter().map(|r| format!("{r:?}")).collect()
}

/// No two runs with one (campaign, key), no two tasks with one natural key.
fn assert_no_duplicates(db: &TestDb) {
    let runs = sql_i64(
        db,
        "SELECT COUNT(*) FROM (SELECT campaign, key FROM runs GROUP BY campaign, key HAVING COUNT(*) > 1) d",
    );
    let tasks = sql_i64(
        db,
        "SELECT COUNT(*) FROM (SELECT campaign, run_key, template, unit FROM tasks \
         GROUP BY campaign, run_key, template, unit HAVING COUNT(*) > 1) d",
    );
    assert_eq!((runs, tasks), (0, 0), "duplicate runs or tasks");
}

/// After one successful apply of the bundled workflows at REHEARSAL: everything exactly once.
fn assert_applied_once(db: &TestDb) {
    assert_no_duplicates(db);
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM runs"), 1, "one run: spring-festival/2027");
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM tasks"), TASKS_2027 as i64);
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM units"), 12);
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM definitions"), 3, "one version of each bundled campaign");
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM events WHERE kind = 'run-opened'"), 1);
    assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM events WHERE kind = 'task-opened'"), 1, "only the kickoff opens");
}

fn by_id(tasks: &[Value]) -> BTreeMap<String, Value> {
    tasks.iter().map(|t| (t["id"].as_str().expect("id").to_string(), t.clone())).collect()
}

fn lines(text: &[&str]) -> String {
    text.iter().map(|l| format!("{l}\n")).collect()
}

// --- 1. apply: the planned tasks with the planned times; idempotent; dry run ------------------

#[test]
fn apply_creates_the_planned_tasks_once_and_dry_run_writes_nothing() {
    for_each_db(|db| {
        let site = Site::new(db);

        // A dry run on a fresh database shows the new run and writes nothing: on SQLite, not even
        // the file (a mistyped path must not become an empty database).
        let dry = site.ok(&["apply", "--dry-run"]);
        match db.kind {
            DbKind::Sqlite => assert!(!Path::new(&db.name).exists(), "the dry run created {}", db.name),
            // Regression: a dry run on an empty PostgreSQL database used to migrate it.
            DbKind::Postgres => assert_eq!(
                sql_i64(db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"),
                0,
                "the dry run created tables"
            ),
        }
        assert!(dry.starts_with("(dry run: nothing is written)\n"), "{dry}");
        assert!(dry.contains("spring-festival/2027: new run, 51 task(s) created\n"), "{dry}");
        assert!(dry.contains("1 task(s) opened (start reached, dependencies met)\n"), "{dry}");
        assert_eq!(site.tasks(), Vec::<Value>::new());
        assert_eq!(site.status_at(REHEARSAL), Vec::<Value>::new());
        assert_eq!(site.ok(&["status"]), "no runs yet; run guiyan apply first\n");
        assert!(table_counts(db).values().all(|n| *n == 0), "the dry run wrote rows: {:?}", table_counts(db));

        let first = site.ok(&["apply"]);
        assert!(first.contains("recorded spring-festival definition version 1\n"), "{first}");
        assert!(first.contains("directory: 12 unit(s) changed\n"), "{first}");
        assert!(first.contains("spring-festival/2027: new run, 51 task(s) created\n"), "{first}");
        assert!(first.contains("1 task(s) opened (start reached, dependencies met)\n"), "{first}");
        assert_applied_once(db);

        // Every planned task exists with the planned start and due time, in the run's zone.
        let tasks = site.tasks();
        assert_eq!(tasks.len(), TASKS_2027);
        let stored = by_id(&tasks);
        let planned = site.plan_2027();
        assert_eq!(planned.len(), TASKS_2027);
        let planned_ids: BTreeSet<&str> = planned.iter().map(|t| t["id"].as_str().expect("id")).collect();
        let stored_ids: BTreeSet<&str> = stored.keys().map(String::as_str).collect();
        assert_eq!(stored_ids, planned_ids);
        for p in &planned {
            let t = &stored[p["id"].as_str().expect("id")];
            assert_eq!((&t["starts_at"], &t["due_at"]), (&p["starts_at"], &p["due_at"]), "times of {}", p["id"]);
            assert_eq!((&t["template"], &t["unit"]), (&p["template"], &p["unit"]));
            assert_eq!((&t["campaign"], &t["run"]), (&json!("spring-festival"), &json!("2027")));
            // Only the kickoff (no dependencies, start passed) is open; it was due 01-19, so it is late.
            let (state, overdue) = if t["template"] == "kickoff" { ("open", true) } else { ("waiting", false) };
            assert_eq!((&t["state"], &t["overdue"]), (&json!(state), &json!(overdue)), "{}", p["id"]);
            assert_eq!((&t["figures"], &t["completed_by"]), (&Value::Null, &Value::Null));
        }
        let kickoff = &stored[&task_id("kickoff", "district-org")];
        assert_eq!(kickoff["starts_at"], "2027-01-16T09:00:00+08:00");
        assert_eq!(kickoff["due_at"], "2027-01-19T17:30:00+08:00");

        // Applying again changes nothing: same listing, same rows, no new events or versions.
        let (rows, counts) = (task_rows(db), table_counts(db));
        assert_eq!(site.ok(&["apply"]), "nothing to change: the database already matches the definitions\n");
        assert_eq!(
            site.ok(&["apply", "--dry-run"]),
            lines(&[
                "(dry run: nothing is written)",
                "nothing to change: the database already matches the definitions"
            ])
        );
        assert_eq!(site.tasks(), tasks);
        assert_eq!(task_rows(db), rows);
        assert_eq!(table_counts(db), counts);

        // Settings: GUIYAN_NOW stands in for --now, --database-url wins over GUIYAN_DATABASE_URL,
        // and without a locale guiyan speaks Chinese.
        let out = site
            .bare()
            .env("GUIYAN_NOW", REHEARSAL)
            .env("GUIYAN_DATABASE_URL", "sqlite:///nonexistent-dir/x.db")
            .args(["--database-url", &db.url, "apply"])
            .output()
            .expect("run guiyan");
        assert_eq!((stdout(&out), stderr(&out)), ("没有变化：数据库已与定义一致\n".to_string(), String::new()));
        let out = site.bare().env("GUIYAN_NOW", REHEARSAL).args(["task", "list", "--json"]).output().expect("run");
        assert_eq!(parse_json(&out), Value::Array(tasks.clone()));

        // The status agrees: one run, 51 tasks, one of them open.
        let status = site.status_at(REHEARSAL);
        assert_eq!(status.len(), 1);
        assert_eq!((&status[0]["campaign"], &status[0]["run"]), (&json!("spring-festival"), &json!("2027")));
        assert_eq!(status[0]["opens_at"], "2027-01-16T09:00:00+08:00");
        assert_eq!(status[0]["closes_at"], "2027-03-08T17:30:00+08:00");
        let totals = &status[0]["totals"];
        assert_eq!((&totals["total"], &totals["open"], &totals["waiting"]), (&json!(51), &json!(1), &json!(50)));
    });
}

// --- 2. definition edits ----------------------------------------------------------------------

/// Where one task's entry of a campaign file is: from its `  - id: ID` line to the next entry.
fn task_entry(text: &str, id: &str) -> std::ops::Range<usize> {
    let start = text.find(&format!("\n  - id: {id}\n")).unwrap_or_else(|| panic!("the campaign has no task {id}")) + 1;
    let end = text[start..].find("\n  - id: ").unwrap_or_else(|| panic!("task {id} is the last one")) + start + 1;
    start..end
}

/// The edit of the brief: remove `talks`, move `publicity`'s due time a day later (anchor-3d →
/// anchor-2d), add `thanks` (after `inspection`, due at the close).
fn edit_spring_festival(mut text: String) -> String {
    text.replace_range(task_entry(&text, "talks"), "");
    // The work report's layout tells of `talks` too: an edit removing a task edits its report
    // (else validation refuses the file); this one drops the layout, the last block of the file.
    let layout = text.find("\n    sections:\n").expect("the work report has a layout");
    let comment = text[..layout].rfind("\n    # ").filter(|&c| !text[c..layout].contains("\n  - ")).unwrap_or(layout);
    text.truncate(comment + 1);
    let publicity = task_entry(&text, "publicity");
    let entry = &text[publicity.clone()];
    assert!(entry.contains("\n    due: anchor-3d\n"), "publicity's due time changed; update this test:\n{entry}");
    let moved = entry.replacen("\n    due: anchor-3d\n", "\n    due: anchor-2d\n", 1);
    text.replace_range(publicity, &moved);
    let reports = text.find("\nreports:\n").expect("the campaign has reports");
    let thanks = "\n  - id: thanks\n    kind: meeting\n    title: 总结表彰\n    assignee: district-org\n    \
                  after: [inspection]\n    due: close\n";
    text.insert_str(reports, thanks);
    text
}

#[test]
fn a_changed_title_or_figure_label_reaches_the_unfinished_tasks_of_a_run_and_not_the_done_ones() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        let done = task_id("publicity", "jiefang-1");
        site.ok(&["task", "done", &done, "--figure", "banners=2", "--figure", "letters=3", "--by", "王芳"]);
        let old_title = "悬挂横幅、张贴家书,利用LED屏、微信公众号、微信群宣传";
        let new_title = "悬挂横幅、张贴公开信,利用LED屏、微信公众号、微信群宣传";
        site.edit_campaign(|text| {
            assert!(text.contains(old_title) && text.contains("label: 张贴公开信,"), "update this test");
            text.replace(old_title, new_title).replace("label: 张贴公开信,", "label: 张贴致乡贤公开信,")
        });
        let expected = format!(
            "recorded spring-festival definition version 2\n{RUN}:\n  ~ {RUN}/publicity/*  \
             title and figures updated on 7 unfinished task(s)\n"
        );
        let dry = site.ok(&["apply", "--dry-run"]);
        assert_eq!(dry, format!("(dry run: nothing is written)\n{expected}"));
        let label = |label: &str| {
            sql_i64(
                db,
                &format!("SELECT COUNT(*) FROM tasks WHERE template = 'publicity' AND figure_spec LIKE '%{label}%'"),
            )
        };
        assert_eq!(label("张贴致乡贤公开信"), 0, "the dry run wrote");
        assert_eq!(site.ok(&["apply"]), expected);

        let publicity: Vec<Value> = site.tasks().into_iter().filter(|t| t["template"] == "publicity").collect();
        assert_eq!(publicity.len(), 8);
        for t in &publicity {
            let title = if t["id"] == done.as_str() { old_title } else { new_title };
            assert_eq!(t["title"], title, "{}", t["id"]);
        }
        assert_eq!((label("张贴致乡贤公开信"), label("\"张贴公开信\"")), (7, 1));
        assert_eq!(site.ok(&["apply"]), "nothing to change: the database already matches the definitions\n");
    });
}

#[test]
fn an_edit_of_dependencies_alone_reaches_a_run_in_progress_and_opens_what_it_unblocks() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        // Publicity has started but waits for its street's deployment, which is not done.
        assert_eq!(site.task("publicity", "jiefang-1")["state"], "waiting");
        let after = "\n    after: [street-deployment]         # each community waits for its own street office\n";
        site.edit_campaign(|text| {
            let publicity = task_entry(&text, "publicity");
            assert!(text[publicity.clone()].contains(after), "publicity's dependencies changed; update this test");
            let entry = text[publicity.clone()].replacen(after, "\n", 1);
            let mut text = text.clone();
            text.replace_range(publicity, &entry);
            text
        });
        let expected = format!(
            "recorded spring-festival definition version 2\n{RUN}:\n  ~ dependencies changed on 8 task(s)\n\
             8 task(s) opened (start reached, dependencies met)\n"
        );
        assert_eq!(site.ok(&["apply", "--dry-run"]), format!("(dry run: nothing is written)\n{expected}"));
        assert_eq!(site.task("publicity", "jiefang-1")["state"], "waiting", "the dry run wrote");
        assert_eq!(site.ok(&["apply"]), expected);
        let publicity: Vec<Value> = site.tasks().into_iter().filter(|t| t["template"] == "publicity").collect();
        assert_eq!(publicity.len(), 8);
        assert!(publicity.iter().all(|t| t["state"] == "open"), "{publicity:?}");
        let dependencies = "SELECT COUNT(*) FROM task_dependencies d JOIN tasks t ON t.id = d.task_id \
                            WHERE t.template = 'publicity'";
        assert_eq!(sql_i64(db, dependencies), 0);
        assert_eq!(site.ok(&["apply"]), "nothing to change: the database already matches the definitions\n");

        // Back as it was: the dependencies return; tasks already open stay open.
        site.restore_campaign();
        assert_eq!(
            site.ok(&["apply"]),
            format!("recorded spring-festival definition version 3\n{RUN}:\n  ~ dependencies changed on 8 task(s)\n")
        );
        assert_eq!(sql_i64(db, dependencies), 8);
        assert_eq!(site.task("publicity", "jiefang-1")["state"], "open");
    });
}

#[test]
fn definition_edits_change_exactly_the_edited_tasks_and_leave_settled_work_alone() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        // Settle some work first: a done and a waived task of the template about to be removed, a
        // done task whose due time is about to move.
        let talks = task_id("talks", "jiefang");
        site.ok(&["task", "done", &talks, "--figure", "sessions=1", "--figure", "attendees=12", "--by", "王芳"]);
        site.ok(&["task", "waive", &task_id("talks", "renmin"), "--reason", "与区级恳谈会合并"]);
        let publicity = task_id("publicity", "jiefang-1");
        site.ok(&["task", "done", &publicity, "--figure", "banners=2", "--figure", "letters=3", "--by", "王芳"]);
        let before = by_id(&site.tasks());
        let rows_before = task_rows(db);

        site.edit_campaign(edit_spring_festival);
        let moved = ["jiefang-2", "jiefang-3", "renmin-1", "renmin-2", "renmin-3", "binhe-1", "binhe-2"];
        let mut expected = vec!["recorded spring-festival definition version 2".to_string(), format!("{RUN}:")];
        for unit in moved {
            expected.push(format!("  ~ {}  due 2027-02-03 17:30 → 2027-02-04 17:30", task_id("publicity", unit)));
        }
        expected.push(format!("  + {}  created, due 2027-03-08 17:30", task_id("thanks", "district-org")));
        expected.push(format!("  - {}  cancelled", task_id("talks", "binhe")));
        let expected: String = expected.iter().map(|l| format!("{l}\n")).collect();

        let dry = site.ok(&["apply", "--dry-run"]);
        assert_eq!(dry, format!("(dry run: nothing is written)\n{expected}"));
        assert_eq!(task_rows(db), rows_before, "the dry run changed tasks");
        assert_eq!(site.ok(&["apply"]), expected);
        // A report of the run still names the removed template by its title, which only its
        // tasks keep now (the snapshot reads it apart from the tasks' rows).
        let data: Value = serde_json::from_str(&site.ok(&["report", RUN, "--format", "json"])).expect("report json");
        let talks = data["snapshot"]["templates"]
            .as_array()
            .expect("templates")
            .iter()
            .find(|t| t["id"] == "talks")
            .cloned()
            .expect("the removed template is in the snapshot");
        assert_eq!(talks["title"], "举办恳谈会、茶话会");

        let after = by_id(&site.tasks());
        assert_eq!(after.len(), TASKS_2027 + 1);
        for (id, old) in &before {
            let new = &after[id];
            match (old["template"].as_str().expect("template"), old["unit"].as_str().expect("unit")) {
                // Settled work is untouched, whether its template went away or its dates moved.
                ("talks", "jiefang" | "renmin") | ("publicity", "jiefang-1") => assert_eq!(new, old, "{id}"),
                ("talks", "binhe") => {
                    assert_eq!(new["state"], "cancelled", "{id}");
                    assert_eq!(new["due_at"], old["due_at"], "{id}");
                }
                ("publicity", _) => {
                    assert_eq!((&new["state"], &new["starts_at"]), (&old["state"], &old["starts_at"]), "{id}");
                    assert_eq!(new["due_at"], "2027-02-04T17:30:00+08:00", "{id}");
                }
                _ => assert_eq!(new, old, "{id} changed though its template did not"),
            }
        }
        assert_eq!(after[&task_id("talks", "jiefang")]["state"], "done");
        assert_eq!(after[&task_id("talks", "jiefang")]["figures"], json!({"sessions": 1, "attendees": 12}));
        assert_eq!(after[&task_id("talks", "renmin")]["state"], "waived");
        assert_eq!(after[&publicity]["due_at"], "2027-02-03T17:30:00+08:00");
        let thanks = &after[&task_id("thanks", "district-org")];
        assert_eq!((&thanks["state"], &thanks["due_at"]), (&json!("waiting"), &json!("2027-03-08T17:30:00+08:00")));
        assert_eq!(site.ok(&["apply"]), "nothing to change: the database already matches the definitions\n");

        // Putting the definition back restores the cancelled task, moves the dates back and cancels
        // the added task; settled work is still untouched.
        site.restore_campaign();
        let mut back = vec!["recorded spring-festival definition version 3".to_string(), format!("{RUN}:")];
        for unit in moved {
            back.push(format!("  ~ {}  due 2027-02-04 17:30 → 2027-02-03 17:30", task_id("publicity", unit)));
        }
        back.push(format!("  + {}  restored", task_id("talks", "binhe")));
        back.push(format!("  - {}  cancelled", task_id("thanks", "district-org")));
        assert_eq!(site.ok(&["apply"]), back.iter().map(|l| format!("{l}\n")).collect::<String>());
        let restored = by_id(&site.tasks());
        for (id, old) in &before {
            assert_eq!(&restored[id], old, "{id} after the definition was put back");
        }
        assert_eq!(restored[&task_id("thanks", "district-org")]["state"], "cancelled");
        let kinds: Vec<Value> = site.history("talks", "binhe").iter().map(|e| e["kind"].clone()).collect();
        assert_eq!(kinds, [json!("run-opened"), json!("task-cancelled"), json!("task-restored")]);
        assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM runs"), 1);
        assert_no_duplicates(db);
    });
}

/// Moves `publicity`'s due time a day later (anchor-3d → anchor-2d).
fn move_publicity_due(mut text: String) -> String {
    let publicity = task_entry(&text, "publicity");
    let entry = &text[publicity.clone()];
    assert!(entry.contains("\n    due: anchor-3d\n"), "publicity's due time changed; update this test:\n{entry}");
    let moved = entry.replacen("\n    due: anchor-3d\n", "\n    due: anchor-2d\n", 1);
    text.replace_range(publicity, &moved);
    text
}

/// Whether the run holds the hash of the plan its tasks agree with (the apply's shortcut).
fn run_has_plan_hash(db: &TestDb) -> bool {
    sql_i64(db, "SELECT COUNT(*) FROM runs WHERE plan_hash IS NOT NULL") == 1
}

#[test]
fn an_unchanged_plan_is_not_compared_again_and_a_changed_one_always_is() {
    const NOTHING: &str = "nothing to change: the database already matches the definitions\n";
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        assert!(run_has_plan_hash(db), "a new run agrees with its plan");

        // Work done or waived since is no reason to compare, and an apply leaves it as it is.
        let publicity = task_id("publicity", "jiefang-1");
        site.ok(&["task", "done", &publicity, "--figure", "banners=2", "--figure", "letters=3", "--by", "王芳"]);
        site.ok(&["task", "waive", &task_id("talks", "renmin"), "--reason", "与区级恳谈会合并"]);
        let rows = task_rows(db);
        assert_eq!(site.ok(&["apply"]), NOTHING);
        assert_eq!(task_rows(db), rows, "an unchanged apply changed tasks");

        // The same plan is not compared at all: a time changed behind the apply's back stays. Without
        // the hash, the apply compares and puts it back.
        let lectures = "SELECT due_at FROM tasks WHERE template = 'lectures' AND unit = 'binhe-1'";
        let planned_due = sql_i64(db, lectures);
        sql_exec(db, "UPDATE tasks SET due_at = due_at + 3600 WHERE template = 'lectures' AND unit = 'binhe-1'");
        assert_eq!(site.ok(&["apply"]), NOTHING);
        assert_eq!(sql_i64(db, lectures), planned_due + 3600);
        sql_exec(db, "UPDATE runs SET plan_hash = NULL");
        let repaired = site.ok(&["apply"]);
        let expected = format!("{RUN}:\n  ~ {}  due ", task_id("lectures", "binhe-1"));
        assert!(repaired.starts_with(&expected) && repaired.lines().count() == 2, "{repaired}");
        assert_eq!(sql_i64(db, lectures), planned_due);
        assert!(run_has_plan_hash(db));

        // A changed plan is always compared: every moved task that is not settled is rescheduled.
        let rows = task_rows(db);
        site.edit_campaign(move_publicity_due);
        let mut expected = vec!["recorded spring-festival definition version 2".to_string(), format!("{RUN}:")];
        for unit in ["jiefang-2", "jiefang-3", "renmin-1", "renmin-2", "renmin-3", "binhe-1", "binhe-2"] {
            expected.push(format!("  ~ {}  due 2027-02-03 17:30 → 2027-02-04 17:30", task_id("publicity", unit)));
        }
        assert_eq!(site.ok(&["apply"]), lines(&expected.iter().map(String::as_str).collect::<Vec<_>>()));
        let now = task_rows(db);
        assert_eq!(rows.iter().filter(|r| now.contains(r)).count(), rows.len() - 7, "only the moved tasks changed");
        assert_eq!(site.state("publicity", "jiefang-1"), "done");
        assert_eq!(site.task("publicity", "jiefang-1")["due_at"], "2027-02-03T17:30:00+08:00");
        assert_eq!(site.state("talks", "renmin"), "waived");

        // The done task keeps its old due time, so the run no longer agrees with the plan: if it is
        // reopened, the next apply must compare and move it too.
        assert!(!run_has_plan_hash(db), "a settled task disagrees with the plan");
        assert_eq!(site.ok(&["apply"]), NOTHING);
        site.ok(&["task", "reopen", &publicity]);
        assert_eq!(
            site.ok(&["apply"]),
            lines(&[&format!("{RUN}:"), &format!("  ~ {publicity}  due 2027-02-03 17:30 → 2027-02-04 17:30")])
        );
        assert_eq!(site.state("publicity", "jiefang-1"), "open");
        assert!(run_has_plan_hash(db), "every task agrees with the plan again");
        assert_eq!(site.ok(&["apply"]), NOTHING);
    });
}

#[test]
fn campaigns_on_different_directory_files_apply_once_and_roll_up_their_own_units() {
    // A second campaign whose directory has one more community (binhe-3). Both directories are
    // applied into one unit table; neither may undo the other on every apply.
    for_each_db(|db| {
        let site = Site::new(db);
        let folder = site.path().join("workflows");
        let units = std::fs::read_to_string(folder.join("units.yaml")).expect("read units");
        let binhe_2 = units.lines().find(|l| l.contains("id: binhe-2,")).expect("binhe-2 is listed").to_string();
        let binhe_3 =
            binhe_2.replace("binhe-2", "binhe-3").replace("滨河第二社区", "滨河第三社区").replace("bh2@", "bh3@");
        let more = units.replacen(&binhe_2, &format!("{binhe_2}\n{binhe_3}"), 1);
        std::fs::write(folder.join("units-b.yaml"), more).expect("write units-b");
        let b = site.original.replacen("\nid: spring-festival\n", "\nid: spring-festival-b\n", 1);
        let b = b.replacen("\ndirectory: units.yaml", "\ndirectory: units-b.yaml", 1);
        assert!(b.contains("id: spring-festival-b\n") && b.contains("directory: units-b.yaml"), "{b}");
        std::fs::write(folder.join("spring-festival-b.yaml"), b).expect("write the second campaign");

        let first = site.ok(&["apply"]);
        assert!(first.contains("directory: 13 unit(s) changed\n"), "{first}");
        assert!(first.contains("spring-festival/2027: new run, 51 task(s) created\n"), "{first}");
        assert!(first.contains("spring-festival-b/2027: new run, 56 task(s) created\n"), "{first}");
        assert_eq!(site.ok(&["apply"]), "nothing to change: the database already matches the definitions\n");
        for run in site.status_at(REHEARSAL) {
            let district = run["units"].as_array().expect("units").iter().find(|u| u["unit"] == "district-org");
            let district = district.expect("the district is listed");
            assert_eq!(
                district["rolled_up"]["total"], run["totals"]["total"],
                "{}: every task is under the district",
                run["campaign"]
            );
        }
        assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM units"), 13);
    });
}

// --- 3. done, waive, reopen, history; figures checked -----------------------------------------

#[test]
fn completing_tasks_opens_their_dependants_and_figures_are_checked() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        let kickoff = task_id("kickoff", "district-org");
        let work_plan = task_id("work-plan", "district-org");
        assert_eq!(site.state("kickoff", "district-org"), "open");
        assert_eq!(site.state("work-plan", "district-org"), "waiting");

        // A task without figures refuses one; nothing changes.
        let out = site.run(&["task", "done", &kickoff, "--figure", "x=1"]);
        assert_one_line_failure(&out, 1, &["unknown figure `x`", "takes no figures"]);
        assert_eq!(site.state("kickoff", "district-org"), "open");

        // kickoff → work-plan opens; work-plan → the three street deployments open.
        assert_eq!(
            site.ok(&["task", "done", &kickoff, "--by", "李明", "--note", "已召开"]),
            format!("{kickoff} done; 1 dependent task(s) opened\n")
        );
        assert_eq!(site.state("work-plan", "district-org"), "open");
        assert_eq!(site.state("street-deployment", "jiefang"), "waiting");
        assert_eq!(
            site.ok(&["task", "done", &work_plan, "--by", "王芳"]),
            format!("{work_plan} done; 3 dependent task(s) opened\n")
        );
        for (street, _) in STREETS {
            assert_eq!(site.state("street-deployment", street), "open", "{street}");
        }
        let done = site.task("kickoff", "district-org");
        assert_eq!(
            (&done["state"], &done["completed_by"], &done["note"]),
            (&json!("done"), &json!("李明"), &json!("已召开"))
        );

        // Waiving releases dependants too: jiefang's three communities may start publicity.
        let deployment = task_id("street-deployment", "jiefang");
        assert_eq!(
            site.ok(&["task", "waive", &deployment, "--reason", "并入区级推进会"]),
            format!("{deployment} waived; 3 dependent task(s) opened\n")
        );
        let waived = site.task("street-deployment", "jiefang");
        assert_eq!((&waived["state"], &waived["note"]), (&json!("waived"), &json!("并入区级推进会")));
        for unit in ["jiefang-1", "jiefang-2", "jiefang-3"] {
            assert_eq!(site.state("publicity", unit), "open", "{unit}");
        }
        assert_eq!(site.state("publicity", "renmin-1"), "waiting", "renmin's street has not deployed yet");

        // Figures: every bad report is refused with the figure named, and the task is unchanged.
        let publicity = task_id("publicity", "jiefang-1");
        let (task_before, history_before) =
            (site.task("publicity", "jiefang-1"), site.history("publicity", "jiefang-1"));
        let bad: [(&[&str], &[&str]); 6] = [
            (
                &["bogus=1", "banners=1", "letters=2"],
                &["unknown figure `bogus`", "expected one of: banners, letters, posts"],
            ),
            (&["banners=1"], &["missing required figure `letters`"]),
            (&["banners=-1", "letters=2"], &["figure `banners`", "is `-1`", "non-negative whole number"]),
            (&["banners=1.5", "letters=2"], &["figure `banners`", "is `1.5`", "whole number"]),
            (&["banners=abc", "letters=2"], &["figure `banners`", "is `abc`", "whole number"]),
            (&["banners=1", "letters=2", "posts=x"], &["figure `posts`", "is `x`"]),
        ];
        for (figures, needles) in bad {
            let mut args = vec!["task", "done", publicity.as_str(), "--by", "王芳"];
            for f in figures {
                args.extend(["--figure", f]);
            }
            assert_one_line_failure(&site.run(&args), 1, needles);
            assert_eq!(site.task("publicity", "jiefang-1"), task_before, "{figures:?} changed the task");
            assert_eq!(site.history("publicity", "jiefang-1"), history_before, "{figures:?} wrote history");
        }
        let zh = site
            .bare()
            .env("GUIYAN_NOW", REHEARSAL)
            .args(["task", "done", &publicity, "--figure", "banners=x", "--figure", "letters=1"])
            .output()
            .expect("run guiyan");
        assert_one_line_failure(&zh, 1, &["数据项", "`banners`", "`x`"]);
        assert_eq!(site.task("publicity", "jiefang-1"), task_before);
        site.ok(&["task", "done", &publicity, "--figure", "banners=2", "--figure", "letters=3", "--by", "王芳"]);
        let reported = site.task("publicity", "jiefang-1");
        assert_eq!((&reported["state"], &reported["figures"]), (&json!("done"), &json!({"banners": 2, "letters": 3})));

        // Wrong states and unknown tasks: exit 1, one line, nothing changes.
        let rows = task_rows(db);
        assert_one_line_failure(&site.run(&["task", "done", &kickoff]), 1, &["is done", "reopen it first"]);
        assert_one_line_failure(&site.run(&["task", "waive", &kickoff, "--reason", "x"]), 1, &["is done"]);
        let waiting = task_id("publicity", "renmin-1");
        assert_one_line_failure(&site.run(&["task", "reopen", &waiting]), 1, &["is waiting", "done or waived"]);
        let unknown = task_id("publicity", "nowhere-9");
        assert_one_line_failure(
            &site.run(&["task", "done", &unknown]),
            1,
            &["no task `spring-festival/2027/publicity/nowhere-9`"],
        );
        assert_one_line_failure(&site.run(&["task", "history", "not-a-task"]), 1, &["no task `not-a-task`"]);
        assert_eq!(task_rows(db), rows);

        // Reopening clears the report; what was opened by it stays open.
        assert_eq!(site.ok(&["task", "reopen", &publicity]), format!("{publicity} reopened\n"));
        let reopened = site.task("publicity", "jiefang-1");
        assert_eq!(
            (&reopened["state"], &reopened["figures"], &reopened["completed_by"]),
            (&json!("open"), &Value::Null, &Value::Null)
        );
        site.ok(&["task", "reopen", &deployment]);
        assert_eq!(site.state("street-deployment", "jiefang"), "open");
        assert_eq!(site.state("publicity", "jiefang-2"), "open", "what the waiver opened stays open");
        assert_eq!(site.task("street-deployment", "jiefang")["note"], Value::Null);

        // History: who did what, from where, oldest first.
        let history = site.history("work-plan", "district-org");
        let summary: Vec<(Value, Value, Value)> =
            history.iter().map(|e| (e["kind"].clone(), e["actor"].clone(), e["source"].clone())).collect();
        assert_eq!(
            summary,
            [
                (json!("run-opened"), json!("tester"), json!("cli")),
                (json!("task-opened"), json!("李明"), json!("cli")),
                (json!("task-done"), json!("王芳"), json!("cli")),
            ]
        );
        assert_eq!(history[0]["detail"]["tasks"], 51);
        assert!(history.iter().all(|e| e["at"] == REHEARSAL), "times in the run's zone: {history:?}");
        let history = site.history("publicity", "jiefang-1");
        let kinds: Vec<&str> = history.iter().map(|e| e["kind"].as_str().expect("kind")).collect();
        assert_eq!(kinds, ["run-opened", "task-opened", "task-done", "task-reopened"]);
        assert_eq!(history[2]["actor"], "王芳");
        assert_eq!(history[2]["detail"]["figures"], json!({"banners": 2, "letters": 3}));
        assert!(history.iter().all(|e| e["source"] == "cli"), "{history:?}");
        let text = site.ok(&["task", "history", &work_plan]);
        assert!(text.contains("task-done") && text.contains("王芳@cli"), "{text}");

        // Filters of task list.
        // Open: the three street deployments and jiefang's three publicity tasks; all late by LATER.
        let open = site.ok(&["task", "list", "--run", RUN, "--state", "open"]);
        assert!(open.ends_with("\n6 task(s)\n"), "{open}");
        assert_eq!(site.ok(&["task", "list", "--overdue"]), "0 task(s)\n");
        let late = site.ok_at(LATER, &["task", "list", "--overdue"]);
        assert!(late.ends_with("\n6 task(s)\n"), "{late}");
        assert!(late.lines().all(|l| l.starts_with("open!") || l == "6 task(s)"), "{late}");
        assert_eq!(site.ok(&["task", "list", "--unit", "binhe-2"]).lines().count(), 5 + 1);
    });
}

// --- 4. status: counts per template and unit, rolled up the tree -------------------------------

/// Counts by state (and overdue, and due within a day of `now`) of some tasks from `task list
/// --json`, in `status --json`'s form.
fn counts_of<'t>(tasks: impl IntoIterator<Item = &'t Value>, now: &str) -> BTreeMap<String, u64> {
    let now = chrono::DateTime::parse_from_rfc3339(now).expect("now");
    let mut counts: BTreeMap<String, u64> =
        ["waiting", "open", "done", "waived", "cancelled", "overdue", "due_soon", "total"]
            .iter()
            .map(|k| (k.to_string(), 0))
            .collect();
    for t in tasks {
        *counts.get_mut(t["state"].as_str().expect("state")).expect("a known state") += 1;
        if t["state"] != "cancelled" {
            *counts.get_mut("total").expect("total") += 1;
        }
        if t["overdue"] == true {
            *counts.get_mut("overdue").expect("overdue") += 1;
        }
        let due = chrono::DateTime::parse_from_rfc3339(t["due_at"].as_str().expect("due_at")).expect("due_at");
        if t["state"] == "open" && due >= now && due < now + chrono::TimeDelta::days(1) {
            *counts.get_mut("due_soon").expect("due_soon") += 1;
        }
    }
    counts
}

/// The integer counts of a `status --json` counts object, and checks its completion.
fn counts_in(value: &Value) -> BTreeMap<String, u64> {
    let counts: BTreeMap<String, u64> = value
        .as_object()
        .expect("counts object")
        .iter()
        .filter(|(k, _)| *k != "completion")
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or_else(|| panic!("{k} is a count: {value}"))))
        .collect();
    let settled = (counts["done"] + counts["waived"]) as f64;
    match counts["total"] {
        0 => assert_eq!(value["completion"], Value::Null),
        total => {
            let completion = value["completion"].as_f64().expect("completion");
            assert!((completion - settled / total as f64).abs() < 1e-9, "{value}");
        }
    }
    counts
}

/// Sums of reported figures of some (done) tasks, by key.
/// Reported figures summed by `template.key`: figures of different tasks stay apart.
fn figures_of<'t>(tasks: impl IntoIterator<Item = &'t Value>) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    for t in tasks.into_iter().filter(|t| t["state"] == "done") {
        let template = t["template"].as_str().expect("template");
        for (key, value) in t["figures"].as_object().into_iter().flatten() {
            *sums.entry(format!("{template}.{key}")).or_insert(0.0) += value.as_f64().expect("a number");
        }
    }
    sums
}

fn figures_in(value: &Value) -> BTreeMap<String, f64> {
    value.as_object().expect("figures object").iter().map(|(k, v)| (k.clone(), v.as_f64().expect("number"))).collect()
}

#[test]
fn status_counts_by_template_and_unit_and_rolls_up_completion_and_figures() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        for args in [
            vec!["task", "done", "spring-festival/2027/kickoff/district-org"],
            vec!["task", "done", "spring-festival/2027/work-plan/district-org"],
            vec!["task", "done", "spring-festival/2027/street-deployment/jiefang"],
            vec![
                "task",
                "done",
                "spring-festival/2027/talks/jiefang",
                "--figure",
                "sessions=1",
                "--figure",
                "attendees=40",
            ],
            vec![
                "task",
                "done",
                "spring-festival/2027/publicity/jiefang-1",
                "--figure",
                "banners=2",
                "--figure",
                "letters=10",
                "--figure",
                "posts=3",
            ],
            vec![
                "task",
                "done",
                "spring-festival/2027/publicity/jiefang-2",
                "--figure",
                "banners=1",
                "--figure",
                "letters=5",
            ],
            vec![
                "task",
                "done",
                "spring-festival/2027/household-visits/jiefang-3",
                "--figure",
                "visited=7",
                "--figure",
                "phoned=3",
                "--figure",
                "registered=1",
            ],
            vec!["task", "done", "spring-festival/2027/family-visits/renmin-1", "--figure", "families=4"],
            vec!["task", "waive", "spring-festival/2027/lectures/binhe-2", "--reason", "社区合并"],
        ] {
            site.ok(&args);
        }

        for now in [REHEARSAL, LATER] {
            let tasks = site.tasks_at(now);
            let status = site.status_at(now);
            assert_eq!(status.len(), 1);
            let run = &status[0];
            assert_eq!(counts_in(&run["totals"]), counts_of(&tasks, now), "run totals at {now}");

            // Per template, in the order of the definition.
            let templates: Vec<&str> = run["templates"]
                .as_array()
                .expect("templates")
                .iter()
                .map(|t| t["template"].as_str().expect("id"))
                .collect();
            assert_eq!(
                templates,
                [
                    "kickoff",
                    "work-plan",
                    "street-deployment",
                    "publicity",
                    "household-visits",
                    "lectures",
                    "talks",
                    "family-visits",
                    "follow-up",
                    "inspection"
                ]
            );
            for t in run["templates"].as_array().expect("templates") {
                let of_template = tasks.iter().filter(|x| x["template"] == t["template"]);
                assert_eq!(counts_in(&t["counts"]), counts_of(of_template, now), "template {} at {now}", t["template"]);
            }

            // Per unit: own tasks; rolled up = own + every unit below; figures likewise.
            let units: BTreeMap<&str, &Value> = run["units"]
                .as_array()
                .expect("units")
                .iter()
                .map(|u| (u["unit"].as_str().expect("unit"), u))
                .collect();
            assert_eq!(units.len(), 12, "every unit has tasks");
            let own = |unit: &'static str| tasks.iter().filter(move |t| t["unit"] == unit);
            let mut district_figures: BTreeMap<String, f64> = figures_of(own("district-org"));
            for (street, communities) in STREETS {
                let mut street_tasks: Vec<&Value> = own(street).collect();
                for &community in communities {
                    let u = units[community];
                    assert_eq!(counts_in(&u["own"]), counts_of(own(community), now), "{community} own at {now}");
                    assert_eq!(
                        counts_in(&u["rolled_up"]),
                        counts_of(own(community), now),
                        "{community} rolled at {now}"
                    );
                    assert_eq!(figures_in(&u["figures"]), figures_of(own(community)), "{community} figures");
                    street_tasks.extend(own(community));
                }
                let u = units[street];
                assert_eq!(counts_in(&u["own"]), counts_of(own(street), now), "{street} own at {now}");
                assert_eq!(
                    counts_in(&u["rolled_up"]),
                    counts_of(street_tasks.iter().copied(), now),
                    "{street} at {now}"
                );
                assert_eq!(figures_in(&u["figures"]), figures_of(street_tasks.iter().copied()), "{street} figures");
                for (key, value) in figures_of(street_tasks.iter().copied()) {
                    *district_figures.entry(key).or_insert(0.0) += value;
                }
            }
            let district = units["district-org"];
            assert_eq!(counts_in(&district["rolled_up"]), counts_of(&tasks, now), "the district is everything");
            assert_eq!(counts_in(&district["own"]), counts_of(own("district-org"), now));
            assert_eq!(figures_in(&district["figures"]), district_figures);
            assert_eq!(units["jiefang"]["name"], "解放路街道办事处");
            assert_eq!(units["jiefang"]["level"], "street");

            // Run-wide figure totals, labelled, every figure of the definition listed.
            let totals: BTreeMap<String, f64> = run["figures"]
                .as_array()
                .expect("figures")
                .iter()
                .map(|f| {
                    let key =
                        format!("{}.{}", f["template"].as_str().expect("template"), f["key"].as_str().expect("key"));
                    (key, f["total"].as_f64().expect("total"))
                })
                .collect();
            for (key, value) in &district_figures {
                assert_eq!(totals[key.as_str()], *value, "total of {key}");
            }
            assert_eq!(totals.len(), 13, "every figure of every task: {totals:?}");
            assert_eq!(totals["household-visits.visited"], 7.0);
            assert_eq!(totals["family-visits.families"], 4.0);
            assert_eq!(totals["follow-up.willing"], 0.0);

            // Hand-checked numbers, so that the comparisons above cannot agree on nonsense.
            let jiefang = counts_in(&units["jiefang"]["rolled_up"]);
            assert_eq!((jiefang["total"], jiefang["done"], jiefang["open"]), (18, 5, 2), "at {now}");
            assert_eq!(
                figures_in(&units["jiefang"]["figures"]),
                BTreeMap::from([
                    ("talks.attendees".to_string(), 40.0),
                    ("publicity.banners".to_string(), 3.0),
                    ("publicity.letters".to_string(), 15.0),
                    ("household-visits.phoned".to_string(), 3.0),
                    ("publicity.posts".to_string(), 3.0),
                    ("household-visits.registered".to_string(), 1.0),
                    ("talks.sessions".to_string(), 1.0),
                    ("household-visits.visited".to_string(), 7.0),
                ])
            );
            let binhe = counts_in(&units["binhe"]["rolled_up"]);
            assert_eq!((binhe["total"], binhe["waived"]), (13, 1));
            let totals = counts_in(&run["totals"]);
            assert_eq!((totals["total"], totals["done"], totals["waived"]), (51, 8, 1));
            // Late: the renmin and binhe deployments (due 01-24) and publicity at jiefang-3 (02-03).
            let (overdue, renmin_overdue) = if now == LATER { (3, 1) } else { (0, 0) };
            assert_eq!(totals["overdue"], overdue, "overdue at {now}");
            assert_eq!(counts_in(&units["renmin"]["rolled_up"])["overdue"], renmin_overdue, "at {now}");
        }
    });
}

#[test]
fn status_figure_totals_keep_apart_figures_of_different_tasks_sharing_a_key() {
    // `lectures` (讲习活动, per community) and `talks` (恳谈会, per street) both report `sessions`
    // and `attendees`, with different labels.
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        site.ok(&[
            "task",
            "done",
            &task_id("lectures", "jiefang-1"),
            "--figure",
            "sessions=2",
            "--figure",
            "attendees=30",
        ]);
        site.ok(&["task", "done", &task_id("talks", "jiefang"), "--figure", "sessions=1", "--figure", "attendees=40"]);
        let status = site.status_at(REHEARSAL);
        let figures = status[0]["figures"].as_array().expect("figures").clone();
        let labelled = |label: &str| -> Vec<f64> {
            figures.iter().filter(|f| f["label"] == label).map(|f| f["total"].as_f64().expect("total")).collect()
        };
        // Regression: totals were once keyed by figure key alone, so the talks' session was counted
        // under the lectures' label ("讲习活动: 3") and "恳谈会" was not listed at all.
        assert_eq!(labelled("讲习活动"), [2.0], "lectures' sessions: {figures:?}");
        assert_eq!(labelled("恳谈会"), [1.0], "talks' sessions: {figures:?}");
    });
}

// --- 5. concurrent applies ----------------------------------------------------------------------

/// How many applies start at once: four on PostgreSQL; two on SQLite, whose writers queue on the
/// busy timeout.
fn racers(db: &TestDb) -> usize {
    match db.kind {
        DbKind::Postgres => 4,
        DbKind::Sqlite => 2,
    }
}

/// Starts `n` applies at once and waits for all of them.
fn race_applies(site: &Site, n: usize) -> Vec<Output> {
    let children: Vec<Child> = (0..n).map(|_| site.spawn(&["apply"])).collect();
    children.into_iter().map(|c| c.wait_with_output().expect("wait for guiyan")).collect()
}

/// PostgreSQL: every apply succeeds. SQLite: each succeeds or fails cleanly as locked.
fn assert_race_outcome(db: &TestDb, outputs: &[Output]) {
    for out in outputs {
        match (db.kind, out.status.code()) {
            (_, Some(0)) => {}
            (DbKind::Sqlite, Some(2)) => {
                assert_one_line_failure(out, 2, &["locked"]);
            }
            _ => panic!("a concurrent apply failed:\n{}{}", stdout(out), stderr(out)),
        }
    }
    let created = outputs.iter().filter(|o| stdout(o).contains("new run, 51 task(s) created")).count();
    assert_eq!(created, 1, "exactly one apply creates the run");
}

#[test]
fn concurrent_applies_serialize_and_create_every_run_and_task_once() {
    for_each_db(|db| {
        let site = Site::new(db);
        assert!(site.ok(&["db", "migrate"]).starts_with("applied: m0001_initial"));
        let outputs = race_applies(&site, racers(db));
        assert_no_duplicates(db);
        assert_applied_once(db);
        assert_race_outcome(db, &outputs);
        for out in outputs.iter().filter(|o| o.status.success() && !stdout(o).contains("new run")) {
            assert_eq!(stdout(out), "nothing to change: the database already matches the definitions\n");
        }
    });
}

#[test]
fn concurrent_first_applies_on_a_fresh_database_migrate_it_once() {
    for_each_db(|db| {
        let site = Site::new(db);
        let outputs = race_applies(&site, racers(db));
        assert_no_duplicates(db);
        assert_applied_once(db);
        // Regression test for a fixed bug: migrations on open are not serialized. Racing first applies fail with
        // "database error: … duplicate key value violates unique constraint pg_type_typname_nsp_index"
        // or "relation \"definitions\" already exists" (PostgreSQL), "table \"definitions\" already
        // exists" (SQLite), exit 2.
        assert_race_outcome(db, &outputs);
    });
}

// --- 6. databases that cannot be used -------------------------------------------------------------

#[test]
fn databases_that_cannot_be_opened_or_written_fail_in_one_line() {
    for_each_db(|db| {
        let site = Site::new(db);
        match db.kind {
            DbKind::Sqlite => {
                // A folder that does not exist: not created, one line, exit 2.
                let missing = "sqlite:///nonexistent-dir/x.db";
                let out = site.run_with(missing, REHEARSAL, &["apply"]);
                assert_one_line_failure(&out, 2, &["cannot open the database", "/nonexistent-dir/x.db"]);
                assert!(!Path::new("/nonexistent-dir").exists());

                // Read-only. The tests run as root, for whom a chmod 0444 file is still writable
                // (and a read-only bind mount needs privileges a test should not take), so the
                // database is opened read-only through the URL, as SQLite's own `mode=ro`.
                site.ok(&["apply"]);
                let path = db.sqlite_path().expect("SQLite path").display().to_string();
                let read_only = format!("sqlite://{path}?mode=ro");
                let (rows, counts) = (task_rows(db), table_counts(db));
                let kickoff = task_id("kickoff", "district-org");
                let writes: [&[&str]; 2] = [&["task", "done", &kickoff], &["task", "waive", &kickoff, "--reason", "x"]];
                for args in writes {
                    let out = site.run_with(&read_only, REHEARSAL, args);
                    assert_one_line_failure(&out, 2, &["cannot be written", "mode=ro"]);
                }
                site.edit_campaign(edit_spring_festival);
                let out = site.run_with(&read_only, REHEARSAL, &["apply"]);
                assert_one_line_failure(&out, 2, &["cannot be written"]);
                assert_eq!((task_rows(db), table_counts(db)), (rows, counts), "a read-only database was written");
                // Reading still works.
                let out = site.run_with(&read_only, REHEARSAL, &["status", "--json"]);
                assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            }
            DbKind::Postgres => {
                // Nothing listens on port 1; the password never shows. (This waits for the pool's
                // acquire timeout, so it runs in the background while the rest is checked.)
                let started = Instant::now();
                let closed = site
                    .command_with("postgres://guiyan:s3cret@127.0.0.1:1/guiyan", REHEARSAL, &["apply"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start guiyan");

                // A database that does not exist on a server that does.
                let mut url = url::Url::parse(&db.url).expect("URL");
                url.set_path("/guiyan_no_such_database");
                let out = site.run_with(url.as_str(), REHEARSAL, &["status"]);
                assert_one_line_failure(&out, 2, &["cannot open the database", "guiyan_no_such_database"]);

                // Read-only: new sessions of this database are read-only transactions.
                site.ok(&["apply"]);
                let (rows, counts) = (task_rows(db), table_counts(db));
                // (Through the admin database: a read-only session could not turn it off again.)
                pg_admin_exec(&format!("ALTER DATABASE \"{}\" SET default_transaction_read_only = on", db.name));
                let kickoff = task_id("kickoff", "district-org");
                let out = site.run(&["task", "done", &kickoff]);
                assert_one_line_failure(&out, 2, &["cannot be written"]);
                site.edit_campaign(edit_spring_festival);
                assert_one_line_failure(&site.run(&["apply"]), 2, &["cannot be written"]);
                let reads: [&[&str]; 3] = [&["status"], &["task", "list"], &["db", "status"]];
                let reads: Vec<Output> = reads.iter().map(|args| site.run(args)).collect();
                pg_admin_exec(&format!("ALTER DATABASE \"{}\" SET default_transaction_read_only = off", db.name));
                assert_eq!((task_rows(db), table_counts(db)), (rows, counts), "a read-only database was written");

                let out = closed.wait_with_output().expect("wait for guiyan");
                let line = assert_one_line_failure(&out, 2, &["cannot open the database", "127.0.0.1:1"]);
                assert!(!line.contains("s3cret"), "the password is shown: {line}");
                assert!(started.elapsed() < Duration::from_secs(30), "gave up only after {:?}", started.elapsed());

                // Regression test for a fixed bug: reading a read-only PostgreSQL database fails too: every command
                // opens the store through the migrator, which runs `CREATE TABLE IF NOT EXISTS
                // seaql_migrations` ("cannot execute CREATE TABLE in a read-only transaction"),
                // even `db status`. (SQLite opened with mode=ro reads fine, above.)
                for out in &reads {
                    assert_eq!(out.status.code(), Some(0), "reading a read-only database: {}", stderr(out));
                }
            }
        }
    });
}

#[test]
fn a_dry_run_on_a_database_whose_schema_is_behind_migrates_nothing() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        // As if the newest migration had not run yet (its tables stay: the dry run must not look).
        let migrations = <migrations::Migrator as migrations::MigratorTrait>::migrations();
        let newest = migrations.last().expect("migrations").name().to_string();
        sql_exec(db, &format!("DELETE FROM seaql_migrations WHERE version = '{newest}'"));
        let (rows, counts) = (task_rows(db), table_counts(db));
        let out = site.run(&["apply", "--dry-run"]);
        assert_one_line_failure(&out, 2, &["lacks 1 migration(s)", &newest, "guiyan db migrate"]);
        assert_eq!((task_rows(db), table_counts(db)), (rows, counts), "something was written");
        assert_eq!(sql_i64(db, &format!("SELECT COUNT(*) FROM seaql_migrations WHERE version = '{newest}'")), 0);
        // Without --lang en the message is in Chinese.
        let out = site.bare().args(["--now", REHEARSAL, "apply", "--dry-run"]).output().expect("run guiyan");
        assert_one_line_failure(&out, 2, &["尚缺本程序的 1 个结构迁移", "guiyan db migrate"]);
    });
}

#[test]
fn a_schema_newer_than_the_binary_is_refused_by_every_command() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        sql_exec(db, "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_future', 0)");
        let (rows, counts) = (task_rows(db), table_counts(db));
        let kickoff = task_id("kickoff", "district-org");
        let commands: [&[&str]; 8] = [
            &["apply"],
            &["apply", "--dry-run"],
            &["status", "--json"],
            &["task", "list"],
            &["task", "done", &kickoff],
            &["task", "history", &kickoff],
            &["db", "migrate"],
            &["db", "status"],
        ];
        for args in commands {
            let out = site.run(args);
            assert_one_line_failure(
                &out,
                2,
                &["schema version m9999_future", "newer than this guiyan", "upgrade guiyan"],
            );
        }
        assert_eq!((task_rows(db), table_counts(db)), (rows, counts), "something was written");
        let known = <migrations::Migrator as migrations::MigratorTrait>::migrations().len() as i64;
        assert_eq!(sql_i64(db, "SELECT COUNT(*) FROM seaql_migrations"), known + 1, "the migration table is untouched");
    });
}

#[test]
fn a_locked_database_fails_cleanly_on_sqlite_and_waits_on_postgres() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["db", "migrate"]);
        match db.kind {
            DbKind::Sqlite => {
                // Another process holds the write lock for longer than the busy timeout (5 s).
                let (out, elapsed, listed) = block_on(async {
                    let mut holder = SqliteConnection::connect(&db.url).await.expect("connect");
                    sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut holder).await.expect("take the write lock");
                    let started = Instant::now();
                    let out = site.run(&["apply"]);
                    let elapsed = started.elapsed();
                    // Readers are not blocked (WAL).
                    let listed = site.run(&["task", "list"]);
                    sqlx::raw_sql("ROLLBACK").execute(&mut holder).await.expect("release");
                    let _ = holder.close().await;
                    (out, elapsed, listed)
                });
                // The holder is this test process; the message names it.
                let holder = format!("is locked by process {} (busy", std::process::id());
                assert_one_line_failure(&out, 2, &[holder.as_str(), "try again"]);
                assert!(elapsed >= Duration::from_secs(4), "gave up after {elapsed:?}, before the busy timeout");
                assert!(elapsed < Duration::from_secs(15), "waited {elapsed:?}");
                assert_eq!((listed.status.code(), stdout(&listed)), (Some(0), "0 task(s)\n".to_string()));
            }
            DbKind::Postgres => {
                // Another transaction holds a lock that apply's writes need: apply waits, writes
                // nothing visible meanwhile, and finishes once the lock is released.
                let (out, seen_while_waiting) = block_on(async {
                    let mut holder = PgConnection::connect(&db.url).await.expect("connect");
                    sqlx::raw_sql("BEGIN; LOCK TABLE tasks IN EXCLUSIVE MODE")
                        .execute(&mut holder)
                        .await
                        .expect("lock");
                    let child = site.spawn(&["apply"]);
                    wait_for_lock_waiters(db, 1).await;
                    let mut observer = PgConnection::connect(&db.url).await.expect("connect");
                    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM definitions")
                        .fetch_one(&mut observer)
                        .await
                        .expect("count");
                    let _ = observer.close().await;
                    sqlx::raw_sql("COMMIT").execute(&mut holder).await.expect("release");
                    let _ = holder.close().await;
                    (child.wait_with_output().expect("wait for guiyan"), seen)
                });
                assert_eq!(seen_while_waiting, 0, "a waiting apply's writes are visible");
                assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            }
        }
        // Nothing was half-written: the next apply (or the waiting one) did everything once.
        if db.kind == DbKind::Sqlite {
            assert!(table_counts(db).values().all(|n| *n == 0), "{:?}", table_counts(db));
            site.ok(&["apply"]);
        }
        assert_applied_once(db);
    });
}

/// Waits until `n` sessions of `db` (PostgreSQL) wait for a lock; panics after 20 s.
async fn wait_for_lock_waiters(db: &TestDb, n: i64) {
    let mut conn = PgConnection::connect(&db.url).await.expect("connect");
    let started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND backend_type = 'client backend' AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut conn)
        .await
        .expect("read pg_stat_activity");
        if waiting >= n {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{waiting} of {n} sessions waiting for a lock");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = conn.close().await;
}

/// A trigger that fails every insert into `table`, to break a command half-way through.
fn break_inserts_into(db: &TestDb, table: &str) {
    match db.kind {
        DbKind::Sqlite => sql_exec(
            db,
            &format!(
                "CREATE TRIGGER broken_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            ),
        ),
        DbKind::Postgres => sql_exec(
            db,
            &format!(
                "CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; \
                 CREATE TRIGGER broken_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION injected_failure()"
            ),
        ),
    }
}

fn repair_inserts_into(db: &TestDb, table: &str) {
    match db.kind {
        DbKind::Sqlite => sql_exec(db, &format!("DROP TRIGGER broken_{table}")),
        DbKind::Postgres => sql_exec(db, &format!("DROP TRIGGER broken_{table} ON {table}")),
    }
}

#[test]
fn a_command_failing_half_way_writes_nothing() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["db", "migrate"]);
        // apply fails at its first task, after definitions, units and the run were inserted.
        break_inserts_into(db, "tasks");
        assert_one_line_failure(&site.run(&["apply"]), 2, &["injected failure"]);
        assert!(table_counts(db).values().all(|n| *n == 0), "half-written: {:?}", table_counts(db));
        repair_inserts_into(db, "tasks");
        site.ok(&["apply"]);
        assert_applied_once(db);

        // task done fails at its event, after the task was updated.
        let (rows, counts) = (task_rows(db), table_counts(db));
        break_inserts_into(db, "events");
        let kickoff = task_id("kickoff", "district-org");
        assert_one_line_failure(&site.run(&["task", "done", &kickoff, "--by", "李明"]), 2, &["injected failure"]);
        site.edit_campaign(edit_spring_festival);
        assert_one_line_failure(&site.run(&["apply"]), 2, &["injected failure"]);
        assert_eq!((task_rows(db), table_counts(db)), (rows, counts), "half-written");
        repair_inserts_into(db, "events");
        site.ok(&["task", "done", &kickoff, "--by", "李明"]);
        assert_eq!(site.state("work-plan", "district-org"), "open");
    });
}

// --- concurrent task operations -------------------------------------------------------------------

/// Holds what a writer of one task needs (SQLite: the write lock; PostgreSQL: the task's row) while
/// guiyan runs each of `commands`, started one after the other once the previous one is blocked on
/// it (PostgreSQL: seen waiting in `pg_stat_activity`, so they queue in this order; SQLite: after a
/// pause); then releases it and returns their outputs.
fn while_task_is_held(site: &Site, template: &str, unit: &str, commands: &[&[&str]]) -> Vec<Output> {
    let db = site.db;
    block_on(async {
        let mut children = Vec::new();
        match db.kind {
            DbKind::Sqlite => {
                let mut holder = SqliteConnection::connect(&db.url).await.expect("connect");
                sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut holder).await.expect("take the write lock");
                for args in commands {
                    children.push(site.spawn(args));
                    tokio::time::sleep(Duration::from_millis(400)).await;
                }
                sqlx::raw_sql("ROLLBACK").execute(&mut holder).await.expect("release");
                let _ = holder.close().await;
            }
            DbKind::Postgres => {
                let mut holder = PgConnection::connect(&db.url).await.expect("connect");
                let lock =
                    format!("BEGIN; SELECT id FROM tasks WHERE template = '{template}' AND unit = '{unit}' FOR UPDATE");
                sqlx::raw_sql(AssertSqlSafe(lock)).execute(&mut holder).await.expect("lock the row");
                for (n, args) in commands.iter().enumerate() {
                    children.push(site.spawn(args));
                    wait_for_lock_waiters(db, n as i64 + 1).await;
                }
                sqlx::raw_sql("COMMIT").execute(&mut holder).await.expect("release");
                let _ = holder.close().await;
            }
        }
        children.into_iter().map(|c| c.wait_with_output().expect("wait for guiyan")).collect()
    })
}

#[test]
fn two_concurrent_completions_of_one_task_complete_it_once() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        let kickoff = task_id("kickoff", "district-org");
        let outputs = while_task_is_held(
            &site,
            "kickoff",
            "district-org",
            &[&["task", "done", &kickoff, "--by", "first"], &["task", "done", &kickoff, "--by", "second"]],
        );
        let succeeded = outputs.iter().filter(|o| o.status.success()).count();
        let done_events = sql_i64(db, "SELECT COUNT(*) FROM events WHERE kind = 'task-done'");
        // Regression test for a fixed bug: on PostgreSQL both processes read the task as open (READ COMMITTED, no row
        // lock and no state condition on the UPDATE), so both "complete" it: two task-done events,
        // the second overwrites the first's figures, note and completed_by.
        assert_eq!((succeeded, done_events), (1, 1), "outputs: {outputs:?}");
        let loser = outputs.iter().find(|o| !o.status.success()).expect("one refused");
        assert_one_line_failure(loser, 1, &["is done"]);
    });
}

#[test]
fn an_apply_racing_a_completion_leaves_the_completed_task_alone() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok(&["apply"]);
        // publicity/jiefang-2 is completed while an apply that moves publicity's due time runs.
        site.edit_campaign(edit_spring_festival);
        let task = task_id("publicity", "jiefang-2");
        let done: &[&str] = &["task", "done", &task, "--figure", "banners=1", "--figure", "letters=1", "--by", "王芳"];
        let outputs = while_task_is_held(&site, "publicity", "jiefang-2", &[done, &["apply"]]);
        for out in &outputs {
            assert_eq!(out.status.code(), Some(0), "{}{}", stdout(out), stderr(out));
        }
        let after = site.task("publicity", "jiefang-2");
        // Regression test for a fixed bug: on PostgreSQL the apply read the task as waiting before the completion
        // committed, then rescheduled it with that stale state: the done task is "waiting" again,
        // with its figures and completed_by still set.
        assert_eq!(
            (&after["state"], &after["figures"]),
            (&json!("done"), &json!({"banners": 1, "letters": 1})),
            "{after}"
        );
    });
}

// --- 7. the due-work query uses its index ---------------------------------------------------------

/// A directory of one district, 40 streets and 2000 communities: about 10 000 tasks a run.
fn large_directory() -> String {
    let mut text = String::from(
        "levels: [district, street, community]\nunits:\n  - id: district-org\n    name: 区委组织部\n    \
         level: district\n    email: zzb@example.gov.cn\n    children:\n",
    );
    for s in 0..40 {
        text.push_str(&format!(
            "      - id: s{s}\n        name: 街道{s}\n        level: street\n        email: s{s}@example.gov.cn\n        children:\n"
        ));
        for c in 0..50 {
            text.push_str(&format!(
                "          - {{ id: s{s}-c{c}, name: 社区{s}-{c}, level: community, email: s{s}c{c}@example.gov.cn }}\n"
            ));
        }
    }
    text.push_str("groups:\n  leadership:\n    - { name: 区委书记, email: shuji@example.gov.cn }\n");
    text
}

#[test]
fn the_due_work_query_reads_the_next_event_index() {
    for_each_db(|db| {
        let site = Site::new(db);
        let large = site.path().join("large");
        std::fs::create_dir(&large).expect("mkdir");
        std::fs::copy(site.campaign_file(), large.join("spring-festival.yaml")).expect("copy the campaign");
        std::fs::write(large.join("units.yaml"), large_directory()).expect("write the directory");
        let out = site.ok(&["apply", "large"]);
        assert!(out.contains("spring-festival/2027: new run, 10122 task(s) created"), "{out}");
        // The apply handled everything due at the rehearsal time, and tasks waiting for others are
        // not due until those settle: make the waiting ones due at their start, as after a season
        // of completions.
        sql_exec(db, "UPDATE tasks SET next_event_at = starts_at WHERE state = 'waiting'");
        if db.kind == DbKind::Postgres {
            sql_exec(db, "ANALYZE");
        }
        let now = chrono::DateTime::parse_from_rfc3339(REHEARSAL).expect("time").with_timezone(&chrono::Utc)
            + chrono::TimeDelta::days(7);
        let (plan, due) = block_on(async {
            let store = store::Store::open(&db.url).await.expect("open the store");
            let plan = store::explain_due_tasks(&store, now).await.expect("explain");
            let due = store::due_tasks(&store, now, 100).await.expect("due tasks");
            (plan, due)
        });
        let text = plan.join("\n");
        match db.kind {
            DbKind::Sqlite => {
                assert!(
                    text.contains("USING COVERING INDEX tasks_next_event_at")
                        || text.contains("USING INDEX tasks_next_event_at"),
                    "{text}"
                );
                assert!(text.contains("SEARCH tasks"), "a range search, not a scan: {text}");
                assert!(!text.contains("TEMP B-TREE"), "the index gives the order: {text}");
            }
            DbKind::Postgres => {
                assert!(
                    [
                        "Index Scan using tasks_next_event_at",
                        "Index Only Scan using tasks_next_event_at",
                        "Bitmap Index Scan on tasks_next_event_at"
                    ]
                    .iter()
                    .any(|node| text.contains(node)),
                    "{text}"
                );
                assert!(!text.contains("Seq Scan"), "{text}");
            }
        }
        // And it finds due work, earliest first, none of it in the future.
        assert_eq!(due.len(), 100);
        assert!(due.windows(2).all(|w| w[0].1 <= w[1].1), "not in order: {due:?}");
        assert!(due.iter().all(|(_, at)| *at <= now.timestamp()), "{due:?}");
    });
}

/// Composes every pending notice group with a renderer whose bytes name the mail's key.
async fn compose_all(store: &store::Store, now: chrono::DateTime<chrono::Utc>) -> usize {
    let groups = store::pending_groups(store, 1000).await.expect("pending groups");
    let mut composed = 0;
    for group in &groups {
        let render = |data: &store::DigestData| {
            Ok::<_, std::convert::Infallible>(store::ComposedMail {
                message_id: format!("<{}@test>", data.key),
                to_address: "unit@example.org".into(),
                envelope_from: "guiyan@example.org".into(),
                subject: data.key.clone(),
                raw: format!("body of {}", data.key).into_bytes(),
            })
        };
        if let Some(Ok(_)) = store::compose(store, group, now, render).await.expect("compose") {
            composed += 1;
        }
    }
    composed
}

#[test]
fn mails_are_claimed_once_with_their_bytes_and_only_their_worker_records_them() {
    for_each_db(|db| {
        let site = Site::new(db);
        // Three weeks in: many units have work (at the opening, only the district would).
        site.ok_at(LATER, &["apply"]);
        block_on(async {
            let store = store::Store::open(&db.url).await.expect("open");
            let now = chrono::DateTime::parse_from_rfc3339(LATER).expect("time").to_utc();
            let composed = compose_all(&store, now).await;
            assert!(composed >= 2, "a run opened late composes several mails, got {composed}");

            // Two workers take disjoint claims, each mail with exactly the bytes composed for it.
            let a = store::claim_mails(&store, now, 1, "a", 60).await.expect("claim a");
            let b = store::claim_mails(&store, now, 1000, "b", 60).await.expect("claim b");
            assert_eq!((a.len(), a.len() + b.len()), (1, composed));
            for mail in a.iter().chain(&b) {
                assert_eq!(String::from_utf8_lossy(&mail.raw), format!("body of {}", mail.key));
                // Claimed once, not yet tried.
                assert_eq!((mail.claims, mail.attempts, mail.resumed), (1, 0, false), "{}", mail.key);
            }
            let keys: BTreeSet<&str> = a.iter().chain(&b).map(|m| m.key.as_str()).collect();
            assert_eq!(keys.len(), composed, "a mail claimed twice");
            assert!(store::claim_mails(&store, now, 1000, "c", 60).await.expect("claim c").is_empty());

            // Only the claiming worker records a delivery.
            let ids = |mails: &[store::ClaimedMail]| mails.iter().map(|m| m.id).collect::<Vec<_>>();
            assert_eq!(store::mark_sent_many(&store, &ids(&b), "a", now).await.expect("mark"), 0);
            assert_eq!(store::mark_sent_many(&store, &ids(&a), "a", now).await.expect("mark"), 1);

            // A lease that runs out makes the mail due again, marked resumed, with the same bytes;
            // the worker that lost it can no longer record it.
            let later = now + chrono::TimeDelta::seconds(61);
            let c = store::claim_mails(&store, later, 1000, "c", 60).await.expect("claim c");
            assert_eq!(ids(&c), ids(&b));
            for (mail, before) in c.iter().zip(&b) {
                // A claim cut short is no SMTP try: attempts stay where they were.
                assert_eq!(
                    (mail.claims, mail.attempts, mail.resumed, &mail.raw),
                    (2, 0, true, &before.raw),
                    "{}",
                    mail.key
                );
            }
            assert_eq!(store::mark_sent_many(&store, &ids(&b), "b", later).await.expect("mark"), 0);
            assert_eq!(store::mark_sent_many(&store, &ids(&c), "c", later).await.expect("mark"), c.len() as u64);
            let (counts, _) = store::mail_counts(&store).await.expect("counts");
            assert_eq!(counts.get("sent").copied(), Some(composed as u64), "{counts:?}");
            let much_later = later + chrono::TimeDelta::days(1);
            assert!(store::claim_mails(&store, much_later, 1000, "d", 60).await.expect("claim d").is_empty());
        });
    });
}

//! The engine's test site: a folder with a copy of `workflows/` bound to one test database (and
//! optionally the SMTP test server), where the real `guiyan` binary runs — once, or as a
//! background `guiyan run` ([`EngineProcess`]) — with helpers to read its mails and logs. Shared by
//! the engine tests and the fault tests.

#![allow(dead_code)] // each test file uses a different part of the site

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::smtp::{Received, SmtpServer};
use super::{Disk, TestDb, copy_of_workflows, guiyan_bin};

pub const RUN: &str = "spring-festival/2027";
/// The campaign's name as mail subjects show it, with the run.
pub const CAMPAIGN_IN_SUBJECT: &str = "春节期间乡土人才联络和回归工作（2027）";
/// The banner's last line: the engine has applied the definitions and serves.
pub const READY_LINE: &str = "Press Ctrl-C to stop.";
/// How long anything awaited may take before a test gives up (a slow machine, not a slow engine).
pub const PATIENCE: Duration = Duration::from_secs(90);
/// How long SIGTERM may take to stop an engine.
pub const STOP_LIMIT: Duration = Duration::from_secs(5);

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Polls `probe` every 50 ms until it gives a value; panics after `limit` naming `what` and the
/// last state `probe` described.
pub fn wait_for<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let started = Instant::now();
    loop {
        match probe() {
            Ok(value) => return value,
            Err(state) if started.elapsed() > limit => panic!("gave up after {limit:?} waiting for {what}; {state}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// A unit of the directory as the mails must address it.
#[derive(Clone, Debug)]
pub struct UnitInfo {
    pub name: String,
    pub email: String,
    pub parent: Option<String>,
}

/// A row of `guiyan mail list --json`.
#[derive(Clone, Debug)]
pub struct MailRow {
    pub id: i64,
    pub key: String,
    pub message_id: String,
    /// The kind of its first section, which names it.
    pub kind: String,
    /// Every section's kind, most pressing first.
    pub kinds: Vec<String>,
    pub recipient: String,
    pub to: String,
    pub subject: String,
    pub tasks: usize,
    pub state: String,
    pub attempts: i64,
    pub claims: i64,
    pub last_error: Option<String>,
}

impl MailRow {
    pub fn from_json(v: &Value) -> MailRow {
        let text = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("mail {k} is not a string: {v}")).to_string();
        let int = |k: &str| v[k].as_i64().unwrap_or_else(|| panic!("mail {k} is not an integer: {v}"));
        MailRow {
            id: int("id"),
            key: text("key"),
            message_id: text("message_id"),
            kind: text("kind"),
            kinds: v["kinds"]
                .as_array()
                .unwrap_or_else(|| panic!("mail kinds is not a list: {v}"))
                .iter()
                .map(|k| k.as_str().expect("a kind").to_string())
                .collect(),
            recipient: text("recipient"),
            to: text("to"),
            subject: text("subject"),
            tasks: usize::try_from(int("tasks")).expect("task count"),
            state: text("state"),
            attempts: int("attempts"),
            claims: int("claims"),
            last_error: v["last_error"].as_str().map(str::to_string),
        }
    }
}

/// A folder with a copy of `workflows/`, bound to one test database and optionally an SMTP server:
/// where guiyan runs.
pub struct Site<'a> {
    pub db: &'a TestDb,
    pub dir: tempfile::TempDir,
    /// Settings given to every command (GUIYAN_SMTP_URL, retry times, …).
    pub env: Vec<(String, String)>,
    /// Engines started so far, to name their output files.
    pub spawned: Cell<usize>,
}

impl<'a> Site<'a> {
    pub fn new(db: &'a TestDb) -> Site<'a> {
        let dir = copy_of_workflows("guiyan-engine-");
        // Any free port: tests start several engines, each serving the web.
        let env = vec![("GUIYAN_LISTEN".to_string(), "127.0.0.1:0".to_string())];
        Site { db, dir, env, spawned: Cell::new(0) }
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Site<'a> {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn with_smtp(self, smtp: &SmtpServer) -> Site<'a> {
        self.with_env("GUIYAN_SMTP_URL", &smtp.url())
    }

    /// Replaces `workflows/units.yaml` with a larger directory: `streets` street offices of
    /// `communities` communities each under the district (the bundled one has 3 streets, 8
    /// communities), so that one moment gives dozens of mails.
    pub fn with_directory(self, streets: usize, communities: usize) -> Site<'a> {
        let mut yaml = String::from(
            "levels: [district, street, community]\nunits:\n  - id: district-org\n    name: 示例区委组织部\n    \
             level: district\n    email: zzb@shili.example.gov.cn\n    children:\n",
        );
        for s in 1..=streets {
            yaml.push_str(&format!(
                "      - id: street-{s}\n        name: 第{s}街道办事处\n        level: street\n        \
                 email: s{s}@shili.example.gov.cn\n        children:\n"
            ));
            for c in 1..=communities {
                yaml.push_str(&format!(
                    "          - {{ id: street-{s}-c{c}, name: 第{s}街道第{c}社区, level: community, \
                     email: s{s}c{c}@shili.example.gov.cn }}\n"
                ));
            }
        }
        yaml.push_str("groups:\n  leadership:\n    - { name: 区委书记, email: shuji@shili.example.gov.cn }\n");
        std::fs::write(self.path().join("workflows/units.yaml"), yaml).expect("write units.yaml");
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `guiyan registry import` of the sheet `csv` into `unit`'s book at `now`; asserts exit 0.
    pub fn import_sheet(&self, now: &str, unit: &str, csv: &str) {
        let sheet = self.path().join("台账.csv");
        std::fs::write(&sheet, csv).expect("write the sheet");
        let out = self
            .command(now, &["registry", "import", &sheet.to_string_lossy(), "--unit", unit])
            .stdin(Stdio::null())
            .output()
            .expect("import");
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    }

    /// `guiyan [--lang LANG] --now NOW ARGS` in this folder against this database, with this
    /// site's settings and nothing from the caller's environment (no GUIYAN_*, locale, RUST_LOG).
    pub fn command_lang(&self, lang: Option<&str>, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(guiyan_bin());
        cmd.current_dir(self.path());
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("GUIYAN_") || ["RUST_LOG", "LANG", "LC_ALL", "LC_MESSAGES"].contains(&key.as_ref()) {
                cmd.env_remove(key.as_ref());
            }
        }
        cmd.env("GUIYAN_DATABASE_URL", &self.db.url).env("USER", "tester");
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        if let Some(lang) = lang {
            cmd.args(["--lang", lang]);
        }
        cmd.args(["--now", now]).args(args);
        cmd
    }

    pub fn command(&self, now: &str, args: &[&str]) -> Command {
        self.command_lang(Some("en"), now, args)
    }

    pub fn run(&self, now: &str, args: &[&str]) -> Output {
        self.command(now, args).stdin(Stdio::null()).output().expect("run guiyan")
    }

    /// Runs, asserts exit 0, returns stdout.
    pub fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert_eq!(out.status.code(), Some(0), "guiyan {args:?} at {now} failed:\n{}{}", stdout(&out), stderr(&out));
        stdout(&out)
    }

    /// `guiyan run --once` at `now`: asserts exit 0 and no failed or deferred mail; the summary.
    pub fn run_once(&self, now: &str) -> String {
        let summary = self.ok(now, &["run", "--once"]);
        assert!(summary.contains("deferred 0, failed 0"), "run --once at {now}: {summary}");
        summary
    }

    /// Starts `guiyan run --log-format json` at `now`, stdout and stderr into files of this site.
    pub fn spawn_engine(&self, now: &str) -> EngineProcess {
        self.spawn_engine_lang(Some("en"), now)
    }

    pub fn spawn_engine_lang(&self, lang: Option<&str>, now: &str) -> EngineProcess {
        let n = self.spawned.get() + 1;
        self.spawned.set(n);
        let out = self.path().join(format!("engine-{n}.stdout"));
        let err = self.path().join(format!("engine-{n}.stderr"));
        let child = self
            .command_lang(lang, now, &["run", "--log-format", "json"])
            .stdin(Stdio::null())
            .stdout(File::create(&out).expect("create the engine's stdout file"))
            .stderr(File::create(&err).expect("create the engine's stderr file"))
            .spawn()
            .expect("start guiyan run");
        EngineProcess { child, out, err, name: format!("engine #{n} (at {now})"), exited: None }
    }

    /// `guiyan mail list --json`, every mail, oldest first.
    pub fn mails(&self) -> Vec<MailRow> {
        self.mails_where(&[])
    }

    pub fn mails_where(&self, filter: &[&str]) -> Vec<MailRow> {
        let mut args = vec!["mail", "list", "--json", "--limit", "100000"];
        args.extend_from_slice(filter);
        let json = parse_json(&self.ok("2027-01-01T00:00:00+08:00", &args));
        let mut rows: Vec<MailRow> =
            json["mails"].as_array().expect("mail list --json has mails").iter().map(MailRow::from_json).collect();
        rows.sort_by_key(|m| m.id);
        rows
    }

    /// The `mail` object of `guiyan status --json`.
    pub fn mail_status(&self) -> Value {
        parse_json(&self.ok("2027-01-01T00:00:00+08:00", &["status", "--json"]))["mail"].clone()
    }

    /// The units of this site's directory, by id.
    pub fn directory(&self) -> BTreeMap<String, UnitInfo> {
        let (workflows, diagnostics) = campaign::load(&[self.path().join("workflows/units.yaml")], &Disk);
        assert!(diagnostics.is_empty(), "units.yaml is invalid: {diagnostics:?}");
        let directory = workflows.directories.values().next().expect("units.yaml is a directory");
        directory
            .units
            .iter()
            .map(|u| {
                let parent = u.parent.map(|p| directory.units[p].id.clone());
                (u.id.clone(), UnitInfo { name: u.name.clone(), email: u.email.clone(), parent })
            })
            .collect()
    }

    /// The SQLite file's engine lock, free (true) or held by a process (false).
    pub fn sqlite_lock_is_free(&self) -> bool {
        let path = format!("{}.engine-lock", self.db.name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        match file.try_lock() {
            Ok(()) => {
                file.unlock().expect("unlock");
                true
            }
            Err(std::fs::TryLockError::WouldBlock) => false,
            Err(std::fs::TryLockError::Error(e)) => panic!("try_lock {path}: {e}"),
        }
    }
}

/// A `guiyan run` started in the background; SIGKILLed on drop if still running.
pub struct EngineProcess {
    pub child: Child,
    pub out: PathBuf,
    pub err: PathBuf,
    pub name: String,
    pub exited: Option<ExitStatus>,
}

impl EngineProcess {
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// The JSON log lines written so far (a line cut off by SIGKILL is skipped).
    pub fn logs(&self) -> Vec<Value> {
        self.stderr().lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }

    /// The keys of the mails this process logged as sent, with their `resumed` flag.
    pub fn sent(&self) -> Vec<(String, bool)> {
        self.logs()
            .iter()
            .filter(|l| l["message"] == "mail sent")
            .map(|l| {
                let key = l["key"].as_str().unwrap_or_else(|| panic!("mail sent without key: {l}")).to_string();
                (key, l["resumed"].as_bool().unwrap_or_else(|| panic!("mail sent without resumed: {l}")))
            })
            .collect()
    }

    pub fn status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().expect("try_wait");
        }
        self.exited
    }

    pub fn is_running(&mut self) -> bool {
        self.status().is_none()
    }

    pub fn describe(&self) -> String {
        format!("{}: exit {:?}\n--- stdout\n{}--- stderr\n{}", self.name, self.exited, self.stdout(), self.stderr())
    }

    /// Waits for the banner's last line; panics if the process ends first.
    pub fn wait_ready(&mut self) {
        wait_for(&format!("{} to print its banner", self.name), PATIENCE, || {
            if self.stdout().contains(READY_LINE) {
                Ok(())
            } else if !self.is_running() {
                panic!("{} ended before serving:\n{}", self.name, self.describe());
            } else {
                Err(String::new())
            }
        });
    }

    /// Waits for the process to end by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.status() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("{} did not end within {limit:?}:\n{}", self.name, self.describe());
    }

    /// SIGTERM, then waits up to [`STOP_LIMIT`] for the exit.
    pub fn terminate(&mut self) -> ExitStatus {
        assert!(self.is_running(), "{} ended before SIGTERM:\n{}", self.name, self.describe());
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        self.wait_exit(STOP_LIMIT)
    }

    /// SIGKILL, then reaps the process.
    pub fn kill(&mut self) {
        if self.is_running() {
            self.child.kill().expect("SIGKILL");
        }
        self.exited = Some(self.child.wait().expect("wait"));
    }
}

impl Drop for EngineProcess {
    fn drop(&mut self) {
        if self.exited.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The task ids a mail's text lists (`任务编号：ID` lines).
pub fn listed_tasks(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.trim().strip_prefix("任务编号：")).map(|id| id.trim().to_string()).collect()
}

/// The subject marker of each kind of mail, from the zh-CN templates.
pub fn subject_marker(kind: &str) -> &'static str {
    match kind {
        "assigned" => "【工作任务通知】",
        "reminder" => "【到期提醒】",
        "overdue" => "【逾期提醒】",
        "escalation" => "【督办】",
        "run-opened" => "【工作启动】",
        "run-closed" => "【工作结束】",
        "run-missed" => "【工作未启动】",
        other => panic!("unknown mail kind {other}"),
    }
}

/// Whether `ancestor` is above `unit` in the directory.
pub fn is_above(units: &BTreeMap<String, UnitInfo>, ancestor: &str, unit: &str) -> bool {
    let mut at = units.get(unit).and_then(|u| u.parent.clone());
    while let Some(id) = at {
        if id == ancestor {
            return true;
        }
        at = units.get(&id).and_then(|u| u.parent.clone());
    }
    false
}

/// The delivered messages by key; panics if a key or a Message-ID arrived twice.
pub fn exactly_once(received: &[Received]) -> BTreeMap<String, Received> {
    let mut by_key = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for r in received {
        assert!(ids.insert(r.message_id.clone()), "Message-ID {} delivered twice ({})", r.message_id, r.key);
        assert!(by_key.insert(r.key.clone(), r.clone()).is_none(), "{} delivered twice", r.key);
    }
    by_key
}

/// Asserts that the server holds exactly the database's mails, each once, as stored: same key,
/// Message-ID, subject and recipient.
pub fn assert_delivered_exactly_once(mails: &[MailRow], received: &[Received]) {
    let by_key = exactly_once(received);
    let stored: BTreeSet<&str> = mails.iter().map(|m| m.key.as_str()).collect();
    let delivered: BTreeSet<&str> = by_key.keys().map(String::as_str).collect();
    assert_eq!(delivered, stored, "the server's mails are not the database's");
    for m in mails {
        assert_eq!(m.state, "sent", "{m:?}");
        let r = &by_key[&m.key];
        assert_eq!((&r.message_id, &r.subject, &r.to), (&m.message_id, &m.subject, &m.to), "{}", m.key);
        assert_eq!(r.delivered_to, vec![m.to.clone()], "envelope recipient of {}", m.key);
    }
}

/// How a unit reports `task` done, from the last mail that told it: the `报送方式：` line of the
/// text part (`guiyan task done ID --figure k=<数值> …`), with a number for every value.
pub fn report_command(received: &[Received], task: &str) -> Vec<String> {
    let prefix = format!("guiyan task done {task}");
    let line = received
        .iter()
        .rev()
        .flat_map(|r| r.text.lines())
        .filter_map(|l| l.trim().strip_prefix("报送方式："))
        .find(|l| *l == prefix || l.starts_with(&format!("{prefix} ")))
        .unwrap_or_else(|| panic!("no delivered mail says how to report {task}"));
    let mut words: Vec<String> = line.split_whitespace().map(|w| w.replace("<数值>", "3")).collect();
    assert_eq!(words.first().map(String::as_str), Some("guiyan"), "{line}");
    words.remove(0);
    words
}

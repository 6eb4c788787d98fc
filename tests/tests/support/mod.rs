//! The store test harness: a fresh SQLite file and a fresh PostgreSQL database for every test, so
//! each store test runs against both and never skips one.
//!
//! ```ignore
//! mod support;
//! use support::{DbKind, block_on, databases, for_each_db};
//!
//! #[test]
//! fn applies_a_campaign() {
//!     for_each_db(|db| {
//!         // db.kind is DbKind::Sqlite or DbKind::Postgres; db.url is its URL.
//!         let out = Command::new(guiyan).env("GUIYAN_DATABASE_URL", &db.url).output().unwrap();
//!         block_on(async { /* sqlx or sea-orm against &db.url */ });
//!     });
//! }
//! ```
//!
//! PostgreSQL comes from `GUIYAN_TEST_POSTGRES_URL`, the URL of a role that may `CREATE DATABASE`;
//! `scripts/test` sets it (see `scripts/postgres.sh`). Unset or unreachable, [`databases`] panics:
//! a store test must never pass without having run on PostgreSQL.
//!
//! The SMTP test server the engine tests deliver to (`tests/support/smtp_server.py`) is [`smtp`];
//! real-browser tests (Chromium over WebDriver, phone and desktop, screenshots) use [`browser`].

#![allow(dead_code)] // each test file uses a different part of the harness

pub mod browser;
pub mod http;
pub mod portal;
pub mod serve;
pub mod site;
pub mod smtp;

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use tempfile::TempDir;

/// The variable holding the admin URL of the PostgreSQL server the tests use.
pub const POSTGRES_URL_VAR: &str = "GUIYAN_TEST_POSTGRES_URL";

/// How long to wait for the PostgreSQL server before calling it unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database a [`TestDb`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

impl fmt::Display for DbKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fresh, empty database for one test. Dropping it drops the PostgreSQL database (even with
/// connections still open) or removes the SQLite file's folder.
#[derive(Debug)]
pub struct TestDb {
    pub kind: DbKind,
    /// `sqlite:///tmp/.../guiyan.db?mode=rwc` or `postgres://user@host:port/guiyan_t_...`; give it to
    /// the binary as `GUIYAN_DATABASE_URL` or to sea-orm / sqlx.
    pub url: String,
    /// The PostgreSQL database's name, or the SQLite file's path.
    pub name: String,
    /// SQLite: the folder holding the file, removed on drop.
    dir: Option<TempDir>,
    /// PostgreSQL: the admin URL to drop the database through.
    admin_url: Option<String>,
}

impl TestDb {
    /// A fresh SQLite file (not created until first connected to, `mode=rwc`) in its own temp dir.
    pub fn sqlite() -> TestDb {
        TestDb::sqlite_in(&std::env::temp_dir())
    }

    /// A fresh SQLite file in its own folder under `parent` (a file system the test mounted).
    pub fn sqlite_in(parent: &Path) -> TestDb {
        let dir = tempfile::Builder::new().prefix("guiyan-t-").tempdir_in(parent).expect("create a folder for SQLite");
        let path_str = dir.path().join("guiyan.db").to_str().expect("temp dir path is UTF-8").to_string();
        TestDb {
            kind: DbKind::Sqlite,
            url: format!("sqlite://{path_str}?mode=rwc"),
            name: path_str,
            dir: Some(dir),
            admin_url: None,
        }
    }

    /// A fresh PostgreSQL database `guiyan_t_<random>` on the server of `GUIYAN_TEST_POSTGRES_URL`.
    /// Panics, saying to run `scripts/test`, if that is unset or unreachable.
    pub fn postgres() -> TestDb {
        let admin = postgres_admin_url();
        let name = random_database_name();
        let sql = format!("CREATE DATABASE \"{name}\"");
        let created = block_on(async {
            let mut conn = admin_connect(&admin).await?;
            let result = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
            let _ = conn.close().await;
            result.map_err(|e| format!("cannot create database {name}: {e}"))
        });
        if let Err(e) = created {
            panic!("{POSTGRES_URL_VAR}={}: {e}\n{HOW_TO}", redacted(&admin));
        }
        let mut url = url::Url::parse(&admin).expect("admin URL parsed when connecting");
        url.set_path(&format!("/{name}"));
        TestDb { kind: DbKind::Postgres, url: url.into(), name, dir: None, admin_url: Some(admin) }
    }

    /// The SQLite file's path (it may not exist yet).
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.dir.as_ref().map(|_| Path::new(&self.name))
    }

    /// The SQLite file's folder, removed when this is dropped.
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().to_path_buf())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Best effort and never a panic (a panic while unwinding would abort the test binary).
        if let Some(admin) = &self.admin_url {
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
            let dropped = block_on(async {
                let mut conn = admin_connect(admin).await?;
                let result = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
                let _ = conn.close().await;
                result.map_err(|e| e.to_string())
            });
            if let Err(e) = dropped {
                eprintln!("warning: could not drop test database {}: {e}", self.name);
            }
        }
        // The TempDir field removes the SQLite folder when dropped after this.
    }
}

/// A fresh SQLite database and a fresh PostgreSQL database, in that order.
///
/// Panics if `GUIYAN_TEST_POSTGRES_URL` is unset or its server unreachable: run `scripts/test`, or
/// `export GUIYAN_TEST_POSTGRES_URL="$(scripts/postgres.sh)"` before `cargo test`.
pub fn databases() -> Vec<TestDb> {
    vec![TestDb::sqlite(), TestDb::postgres()]
}

/// Runs `f` on each of [`databases`], all of them even if one fails, then panics naming the kinds
/// that failed and their messages.
pub fn for_each_db(f: impl Fn(&TestDb)) {
    let mut failures = Vec::new();
    for db in databases() {
        eprintln!("-- for_each_db: running on {} ({})", db.kind, redacted(&db.url));
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(&db))) {
            failures.push(format!("[{}] {}", db.kind, panic_message(panic.as_ref())));
        }
    }
    if !failures.is_empty() {
        panic!("failed on {} of 2 databases:\n{}", failures.len(), failures.join("\n"));
    }
}

/// Runs a future to completion on a fresh current-thread tokio runtime in a scoped thread, so it
/// works from a plain `#[test]` and from inside `#[tokio::test]` alike.
pub fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a tokio runtime")
                    .block_on(future)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// `GUIYAN_TEST_POSTGRES_URL`; panics, saying to run `scripts/test`, if unset.
pub fn postgres_admin_url() -> String {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{POSTGRES_URL_VAR} is not set: store tests run on PostgreSQL as well as SQLite and are never \
             skipped.\n{HOW_TO}"
        ),
    }
}

/// Whether a database of this name exists on the server of `GUIYAN_TEST_POSTGRES_URL`.
pub fn postgres_database_exists(name: &str) -> bool {
    let admin = postgres_admin_url();
    let found = block_on(async {
        let mut conn = admin_connect(&admin).await?;
        let found: Result<bool, String> =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(name)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| e.to_string());
        let _ = conn.close().await;
        found
    });
    found.unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={}: {e}\n{HOW_TO}", redacted(&admin)))
}

const HOW_TO: &str = "Run `scripts/test` (it starts or finds a PostgreSQL server), or \
                      `export GUIYAN_TEST_POSTGRES_URL=\"$(scripts/postgres.sh)\"` and then `cargo test`.";

/// Connects to the admin URL, or says why the server is unreachable.
async fn admin_connect(admin: &str) -> Result<PgConnection, String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(admin)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(format!("unreachable: {e}")),
        Err(_) => Err(format!("unreachable: no answer in {CONNECT_TIMEOUT:?}")),
    }
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.into()
        }
        _ => url.to_string(),
    }
}

/// `guiyan_t_` and 16 random hex digits (std's per-process random hasher keys, a per-call counter).
fn random_database_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("guiyan_t_{:016x}", hasher.finish())
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic)".to_string()
    }
}

/// The repository's root folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch folder (named `prefix…`) holding `workflows/` with a copy of each file of the bundled
/// `workflows/`, for a test to run guiyan in and edit freely.
pub fn copy_of_workflows(prefix: &str) -> TempDir {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().expect("tempdir");
    let target = dir.path().join("workflows");
    std::fs::create_dir(&target).expect("create workflows/");
    for entry in std::fs::read_dir(repo().join("workflows")).expect("read workflows/") {
        let entry = entry.expect("workflows/ entry");
        if entry.path().is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy a workflows file");
        }
    }
    dir
}

/// The disk, as `campaign::load` reads it.
pub struct Disk;

impl campaign::Files for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, campaign::ReadProblem> {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => campaign::ReadProblem::NotFound,
            _ => campaign::ReadProblem::Other(e.to_string()),
        })
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// The `guiyan` binary of this build profile, built once per test process (a no-op when it is up
/// to date; needed when this package is tested alone, since `cargo test -p guiyan-tests` does not
/// build other packages' binaries).
pub fn guiyan_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", "guiyan", "--bin", "guiyan"]).current_dir(repo());
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        if let Some(target) = profile_dir.parent() {
            build.env("CARGO_TARGET_DIR", target);
        }
        // Cargo runs a test with its package's variables set (CARGO_PKG_NAME, CARGO_MANIFEST_DIR, …).
        // Some build scripts (ring's, under sea-orm's TLS) rerun when those change, so a build that
        // inherited them would rebuild ring and everything above it, and the next ordinary build
        // would rebuild it all again: minutes each time.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let package_var = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_"]
                .iter()
                .any(|prefix| key.starts_with(prefix));
            if package_var || key == "OUT_DIR" {
                build.env_remove(key.as_ref());
            }
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "building guiyan failed");
        profile_dir.join("guiyan")
    })
}

/// A valid ID number from its first 17 characters (the check character computed): the registry
/// tests' people.
pub fn id_number(first_17: &str) -> String {
    format!("{first_17}{}", talent::check_character(first_17).expect("17 digits"))
}

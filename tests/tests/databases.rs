//! The store test harness itself (`support`): both databases are real, fresh, distinct, writable,
//! and gone after the test; a missing or unreachable PostgreSQL fails loudly instead of skipping.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::Mutex;

use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row};
use support::{DbKind, POSTGRES_URL_VAR, TestDb, block_on, databases, for_each_db, postgres_database_exists};

/// Creates a table, inserts two rows and reads them back (a macro: the same SQL on either
/// connection type); evaluates to the names read.
macro_rules! round_trip {
    ($conn:expr) => {{
        let conn = $conn;
        sqlx::raw_sql("CREATE TABLE task (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::raw_sql("INSERT INTO task (id, name) VALUES (1, '春节联络'), (2, 'mid-autumn')")
            .execute(&mut *conn)
            .await
            .unwrap();
        let rows = sqlx::query("SELECT name FROM task ORDER BY id").fetch_all(&mut *conn).await.unwrap();
        rows.iter().map(|row| row.get::<String, _>(0)).collect::<Vec<_>>()
    }};
}

/// The names of the tables in a database (SQLite: all; PostgreSQL: schema `public`).
fn tables(db: &TestDb) -> Vec<String> {
    block_on(async {
        match db.kind {
            DbKind::Sqlite => {
                let mut conn = SqliteConnection::connect(&db.url).await.expect("connect to SQLite");
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .fetch_all(&mut conn)
                    .await
                    .expect("list SQLite tables")
            }
            DbKind::Postgres => {
                let mut conn = PgConnection::connect(&db.url).await.expect("connect to PostgreSQL");
                sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                    .fetch_all(&mut conn)
                    .await
                    .expect("list PostgreSQL tables")
            }
        }
    })
}

#[test]
fn both_databases_are_fresh_reachable_and_writable() {
    let kinds = Mutex::new(Vec::new());
    for_each_db(|db| {
        kinds.lock().unwrap().push(db.kind);
        assert_eq!(tables(db), Vec::<String>::new(), "a fresh database has no tables");
        let names = block_on(async {
            match db.kind {
                DbKind::Sqlite => {
                    let mut conn = SqliteConnection::connect(&db.url).await.unwrap();
                    round_trip!(&mut conn)
                }
                DbKind::Postgres => {
                    let mut conn = PgConnection::connect(&db.url).await.unwrap();
                    let current: String =
                        sqlx::query_scalar("SELECT current_database()::text").fetch_one(&mut conn).await.unwrap();
                    assert_eq!(current, db.name, "the URL points at the test's own database");
                    round_trip!(&mut conn)
                }
            }
        });
        assert_eq!(names, ["春节联络", "mid-autumn"]);
        assert_eq!(tables(db), ["task"], "the write is visible to a new connection");
        if db.kind == DbKind::Sqlite {
            assert!(db.sqlite_path().unwrap().is_file(), "the SQLite file lives at {}", db.name);
        }
    });
    assert_eq!(*kinds.lock().unwrap(), [DbKind::Sqlite, DbKind::Postgres]);
}

#[test]
fn each_call_gives_distinct_databases() {
    let first = databases();
    let second = databases();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.kind, b.kind);
        assert_ne!(a.url, b.url);
        assert_ne!(a.name, b.name);
    }
    let (pg_a, pg_b) = (&first[1], &second[1]);
    assert_eq!((pg_a.kind, pg_b.kind), (DbKind::Postgres, DbKind::Postgres));
    assert!(pg_a.name.starts_with("guiyan_t_"), "{}", pg_a.name);
    assert!(postgres_database_exists(&pg_a.name) && postgres_database_exists(&pg_b.name));
    // A table made in one is not in the other.
    block_on(async {
        let mut conn = PgConnection::connect(&pg_a.url).await.unwrap();
        sqlx::raw_sql("CREATE TABLE only_in_a (id INTEGER)").execute(&mut conn).await.unwrap();
    });
    assert_eq!(tables(pg_a), ["only_in_a"]);
    assert_eq!(tables(pg_b), Vec::<String>::new());
}

#[test]
fn a_dropped_test_db_is_gone_even_with_open_connections() {
    let [sqlite, postgres]: [TestDb; 2] = databases().try_into().unwrap();
    let (name, dir) = (postgres.name.clone(), sqlite.sqlite_dir().unwrap());
    assert_eq!(tables(&sqlite), Vec::<String>::new()); // creates the file
    assert!(dir.join("guiyan.db").is_file());
    assert!(postgres_database_exists(&name));

    // A connection left open (as a pool in a failed test would) must not keep the database alive.
    let url = postgres.url.clone();
    let (opened_tx, opened_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        block_on(async move {
            let conn = PgConnection::connect(&url).await.unwrap();
            opened_tx.send(()).unwrap();
            let _ = release_rx.recv();
            drop(conn);
        })
    });
    opened_rx.recv().unwrap();

    drop(postgres);
    drop(sqlite);
    release_tx.send(()).unwrap();
    holder.join().unwrap();

    assert!(!postgres_database_exists(&name), "database {name} still exists after drop");
    assert!(!dir.exists(), "{} still exists after drop", dir.display());
}

#[test]
fn for_each_db_runs_both_and_names_the_failing_kind() {
    let ran = Mutex::new(Vec::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        for_each_db(|db| {
            ran.lock().unwrap().push(db.kind);
            assert!(db.kind != DbKind::Sqlite, "deliberate failure");
        })
    }));
    let panic = result.expect_err("for_each_db must panic when one database fails");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("[sqlite] deliberate failure"), "{message}");
    assert!(!message.contains("[postgres]"), "{message}");
    assert_eq!(*ran.lock().unwrap(), [DbKind::Sqlite, DbKind::Postgres], "a failure on one still runs the other");
}

/// Set in the child process of the tests below; the child calls `databases()` and must panic.
const CHILD: &str = "GUIYAN_TEST_HARNESS_CHILD";

/// Runs `databases()` in a child copy of this test binary with `GUIYAN_TEST_POSTGRES_URL` as given.
fn databases_in_child(test: &str, postgres_url: Option<&str>) -> (bool, String) {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command.args(["--exact", test, "--nocapture", "--test-threads=1"]).env(CHILD, "1");
    match postgres_url {
        Some(url) => command.env(POSTGRES_URL_VAR, url),
        None => command.env_remove(POSTGRES_URL_VAR),
    };
    let out = command.output().expect("run this test binary as a child");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn databases_panics_without_a_postgres_url() {
    if std::env::var_os(CHILD).is_some() {
        databases();
        return;
    }
    let (ok, output) = databases_in_child("databases_panics_without_a_postgres_url", None);
    assert!(!ok, "databases() must fail, not skip, without {POSTGRES_URL_VAR}:\n{output}");
    assert!(output.contains("GUIYAN_TEST_POSTGRES_URL is not set"), "{output}");
    assert!(output.contains("scripts/test"), "{output}");
}

#[test]
fn databases_panics_when_postgres_is_unreachable() {
    if std::env::var_os(CHILD).is_some() {
        databases();
        return;
    }
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let (ok, output) = databases_in_child(
        "databases_panics_when_postgres_is_unreachable",
        Some("postgres://postgres:secret@127.0.0.1:1/postgres"),
    );
    assert!(!ok, "databases() must fail, not skip, when PostgreSQL is unreachable:\n{output}");
    assert!(output.contains("unreachable"), "{output}");
    assert!(output.contains("scripts/test"), "{output}");
    assert!(!output.contains("secret"), "the password is redacted:\n{output}");
}

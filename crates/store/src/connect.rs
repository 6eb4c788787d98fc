//! Opening a database: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL, then migrating;
//! read-only where the file cannot be written; closing it with the WAL checkpointed.

use std::sync::Arc;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgTransactionManager;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous, SqliteTransactionManager};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use sqlx_core::transaction::TransactionManager;

use crate::error::{StoreError, redact};

/// How long SQLite waits for another writer before reporting the database as locked.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The embedded default.
pub const DEFAULT_URL: &str = "sqlite://guiyan.db?mode=rwc";

/// An open database.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    pub(crate) url: String,
    /// SQLite: this process's outbox writes take turns here (see [`Store::sqlite_write_turn`]).
    outbox_writes: Arc<tokio::sync::Mutex<()>>,
    /// Opened read-only: an SQLite file that cannot be written.
    read_only: bool,
}

/// How a database is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// SQLite, read-only; `immutable` when no write-ahead log is there to read.
    ReadOnly {
        immutable: bool,
    },
}

/// One migration and whether it is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// Accepts `sqlite://path`, `sqlite:path`, a bare file path, or `postgres://…`.
pub fn normalize_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return url.to_string();
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.contains("mode=") {
        format!("sqlite://{path}")
    } else if path.contains('?') {
        format!("sqlite://{path}&mode=rwc")
    } else {
        format!("sqlite://{path}?mode=rwc")
    }
}

/// The URL of an SQLite file opened read-only (`mode=ro`, and `immutable=1` if asked).
fn read_only_url(url: &str, immutable: bool) -> String {
    let path = sqlite_file(url).map(|p| p.display().to_string()).unwrap_or_default();
    if immutable { format!("sqlite://{path}?mode=ro&immutable=1") } else { format!("sqlite://{path}?mode=ro") }
}

/// The write-ahead log beside an SQLite file: `guiyan.db-wal`.
pub(crate) fn wal_file(database: &std::path::Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    std::path::PathBuf::from(name)
}

/// The database file of an SQLite URL (`None` for PostgreSQL or an in-memory database).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let url = normalize_url(url);
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

impl Store {
    /// The database file, for SQLite (`None` for PostgreSQL or an in-memory database).
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        sqlite_file(&self.url)
    }

    /// Connects without touching the schema.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, Access::ReadWrite).await
    }

    async fn connect_with(url: &str, access: Access) -> Result<Store, StoreError> {
        let url = match access {
            Access::ReadWrite => normalize_url(url),
            Access::ReadOnly { immutable } => read_only_url(url, immutable),
        };
        if let Some(address) = postgres_address(&url) {
            // The pool would retry an unreachable server until its acquire timeout and then say
            // only "pool timed out": try the address once, briefly, and say why it failed.
            probe(&address).await.map_err(|detail| StoreError::Open { url: redact(&url), detail })?;
        }
        let mut options = ConnectOptions::new(url.clone());
        let writable = access == Access::ReadWrite;
        options
            .sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(10))
            .map_sqlx_sqlite_opts(move |o| {
                let o = o.synchronous(SqliteSynchronous::Normal).busy_timeout(BUSY_TIMEOUT).foreign_keys(true);
                // Setting the journal mode writes; a read-only file keeps the one it has (WAL).
                if writable { o.journal_mode(SqliteJournalMode::Wal) } else { o }
            })
            // A connection goes back to the pool only outside any transaction. When a write fails
            // (a full disk), SQLite may roll the transaction back by itself; sqlx, not knowing, still
            // counts one open, fails to roll it back, and would later nest the next transaction in
            // a SAVEPOINT whose `ROLLBACK TO` leaves the transaction, and its write lock, open for
            // good: every later write, from any connection, then waits for this process itself. A
            // connection sqlx believes to be in a transaction is closed instead of reused.
            .map_sqlx_sqlite_pool_opts(|o| {
                o.after_release(|conn, _| {
                    Box::pin(async move {
                        // The rollback of a failed transaction is queued behind this ping.
                        sqlx_core::connection::Connection::ping(conn).await?;
                        Ok(SqliteTransactionManager::get_transaction_depth(conn) == 0)
                    })
                })
            })
            .map_sqlx_postgres_pool_opts(|o| {
                o.after_release(|conn, _| {
                    Box::pin(async move { Ok(PgTransactionManager::get_transaction_depth(conn) == 0) })
                })
            });
        if url.starts_with("sqlite:") {
            // One writer at a time is SQLite's model; a small pool keeps readers concurrent.
            options.max_connections(4);
        }
        let db = Database::connect(options).await.map_err(|e| match StoreError::from_db(&url, e) {
            StoreError::Database(detail) => StoreError::Open { url: redact(&url), detail: first_line(&detail) },
            other => other,
        })?;
        // Touch the file so that an unwritable or locked database is reported now, in one line.
        db.execute_unprepared("SELECT 1").await.map_err(|e| StoreError::from_db(&url, e))?;
        Ok(Store { db, url, outbox_writes: Arc::default(), read_only: !writable })
    }

    /// Opens a database only to read it (`status`, `mail list`, `task list`): as [`Store::open`]
    /// does, or, where an SQLite file cannot be written (a read-only file or file system, a
    /// backup on a read-only medium), read-only without migrating: a schema older than this
    /// guiyan is then refused, since it cannot be brought up to date.
    pub async fn open_to_read(url: &str) -> Result<Store, StoreError> {
        let writable = Store::open(url).await;
        let Some(file) = sqlite_file(url) else { return writable };
        match writable {
            Err(StoreError::ReadOnly { .. } | StoreError::Open { .. } | StoreError::Database(_)) if file.is_file() => {
                // Without a write-ahead log to read, the file is all there is: SQLite may read it as
                // immutable, needing no shared-memory file beside it (it could not create one).
                let immutable = !wal_file(&file).is_file();
                let store = Store::connect_with(url, Access::ReadOnly { immutable }).await?;
                store.check_not_newer(&store.db).await?;
                let pending = Migrator::get_pending_migrations_read_only(&store.db)
                    .await
                    .map_err(|e| StoreError::from_db(&store.url, e))?;
                if let Some(first) = pending.first() {
                    return Err(StoreError::ReadOnly {
                        url: redact(&store.url),
                        detail: format!(
                            "it lacks {} migration(s) of this guiyan (first: {}) and cannot be migrated",
                            pending.len(),
                            first.name()
                        ),
                    });
                }
                Ok(store)
            }
            other => other,
        }
    }

    /// On SQLite, folds the write-ahead log into the database file and empties it, once the log
    /// has grown past `limit` bytes; returns whether it did. SQLite's own checkpoints never shrink
    /// the log, and cannot finish while readers come and go (a dashboard, a polling script): the
    /// log would then hold every page twice, which on a nearly full disk is the difference
    /// between recovering and not. Waits for readers at most the busy timeout.
    pub async fn checkpoint_if_larger_than(&self, limit: u64) -> Result<bool, StoreError> {
        let Some(file) = self.sqlite_path() else { return Ok(false) };
        if self.read_only || std::fs::metadata(wal_file(&file)).map_or(0, |m| m.len()) <= limit {
            return Ok(false);
        }
        let _turn = self.sqlite_write_turn().await;
        self.db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map_err(|e| StoreError::from_db(&self.url, e))?;
        Ok(true)
    }

    /// Whether this store was opened read-only ([`Store::open_to_read`] on an unwritable file).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Closes every connection. On SQLite the write-ahead log is first folded into the database
    /// file (a checkpoint), so that the `.db` file alone holds everything: a copy of it is whole.
    /// Best effort: a database that cannot be written keeps its log, which SQLite reads next time.
    pub async fn close(&self) {
        if self.backend() == DbBackend::Sqlite && !self.read_only {
            let _ = self.db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await;
        }
        let _ = self.db.close_by_ref().await;
    }

    /// Connects and brings the schema up to date (migrations run automatically on start). A database
    /// whose schema is current is only read, so a read-only database or role works.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.check_not_newer(&store.db).await?;
        let pending = Migrator::get_pending_migrations_read_only(&store.db)
            .await
            .map_err(|e| StoreError::from_db(&store.url, e))?;
        if !pending.is_empty() {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// On SQLite, waits for this process's turn to write the outbox; `None` (no waiting) on
    /// PostgreSQL, where row locks let writers work side by side.
    ///
    /// SQLite lets one connection write at a time and makes the others retry from its busy
    /// handler, which sleeps 1, 2, 5, 10 … ms between tries: longer than a claim or a record takes.
    /// The engine claims the next mails while it records the last outcomes, so on the pool's
    /// separate connections the two would mostly sleep on each other (the delivery bench lost a
    /// third of its rate to it). Taking turns on an async lock wakes the next writer as soon as
    /// the last one is done. Other processes still meet the busy handler.
    pub(crate) async fn sqlite_write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend() {
            DbBackend::Sqlite => Some(self.outbox_writes.lock().await),
            _ => None,
        }
    }

    /// The store's own connection pool, for benches that set a hand-written query beside a store
    /// call on the same connections (crates/store/benches/report.rs); not for the application.
    #[doc(hidden)]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// The URL without its password.
    pub fn display_url(&self) -> String {
        redact(&self.url)
    }

    /// Applies pending migrations; refuses a schema newer than this binary. Processes starting
    /// together migrate once: the work runs in one transaction that holds a lock (an advisory lock on
    /// PostgreSQL, an IMMEDIATE transaction on SQLite), and the next process finds nothing pending.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let err = |e| StoreError::from_db(&self.url, e);
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.db.begin_with_options(options).await.map_err(err)?;
        if self.backend() == DbBackend::Postgres {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(7120251124)").await.map_err(err)?;
        }
        // Inside the transaction, read through the migrator (it creates its table first): a failed
        // query would abort a PostgreSQL transaction.
        let applied: Vec<String> =
            Migrator::get_migration_models(&txn).await.map_err(err)?.into_iter().map(|m| m.version).collect();
        self.refuse_unknown(&applied)?;
        let pending: Vec<String> =
            Migrator::get_pending_migrations(&txn).await.map_err(err)?.iter().map(|m| m.name().to_string()).collect();
        if !pending.is_empty() {
            Migrator::up(&txn, None).await.map_err(err)?;
        }
        txn.commit().await.map_err(err)?;
        Ok(pending)
    }

    /// Every migration this binary knows, and whether the database has it.
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, StoreError> {
        self.check_not_newer(&self.db).await?;
        let migrations = Migrator::get_migration_with_status_read_only(&self.db)
            .await
            .map_err(|e| StoreError::from_db(&self.url, e))?;
        Ok(migrations
            .iter()
            .map(|m| MigrationState {
                name: m.name().to_string(),
                applied: m.status() == sea_orm_migration::MigrationStatus::Applied,
            })
            .collect())
    }

    /// Refuses a database that has a migration this binary does not know. Read-only (outside any
    /// transaction): a database without the migrations table has nothing applied yet.
    async fn check_not_newer(&self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        let query = Statement::from_string(self.backend(), "SELECT version FROM seaql_migrations");
        let applied: Vec<String> = match db.query_all_raw(query).await {
            Ok(rows) => rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect(),
            Err(e) if missing_table(&e) => Vec::new(),
            Err(e) => return Err(StoreError::from_db(&self.url, e)),
        };
        self.refuse_unknown(&applied)
    }

    fn refuse_unknown(&self, applied: &[String]) -> Result<(), StoreError> {
        let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
            return Err(StoreError::SchemaNewer {
                url: redact(&self.url),
                found: unknown.clone(),
                known: known.last().cloned().unwrap_or_default(),
            });
        }
        Ok(())
    }
}

fn missing_table(err: &sea_orm::DbErr) -> bool {
    let text = err.to_string();
    text.contains("no such table") || text.contains("does not exist")
}

/// `host:port` of a PostgreSQL URL with a TCP host (none for Unix sockets or SQLite).
fn postgres_address(url: &str) -> Option<String> {
    let rest = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://"))?;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() || host_port.starts_with('%') {
        return None;
    }
    let has_port = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').is_some_and(|(_, after)| after.starts_with(':')),
        None => host_port.contains(':'),
    };
    Some(if has_port { host_port.to_string() } else { format!("{host_port}:5432") })
}

/// Opens (and drops) one TCP connection to `address` within a few seconds.
async fn probe(address: &str) -> Result<(), String> {
    let connect = tokio::net::TcpStream::connect(address);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("cannot connect to {address}: {e}")),
        Err(_) => Err(format!("cannot connect to {address}: no answer within 5 s")),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_of_a_postgres_url_is_host_and_port() {
        use super::postgres_address as a;
        assert_eq!(a("postgres://u:p@db.example:6543/x").as_deref(), Some("db.example:6543"));
        assert_eq!(a("postgres://u@127.0.0.1/x?sslmode=disable").as_deref(), Some("127.0.0.1:5432"));
        assert_eq!(a("postgresql://[::1]:5433/x").as_deref(), Some("[::1]:5433"));
        assert_eq!(a("postgres://[::1]/x").as_deref(), Some("[::1]:5432"));
        assert_eq!(a("postgres://%2Fvar%2Frun%2Fpostgresql/x"), None);
        assert_eq!(a("sqlite://guiyan.db?mode=rwc"), None);
    }

    #[test]
    fn sqlite_outbox_writes_take_turns_in_one_process_and_every_clone_shares_the_turn() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let url = format!("sqlite://{}", dir.path().join("turns.db").display());
            let store = super::Store::connect(&url).await.expect("a new SQLite file");
            let clone = store.clone();
            let first = store.sqlite_write_turn().await;
            assert!(first.is_some(), "SQLite has turns");
            assert!(clone.outbox_writes.try_lock().is_err(), "a clone waits while the turn is taken");
            drop(first);
            assert!(clone.sqlite_write_turn().await.is_some());
        });
    }
}

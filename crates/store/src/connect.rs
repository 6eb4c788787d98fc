//! Opening a database: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL, then migrating.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

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

impl Store {
    /// Connects without touching the schema.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let url = normalize_url(url);
        let mut options = ConnectOptions::new(url.clone());
        options.sqlx_logging(false).acquire_timeout(Duration::from_secs(10)).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(BUSY_TIMEOUT)
                .foreign_keys(true)
        });
        if url.starts_with("sqlite:") {
            // One writer at a time is SQLite's model; a small pool keeps readers concurrent.
            options.max_connections(4);
        }
        let db = Database::connect(options)
            .await
            .map_err(|e| StoreError::Open { url: redact(&url), detail: first_line(&e.to_string()) })?;
        // Touch the file so that an unwritable or locked database is reported now, in one line.
        db.execute_unprepared("SELECT 1").await.map_err(|e| StoreError::from_db(&url, e))?;
        Ok(Store { db, url })
    }

    /// Connects and brings the schema up to date (migrations run automatically on start).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// The URL without its password.
    pub fn display_url(&self) -> String {
        redact(&self.url)
    }

    /// Applies pending migrations; refuses a schema newer than this binary.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.check_not_newer().await?;
        let pending: Vec<String> = Migrator::get_pending_migrations(&self.db)
            .await
            .map_err(|e| StoreError::from_db(&self.url, e))?
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        if !pending.is_empty() {
            Migrator::up(&self.db, None).await.map_err(|e| StoreError::from_db(&self.url, e))?;
        }
        Ok(pending)
    }

    /// Every migration this binary knows, and whether the database has it.
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, StoreError> {
        self.check_not_newer().await?;
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

    async fn check_not_newer(&self) -> Result<(), StoreError> {
        let applied = Migrator::get_migration_models(&self.db).await.map_err(|e| StoreError::from_db(&self.url, e))?;
        let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        if let Some(unknown) = applied.iter().find(|m| !known.contains(&m.version)) {
            return Err(StoreError::SchemaNewer {
                url: redact(&self.url),
                found: unknown.version.clone(),
                known: known.last().cloned().unwrap_or_default(),
            });
        }
        Ok(())
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

//! Online backups of an SQLite database and the check a backup passes before it is restored.
//!
//! `VACUUM INTO` writes a new database file from one read transaction: a consistent snapshot taken
//! while the engine goes on writing (WAL readers do not block writers), compact, and a single file
//! with no log beside it. PostgreSQL databases are backed up with `pg_dump` (docs/operations.md).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::connect::Store;
use crate::error::StoreError;

/// Why a backup or restore cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name (a backup never overwrites a file)")]
    TargetExists(PathBuf),
    #[error("backups of PostgreSQL databases are made with pg_dump (see docs/operations.md)")]
    Postgres,
    #[error("{path} is not a guiyan database backup: {detail}")]
    NotABackup { path: PathBuf, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `target`, which must not exist. The
    /// engine may run meanwhile.
    pub async fn backup(&self, target: &Path) -> Result<(), BackupError> {
        if self.backend() != DbBackend::Sqlite {
            return Err(BackupError::Postgres);
        }
        if target.exists() {
            return Err(BackupError::TargetExists(target.to_path_buf()));
        }
        let path = target.to_string_lossy();
        let sql = format!("VACUUM INTO '{}'", path.replace('\'', "''"));
        self.db.execute_unprepared(&sql).await.map_err(|e| StoreError::from_db(&self.url, e))?;
        Ok(())
    }
}

/// Checks that the SQLite file at `path` is a whole guiyan database: SQLite's integrity check
/// passes and it has guiyan's schema. Returns the number of runs it holds.
pub async fn check_backup(path: &Path) -> Result<u64, BackupError> {
    let not_a_backup = |detail: String| BackupError::NotABackup { path: path.to_path_buf(), detail };
    if !path.is_file() {
        return Err(not_a_backup("no such file".into()));
    }
    let url = format!("sqlite://{}", path.display());
    let store = Store::open_to_read(&url).await.map_err(|e| not_a_backup(e.to_string()))?;
    let query = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_string());
    let checked = store.db.query_all_raw(query("PRAGMA integrity_check")).await;
    let result = async {
        let rows = checked.map_err(|e| not_a_backup(e.to_string()))?;
        let verdict: Vec<String> = rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
        if verdict != ["ok"] {
            return Err(not_a_backup(format!("SQLite's integrity check says: {}", verdict.join("; "))));
        }
        let runs = store
            .db
            .query_one_raw(query("SELECT count(*) FROM runs"))
            .await
            .map_err(|_| not_a_backup("it has no guiyan tables".into()))?
            .and_then(|row| row.try_get_by_index::<i64>(0).ok())
            .unwrap_or(0);
        Ok(u64::try_from(runs).unwrap_or(0))
    }
    .await;
    store.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_a_whole_database_and_never_overwrites() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let store = Store::open(&format!("sqlite://{}", dir.path().join("live.db").display())).await.expect("open");
            let target = dir.path().join("copy's.db");
            store.backup(&target).await.expect("a backup");
            assert_eq!(check_backup(&target).await.expect("the backup checks"), 0);
            let again = store.backup(&target).await.unwrap_err();
            assert!(matches!(again, BackupError::TargetExists(_)), "{again}");
            let junk = dir.path().join("junk.db");
            std::fs::write(&junk, b"not a database").expect("write");
            assert!(matches!(check_backup(&junk).await, Err(BackupError::NotABackup { .. })));
            store.close().await;
        });
    }
}

//! One engine per SQLite file: an exclusive lock on `<database>.engine-lock`, held for the life of
//! the process. The operating system releases it however the process ends (even on SIGKILL), so a
//! restart never waits for a stale lease.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::EngineError;

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct EngineLock {
    _file: File,
    pub path: PathBuf,
}

/// Takes the engine lock of the SQLite database at `database`, or says who holds it.
pub fn lock_sqlite(database: &Path) -> Result<EngineLock, EngineError> {
    let mut name = database.as_os_str().to_owned();
    name.push(".engine-lock");
    let path = PathBuf::from(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| EngineError::Lock { lock: path.clone(), detail: e.to_string() })?;
    match file.try_lock() {
        Ok(()) => Ok(EngineLock { _file: file, path }),
        Err(TryLockError::WouldBlock) => {
            Err(EngineError::AlreadyRunning { database: database.display().to_string(), lock: path })
        }
        Err(TryLockError::Error(e)) => Err(EngineError::Lock { lock: path, detail: e.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_engine_on_the_same_file_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("guiyan.db");
        let first = lock_sqlite(&db).unwrap();
        let second = lock_sqlite(&db).unwrap_err();
        assert!(matches!(second, EngineError::AlreadyRunning { .. }), "{second}");
        drop(first);
        lock_sqlite(&db).unwrap();
    }
}

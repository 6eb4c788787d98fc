//! Whether anything was committed to the database since a moment: a page rendered then is still
//! true. SQLite answers exactly and cheaply with `PRAGMA data_version`, whose value a connection
//! sees change whenever another connection — of this pool or of another process (`guiyan task
//! done`, `guiyan link revoke`, a second engine) — commits. The watch keeps a connection of its
//! own that never writes, so every commit anywhere is "another connection's"; it asks it in place
//! (a few microseconds, no hand-off to sqlx's worker threads, which is what a query through the
//! pool costs most). PostgreSQL has no such counter: there the watch answers `None` and callers
//! read the database as before.

use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::connect::{Store, sqlite_file};

/// A read-only SQLite connection asked for the database's data version.
pub struct ChangeWatch {
    conn: Option<Mutex<Connection>>,
}

impl std::fmt::Debug for ChangeWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeWatch").field("watching", &self.conn.is_some()).finish()
    }
}

impl ChangeWatch {
    /// A watch of `store`'s database: a connection of its own to its SQLite file; none for
    /// PostgreSQL or an in-memory database (another connection would see another database), or
    /// when the file cannot be opened (then nothing is cached, nothing is wrong).
    pub fn open(store: &Store) -> ChangeWatch {
        let conn = sqlite_file(&store.url).and_then(|path| {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(path, flags).ok()?;
            // A read waits for nothing in WAL mode but the rare recovery of the WAL's index; do not
            // keep a page waiting for that: answer "unknown" instead.
            conn.busy_timeout(Duration::from_millis(50)).ok()?;
            Some(Mutex::new(conn))
        });
        ChangeWatch { conn }
    }

    /// The database's data version: equal at two moments only when nothing was committed
    /// between them. `None` when it cannot be known (PostgreSQL, or the read failed).
    pub fn version(&self) -> Option<i64> {
        let conn = self.conn.as_ref()?.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut statement = conn.prepare_cached("PRAGMA data_version").ok()?;
        statement.query_row([], |row| row.get(0)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(f)
    }

    #[test]
    fn the_version_moves_with_each_commit_of_the_pool_and_only_then() {
        run(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("watch.db").display());
            let store = Store::open(&url).await.expect("the store opens");
            let watch = ChangeWatch::open(&store);
            let first = watch.version().expect("SQLite has a data version");
            assert_eq!(watch.version(), Some(first), "nothing was committed");
            // A read through the pool changes nothing.
            crate::change_marker(&store).await.expect("a read");
            assert_eq!(watch.version(), Some(first), "a read is not a change");
            let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("a time");
            crate::links::link_secret(&store, now).await.expect("the link secret is made");
            let second = watch.version().expect("a data version");
            assert_ne!(second, first, "the pool committed the link secret");
            crate::links::link_secret(&store, now).await.expect("the same secret, read");
            assert_eq!(watch.version(), Some(second), "reading the secret again writes nothing");
        });
    }

    #[test]
    fn a_commit_by_another_process_connection_moves_the_version() {
        run(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let path = dir.path().join("watch.db");
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let store = Store::open(&url).await.expect("the store opens");
            let watch = ChangeWatch::open(&store);
            let before = watch.version().expect("a data version");
            // Another connection, as `guiyan link revoke` from a shell would open.
            let other = Connection::open(&path).expect("a second connection");
            other.execute_batch("CREATE TABLE scratch (x INTEGER)").expect("a write");
            assert_ne!(watch.version(), Some(before));
        });
    }
}

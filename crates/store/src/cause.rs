//! Why a database call failed, in the operator's terms: locked (and by which process, where the
//! system says), disk full, read-only, or anything else with the database's own message.
//!
//! SQLite reports a full disk as `SQLITE_FULL` (13), but also as an I/O error when the file that
//! could not grow is the shared-memory index (`SQLITE_IOERR_SHMSIZE`, 4874) or the journal; an I/O
//! error is therefore called a full disk when the database's folder has no room left. PostgreSQL
//! says it with SQLSTATE codes. The text of a PostgreSQL error is its message and code, without the
//! server's source line that sqlx appends ("at line 948").

use std::path::Path;

use sea_orm::{DbErr, RuntimeErr};

use crate::connect::sqlite_file;

/// The classified cause of a database error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Another writer holds the database: the processes holding locks on its files, if known.
    Locked {
        holders: Vec<u32>,
    },
    ReadOnly(String),
    DiskFull(String),
    Other(String),
}

/// SQLite's primary result codes that matter here (the low byte of an extended code).
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;

/// Below this much free space in the database's folder, an I/O error is a full disk.
const NEARLY_FULL_BYTES: u64 = 1 << 20;

pub(crate) fn classify(url: &str, err: &DbErr) -> Cause {
    let Some((code, message)) = database_error(err) else {
        return fallback(url, err);
    };
    if url.starts_with("postgres") {
        return match code.as_str() {
            "53100" => Cause::DiskFull(format!("{message} (SQLSTATE {code})")),
            "25006" => Cause::ReadOnly(format!("{message} (SQLSTATE {code})")),
            "55P03" => Cause::Locked { holders: Vec::new() },
            _ => Cause::Other(format!("{message} (SQLSTATE {code})")),
        };
    }
    let Ok(extended) = code.parse::<i64>() else { return Cause::Other(message) };
    let detail = format!("SQLite: {message}, code {extended}");
    match extended & 0xff {
        SQLITE_BUSY | SQLITE_LOCKED => {
            Cause::Locked { holders: sqlite_file(url).map(|f| lock_holders(&f)).unwrap_or_default() }
        }
        SQLITE_READONLY => Cause::ReadOnly(detail),
        SQLITE_FULL => Cause::DiskFull(detail),
        SQLITE_IOERR => match sqlite_file(url).and_then(|f| free_bytes(&f)) {
            Some(free) if free < NEARLY_FULL_BYTES => Cause::DiskFull(format!("{detail}; {free} bytes free")),
            _ => Cause::Other(detail),
        },
        // An existing database that cannot be opened for writing: the file or its folder (where
        // SQLite keeps its log) is read-only.
        SQLITE_CANTOPEN => match sqlite_file(url).and_then(|f| unwritable(&f)) {
            Some(what) => Cause::ReadOnly(format!("{what} is read-only ({detail})")),
            None => Cause::Other(detail),
        },
        _ => Cause::Other(detail),
    }
}

/// An error that did not come from the database's own reply (a pool timeout, a broken connection):
/// recognised by its words.
fn fallback(url: &str, err: &DbErr) -> Cause {
    let text = err.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("database is locked") || lower.contains("database table is locked") {
        Cause::Locked { holders: sqlite_file(url).map(|f| lock_holders(&f)).unwrap_or_default() }
    } else if lower.contains("readonly") || lower.contains("read-only") || lower.contains("read only") {
        Cause::ReadOnly(text)
    } else if lower.contains("disk is full") || lower.contains("no space left") {
        Cause::DiskFull(text)
    } else {
        Cause::Other(text)
    }
}

/// The code and message of the database's reply inside `err`, if it carries one.
fn database_error(err: &DbErr) -> Option<(String, String)> {
    let runtime = match err {
        DbErr::Conn(e) | DbErr::Exec(e) | DbErr::Query(e) => e,
        _ => return None,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else { return None };
    let reply = sqlx.as_database_error()?;
    Some((reply.code()?.into_owned(), reply.message().to_string()))
}

/// The database file or its folder, if it exists and cannot be written (a read-only file or
/// file system).
fn unwritable(file: &Path) -> Option<String> {
    use rustix::fs::{Access, access};
    if !file.is_file() {
        return None;
    }
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if access(file, Access::WRITE_OK).is_err() {
        Some(file.display().to_string())
    } else if access(folder, Access::WRITE_OK).is_err() {
        Some(format!("its folder {}", folder.display()))
    } else {
        None
    }
}

/// The free bytes of the file system holding `file` (its folder, if the file is gone).
fn free_bytes(file: &Path) -> Option<u64> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let stats = rustix::fs::statvfs(folder).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// The processes holding POSIX locks on the database file or its `-wal` / `-shm` files, writers
/// first, from `/proc/locks` (Linux); empty where the system does not say.
pub(crate) fn lock_holders(database: &Path) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;
    let files: Vec<(u64, u64, u64)> = ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            let meta = std::fs::metadata(Path::new(&name)).ok()?;
            let dev = meta.dev();
            // glibc's major() and minor() of a dev_t.
            let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
            let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
            Some((major, minor, meta.ino()))
        })
        .collect();
    let Ok(locks) = std::fs::read_to_string("/proc/locks") else { return Vec::new() };
    holders_in(&locks, &files, std::process::id())
}

/// The pids in `/proc/locks` text whose locks are on one of `files` (major, minor, inode), writers
/// first, each once. Waiting requests (`->`) hold nothing and are skipped, and so are this
/// process's (`own`) read locks, which every open connection holds; its write lock is not, since a
/// process can lock itself out (one connection waiting for another's open transaction).
fn holders_in(locks: &str, files: &[(u64, u64, u64)], own: u32) -> Vec<u32> {
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    for line in locks.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) == Some(&"->") || fields.len() < 6 {
            continue;
        }
        // `1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF`
        let (access, pid, id) = (fields[3], fields[4], fields[5]);
        let mut parts = id.split(':');
        let (Some(major), Some(minor), Some(inode)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(major), Ok(minor), Ok(inode)) =
            (u64::from_str_radix(major, 16), u64::from_str_radix(minor, 16), inode.parse::<u64>())
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if !files.contains(&(major, minor, inode)) {
            continue;
        }
        let list = if access == "WRITE" { &mut writers } else { &mut readers };
        if !list.contains(&pid) {
            list.push(pid);
        }
    }
    readers.retain(|pid| !writers.contains(pid) && *pid != own);
    writers.extend(readers);
    writers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_holders_are_read_from_proc_locks_writers_first() {
        let locks = "1: POSIX  ADVISORY  READ  300 00:2a:77 128 128\n\
                     2: POSIX  ADVISORY  WRITE 200 00:2a:78 120 120\n\
                     2: -> POSIX  ADVISORY  WRITE 400 00:2a:78 120 120\n\
                     3: FLOCK  ADVISORY  WRITE 500 fd:01:99 0 EOF\n\
                     4: POSIX  ADVISORY  READ  200 00:2a:77 1 1\n";
        let files = [(0, 0x2a, 77), (0, 0x2a, 78)];
        assert_eq!(holders_in(locks, &files, 1), vec![200, 300]);
        assert_eq!(holders_in(locks, &files, 300), vec![200], "its own read locks are not news");
        assert_eq!(holders_in(locks, &files, 200), vec![200, 300], "its own write lock is");
        assert_eq!(holders_in(locks, &[(0xfd, 1, 100)], 1), Vec::<u32>::new());
    }

    #[test]
    fn an_sqlite_file_locked_by_another_process_names_it() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("held.db");
        let url = format!("sqlite://{}", path.display());
        runtime.block_on(async {
            let store = crate::Store::open(&url).await.expect("a new database");
            store.close().await;
        });
        // Another process: python's sqlite3 module holds the write lock while this test looks.
        let script = format!(
            "import sqlite3, sys, time\nc = sqlite3.connect({:?}, isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('held', flush=True)\ntime.sleep(30)\n",
            path.display().to_string()
        );
        let mut holder = std::process::Command::new("python3")
            .args(["-c", &script])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.take().expect("stdout")), &mut line)
            .expect("the holder says it holds the lock");
        assert_eq!(line.trim(), "held");
        let holders = lock_holders(&path);
        let _ = holder.kill();
        let _ = holder.wait();
        assert!(
            holders.contains(&holder.id()),
            "holders {holders:?} do not include the python process {}",
            holder.id()
        );
    }
}

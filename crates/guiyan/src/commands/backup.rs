//! `guiyan db backup FILE` and `guiyan db restore FILE`: a consistent copy of an SQLite database
//! taken while the engine runs, and putting one back while no engine runs. PostgreSQL databases
//! are backed up with `pg_dump` (the commands say how).

use std::path::{Path, PathBuf};

use campaign::Lang;
use chrono::{DateTime, Utc};
use store::{BackupError, Store};

use super::store_commands::{runtime, store_exit};
use crate::output::{errln, outln};

/// How to back up and restore a PostgreSQL database, for the message.
const PG_DUMP_HINT: &str = "pg_dump --format=custom --file=guiyan.dump DATABASE_URL; \
                            restore: pg_restore --clean --if-exists --dbname=DATABASE_URL guiyan.dump";

fn backup_exit(err: &BackupError, lang: Lang) -> u8 {
    match err {
        BackupError::Store(e) => return store_exit(e, lang),
        BackupError::Postgres => match lang {
            Lang::Zh => errln!("guiyan: PostgreSQL 数据库请用 pg_dump 备份：{PG_DUMP_HINT}"),
            Lang::En => errln!("guiyan: back up a PostgreSQL database with pg_dump: {PG_DUMP_HINT}"),
        },
        BackupError::TargetExists(path) => match lang {
            Lang::Zh => errln!("guiyan: {} 已存在；请换一个文件名（备份从不覆盖已有文件）", path.display()),
            Lang::En => errln!("guiyan: {err}"),
        },
        BackupError::NotABackup { path, detail } => match lang {
            Lang::Zh => errln!("guiyan: {} 不是 guiyan 数据库备份：{detail}", path.display()),
            Lang::En => errln!("guiyan: {err}"),
        },
    }
    2
}

/// `guiyan db backup FILE`.
pub fn backup(url: &str, target: &Path, lang: Lang) -> anyhow::Result<u8> {
    runtime()?.block_on(async {
        let store = match Store::open_to_read(url).await {
            Ok(store) => store,
            Err(e) => return Ok(store_exit(&e, lang)),
        };
        let done = store.backup(target).await;
        store.close().await;
        if let Err(e) = done {
            return Ok(backup_exit(&e, lang));
        }
        // The copy is checked as a restore would check it, so a backup that reports success is one.
        match store::check_backup(target).await {
            Ok(runs) => {
                match lang {
                    Lang::Zh => outln!("已备份到 {}（{runs} 期工作）", target.display()),
                    Lang::En => outln!("backed up to {} ({runs} run(s))", target.display()),
                }
                Ok(0)
            }
            Err(e) => Ok(backup_exit(&e, lang)),
        }
    })
}

/// `guiyan db restore FILE`: replaces the SQLite database with a backup, keeping the replaced file
/// beside it. Refused while an engine serves the database.
pub fn restore(url: &str, backup: &Path, now: DateTime<Utc>, lang: Lang) -> anyhow::Result<u8> {
    let Some(database) = store::sqlite_file(url) else {
        return Ok(backup_exit(&BackupError::Postgres, lang));
    };
    runtime()?.block_on(async {
        if let Err(e) = store::check_backup(backup).await {
            return Ok(backup_exit(&e, lang));
        }
        // Held until the restore is done: no engine may start on the file meanwhile.
        let _lock = match engine::lock_sqlite(&database) {
            Ok(lock) => lock,
            Err(e) => {
                match lang {
                    Lang::Zh => errln!("guiyan: 有 guiyan run 正在服务 {}；请先停止它再恢复", database.display()),
                    Lang::En => errln!("guiyan: {e}; stop it before restoring"),
                }
                return Ok(2);
            }
        };
        let kept = if database.exists() {
            // Folds the live log into the file, so that the file set aside is whole.
            match Store::connect(url).await {
                Ok(store) => store.close().await,
                Err(e) => return Ok(store_exit(&e, lang)),
            }
            let kept = suffixed(&database, &format!(".replaced-{}", now.format("%Y%m%dT%H%M%S")));
            std::fs::rename(&database, &kept)?;
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(suffixed(&database, side));
            }
            // Mails a stopped engine sent but could not record belong to the replaced database.
            let journal = suffixed(&database, ".accepted");
            if journal.exists() {
                std::fs::rename(&journal, suffixed(&kept, ".accepted"))?;
            }
            Some(kept)
        } else {
            None
        };
        let partial = suffixed(&database, ".restoring");
        std::fs::copy(backup, &partial)?;
        std::fs::rename(&partial, &database)?;
        match (lang, &kept) {
            (Lang::Zh, Some(kept)) => {
                outln!("已从 {} 恢复 {}；原数据库保留为 {}", backup.display(), database.display(), kept.display())
            }
            (Lang::Zh, None) => outln!("已从 {} 恢复 {}", backup.display(), database.display()),
            (Lang::En, Some(kept)) => outln!(
                "restored {} from {}; the replaced database is kept as {}",
                database.display(),
                backup.display(),
                kept.display()
            ),
            (Lang::En, None) => outln!("restored {} from {}", database.display(), backup.display()),
        }
        Ok(0)
    })
}

/// `path` with `suffix` appended to its file name: `guiyan.db` + `-wal`.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

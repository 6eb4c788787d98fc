//! The engine on an operator's bad day, through the real `guiyan` binary, against the real SMTP
//! test server and real databases: a write lock held for 15 s while a large batch is sent, a disk
//! that fills and is freed, fifteen kills in a row followed by a transient SMTP error, a year-long
//! gap, a backup taken while mail goes out, a read-only database, and PostgreSQL's own messages.
//!
//! The promise under test (docs/delivery.md): a fault of the database delays mail and never repeats
//! or loses it; only a crash in the instant between the server's acceptance and its record repeats
//! a mail, at most the mails then in flight, with the same Message-ID.
//!
//! The large batch is the issue's: the 2027 Spring Festival season with 20 streets × 25
//! communities, whose first engine step at 2027-02-03 10:00 sends 521 mails.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::site::*;
use support::smtp::{Mode, SmtpServer};
use support::{DbKind, TestDb, block_on, for_each_db};

/// The moment the large batch goes out.
const BATCH_AT: &str = "2027-02-03T10:00:00+08:00";
/// Mails of the large batch (20 streets × 25 communities): one per unit with work, 521 (two units
/// used to get two mails each, one per kind, before a unit got one mail per step).
const BATCH_MAILS: usize = 521;

/// `BATCH_AT` plus `seconds`, as `--now` takes it.
fn batch_plus(seconds: usize) -> String {
    let at =
        chrono::DateTime::parse_from_rfc3339(BATCH_AT).expect("BATCH_AT") + chrono::TimeDelta::seconds(seconds as i64);
    at.to_rfc3339()
}

/// A site with the large directory, mail to `smtp`, short leases (so that a lease would run out
/// during any fault below), quick retries.
fn large_site<'a>(db: &'a TestDb, smtp: &SmtpServer) -> Site<'a> {
    Site::new(db)
        .with_smtp(smtp)
        .with_directory(20, 25)
        .with_env("GUIYAN_MAIL_LEASE_SECONDS", "4")
        .with_env("GUIYAN_MAIL_RETRY_FIRST_SECONDS", "1")
        .with_env("GUIYAN_MAIL_RETRY_MAX_SECONDS", "2")
}

/// Waits until every mail in the database is sent and the server holds as many, then asserts each
/// arrived exactly once, as stored.
fn all_delivered_once(site: &Site, smtp: &SmtpServer, engine: &mut EngineProcess, expected: usize) -> Vec<MailRow> {
    let mails = wait_for("every mail to be delivered", Duration::from_secs(240), || {
        assert!(engine.is_running(), "the engine ended:\n{}", engine.describe());
        let mails = site.mails();
        let sent = mails.iter().filter(|m| m.state == "sent").count();
        if mails.len() >= expected && sent == mails.len() && smtp.count() >= mails.len() {
            Ok(mails)
        } else {
            Err(format!("{sent} of {} mails sent, {} received", mails.len(), smtp.count()))
        }
    });
    // Nothing more arrives afterwards.
    std::thread::sleep(Duration::from_secs(2));
    assert_delivered_exactly_once(&mails, &smtp.messages());
    assert_eq!(mails.len(), expected, "mails composed");
    mails
}

// --- 1. a write lock held for 15 s ---------------------------------------------------------------

/// Holds the database's write lock from another process or connection for `seconds`, once taken;
/// returns when the lock is held.
fn hold_write_lock(db: &TestDb, seconds: u64) -> std::thread::JoinHandle<()> {
    match db.kind {
        DbKind::Sqlite => {
            // Another process, as an operator's `sqlite3` would: BEGIN EXCLUSIVE, wait, COMMIT.
            let script = format!(
                "import sqlite3, time\nc = sqlite3.connect({:?}, timeout=60, isolation_level=None)\n\
                 c.execute('BEGIN EXCLUSIVE')\nprint('held', flush=True)\ntime.sleep({seconds})\nc.execute('COMMIT')\n",
                db.name
            );
            let mut holder = Command::new("/usr/bin/python3")
                .args(["-c", &script])
                .stdout(Stdio::piped())
                .spawn()
                .expect("python3 holds the lock");
            let mut line = String::new();
            std::io::BufReader::new(holder.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
            assert_eq!(line.trim(), "held", "the lock holder did not get the lock");
            std::thread::spawn(move || {
                let status = holder.wait().expect("the lock holder ends");
                assert!(status.success(), "the lock holder failed");
            })
        }
        DbKind::Postgres => {
            // No write to the outbox goes through while the table is locked.
            let url = db.url.clone();
            let (held, is_held) = std::sync::mpsc::channel();
            let handle = std::thread::spawn(move || {
                block_on(async move {
                    use sqlx::Connection;
                    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
                    let mut txn = conn.begin().await.expect("begin");
                    sqlx::query("LOCK TABLE mails IN EXCLUSIVE MODE").execute(&mut *txn).await.expect("lock");
                    held.send(()).expect("tell the test");
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                    txn.commit().await.expect("commit");
                })
            });
            is_held.recv_timeout(PATIENCE).expect("the lock is taken");
            handle
        }
    }
}

#[test]
fn a_write_lock_held_for_15_s_while_a_large_batch_is_sent_repeats_and_loses_nothing() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        // Slow enough that the batch is still going out when the lock is taken.
        smtp.control(Mode::Accept, &[], 20);
        let site = large_site(db, &smtp);
        let mut engine = site.spawn_engine(BATCH_AT);
        wait_for("the first mails to arrive", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            if smtp.count() >= 5 { Ok(()) } else { Err(format!("{} received", smtp.count())) }
        });
        let taken = Instant::now();
        let holder = hold_write_lock(db, 15);
        let during = smtp.count();
        holder.join().expect("the lock holder");
        eprintln!("[{}] lock held {:?}; {during} mails had arrived when it was taken", db.kind, taken.elapsed());
        assert!(during < BATCH_MAILS, "the batch was done before the lock: nothing tested");

        let mails = all_delivered_once(&site, &smtp, &mut engine, BATCH_MAILS);
        assert!(
            mails.iter().all(|m| m.attempts == 1),
            "one SMTP try each: {:?}",
            mails.iter().find(|m| m.attempts != 1)
        );
        if db.kind == DbKind::Sqlite {
            // The engine said what happened, and named the holder.
            let logs = engine.stderr();
            assert!(logs.contains("cannot be recorded yet"), "no word of the held outcomes:\n{logs}");
            assert!(logs.contains("is locked by process"), "the lock's holder is not named:\n{logs}");
        }
        assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
    });
}

// --- 2. a disk that fills and is freed ------------------------------------------------------------

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `megabytes`, or says why it cannot (not root, no mount(8)).
    fn mount(megabytes: u64) -> Result<Tmpfs, String> {
        let dir = tempfile::Builder::new().prefix("guiyan-disk-").tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Free kilobytes.
    fn free_kb(&self) -> u64 {
        let out = Command::new("df").args(["-k", "--output=avail"]).arg(self.path()).output().expect("df");
        String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df's number")
    }

    /// Fills the file system up to `leave_kb` free kilobytes with a ballast file; returns its path.
    fn fill(&self, leave_kb: u64) -> PathBuf {
        let ballast = self.path().join("ballast");
        let size = self.free_kb().saturating_sub(leave_kb) * 1024;
        let file = std::fs::File::create(&ballast).expect("create the ballast");
        // Written, not just sized: tmpfs counts written pages.
        let chunk = vec![0u8; 1 << 20];
        let mut left = size;
        let mut writer = std::io::BufWriter::new(file);
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if std::io::Write::write_all(&mut writer, &chunk[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
        let _ = std::io::Write::flush(&mut writer);
        ballast
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

#[test]
fn a_disk_that_fills_and_is_freed_delays_mail_until_there_is_room_without_a_restart() {
    let disk = match Tmpfs::mount(32) {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("NOT TESTED: a full disk needs a tmpfs this test can mount (as root), and mount said: {why}");
            return;
        }
    };
    let db = TestDb::sqlite_in(disk.path());
    let smtp = SmtpServer::start();
    let site = large_site(&db, &smtp);
    site.ok("2027-01-15T10:00:00+08:00", &["apply"]);

    // Full to the last byte: even reading needs room for SQLite's shared-memory file, and the
    // message says the disk is full (not "disk I/O error (code: 4874)").
    let ballast = disk.fill(0);
    let out = site.run(BATCH_AT, &["status"]);
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("is full"), "the full disk is not named: {}", stderr(&out));
    std::fs::remove_file(&ballast).expect("free the disk");

    // Room for the run to open, not for its 523 mails.
    let ballast = disk.fill(4000);
    let mut engine = site.spawn_engine(BATCH_AT);
    wait_for("the engine to say the disk is full", PATIENCE, || {
        assert!(engine.is_running(), "{}", engine.describe());
        if engine.stderr().contains("is full") { Ok(()) } else { Err(format!("{} received", smtp.count())) }
    });
    let before = smtp.count();
    std::thread::sleep(Duration::from_secs(3));
    std::fs::remove_file(&ballast).expect("free the disk");
    eprintln!("disk freed; {before} of {BATCH_MAILS} mails had arrived while it was full");
    assert!(before < BATCH_MAILS, "the disk never stopped the engine: nothing tested");

    // The same engine, never restarted, delivers everything once.
    all_delivered_once(&site, &smtp, &mut engine, BATCH_MAILS);
    assert!(!engine.stderr().contains("is locked by"), "the engine locked itself out:\n{}", engine.stderr());
    assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
}

// --- 3. a crash loop, then a transient error -------------------------------------------------------

#[test]
fn fifteen_kills_in_a_row_then_a_transient_error_fail_no_mail_and_repeat_at_most_what_was_in_flight() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        // A slow server: each kill lands while mails are in flight.
        smtp.control(Mode::Accept, &[], 150);
        let site = large_site(db, &smtp).with_env("GUIYAN_MAIL_LEASE_SECONDS", "1");
        let mut sent_logs: Vec<(String, bool)> = Vec::new();
        let kills = 15;
        // Each engine starts where the last one's clock stood (a lease is judged by the clock).
        for i in 0..kills {
            let mut engine = site.spawn_engine(&batch_plus(2 * i));
            std::thread::sleep(Duration::from_millis(1500));
            assert!(engine.is_running(), "an engine ended by itself: {}", engine.describe());
            engine.kill();
            sent_logs.extend(engine.sent());
        }
        let received_in_loop = smtp.count();

        // Now the server answers 451: one step tries what is left and fails none of it.
        smtp.control(Mode::Tempfail, &[], 0);
        let out = site.run(&batch_plus(2 * kills), &["run", "--once", "--log-format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        // A mail a killed engine had in flight may be resumed here, and only deferred.
        sent_logs.extend(resumed_in(&stderr(&out)));
        let failed = site.mails_where(&["--failed"]);
        assert!(
            failed.is_empty(),
            "a crash loop and one transient error failed {} mail(s): {:?}",
            failed.len(),
            failed.first()
        );
        let mails = site.mails();
        let unsent: Vec<&MailRow> = mails.iter().filter(|m| m.state != "sent").collect();
        assert!(!unsent.is_empty(), "everything was sent during the kills: nothing tested");
        for m in &unsent {
            assert_eq!((m.state.as_str(), m.attempts), ("queued", 1), "one SMTP try, then queued again: {m:?}");
            assert!(m.claims >= m.attempts, "{m:?}");
        }
        let listed = site.ok(BATCH_AT, &["mail", "list"]);
        assert!(listed.contains("(1 attempt(s), ") && !listed.contains("次"), "English mail list: {listed}");

        // Back: everything arrives (the retries come due a second later); a repeat only for a
        // mail a killed engine had in flight.
        smtp.control(Mode::Accept, &[], 0);
        let mut at = 2 * kills + 5;
        while site.mails().iter().any(|m| m.state != "sent") {
            assert!(at < 2 * kills + 60, "mail still unsent a minute after the server came back");
            let out = site.run(&batch_plus(at), &["run", "--once", "--log-format", "json"]);
            assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
            sent_logs.extend(resumed_in(&stderr(&out)));
            at += 5;
        }
        let mails = site.mails();
        assert_eq!(mails.len(), BATCH_MAILS);
        assert!(mails.iter().all(|m| m.state == "sent"), "{:?}", mails.iter().find(|m| m.state != "sent"));
        let mut deliveries: BTreeMap<String, usize> = BTreeMap::new();
        for r in smtp.messages() {
            *deliveries.entry(r.key).or_default() += 1;
        }
        let stored: BTreeSet<&str> = mails.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(deliveries.keys().map(String::as_str).collect::<BTreeSet<_>>(), stored, "lost or unknown mail");
        let resumed: BTreeSet<&str> = sent_logs.iter().filter(|(_, r)| *r).map(|(k, _)| k.as_str()).collect();
        let repeats: usize = deliveries.values().map(|n| n - 1).sum();
        for (key, n) in &deliveries {
            assert!(*n == 1 || resumed.contains(key.as_str()), "{key} arrived {n} times but was never resumed");
        }
        // In flight at a kill: at most 2 × 4 connections sending plus 50 accepted awaiting their record.
        let bound = kills * (2 * 4 + 50);
        assert!(repeats <= bound, "{repeats} repeats over {kills} kills, more than the {bound} in flight");
        eprintln!(
            "[{}] {kills} kills: {received_in_loop} mails arrived during the loop; {repeats} repeated deliveries \
             ({:.2} per kill), all resumed after a kill; 0 failed",
            db.kind,
            repeats as f64 / kills as f64
        );
    });
}

/// The mails a JSON log shows tried (sent, deferred or failed), with whether the try resumed a
/// claim a stopped engine left.
fn resumed_in(log: &str) -> Vec<(String, bool)> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|l| ["mail sent", "mail deferred", "mail failed"].iter().any(|m| l["message"] == *m))
        .map(|l| (l["key"].as_str().expect("a mail log line has a key").to_string(), l["resumed"] == true))
        .collect()
}

// --- 4. a year-long gap -----------------------------------------------------------------------------

#[test]
fn a_year_long_gap_mails_no_unit_about_a_closed_run_and_records_the_missed_runs() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        let site = Site::new(db).with_smtp(&smtp);
        // Last run at the 2027 season's start.
        site.run_once("2027-01-16T09:30:00+08:00");
        let before: BTreeSet<String> = site.mails().into_iter().map(|m| m.key).collect();

        // A year later: 2027 closed on 2027-03-08, qingming and mid-autumn 2027 came and went,
        // spring-festival 2028 (opened 2028-01-05) is half over.
        let out = site.run("2028-02-10T10:00:00+08:00", &["run", "--once", "--log-format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        let logs = stderr(&out);
        let new: Vec<MailRow> = site.mails().into_iter().filter(|m| !before.contains(&m.key)).collect();
        assert!(!new.is_empty(), "nothing was mailed about 2028");

        // No unit is mailed about the closed run; the owner hears of it once.
        let owner = "district-org";
        let about_2027: Vec<&MailRow> = new.iter().filter(|m| m.key.starts_with("spring-festival/2027/")).collect();
        for m in &about_2027 {
            assert_eq!(m.recipient, owner, "a unit was mailed about the closed 2027 run: {m:?}");
        }
        // One mail per unit per tick, whatever it combines.
        let mut per_unit: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &new {
            *per_unit.entry(m.recipient.as_str()).or_default() += 1;
        }
        assert!(per_unit.values().all(|n| *n == 1), "a unit got several mails in one step: {per_unit:?}");

        // The owner's one mail says what was missed and what was left unfinished.
        let owner_mail = new.iter().find(|m| m.recipient == owner).expect("a mail to the owner");
        let received = smtp.messages();
        let text = &received.iter().find(|r| r.key == owner_mail.key).expect("the owner's mail arrived").text;
        for phrase in ["清明", "中秋", "未完成"] {
            assert!(text.contains(phrase), "the owner's mail does not mention {phrase}:\n{text}");
        }

        // Missed runs are recorded, listed and logged.
        let status = parse_json(&site.ok("2028-02-10T10:00:00+08:00", &["status", "--json"]));
        let missed: BTreeSet<String> = status["runs"]
            .as_array()
            .expect("runs")
            .iter()
            .filter(|r| !r["missed_at"].is_null())
            .map(|r| {
                format!("{}/{}", r["campaign"].as_str().unwrap_or_default(), r["run"].as_str().unwrap_or_default())
            })
            .collect();
        assert_eq!(missed, BTreeSet::from(["qingming/2027".to_string(), "mid-autumn/2027".to_string()]));
        let text_status = site.ok("2028-02-10T10:00:00+08:00", &["status", "qingming/2027"]);
        assert!(text_status.contains("missed"), "{text_status}");
        let warned: Vec<&str> = logs.lines().filter(|l| l.contains("run missed") && l.contains("WARN")).collect();
        assert_eq!(warned.len(), 2, "one warning per missed run:\n{logs}");
        assert!(logs.contains("run closed while no engine ran"), "{logs}");

        // Nothing more: a second step at the same time mails nobody.
        let again = site.run("2028-02-10T10:05:00+08:00", &["run", "--once"]);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        assert_eq!(site.mails().len(), before.len() + new.len(), "the catch-up was told twice");
    });
}

// --- 5. a backup taken during delivery --------------------------------------------------------------

#[test]
fn a_backup_taken_during_delivery_restores_to_the_same_state() {
    let db = TestDb::sqlite();
    let smtp = SmtpServer::start();
    smtp.control(Mode::Accept, &[], 20);
    let site = large_site(&db, &smtp);
    let mut engine = site.spawn_engine(BATCH_AT);
    wait_for("mail to be going out", PATIENCE, || {
        assert!(engine.is_running(), "{}", engine.describe());
        if smtp.count() >= 20 { Ok(()) } else { Err(format!("{} received", smtp.count())) }
    });
    let backup = site.path().join("during-delivery.db");
    let backup_arg = backup.to_str().expect("UTF-8 path");
    let out = site.ok(BATCH_AT, &["db", "backup", backup_arg]);
    assert!(out.contains("backed up"), "{out}");
    let again = site.run(BATCH_AT, &["db", "backup", backup_arg]);
    assert_eq!(again.status.code(), Some(2), "a backup never overwrites: {}", stderr(&again));
    all_delivered_once(&site, &smtp, &mut engine, BATCH_MAILS);

    // The backup, read as it is, holds the state of that moment: the tasks as now (delivery does
    // not change them), and part of the mail not yet sent.
    let backup_url = format!("sqlite://{}", backup.display());
    let in_backup = |args: &[&str]| {
        let out = site.command(BATCH_AT, args).env("GUIYAN_DATABASE_URL", &backup_url).output().expect("guiyan");
        assert_eq!(out.status.code(), Some(0), "{args:?} on the backup: {}", stderr(&out));
        parse_json(&stdout(&out))
    };
    let live_status = parse_json(&site.ok(BATCH_AT, &["status", "--json"]));
    let backup_status = in_backup(&["status", "--json"]);
    assert_eq!(backup_status["runs"], live_status["runs"], "the backup's tasks differ");
    let backed_mail = &backup_status["mail"];
    assert!(backed_mail["sent"].as_u64().expect("sent") < BATCH_MAILS as u64, "{backed_mail}");

    // Restore refuses while the engine runs, then puts the backup in place.
    let refused = site.run(BATCH_AT, &["db", "restore", backup_arg]);
    assert_eq!(refused.status.code(), Some(2), "restored under a running engine: {}", stdout(&refused));
    assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
    let out = site.ok(BATCH_AT, &["db", "restore", backup_arg]);
    assert!(out.contains("restored"), "{out}");
    let restored = parse_json(&site.ok(BATCH_AT, &["status", "--json"]));
    assert_eq!(restored, backup_status, "the restored database is not the backup");
}

// --- 6. a read-only database, PostgreSQL's messages -------------------------------------------------

#[test]
fn a_read_only_database_can_still_be_read() {
    let db = TestDb::sqlite();
    let site = Site::new(&db);
    site.ok(BATCH_AT, &["apply"]);
    let folder = db.sqlite_dir().expect("SQLite folder");
    // As root the file mode is no obstacle: a read-only bind mount is. Otherwise the modes do.
    let mounted = Command::new("mount").args(["--bind"]).arg(&folder).arg(&folder).status().is_ok_and(|s| s.success())
        && Command::new("mount").args(["-o", "remount,ro,bind"]).arg(&folder).status().is_ok_and(|s| s.success());
    struct Unmount(PathBuf, bool);
    impl Drop for Unmount {
        fn drop(&mut self) {
            if self.1 {
                let _ = Command::new("umount").arg("-l").arg(&self.0).status();
            } else {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
            }
        }
    }
    let _undo = Unmount(folder.clone(), mounted);
    if !mounted {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db.name, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    let status = site.ok(BATCH_AT, &["status"]);
    assert!(status.contains("spring-festival/2027"), "{status}");
    let mails = site.ok(BATCH_AT, &["mail", "list"]);
    assert!(mails.contains("no mail") || mails.contains("run-opened"), "{mails}");
    site.ok(BATCH_AT, &["task", "list"]);
    let write = site.run(BATCH_AT, &["task", "done", &format!("{RUN}/kickoff/district-org")]);
    assert_eq!(write.status.code(), Some(2), "{}", stdout(&write));
    assert!(stderr(&write).contains("cannot be written"), "{}", stderr(&write));
}

#[test]
fn postgres_errors_carry_their_message_and_code_not_the_servers_source_line() {
    let db = TestDb::postgres();
    let site = Site::new(&db);
    site.ok(BATCH_AT, &["apply"]);
    block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::query("DROP TABLE mail_bodies, mails").execute(&mut conn).await.expect("drop");
    });
    let out = site.run(BATCH_AT, &["mail", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(message.contains("\"mails\" does not exist (SQLSTATE 42P01)"), "{message}");
    assert!(!message.contains("at line"), "{message}");
}

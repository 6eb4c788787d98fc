//! The engine through the real `guiyan` binary against a real SMTP server
//! (`tests/support/smtp_server.py`), on SQLite and PostgreSQL alike: a rehearsed spring-festival
//! season mail by mail, SMTP outages and refusals, SIGKILL at random moments (at-least-once, with
//! exactly the in-flight mail repeated), several engines on one PostgreSQL database, the
//! one-engine-per-SQLite-file lock, graceful stops, `.eml` files and template overrides, and
//! `guiyan simulate`.
//!
//! Each test copies `workflows/` into a temporary folder and runs `guiyan --lang en --now <time>`
//! there with `GUIYAN_DATABASE_URL` pointing at the test's fresh database. `--now` starts the
//! engine's clock at that time; it then runs on in real time. Conditions are awaited by polling
//! with generous deadlines; no assertion is about speed, except the stop-within-5-s of SIGTERM.
//!
//! `GUIYAN_TEST_SEED=N` replays the SIGKILL test with the seed it printed.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::site::*;
use support::smtp::{Mode, Received, SmtpServer, parse_file};
use support::{DbKind, TestDb, for_each_db, guiyan_bin, repo};

// --- 1. a rehearsed season ----------------------------------------------------------------------

/// What the rehearsal does, in order.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// `guiyan run --once --now AT`.
    Run(&'static str),
    /// `guiyan task done RUN/TASK --now AT` with the figures the task's mail asks for.
    Done(&'static str, &'static str),
}

/// The spring-festival 2027 season (opens 01-16 09:00, festival 02-06, closes 03-08 17:30), with a
/// few tasks completed along the way and the rest left to remind, go overdue and escalate.
const SEASON: &[Act] = &[
    // The opening: the district is told the run started and gets the kickoff.
    Act::Run("2027-01-16T09:30:00+08:00"),
    Act::Done("2027-01-16T10:00:00+08:00", "kickoff/district-org"),
    // The work plan opens at once (its dependency is done).
    Act::Run("2027-01-16T10:00:00+08:00"),
    // Its reminder (01-18 09:00); the kickoff's reminder is not sent: it is done.
    Act::Run("2027-01-18T10:00:00+08:00"),
    Act::Done("2027-01-19T10:00:00+08:00", "work-plan/district-org"),
    // The three street offices get their deployment meeting.
    Act::Run("2027-01-19T10:00:00+08:00"),
    // Reminders of 01-21 and 01-23 caught up together: one mail per street.
    Act::Run("2027-01-23T10:00:00+08:00"),
    Act::Done("2027-01-23T12:00:00+08:00", "street-deployment/jiefang"),
    // Jiefang's communities get their publicity task.
    Act::Run("2027-01-23T12:00:00+08:00"),
    // Due 01-24, escalated 01-26 09:00: renmin and binhe are late, the district is told.
    Act::Run("2027-01-26T10:00:00+08:00"),
    Act::Done("2027-01-27T10:00:00+08:00", "street-deployment/renmin"),
    Act::Run("2027-01-27T10:00:00+08:00"),
    // Visits (from 01-30), lectures and talks (from 02-03) open: one digest per unit.
    Act::Run("2027-02-03T10:00:00+08:00"),
    Act::Done("2027-02-03T12:00:00+08:00", "publicity/jiefang-1"),
    Act::Done("2027-02-03T12:00:00+08:00", "family-visits/renmin-1"),
    Act::Run("2027-02-03T12:00:00+08:00"),
    // Publicity due 02-03, escalated to the streets 02-05 and to the district 02-07.
    Act::Run("2027-02-08T10:00:00+08:00"),
    Act::Done("2027-02-10T10:00:00+08:00", "household-visits/jiefang-1"),
    Act::Done("2027-02-10T10:00:00+08:00", "talks/jiefang"),
    // The follow-up of jiefang-1 opens.
    Act::Run("2027-02-10T10:00:00+08:00"),
    Act::Run("2027-02-17T10:00:00+08:00"),
    Act::Run("2027-02-24T10:00:00+08:00"),
    // Done an hour after its reminder time, before any engine ran: no reminder for it.
    Act::Done("2027-02-26T10:00:00+08:00", "follow-up/jiefang-1"),
    Act::Run("2027-02-26T10:00:00+08:00"),
    Act::Run("2027-03-06T10:00:00+08:00"),
    // After the close (03-08 17:30): the run closes, nothing more is sent.
    Act::Run("2027-03-09T10:00:00+08:00"),
];

#[test]
fn a_rehearsed_season_delivers_exactly_the_expected_mails() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        let site = Site::new(db).with_smtp(&smtp);
        let units = site.directory();

        // Each step's new mails, and each completion with the number of steps before it.
        let mut steps: Vec<(&str, Vec<MailRow>)> = Vec::new();
        let mut completed: Vec<(usize, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut summary = String::new();
        for act in SEASON {
            match *act {
                Act::Run(at) => {
                    summary = site.run_once(at);
                    // Reports have their own test (tests/reports.rs); here they are counted below.
                    let new =
                        site.mails().into_iter().filter(|m| m.kind != "report" && seen.insert(m.key.clone())).collect();
                    steps.push((at, new));
                }
                Act::Done(at, task) => {
                    let id = format!("{RUN}/{task}");
                    let command = report_command(&smtp.messages(), &id);
                    let args: Vec<&str> = command.iter().map(String::as_str).collect();
                    let out = site.ok(at, &args);
                    assert!(out.starts_with(&format!("{id} done")), "{out}");
                    completed.push((steps.len(), id));
                }
            }
        }

        // The server holds exactly the database's mails, each once, sent on the first attempt.
        let all = site.mails();
        let received = smtp.messages();
        assert_delivered_exactly_once(&all, &received);
        let by_key = exactly_once(&received);
        let status = site.mail_status();
        assert_eq!(
            (&status["sent"], &status["queued"], &status["failed"], &status["notices_pending"]),
            (&Value::from(all.len()), &Value::from(0), &Value::from(0), &Value::from(0)),
            "{status}"
        );
        // The reports: eight Mondays' weekly report to two leaders and the district, the work
        // report at the close to the two leaders.
        let (reports, mails): (Vec<MailRow>, Vec<MailRow>) = all.into_iter().partition(|m| m.kind == "report");
        assert_eq!(reports.len(), 8 * 3 + 2, "{:#?}", reports.iter().map(|m| &m.key).collect::<Vec<_>>());
        assert_eq!(mails.len(), seen.len());

        for m in &mails {
            let r = &by_key[&m.key];
            assert_eq!((m.attempts, &m.last_error), (1, &None), "{m:?}");
            // Addressed to the unit of units.yaml; the key names campaign, run, kind, recipient.
            let unit = units.get(&m.recipient).unwrap_or_else(|| panic!("{} is not in units.yaml", m.recipient));
            assert_eq!(m.to, unit.email, "{}", m.key);
            assert!(m.key.starts_with(&format!("{RUN}/{}/{}/", m.kind, m.recipient)), "{}", m.key);
            // MIME with a text and an HTML part and the Chinese subject intact.
            assert_eq!((r.content_type.as_str(), r.text_parts, r.html_parts), ("multipart/alternative", 1, 1));
            assert!(r.subject.starts_with(subject_marker(&m.kind)), "{}: {}", m.key, r.subject);
            assert!(r.subject.contains(CAMPAIGN_IN_SUBJECT), "{}: {}", m.key, r.subject);
            assert!(r.text.starts_with(&format!("{}：", unit.name)), "{}:\n{}", m.key, r.text);
            assert!(r.html.contains(&unit.name), "{}: the HTML part does not name the unit", m.key);
            // One mail per unit and step: its kinds are its sections, the lead one first.
            assert_eq!(m.kinds.first(), Some(&m.kind), "{}", m.key);
            // The tasks it lists are the recipient's own, or for an escalation those of units
            // below it; a run-opened section summarizes the run's 51 tasks instead of listing them.
            let listed = listed_tasks(&r.text);
            let has = |kind: &str| m.kinds.iter().any(|k| k == kind);
            let summarized = if has("run-opened") {
                assert_eq!(m.recipient, "district-org", "{}", m.key);
                51
            } else {
                0
            };
            if has("run-closed") {
                // The owner, told after the close of the work left: listed by unit, or summarized
                // by title when long.
                assert_eq!(m.recipient, "district-org", "{}", m.key);
                assert!(
                    listed.is_empty() || listed.len() == m.tasks,
                    "{}: {} of {} listed",
                    m.key,
                    listed.len(),
                    m.tasks
                );
            } else {
                assert_eq!(listed.len() + summarized, m.tasks, "{}: tasks listed in the text", m.key);
            }
            for task in &listed {
                let owner = task.rsplit('/').next().expect("task id has a unit");
                let own = owner == m.recipient;
                let below = (has("escalation") || has("run-closed")) && is_above(&units, &m.recipient, owner);
                assert!(own || below, "{}: {task} is neither its own nor from a unit below", m.key);
            }
        }

        // No mail composed after a task was done names it: no reminder, overdue notice or
        // escalation of finished work.
        for (before, task) in &completed {
            for (at, new) in &steps[*before..] {
                for m in new {
                    let listed = listed_tasks(&by_key[&m.key].text);
                    assert!(!listed.contains(task), "{} (at {at}) names {task}, done before", m.key);
                }
            }
        }
        // The last step comes after the close, when no engine ran: the run closes without a word to
        // the units; the owner alone hears of the unfinished work.
        let (last, after_close) = steps.last().expect("steps");
        assert!(summary.contains("closed 1;"), "the run did not close by {last}: {summary}");
        let told: Vec<(&str, &[String])> = after_close.iter().map(|m| (m.recipient.as_str(), &m.kinds[..])).collect();
        assert_eq!(told, [("district-org", &["run-closed".to_string()][..])], "mail after the close ({last})");

        // The season, mail by mail: the same on both databases.
        let mut lines: Vec<String> = steps
            .iter()
            .flat_map(|(at, new)| {
                new.iter().map(move |m| format!("{at}  {:<21}  {:<28}  {}", m.kinds.join("+"), m.to, m.tasks))
            })
            .collect();
        lines.sort();
        let done: Vec<String> = SEASON
            .iter()
            .filter_map(|act| match act {
                Act::Done(at, task) => Some(format!("{task} at {at}")),
                Act::Run(_) => None,
            })
            .collect();
        let description = format!(
            "Each mail: the `run --once` instant that sent it, its kinds (sections), recipient, tasks. Done meanwhile: {}",
            done.join("; ")
        );
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!("rehearsed_season", lines.join("\n"));
        });
    });
}

// --- 2. SMTP down, refusing, back ---------------------------------------------------------------

/// A fresh database at this moment: the run opens late, a dozen mails are due at once.
const SMTP_DOWN_AT: &str = "2027-02-08T10:00:00+08:00";
/// Later: new reminders, among them one to jiefang-1 (family visits and lectures).
const REFUSED_AT: &str = "2027-02-16T10:00:00+08:00";
const JF1: &str = "jf1@shili.example.gov.cn";

#[test]
fn mail_waits_while_smtp_is_down_is_delivered_once_when_it_is_back_and_a_refusal_can_be_retried() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        smtp.set_mode(Mode::Tempfail, &[]);
        let site = Site::new(db)
            .with_smtp(&smtp)
            .with_env("GUIYAN_MAIL_RETRY_FIRST_SECONDS", "1")
            .with_env("GUIYAN_MAIL_RETRY_MAX_SECONDS", "2");

        // The server answers 451: every mail is tried, kept and retried; nothing arrives.
        let mut engine = site.spawn_engine(SMTP_DOWN_AT);
        let deferred = wait_for("every mail to be tried and deferred", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            let mails = site.mails();
            let tried = |m: &MailRow| m.attempts >= 1 && m.last_error.is_some();
            if !mails.is_empty() && mails.iter().all(tried) { Ok(mails) } else { Err(format!("mails: {mails:?}")) }
        });
        assert_eq!(smtp.count(), 0, "the server refused everything, yet mail arrived");
        for m in &deferred {
            assert!(m.state == "queued" || m.state == "sending", "{m:?}");
            assert!(m.last_error.as_deref().is_some_and(|e| e.contains("451")), "{m:?}");
        }
        let status = site.mail_status();
        assert_eq!((&status["sent"], &status["failed"]), (&Value::from(0), &Value::from(0)), "{status}");

        // Back: each mail arrives once, on a later attempt.
        smtp.set_mode(Mode::Accept, &[]);
        let sent = wait_for("every mail to be sent once the server accepts", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            let mails = site.mails();
            let all_sent = mails.iter().all(|m| m.state == "sent");
            if all_sent && smtp.count() >= mails.len() { Ok(mails) } else { Err(format!("mails: {mails:?}")) }
        });
        assert_eq!(sent.len(), deferred.len(), "mails composed while the server was down");
        assert_delivered_exactly_once(&sent, &smtp.messages());
        for m in &sent {
            assert!(m.attempts >= 2 && m.last_error.is_none(), "{m:?}");
        }
        assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());

        // A permanent refusal of one recipient: that mail fails, the others go.
        smtp.set_mode(Mode::Accept, &[JF1]);
        let mut engine = site.spawn_engine(REFUSED_AT);
        let after = wait_for("the new mails to be sent or failed", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            let mails = site.mails();
            let settled = mails.iter().all(|m| m.state == "sent" || m.state == "failed");
            if settled && mails.len() > sent.len() { Ok(mails) } else { Err(format!("mails: {mails:?}")) }
        });
        let failed = site.mails_where(&["--failed"]);
        assert_eq!(failed.len(), 1, "one failed mail: {failed:?}");
        let refused = failed[0].clone();
        assert_eq!((refused.to.as_str(), refused.attempts), (JF1, 1), "{refused:?}");
        assert!(refused.last_error.as_deref().is_some_and(|e| e.contains("550")), "{refused:?}");
        let others: Vec<MailRow> = after.iter().filter(|m| m.key != refused.key).cloned().collect();
        assert_delivered_exactly_once(&others, &smtp.messages());
        let status = site.ok(REFUSED_AT, &["status"]);
        assert!(status.contains(&format!("mail: {} sent, 0 waiting, 1 failed", others.len())), "{status}");
        assert!(status.contains("guiyan mail list --failed"), "{status}");
        assert_eq!(site.mail_status()["failed"], 1);

        // Fixed: `mail retry` re-queues it, the running engine delivers it, once.
        smtp.set_mode(Mode::Accept, &[]);
        let id = refused.id.to_string();
        let out = site.ok(REFUSED_AT, &["mail", "retry", &id]);
        assert!(out.contains("re-queued"), "{out}");
        let all = wait_for("the running engine to deliver the retried mail", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            let mails = site.mails();
            let delivered = smtp.messages().iter().any(|r| r.key == refused.key);
            if delivered && mails.iter().all(|m| m.state == "sent") { Ok(mails) } else { Err(format!("{mails:?}")) }
        });
        assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
        assert_eq!(all.len(), after.len());
        assert_delivered_exactly_once(&all, &smtp.messages());
        let retried = all.iter().find(|m| m.key == refused.key).expect("the retried mail");
        assert_eq!((retried.state.as_str(), retried.attempts), ("sent", 2), "{retried:?}");
        let again = site.run(REFUSED_AT, &["mail", "retry", &id]);
        assert_eq!(again.status.code(), Some(1), "a mail no longer failed cannot be retried: {}", stderr(&again));
        assert!(stderr(&again).contains("no failed mail"), "{}", stderr(&again));
        let missing = site.run(REFUSED_AT, &["mail", "retry", "no/such/mail"]);
        assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    });
}

// --- 3. SIGKILL at random moments ---------------------------------------------------------------

/// SplitMix64: a seeded generator, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `GUIYAN_TEST_SEED`, or a fresh random seed.
fn seed() -> u64 {
    match std::env::var("GUIYAN_TEST_SEED") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("GUIYAN_TEST_SEED={text} is not a number")),
        Err(_) => {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.finish() % 1_000_000
        }
    }
}

/// The moments each restarted engine starts at (later and later, so new work keeps appearing),
/// with the tasks completed (no figures needed) just before.
const KILL_CYCLES: &[(&str, &[&str])] = &[
    ("2027-01-16T09:30:00+08:00", &[]),
    ("2027-01-17T10:00:00+08:00", &["kickoff/district-org"]),
    ("2027-01-18T10:00:00+08:00", &["work-plan/district-org"]),
    (
        "2027-01-20T10:00:00+08:00",
        &["street-deployment/street-1", "street-deployment/street-2", "street-deployment/street-3"],
    ),
    ("2027-01-23T10:00:00+08:00", &[]),
    ("2027-01-26T10:00:00+08:00", &[]),
    ("2027-02-01T10:00:00+08:00", &[]),
    ("2027-02-03T10:00:00+08:00", &[]),
    ("2027-02-06T10:00:00+08:00", &[]),
    ("2027-02-08T10:00:00+08:00", &[]),
    ("2027-02-16T10:00:00+08:00", &[]),
    ("2027-02-21T10:00:00+08:00", &[]),
];
/// The final run, after every cycle: delivers whatever the killed engines left.
const AFTER_KILLS: &str = "2027-02-26T10:00:00+08:00";

#[test]
fn sigkill_at_random_moments_loses_no_mail_and_repeats_only_the_mail_in_flight() {
    let seed = seed();
    eprintln!("SIGKILL test seed {seed} (replay with GUIYAN_TEST_SEED={seed})");
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        // A little slowness at DATA keeps several mails in flight at any moment.
        smtp.control(Mode::Accept, &[], 25);
        let site = Site::new(db).with_smtp(&smtp).with_directory(4, 6);
        let mut rng = Rng(seed ^ if db.kind == DbKind::Sqlite { 0 } else { 0x5eed });
        site.ok(KILL_CYCLES[0].0, &["apply"]);
        let mut sent_logs: Vec<(String, bool)> = Vec::new();
        let mut kills = Vec::new();
        for (at, done) in KILL_CYCLES {
            for task in *done {
                site.ok(at, &["task", "done", &format!("{RUN}/{task}")]);
            }
            let mut engine = site.spawn_engine(at);
            // Half the time at any moment from the start, half while mail is going out.
            let wait_ms = if rng.below(2) == 0 {
                rng.below(900)
            } else {
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(5) && engine.sent().is_empty() && engine.is_running() {
                    std::thread::sleep(Duration::from_millis(5));
                }
                rng.below(300)
            };
            std::thread::sleep(Duration::from_millis(wait_ms));
            assert!(engine.is_running(), "an engine ended by itself: {}", engine.describe());
            engine.kill();
            kills.push(format!("{at}+{wait_ms}ms:{}", engine.sent().len()));
            sent_logs.extend(engine.sent());
            if db.kind == DbKind::Sqlite {
                assert!(site.sqlite_lock_is_free(), "SIGKILL left the engine lock held");
            }
        }
        // Right after the last SIGKILL, an engine starts and delivers what is left.
        let out = site.run(AFTER_KILLS, &["run", "--once", "--log-format", "json"]);
        assert_eq!(out.status.code(), Some(0), "the run after the kills failed:\n{}{}", stdout(&out), stderr(&out));
        for line in stderr(&out).lines() {
            let Ok(log) = serde_json::from_str::<Value>(line) else { continue };
            if log["message"] == "mail sent" {
                let key = log["key"].as_str().expect("key").to_string();
                sent_logs.push((key, log["resumed"].as_bool().expect("resumed")));
            }
        }

        // Every mail composed was delivered, as composed; nothing else arrived.
        let mails = site.mails();
        assert!(mails.len() > 50, "too little mail to test with: {}", mails.len());
        let status = site.mail_status();
        assert_eq!(status["notices_pending"], 0, "{status}");
        let stored: BTreeMap<&str, &MailRow> = mails.iter().map(|m| (m.key.as_str(), m)).collect();
        let received = smtp.messages();
        let mut deliveries: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &received {
            let m =
                stored.get(r.key.as_str()).unwrap_or_else(|| panic!("{} arrived but is not in the database", r.key));
            assert_eq!((&r.message_id, &r.to), (&m.message_id, &m.to), "{}", r.key);
            *deliveries.entry(&r.key).or_default() += 1;
        }
        for m in &mails {
            assert_eq!(m.state, "sent", "{m:?}");
            assert!(deliveries.contains_key(m.key.as_str()), "{} was never delivered", m.key);
        }
        // A mail arrived twice only if a killed process had it in flight: its next delivery was
        // logged as resumed.
        let resumed: BTreeSet<&str> = sent_logs.iter().filter(|(_, r)| *r).map(|(k, _)| k.as_str()).collect();
        let repeated: Vec<(&str, usize)> = deliveries.iter().filter(|(_, n)| **n > 1).map(|(k, n)| (*k, *n)).collect();
        for (key, n) in &repeated {
            assert!(resumed.contains(key), "{key} arrived {n} times but was never resumed after a kill");
        }
        eprintln!(
            "[{}] seed {seed}: {} kills ({}), {} mails, {} deliveries, {} resumed, {} delivered more than once: {:?}",
            db.kind,
            kills.len(),
            kills.join(" "),
            mails.len(),
            received.len(),
            resumed.len(),
            repeated.len(),
            repeated
        );
    });
}

// --- 4. several engines on one PostgreSQL database ----------------------------------------------

#[test]
fn three_engines_on_one_postgres_database_deliver_every_mail_exactly_once() {
    // PostgreSQL only: SQLite serves one engine per file (see the lock test below).
    let db = TestDb::postgres();
    let smtp = SmtpServer::start();
    smtp.control(Mode::Accept, &[], 10);
    // Large enough that one engine cannot claim it all in one batch (200 mails).
    let site = Site::new(&db).with_smtp(&smtp).with_directory(10, 14);
    site.ok("2027-01-16T09:30:00+08:00", &["apply"]);
    site.ok("2027-01-16T12:00:00+08:00", &["task", "done", &format!("{RUN}/kickoff/district-org")]);
    site.ok("2027-01-18T12:00:00+08:00", &["task", "done", &format!("{RUN}/work-plan/district-org")]);
    for street in 1..=6 {
        site.ok("2027-01-20T12:00:00+08:00", &["task", "done", &format!("{RUN}/street-deployment/street-{street}")]);
    }
    let mut per_engine = Vec::new();
    for at in ["2027-02-06T10:00:00+08:00", "2027-02-21T10:00:00+08:00"] {
        let mut engines: Vec<EngineProcess> = (0..3).map(|_| site.spawn_engine(at)).collect();
        // Settled: nothing pending, queued or in flight, and the server has every sent mail; twice
        // in a row, a second apart (the engines look for work every second).
        let mut settled_once = false;
        wait_for("the three engines to deliver everything", PATIENCE, || {
            for engine in &mut engines {
                assert!(engine.is_running(), "{}", engine.describe());
            }
            let status = site.mail_status();
            let idle = status["queued"] == 0 && status["sending"] == 0 && status["notices_pending"] == 0;
            let sent = status["sent"].as_u64().unwrap_or_default();
            let settled = idle && sent > 0 && smtp.count() as u64 >= sent;
            if settled && settled_once {
                return Ok(());
            }
            settled_once = settled;
            std::thread::sleep(Duration::from_millis(1000));
            Err(format!("status {status}, {} delivered", smtp.count()))
        });
        for engine in &mut engines {
            assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
            per_engine.push(engine.sent().len());
        }
    }
    let mails = site.mails();
    assert!(mails.len() > 300, "too little mail to test with: {}", mails.len());
    let stuck: Vec<&MailRow> = mails.iter().filter(|m| m.state == "queued" || m.state == "sending").collect();
    assert!(stuck.is_empty(), "mail left queued or sending: {stuck:?}");
    assert_delivered_exactly_once(&mails, &smtp.messages());
    eprintln!("three engines, two rounds: {} mails, sent per engine {per_engine:?}", mails.len());
}

// --- 5. one engine per SQLite file ----------------------------------------------------------------

const SERVE_AT: &str = "2027-01-20T10:00:00+08:00";

#[test]
fn a_second_engine_is_refused_on_one_sqlite_file_until_the_first_is_killed_and_joins_on_postgres() {
    for_each_db(|db| {
        let site = Site::new(db);
        let mut first = site.spawn_engine(SERVE_AT);
        first.wait_ready();
        match db.kind {
            DbKind::Sqlite => {
                let mut second = site.spawn_engine(SERVE_AT);
                assert_eq!(second.wait_exit(PATIENCE).code(), Some(2), "{}", second.describe());
                let err = second.stderr();
                assert!(err.contains("another `guiyan run` is already serving"), "{err}");
                assert!(err.contains(&db.name) && err.contains(".engine-lock"), "names the file and lock: {err}");
                let mut chinese = site.spawn_engine_lang(None, SERVE_AT);
                assert_eq!(chinese.wait_exit(PATIENCE).code(), Some(2), "{}", chinese.describe());
                assert!(chinese.stderr().contains("已有一个 guiyan run"), "{}", chinese.stderr());
                assert!(first.is_running(), "the refused engines stopped the first: {}", first.describe());

                // SIGKILL frees the file at once.
                first.kill();
                let mut next = site.spawn_engine(SERVE_AT);
                next.wait_ready();
                assert_eq!(next.terminate().code(), Some(0), "{}", next.describe());
            }
            DbKind::Postgres => {
                // PostgreSQL takes several engines.
                let mut second = site.spawn_engine(SERVE_AT);
                second.wait_ready();
                assert!(first.is_running(), "{}", first.describe());
                assert_eq!(second.terminate().code(), Some(0), "{}", second.describe());
                assert_eq!(first.terminate().code(), Some(0), "{}", first.describe());
            }
        }
    });
}

// --- 6. SIGTERM ----------------------------------------------------------------------------------

#[test]
fn sigterm_stops_a_serving_engine_within_5_seconds_with_exit_0() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        let site = Site::new(db).with_smtp(&smtp);
        let mut engine = site.spawn_engine(SERVE_AT);
        engine.wait_ready();
        wait_for("the due mail to be delivered", PATIENCE, || {
            let mails = site.mails();
            let done = !mails.is_empty() && mails.iter().all(|m| m.state == "sent");
            if done { Ok(()) } else { Err(format!("mails: {mails:?}")) }
        });
        // terminate() allows STOP_LIMIT (5 s).
        let status = engine.terminate();
        assert_eq!(status.code(), Some(0), "{}", engine.describe());
        assert!(engine.logs().iter().any(|l| l["message"] == "stopped"), "{}", engine.describe());
    });
}

#[test]
/// Regression test: `guiyan run` opened a run from the campaigns it had read at its start and
/// recorded them as the newest definition, undoing one edited and applied while it ran.
fn a_campaign_edited_and_applied_while_the_engine_runs_is_the_one_its_next_run_opens_from() {
    const BUNDLED: &str = "联系清明返乡的乡土人才,更新人才档案";
    const EDITED: &str = "联系清明返乡人才（已修订）";
    for_each_db(|db| {
        let site = Site::new(db);
        // The clock runs on from here: the Qingming run opens 20 seconds later.
        let mut engine = site.spawn_engine("2027-03-26T08:59:40+08:00");
        engine.wait_ready();
        let path = site.path().join("workflows/qingming.yaml");
        let text = std::fs::read_to_string(&path).expect("read qingming.yaml");
        assert!(text.contains(BUNDLED), "the bundled title");
        std::fs::write(&path, text.replacen(BUNDLED, EDITED, 1)).expect("write qingming.yaml");
        site.ok("2027-03-26T08:59:41+08:00", &["apply"]);
        let titles = wait_for("the Qingming run to open", PATIENCE, || {
            let listed = site.ok("2027-03-26T09:05:00+08:00", &["task", "list", "--run", "qingming/2027", "--json"]);
            let titles: Vec<String> = parse_json(&listed)
                .as_array()
                .map(|tasks| tasks.iter().filter_map(|t| t["title"].as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if titles.is_empty() { Err(format!("no task yet; {}", engine.describe())) } else { Ok(titles) }
        });
        assert!(titles.iter().any(|t| t == EDITED), "{titles:?}");
        assert!(!titles.iter().any(|t| t == BUNDLED), "{titles:?}");
        assert_eq!(engine.terminate().code(), Some(0), "{}", engine.describe());
    });
}

#[test]
/// Regression test: on SIGTERM the engine used to send every mail of the batch it had claimed (up to
/// 200, queued behind the SMTP connections, each up to the timeout) instead of releasing the rest.
fn sigterm_while_mail_goes_out_stops_within_5_seconds_and_releases_the_rest() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        // Three seconds per message, four connections: a dozen mails take about ten seconds.
        smtp.control(Mode::Accept, &[], 3000);
        let site = Site::new(db).with_smtp(&smtp);
        let mut engine = site.spawn_engine(SMTP_DOWN_AT);
        wait_for("the first mail to arrive", PATIENCE, || {
            assert!(engine.is_running(), "{}", engine.describe());
            if smtp.count() > 0 { Ok(()) } else { Err(String::new()) }
        });
        let status = engine.terminate();
        assert_eq!(status.code(), Some(0), "{}", engine.describe());
        let stuck: Vec<MailRow> = site.mails().into_iter().filter(|m| m.state == "sending").collect();
        assert!(stuck.is_empty(), "claims not released: {stuck:?}");
        // Whatever was not sent goes with the next run (an hour later: the stopped engine's clock ran
        // on from SMTP_DOWN_AT, and released claims are due from its time); at least once each.
        smtp.control(Mode::Accept, &[], 0);
        site.run_once("2027-02-08T11:00:00+08:00");
        let mails = site.mails();
        let delivered: BTreeSet<String> = smtp.messages().into_iter().map(|r| r.key).collect();
        for m in &mails {
            assert!(m.state == "sent" && delivered.contains(&m.key), "{m:?}");
        }
    });
}

// --- 7. .eml files and template overrides ----------------------------------------------------------

#[test]
fn text_logs_into_a_file_or_a_pipe_carry_no_colour_codes() {
    // Regression: `guiyan run` wrote ANSI colour codes into log files and journals.
    let db = TestDb::sqlite();
    let site = Site::new(&db);
    let out = site.run(SMTP_DOWN_AT, &["run", "--once"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let logs = stderr(&out);
    assert!(logs.contains("mail sent") && logs.contains("key="), "{logs}");
    assert!(!logs.contains('\u{1b}'), "colour codes in {logs:?}");
}

#[test]
fn mail_list_shows_times_in_the_campaigns_time_zone() {
    // Regression: `mail list` showed every time in Asia/Shanghai, whatever the campaign said.
    let db = TestDb::sqlite();
    let site = Site::new(&db);
    let file = site.path().join("workflows/spring-festival.yaml");
    let text = std::fs::read_to_string(&file).expect("read the campaign");
    assert!(text.contains("\ntimezone: Asia/Shanghai\n"), "update this test");
    std::fs::write(&file, text.replace("\ntimezone: Asia/Shanghai\n", "\ntimezone: Asia/Urumqi\n")).expect("write");
    site.run_once(SMTP_DOWN_AT);
    let json: Value = serde_json::from_str(&site.ok(SMTP_DOWN_AT, &["mail", "list", "--json"])).expect("JSON");
    let mails = json["mails"].as_array().expect("mails");
    assert!(!mails.is_empty());
    assert!(mails.iter().all(|m| m["timezone"] == "Asia/Urumqi"), "{mails:?}");
    // 10:00 in Beijing is 08:00 in Urumqi (UTC+6).
    let listed = site.ok(SMTP_DOWN_AT, &["mail", "list"]);
    let lines: Vec<&str> = listed.lines().filter(|l| l.contains("2027-02-")).collect();
    assert_eq!(lines.len(), mails.len(), "{listed}");
    assert!(lines.iter().all(|l| l.contains("2027-02-08 08:00")), "{listed}");
}

#[test]
fn without_smtp_mail_goes_to_eml_files_and_templates_are_overridden_from_workflows() {
    for_each_db(|db| {
        let site = Site::new(db);
        let templates = site.path().join("workflows/templates");
        std::fs::create_dir(&templates).expect("create workflows/templates");
        std::fs::write(
            templates.join("assigned.subject.txt"),
            "【测试覆盖】{{ campaign.name }}：{{ task_count }}项新任务\n",
        )
        .expect("write the override");

        let summary = site.run_once(SMTP_DOWN_AT);
        let mails = site.mails();
        assert!(summary.contains(&format!("mails composed {n}, sent {n},", n = mails.len())), "{summary}");
        let outbox = site.path().join("outbox");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&outbox)
            .unwrap_or_else(|e| panic!("no outbox/ folder: {e}"))
            .map(|e| e.expect("outbox entry").path())
            .collect();
        files.sort();
        assert!(files.iter().all(|f| f.extension().is_some_and(|e| e == "eml")), "{files:?}");
        assert_eq!(files.len(), mails.len(), "one .eml file per mail: {files:?}");
        let received: Vec<Received> = files.iter().map(|f| parse_file(f)).collect();
        let by_key = exactly_once(&received);
        let kinds: BTreeSet<&str> = mails.iter().flat_map(|m| m.kinds.iter().map(String::as_str)).collect();
        assert!(kinds.contains("assigned") && kinds.len() > 1, "{kinds:?}");
        for m in &mails {
            let r = by_key.get(&m.key).unwrap_or_else(|| panic!("no .eml file for {}", m.key));
            assert_eq!((&r.message_id, &r.subject, &r.to), (&m.message_id, &m.subject, &m.to));
            assert_eq!((r.content_type.as_str(), r.text_parts, r.html_parts), ("multipart/alternative", 1, 1));
            if m.kinds == ["assigned"] {
                assert_eq!(r.subject, format!("【测试覆盖】春节期间乡土人才联络和回归工作：{}项新任务", m.tasks));
            } else if m.kind == "assigned" {
                // The lead section names the mail; its count is its own, not the other sections'.
                assert!(r.subject.starts_with("【测试覆盖】春节期间乡土人才联络和回归工作："), "{}", r.subject);
            } else if m.kind == "report" {
                // A report's subject is its title and run.
                assert!(r.subject.ends_with("（2027）"), "report subject: {}", r.subject);
            } else {
                assert!(r.subject.starts_with(subject_marker(&m.kind)), "built-in subject: {}", r.subject);
            }
        }

        // A syntax error in an override stops the engine before anything is done, naming the
        // file and the line.
        std::fs::write(templates.join("assigned.txt"), "{{ recipient.unit_name }}：\n\n{{ task_count + }}\n末行\n")
            .expect("write the broken override");
        let out = site.run(REFUSED_AT, &["run", "--once"]);
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "a broken template was accepted: {}", stdout(&out));
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains("workflows/templates/assigned.txt:3:"), "names the file and line: {err}");
        assert_eq!(site.mails().len(), mails.len(), "mail was composed with a broken template");
        assert_eq!(std::fs::read_dir(&outbox).expect("outbox").count(), files.len(), "mail was written");
        assert_eq!(site.mail_status()["notices_pending"], 0, "the broken run ticked: {}", site.mail_status());
    });
}

// --- 8. guiyan simulate -----------------------------------------------------------------------------

/// `guiyan simulate` of the 2027 spring-festival season, as JSON.
fn simulate(rate: &str, seed: &str) -> (String, Value) {
    let dir = tempfile::Builder::new().prefix("guiyan-simulate-").tempdir().expect("tempdir");
    let out = Command::new(guiyan_bin())
        .current_dir(dir.path())
        .env_remove("GUIYAN_DATABASE_URL")
        .env_remove("GUIYAN_NOW")
        .args(["--lang", "en", "simulate"])
        .arg(repo().join("workflows"))
        .args(["--from", "2027-01-01", "--to", "2027-03-31", "--complete-rate", rate, "--seed", seed, "--json"])
        .output()
        .expect("run guiyan simulate");
    assert_eq!(out.status.code(), Some(0), "simulate failed:\n{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let json = parse_json(&text);
    (text, json)
}

fn escalations(timeline: &Value) -> u64 {
    timeline["mails"]["escalation"].as_u64().unwrap_or(0)
}

#[test]
fn simulate_plays_the_season_reproducibly_and_more_completion_means_fewer_escalations() {
    let (first, timeline) = simulate("0.8", "7");
    let (second, _) = simulate("0.8", "7");
    assert_eq!(first, second, "the same seed gave a different season");

    let entries = timeline["entries"].as_array().expect("entries");
    let events: BTreeSet<&str> = entries.iter().filter_map(|e| e["event"].as_str()).collect();
    for event in ["run-opened", "mail", "task-completed", "run-closed"] {
        assert!(events.contains(event), "no {event} in the timeline: {events:?}");
    }
    assert!(
        entries.iter().any(|e| e["event"] == "run-opened" && e["campaign"] == "spring-festival" && e["run"] == "2027"),
        "spring-festival/2027 did not open"
    );
    // The timeline is in time order and its mail totals add up.
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = entries
        .iter()
        .map(|e| chrono::DateTime::parse_from_rfc3339(e["at"].as_str().expect("at")).expect("RFC 3339"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "entries out of order");
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for e in entries.iter().filter(|e| e["event"] == "mail") {
        *by_kind.entry(e["kind"].as_str().expect("kind").to_string()).or_default() += 1;
    }
    let totals: BTreeMap<String, u64> = timeline["mails"]
        .as_object()
        .expect("mails")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("count")))
        .collect();
    assert_eq!(by_kind, totals);
    let completed = entries.iter().filter(|e| e["event"] == "task-completed").count() as u64;
    assert_eq!(timeline["tasks_completed"], completed);

    // More completion, fewer escalations: never more as the rate goes up, and fewer at 1 than at 0.
    let counts: Vec<(&str, u64)> =
        ["0.0", "0.5", "1.0"].iter().map(|r| (*r, escalations(&simulate(r, "7").1))).collect();
    assert!(counts.windows(2).all(|w| w[0].1 >= w[1].1), "escalations by completion rate: {counts:?}");
    assert!(counts[2].1 < counts[0].1, "escalations by completion rate: {counts:?}");
}

#[test]
fn smtps_to_a_server_with_a_private_ca_delivers_once_smtp_ca_file_names_the_ca() {
    let db = TestDb::sqlite();
    let smtp = SmtpServer::start_tls(true);
    let site = Site::new(&db).with_env("GUIYAN_SMTP_URL", &smtp.smtps_url());

    // The server's certificate is signed by a CA no public root vouches for: every mail is
    // deferred (a transient failure: the setting can be fixed), nothing arrives.
    let summary = site.ok(SMTP_DOWN_AT, &["run", "--once"]);
    let mails = site.mails();
    assert!(!mails.is_empty());
    assert!(summary.contains(&format!("sent 0, deferred {}, failed 0", mails.len())), "{summary}");
    assert_eq!(smtp.count(), 0);
    assert!(mails.iter().all(|m| m.last_error.as_deref().is_some_and(|e| e.contains("certificate"))), "{mails:?}");

    // A CA file that cannot be read is a clear error naming the setting and the file; no mail moves.
    let missing = site.path().join("no-such-ca.pem");
    let broken = Site { env: site.env.clone(), ..Site::new(&db) }
        .with_env("GUIYAN_SMTP_CA_FILE", missing.to_str().expect("UTF-8 path"));
    let out = broken.run(AFTER_KILLS, &["run", "--once"]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(err.contains("smtp_ca_file") && err.contains("no-such-ca.pem") && !err.contains("panicked"), "{err}");
    assert_eq!(smtp.count(), 0);

    // Trusting the CA, the deferred mails go out when they are due again, each exactly once.
    let trusting = Site { env: site.env.clone(), ..Site::new(&db) }
        .with_env("GUIYAN_SMTP_CA_FILE", smtp_test_server::tls_file("ca.pem").to_str().expect("UTF-8 path"));
    trusting.run_once(AFTER_KILLS);
    let received = smtp.messages();
    let by_key = exactly_once(&received);
    let sent: Vec<MailRow> = trusting.mails().into_iter().filter(|m| m.state == "sent").collect();
    assert_eq!(by_key.len(), sent.len(), "every sent mail arrived once");
    for m in &mails {
        assert!(by_key.contains_key(&m.key), "{} was not delivered over SMTPS", m.key);
    }
}

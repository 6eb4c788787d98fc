//! The engine through its public API on a real SQLite file, with a virtual clock and captured mail:
//! catch-up after downtime, nothing twice, digests per recipient, settled work left alone, and a
//! simulated season. (The binary, both databases and a real SMTP server: `tests/tests/engine.rs`.)

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use engine::{Engine, EngineConfig, Mailer, SimulationOptions, VirtualClock};
use store::{Actor, MailState, Source, Store, TaskFilter};

fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows").canonicalize().expect("workflows/")
}

fn workflows() -> campaign::Workflows {
    load_folder(&workflows_dir()).expect("the bundled workflows/ load")
}

/// The campaigns of the `.yaml` files in `folder`, as they are on disk now, or their diagnostics.
fn load_folder(folder: &Path) -> Result<campaign::Workflows, String> {
    let mut files = campaign::MemoryFiles::default();
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(folder).expect("the workflows folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.0.insert(path.clone(), std::fs::read(&path).expect("read"));
            paths.push(path);
        }
    }
    paths.sort();
    let (workflows, diagnostics) = campaign::load(&paths, &files);
    if diagnostics.is_empty() {
        Ok(workflows)
    } else {
        Err(diagnostics.iter().map(|d| d.render(campaign::Lang::En)).collect::<Vec<_>>().join("; "))
    }
}

/// A scratch copy of the bundled `workflows/` to edit while an engine runs.
fn scratch_workflows() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(workflows_dir()).expect("workflows/") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("a name"))).expect("copy");
        }
    }
    dir
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

/// An engine on a fresh SQLite file with a virtual clock and captured mail.
struct Rig {
    _dir: tempfile::TempDir,
    url: String,
    clock: VirtualClock,
    capture: mail::CaptureTransport,
}

impl Rig {
    fn new(start: &str) -> Rig {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("guiyan.db").display());
        Rig { _dir: dir, url, clock: VirtualClock::new(at(start)), capture: mail::CaptureTransport::new() }
    }

    /// A new engine process on the same database (as after a restart).
    async fn engine(&self) -> Engine {
        let store = Store::open(&self.url).await.expect("open");
        let templates = mail::Templates::load(None).expect("templates");
        let mailer = Mailer::new(templates, "归雁 <guiyan@example.org>").expect("mailer");
        let transport = mail::Transport::Capture(self.capture.clone());
        let config = EngineConfig { worker: "test".into(), ..EngineConfig::default() };
        Engine::new(store, workflows(), mailer, transport, Arc::new(self.clock.clone()), config).expect("engine")
    }

    /// A new engine that reads its campaigns from `folder`, again before it opens a run, as
    /// `guiyan run` does.
    async fn engine_reading(&self, folder: &Path) -> Engine {
        let store = Store::open(&self.url).await.expect("open");
        let templates = mail::Templates::load(None).expect("templates");
        let mailer = Mailer::new(templates, "归雁 <guiyan@example.org>").expect("mailer");
        let transport = mail::Transport::Capture(self.capture.clone());
        let config = EngineConfig { worker: "test".into(), ..EngineConfig::default() };
        let workflows = load_folder(folder).expect("the scratch workflows load");
        let folder = folder.to_path_buf();
        Engine::new(store, workflows, mailer, transport, Arc::new(self.clock.clone()), config)
            .expect("engine")
            .rereading_with(Box::new(move || load_folder(&folder)))
    }

    /// Captured mails as (kind, recipient unit, key).
    fn mails(&self) -> Vec<(String, String, String)> {
        self.capture
            .taken()
            .into_iter()
            .map(|(key, _)| {
                let parts: Vec<&str> = key.split('/').collect();
                (parts[2].to_string(), parts[3].to_string(), key.clone())
            })
            .collect()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

#[test]
fn a_run_opens_with_one_digest_per_unit_the_owners_saying_the_run_opened() {
    runtime().block_on(async {
        let rig = Rig::new("2027-01-16T09:00:00+08:00");
        let engine = rig.engine().await;
        let report = engine.step().await.expect("step");
        assert_eq!(report.runs_opened.len(), 1, "{report:?}");
        let mails = rig.mails();
        // The owner's one mail assigns its kickoff and says the run opened.
        let composed = &report.mails_composed;
        let owner: Vec<_> = composed.iter().filter(|m| m.kinds.iter().any(|k| k == "run-opened")).collect();
        assert_eq!(owner.len(), 1, "{composed:?}");
        assert_eq!(
            (owner[0].recipient.as_str(), &owner[0].kinds[..]),
            ("district-org", &["assigned".to_string(), "run-opened".to_string()][..])
        );
        // One mail per recipient: a digest, never one per task or per kind.
        let mut recipients: Vec<&str> = mails.iter().map(|(_, r, _)| r.as_str()).collect();
        let total = recipients.len();
        recipients.sort();
        recipients.dedup();
        assert_eq!(recipients.len(), total, "two mails to one unit at one moment: {mails:?}");
        assert_eq!(report.mails_sent, total);
    });
}

#[test]
fn a_restarted_engine_sends_nothing_twice() {
    runtime().block_on(async {
        let rig = Rig::new("2027-01-25T10:00:00+08:00");
        let first = rig.engine().await;
        first.step().await.expect("step");
        let sent = rig.mails().len();
        assert!(sent > 0);
        drop(first);
        let second = rig.engine().await;
        second.apply_all().await.expect("apply on start");
        let report = second.step().await.expect("step");
        assert!(report.mails_composed.is_empty() && report.mails_sent == 0, "{report:?}");
        assert!(rig.mails().is_empty());
    });
}

#[test]
fn after_downtime_what_fell_due_happens_once_and_stale_reminders_fold_into_the_overdue_notice() {
    runtime().block_on(async {
        let rig = Rig::new("2027-01-16T09:00:00+08:00");
        let engine = rig.engine().await;
        engine.step().await.expect("opening");
        // The district completes its two first tasks at once: the street offices' tasks open.
        let actor = Actor { name: "test".into(), source: Source::Cli };
        for task in ["kickoff", "work-plan"] {
            let id = format!("spring-festival/2027/{task}/district-org");
            store::complete_task(
                engine.store(),
                &id,
                &[],
                store::Note::default(),
                at("2027-01-16T10:00:00+08:00"),
                &actor,
            )
            .await
            .expect("done");
        }
        rig.clock.set(at("2027-01-16T10:00:00+08:00"));
        engine.step().await.expect("assignments");
        rig.mails();
        // Down for three weeks: the streets' reminders (01-21, 01-23), due time (01-24) and
        // escalation to the district (01-26) all passed meanwhile.
        rig.clock.set(at("2027-02-06T10:00:00+08:00"));
        let report = engine.step().await.expect("catch-up");
        let mails = rig.mails();
        let composed = &report.mails_composed;
        let streets = ["jiefang", "renmin", "binhe"];
        for street in streets {
            let to_street: Vec<&Vec<String>> =
                composed.iter().filter(|m| m.recipient == street).map(|m| &m.kinds).collect();
            // One mail: overdue first, then their `talks` task, which started on 02-03 during the
            // downtime and is assigned now, late; no stale reminder.
            assert_eq!(to_street, vec![&vec!["overdue".to_string(), "assigned".to_string()]], "{street}");
        }
        let escalations: Vec<_> = composed.iter().filter(|m| m.kinds.iter().any(|k| k == "escalation")).collect();
        assert_eq!(escalations.len(), 1, "one escalation digest to the district: {mails:?}");
        assert_eq!(escalations[0].recipient, "district-org");
        let listed = store::list_mails(engine.store(), None, 1000).await.expect("mails");
        let escalation = listed.iter().find(|m| m.kind == "escalation").expect("escalation row");
        assert_eq!(escalation.tasks, 3, "the district's mail lists all three streets' overdue tasks");
        assert!(report.mails_sent > 0);
        // The same moment again: nothing new.
        let again = engine.step().await.expect("again");
        assert!(again.mails_composed.is_empty() && again.tasks_handled == 0, "{again:?}");
        assert!(rig.mails().is_empty());
    });
}

#[test]
fn settled_work_gets_no_reminder_and_no_escalation() {
    runtime().block_on(async {
        let rig = Rig::new("2027-01-16T09:00:00+08:00");
        let engine = rig.engine().await;
        engine.step().await.expect("opening");
        rig.mails();
        let kickoff = "spring-festival/2027/kickoff/district-org";
        let actor = Actor { name: "test".into(), source: Source::Cli };
        store::complete_task(
            engine.store(),
            kickoff,
            &[],
            store::Note::default(),
            at("2027-01-16T10:00:00+08:00"),
            &actor,
        )
        .await
        .expect("done");
        rig.clock.set(at("2027-03-09T00:00:00+08:00"));
        engine.step().await.expect("season");
        let store = engine.store();
        let kickoff_id = {
            let done = TaskFilter { run: Some("spring-festival/2027".into()), ..TaskFilter::default() };
            let tasks = store::list_tasks(store, &done, rig.clock_now()).await.expect("tasks");
            assert!(tasks.iter().any(|t| t.id == kickoff && t.state == plan::TaskState::Done));
            kickoff.to_string()
        };
        for (_, outgoing) in rig.capture.taken() {
            let text = String::from_utf8_lossy(&outgoing.raw).to_string();
            assert!(!text.contains(&kickoff_id), "a mail after completion names the done task");
        }
    });
}

impl Rig {
    fn clock_now(&self) -> DateTime<Utc> {
        use engine::Clock;
        self.clock.now()
    }
}

#[test]
fn nothing_stays_queued_and_every_composed_mail_was_delivered_once() {
    runtime().block_on(async {
        let rig = Rig::new("2027-01-16T09:00:00+08:00");
        let engine = rig.engine().await;
        for moment in ["2027-01-16T09:00:00+08:00", "2027-01-30T12:00:00+08:00", "2027-03-09T00:00:00+08:00"] {
            rig.clock.set(at(moment));
            engine.step().await.expect("step");
        }
        let listed = store::list_mails(engine.store(), None, 10_000).await.expect("mails");
        assert!(listed.iter().all(|m| m.state == MailState::Sent.name()), "{listed:?}");
        let mut keys: Vec<String> = rig.mails().into_iter().map(|(_, _, key)| key).collect();
        let delivered = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), delivered, "a key delivered twice");
        assert_eq!(delivered, listed.len());
    });
}

#[test]
fn a_simulated_season_is_reproducible_and_sends_each_mail_once() {
    let options = SimulationOptions {
        from: at("2027-01-01T00:00:00+08:00"),
        to: at("2027-03-31T00:00:00+08:00"),
        complete_rate: 0.7,
        seed: 7,
    };
    let simulate = || {
        runtime().block_on(async {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display())).await.expect("open");
            let mailer =
                Mailer::new(mail::Templates::load(None).expect("templates"), "guiyan@example.org").expect("mailer");
            engine::simulate(store, workflows(), mailer, &options).await.expect("simulate")
        })
    };
    let first = simulate();
    let second = simulate();
    assert_eq!(first, second, "the same seed gives the same season");
    let composed: usize = first.mails.values().sum();
    assert_eq!(first.deliveries, composed, "every composed mail delivered exactly once");
    let summary: Vec<String> = first
        .entries
        .iter()
        .filter_map(|e| match &e.event {
            engine::TimelineEvent::RunOpened { campaign, run, tasks } => {
                Some(format!("{} run-opened {campaign}/{run} {tasks}", e.at.to_rfc3339()))
            }
            engine::TimelineEvent::RunClosed { campaign, run } => {
                Some(format!("{} run-closed {campaign}/{run}", e.at.to_rfc3339()))
            }
            _ => None,
        })
        .chain(first.mails.iter().map(|(kind, n)| format!("mails {kind}: {n}")))
        .chain([format!("completed {} (late {})", first.tasks_completed, first.tasks_completed_late)])
        .collect();
    insta::assert_snapshot!(summary.join("\n"));
}

/// The Qingming campaign's first task title, as bundled, and the next run's opening.
const QINGMING_TITLE: &str = "联系清明返乡的乡土人才,更新人才档案";
const BEFORE_QINGMING: &str = "2027-03-26T08:00:00+08:00";
const AFTER_QINGMING: &str = "2027-03-26T09:00:01+08:00";

fn edit_qingming(folder: &Path, from: &str, to: &str) {
    let path = folder.join("qingming.yaml");
    let text = std::fs::read_to_string(&path).expect("read qingming.yaml");
    assert!(text.contains(from), "qingming.yaml holds `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write qingming.yaml");
}

async fn qingming_titles(engine: &Engine) -> Vec<String> {
    let filter = TaskFilter { run: Some("qingming/2027".into()), ..TaskFilter::default() };
    store::list_tasks(engine.store(), &filter, engine.now())
        .await
        .expect("tasks")
        .into_iter()
        .map(|t| t.title)
        .collect()
}

/// Regression: an engine opened a run from the campaigns it read at its start and recorded them
/// as the newest definition, undoing a definition applied (`guiyan apply`) while it ran.
#[test]
fn a_definition_applied_while_the_engine_runs_is_the_one_its_next_run_opens_from() {
    runtime().block_on(async {
        let folder = scratch_workflows();
        let rig = Rig::new(BEFORE_QINGMING);
        let engine = rig.engine_reading(folder.path()).await;
        engine.apply_all().await.expect("apply on start");
        engine.step().await.expect("step");

        // The administrator edits the campaign and applies it, from the command line, before the run opens.
        edit_qingming(folder.path(), QINGMING_TITLE, "联系清明返乡人才（已修订）");
        let edited = load_folder(folder.path()).expect("the edited campaigns load");
        let definitions = engine::definitions(&edited).expect("definitions");
        let admin = Actor { name: "admin".into(), source: Source::Cli };
        store::apply(engine.store(), &edited, &definitions, &[], engine.now(), &admin, false).await.expect("apply");
        let applied = store::newest_definition_id(engine.store()).await.expect("newest");

        rig.clock.set(at(AFTER_QINGMING));
        let report = engine.step().await.expect("step");
        assert!(report.runs_opened.iter().any(|(c, k, _)| c == "qingming" && k == "2027"), "{report:?}");
        let titles = qingming_titles(&engine).await;
        assert!(titles.iter().any(|t| t == "联系清明返乡人才（已修订）"), "{titles:?}");
        assert!(!titles.iter().any(|t| t == QINGMING_TITLE), "{titles:?}");
        assert_eq!(
            store::newest_definition_id(engine.store()).await.expect("newest"),
            applied,
            "the engine recorded no definition over the administrator's"
        );
    });
}

#[test]
fn a_campaign_edited_into_an_invalid_file_opens_no_run_until_it_is_fixed() {
    runtime().block_on(async {
        let folder = scratch_workflows();
        let rig = Rig::new(BEFORE_QINGMING);
        let engine = rig.engine_reading(folder.path()).await;
        engine.apply_all().await.expect("apply on start");
        let good = std::fs::read_to_string(folder.path().join("qingming.yaml")).expect("read");
        edit_qingming(folder.path(), "title:", "titel:");

        rig.clock.set(at(AFTER_QINGMING));
        let report = engine.step().await.expect("a step with a broken campaign file still succeeds");
        assert!(report.runs_opened.is_empty(), "{report:?}");
        assert!(qingming_titles(&engine).await.is_empty());
        let retry = engine.next_wakeup().await.expect("next wake-up").expect("a wake-up");
        assert!(retry <= engine.now() + chrono::TimeDelta::seconds(60), "looks again within a minute: {retry}");

        std::fs::write(folder.path().join("qingming.yaml"), good).expect("restore qingming.yaml");
        let report = engine.step().await.expect("step");
        assert!(report.runs_opened.iter().any(|(c, k, _)| c == "qingming" && k == "2027"), "{report:?}");
        assert!(qingming_titles(&engine).await.iter().any(|t| t == QINGMING_TITLE));
    });
}

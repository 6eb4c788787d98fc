//! The engine: one `step` does everything due at the clock's time — open runs whose time came,
//! tick due tasks (open, remind, overdue, escalate) and close runs, compose pending notices into
//! digest mails (and the registry's contact reminders, `contacts.rs`, and suggestion reminders, `suggestions.rs`), deliver due mails — and `serve` repeats it, sleeping until the next event or a
//! change made by another process.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use campaign::Workflows;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use store::{Actor, ApplyReport, Source, Store};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::deliver::{self, Held};
use crate::error::EngineError;
use crate::mailer::Mailer;
use crate::materialize;

/// How the engine batches, leases and retries.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// This process's name in mail claims.
    pub worker: String,
    /// Tasks decided per transaction.
    pub tick_batch: u64,
    /// Mails claimed per delivery round.
    pub mail_batch: u64,
    /// How long a claimed mail stays with its worker; longer than a send can take.
    pub lease: TimeDelta,
    /// The first retry of a transient failure; each next one waits twice as long, up to `retry_max`.
    pub retry_first: TimeDelta,
    pub retry_max: TimeDelta,
    /// Attempts before a transiently failing mail is given up (kept as failed).
    pub max_attempts: i32,
    /// Longest sleep before looking for changes made by other processes.
    pub change_check: Duration,
    /// The web's public address (`https://guiyan.example.gov.cn`): each mail to a unit carries its
    /// signed portal link. `None`: mails say to report with the command line.
    pub base_url: Option<String>,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            worker: format!("engine-{}", std::process::id()),
            tick_batch: 1000,
            mail_batch: 200,
            lease: TimeDelta::seconds(120),
            retry_first: TimeDelta::seconds(60),
            retry_max: TimeDelta::hours(1),
            max_attempts: 12,
            change_check: Duration::from_secs(1),
            base_url: None,
        }
    }
}

impl EngineConfig {
    /// When to retry after `attempts` transient failures, or `None` to give up.
    pub fn retry_after(&self, attempts: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 1i32.checked_shl(attempts.saturating_sub(1).clamp(0, 20) as u32).unwrap_or(i32::MAX);
        let wait = self.retry_first.checked_mul(factor).unwrap_or(self.retry_max).min(self.retry_max);
        Some(now + wait)
    }
}

/// A mail composed in a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComposedInfo {
    pub key: String,
    /// The kind of its first section, which names it.
    pub kind: String,
    /// Every section's kind, in the mail's order (one unit, one mail per step).
    pub kinds: Vec<String>,
    pub recipient: String,
    pub to: String,
    pub tasks: usize,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub at: i64,
    /// Runs materialized: (campaign, key, tasks).
    pub runs_opened: Vec<(String, String, usize)>,
    /// Runs recorded as missed (their whole window passed while nothing ran): (campaign, key).
    pub runs_missed: Vec<(String, String)>,
    pub runs_closed: Vec<(String, String)>,
    pub tasks_handled: usize,
    pub tasks_opened: usize,
    /// Notices written, by kind.
    pub notices: BTreeMap<String, usize>,
    pub mails_composed: Vec<ComposedInfo>,
    /// Report snapshots taken: (campaign, run key, report id).
    pub reports_taken: Vec<(String, String, String)>,
    pub mails_sent: usize,
    /// Transient failures, to be retried.
    pub mails_deferred: usize,
    /// Permanent failures (or retries exhausted).
    pub mails_failed: usize,
}

impl StepReport {
    pub fn is_empty(&self) -> bool {
        self.runs_opened.is_empty()
            && self.runs_missed.is_empty()
            && self.runs_closed.is_empty()
            && self.tasks_handled == 0
            && self.mails_composed.is_empty()
            && self.reports_taken.is_empty()
            && self.mails_sent + self.mails_deferred + self.mails_failed == 0
    }
}

/// Stops an engine after the work in hand: sends in flight finish and are recorded; no new batch
/// is claimed.
#[derive(Clone, Debug)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The longest pause between steps after a failing one (the database went away, the disk is full):
/// the engine recovers at most this long after the cause is gone.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// The size of SQLite's write-ahead log past which the engine empties it after a step (4 MiB,
/// SQLite's own checkpoint threshold at its default page size).
const WAL_LIMIT: u64 = 4 << 20;

/// How long a stopping engine keeps trying to record outcomes the database would not take.
const SETTLE_PATIENCE: Duration = Duration::from_secs(3);

/// How soon a run that could not open (its campaigns do not load) is tried again.
const BLOCKED_RETRY: TimeDelta = TimeDelta::seconds(60);

/// Reads the campaigns anew (for `guiyan run`: the workflows folder, from disk), or says in one
/// message (English, for the log) why they do not load.
pub type ReadWorkflows = Box<dyn Fn() -> Result<Workflows, String> + Send + Sync>;

/// The campaigns the engine works from, and the text of each campaign file, as read together.
#[derive(Debug)]
struct Campaigns {
    workflows: Arc<Workflows>,
    definitions: Vec<store::Definition>,
}

/// Where `Campaigns` are read again from, when the engine was given a way.
struct Rereader(ReadWorkflows);

impl std::fmt::Debug for Rereader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rereader")
    }
}

/// The engine over one store.
#[derive(Debug)]
pub struct Engine {
    pub(crate) store: Store,
    /// Replaced whole when the campaigns are read again; never held across an await.
    campaigns: RwLock<Arc<Campaigns>>,
    rereader: Option<Rereader>,
    /// The newest definition version this engine has seen recorded (`store::newest_definition_id`).
    seen_definition: AtomicI64,
    /// A run is due to open but the campaigns do not load: look again every `BLOCKED_RETRY`.
    opening_blocked: AtomicBool,
    mailer: Mailer,
    pub(crate) transport: Arc<mail::Transport>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: EngineConfig,
    pub(crate) actor: Actor,
    pub(crate) stopping: Arc<AtomicBool>,
    /// Claimed mails held between steps: outcomes not yet recorded, mails not yet sent.
    held: Mutex<Held>,
    /// Mails this engine has claimed and not yet settled (recorded or released): its leases are
    /// renewed while there are any.
    pub(crate) holding: AtomicUsize,
    /// Where accepted mails whose outcome the database would not take are written on the way
    /// out, to be recorded at the next start (beside an SQLite file).
    journal: Option<PathBuf>,
}

impl Engine {
    pub fn new(
        store: Store,
        workflows: Workflows,
        mailer: Mailer,
        transport: mail::Transport,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Result<Engine, EngineError> {
        let definitions = materialize::definitions(&workflows)?;
        Ok(Engine {
            store,
            campaigns: RwLock::new(Arc::new(Campaigns { workflows: Arc::new(workflows), definitions })),
            rereader: None,
            seen_definition: AtomicI64::new(0),
            opening_blocked: AtomicBool::new(false),
            mailer,
            transport: Arc::new(transport),
            clock,
            config,
            actor: Actor { name: "engine".into(), source: Source::Engine },
            stopping: Arc::new(AtomicBool::new(false)),
            held: Mutex::default(),
            holding: AtomicUsize::new(0),
            journal: None,
        })
    }

    /// Keeps mails the server accepted, whose outcome the database would not take before the
    /// engine stopped, in the journal at `path`; [`Engine::recover_journal`] records them at the next
    /// start. Without one they are logged, and may be sent again after the restart.
    pub fn with_journal(mut self, path: PathBuf) -> Engine {
        self.journal = Some(path);
        self
    }

    /// Records the mails the journal says a server accepted (a previous engine stopped before the
    /// database took their outcome), then removes it. Returns how many it recorded.
    pub async fn recover_journal(&self) -> Result<u64, EngineError> {
        let Some(path) = &self.journal else { return Ok(0) };
        let ids =
            deliver::read_journal(path).map_err(|e| EngineError::Read { path: path.clone(), detail: e.to_string() })?;
        if ids.is_empty() {
            return Ok(0);
        }
        let recorded = store::record_accepted(&self.store, &ids, self.clock.now()).await?;
        tracing::info!(mails = ids.len(), recorded, journal = %path.display(), "recorded mails the previous engine sent but could not record");
        std::fs::remove_file(path).map_err(|e| EngineError::Read { path: path.clone(), detail: e.to_string() })?;
        Ok(recorded)
    }

    pub(crate) fn held(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Lets the engine read its campaigns again with `read`: before it opens a run, and after another
    /// process (`guiyan apply`) recorded a changed definition. Without it the campaigns given to
    /// `new` are kept (a simulation, a bench).
    pub fn rereading_with(mut self, read: ReadWorkflows) -> Engine {
        self.rereader = Some(Rereader(read));
        self
    }

    /// The campaigns in use now.
    pub fn workflows(&self) -> Arc<Workflows> {
        Arc::clone(&self.campaigns().workflows)
    }

    fn campaigns(&self) -> Arc<Campaigns> {
        Arc::clone(&self.campaigns.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Reads the campaigns again, when the engine has a way to: true when they load (and are now in
    /// use), false when they do not (logged; the ones in use stay, and no run is opened from them,
    /// since they may be older than what was applied).
    fn reread(&self) -> Result<bool, EngineError> {
        let Some(Rereader(read)) = &self.rereader else { return Ok(true) };
        match read() {
            Ok(workflows) => {
                let definitions = materialize::definitions(&workflows)?;
                let fresh = Arc::new(Campaigns { workflows: Arc::new(workflows), definitions });
                *self.campaigns.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
                Ok(true)
            }
            Err(problem) => {
                tracing::error!(
                    %problem,
                    "the campaigns do not load; no run opens until they do (fix them: `guiyan validate` checks, `guiyan apply` applies)"
                );
                Ok(false)
            }
        }
    }

    /// Reads the campaigns again if another process recorded a changed definition since this engine
    /// last looked, so that what it plans and when it wakes follow the newest applied definitions.
    async fn follow_applied_definitions(&self) -> Result<(), EngineError> {
        let newest = store::newest_definition_id(&self.store).await?;
        let seen = self.seen_definition.swap(newest, Ordering::SeqCst);
        if seen != newest && self.rereader.is_some() {
            // The first look (seen 0) follows this engine's own apply at start: nothing to tell.
            if seen != 0 {
                tracing::info!("definitions were applied: reading the campaigns again");
            }
            self.reread()?;
        }
        Ok(())
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Asks a running `serve` or `step` to stop after the work in hand.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// A handle that stops this engine from another task (a signal handler).
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(Arc::clone(&self.stopping))
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// On start: records the definitions and brings every run open now in line with them, as
    /// `guiyan apply` does.
    pub async fn apply_all(&self) -> Result<ApplyReport, EngineError> {
        let now = self.clock.now();
        let campaigns = self.campaigns();
        let workflows = &campaigns.workflows;
        let runs = materialize::runs_to_open(workflows, now, &Default::default()).map_err(plan_error)?;
        Ok(store::apply(&self.store, workflows, &campaigns.definitions, &runs, now, &self.actor, false).await?)
    }

    /// Does everything due now, renewing this engine's mail claims meanwhile.
    pub async fn step(&self) -> Result<StepReport, EngineError> {
        tokio::select! {
            stepped = self.step_once() => stepped,
            () = self.renew_claims_forever() => unreachable!("renewal never ends"),
        }
    }

    async fn step_once(&self) -> Result<StepReport, EngineError> {
        let now = self.clock.now();
        let mut report = StepReport { at: now.timestamp(), ..Default::default() };
        self.follow_applied_definitions().await?;
        self.open_runs(now, &mut report).await?;
        let owners = owners(&self.workflows());
        let tick = store::tick(&self.store, now, self.config.tick_batch, &self.actor, &owners).await?;
        report.runs_closed = tick.closed_runs.clone();
        for (campaign, run, unfinished) in &tick.closed_late {
            tracing::warn!(%campaign, %run, unfinished, "run closed while no engine ran: its units are not mailed about it any more; its owner is told of the unfinished work");
        }
        report.tasks_handled = tick.tasks;
        report.tasks_opened = tick.opened;
        report.notices = tick.notices.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        self.take_reports(now, &mut report).await?;
        self.compose_pending(now, &mut report).await?;
        self.compose_reports(now, &mut report).await?;
        self.compose_contact_mails(now, &mut report).await?;
        self.compose_suggestion_mails(now, &mut report).await?;
        self.compose_request_mails(now, &mut report).await?;
        self.deliver_due(&mut report).await?;
        Ok(report)
    }

    /// Materializes the runs whose time came, from the campaigns as they are now: read again first,
    /// so that a run never opens from (and the apply never records) a definition older than the
    /// one on disk, edited and applied while the engine ran.
    async fn open_runs(&self, now: DateTime<Utc>, report: &mut StepReport) -> Result<(), EngineError> {
        let known = store::known_runs(&self.store).await?;
        self.record_missed_runs(now, &known, report).await?;
        if materialize::runs_to_open(&self.workflows(), now, &known).map_err(plan_error)?.is_empty() {
            return Ok(());
        }
        let loaded = self.reread()?;
        self.opening_blocked.store(!loaded, Ordering::SeqCst);
        if !loaded {
            return Ok(());
        }
        let campaigns = self.campaigns();
        let workflows = &campaigns.workflows;
        let runs = materialize::runs_to_open(workflows, now, &known).map_err(plan_error)?;
        if runs.is_empty() {
            return Ok(());
        }
        let applied =
            store::apply(&self.store, workflows, &campaigns.definitions, &runs, now, &self.actor, false).await?;
        for run in applied.runs.iter().filter(|r| r.new_run) {
            tracing::info!(campaign = %run.campaign, run = %run.key, tasks = run.tasks, "run opened");
            report.runs_opened.push((run.campaign.clone(), run.key.clone(), run.tasks));
        }
        Ok(())
    }

    /// Records the runs whose whole window passed while nothing ran (the engine was down, or no
    /// engine ran at all): each is kept as missed, logged and told to its campaign's owner, never
    /// opened late and never skipped in silence.
    async fn record_missed_runs(
        &self,
        now: DateTime<Utc>,
        known: &HashSet<(String, String)>,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let since = store::campaigns_in_use_since(&self.store).await?;
        let workflows = self.workflows();
        let mut missed = Vec::new();
        for campaign in &workflows.campaigns {
            let Some(since) = since.get(&campaign.id) else { continue };
            let exists = |key: &str| known.contains(&(campaign.id.clone(), key.to_string()));
            missed.extend(plan::runs_missed(campaign, workflows.workdays_of(campaign), *since, now, exists));
        }
        if missed.is_empty() {
            return Ok(());
        }
        let recorded = store::record_missed_runs(&self.store, &missed, &owners(&workflows), now, &self.actor).await?;
        for (campaign, key) in &recorded {
            if let Some(run) = missed.iter().find(|m| &m.campaign == campaign && &m.key == key) {
                tracing::warn!(%campaign, run = %key, opens_at = %run.opens_at, closes_at = %run.closes_at, "run missed: its whole window passed while no engine ran; recorded, and its owner told");
            }
        }
        report.runs_missed.extend(recorded);
        Ok(())
    }

    /// Turns pending notices into digest mails.
    async fn compose_pending(&self, now: DateTime<Utc>, report: &mut StepReport) -> Result<(), EngineError> {
        let workflows = self.workflows();
        // Read each time: `guiyan link rotate-secret` may have replaced it since.
        let secret = match &self.config.base_url {
            Some(_) => Some(links::LinkSecret::new(store::link_secret(&self.store, now).await?)),
            None => None,
        };
        loop {
            let groups = store::pending_groups(&self.store, 500).await?;
            let mut progress = false;
            for group in &groups {
                if self.stopping() {
                    return Ok(());
                }
                let mut info = None;
                let portal = match (&self.config.base_url, &secret, links::Subject::unit(&group.recipient)) {
                    (Some(base), Some(secret), Ok(subject)) => {
                        let generation = store::link_generation(&self.store, &store::subject_key(&subject)).await?;
                        Some(crate::mailer::Portal { base_url: base, secret, subject, generation })
                    }
                    _ => None,
                };
                let composing = store::compose(&self.store, group, now, |data| {
                    let composed = self.mailer.compose(data, &workflows, now, portal.as_ref())?;
                    info = Some(ComposedInfo {
                        key: data.key.clone(),
                        kind: data.lead().kind.to_string(),
                        kinds: data.sections.iter().map(|s| s.kind.to_string()).collect(),
                        recipient: data.recipient.id.clone(),
                        to: composed.to_address.clone(),
                        tasks: data.task_count(),
                    });
                    Ok::<_, EngineError>(composed)
                })
                .await;
                let outcome = match composing {
                    Ok(outcome) => outcome,
                    // A notice this guiyan cannot read: the others are still composed.
                    Err(e @ store::StoreError::Corrupt { .. }) => {
                        tracing::error!(recipient = %group.recipient, error = %e, "cannot compose a mail; its notices stay pending");
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                match outcome {
                    Some(Ok(_)) => {
                        progress = true;
                        report.mails_composed.extend(info);
                    }
                    Some(Err(e)) => {
                        tracing::error!(recipient = %group.recipient, error = %e, "cannot compose a mail; its notices stay pending");
                    }
                    None => {}
                }
            }
            if groups.len() < 500 || !progress {
                return Ok(());
            }
        }
    }

    /// Takes the snapshots of the reports due now, each with its notices in one transaction.
    async fn take_reports(&self, now: DateTime<Utc>, report: &mut StepReport) -> Result<(), EngineError> {
        let workflows = self.workflows();
        for taken in store::take_reports(&self.store, &workflows, now, &self.actor).await? {
            if taken.stale {
                tracing::warn!(campaign = %taken.campaign, run = %taken.run, report = %taken.report, "report not sent: its run closed more than a week before the engine came back; `guiyan report` writes it on demand");
                continue;
            }
            if taken.skipped > 0 {
                tracing::warn!(campaign = %taken.campaign, run = %taken.run, report = %taken.report, skipped = taken.skipped, "report times passed while no engine ran; only the latest is sent");
            }
            tracing::info!(campaign = %taken.campaign, run = %taken.run, report = %taken.report, recipients = taken.recipients, "report snapshot taken");
            report.reports_taken.push((taken.campaign, taken.run, taken.report));
        }
        Ok(())
    }

    /// Turns pending report notices into report mails, one per recipient.
    async fn compose_reports(&self, now: DateTime<Utc>, report: &mut StepReport) -> Result<(), EngineError> {
        let workflows = self.workflows();
        let secret = match &self.config.base_url {
            Some(_) => Some(links::LinkSecret::new(store::link_secret(&self.store, now).await?)),
            None => None,
        };
        loop {
            let pending = store::pending_reports(&self.store, 200).await?;
            let mut progress = false;
            for id in &pending {
                if self.stopping() {
                    return Ok(());
                }
                let mut info = None;
                let composing = store::compose_report(&self.store, *id, now, |data| {
                    // The recipient's own dashboard link, when a web serves one.
                    let link = match (&self.config.base_url, &secret) {
                        (Some(base), Some(secret)) => {
                            let subject = if data.is_reader {
                                links::Subject::reader(&data.recipient.id)
                            } else {
                                links::Subject::unit(&data.recipient.id)
                            };
                            subject.ok().map(|subject| {
                                let generation = data.link_generation;
                                let portal = crate::mailer::Portal { base_url: base, secret, subject, generation };
                                format!("{}?to=d", portal.link(data.snapshot.snapshot.closes_at))
                            })
                        }
                        _ => None,
                    };
                    let composed = self.mailer.compose_report(data, &workflows, now, link.as_deref())?;
                    info = Some(ComposedInfo {
                        key: data.key.clone(),
                        kind: "report".to_string(),
                        kinds: vec!["report".to_string()],
                        recipient: data.recipient.id.clone(),
                        to: composed.to_address.clone(),
                        tasks: 0,
                    });
                    Ok::<_, EngineError>(composed)
                })
                .await;
                match composing {
                    Ok(Some(Ok(_))) => {
                        progress = true;
                        report.mails_composed.extend(info);
                    }
                    Ok(Some(Err(e))) => {
                        tracing::error!(notice = id, error = %e, "cannot compose a report mail; it stays pending");
                    }
                    Ok(None) => {}
                    Err(e @ store::StoreError::Corrupt { .. }) => {
                        tracing::error!(notice = id, error = %e, "cannot compose a report mail; it stays pending");
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if pending.len() < 200 || !progress {
                return Ok(());
            }
        }
    }

    /// The next moment something is due: a task event, a run closing or opening, a mail attempt,
    /// the day a registry contact or a person's suggestion or request falls due or becomes overdue.
    pub async fn next_wakeup(&self) -> Result<Option<DateTime<Utc>>, EngineError> {
        let now = self.clock.now();
        let stored = store::next_due(&self.store).await?;
        let opening = materialize::next_opening(&self.workflows(), now);
        let blocked = self.opening_blocked.load(Ordering::SeqCst).then(|| now + BLOCKED_RETRY);
        let contact = self.next_contact_wakeup(now).await?;
        let suggestion = self.next_due_wakeup(now, &crate::suggestions::SUGGESTION_MAILS).await?;
        let request = self.next_due_wakeup(now, &crate::requests::REQUEST_MAILS).await?;
        Ok([stored, opening, blocked, contact, suggestion, request].into_iter().flatten().min())
    }

    /// Runs until `shutdown` turns true: a step, then sleep until the next event or a change by
    /// another process (a task completed from the command line), then again. A failing step (the
    /// database went away, the disk is full) is logged and retried after a pause that doubles up to
    /// `MAX_PAUSE`. This engine's mail claims are renewed throughout. On the way out, outcomes still
    /// held are written (or kept in the journal) and claims not yet sent are released.
    pub async fn serve(&self, mut shutdown: watch::Receiver<bool>) -> Result<(), EngineError> {
        tokio::select! {
            () = self.serve_until_stopped(&mut shutdown) => {}
            () = self.renew_claims_forever() => unreachable!("renewal never ends"),
        }
        self.stop();
        let accepted = self.settle_held(SETTLE_PATIENCE).await;
        if !accepted.is_empty() {
            let keys: Vec<&str> = accepted.iter().map(|m| m.key.as_str()).collect();
            match &self.journal {
                Some(path) => match deliver::write_journal(path, &accepted) {
                    Ok(()) => {
                        tracing::warn!(mails = accepted.len(), journal = %path.display(), "sent mails whose outcome the database would not take are kept in the journal; the next start records them")
                    }
                    Err(e) => {
                        tracing::error!(error = %e, journal = %path.display(), ?keys, "cannot write the journal: these sent mails may be sent again after a restart")
                    }
                },
                None => tracing::error!(
                    ?keys,
                    "these sent mails could not be recorded and may be sent again after a restart"
                ),
            }
        }
        Ok(())
    }

    /// The loop of [`Engine::serve`]: step, sleep, repeat, until asked to stop.
    async fn serve_until_stopped(&self, shutdown: &mut watch::Receiver<bool>) {
        let mut pause = Duration::from_secs(1);
        while !*shutdown.borrow() && !self.stopping() {
            let marker = store::change_marker(&self.store).await.unwrap_or_default();
            match self.step_once().await {
                Ok(report) => {
                    pause = Duration::from_secs(1);
                    log_step(&report);
                    if !report.is_empty()
                        && let Err(e) = self.store.checkpoint_if_larger_than(WAL_LIMIT).await
                    {
                        tracing::warn!(error = %e, "cannot fold the write-ahead log into the database yet");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, retry_in = ?pause, "step failed");
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = shutdown.changed() => {}
                    }
                    pause = (pause * 2).min(MAX_PAUSE);
                    continue;
                }
            }
            // When the next work is due cannot be read (the disk filled up between the step and
            // this read): step again after the pause. Treating it as "nothing due" would sleep
            // until another process changed something — forever, on a quiet database.
            let next = match self.next_wakeup().await {
                Ok(next) => next,
                Err(e) => {
                    tracing::error!(error = %e, retry_in = ?pause, "cannot read when the next work is due");
                    Some(self.clock.now() + TimeDelta::from_std(pause).unwrap_or_default())
                }
            };
            let marker = store::change_marker(&self.store).await.unwrap_or(marker);
            self.wait(next, marker, shutdown).await;
        }
    }

    /// Sleeps until `next`, a change marker other than `marker`, or shutdown.
    async fn wait(&self, next: Option<DateTime<Utc>>, marker: i64, shutdown: &mut watch::Receiver<bool>) {
        loop {
            let now = self.clock.now();
            if next.is_some_and(|at| at <= now) || *shutdown.borrow() {
                return;
            }
            let until_next = next.map(|at| (at - now).to_std().unwrap_or_default()).unwrap_or(Duration::MAX);
            let nap = until_next.min(self.config.change_check);
            tokio::select! {
                _ = tokio::time::sleep(nap) => {}
                _ = shutdown.changed() => return,
            }
            if nap < self.config.change_check {
                continue;
            }
            match store::change_marker(&self.store).await {
                Ok(current) if current != marker => {
                    tracing::debug!("woken by a change");
                    return;
                }
                _ => {}
            }
        }
    }
}

fn log_step(report: &StepReport) {
    if report.is_empty() {
        return;
    }
    tracing::info!(
        runs_opened = report.runs_opened.len(),
        runs_missed = report.runs_missed.len(),
        runs_closed = report.runs_closed.len(),
        tasks = report.tasks_handled,
        opened = report.tasks_opened,
        notices = report.notices.values().sum::<usize>(),
        composed = report.mails_composed.len(),
        sent = report.mails_sent,
        deferred = report.mails_deferred,
        failed = report.mails_failed,
        "step"
    );
}

/// The owner unit of each campaign: whom a missed run or a run closed while nothing ran is told.
fn owners(workflows: &Workflows) -> store::Owners {
    workflows.campaigns.iter().map(|c| (c.id.clone(), c.owner.clone())).collect()
}

fn plan_error(diagnostics: Vec<campaign::Diagnostic>) -> EngineError {
    EngineError::Plan(diagnostics.iter().map(|d| d.render(campaign::Lang::En)).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_maximum_then_give_up() {
        let config = EngineConfig::default();
        let now = DateTime::from_timestamp(0, 0).unwrap();
        let waits: Vec<i64> = (1..=8).map(|a| (config.retry_after(a, now).unwrap() - now).num_seconds()).collect();
        assert_eq!(waits, vec![60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(config.retry_after(config.max_attempts, now), None);
    }
}

//! `guiyan simulate`: the real engine on a scratch database with a virtual clock that jumps from
//! event to event, mail captured instead of sent, and simulated units completing their tasks
//! (seeded, with a probability, after a random delay, with plausible figures). The result is the
//! season's timeline.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::sync::Arc;

use campaign::{FigureKind, Workflows};
use chrono::{DateTime, Utc};
use plan::TaskState;
use serde::Serialize;
use store::{Actor, Source, Store, StoreError, TaskFilter};

use crate::clock::{Clock, VirtualClock};
use crate::engine::{Engine, EngineConfig, StepReport};
use crate::error::EngineError;
use crate::mailer::Mailer;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimulationOptions {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The probability that a unit completes an opened task at all.
    pub complete_rate: f64,
    pub seed: u64,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum TimelineEvent {
    RunOpened {
        campaign: String,
        run: String,
        tasks: usize,
    },
    TasksOpened {
        count: usize,
    },
    Mail {
        kind: String,
        recipient: String,
        to: String,
        tasks: usize,
    },
    TaskCompleted {
        task: String,
        late: bool,
    },
    RunClosed {
        campaign: String,
        run: String,
    },
    /// A report's snapshot was taken and its mails composed.
    Report {
        campaign: String,
        run: String,
        report: String,
    },
}

/// A timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: TimelineEvent,
}

/// The simulated season.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
    /// Mails by kind.
    pub mails: BTreeMap<String, usize>,
    pub tasks_completed: usize,
    pub tasks_completed_late: usize,
    /// Mails handed to the (capturing) transport: equal to the mails composed, or a mail went twice.
    pub deliveries: usize,
    /// Virtual moments the engine stepped through.
    pub steps: usize,
}

/// A small seeded generator (SplitMix64): the same seed gives the same season on every machine.
#[derive(Clone, Debug)]
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [low, high].
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low) as u64 + 1;
        low + (self.next_u64() % span) as i64
    }
}

/// Runs the season on `store` (a scratch database) and returns its timeline.
pub async fn simulate(
    store: Store,
    workflows: Workflows,
    mailer: Mailer,
    options: &SimulationOptions,
) -> Result<Timeline, EngineError> {
    let clock = VirtualClock::new(options.from);
    let captured = mail::CaptureTransport::default();
    let capture = mail::Transport::Capture(captured.clone());
    let config = EngineConfig { worker: "simulation".into(), ..EngineConfig::default() };
    let engine = Engine::new(store.clone(), workflows, mailer, capture, Arc::new(clock.clone()), config)?;
    let units = Actor { name: "simulated unit".into(), source: Source::Simulation };
    let mut random = Random::new(options.seed);
    let mut timeline = Timeline::default();
    let mut completions: BinaryHeap<Reverse<(i64, String, i64)>> = BinaryHeap::new();
    let mut seen: HashSet<String> = HashSet::new();

    engine.apply_all().await?;
    loop {
        let report = engine.step().await?;
        timeline.steps += 1;
        record(&mut timeline, &report);
        let now = clock.now();
        schedule_completions(&store, now, options, &mut random, &mut seen, &mut completions).await?;

        let next_engine = engine.next_wakeup().await?;
        let next_completion = completions.peek().and_then(|Reverse((at, _, _))| DateTime::from_timestamp(*at, 0));
        let Some(next) = [next_engine, next_completion].into_iter().flatten().min() else { break };
        if next > options.to {
            break;
        }
        clock.set(next);
        while let Some(Reverse((at, _, _))) = completions.peek()
            && *at <= next.timestamp()
        {
            let Some(Reverse((_, id, due_at))) = completions.pop() else { break };
            let late = due_at < next.timestamp();
            complete(&store, &engine, &id, late, next, &units, &mut random, &mut timeline).await?;
        }
    }
    timeline.deliveries = captured.len();
    Ok(timeline)
}

fn record(timeline: &mut Timeline, report: &StepReport) {
    let Some(at) = DateTime::from_timestamp(report.at, 0) else { return };
    let mut push = |event| timeline.entries.push(TimelineEntry { at, event });
    for (campaign, run, tasks) in &report.runs_opened {
        push(TimelineEvent::RunOpened { campaign: campaign.clone(), run: run.clone(), tasks: *tasks });
    }
    if report.tasks_opened > 0 {
        push(TimelineEvent::TasksOpened { count: report.tasks_opened });
    }
    for mail in &report.mails_composed {
        push(TimelineEvent::Mail {
            kind: mail.kind.clone(),
            recipient: mail.recipient.clone(),
            to: mail.to.clone(),
            tasks: mail.tasks,
        });
    }
    for (campaign, run) in &report.runs_closed {
        push(TimelineEvent::RunClosed { campaign: campaign.clone(), run: run.clone() });
    }
    for (campaign, run, id) in &report.reports_taken {
        push(TimelineEvent::Report { campaign: campaign.clone(), run: run.clone(), report: id.clone() });
    }
    for mail in &report.mails_composed {
        *timeline.mails.entry(mail.kind.clone()).or_default() += 1;
    }
}

/// Decides, for each newly opened task, whether and when its unit completes it: with the given
/// probability, after a delay spread over the time until a little past the due time (so some work
/// is late and gets escalated).
async fn schedule_completions(
    store: &Store,
    now: DateTime<Utc>,
    options: &SimulationOptions,
    random: &mut Random,
    seen: &mut HashSet<String>,
    completions: &mut BinaryHeap<Reverse<(i64, String, i64)>>,
) -> Result<(), EngineError> {
    let open = TaskFilter { state: Some(TaskState::Open), ..TaskFilter::default() };
    for task in store::list_tasks(store, &open, now).await? {
        if !seen.insert(task.id.clone()) {
            continue;
        }
        if random.unit() >= options.complete_rate {
            continue;
        }
        let window = (task.due_at.timestamp() - now.timestamp()).max(3600);
        let at = now.timestamp() + random.between(600, window + window / 4);
        completions.push(Reverse((at, task.id, task.due_at.timestamp())));
    }
    Ok(())
}

/// A simulated unit reports its task done with plausible figures.
#[allow(clippy::too_many_arguments)]
async fn complete(
    store: &Store,
    engine: &Engine,
    id: &str,
    late: bool,
    now: DateTime<Utc>,
    actor: &Actor,
    random: &mut Random,
    timeline: &mut Timeline,
) -> Result<(), EngineError> {
    let mut parts = id.split('/');
    let (Some(campaign), Some(_run), Some(template)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    // A figure counted from the talent register cannot exceed the register's count: a simulated
    // unit types what its books hold.
    let registered = match store::task_registered(store, id, now).await {
        Ok(registered) => registered,
        Err(StoreError::NoSuchTask(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let figures: Vec<(String, String)> = engine
        .workflows()
        .campaign(campaign)
        .and_then(|c| c.task(template))
        .map(|t| {
            t.figures
                .iter()
                .map(|f| {
                    if let Some(r) = registered.iter().find(|r| r.key == f.key) {
                        return (f.key.clone(), r.registered.to_string());
                    }
                    let value = match f.kind {
                        FigureKind::Integer => random.between(1, 40).to_string(),
                        FigureKind::Decimal => format!("{}.{}", random.between(1, 40), random.between(0, 9)),
                    };
                    (f.key.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    match store::complete_task(store, id, &figures, store::Note::default(), now, actor).await {
        Ok(_) => {
            timeline.tasks_completed += 1;
            timeline.tasks_completed_late += usize::from(late);
            timeline
                .entries
                .push(TimelineEntry { at: now, event: TimelineEvent::TaskCompleted { task: id.to_string(), late } });
            Ok(())
        }
        // Waived or cancelled meanwhile: nothing to report.
        Err(StoreError::WrongState { .. } | StoreError::NoSuchTask(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

//! Planner benchmark: `workflows/spring-festival.yaml` over a generated directory of 1 district,
//! 500 streets and 10,000 communities (20 per street), planned for 2027 (51,502 tasks).
//!
//! Measures, with criterion: `plan::plan_year`; a baseline that builds the same output (the same
//! `PlannedTask` values, equal to the plan's, sharing what the plan's share) from precomputed
//! times, dependency indices and shared values, with no calendar or dependency logic; and
//! `campaign::load` (parse + validate) of the 10k directory.
//! Then prints a summary: tasks per second, time per plan, peak heap of one call (counted by a
//! wrapper around the system allocator) and the ratios plan / baseline.
//!
//! `cargo bench -p plan --bench plan_10k` (docs/benchmarks.md).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use calendar::Tz;
use campaign::Workflows;
use chrono::DateTime;
use criterion::{Criterion, SamplingMode, Throughput};
use peak_alloc::PeakAlloc;
use plan::{PlannedEscalation, PlannedRun, PlannedTask};

/// Counts current and peak heap bytes around the system allocator.
#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const STREETS: usize = 500;
const COMMUNITIES_PER_STREET: usize = 20;
const YEAR: i32 = 2027;
const SAMPLES: usize = 10;

const CAMPAIGN_PATH: &str = "workflows/spring-festival.yaml";
const DIRECTORY_PATH: &str = "workflows/units.yaml";

use campaign::MemoryFiles as MemFiles;

fn files() -> MemFiles {
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows/spring-festival.yaml");
    let campaign = std::fs::read(real).unwrap_or_else(|e| panic!("{real}: {e}"));
    MemFiles(BTreeMap::from([
        (PathBuf::from(CAMPAIGN_PATH), campaign),
        (PathBuf::from(DIRECTORY_PATH), bench_support::directory_yaml(STREETS, COMMUNITIES_PER_STREET).into_bytes()),
    ]))
}

fn load(files: &MemFiles) -> Workflows {
    let (workflows, diagnostics) = campaign::load(&[PathBuf::from(CAMPAIGN_PATH)], files);
    assert!(diagnostics.is_empty(), "the 10k workflows do not load: {diagnostics:#?}");
    workflows
}

fn plan_once(workflows: &Workflows) -> Vec<PlannedRun> {
    let campaign = workflows.campaign("spring-festival").expect("campaign spring-festival");
    let directory = workflows.directory_of(campaign).expect("its directory");
    plan::plan_year(campaign, directory, workflows.workdays_of(campaign), YEAR).expect("plans")
}

// ---------------------------------------------------------------------------------------------
// The baseline: the same output, built without any planning.

/// Everything the planner decides, precomputed: the distinct values the run's tasks share (template
/// and unit ids, reminder lists, escalation chains), and per task which of them it has, its times
/// and the indices of the tasks it waits for.
struct Skeleton<'a> {
    run: &'a PlannedRun,
    templates: Vec<&'a str>,
    units: Vec<&'a str>,
    reminders: Vec<&'a [DateTime<Tz>]>,
    /// (time, index into `units`) per escalation.
    escalations: Vec<Vec<(DateTime<Tz>, usize)>>,
    tasks: Vec<TaskSkeleton>,
}

/// One task: indices into the skeleton's shared values, its times and dependencies.
struct TaskSkeleton {
    template: usize,
    unit: usize,
    starts_at: DateTime<Tz>,
    due_at: DateTime<Tz>,
    after: Vec<usize>,
    reminders: usize,
    escalations: usize,
}

/// Distinct values in order of first appearance, told apart by a key.
struct Distinct<K, V> {
    positions: HashMap<K, usize>,
    values: Vec<V>,
}

impl<K: std::hash::Hash + Eq, V> Distinct<K, V> {
    fn new() -> Distinct<K, V> {
        Distinct { positions: HashMap::new(), values: Vec::new() }
    }

    /// The position of `key`'s value, adding it if new.
    fn position(&mut self, key: K, value: impl FnOnce() -> V) -> usize {
        let next = self.values.len();
        *self.positions.entry(key).or_insert_with(|| {
            self.values.push(value());
            next
        })
    }
}

/// The skeleton of a plan. Shared lists are told apart as the plan shares them (by allocation), so
/// that the baseline allocates what the plan does.
fn skeleton(run: &PlannedRun) -> Skeleton<'_> {
    let mut templates = Distinct::new();
    let mut units = Distinct::new();
    let mut reminders = Distinct::new();
    let mut escalations = Distinct::new();
    let mut tasks = Vec::with_capacity(run.tasks.len());
    for t in &run.tasks {
        let chain = escalations.position(Arc::as_ptr(&t.escalations), || {
            t.escalations.iter().map(|e| (e.at, units.position(&*e.to, || &*e.to))).collect()
        });
        tasks.push(TaskSkeleton {
            template: templates.position(&*t.template, || &*t.template),
            unit: units.position(&*t.unit, || &*t.unit),
            starts_at: t.starts_at,
            due_at: t.due_at,
            after: t.after.clone(),
            reminders: reminders.position(Arc::as_ptr(&t.reminders), || &*t.reminders),
            escalations: chain,
        });
    }
    Skeleton {
        run,
        templates: templates.values,
        units: units.values,
        reminders: reminders.values,
        escalations: escalations.values,
        tasks,
    }
}

/// Formats the ids, makes the shared values once and fills fresh `PlannedTask`s: the output's
/// allocations and string work, and nothing else.
fn baseline(s: &Skeleton) -> Vec<PlannedRun> {
    let run = s.run;
    let templates: Vec<Arc<str>> = s.templates.iter().map(|&t| Arc::from(t)).collect();
    let units: Vec<Arc<str>> = s.units.iter().map(|&u| Arc::from(u)).collect();
    let reminders: Vec<Arc<[DateTime<Tz>]>> = s.reminders.iter().map(|&r| Arc::from(r)).collect();
    let escalations: Vec<Arc<[PlannedEscalation]>> = s
        .escalations
        .iter()
        .map(|chain| chain.iter().map(|&(at, to)| PlannedEscalation { at, to: units[to].clone() }).collect())
        .collect();
    let mut tasks: Vec<PlannedTask> = Vec::with_capacity(s.tasks.len());
    for t in &s.tasks {
        tasks.push(PlannedTask {
            id: plan::task_id(&run.campaign, &run.key, s.templates[t.template], s.units[t.unit]),
            template: templates[t.template].clone(),
            unit: units[t.unit].clone(),
            starts_at: t.starts_at,
            due_at: t.due_at,
            after: t.after.clone(),
            reminders: reminders[t.reminders].clone(),
            escalations: escalations[t.escalations].clone(),
        });
    }
    vec![PlannedRun {
        campaign: run.campaign.clone(),
        key: run.key.clone(),
        anchor: run.anchor,
        opens_at: run.opens_at,
        closes_at: run.closes_at,
        tasks,
        reports: run.reports.clone(),
    }]
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// Seconds per call of the samples criterion takes, recorded from `iter_custom`; the output is
/// dropped outside the timed part.
fn timed<R>(samples: &RefCell<Vec<f64>>, mut f: impl FnMut() -> R) -> impl FnMut(u64) -> Duration {
    move |iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            let out = black_box(f());
            total += start.elapsed();
            drop(out);
        }
        samples.borrow_mut().push(total.as_secs_f64() / iters as f64);
        total
    }
}

/// The median of the last `SAMPLES` recordings (criterion's samples; earlier ones are warm-up).
fn median(samples: &RefCell<Vec<f64>>) -> f64 {
    let samples = samples.borrow();
    let mut last: Vec<f64> = samples[samples.len().saturating_sub(SAMPLES)..].to_vec();
    last.sort_by(f64::total_cmp);
    let n = last.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        last[n / 2]
    } else {
        (last[n / 2 - 1] + last[n / 2]) / 2.0
    }
}

/// Heap bytes of one call: the peak above what was allocated before it, and what its output holds.
fn heap<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let before = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    let out = f();
    let peak = ALLOC.peak_usage().saturating_sub(before);
    let retained = ALLOC.current_usage().saturating_sub(before);
    drop(out);
    (peak, retained)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn ms(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let bench_mode = std::env::args().any(|a| a == "--bench");

    let files = files();
    let workflows = load(&files);
    let planned = plan_once(&workflows);
    let tasks = planned.iter().map(|r| r.tasks.len()).sum::<usize>();
    let skeleton = skeleton(&planned[0]);
    assert!(baseline(&skeleton) == planned, "the baseline must build exactly the plan's output");

    let (plan_samples, baseline_samples, load_samples) = Default::default();
    {
        let mut group = criterion.benchmark_group("plan_10k");
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(tasks as u64));
        group.bench_function("plan_year", |b| b.iter_custom(timed(&plan_samples, || plan_once(&workflows))));
        group.bench_function("baseline", |b| b.iter_custom(timed(&baseline_samples, || baseline(&skeleton))));
        group.throughput(Throughput::Bytes(files.0.values().map(|b| b.len() as u64).sum()));
        group.bench_function("load", |b| b.iter_custom(timed(&load_samples, || load(&files))));
        group.finish();
    }
    criterion.final_summary();
    if !bench_mode {
        return;
    }

    let (plan_peak, plan_out) = heap(|| plan_once(&workflows));
    let (base_peak, base_out) = heap(|| baseline(&skeleton));
    let (load_peak, load_out) = heap(|| load(&files));
    let (plan_t, base_t, load_t) = (median(&plan_samples), median(&baseline_samples), median(&load_samples));
    let units = workflows.campaigns[0].directory.clone();
    let directory = &workflows.directories[&units];
    println!();
    println!("plan_10k summary (medians of {SAMPLES} criterion samples; heap of one call)");
    println!("  directory: {} units; plan for {YEAR}: {tasks} tasks", directory.units.len());
    println!(
        "  plan_year  {:>10} per plan  {:>12.0} tasks/s  peak heap {:>9}  (output {})",
        ms(plan_t),
        tasks as f64 / plan_t,
        mib(plan_peak),
        mib(plan_out)
    );
    println!(
        "  baseline   {:>10} per run   {:>12.0} tasks/s  peak heap {:>9}  (output {})",
        ms(base_t),
        tasks as f64 / base_t,
        mib(base_peak),
        mib(base_out)
    );
    println!(
        "  ratio plan/baseline: time {:.2}x, peak heap {:.2}x",
        plan_t / base_t,
        plan_peak as f64 / base_peak as f64
    );
    println!(
        "  campaign::load (parse + validate, {} of YAML): {} per load, peak heap {} (result {})",
        mib(files.0.values().map(Vec::len).sum()),
        ms(load_t),
        mib(load_peak),
        mib(load_out)
    );
}

//! A run's progress at a snapshot, as a 进度通报 reports it: completion overall and by street
//! (ranked), the units behind with their overdue work, and the figures reported so far, each with
//! the change since the previous report (较上期) and the same point of last season (同比).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::mark::Mark;
use crate::rank::rank;
use crate::snapshot::{Snapshot, SnapshotTask};
use crate::tally::Tally;

/// Work due within this many seconds counts as due soon (two days: a community worker visits
/// households between other work, so one day's notice is too short to act on).
pub const DUE_SOON_SECONDS: i64 = 2 * 24 * 3600;

/// Everything a progress report says, as data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    /// Every task of the run.
    pub overall: Tally,
    /// The units just below the owner (the streets), ranked by completion of their subtree.
    pub streets: Vec<UnitLine>,
    /// The units whose own work is overdue, in directory order.
    pub lagging: Vec<LaggingUnit>,
    /// Overdue tasks, longest overdue first.
    pub overdue: Vec<OverdueTask>,
    /// The figures of every template, in campaign order.
    pub figures: Vec<FigureLine>,
}

/// A unit's line in a ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitLine {
    /// Index into the snapshot's units.
    pub unit: usize,
    pub name: String,
    pub place: usize,
    pub completion: f64,
    pub mark: Mark,
    pub tally: Tally,
}

/// A unit behind: its own tasks past due and not done.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaggingUnit {
    pub unit: usize,
    pub name: String,
    /// Its parent's name (the street of a community).
    pub parent: Option<String>,
    /// The titles of its overdue tasks.
    pub tasks: Vec<String>,
}

/// One overdue task.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverdueTask {
    pub title: String,
    pub unit: String,
    pub parent: Option<String>,
    pub due_at: i64,
    /// Whole days past due at the snapshot (at least 1 once it is past due).
    pub days_late: i64,
}

/// One figure's total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureLine {
    pub template: String,
    pub task_title: String,
    pub key: String,
    pub label: String,
    pub unit: Option<String>,
    /// The sum over the units that reported it (for a figure counted from the register, the
    /// register's count over the units of the task).
    pub total: f64,
    /// What the talent register counts for it (`counted:`), if anything.
    pub counted: Option<campaign::RegisterCount>,
    /// For a figure counted from the register, what the units typed (done tasks), to show beside
    /// `total`; `None` for a typed figure, or when no unit has typed it yet.
    pub typed: Option<f64>,
    /// Units that reported it (their task done with the figure; for a counted figure too, though
    /// its total is the register's either way).
    pub reported: u64,
    /// Units expected to (tasks of the template that count: not cancelled).
    pub expected: u64,
    /// Change since the previous snapshot of the same report, if there is one.
    pub since_previous: Option<f64>,
    /// The total at the same point of last season's run, if it was reported.
    pub last_season: Option<f64>,
}

impl FigureLine {
    /// Units expected to report that have not.
    pub fn missing(&self) -> u64 {
        self.expected.saturating_sub(self.reported)
    }
}

/// The tally of one task at the snapshot's moment.
pub fn tally_of(snapshot: &Snapshot, task: &SnapshotTask) -> Tally {
    let mut t = Tally::default();
    match task.state {
        plan::TaskState::Waiting => t.waiting = 1,
        plan::TaskState::Open => t.open = 1,
        plan::TaskState::Done => t.done = 1,
        plan::TaskState::Waived => t.waived = 1,
        plan::TaskState::Cancelled => t.cancelled = 1,
    }
    if task.state == plan::TaskState::Open {
        if task.due_at < snapshot.at {
            t.overdue = 1;
        } else if task.due_at < snapshot.at.saturating_add(DUE_SOON_SECONDS) {
            t.due_soon = 1;
        }
    }
    t
}

/// Each unit's tally rolled up its subtree (index = unit index).
pub fn rolled_up(snapshot: &Snapshot) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); snapshot.units.len()];
    for task in &snapshot.tasks {
        tallies[task.unit].merge(&tally_of(snapshot, task));
    }
    crate::rollup::add_into_parents(&mut tallies, |i| snapshot.units[i].parent);
    tallies
}

/// Sums of each figure (template id, key) over the tasks done.
pub fn figure_sums(snapshot: &Snapshot) -> BTreeMap<(usize, String), (f64, u64)> {
    let mut sums: BTreeMap<(usize, String), (f64, u64)> = BTreeMap::new();
    for task in &snapshot.tasks {
        for (key, value) in snapshot.report_figures(task) {
            let entry = sums.entry((task.template, key.to_string())).or_default();
            entry.0 += value;
            entry.1 += 1;
        }
    }
    sums
}

/// What units typed for the figure `key` of template `index`, summed over the tasks done, and
/// how many typed it.
fn typed_total(snapshot: &Snapshot, index: usize, key: &str) -> (f64, u64) {
    snapshot
        .tasks
        .iter()
        .filter(|t| t.template == index)
        .filter_map(|t| snapshot.typed_figure(t, key))
        .fold((0.0, 0), |(sum, n), v| (sum + v, n + 1))
}

/// The total of figure `key` of template `template` (by id) in `snapshot`, if it has that figure.
fn total_in(snapshot: &Snapshot, template: &str, key: &str) -> Option<f64> {
    let index = snapshot.template_index(template)?;
    snapshot.templates[index].figures.iter().any(|f| f.key == key).then(|| {
        snapshot
            .tasks
            .iter()
            .filter(|t| t.template == index)
            .flat_map(|t| snapshot.report_figures(t).filter(|(k, _)| *k == key).map(|(_, v)| v))
            .sum()
    })
}

impl Progress {
    /// The progress of `snapshot`; `previous` is the previous snapshot of the same report (for
    /// 较上期), `last_season` the same report's snapshot at the same point of last season's run.
    pub fn of(snapshot: &Snapshot, previous: Option<&Snapshot>, last_season: Option<&Snapshot>) -> Progress {
        let tallies = rolled_up(snapshot);
        let owner = snapshot.owner;
        let streets: Vec<usize> =
            (0..snapshot.units.len()).filter(|&u| snapshot.units[u].parent == Some(owner)).collect();
        let ranked = rank(&streets.iter().map(|&u| (u, tallies[u])).collect::<Vec<_>>());
        let streets = ranked
            .into_iter()
            .map(|r| UnitLine {
                unit: r.unit,
                name: snapshot.units[r.unit].name.clone(),
                place: r.place,
                completion: r.completion,
                mark: r.mark,
                tally: r.tally,
            })
            .collect();

        let parent_name = |unit: usize| snapshot.units[unit].parent.map(|p| snapshot.units[p].name.clone());
        let mut lagging_tasks: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut overdue = Vec::new();
        for task in &snapshot.tasks {
            if task.state == plan::TaskState::Open && task.due_at < snapshot.at {
                let title = snapshot.templates[task.template].title.clone();
                lagging_tasks.entry(task.unit).or_default().push(title.clone());
                let late = snapshot.at - task.due_at;
                overdue.push(OverdueTask {
                    title,
                    unit: snapshot.units[task.unit].name.clone(),
                    parent: parent_name(task.unit),
                    due_at: task.due_at,
                    days_late: (late + 86_399) / 86_400,
                });
            }
        }
        // Longest overdue first; then by unit and title so the order never depends on storage.
        overdue.sort_by(|a, b| (a.due_at, &a.unit, &a.title).cmp(&(b.due_at, &b.unit, &b.title)));
        let lagging = lagging_tasks
            .into_iter()
            .map(|(unit, tasks)| LaggingUnit {
                unit,
                name: snapshot.units[unit].name.clone(),
                parent: parent_name(unit),
                tasks,
            })
            .collect();

        let sums = figure_sums(snapshot);
        let mut figures = Vec::new();
        for (index, template) in snapshot.templates.iter().enumerate() {
            let expected =
                snapshot.tasks.iter().filter(|t| t.template == index && t.state != plan::TaskState::Cancelled).count()
                    as u64;
            for figure in &template.figures {
                let (mut total, mut reported) = sums.get(&(index, figure.key.clone())).copied().unwrap_or((0.0, 0));
                let mut typed = None;
                if figure.counted.is_some() {
                    // The register's count is the total (a 0 is a count, never a gap); the units
                    // that reported are those that typed it.
                    let (sum, n) = typed_total(snapshot, index, &figure.key);
                    typed = (n > 0).then_some(sum);
                    reported = n;
                    if !sums.contains_key(&(index, figure.key.clone())) {
                        total = 0.0;
                    }
                }
                figures.push(FigureLine {
                    template: template.id.clone(),
                    task_title: template.title.clone(),
                    key: figure.key.clone(),
                    label: figure.label.clone(),
                    unit: figure.unit.clone(),
                    total,
                    counted: figure.counted,
                    typed,
                    reported,
                    expected,
                    // Nothing reported yet: no change to speak of (shown empty, not "0").
                    since_previous: previous
                        .filter(|_| reported > 0 || figure.counted.is_some())
                        .and_then(|p| total_in(p, &template.id, &figure.key))
                        .map(|before| total - before),
                    last_season: last_season.and_then(|p| total_in(p, &template.id, &figure.key)),
                });
            }
        }
        Progress { overall: tallies[owner], streets, lagging, overdue, figures }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{self, AT};
    use documents::Cell;

    #[test]
    fn progress_ranks_streets_names_the_units_behind_and_sums_the_figures() {
        let snapshot = fixture::snapshot();
        let mut previous = fixture::snapshot();
        previous.at = AT - 7 * 86_400;
        previous.tasks[3].figures.insert("banners".into(), 1.0);
        let progress = Progress::of(&snapshot, Some(&previous), None);
        assert_eq!((progress.overall.total(), progress.overall.done, progress.overall.overdue), (6, 3, 2));
        let streets: Vec<(&str, usize)> = progress.streets.iter().map(|s| (s.name.as_str(), s.place)).collect();
        assert_eq!(streets, [("东街道", 1), ("西街道", 2)]);
        let lagging: Vec<(&str, Option<&str>)> =
            progress.lagging.iter().map(|l| (l.name.as_str(), l.parent.as_deref())).collect();
        assert_eq!(lagging, [("东二社区", Some("东街道")), ("西街道", Some("示例区委组织部"))]);
        assert_eq!(progress.overdue.iter().map(|o| o.days_late).collect::<Vec<_>>(), [3, 2]);
        let banners = progress.figures.iter().find(|f| f.key == "banners").expect("banners");
        assert_eq!((banners.total, banners.reported, banners.expected, banners.missing()), (3.0, 1, 3, 2));
        assert_eq!(banners.since_previous, Some(2.0));
        assert_eq!(banners.last_season, None);
    }

    #[test]
    fn a_figure_counted_from_the_register_totals_the_records_with_what_was_typed_beside() {
        let mut snapshot = fixture::snapshot();
        let template = snapshot.template_index("publicity").expect("publicity");
        for f in snapshot.templates[template].figures.iter_mut().filter(|f| f.key == "banners") {
            f.counted = Some(campaign::RegisterCount::Entered);
        }
        // Every unit of the task has 5 in the register, whether or not it has reported.
        for task in snapshot.tasks.iter_mut().filter(|t| t.template == template) {
            task.registered.insert("banners".into(), 5);
        }
        let progress = Progress::of(&snapshot, None, None);
        let banners = progress.figures.iter().find(|f| f.key == "banners").expect("banners");
        assert_eq!((banners.total, banners.typed, banners.reported, banners.expected), (15.0, Some(3.0), 1, 3));
        assert_eq!(banners.counted, Some(campaign::RegisterCount::Entered));
        // The ledger gives the register's count and what was typed side by side.
        let ledger = crate::ledger::ledger(&snapshot, "台账", campaign::Lang::Zh);
        let sheet = ledger.sheets.iter().find(|s| s.header.iter().any(|h| h.contains("人才名册"))).expect("the sheet");
        let register = sheet.header.iter().position(|h| h == "悬挂宣传横幅（人才名册，条）").expect("register column");
        assert_eq!(sheet.header[register + 1], "悬挂宣传横幅（单位填报，条）");
        let total = sheet.rows.last().expect("a total row");
        assert_eq!((&total[register], &total[register + 1]), (&Cell::Number(15.0), &Cell::Number(3.0)));
        // Nobody registered anyone: 0, a count, not a gap.
        for task in snapshot.tasks.iter_mut() {
            task.registered.clear();
            if task.template == template {
                task.registered.insert("banners".into(), 0);
            }
            task.figures.clear();
        }
        let progress = Progress::of(&snapshot, None, None);
        let banners = progress.figures.iter().find(|f| f.key == "banners").expect("banners");
        assert_eq!((banners.total, banners.typed, banners.reported), (0.0, None, 0));
    }

    #[test]
    fn a_snapshot_reads_back_as_written_and_refuses_another_version_or_a_bad_index() {
        let snapshot = fixture::snapshot();
        let json = snapshot.to_json();
        assert_eq!(Snapshot::from_json(&json).expect("reads"), snapshot);
        let newer = json.replacen("\"version\":1", "\"version\":2", 1);
        assert!(matches!(Snapshot::from_json(&newer), Err(crate::SnapshotError::Version { found: 2 })));
        let mut bad = snapshot.clone();
        bad.tasks[0].unit = 99;
        assert!(matches!(Snapshot::from_json(&bad.to_json()), Err(crate::SnapshotError::Inconsistent(_))));
        let state = json.replacen("\"done\"", "\"finished\"", 1);
        assert!(Snapshot::from_json(&state).is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::fixture;

    fn state() -> impl Strategy<Value = plan::TaskState> {
        prop::sample::select(plan::TaskState::ALL.to_vec())
    }

    proptest! {
        /// Whatever the states and figures, the owner's tally counts every task once and a figure's
        /// total is the sum of what the done tasks reported.
        #[test]
        fn totals_are_the_sums_of_the_tasks(
            tasks in prop::collection::vec((0usize..3, 0usize..6, state(), -5i64..5, 0u32..500), 0..60)
        ) {
            let mut snapshot = fixture::snapshot();
            snapshot.tasks = tasks
                .iter()
                .map(|&(template, unit, state, due, banners)| {
                    let mut t = snapshot.tasks[0].clone();
                    t.template = template;
                    t.unit = unit;
                    t.state = state;
                    t.due_at = fixture::AT + due * 86_400;
                    t.figures = if template == 2 {
                        [("banners".to_string(), f64::from(banners))].into_iter().collect()
                    } else {
                        Default::default()
                    };
                    t
                })
                .collect();
            let progress = Progress::of(&snapshot, None, None);
            let counted = progress.overall.total() + progress.overall.cancelled;
            prop_assert_eq!(counted as usize, snapshot.tasks.len());
            let expected: f64 = tasks
                .iter()
                .filter(|t| t.0 == 2 && t.2 == plan::TaskState::Done)
                .map(|t| f64::from(t.4))
                .sum();
            let banners = progress.figures.iter().find(|f| f.key == "banners").map(|f| f.total);
            prop_assert_eq!(banners, Some(expected));
            let street_total: u64 = progress.streets.iter().map(|s| s.tally.total()).sum();
            let own: u64 = snapshot.tasks.iter().filter(|t| t.unit == 0 && t.state != plan::TaskState::Cancelled).count() as u64;
            prop_assert_eq!(street_total + own, progress.overall.total());
        }
    }
}

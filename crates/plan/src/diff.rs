//! What applying a (changed) definition does to a run that already exists: which tasks to create,
//! cancel, restore or reschedule. Pure: the store loads the existing tasks and executes the changes.

use std::collections::HashMap;

use crate::run::PlannedRun;
use crate::schedule::schedule_of;

/// Where a task is in its life. `Overdue` is derived (open and past due), not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskState {
    /// Dependencies or `starts` not yet met.
    Waiting,
    /// Assigned and mailed; work in progress.
    Open,
    /// Completed with its figures reported.
    Done,
    /// Excused by an administrator, with a reason.
    Waived,
    /// Removed from the definition (or its unit from the directory).
    Cancelled,
}

impl serde::Serialize for TaskState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl TaskState {
    pub const ALL: [TaskState; 5] =
        [TaskState::Waiting, TaskState::Open, TaskState::Done, TaskState::Waived, TaskState::Cancelled];

    pub fn name(self) -> &'static str {
        match self {
            TaskState::Waiting => "waiting",
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Waived => "waived",
            TaskState::Cancelled => "cancelled",
        }
    }

    pub fn from_name(name: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Done and waived work is settled: no definition change touches it.
    pub fn is_settled(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Waived)
    }

    /// Whether a task in this state is still to be done: waiting or open.
    pub fn is_active(self) -> bool {
        matches!(self, TaskState::Waiting | TaskState::Open)
    }

    /// Whether a task in this state no longer holds up the tasks that wait for it.
    pub fn releases_dependants(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Waived | TaskState::Cancelled)
    }
}

/// A task as the store has it, with the times a definition decides (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingTask {
    pub template: String,
    pub unit: String,
    pub state: TaskState,
    pub starts_at: i64,
    pub due_at: i64,
    /// The stored reminder and escalation schedule, compared as data.
    pub schedule: String,
}

/// One change to one task of an existing run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskChange {
    /// A planned task the run does not have yet (index into the planned run's tasks).
    Create { planned: usize },
    /// A waiting or open task no longer planned (template removed, unit removed or no longer assigned).
    Cancel { template: String, unit: String },
    /// A cancelled task planned again.
    Restore { planned: usize },
    /// A waiting or open task whose start, due time, reminders or escalations moved.
    Reschedule { planned: usize, starts_at: (i64, i64), due_at: (i64, i64) },
}

/// The changes that bring an existing run in line with its plan. Done and waived tasks are never
/// touched. Changes are listed in plan order, then cancellations in stored order.
pub fn diff_run(planned: &PlannedRun, existing: &[ExistingTask]) -> Vec<TaskChange> {
    let by_key: HashMap<(&str, &str), &ExistingTask> =
        existing.iter().map(|t| ((t.template.as_str(), t.unit.as_str()), t)).collect();
    let mut changes = Vec::new();
    let mut planned_keys = std::collections::HashSet::with_capacity(planned.tasks.len());
    for (index, task) in planned.tasks.iter().enumerate() {
        let key = (&*task.template, &*task.unit);
        planned_keys.insert(key);
        let Some(old) = by_key.get(&key) else {
            changes.push(TaskChange::Create { planned: index });
            continue;
        };
        if old.state.is_settled() {
            continue;
        }
        if old.state == TaskState::Cancelled {
            changes.push(TaskChange::Restore { planned: index });
            continue;
        }
        let (starts, due) = (task.starts_at.timestamp(), task.due_at.timestamp());
        if old.starts_at != starts || old.due_at != due || old.schedule != schedule_of(task) {
            changes.push(TaskChange::Reschedule {
                planned: index,
                starts_at: (old.starts_at, starts),
                due_at: (old.due_at, due),
            });
        }
    }
    for old in existing {
        let active = matches!(old.state, TaskState::Waiting | TaskState::Open);
        if active && !planned_keys.contains(&(old.template.as_str(), old.unit.as_str())) {
            changes.push(TaskChange::Cancel { template: old.template.clone(), unit: old.unit.clone() });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::run::{PlannedTask, RunAnchor};
    use calendar::Tz;
    use chrono::TimeZone;

    fn at(day: u32) -> chrono::DateTime<Tz> {
        Tz::Asia__Shanghai.with_ymd_and_hms(2027, 1, day, 17, 30, 0).single().expect("valid time")
    }

    fn task(template: &str, unit: &str, due_day: u32) -> PlannedTask {
        PlannedTask {
            id: format!("c/2027/{template}/{unit}"),
            template: template.into(),
            unit: unit.into(),
            starts_at: at(1),
            due_at: at(due_day),
            after: Vec::new(),
            reminders: Arc::new([]),
            escalations: Arc::new([]),
        }
    }

    fn run(tasks: Vec<PlannedTask>) -> PlannedRun {
        PlannedRun {
            campaign: "c".into(),
            key: "2027".into(),
            anchor: RunAnchor::Day(at(20).date_naive()),
            opens_at: at(1),
            closes_at: at(30),
            tasks,
            reports: Vec::new(),
        }
    }

    fn stored(t: &PlannedTask, state: TaskState) -> ExistingTask {
        ExistingTask {
            template: t.template.to_string(),
            unit: t.unit.to_string(),
            state,
            starts_at: t.starts_at.timestamp(),
            due_at: t.due_at.timestamp(),
            schedule: schedule_of(t),
        }
    }

    #[test]
    fn an_unchanged_run_needs_no_change() {
        let planned = run(vec![task("a", "u1", 5), task("a", "u2", 5)]);
        let existing: Vec<_> = planned.tasks.iter().map(|t| stored(t, TaskState::Open)).collect();
        assert_eq!(diff_run(&planned, &existing), Vec::new());
    }

    #[test]
    fn added_removed_and_moved_tasks_are_found() {
        let old = run(vec![task("a", "u1", 5), task("b", "u1", 6)]);
        let existing: Vec<_> = old.tasks.iter().map(|t| stored(t, TaskState::Waiting)).collect();
        let new = run(vec![task("a", "u1", 7), task("c", "u1", 8)]);
        let changes = diff_run(&new, &existing);
        let (old_due, new_due) = (at(5).timestamp(), at(7).timestamp());
        assert_eq!(
            changes,
            vec![
                TaskChange::Reschedule {
                    planned: 0,
                    starts_at: (at(1).timestamp(), at(1).timestamp()),
                    due_at: (old_due, new_due)
                },
                TaskChange::Create { planned: 1 },
                TaskChange::Cancel { template: "b".into(), unit: "u1".into() },
            ]
        );
    }

    #[test]
    fn done_and_waived_work_is_never_touched() {
        let old = run(vec![task("a", "u1", 5), task("b", "u1", 6)]);
        let existing = vec![stored(&old.tasks[0], TaskState::Done), stored(&old.tasks[1], TaskState::Waived)];
        // Moved and removed: still nothing to do for settled work.
        let new = run(vec![task("a", "u1", 9)]);
        assert_eq!(diff_run(&new, &existing), Vec::new());
    }

    #[test]
    fn a_cancelled_task_planned_again_is_restored() {
        let planned = run(vec![task("a", "u1", 5)]);
        let existing = vec![stored(&planned.tasks[0], TaskState::Cancelled)];
        assert_eq!(diff_run(&planned, &existing), vec![TaskChange::Restore { planned: 0 }]);
    }
}

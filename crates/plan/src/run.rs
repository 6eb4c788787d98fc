//! The planner's output: a run and its tasks, reminders, escalations and reports, in the
//! campaign's time zone.
//!
//! A district's run holds hundreds of thousands of tasks, and most of what describes one is shared
//! with many others, so it is held once: template and unit ids are shared strings, a template's
//! reminders and an escalation chain are shared lists, and a dependency is an index into the run's
//! tasks rather than a copy of the other task's id.

use std::sync::Arc;

use calendar::Tz;
use chrono::{DateTime, NaiveDate};

/// One occurrence of a campaign, planned.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    pub campaign: String,
    /// `2027` for festival campaigns, the opening date (`2027-04-01`) for cron campaigns.
    pub key: String,
    pub anchor: RunAnchor,
    pub opens_at: DateTime<Tz>,
    pub closes_at: DateTime<Tz>,
    /// In template order, then unit order (preorder of the directory).
    pub tasks: Vec<PlannedTask>,
    /// Sorted by time.
    pub reports: Vec<PlannedReport>,
}

impl PlannedRun {
    /// The tasks `task` (one of this run's) waits for, in the order of its `after`.
    pub fn dependencies<'a>(&'a self, task: &'a PlannedTask) -> impl Iterator<Item = &'a PlannedTask> {
        task.after.iter().filter_map(|&index| self.tasks.get(index))
    }
}

/// What a run is anchored on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunAnchor {
    Day(NaiveDate),
    Instant(DateTime<Tz>),
}

/// One task of one run for one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedTask {
    /// `campaign/run/template/unit`.
    pub id: String,
    /// Shared by the run's tasks of the template.
    pub template: Arc<str>,
    /// Shared by the run's tasks of the unit and the escalations to it.
    pub unit: Arc<str>,
    pub starts_at: DateTime<Tz>,
    pub due_at: DateTime<Tz>,
    /// The tasks this one waits for, as indices into the run's `tasks`
    /// ([`PlannedRun::dependencies`]).
    pub after: Vec<usize>,
    /// Ascending; only those after the task starts. Shared by the run's tasks of the template.
    pub reminders: Arc<[DateTime<Tz>]>,
    /// Ascending, each one level further up. Shared by the template's tasks whose units escalate
    /// to the same units (a street's communities).
    pub escalations: Arc<[PlannedEscalation]>,
}

/// An escalation of an overdue task.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedEscalation {
    pub at: DateTime<Tz>,
    /// The unit id notified.
    pub to: Arc<str>,
}

/// A report due in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedReport {
    pub id: String,
    pub at: DateTime<Tz>,
}

/// `campaign/run/template/unit`.
pub fn task_id(campaign: &str, run: &str, template: &str, unit: &str) -> String {
    let mut id = String::with_capacity(campaign.len() + run.len() + template.len() + unit.len() + 3);
    for (i, part) in [campaign, run, template, unit].into_iter().enumerate() {
        if i > 0 {
            id.push('/');
        }
        id.push_str(part);
    }
    id
}

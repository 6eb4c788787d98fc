//! The planner's output: a run and its tasks, reminders, escalations and reports, in the
//! campaign's time zone.

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
    pub template: String,
    pub unit: String,
    pub starts_at: DateTime<Tz>,
    pub due_at: DateTime<Tz>,
    /// Ids of the tasks this one waits for.
    pub after: Vec<String>,
    /// Ascending; only those after the task starts.
    pub reminders: Vec<DateTime<Tz>>,
    /// Ascending, each one level further up.
    pub escalations: Vec<PlannedEscalation>,
}

/// An escalation of an overdue task.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedEscalation {
    pub at: DateTime<Tz>,
    /// The unit id notified.
    pub to: String,
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

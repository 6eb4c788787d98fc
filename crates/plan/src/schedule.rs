//! A task's schedule as stored with it: its reminder times and its escalations (when, to whom).
//! Written by the planner (`schedule_of`), read by the tick; one type for both, so a stored
//! schedule that does not parse is an error, never an empty schedule.

use serde::{Deserialize, Serialize};

use crate::run::PlannedTask;

/// Reminder and escalation times of one task, Unix seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Ascending.
    pub reminders: Vec<i64>,
    /// Ascending by time.
    pub escalations: Vec<ScheduledEscalation>,
}

/// One escalation: at `at`, the overdue task goes to unit `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledEscalation {
    pub at: i64,
    pub to: String,
}

impl Schedule {
    /// The schedule of a planned task.
    pub fn of(task: &PlannedTask) -> Schedule {
        Schedule {
            reminders: task.reminders.iter().map(|t| t.timestamp()).collect(),
            escalations: task
                .escalations
                .iter()
                .map(|e| ScheduledEscalation { at: e.at.timestamp(), to: e.to.to_string() })
                .collect(),
        }
    }

    /// The stored text: `{"reminders":[…],"escalations":[{"at":…,"to":"…"}]}`.
    pub fn to_json(&self) -> String {
        // A struct of integers and strings always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored schedule.
    pub fn parse(text: &str) -> Result<Schedule, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The stored text of a planned task's schedule; the store writes exactly this, so comparing it
/// detects a moved reminder or escalation.
pub fn schedule_of(task: &PlannedTask) -> String {
    Schedule::of(task).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_reads_back_what_was_written_and_refuses_anything_else() {
        let schedule = Schedule {
            reminders: vec![10, 20],
            escalations: vec![ScheduledEscalation { at: 30, to: "jiefang".into() }],
        };
        let text = schedule.to_json();
        assert_eq!(text, r#"{"reminders":[10,20],"escalations":[{"at":30,"to":"jiefang"}]}"#);
        assert_eq!(Schedule::parse(&text).expect("parses"), schedule);
        assert!(Schedule::parse("").is_err());
        assert!(Schedule::parse(r#"{"reminders":[1]}"#).is_err());
        assert!(Schedule::parse(r#"{"reminders":[],"escalations":[],"x":1}"#).is_err());
    }
}

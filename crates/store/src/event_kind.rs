//! What the event log records: one vocabulary, so a history entry's kind is a type, not a string.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The kind of an event in the append-only log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    DefinitionApplied,
    DirectoryUpdated,
    RunOpened,
    RunClosed,
    RunMissed,
    TaskCreated,
    TaskOpened,
    TaskRescheduled,
    TasksRetitled,
    TaskCancelled,
    TaskRestored,
    TaskDone,
    /// A done task's figures or note reported again before its run closed.
    TaskCorrected,
    TaskWaived,
    TaskReopened,
    MailRetried,
    /// A report's snapshot was taken and its mails queued.
    ReportTaken,
}

impl EventKind {
    pub const ALL: [EventKind; 17] = [
        EventKind::DefinitionApplied,
        EventKind::DirectoryUpdated,
        EventKind::RunOpened,
        EventKind::RunClosed,
        EventKind::RunMissed,
        EventKind::TaskCreated,
        EventKind::TaskOpened,
        EventKind::TaskRescheduled,
        EventKind::TasksRetitled,
        EventKind::TaskCancelled,
        EventKind::TaskRestored,
        EventKind::TaskDone,
        EventKind::TaskCorrected,
        EventKind::TaskWaived,
        EventKind::TaskReopened,
        EventKind::MailRetried,
        EventKind::ReportTaken,
    ];

    /// The name as stored.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::DefinitionApplied => "definition-applied",
            EventKind::DirectoryUpdated => "directory-updated",
            EventKind::RunOpened => "run-opened",
            EventKind::RunClosed => "run-closed",
            EventKind::RunMissed => "run-missed",
            EventKind::TaskCreated => "task-created",
            EventKind::TaskOpened => "task-opened",
            EventKind::TaskRescheduled => "task-rescheduled",
            EventKind::TasksRetitled => "tasks-retitled",
            EventKind::TaskCancelled => "task-cancelled",
            EventKind::TaskRestored => "task-restored",
            EventKind::TaskDone => "task-done",
            EventKind::TaskCorrected => "task-corrected",
            EventKind::TaskWaived => "task-waived",
            EventKind::TaskReopened => "task-reopened",
            EventKind::MailRetried => "mail-retried",
            EventKind::ReportTaken => "report-taken",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EventKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| format!("unknown event kind `{s}`"))
    }
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_unknown_is_refused() {
        for kind in EventKind::ALL {
            assert_eq!(kind.name().parse::<EventKind>(), Ok(kind));
        }
        assert!("task_done".parse::<EventKind>().is_err());
    }
}

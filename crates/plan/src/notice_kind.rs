//! The kinds of notice the engine sends, one vocabulary for the tick that decides them, the outbox
//! that stores them and the mail that words them.

use std::fmt;
use std::str::FromStr;

/// Why a unit is told something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKind {
    /// Tasks of units below the recipient are overdue (督办).
    Escalation,
    /// The recipient's tasks are past their due time.
    Overdue,
    /// New tasks were assigned to the recipient (some may already be past due, when they opened
    /// late).
    Assigned,
    /// The recipient's tasks are due soon.
    Reminder,
    /// For the campaign's owner: a run closed while the engine was not running, with work left
    /// unfinished; the units were not mailed about it.
    RunClosed,
    /// For the campaign's owner: a run's whole window passed while the engine was not running, so
    /// it never opened.
    RunMissed,
    /// For the campaign's owner: a run opened.
    RunOpened,
}

impl NoticeKind {
    /// Every kind, most pressing first: the order in which a mail combining several lists them
    /// (its subject names the first).
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::Escalation,
        NoticeKind::Overdue,
        NoticeKind::Assigned,
        NoticeKind::Reminder,
        NoticeKind::RunClosed,
        NoticeKind::RunMissed,
        NoticeKind::RunOpened,
    ];

    /// The kind's name, as stored and as used in template file names.
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::Escalation => "escalation",
            NoticeKind::Overdue => "overdue",
            NoticeKind::Assigned => "assigned",
            NoticeKind::Reminder => "reminder",
            NoticeKind::RunClosed => "run-closed",
            NoticeKind::RunMissed => "run-missed",
            NoticeKind::RunOpened => "run-opened",
        }
    }

    /// Whether the notice is about the recipient's own tasks (which the recipient reports).
    pub fn is_about_own_tasks(self) -> bool {
        matches!(self, NoticeKind::Overdue | NoticeKind::Assigned | NoticeKind::Reminder)
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`NoticeKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown notice kind `{0}` (expected one of: escalation, overdue, assigned, reminder, run-closed, run-missed, run-opened)"
)]
pub struct UnknownNoticeKind(pub String);

impl FromStr for NoticeKind {
    type Err = UnknownNoticeKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NoticeKind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| UnknownNoticeKind(s.to_string()))
    }
}

impl serde::Serialize for NoticeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip_and_the_unknown_is_refused() {
        for kind in NoticeKind::ALL {
            assert_eq!(kind.name().parse::<NoticeKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        let err = "run_opened".parse::<NoticeKind>().unwrap_err();
        assert!(err.to_string().contains("`run_opened`") && err.to_string().contains("run-opened"), "{err}");
    }

    #[test]
    fn the_order_is_most_pressing_first() {
        let mut sorted = NoticeKind::ALL;
        sorted.sort();
        assert_eq!(sorted, NoticeKind::ALL, "Ord follows ALL");
    }
}

//! What one mail says, as data: the kind, the recipient, the campaign run and the tasks.

use std::fmt;
use std::str::FromStr;

use campaign::{Figure, Locale};
use chrono::DateTime;
use chrono_tz::Tz;

/// Why a mail is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailKind {
    /// New tasks were assigned to the recipient.
    Assigned,
    /// The recipient's tasks are due soon.
    Reminder,
    /// The recipient's tasks are past their due time.
    Overdue,
    /// Tasks of units below the recipient are overdue (督办).
    Escalation,
    /// A campaign run has opened.
    RunOpened,
}

impl MailKind {
    /// Every kind, in a stable order.
    pub const ALL: [MailKind; 5] =
        [MailKind::Assigned, MailKind::Reminder, MailKind::Overdue, MailKind::Escalation, MailKind::RunOpened];

    /// The kind's name, as used in template file names and stored rows.
    pub fn name(self) -> &'static str {
        match self {
            MailKind::Assigned => "assigned",
            MailKind::Reminder => "reminder",
            MailKind::Overdue => "overdue",
            MailKind::Escalation => "escalation",
            MailKind::RunOpened => "run-opened",
        }
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`MailKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown mail kind `{0}` (expected one of: assigned, reminder, overdue, escalation, run-opened)")]
pub struct UnknownMailKind(pub String);

impl FromStr for MailKind {
    type Err = UnknownMailKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MailKind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| UnknownMailKind(s.to_string()))
    }
}

/// The unit a mail goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub unit_id: String,
    pub unit_name: String,
    pub email: String,
}

/// One mail: one recipient, one kind, one campaign run, one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    pub kind: MailKind,
    pub locale: Locale,
    pub campaign_id: String,
    pub campaign_name: String,
    pub run_key: String,
    pub recipient: Recipient,
    /// When the digest was composed, in the campaign's time zone; "overdue by" and "time left"
    /// are measured from it.
    pub moment: DateTime<Tz>,
    /// When the run opens (for [`MailKind::RunOpened`]).
    pub run_opens_at: Option<DateTime<Tz>>,
    /// When the run closes (for [`MailKind::RunOpened`]).
    pub run_closes_at: Option<DateTime<Tz>>,
    /// The tasks the mail is about. For [`MailKind::Escalation`]: overdue tasks of units below the
    /// recipient; for [`MailKind::RunOpened`]: the run's tasks, which the built-in templates only
    /// summarize (a count per title).
    pub tasks: Vec<DigestTask>,
}

/// One task in a digest.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestTask {
    /// `campaign/run/template/unit`, also the task id of the command line.
    pub id: String,
    pub title: String,
    pub unit_id: String,
    pub unit_name: String,
    pub starts_at: DateTime<Tz>,
    pub due_at: DateTime<Tz>,
    /// The figures the unit reports on completion.
    pub figures: Vec<FigureLine>,
}

/// A figure a unit reports when it completes a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureLine {
    pub key: String,
    pub label: String,
    /// The unit of measure (条, 人), if any.
    pub unit: Option<String>,
    pub required: bool,
}

impl From<&Figure> for FigureLine {
    fn from(figure: &Figure) -> Self {
        FigureLine {
            key: figure.key.clone(),
            label: figure.label.clone(),
            unit: figure.unit.clone(),
            required: figure.required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in MailKind::ALL {
            assert_eq!(kind.name().parse::<MailKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        let err = "run_opened".parse::<MailKind>().unwrap_err();
        assert!(err.to_string().contains("run_opened"));
        assert!(err.to_string().contains("run-opened"));
    }
}

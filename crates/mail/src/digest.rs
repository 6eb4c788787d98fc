//! What one mail says, as data: the recipient, the moment and one or more sections, each a kind of
//! notice about one campaign run and its tasks.

use campaign::{Figure, Locale};
use chrono::DateTime;
use chrono_tz::Tz;
use plan::NoticeKind;

/// The unit a mail goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub unit_id: String,
    pub unit_name: String,
    pub email: String,
}

/// One mail: one recipient, one moment, and everything the recipient is told at that moment, as
/// sections (a unit gets one mail per engine tick, whatever kinds of notice it combines).
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    pub locale: Locale,
    pub recipient: Recipient,
    /// When the digest was composed, in the campaign's time zone; "overdue by" and "time left"
    /// are measured from it.
    pub moment: DateTime<Tz>,
    /// At least one, in reading order; the first (the lead) names the subject. The engine sorts
    /// them by kind ([`NoticeKind`] order, most pressing first) then run.
    pub sections: Vec<Section>,
    /// The recipient's signed link to its portal (`https://…/l/TOKEN`), when the web is served:
    /// tasks are reported there. Without one, mails say to report with the command line.
    pub portal_link: Option<String>,
}

/// One kind of notice about one campaign run, within a mail.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub kind: NoticeKind,
    pub campaign_id: String,
    pub campaign_name: String,
    pub run_key: String,
    /// When the run opens (opened).
    pub run_opens_at: Option<DateTime<Tz>>,
    /// When the run closes (closed).
    pub run_closes_at: Option<DateTime<Tz>>,
    /// The tasks the section is about, by kind:
    /// - [`NoticeKind::Assigned`], [`NoticeKind::Reminder`], [`NoticeKind::Overdue`]: the
    ///   recipient's own tasks (an assigned task may already be past due, when it opened late);
    /// - [`NoticeKind::Escalation`]: overdue tasks of units below the recipient;
    /// - [`NoticeKind::RunOpened`]: every task of the run, which the built-in templates only
    ///   summarize (a count per title);
    /// - [`NoticeKind::RunClosed`]: the tasks left unfinished when the run closed;
    /// - [`NoticeKind::RunMissed`]: none (the run never opened).
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
    /// Counted from the talent register (`counted:`): no more than the register holds may be
    /// reported, which the mail says.
    pub counted: bool,
}

impl From<&Figure> for FigureLine {
    fn from(figure: &Figure) -> Self {
        FigureLine {
            key: figure.key.clone(),
            label: figure.label.clone(),
            unit: figure.unit.clone(),
            required: figure.required,
            counted: figure.counted.is_some(),
        }
    }
}

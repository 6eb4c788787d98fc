//! The typed campaign: what a valid campaign file means.

use std::path::PathBuf;

use calendar::{CronSchedule, Festival, LunarMonthDay, Offset, Tz};
use chrono::NaiveTime;

use crate::diagnostic::Loc;
use crate::layout::ReportLayout;
use crate::read::Located;
use crate::time_expr::TimeExpr;

/// One recurring campaign, validated.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// The accountable unit, last stop of every escalation.
    pub owner: String,
    pub timezone: Tz,
    pub locale: Locale,
    /// The file this campaign was read from.
    pub source: PathBuf,
    /// The directory file, resolved against the campaign file's folder.
    pub directory: PathBuf,
    /// The holiday arrangements file, resolved against the campaign file's folder.
    pub holidays: PathBuf,
    pub recurrence: Recurrence,
    /// Time of day that day offsets of due times and closings land at.
    pub due_time: NaiveTime,
    /// Time of day that day offsets of starts and openings land at.
    pub start_time: NaiveTime,
    pub tasks: Vec<TaskTemplate>,
    pub reports: Vec<Report>,
    /// The personal-information notice its workers give the persons they register, if any.
    pub notice: Option<Notice>,
}

/// A personal-information notice (个人信息处理告知书, PIPL arts. 17 and 35): what a person is told
/// before their record is entered. Its version is recorded with each person told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub version: String,
    pub title: String,
    /// Paragraphs separated by blank lines.
    pub text: String,
}

impl Notice {
    /// The title when a campaign names none.
    pub const DEFAULT_TITLE: &'static str = "个人信息处理告知书";
    /// The longest version: it is recorded with each person and shown in lists.
    pub const MAX_VERSION_CHARS: usize = 32;

    /// The text's paragraphs, trimmed, empty ones dropped.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect()
    }
}

impl Campaign {
    pub fn task(&self, id: &str) -> Option<&TaskTemplate> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

/// Language of a campaign's mail and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl From<Locale> for crate::Lang {
    /// The language pages and messages about a campaign are written in.
    fn from(locale: Locale) -> crate::Lang {
        match locale {
            Locale::ZhCn => crate::Lang::Zh,
            Locale::En => crate::Lang::En,
        }
    }
}

/// When a campaign recurs and how long each run lasts.
#[derive(Clone, Debug)]
pub struct Recurrence {
    pub anchor: Anchor,
    /// Offset of the opening from the anchor; `None`: at the anchor (for a day, at `start_time`).
    pub opens: Option<Located<Offset>>,
    /// Offset of the closing from the anchor.
    pub closes: Located<Offset>,
}

/// The anchor of each run.
#[derive(Clone, Debug)]
pub enum Anchor {
    Festival(Festival),
    Lunar(LunarMonthDay),
    /// A Gregorian month and day, every year.
    Date {
        month: u32,
        day: u32,
    },
    Cron(Box<CronSchedule>),
}

impl Anchor {
    /// Whether the anchor is a day (festival, lunar or calendar date) rather than an instant (cron).
    pub fn is_day(&self) -> bool {
        !matches!(self, Anchor::Cron(_))
    }
}

/// What kind of work a task is; used for grouping in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskKind {
    Meeting,
    Document,
    Publicity,
    Visit,
    Forum,
    FollowUp,
    Inspection,
    Other,
}

impl TaskKind {
    pub const NAMES: &'static [&'static str] =
        &["meeting", "document", "publicity", "visit", "forum", "follow-up", "inspection", "other"];

    pub fn from_name(name: &str) -> Option<TaskKind> {
        Some(match name {
            "meeting" => TaskKind::Meeting,
            "document" => TaskKind::Document,
            "publicity" => TaskKind::Publicity,
            "visit" => TaskKind::Visit,
            "forum" => TaskKind::Forum,
            "follow-up" => TaskKind::FollowUp,
            "inspection" => TaskKind::Inspection,
            "other" => TaskKind::Other,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Meeting => "meeting",
            TaskKind::Document => "document",
            TaskKind::Publicity => "publicity",
            TaskKind::Visit => "visit",
            TaskKind::Forum => "forum",
            TaskKind::FollowUp => "follow-up",
            TaskKind::Inspection => "inspection",
            TaskKind::Other => "other",
        }
    }
}

/// A task template: one task per assigned unit in every run.
#[derive(Clone, Debug)]
pub struct TaskTemplate {
    pub id: String,
    pub kind: TaskKind,
    pub title: String,
    pub description: Option<String>,
    pub assignees: Assignees,
    /// Template ids this one waits for, scoped by the unit tree.
    pub after: Vec<String>,
    /// Not before; `None`: when the run opens.
    pub starts: Option<Located<TimeExpr>>,
    pub due: Located<TimeExpr>,
    pub figures: Vec<Figure>,
    /// Negative offsets from the due time.
    pub reminders: Vec<Offset>,
    pub escalate: Option<Escalation>,
    /// Where the task was written.
    pub loc: Loc,
}

/// Who gets a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignees {
    /// `assignee: UNIT` — one task.
    Unit(String),
    /// `assignees: {level: L}` or `{level: L, under: UNIT}`.
    Level { level: String, under: Option<String> },
    /// `assignees: {units: [..]}`.
    Units(Vec<String>),
}

/// A number a unit reports when it completes a task. Stored with each task as JSON (its figure
/// spec), in exactly this shape.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub unit: Option<String>,
    pub kind: FigureKind,
    pub required: bool,
    /// What the register counts for it (`counted:`): the report's figure is that count of records,
    /// and a unit may not type more than it. Absent from the stored spec when not counted, so
    /// the figures of campaigns that do not use it are stored as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted: Option<crate::RegisterCount>,
}

/// The type of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    Integer,
    Decimal,
}

/// How overdue work goes up the unit tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// After the due time, the first escalation.
    pub after: Offset,
    /// Between further escalations, each one level higher.
    pub every: Offset,
    pub to: EscalationTarget,
}

/// Where escalations go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EscalationTarget {
    /// The parent unit, then its parent, … up to the campaign owner.
    Parent,
    /// Straight to the campaign owner.
    Owner,
    /// A named unit.
    Unit(String),
}

/// A report for leadership.
#[derive(Clone, Debug)]
pub struct Report {
    pub id: String,
    pub title: String,
    pub when: ReportWhen,
    /// Groups or units of the directory.
    pub to: Vec<String>,
    pub template: ReportTemplate,
    /// The declared sections and 下一步 of a work report (`sections:`, `next_steps:`); `None` for a
    /// progress report and for a work report that declares none, whose sections the report crate
    /// builds from the task kinds.
    pub layout: Option<ReportLayout>,
    pub loc: Loc,
}

/// When a report is produced.
#[derive(Clone, Debug)]
pub enum ReportWhen {
    /// On a cron schedule while the run is open.
    Schedule(Box<CronSchedule>),
    /// Once.
    At(TimeExpr),
}

/// How a report is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportTemplate {
    Progress,
    WorkReport,
    /// A tera file, resolved against the campaign file's folder.
    File(PathBuf),
}

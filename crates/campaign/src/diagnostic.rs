//! Diagnostics: what is wrong, where (file, line, column, field path), in zh-CN or English.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub const START: Loc = Loc { line: 1, column: 1 };
}

/// The language of user-facing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh_CN.UTF-8` → Chinese; `en`, `en_US.UTF-8`, `C` → English.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.starts_with("en") || lower == "c" || lower == "posix" || lower.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub loc: Loc,
    /// The field path, e.g. `tasks[3].assignees.level`; empty for whole-file problems.
    pub field: String,
    pub kind: DiagnosticKind,
}

impl Diagnostic {
    pub fn new(file: &Path, loc: Loc, field: impl Into<String>, kind: DiagnosticKind) -> Self {
        Diagnostic { file: file.to_path_buf(), loc, field: field.into(), kind }
    }

    /// `path:line:column: error: field: message`, the form editors and CI annotate.
    pub fn render(&self, lang: Lang) -> String {
        let field = if self.field.is_empty() { String::new() } else { format!("{}: ", self.field) };
        format!(
            "{}:{}:{}: error: {}{}",
            self.file.display(),
            self.loc.line,
            self.loc.column,
            field,
            self.kind.message(lang)
        )
    }

    /// The JSON form of `guiyan validate --json`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "file": self.file.display().to_string(),
            "line": self.loc.line,
            "column": self.loc.column,
            "field": self.field,
            "code": self.kind.code(),
            "message": self.kind.message(lang),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Sorts diagnostics by file, then position, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.loc, &a.field).cmp(&(&b.file, b.loc, &b.field)));
}

/// Every kind of problem guiyan reports, with the data its message needs.
#[derive(Clone, Debug, PartialEq)]
pub enum DiagnosticKind {
    // Reading the file.
    Io { problem: ReadProblem },
    FileTooLarge { limit: u64 },
    NotUtf8,
    YamlSyntax { detail: String },
    YamlTooComplex { what: Complexity },
    MultipleDocuments,
    EmptyDocument,
    // Shape.
    UnknownKey { key: String, expected: Vec<&'static str> },
    DuplicateKey { key: String, first_line: u32 },
    MissingKey { key: &'static str },
    WrongType { expected: &'static str, found: &'static str },
    // Values.
    InvalidId { value: String },
    UnknownUnit { id: String },
    UnknownLevel { level: String, expected: Vec<String> },
    UnknownGroupOrUnit { id: String },
    UnknownTask { id: String },
    UnknownTaskKind { kind: String, expected: Vec<&'static str> },
    UnknownFestival { name: String, expected: Vec<&'static str> },
    UnknownTimezone { name: String },
    UnknownLocale { value: String },
    UnknownTemplate { value: String },
    UnknownFigureType { value: String },
    UnknownRegisterCount { value: String, expected: Vec<&'static str> },
    CountedNotInteger { key: String },
    UnknownEscalationTarget { value: String },
    DuplicateId { what: &'static str, id: String, first_line: u32 },
    DuplicateCampaign { id: String, other_file: String },
    DependencyCycle { cycle: Vec<String> },
    SelfDependency { id: String },
    InvalidOffset { value: String, problem: calendar::OffsetError },
    InvalidTimeExpr { value: String, problem: crate::TimeExprError },
    InvalidCron { value: String, problem: calendar::CronError },
    InvalidLunarDate { value: String },
    InvalidCalendarDate { value: String },
    InvalidTimeOfDay { value: String },
    InvalidEmail { value: String },
    InvalidDateRange { value: String },
    ControlCharacter { found: char, at: usize, multiline: bool },
    AnchorConflict,
    AnchorMissing,
    AssigneeConflict,
    AssigneeMissing,
    AssigneesIncomplete,
    AssigneesLevelAndUnits,
    NoUnitsSelected { level: String, under: Option<String> },
    ScheduleConflict,
    ScheduleMissing,
    ReminderNotBefore { value: String },
    EscalationNotAfter { value: String },
    DueBeforeStart { due: String, starts: String },
    DueBeforeOpen { due: String, opens: String },
    StartBeforeOpen { starts: String, opens: String },
    DueAfterClose { due: String, closes: String },
    OpensAfterCloses { opens: String, closes: String },
    LevelOrder { unit: String, level: String, parent_level: String },
    MissingFile { path: String, problem: ReadProblem },
    NotAnIncludedKind { path: String },
    WrongFileKind { path: String, expected: FileKind },
    GroupNamedLikeUnit { id: String, unit_line: u32 },
    DateOutsideYear { date: String, year: i32 },
    DayBothOffAndWork { date: String },
    YearOutOfRange { year: i64 },
    WorkdaysMissing { file: String },
    YearNotCovered { year: i32, file: String },
    LunarDateConflict,
    CalendarLimit { detail: String },
    // A work report's layout (`sections:`, `next_steps:`).
    UnknownFigure { task: String, figure: String, figures: Vec<String> },
    UnknownAttribute { task: String, attribute: String },
    InvalidPlaceholder { written: String, problem: crate::layout::PlaceholderProblem },
    EmptyText { what: &'static str },
    NoticeVersionTooLong { max: usize },
    EmptySection,
    LayoutNotAllowed { key: &'static str },
    DuplicateSectionTitle { title: String, first_line: u32 },
    ReservedFigureKey { key: String },
}

impl DiagnosticKind {
    /// A stable kebab-case code for scripts (`--json`).
    pub fn code(&self) -> &'static str {
        use DiagnosticKind::*;
        match self {
            Io { .. } => "io",
            FileTooLarge { .. } => "file-too-large",
            NotUtf8 => "not-utf8",
            YamlSyntax { .. } => "yaml-syntax",
            YamlTooComplex { .. } => "yaml-too-complex",
            MultipleDocuments => "multiple-documents",
            EmptyDocument => "empty-document",
            UnknownKey { .. } => "unknown-key",
            DuplicateKey { .. } => "duplicate-key",
            MissingKey { .. } => "missing-key",
            WrongType { .. } => "wrong-type",
            InvalidId { .. } => "invalid-id",
            UnknownUnit { .. } => "unknown-unit",
            UnknownLevel { .. } => "unknown-level",
            UnknownGroupOrUnit { .. } => "unknown-recipient",
            UnknownTask { .. } => "unknown-task",
            UnknownTaskKind { .. } => "unknown-task-kind",
            UnknownFestival { .. } => "unknown-festival",
            UnknownTimezone { .. } => "unknown-timezone",
            UnknownLocale { .. } => "unknown-locale",
            UnknownTemplate { .. } => "unknown-template",
            UnknownFigureType { .. } => "unknown-figure-type",
            UnknownRegisterCount { .. } => "unknown-register-count",
            CountedNotInteger { .. } => "counted-not-integer",
            UnknownEscalationTarget { .. } => "unknown-escalation-target",
            DuplicateId { .. } => "duplicate-id",
            DuplicateCampaign { .. } => "duplicate-campaign",
            DependencyCycle { .. } => "dependency-cycle",
            SelfDependency { .. } => "self-dependency",
            InvalidOffset { .. } => "invalid-offset",
            InvalidTimeExpr { .. } => "invalid-time-expression",
            InvalidCron { .. } => "invalid-cron",
            InvalidLunarDate { .. } => "invalid-lunar-date",
            InvalidCalendarDate { .. } => "invalid-date",
            InvalidTimeOfDay { .. } => "invalid-time-of-day",
            InvalidEmail { .. } => "invalid-email",
            InvalidDateRange { .. } => "invalid-date-range",
            ControlCharacter { .. } => "control-character",
            AnchorConflict => "anchor-conflict",
            AnchorMissing => "anchor-missing",
            AssigneeConflict => "assignee-conflict",
            AssigneeMissing => "assignee-missing",
            AssigneesIncomplete => "assignees-incomplete",
            AssigneesLevelAndUnits => "assignees-level-and-units",
            NoUnitsSelected { .. } => "no-units-selected",
            ScheduleConflict => "schedule-conflict",
            ScheduleMissing => "schedule-missing",
            ReminderNotBefore { .. } => "reminder-not-before-due",
            EscalationNotAfter { .. } => "escalation-not-after-due",
            DueBeforeStart { .. } => "due-before-start",
            DueBeforeOpen { .. } => "due-before-open",
            StartBeforeOpen { .. } => "start-before-open",
            DueAfterClose { .. } => "due-after-close",
            OpensAfterCloses { .. } => "opens-after-closes",
            LevelOrder { .. } => "level-order",
            MissingFile { .. } => "missing-file",
            NotAnIncludedKind { .. } => "unrecognized-file",
            WrongFileKind { .. } => "wrong-file-kind",
            GroupNamedLikeUnit { .. } => "group-named-like-unit",
            DateOutsideYear { .. } => "date-outside-year",
            DayBothOffAndWork { .. } => "day-both-off-and-work",
            YearOutOfRange { .. } => "year-out-of-range",
            WorkdaysMissing { .. } => "workdays-missing",
            YearNotCovered { .. } => "year-not-covered",
            LunarDateConflict => "lunar-date-conflict",
            CalendarLimit { .. } => "calendar-limit",
            UnknownFigure { .. } => "unknown-figure",
            UnknownAttribute { .. } => "unknown-attribute",
            InvalidPlaceholder { .. } => "invalid-placeholder",
            EmptyText { .. } => "empty-text",
            NoticeVersionTooLong { .. } => "notice-version-too-long",
            EmptySection => "empty-section",
            LayoutNotAllowed { .. } => "layout-not-allowed",
            DuplicateSectionTitle { .. } => "duplicate-section",
            ReservedFigureKey { .. } => "reserved-figure-key",
        }
    }

    /// The message in the requested language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => crate::messages::zh(self),
            Lang::En => crate::messages::en(self),
        }
    }
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadProblem {
    NotFound,
    PermissionDenied,
    NotAFile,
    Other(String),
}

/// Which limit a YAML file broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Complexity {
    Aliases,
    Nesting,
    Nodes,
    Other,
}

/// The kinds of file guiyan reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Campaign,
    Directory,
    Holidays,
}

//! Raw structs that mirror the YAML files key for key, with no meaning attached yet; they also
//! generate the JSON Schema editors use (`guiyan schema`).

use schemars::JsonSchema;

use crate::read::{Entries, FromNode, Located, Reader, Scalar};
use crate::text::{Line, Text};
use crate::yaml::{Node, Value};

/// A campaign file (`workflows/*.yaml`): one recurring campaign.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields, title = "guiyan campaign")]
pub struct RawCampaign {
    /// Campaign id: lowercase letters, digits and '-' (e.g. `spring-festival`).
    #[schemars(required)]
    pub id: Option<Located<String>>,
    /// Campaign name shown in mail and reports (e.g. 春节期间乡土人才联络和回归工作).
    #[schemars(required)]
    pub name: Option<Located<Line>>,
    /// Optional longer description.
    pub description: Option<Located<Text>>,
    /// The accountable unit: the last stop of every escalation.
    #[schemars(required)]
    pub owner: Option<Located<String>>,
    /// IANA time zone of every time in the campaign (e.g. Asia/Shanghai).
    #[schemars(required)]
    pub timezone: Option<Located<String>>,
    /// Language of mail and reports: `zh-CN` (default) or `en`.
    pub locale: Option<Located<String>>,
    /// The unit directory file, relative to this file (e.g. units.yaml).
    #[schemars(required)]
    pub directory: Option<Located<String>>,
    /// The holiday arrangements file for working-day offsets, relative to this file. Default: holidays.yaml.
    pub holidays: Option<Located<String>>,
    /// When the campaign recurs: one run per occurrence.
    #[schemars(required)]
    pub recurrence: Option<RawRecurrence>,
    /// Defaults for every task.
    pub defaults: Option<RawDefaults>,
    /// The task templates.
    #[schemars(required)]
    pub tasks: Option<Located<Vec<RawTask>>>,
    /// Reports for leadership.
    pub reports: Option<Vec<RawReport>>,
    /// The notice (告知书) given to the persons whose records the campaign's work enters in the
    /// talent register: its version and text.
    pub notice: Option<RawNotice>,
}

const CAMPAIGN_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "owner",
    "timezone",
    "locale",
    "directory",
    "holidays",
    "recurrence",
    "defaults",
    "tasks",
    "reports",
    "notice",
];

impl FromNode for RawCampaign {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, CAMPAIGN_KEYS)?;
        Some(RawCampaign {
            id: f.require(r, "id"),
            name: f.require(r, "name"),
            description: f.get(r, "description"),
            owner: f.require(r, "owner"),
            timezone: f.require(r, "timezone"),
            locale: f.get(r, "locale"),
            directory: f.require(r, "directory"),
            holidays: f.get(r, "holidays"),
            recurrence: f.require(r, "recurrence"),
            defaults: f.get(r, "defaults"),
            tasks: f.require(r, "tasks"),
            reports: f.get(r, "reports"),
            notice: f.get(r, "notice"),
        })
    }
}

/// `notice:` — the personal-information notice (个人信息处理告知书) the campaign's workers give.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawNotice {
    /// The version recorded with each person it was given to, e.g. 2027-1.
    #[schemars(required)]
    pub version: Option<Located<Line>>,
    /// The title. Default: 个人信息处理告知书.
    pub title: Option<Located<Line>>,
    /// The text, paragraphs separated by a blank line.
    #[schemars(required)]
    pub text: Option<Located<Text>>,
}

impl FromNode for RawNotice {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["version", "title", "text"])?;
        Some(RawNotice { version: f.require(r, "version"), title: f.get(r, "title"), text: f.require(r, "text") })
    }
}

/// `recurrence:` — either a calendar `anchor` or a `cron` expression, and the run's window.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawRecurrence {
    #[schemars(skip)]
    pub loc: crate::Loc,
    /// Keys written, valid or not (so a bad `anchor` is not also reported as missing).
    #[schemars(skip)]
    pub written: Vec<&'static str>,
    /// A festival or solar term name, `{lunar: "M-D"}` or `{date: "MM-DD"}`.
    pub anchor: Option<Located<RawAnchor>>,
    /// A crontab expression (5 fields, or 6 with leading seconds) in the campaign's time zone.
    pub cron: Option<Located<String>>,
    /// Offset of the opening from the anchor, e.g. -21d. Default: the anchor (for a day anchor, at
    /// `defaults.start_time` on that day; for cron, the fire time).
    pub opens: Option<Located<Scalar>>,
    /// Offset of the closing from the anchor, e.g. +30d.
    #[schemars(required)]
    pub closes: Option<Located<Scalar>>,
}

impl FromNode for RawRecurrence {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["anchor", "cron", "opens", "closes"])?;
        Some(RawRecurrence {
            loc: f.loc,
            written: f.written(),
            anchor: f.get(r, "anchor"),
            cron: f.get(r, "cron"),
            opens: f.get(r, "opens"),
            closes: f.require(r, "closes"),
        })
    }
}

/// The anchor of a recurrence.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RawAnchor {
    /// A festival (spring-festival, mid-autumn, …) or a solar term (qingming, dongzhi, …).
    Name(String),
    /// A lunar month and day, e.g. {lunar: "8-15"}.
    Lunar {
        /// "M-D" in the Chinese lunar calendar.
        lunar: String,
    },
    /// A Gregorian month and day, e.g. {date: "10-01"}.
    Date {
        /// "MM-DD".
        date: String,
    },
}

impl FromNode for RawAnchor {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        if let Value::String(name) = &node.value {
            return Some(RawAnchor::Name(name.clone()));
        }
        if !matches!(node.value, Value::Map(_)) {
            r.error(
                node.loc,
                crate::DiagnosticKind::WrongType { expected: "mapping or string", found: node.value.type_name() },
            );
            return None;
        }
        let f = r.fields(node, &["lunar", "date"])?;
        match (f.get::<Scalar>(r, "lunar"), f.get::<Scalar>(r, "date")) {
            (Some(lunar), None) => Some(RawAnchor::Lunar { lunar: lunar.0 }),
            (None, Some(date)) => Some(RawAnchor::Date { date: date.0 }),
            (Some(_), Some(_)) => {
                r.error(f.loc, crate::DiagnosticKind::LunarDateConflict);
                None
            }
            (None, None) => {
                if !f.has("lunar") && !f.has("date") {
                    r.error(f.loc, crate::DiagnosticKind::MissingKey { key: "lunar" });
                }
                None
            }
        }
    }
}

/// `defaults:` — applied to every task that does not say otherwise.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDefaults {
    /// Time of day that day offsets of due times and closings land at. Default "17:30".
    pub due_time: Option<Located<Scalar>>,
    /// Time of day that day offsets of starts, openings, reminders, escalations and report times
    /// land at. Default "09:00".
    pub start_time: Option<Located<Scalar>>,
    /// Reminders before each due time, e.g. [-3d, -1d]. Default: none.
    pub reminders: Option<Vec<Located<Scalar>>>,
    /// Escalation of overdue work. Default: none.
    pub escalate: Option<RawEscalateSetting>,
}

impl FromNode for RawDefaults {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["due_time", "start_time", "reminders", "escalate"])?;
        Some(RawDefaults {
            due_time: f.get(r, "due_time"),
            start_time: f.get(r, "start_time"),
            reminders: f.get(r, "reminders"),
            escalate: f.get(r, "escalate"),
        })
    }
}

/// `escalate:` — rules, or `false` to switch off escalation inherited from `defaults`.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RawEscalateSetting {
    /// `false`: no escalation. (The bool is always false; it is there for the schema.)
    #[allow(dead_code)]
    Off(bool),
    Rules(RawEscalate),
}

impl FromNode for RawEscalateSetting {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        match node.value {
            Value::Bool(false) => Some(RawEscalateSetting::Off(false)),
            Value::Map(_) => RawEscalate::from_node(node, r).map(RawEscalateSetting::Rules),
            _ => {
                r.error(
                    node.loc,
                    crate::DiagnosticKind::WrongType { expected: "mapping or false", found: node.value.type_name() },
                );
                None
            }
        }
    }
}

/// Escalation rules: overdue work goes up the unit tree.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawEscalate {
    /// Delay after the due time before the first escalation, e.g. 2d.
    #[schemars(required)]
    pub after: Option<Located<Scalar>>,
    /// Delay between further escalations, one level higher each time. Default: same as `after`.
    pub every: Option<Located<Scalar>>,
    /// `parent` (climb the tree up to the owner), `owner`, or a unit id. Default: parent.
    pub to: Option<Located<String>>,
}

impl FromNode for RawEscalate {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["after", "every", "to"])?;
        Some(RawEscalate { after: f.require(r, "after"), every: f.get(r, "every"), to: f.get(r, "to") })
    }
}

/// One task template: one task per assigned unit in every run.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawTask {
    #[schemars(skip)]
    pub loc: crate::Loc,
    /// Keys written, valid or not.
    #[schemars(skip)]
    pub written: Vec<&'static str>,
    /// Task id, unique in the campaign.
    #[schemars(required)]
    pub id: Option<Located<String>>,
    /// meeting, document, publicity, visit, forum, follow-up, inspection or other. Default: other.
    pub kind: Option<Located<String>>,
    /// What the unit must do.
    #[schemars(required)]
    pub title: Option<Located<Line>>,
    /// Optional details shown in mail and on the task page.
    pub description: Option<Located<Text>>,
    /// One unit id: one task.
    pub assignee: Option<Located<String>>,
    /// Fan-out: one task per selected unit.
    pub assignees: Option<RawAssignees>,
    /// Task ids this one waits for (scoped by the unit tree).
    pub after: Option<Vec<Located<String>>>,
    /// Not before this time, e.g. anchor-7d. Default: when the run opens.
    pub starts: Option<Located<Scalar>>,
    /// Due time, e.g. open+3d, anchor+15d, close.
    #[schemars(required)]
    pub due: Option<Located<Scalar>>,
    /// Figures the unit reports on completion.
    pub figures: Option<Entries<RawFigure>>,
    /// Reminders before the due time; replaces `defaults.reminders`. [] for none.
    pub reminders: Option<Vec<Located<Scalar>>>,
    /// Escalation of this task; replaces `defaults.escalate`; `false` for none.
    pub escalate: Option<RawEscalateSetting>,
}

const TASK_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "description",
    "assignee",
    "assignees",
    "after",
    "starts",
    "due",
    "figures",
    "reminders",
    "escalate",
];

impl FromNode for RawTask {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, TASK_KEYS)?;
        Some(RawTask {
            loc: f.loc,
            written: f.written(),
            id: f.require(r, "id"),
            kind: f.get(r, "kind"),
            title: f.require(r, "title"),
            description: f.get(r, "description"),
            assignee: f.get(r, "assignee"),
            assignees: f.get(r, "assignees"),
            after: f.get(r, "after"),
            starts: f.get(r, "starts"),
            due: f.require(r, "due"),
            figures: f.get(r, "figures"),
            reminders: f.get(r, "reminders"),
            escalate: f.get(r, "escalate"),
        })
    }
}

/// `assignees:` — `{level: L}`, `{units: [..]}` or `{level: L, under: UNIT}`.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawAssignees {
    #[schemars(skip)]
    pub loc: crate::Loc,
    /// Every unit of this level (under `under`, if given).
    pub level: Option<Located<String>>,
    /// Only units below this unit.
    pub under: Option<Located<String>>,
    /// An explicit list of unit ids.
    pub units: Option<Vec<Located<String>>>,
    /// Whether the mapping had unknown keys (a typo such as `levle`, already reported).
    #[schemars(skip)]
    pub had_unknown_keys: bool,
}

impl FromNode for RawAssignees {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["level", "under", "units"])?;
        Some(RawAssignees {
            loc: f.loc,
            level: f.get(r, "level"),
            under: f.get(r, "under"),
            units: f.get(r, "units"),
            had_unknown_keys: f.unknown_keys > 0,
        })
    }
}

/// A figure a unit reports when it completes a task.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFigure {
    /// What is counted, e.g. 走访返乡人员.
    #[schemars(required)]
    pub label: Option<Located<Line>>,
    /// Unit of measure, e.g. 人, 场次.
    pub unit: Option<Located<Line>>,
    /// integer (default) or decimal.
    #[schemars(rename = "type")]
    pub r#type: Option<Located<String>>,
    /// Whether the figure must be reported. Default: true.
    pub required: Option<Located<bool>>,
    /// Counted from the talent register: entered, intent-startup, intent-return, pool or
    /// followed-up. Reports give the register's count; a unit may not report more.
    pub counted: Option<Located<String>>,
}

impl FromNode for RawFigure {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["label", "unit", "type", "required", "counted"])?;
        Some(RawFigure {
            label: f.require(r, "label"),
            unit: f.get(r, "unit"),
            r#type: f.get(r, "type"),
            required: f.get(r, "required"),
            counted: f.get(r, "counted"),
        })
    }
}

/// A report for leadership.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawReport {
    #[schemars(skip)]
    pub loc: crate::Loc,
    /// Keys written, valid or not.
    #[schemars(skip)]
    pub written: Vec<&'static str>,
    /// Report id, unique in the campaign.
    #[schemars(required)]
    pub id: Option<Located<String>>,
    /// Title of the report.
    #[schemars(required)]
    pub title: Option<Located<Line>>,
    /// Crontab expression: a rolling report while the run is open.
    pub schedule: Option<Located<String>>,
    /// Once: open, close, or a time expression such as close-7d.
    pub at: Option<Located<Scalar>>,
    /// Recipients: groups or units of the directory.
    #[schemars(required)]
    pub to: Option<Vec<Located<String>>>,
    /// progress, work-report, or a path to a .tera file relative to the campaign file.
    #[schemars(required)]
    pub template: Option<Located<String>>,
    /// The numbered sections (一、二、…) of a work report: which tasks each tells and its sentences.
    /// For work-report and .tera templates only. Default: sections built from the task kinds.
    pub sections: Option<Located<Vec<RawSection>>>,
    /// The paragraphs of the report's 下一步 part. For work-report and .tera templates only.
    pub next_steps: Option<Located<Vec<Located<Text>>>>,
    /// Where the layout keys (`sections`, `next_steps`) were written, to point at them when they
    /// are not allowed.
    #[schemars(skip)]
    pub layout_keys: Vec<(&'static str, crate::Loc)>,
}

const REPORT_KEYS: &[&str] = &["id", "title", "schedule", "at", "to", "template", "sections", "next_steps"];

impl FromNode for RawReport {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, REPORT_KEYS)?;
        Some(RawReport {
            loc: f.loc,
            written: f.written(),
            id: f.require(r, "id"),
            title: f.require(r, "title"),
            schedule: f.get(r, "schedule"),
            at: f.get(r, "at"),
            to: f.require(r, "to"),
            template: f.require(r, "template"),
            sections: f.get(r, "sections"),
            next_steps: f.get(r, "next_steps"),
            layout_keys: ["sections", "next_steps"]
                .into_iter()
                .filter_map(|key| f.key_loc(key).map(|loc| (key, loc)))
                .collect(),
        })
    }
}

/// One numbered section of a work report.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSection {
    #[schemars(skip)]
    pub loc: crate::Loc,
    /// The section's heading, e.g. 高位推动，层层压实工作责任.
    #[schemars(required)]
    pub title: Option<Located<Line>>,
    /// Ids of the tasks whose completion this section tells.
    pub tasks: Option<Vec<Located<String>>>,
    /// Sentences, each becoming 一是…/二是…; `{TASK.FIGURE}`, `{TASK.done}`, `{TASK.units}`,
    /// `{TASK.pending}`, `{TASK.date}` and `{level.LEVEL}` are filled in from the run; `{{` and `}}`
    /// are literal braces.
    pub points: Option<Vec<Located<RawPoint>>>,
}

impl FromNode for RawSection {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["title", "tasks", "points"])?;
        Some(RawSection {
            loc: f.loc,
            title: f.require(r, "title"),
            tasks: f.get(r, "tasks"),
            points: f.get(r, "points"),
        })
    }
}

/// A point of a section as written: one line of text, and where each of its characters was written
/// when that is known (so a bad placeholder is reported at its `{`).
#[derive(Clone, Debug, PartialEq)]
pub struct RawPoint {
    pub text: Line,
    /// The location of every character of `text`, for a scalar written on one line.
    pub char_locs: Option<Vec<crate::Loc>>,
}

impl FromNode for RawPoint {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let text = Line::from_node(node, r)?;
        let char_locs = r.source().and_then(|source| crate::yaml::char_locations(source, node.loc, &text.0));
        Some(RawPoint { text, char_locs })
    }
}

// A point is a plain string in the JSON Schema.
impl JsonSchema for RawPoint {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// A directory file: the tree of responsible units and the recipient groups.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields, title = "guiyan unit directory")]
pub struct RawDirectory {
    /// Levels from the top, e.g. [district, street, community].
    #[schemars(required)]
    pub levels: Option<Vec<Located<String>>>,
    /// The unit tree.
    #[schemars(required)]
    pub units: Option<Vec<RawUnit>>,
    /// Named groups of report recipients (not assignees).
    pub groups: Option<Entries<Vec<RawMember>>>,
}

impl FromNode for RawDirectory {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["levels", "units", "groups"])?;
        Some(RawDirectory { levels: f.require(r, "levels"), units: f.require(r, "units"), groups: f.get(r, "groups") })
    }
}

/// A responsible unit and the units below it.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawUnit {
    #[schemars(required)]
    pub id: Option<Located<String>>,
    #[schemars(required)]
    pub name: Option<Located<Line>>,
    #[schemars(required)]
    pub level: Option<Located<String>>,
    #[schemars(required)]
    pub email: Option<Located<String>>,
    pub children: Option<Vec<RawUnit>>,
}

impl FromNode for RawUnit {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["id", "name", "level", "email", "children"])?;
        Some(RawUnit {
            id: f.require(r, "id"),
            name: f.require(r, "name"),
            level: f.require(r, "level"),
            email: f.require(r, "email"),
            children: f.get(r, "children"),
        })
    }
}

/// A member of a recipient group.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawMember {
    #[schemars(required)]
    pub name: Option<Located<Line>>,
    #[schemars(required)]
    pub email: Option<Located<String>>,
}

impl FromNode for RawMember {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["name", "email"])?;
        Some(RawMember { name: f.require(r, "name"), email: f.require(r, "email") })
    }
}

/// The holiday arrangements file: official days off and make-up working days, by year.
#[derive(Clone, Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields, title = "guiyan holiday arrangements")]
pub struct RawHolidays {
    /// Year → the holidays of that year's official notice.
    #[schemars(required)]
    pub holidays: Option<Entries<Vec<RawHoliday>>>,
}

impl FromNode for RawHolidays {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["holidays"])?;
        Some(RawHolidays { holidays: f.require(r, "holidays") })
    }
}

/// One holiday of an official notice.
#[derive(Clone, Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawHoliday {
    /// e.g. 春节. Required so the file reads like the notice; not used in computation.
    #[schemars(required)]
    #[allow(dead_code)]
    pub name: Option<Located<Line>>,
    /// Days off: YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (inclusive).
    #[schemars(required)]
    pub off: Option<Located<Scalar>>,
    /// Make-up working days (调休上班), YYYY-MM-DD each.
    pub work: Option<Vec<Located<Scalar>>>,
}

impl FromNode for RawHoliday {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let f = r.fields(node, &["name", "off", "work"])?;
        Some(RawHoliday { name: f.require(r, "name"), off: f.require(r, "off"), work: f.get(r, "work") })
    }
}

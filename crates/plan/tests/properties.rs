//! Property tests of the planner: random directories and campaigns, written as YAML, loaded through
//! `campaign::load` and planned with `plan::plan_year` for a random year, checked against a small
//! independent model of the documented rules (docs/campaign-format.md §4.5, §5, §8.4, §8.7, §8.8).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use calendar::{Tz, resolve_local};
use campaign::Workflows;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use plan::{PlannedRun, RunAnchor};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};

// ---------------------------------------------------------------------------------------------
// Files in memory

use campaign::MemoryFiles as MemFiles;

const CAMPAIGN_PATH: &str = "wf/c.yaml";
const DIRECTORY_PATH: &str = "wf/units.yaml";

fn load(campaign_yaml: &str, directory_yaml: &str) -> Result<Workflows, String> {
    let files = MemFiles(BTreeMap::from([
        (PathBuf::from(CAMPAIGN_PATH), campaign_yaml.as_bytes().to_vec()),
        (PathBuf::from(DIRECTORY_PATH), directory_yaml.as_bytes().to_vec()),
    ]));
    let (workflows, diagnostics) = campaign::load(&[PathBuf::from(CAMPAIGN_PATH)], &files);
    if diagnostics.is_empty() && workflows.campaigns.len() == 1 {
        Ok(workflows)
    } else {
        Err(format!("does not load: {diagnostics:#?}"))
    }
}

fn plan_loaded(workflows: &Workflows, year: i32) -> Result<Vec<PlannedRun>, String> {
    let campaign = &workflows.campaigns[0];
    let directory = workflows.directory_of(campaign).ok_or("no directory")?;
    plan::plan_year(campaign, directory, workflows.workdays_of(campaign), year)
        .map_err(|d| format!("plan_year({year}) failed: {d:#?}"))
}

// ---------------------------------------------------------------------------------------------
// The directory: 1 district, 1–8 streets, 0–15 communities each (and, now and then, a community
// directly under the district: levels may be skipped).

const LEVELS: [&str; 3] = ["district", "street", "community"];

#[derive(Clone, Debug)]
struct Tree {
    /// Communities of each street.
    streets: Vec<usize>,
    /// Communities directly under the district, after the streets.
    direct: usize,
}

/// A unit of the model tree, in preorder.
#[derive(Clone, Debug)]
struct ModelUnit {
    id: String,
    level: usize,
    parent: Option<usize>,
}

impl Tree {
    fn units(&self) -> Vec<ModelUnit> {
        let mut units = vec![ModelUnit { id: "d".into(), level: 0, parent: None }];
        for (s, &communities) in self.streets.iter().enumerate() {
            let street = units.len();
            units.push(ModelUnit { id: format!("s{s}"), level: 1, parent: Some(0) });
            for c in 0..communities {
                units.push(ModelUnit { id: format!("s{s}-c{c}"), level: 2, parent: Some(street) });
            }
        }
        for c in 0..self.direct {
            units.push(ModelUnit { id: format!("d-c{c}"), level: 2, parent: Some(0) });
        }
        units
    }

    fn yaml(&self) -> String {
        let mut y = String::from("levels: [district, street, community]\nunits:\n");
        y.push_str("  - id: d\n    name: 示例区\n    level: district\n    email: d@x.example.cn\n    children:\n");
        for (s, &communities) in self.streets.iter().enumerate() {
            y.push_str(&format!(
                "      - id: s{s}\n        name: 街道{s}\n        level: street\n        email: s{s}@x.example.cn\n"
            ));
            if communities > 0 {
                y.push_str("        children:\n");
            }
            for c in 0..communities {
                y.push_str(&format!(
                    "          - {{ id: s{s}-c{c}, name: 社区{s}-{c}, level: community, email: s{s}-c{c}@x.example.cn }}\n"
                ));
            }
        }
        for c in 0..self.direct {
            y.push_str(&format!(
                "      - {{ id: d-c{c}, name: 直属社区{c}, level: community, email: d-c{c}@x.example.cn }}\n"
            ));
        }
        y.push_str("groups:\n  leaders:\n    - { name: 书记, email: sj@x.example.cn }\n");
        y
    }
}

fn is_ancestor(units: &[ModelUnit], ancestor: usize, of: usize) -> bool {
    let mut at = units[of].parent;
    while let Some(p) = at {
        if p == ancestor {
            return true;
        }
        at = units[p].parent;
    }
    false
}

fn ancestors(units: &[ModelUnit], of: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = units[of].parent;
    while let Some(p) = at {
        out.push(p);
        at = units[p].parent;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The campaign model

/// An offset in days, weeks or hours (no working days: those need a holidays file).
#[derive(Clone, Copy, Debug)]
enum Off {
    Days(i32),
    Weeks(i32),
    Hours(i32),
}

impl Off {
    fn text(self) -> String {
        let (n, unit) = match self {
            Off::Days(n) => (n, "d"),
            Off::Weeks(n) => (n, "w"),
            Off::Hours(n) => (n, "h"),
        };
        format!("{}{}{unit}", if n < 0 { "-" } else { "+" }, n.abs())
    }

    /// docs §5: day and week offsets move the date and land at `landing`; hours keep the time.
    fn apply(self, t: NaiveDateTime, landing: NaiveTime) -> NaiveDateTime {
        match self {
            Off::Days(n) => (t.date() + TimeDelta::days(i64::from(n))).and_time(landing),
            Off::Weeks(n) => (t.date() + TimeDelta::days(7 * i64::from(n))).and_time(landing),
            Off::Hours(n) => t + TimeDelta::hours(i64::from(n)),
        }
    }
}

#[derive(Clone, Debug)]
enum EscTo {
    /// `to` omitted: parent.
    Omitted,
    Parent,
    Owner,
    Unit(usize),
}

#[derive(Clone, Debug)]
struct Esc {
    after: Off,
    every: Option<Off>,
    to: EscTo,
}

#[derive(Clone, Debug)]
enum Assign {
    Unit(usize),
    Level(usize),
    LevelUnder(usize, usize),
    Units(Vec<usize>),
}

#[derive(Clone, Debug)]
struct Template {
    assign: Assign,
    /// Indices of the templates waited for, possibly repeated: earlier ones, or (with
    /// `Campaign::forward`) any that come earlier in a random topological order.
    after: Vec<usize>,
    /// Day relative to the anchor, and the expression written.
    starts: Option<(i64, String)>,
    due: (i64, String),
    reminders: Option<Vec<Off>>,
    escalate: Option<Esc>,
}

#[derive(Clone, Debug)]
enum ReportSpec {
    At(i64, String),
    /// minute, hour, day of week
    Schedule(u32, u32, u32),
}

#[derive(Clone, Debug)]
struct Campaign {
    anchor: String,
    /// A festival or solar term with exactly one date every year.
    once_a_year: bool,
    owner: usize,
    timezone: &'static str,
    /// Days from the anchor; `opens` is omitted when 0 and `omit_opens`.
    open_day: i64,
    omit_opens: bool,
    close_day: i64,
    start_time: NaiveTime,
    due_time: NaiveTime,
    reminders: Option<Vec<Off>>,
    escalate: Option<Esc>,
    /// Whether `after` may name templates written later.
    forward: bool,
    templates: Vec<Template>,
    reports: Vec<ReportSpec>,
}

fn offset_from_anchor(days: i64) -> String {
    if days != 0 && days % 7 == 0 && days.abs() <= 21 {
        format!("{}{}w", if days < 0 { "-" } else { "+" }, days.abs() / 7)
    } else {
        format!("{}{}d", if days < 0 { "-" } else { "+" }, days.abs())
    }
}

impl Campaign {
    fn yaml(&self, units: &[ModelUnit]) -> String {
        let mut y = String::new();
        y.push_str("id: prop\nname: 属性测试\n");
        y.push_str(&format!("owner: {}\ntimezone: {}\ndirectory: units.yaml\n", units[self.owner].id, self.timezone));
        y.push_str(&format!("recurrence:\n  anchor: {}\n", self.anchor));
        if !(self.omit_opens && self.open_day == 0) {
            y.push_str(&format!("  opens: \"{}\"\n", offset_from_anchor(self.open_day)));
        }
        y.push_str(&format!("  closes: \"{}\"\n", offset_from_anchor(self.close_day)));
        y.push_str(&format!(
            "defaults:\n  start_time: \"{}\"\n  due_time: \"{}\"\n",
            self.start_time.format("%H:%M"),
            self.due_time.format("%H:%M")
        ));
        if let Some(r) = &self.reminders {
            y.push_str(&format!("  reminders: {}\n", offsets_yaml(r)));
        }
        if let Some(e) = &self.escalate {
            y.push_str(&format!("  escalate: {}\n", escalate_yaml(e, units)));
        }
        y.push_str("tasks:\n");
        for (i, t) in self.templates.iter().enumerate() {
            y.push_str(&format!("  - id: t{i}\n    title: 任务{i}\n    kind: other\n"));
            match &t.assign {
                Assign::Unit(u) => y.push_str(&format!("    assignee: {}\n", units[*u].id)),
                Assign::Level(l) => y.push_str(&format!("    assignees: {{ level: {} }}\n", LEVELS[*l])),
                Assign::LevelUnder(l, u) => {
                    y.push_str(&format!("    assignees: {{ level: {}, under: {} }}\n", LEVELS[*l], units[*u].id))
                }
                Assign::Units(list) => {
                    let ids: Vec<&str> = list.iter().map(|u| units[*u].id.as_str()).collect();
                    y.push_str(&format!("    assignees: {{ units: [{}] }}\n", ids.join(", ")));
                }
            }
            if !t.after.is_empty() {
                let ids: Vec<String> = t.after.iter().map(|a| format!("t{a}")).collect();
                y.push_str(&format!("    after: [{}]\n", ids.join(", ")));
            }
            if let Some((_, s)) = &t.starts {
                y.push_str(&format!("    starts: \"{s}\"\n"));
            }
            y.push_str(&format!("    due: \"{}\"\n", t.due.1));
            if let Some(r) = &t.reminders {
                y.push_str(&format!("    reminders: {}\n", offsets_yaml(r)));
            }
            if let Some(e) = &t.escalate {
                y.push_str(&format!("    escalate: {}\n", escalate_yaml(e, units)));
            }
        }
        if !self.reports.is_empty() {
            y.push_str("reports:\n");
            for (i, r) in self.reports.iter().enumerate() {
                y.push_str(&format!(
                    "  - id: r{i}\n    title: 报告{i}\n    to: [leaders, d]\n    template: progress\n"
                ));
                match r {
                    ReportSpec::At(_, text) => y.push_str(&format!("    at: \"{text}\"\n")),
                    ReportSpec::Schedule(m, h, dow) => y.push_str(&format!("    schedule: \"{m} {h} * * {dow}\"\n")),
                }
            }
        }
        y
    }
}

fn offsets_yaml(offsets: &[Off]) -> String {
    let texts: Vec<String> = offsets.iter().map(|o| format!("\"{}\"", o.text())).collect();
    format!("[{}]", texts.join(", "))
}

fn escalate_yaml(e: &Esc, units: &[ModelUnit]) -> String {
    let mut parts = vec![format!("after: \"{}\"", e.after.text())];
    if let Some(every) = e.every {
        parts.push(format!("every: \"{}\"", every.text()));
    }
    match &e.to {
        EscTo::Omitted => {}
        EscTo::Parent => parts.push("to: parent".into()),
        EscTo::Owner => parts.push("to: owner".into()),
        EscTo::Unit(u) => parts.push(format!("to: {}", units[*u].id)),
    }
    format!("{{ {} }}", parts.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Festivals and solar terms with one date in every Gregorian year, under various spellings.
const ONCE_A_YEAR: &[&str] = &[
    "spring-festival",
    "春节",
    "lantern",
    "dragon-boat",
    "qixi",
    "mid-autumn",
    "Mid-Autumn Festival",
    "double-ninth",
    "new-years-eve",
    "qingming",
    "winter-solstice",
    "lichun",
    "dongzhi",
    "shuangjiang",
];

fn anchor() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        6 => prop::sample::select(ONCE_A_YEAR).prop_map(|a| (format!("\"{a}\""), true)),
        // Laba can fall twice in a Gregorian year, or not at all.
        1 => Just(("laba".to_string(), false)),
        1 => (1u32..=12, 1u32..=30).prop_map(|(m, d)| (format!("{{ lunar: \"{m}-{d}\" }}"), false)),
        1 => (1u32..=12, 1u32..=31)
            .prop_filter("a real date", |(m, d)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some())
            .prop_map(|(m, d)| (format!("{{ date: \"{m:02}-{d:02}\" }}"), false)),
    ]
}

fn reminder_off() -> impl Strategy<Value = Off> {
    prop_oneof![(1..=10i32).prop_map(|n| Off::Days(-n)), Just(Off::Weeks(-1)), (1..=72i32).prop_map(|n| Off::Hours(-n)),]
}

fn escalation_off() -> impl Strategy<Value = Off> {
    prop_oneof![(1..=5i32).prop_map(Off::Days), Just(Off::Weeks(1)), (1..=48i32).prop_map(Off::Hours),]
}

fn escalation(unit_count: usize) -> impl Strategy<Value = Esc> {
    let to = prop_oneof![
        2 => Just(EscTo::Omitted),
        4 => Just(EscTo::Parent),
        1 => Just(EscTo::Owner),
        1 => (0..unit_count).prop_map(EscTo::Unit),
    ];
    (escalation_off(), prop::option::of(escalation_off()), to).prop_map(|(after, every, to)| Esc { after, every, to })
}

/// Randomness for one template, turned into a [`Template`] once the run's frame is known.
#[derive(Clone, Debug)]
struct TemplateSeed {
    assign_kind: u8,
    pick: Index,
    picks: Vec<Index>,
    after: Vec<Index>,
    starts: Option<(Index, u8)>,
    due: (Index, u8),
    reminders: Option<Vec<Off>>,
    escalate: Option<Esc>,
}

fn template_seed(unit_count: usize) -> impl Strategy<Value = TemplateSeed> {
    (
        0u8..4,
        any::<Index>(),
        prop::collection::vec(any::<Index>(), 1..=4),
        prop::collection::vec(any::<Index>(), 0..=3),
        prop::option::of((any::<Index>(), 0u8..4)),
        (any::<Index>(), 0u8..4),
        prop::option::weighted(0.3, prop::collection::vec(reminder_off(), 0..=3)),
        prop::option::weighted(0.3, escalation(unit_count)),
    )
        .prop_map(|(assign_kind, pick, picks, after, starts, due, reminders, escalate)| TemplateSeed {
            assign_kind,
            pick,
            picks,
            after,
            starts,
            due,
            reminders,
            escalate,
        })
}

/// Writes day `day` (relative to the anchor) as a time expression, in one of several forms.
fn expr_for_day(day: i64, open_day: i64, close_day: i64, form: u8, start: bool) -> String {
    match form {
        0 if day == 0 => "anchor".into(),
        0 => format!("anchor{}", offset_from_anchor(day)),
        1 if start && day == open_day => "open".into(),
        1 | 2 if day >= open_day => format!("open+{}d", day - open_day),
        _ if !start && day == close_day => "close".into(),
        _ => format!("close-{}d", close_day - day),
    }
}

/// `waits_for`: the templates this one may wait for (earlier in a topological order, so that the
/// graph stays acyclic).
fn build_template(
    seed: &TemplateSeed,
    waits_for: &[usize],
    units: &[ModelUnit],
    open_day: i64,
    close_day: i64,
) -> Template {
    let by_level = |level: usize, under: Option<usize>| -> Vec<usize> {
        (0..units.len())
            .filter(|&u| units[u].level == level && under.is_none_or(|a| is_ancestor(units, a, u)))
            .collect()
    };
    // (level, under) choices that select at least one unit.
    let mut level_choices: Vec<(usize, Option<usize>)> = Vec::new();
    for level in 0..LEVELS.len() {
        if !by_level(level, None).is_empty() {
            level_choices.push((level, None));
        }
        for under in 0..units.len() {
            if !by_level(level, Some(under)).is_empty() {
                level_choices.push((level, Some(under)));
            }
        }
    }
    let assign = match seed.assign_kind {
        0 => Assign::Unit(seed.pick.index(units.len())),
        1 | 2 => {
            let (level, under) = *seed.pick.get(&level_choices);
            match under {
                Some(u) if seed.assign_kind == 2 => Assign::LevelUnder(level, u),
                _ => Assign::Level(level),
            }
        }
        _ => Assign::Units(seed.picks.iter().map(|i| i.index(units.len())).collect()),
    };
    let after = if waits_for.is_empty() { Vec::new() } else { seed.after.iter().map(|i| *i.get(waits_for)).collect() };
    let span = (close_day - open_day + 1) as usize;
    let starts = seed.starts.map(|(i, form)| {
        let day = open_day + i.index(span) as i64;
        (day, expr_for_day(day, open_day, close_day, form, true))
    });
    let from = starts.as_ref().map_or(open_day, |(d, _)| *d);
    let due_day = from + seed.due.0.index((close_day - from + 1) as usize) as i64;
    let due = (due_day, expr_for_day(due_day, open_day, close_day, seed.due.1, false));
    Template { assign, after, starts, due, reminders: seed.reminders.clone(), escalate: seed.escalate.clone() }
}

fn time_of_day(hours: std::ops::RangeInclusive<u32>) -> impl Strategy<Value = NaiveTime> {
    (hours, prop::sample::select(&[0u32, 15, 30, 45][..]))
        .prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

fn report_spec() -> impl Strategy<Value = (bool, Index, u8, u32, u32, u32)> {
    (any::<bool>(), any::<Index>(), 0u8..4, 0u32..60, 0u32..24, 0u32..7)
}

/// A directory and a campaign over it.
fn input() -> impl Strategy<Value = (Tree, Campaign)> {
    let tree = (prop::collection::vec(0usize..=15, 1..=8), prop_oneof![4 => Just(0usize), 1 => 1usize..=2])
        .prop_map(|(streets, direct)| Tree { streets, direct });
    tree.prop_flat_map(|tree| {
        let n = tree.units().len();
        let timezone = prop_oneof![
            8 => Just("Asia/Shanghai"),
            1 => Just("Europe/Berlin"),
            1 => Just("America/New_York"),
            1 => Just("Australia/Lord_Howe"),
        ];
        // The owner: usually the district, sometimes a street or any unit.
        let owner = prop_oneof![4 => Just(0usize), 1 => 0..n];
        (
            Just(tree),
            (anchor(), owner, timezone, -30i64..=3, any::<bool>(), 0i64..=60),
            (time_of_day(6..=11), time_of_day(12..=20)),
            (
                prop::option::weighted(0.7, prop::collection::vec(reminder_off(), 0..=3)),
                prop::option::weighted(0.7, escalation(n)),
            ),
            prop::collection::vec(template_seed(n), 1..=6),
            prop::collection::vec(report_spec(), 0..=2),
            // The brief's case: `after` names earlier templates only. Now and then, any template
            // earlier in a random topological order (validation rejects only cycles).
            prop::option::weighted(0.25, prop::collection::vec(any::<u32>(), 6)),
        )
    })
    .prop_map(build_campaign)
}

type CampaignSeed = (
    Tree,
    ((String, bool), usize, &'static str, i64, bool, i64),
    (NaiveTime, NaiveTime),
    (Option<Vec<Off>>, Option<Esc>),
    Vec<TemplateSeed>,
    Vec<(bool, Index, u8, u32, u32, u32)>,
    Option<Vec<u32>>,
);

fn build_campaign(seed: CampaignSeed) -> (Tree, Campaign) {
    let (tree, (anchor, owner, timezone, open_day, omit_opens, length), times, defaults, seeds, reports, keys) = seed;
    let units = tree.units();
    let close_day = open_day + length;
    // Template i may wait for template j when j comes first in a topological order: by the keys,
    // or else as written.
    let rank = |i: usize| keys.as_ref().map_or((i as u32, i), |k| (k[i], i));
    let templates = seeds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let waits_for: Vec<usize> = (0..seeds.len()).filter(|&j| rank(j) < rank(i)).collect();
            build_template(s, &waits_for, &units, open_day, close_day)
        })
        .collect();
    let reports = reports
        .into_iter()
        .map(|(at, i, form, m, h, dow)| {
            if at {
                let day = open_day + i.index((close_day - open_day + 1) as usize) as i64;
                ReportSpec::At(day, expr_for_day(day, open_day, close_day, form, true))
            } else {
                ReportSpec::Schedule(m, h, dow)
            }
        })
        .collect();
    let campaign = Campaign {
        anchor: anchor.0,
        once_a_year: anchor.1,
        owner,
        timezone,
        open_day,
        omit_opens,
        close_day,
        start_time: times.0,
        due_time: times.1,
        reminders: defaults.0,
        escalate: defaults.1,
        forward: keys.is_some(),
        templates,
        reports,
    };
    (tree, campaign)
}

// ---------------------------------------------------------------------------------------------
// The model's expectations

fn assigned(assign: &Assign, units: &[ModelUnit]) -> Vec<usize> {
    let mut out: Vec<usize> = match assign {
        Assign::Unit(u) => vec![*u],
        Assign::Level(l) => (0..units.len()).filter(|&u| units[u].level == *l).collect(),
        Assign::LevelUnder(l, a) => {
            (0..units.len()).filter(|&u| units[u].level == *l && is_ancestor(units, *a, u)).collect()
        }
        Assign::Units(list) => list.clone(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// The units an overdue task of `unit` escalates to, in order. The owner is the last stop: a unit
/// under the owner climbs one level at a time up to it; the owner's own tasks are not escalated; a
/// unit outside the owner's subtree (`to: parent`) or any unit (`to: owner`) goes to the owner.
fn escalation_chain(esc: &Esc, unit: usize, owner: usize, units: &[ModelUnit]) -> Option<Vec<usize>> {
    Some(match esc.to {
        _ if unit == owner && !matches!(esc.to, EscTo::Unit(_)) => vec![],
        EscTo::Omitted | EscTo::Parent => {
            let above = ancestors(units, unit);
            match above.iter().position(|&a| a == owner) {
                Some(at) => above[..=at].to_vec(),
                None => vec![owner],
            }
        }
        EscTo::Owner => vec![owner],
        EscTo::Unit(u) => {
            if u == unit {
                vec![]
            } else {
                vec![u]
            }
        }
    })
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(fail(format!($($arg)+)));
        }
    };
}

/// Every property of one planned year.
fn check(tree: &Tree, c: &Campaign, year: i32, runs: &[PlannedRun]) -> Result<(), TestCaseError> {
    let units = tree.units();
    let tz: Tz = c.timezone.parse().map_err(|_| fail("time zone".into()))?;
    let local = |t: NaiveDateTime| resolve_local(tz, t);

    if c.once_a_year {
        ensure!(runs.len() == 1, "{} runs in {year}, expected one", runs.len());
    }
    ensure!(runs.len() <= 2, "{} runs in one year", runs.len());
    for run in runs {
        // The run key is the anchor's year (the date when the anchor falls twice in the year).
        let RunAnchor::Day(anchor) = run.anchor else { return Err(fail("instant anchor".into())) };
        ensure!(anchor.year() == year, "anchor {anchor} is not in {year}");
        let expected_key = if runs.len() == 1 { year.to_string() } else { anchor.to_string() };
        ensure!(run.key == expected_key, "run key {} for anchor {anchor}, expected {expected_key}", run.key);
        ensure!(run.campaign == "prop", "campaign {}", run.campaign);

        let day = |d: i64| anchor + TimeDelta::days(d);
        let open = day(c.open_day).and_time(c.start_time);
        let close = day(c.close_day).and_time(c.due_time);
        ensure!(run.opens_at == local(open), "opens_at {} expected {open}", run.opens_at);
        ensure!(run.closes_at == local(close), "closes_at {} expected {close}", run.closes_at);

        // Task ids: unique, `campaign/run/template/unit`, in template order then preorder.
        let mut seen = HashSet::new();
        for t in &run.tasks {
            ensure!(seen.insert(t.id.clone()), "duplicate task id {}", t.id);
            let expected = format!("prop/{}/{}/{}", run.key, t.template, t.unit);
            ensure!(t.id == expected, "task id {} is not {expected}", t.id);
        }
        let template_of = |id: &str| -> Option<usize> { id.split('/').nth(2)?.strip_prefix('t')?.parse().ok() };

        let mut expected_tasks: Vec<(usize, usize)> = Vec::new();
        for (ti, t) in c.templates.iter().enumerate() {
            expected_tasks.extend(assigned(&t.assign, &units).into_iter().map(|u| (ti, u)));
        }
        let got: Vec<(String, String)> =
            run.tasks.iter().map(|t| (t.template.to_string(), t.unit.to_string())).collect();
        let want: Vec<(String, String)> =
            expected_tasks.iter().map(|(ti, u)| (format!("t{ti}"), units[*u].id.clone())).collect();
        ensure!(got == want, "tasks (template, unit)\n got {got:?}\nwant {want:?}");

        let position: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
        for task in &run.tasks {
            let ti = template_of(&task.id).ok_or_else(|| fail(format!("template of {}", task.id)))?;
            let template = &c.templates[ti];
            let u = position[&*task.unit];

            // Times: opens ≤ starts ≤ due ≤ closes, exactly where the expressions say.
            let starts = template.starts.as_ref().map_or(open, |(d, _)| day(*d).and_time(c.start_time));
            let due = day(template.due.0).and_time(c.due_time);
            ensure!(task.starts_at == local(starts), "{}: starts_at {} expected {starts}", task.id, task.starts_at);
            ensure!(task.due_at == local(due), "{}: due_at {} expected {due}", task.id, task.due_at);
            ensure!(run.opens_at <= task.starts_at, "{}: starts before the run opens", task.id);
            ensure!(task.starts_at <= task.due_at, "{}: due before start", task.id);
            ensure!(task.due_at <= run.closes_at, "{}: due after the run closes", task.id);

            // `after`: tasks of the run, of earlier templates, by the scoped rule.
            let mut deps: Vec<usize> = template.after.clone();
            let mut seen_deps = HashSet::new();
            deps.retain(|d| seen_deps.insert(*d));
            let mut expected_after: Vec<&str> = Vec::new();
            for dep in deps {
                let instances: Vec<&plan::PlannedTask> =
                    run.tasks.iter().filter(|t| *t.template == format!("t{dep}")).collect();
                let scoped: Vec<&str> = instances
                    .iter()
                    .filter(|t| {
                        let v = position[&*t.unit];
                        v == u || is_ancestor(&units, v, u) || is_ancestor(&units, u, v)
                    })
                    .map(|t| t.id.as_str())
                    .collect();
                if scoped.is_empty() {
                    expected_after.extend(instances.iter().map(|t| t.id.as_str()));
                } else {
                    expected_after.extend(scoped);
                }
            }
            for &index in &task.after {
                ensure!(index < run.tasks.len(), "{}: waits for task {index}, not a task of the run", task.id);
            }
            let mut after_seen = HashSet::new();
            for id in run.dependencies(task).map(|t| t.id.as_str()) {
                ensure!(after_seen.insert(id), "{}: waits twice for {id}", task.id);
                let dep = template_of(id).ok_or_else(|| fail(format!("template of {id}")))?;
                ensure!(template.after.contains(&dep), "{}: waits for {id}, not of a template it names", task.id);
                ensure!(c.forward || dep < ti, "{}: waits for {id} of a later template", task.id);
            }
            let mut got_after: Vec<&str> = run.dependencies(task).map(|t| t.id.as_str()).collect();
            got_after.sort_unstable();
            expected_after.sort_unstable();
            ensure!(got_after == expected_after, "{}: after\n got {got_after:?}\nwant {expected_after:?}", task.id);

            // Reminders: strictly between start and due, ascending, as the offsets say.
            let offsets = template.reminders.as_ref().or(c.reminders.as_ref()).cloned().unwrap_or_default();
            let mut expected_reminders: Vec<NaiveDateTime> =
                offsets.iter().map(|o| o.apply(due, c.start_time)).filter(|t| *t > starts && *t < due).collect();
            expected_reminders.sort();
            expected_reminders.dedup();
            let expected_reminders: Vec<_> = expected_reminders.into_iter().map(local).collect();
            ensure!(
                *task.reminders == *expected_reminders,
                "{}: reminders\n got {:?}\nwant {expected_reminders:?}",
                task.id,
                task.reminders
            );
            for r in task.reminders.iter() {
                ensure!(task.starts_at < *r && *r < task.due_at, "{}: reminder {r} not inside the task", task.id);
            }
            ensure!(task.reminders.windows(2).all(|w| w[0] < w[1]), "{}: reminders not ascending", task.id);

            // Escalations: ascending, up the tree, ending at the owner, none after the close.
            let esc = template.escalate.as_ref().or(c.escalate.as_ref());
            let mut expected_escalations: Vec<(chrono::DateTime<Tz>, String)> = Vec::new();
            let chain = esc.map(|esc| (esc, escalation_chain(esc, u, c.owner, &units)));
            if let Some((esc, Some(chain))) = &chain {
                let mut at = due;
                for (step, &target) in chain.iter().enumerate() {
                    let offset = if step == 0 { esc.after } else { esc.every.unwrap_or(esc.after) };
                    at = offset.apply(at, c.start_time);
                    if at > close {
                        break;
                    }
                    expected_escalations.push((local(at), units[target].id.clone()));
                }
            }
            let got_escalations: Vec<(chrono::DateTime<Tz>, String)> =
                task.escalations.iter().map(|e| (e.at, e.to.to_string())).collect();
            ensure!(
                matches!(chain, Some((_, None))) || got_escalations == expected_escalations,
                "{}: escalations\n got {got_escalations:?}\nwant {expected_escalations:?}",
                task.id
            );
            ensure!(task.escalations.windows(2).all(|w| w[0].at < w[1].at), "{}: escalations not ascending", task.id);
            for e in task.escalations.iter() {
                ensure!(e.at > task.due_at, "{}: escalation at {} before the due time", task.id, e.at);
                ensure!(e.at <= run.closes_at, "{}: escalation at {} after the close", task.id, e.at);
            }
            let to_parent = matches!(esc.map(|e| &e.to), Some(EscTo::Omitted | EscTo::Parent));
            if to_parent && is_ancestor(&units, c.owner, u) {
                // The owner is up the tree: each escalation goes one level further up, and the chain
                // stops at the owner.
                let mut below = u;
                for e in task.escalations.iter() {
                    let v = position[&*e.to];
                    ensure!(is_ancestor(&units, v, below), "{}: escalation to {} is not higher up", task.id, e.to);
                    ensure!(
                        v == c.owner || is_ancestor(&units, c.owner, v),
                        "{}: escalation to {} is above the owner",
                        task.id,
                        e.to
                    );
                    below = v;
                }
            }
        }

        // Reports: sorted; `at` ones where the expression says; scheduled ones inside the run.
        ensure!(
            run.reports.windows(2).all(|w| (w[0].at, &w[0].id) <= (w[1].at, &w[1].id)),
            "reports not sorted: {:?}",
            run.reports
        );
        for (i, spec) in c.reports.iter().enumerate() {
            let times: Vec<_> = run.reports.iter().filter(|r| r.id == format!("r{i}")).map(|r| r.at).collect();
            match spec {
                ReportSpec::At(d, _) => {
                    let want = local(day(*d).and_time(c.start_time));
                    ensure!(times == vec![want], "report r{i}: {times:?}, expected [{want}]");
                }
                ReportSpec::Schedule(..) => {
                    for t in &times {
                        ensure!(run.opens_at <= *t && *t < run.closes_at, "report r{i} at {t} outside the run");
                    }
                }
            }
        }
    }
    Ok(())
}

fn plan_and_check(tree: &Tree, c: &Campaign, year: i32) -> Result<(), TestCaseError> {
    let units = tree.units();
    let (campaign_yaml, directory_yaml) = (c.yaml(&units), tree.yaml());
    let context = || format!("year {year}\n--- {CAMPAIGN_PATH}\n{campaign_yaml}--- {DIRECTORY_PATH}\n{directory_yaml}");
    let workflows = load(&campaign_yaml, &directory_yaml).map_err(|e| fail(format!("{e}\n{}", context())))?;
    let runs = plan_loaded(&workflows, year).map_err(|e| fail(format!("{e}\n{}", context())))?;
    check(tree, c, year, &runs).map_err(|e| fail(format!("{e}\n{}", context())))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Failing cases are saved beside this file (tests/properties.proptest-regressions).
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn plans_follow_the_documented_rules((tree, campaign) in input(), year in 1901i32..=2100) {
        plan_and_check(&tree, &campaign, year)?;
    }

    #[test]
    fn planning_is_deterministic((tree, campaign) in input(), year in 1901i32..=2100) {
        let units = tree.units();
        let (campaign_yaml, directory_yaml) = (campaign.yaml(&units), tree.yaml());
        let first = load(&campaign_yaml, &directory_yaml).map_err(fail)?;
        let second = load(&campaign_yaml, &directory_yaml).map_err(fail)?;
        let a = plan_loaded(&first, year).map_err(fail)?;
        let b = plan_loaded(&first, year).map_err(fail)?;
        let c = plan_loaded(&second, year).map_err(fail)?;
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
        prop_assert_eq!(plan::to_json(&a), plan::to_json(&c));
        let loaded = &first.campaigns[0];
        let directory = first.directory_of(loaded).ok_or_else(|| fail("no directory".into()))?;
        for (x, y) in a.iter().zip(&c) {
            for lang in [campaign::Lang::Zh, campaign::Lang::En] {
                prop_assert_eq!(
                    plan::render_text(x, loaded, directory, lang),
                    plan::render_text(y, loaded, directory, lang)
                );
            }
        }
    }
}

/// `after` may name a template written later (docs §8.4 forbids only cycles and unknown ids); the
/// run still lists tasks in written order.
#[test]
fn after_may_name_a_later_template() {
    let tree = Tree { streets: vec![2, 1], direct: 0 };
    let campaign = "id: prop\nname: 前向依赖\nowner: d\ntimezone: Asia/Shanghai\ndirectory: units.yaml\n\
recurrence: { anchor: spring-festival, opens: -10d, closes: +10d }\n\
tasks:\n\
  - { id: early, title: 社区任务, assignees: { level: community }, after: [late], due: close }\n\
  - { id: late, title: 街道任务, assignees: { level: street }, due: open+1d }\n";
    let workflows = load(campaign, &tree.yaml()).unwrap_or_else(|e| panic!("{e}"));
    let runs = plan_loaded(&workflows, 2027).unwrap_or_else(|e| panic!("{e}"));
    let waits: Vec<(&str, Vec<&str>)> = runs[0]
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), runs[0].dependencies(t).map(|d| d.id.as_str()).collect()))
        .collect();
    assert_eq!(
        waits,
        vec![
            ("prop/2027/early/s0-c0", vec!["prop/2027/late/s0"]),
            ("prop/2027/early/s0-c1", vec!["prop/2027/late/s0"]),
            ("prop/2027/early/s1-c0", vec!["prop/2027/late/s1"]),
            ("prop/2027/late/s0", vec![]),
            ("prop/2027/late/s1", vec![]),
        ]
    );
}

//! Planning one run: every task of every template for every assigned unit, with its start, due
//! time, dependencies, reminders and escalations, and the run's report times.

use std::collections::HashMap;
use std::sync::Arc;

use calendar::{CalendarError, Offset, Tz, WorkdayCalendar, apply_offset, resolve_local};
use campaign::{
    Assignees, Campaign, Diagnostic, DiagnosticKind, Directory, Escalation, EscalationTarget, Landing, Loc, ReportWhen,
    RunFrame, TimeExpr, resolve,
};
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::dependencies::Instances;
use crate::occurrences::{Occurrence, occurrences_in_year};
use crate::run::{PlannedEscalation, PlannedReport, PlannedRun, PlannedTask, RunAnchor, task_id};

/// Plans every run of a campaign in a year (see [`occurrences_in_year`]).
pub fn plan_year(
    campaign: &Campaign,
    directory: &Directory,
    workdays: &WorkdayCalendar,
    year: i32,
) -> Result<Vec<PlannedRun>, Vec<Diagnostic>> {
    let occurrences = occurrences_in_year(campaign, year, workdays)?;
    let mut runs = Vec::with_capacity(occurrences.len());
    let mut diagnostics = Vec::new();
    for occurrence in &occurrences {
        match plan_run(campaign, directory, workdays, occurrence) {
            Ok(run) => runs.push(run),
            Err(mut d) => diagnostics.append(&mut d),
        }
    }
    if diagnostics.is_empty() { Ok(runs) } else { Err(diagnostics) }
}

/// Plans one run. Errors (an uncovered working-day year, a due time after the close in this run)
/// point at the campaign field responsible.
pub fn plan_run(
    campaign: &Campaign,
    directory: &Directory,
    workdays: &WorkdayCalendar,
    occurrence: &Occurrence,
) -> Result<PlannedRun, Vec<Diagnostic>> {
    let tz = campaign.timezone;
    let frame = &occurrence.frame;
    let mut diagnostics = Vec::new();
    let at = |t: NaiveDateTime| resolve_local(tz, t);

    if frame.open > frame.close {
        diagnostics.push(Diagnostic::new(
            &campaign.source,
            campaign.recurrence.closes.loc,
            "recurrence.closes",
            DiagnosticKind::OpensAfterCloses { opens: show(frame.open), closes: show(frame.close) },
        ));
        return Err(diagnostics);
    }

    // Where each template's tasks sit in the run (written order, then unit order) follows from the
    // units it assigns alone. Knowing that first, a task's dependencies are indices known before
    // their template is planned (an `after` may name a later template), and the run's tasks go
    // straight into one list of the exact size.
    let assigned: Vec<Vec<usize>> =
        campaign.tasks.iter().map(|template| assigned_units(directory, &template.assignees)).collect();
    let mut instances: Vec<Instances> = Vec::with_capacity(assigned.len());
    let mut first_task = 0;
    for units in &assigned {
        let mut own = Instances::default();
        for (k, &unit) in units.iter().enumerate() {
            own.push(unit, first_task + k);
        }
        own.finish();
        instances.push(own);
        first_task += units.len();
    }
    let mut tasks: Vec<PlannedTask> = Vec::with_capacity(first_task);
    let mut unit_ids = SharedIds::new(directory);
    let no_escalations: Arc<[PlannedEscalation]> = Arc::new([]);
    let mut after = Vec::new();
    for (index, template) in campaign.tasks.iter().enumerate() {
        let field = |key: &str| format!("tasks[{index}].{key}");
        let starts = match &template.starts {
            None => Ok(frame.open),
            Some(s) => time(campaign, frame, s.value, Landing::Start, workdays, &field("starts"), s.loc),
        };
        let due = time(campaign, frame, template.due.value, Landing::Due, workdays, &field("due"), template.due.loc);
        let (starts, due) = match (starts, due) {
            (Ok(s), Ok(d)) => (s, d),
            (s, d) => {
                diagnostics.extend(s.err().map(|d| *d));
                diagnostics.extend(d.err().map(|d| *d));
                continue;
            }
        };
        let starts_loc = template.starts.as_ref().map_or(template.due.loc, |s| s.loc);
        let order_error = if starts < frame.open {
            Some((
                "starts",
                starts_loc,
                DiagnosticKind::StartBeforeOpen { starts: show(starts), opens: show(frame.open) },
            ))
        } else if due < starts && template.starts.is_none() {
            Some(("due", template.due.loc, DiagnosticKind::DueBeforeOpen { due: show(due), opens: show(frame.open) }))
        } else if due < starts {
            Some(("due", template.due.loc, DiagnosticKind::DueBeforeStart { due: show(due), starts: show(starts) }))
        } else if due > frame.close {
            Some(("due", template.due.loc, DiagnosticKind::DueAfterClose { due: show(due), closes: show(frame.close) }))
        } else {
            None
        };
        if let Some((key, loc, kind)) = order_error {
            let field = format!("{} (run {})", field(key), occurrence.key);
            diagnostics.push(Diagnostic::new(&campaign.source, loc, field, kind));
            continue;
        }
        let (starts_at, due_at) = (at(starts), at(due));
        let reminders: Arc<[DateTime<Tz>]> = match reminders(campaign, &template.reminders, due, starts, workdays) {
            Ok(r) => r.into_iter().map(at).collect(),
            Err(e) => {
                diagnostics.push(calendar_diagnostic(campaign, &field("reminders"), template.loc, &e));
                continue;
            }
        };
        let template_id: Arc<str> = Arc::from(template.id.as_str());
        let dependencies: Vec<usize> =
            template.after.iter().filter_map(|dep| campaign.tasks.iter().position(|t| &t.id == dep)).collect();
        let mut escalations = template.escalate.as_ref().map(|rule| TemplateEscalations::new(rule, due, frame.close));
        for &unit in &assigned[index] {
            after.clear();
            for &dep in &dependencies {
                instances[dep].scoped(directory, unit, &mut after);
            }
            let escalations = match &mut escalations {
                None => no_escalations.clone(),
                Some(shared) => match shared.of(campaign, workdays, &mut unit_ids, unit) {
                    Ok(list) => list,
                    Err(e) => {
                        diagnostics.push(calendar_diagnostic(campaign, &field("escalate"), template.loc, &e));
                        break;
                    }
                },
            };
            tasks.push(PlannedTask {
                id: task_id(&campaign.id, &occurrence.key, &template.id, &directory.units[unit].id),
                template: template_id.clone(),
                unit: unit_ids.get(unit),
                starts_at,
                due_at,
                // An exact copy: `after` is as long-lived as the run.
                after: after.to_vec(),
                reminders: reminders.clone(),
                escalations,
            });
        }
    }

    let mut reports = Vec::new();
    for (index, report) in campaign.reports.iter().enumerate() {
        match &report.when {
            ReportWhen::At(expr) => {
                let field = format!("reports[{index}].at");
                match time(campaign, frame, *expr, Landing::Start, workdays, &field, report.loc) {
                    Ok(t) => reports.push(PlannedReport { id: report.id.clone(), at: at(t) }),
                    Err(d) => diagnostics.push(*d),
                }
            }
            ReportWhen::Schedule(schedule) => {
                let (from, to) = (at(frame.open).with_timezone(&Utc), at(frame.close).with_timezone(&Utc));
                match schedule.occurrences(tz, from, to, 10_000) {
                    Ok(times) => {
                        reports.extend(times.into_iter().map(|t| PlannedReport { id: report.id.clone(), at: t }))
                    }
                    Err(e) => diagnostics.push(Diagnostic::new(
                        &campaign.source,
                        report.loc,
                        format!("reports[{index}].schedule"),
                        DiagnosticKind::InvalidCron { value: schedule.pattern().to_string(), problem: e },
                    )),
                }
            }
        }
    }
    reports.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));

    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let anchor = run_anchor(campaign, frame);
    Ok(PlannedRun {
        campaign: campaign.id.clone(),
        key: occurrence.key.clone(),
        anchor,
        opens_at: at(frame.open),
        closes_at: at(frame.close),
        tasks,
        reports,
    })
}

fn time(
    campaign: &Campaign,
    frame: &RunFrame,
    expr: TimeExpr,
    landing: Landing,
    workdays: &WorkdayCalendar,
    field: &str,
    loc: Loc,
) -> Result<NaiveDateTime, Box<Diagnostic>> {
    resolve(campaign, frame, expr, landing, workdays)
        .map_err(|e| Box::new(calendar_diagnostic(campaign, field, loc, &e)))
}

/// A calendar error as a diagnostic at the campaign field that needed the date.
pub(crate) fn calendar_diagnostic(campaign: &Campaign, field: &str, loc: Loc, error: &CalendarError) -> Diagnostic {
    let kind = match error {
        CalendarError::YearNotCovered { year } => {
            DiagnosticKind::YearNotCovered { year: *year, file: campaign.holidays.display().to_string() }
        }
        CalendarError::YearOutOfRange { year } => DiagnosticKind::YearOutOfRange { year: i64::from(*year) },
        other => DiagnosticKind::CalendarLimit { detail: other.to_string() },
    };
    Diagnostic::new(&campaign.source, loc, field, kind)
}

/// Reminder times: day offsets land at the start time of day (a morning reminder); reminders before
/// the task starts are dropped, since the unit has not been told of the task yet.
fn reminders(
    campaign: &Campaign,
    offsets: &[Offset],
    due: NaiveDateTime,
    starts: NaiveDateTime,
    workdays: &WorkdayCalendar,
) -> Result<Vec<NaiveDateTime>, CalendarError> {
    let mut times = Vec::with_capacity(offsets.len());
    for offset in offsets {
        let t = apply_offset(due, *offset, campaign.start_time, workdays)?;
        if t > starts && t < due {
            times.push(t);
        }
    }
    times.sort();
    times.dedup();
    Ok(times)
}

/// The escalations of one template's tasks. A task's list depends only on the units its unit
/// escalates to (its chain), which all communities of a street share: each distinct chain is timed
/// once (a calendar question) and its list shared by those tasks.
struct TemplateEscalations<'a> {
    rule: &'a Escalation,
    due: NaiveDateTime,
    close: NaiveDateTime,
    by_chain: HashMap<Vec<usize>, Arc<[PlannedEscalation]>>,
    /// The chain looked up last (a buffer reused from task to task).
    chain: Vec<usize>,
}

impl<'a> TemplateEscalations<'a> {
    fn new(rule: &'a Escalation, due: NaiveDateTime, close: NaiveDateTime) -> TemplateEscalations<'a> {
        TemplateEscalations { rule, due, close, by_chain: HashMap::new(), chain: Vec::new() }
    }

    /// The escalations of the template's task for `unit`: after the due time by `after`, then every
    /// `every`, one level higher each time, ending at the campaign owner; none after the close.
    fn of(
        &mut self,
        campaign: &Campaign,
        workdays: &WorkdayCalendar,
        ids: &mut SharedIds,
        unit: usize,
    ) -> Result<Arc<[PlannedEscalation]>, CalendarError> {
        escalation_chain(campaign, ids.directory, unit, &self.rule.to, &mut self.chain);
        if let Some(shared) = self.by_chain.get(self.chain.as_slice()) {
            return Ok(shared.clone());
        }
        let mut list = Vec::with_capacity(self.chain.len());
        let mut at = self.due;
        for (step, &target) in self.chain.iter().enumerate() {
            let offset = if step == 0 { self.rule.after } else { self.rule.every };
            at = apply_offset(at, offset, campaign.start_time, workdays)?;
            // After the close, the closing report lists what is still overdue.
            if at > self.close {
                break;
            }
            list.push(PlannedEscalation { at: resolve_local(campaign.timezone, at), to: ids.get(target) });
        }
        let shared: Arc<[PlannedEscalation]> = list.into();
        self.by_chain.insert(self.chain.clone(), shared.clone());
        Ok(shared)
    }
}

/// The units a unit's task escalates to, nearest first, into `chain`.
fn escalation_chain(
    campaign: &Campaign,
    directory: &Directory,
    unit: usize,
    target: &EscalationTarget,
    chain: &mut Vec<usize>,
) {
    chain.clear();
    // The owner is the last stop: a unit under the owner climbs one level at a time up to it; the
    // owner's own tasks are not escalated; a unit outside the owner's subtree goes to the owner.
    // An explicit `to: UNIT` is honoured as written.
    let owner = directory.position(&campaign.owner);
    match (target, owner) {
        (EscalationTarget::Parent | EscalationTarget::Owner, Some(owner)) if owner == unit => {}
        (EscalationTarget::Parent, Some(owner)) if directory.is_descendant(unit, owner) => {
            chain.extend(directory.ancestors(unit).take_while(|&a| a != owner));
            chain.push(owner);
        }
        (EscalationTarget::Parent | EscalationTarget::Owner, owner) => chain.extend(owner),
        (EscalationTarget::Unit(id), _) => chain.extend(directory.position(id).filter(|u| *u != unit)),
    }
}

/// One shared copy of each unit id a run names, made when first needed.
struct SharedIds<'a> {
    directory: &'a Directory,
    ids: Vec<Option<Arc<str>>>,
}

impl<'a> SharedIds<'a> {
    fn new(directory: &'a Directory) -> SharedIds<'a> {
        SharedIds { directory, ids: vec![None; directory.units.len()] }
    }

    fn get(&mut self, unit: usize) -> Arc<str> {
        self.ids[unit].get_or_insert_with(|| Arc::from(self.directory.units[unit].id.as_str())).clone()
    }
}

/// The units a template assigns, in directory preorder.
fn assigned_units(directory: &Directory, assignees: &Assignees) -> Vec<usize> {
    match assignees {
        Assignees::Unit(id) => directory.position(id).into_iter().collect(),
        Assignees::Units(ids) => {
            let mut units: Vec<usize> = ids.iter().filter_map(|id| directory.position(id)).collect();
            units.sort_unstable();
            units
        }
        Assignees::Level { level, under } => match directory.level_index(level) {
            Some(level) => directory.units_at_level(level, under.as_deref().and_then(|u| directory.position(u))),
            None => Vec::new(),
        },
    }
}

/// A local time for messages.
fn show(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The runs of a campaign open at `now` (opened at or before it, closing after it), planned. Only
/// errors of those runs are reported: an uncovered working-day year of a run not open now is not.
pub fn runs_open_at(
    campaign: &Campaign,
    directory: &Directory,
    workdays: &WorkdayCalendar,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<PlannedRun>, Vec<Diagnostic>> {
    runs_to_open(campaign, directory, workdays, now, |_| false)
}

/// Like [`runs_open_at`], but skips (without planning them) the runs whose key `exists` says are
/// already materialized: the engine's check for runs whose time came.
pub fn runs_to_open(
    campaign: &Campaign,
    directory: &Directory,
    workdays: &WorkdayCalendar,
    now: chrono::DateTime<Utc>,
    exists: impl Fn(&str) -> bool,
) -> Result<Vec<PlannedRun>, Vec<Diagnostic>> {
    use chrono::Datelike;
    let local_year = now.with_timezone(&campaign.timezone).year();
    let mut runs = Vec::new();
    let mut diagnostics = Vec::new();
    // A run opening late in one year may anchor early in the next, and may last into the next.
    for year in local_year - 1..=local_year + 1 {
        let occurrences = match occurrences_in_year(campaign, year, workdays) {
            Ok(o) => o,
            Err(d) if year == local_year => {
                diagnostics.extend(d);
                continue;
            }
            Err(_) => continue,
        };
        for occurrence in occurrences {
            let opens = resolve_local(campaign.timezone, occurrence.frame.open).with_timezone(&Utc);
            let closes = resolve_local(campaign.timezone, occurrence.frame.close).with_timezone(&Utc);
            if opens > now
                || closes <= now
                || exists(&occurrence.key)
                || runs.iter().any(|r: &PlannedRun| r.key == occurrence.key)
            {
                continue;
            }
            match plan_run(campaign, directory, workdays, &occurrence) {
                Ok(run) => runs.push(run),
                Err(mut d) => diagnostics.append(&mut d),
            }
        }
    }
    if diagnostics.is_empty() { Ok(runs) } else { Err(diagnostics) }
}

/// What a run is anchored to: its anchor day, or for cron campaigns the fire time.
fn run_anchor(campaign: &Campaign, frame: &RunFrame) -> RunAnchor {
    if frame.anchor_is_day {
        RunAnchor::Day(frame.anchor.date())
    } else {
        RunAnchor::Instant(resolve_local(campaign.timezone, frame.anchor))
    }
}

/// A run whose whole window passed while nothing ran: it was never opened.
#[derive(Clone, Debug, PartialEq)]
pub struct MissedRun {
    pub campaign: String,
    pub key: String,
    pub anchor: RunAnchor,
    pub timezone: Tz,
    pub opens_at: chrono::DateTime<Utc>,
    pub closes_at: chrono::DateTime<Utc>,
}

/// How far back runs are looked for as missed, at most: a database idle for longer than this is a
/// new start, not a catch-up.
const MISSED_LOOKBACK_YEARS: i32 = 5;

/// The runs of `campaign` that closed after `since` (when the campaign came into use) and at or
/// before `now` without ever being opened: not `exists`. Opening a run whose time passed would
/// mail units about work that can no longer be done; the engine records these as missed instead.
/// Earliest first.
pub fn runs_missed(
    campaign: &Campaign,
    workdays: &WorkdayCalendar,
    since: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
    exists: impl Fn(&str) -> bool,
) -> Vec<MissedRun> {
    use chrono::Datelike;
    if since >= now {
        return Vec::new();
    }
    let first_year = since.with_timezone(&campaign.timezone).year() - 1;
    let last_year = now.with_timezone(&campaign.timezone).year();
    let first_year = first_year.max(last_year - MISSED_LOOKBACK_YEARS);
    let mut missed: Vec<MissedRun> = Vec::new();
    for year in first_year..=last_year {
        // A year the holiday file does not cover plans no run either; it is not missed work.
        let Ok(occurrences) = occurrences_in_year(campaign, year, workdays) else { continue };
        for occurrence in occurrences {
            let at = |local| resolve_local(campaign.timezone, local);
            let (opens, closes) = (at(occurrence.frame.open), at(occurrence.frame.close));
            let (opens_at, closes_at) = (opens.with_timezone(&Utc), closes.with_timezone(&Utc));
            if closes_at <= since
                || closes_at > now
                || exists(&occurrence.key)
                || missed.iter().any(|m| m.key == occurrence.key)
            {
                continue;
            }
            let anchor = run_anchor(campaign, &occurrence.frame);
            let timezone = campaign.timezone;
            missed.push(MissedRun {
                campaign: campaign.id.clone(),
                key: occurrence.key,
                anchor,
                timezone,
                opens_at,
                closes_at,
            });
        }
    }
    missed.sort_by_key(|m| m.opens_at);
    missed
}

/// When the campaign's next run opens after `now` (looking into next year), if it has one.
pub fn next_opening(
    campaign: &Campaign,
    workdays: &WorkdayCalendar,
    now: chrono::DateTime<Utc>,
) -> Option<chrono::DateTime<Utc>> {
    use chrono::Datelike;
    let local_year = now.with_timezone(&campaign.timezone).year();
    (local_year - 1..=local_year + 2)
        .filter_map(|year| occurrences_in_year(campaign, year, workdays).ok())
        .flatten()
        .map(|o| resolve_local(campaign.timezone, o.frame.open).with_timezone(&Utc))
        .filter(|opens| *opens > now)
        .min()
}

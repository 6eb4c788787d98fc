//! Planning one run: every task of every template for every assigned unit, with its start, due
//! time, dependencies, reminders and escalations, and the run's report times.

use calendar::{CalendarError, Offset, WorkdayCalendar, apply_offset, resolve_local};
use campaign::{
    Assignees, Campaign, Diagnostic, DiagnosticKind, Directory, EscalationTarget, Landing, Loc, ReportWhen, RunFrame,
    TimeExpr, resolve,
};
use chrono::{NaiveDateTime, Utc};

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

    // Templates are planned in dependency order (an `after` may name a later template), each into
    // its own list; the run lists them in the order they were written.
    let mut planned: Vec<Vec<PlannedTask>> = vec![Vec::new(); campaign.tasks.len()];
    let mut instances: Vec<Instances> = vec![Instances::default(); campaign.tasks.len()];
    for index in dependency_order(campaign) {
        let template = &campaign.tasks[index];
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
        let reminders = match reminders(campaign, &template.reminders, due, starts, workdays) {
            Ok(r) => r,
            Err(e) => {
                diagnostics.push(calendar_diagnostic(campaign, &field("reminders"), template.loc, &e));
                continue;
            }
        };
        let dependencies: Vec<usize> =
            template.after.iter().filter_map(|dep| campaign.tasks.iter().position(|t| &t.id == dep)).collect();
        let mut own = Instances::default();
        let mut list = Vec::new();
        for unit in assigned_units(directory, &template.assignees) {
            let unit_id = &directory.units[unit].id;
            let after = dependencies
                .iter()
                .flat_map(|&dep| instances[dep].scoped(directory, unit).into_iter().map(move |i| (dep, i)))
                .map(|(dep, i)| planned[dep][i].id.clone())
                .collect();
            let escalations = match &template.escalate {
                None => Vec::new(),
                Some(e) => match escalations(
                    campaign,
                    directory,
                    unit,
                    &e.to,
                    (e.after, e.every),
                    (due, frame.close),
                    workdays,
                ) {
                    Ok(chain) => chain,
                    Err(e) => {
                        diagnostics.push(calendar_diagnostic(campaign, &field("escalate"), template.loc, &e));
                        break;
                    }
                },
            };
            own.push(unit, list.len());
            list.push(PlannedTask {
                id: task_id(&campaign.id, &occurrence.key, &template.id, unit_id),
                template: template.id.clone(),
                unit: unit_id.clone(),
                starts_at,
                due_at,
                after,
                reminders: reminders.iter().map(|t| at(*t)).collect(),
                escalations: escalations.into_iter().map(|(t, to)| PlannedEscalation { at: at(t), to }).collect(),
            });
        }
        own.finish();
        instances[index] = own;
        planned[index] = list;
    }
    let tasks: Vec<PlannedTask> = planned.into_iter().flatten().collect();

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
    let anchor =
        if frame.anchor_is_day { RunAnchor::Day(frame.anchor.date()) } else { RunAnchor::Instant(at(frame.anchor)) };
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

/// The escalation chain of a unit's task: after the due time by `after`, then every `every`, one
/// level higher each time, ending at the campaign owner.
fn escalations(
    campaign: &Campaign,
    directory: &Directory,
    unit: usize,
    target: &EscalationTarget,
    (after, every): (Offset, Offset),
    (due, close): (NaiveDateTime, NaiveDateTime),
    workdays: &WorkdayCalendar,
) -> Result<Vec<(NaiveDateTime, String)>, CalendarError> {
    // The owner is the last stop: a unit under the owner climbs one level at a time up to it; the
    // owner's own tasks are not escalated; a unit outside the owner's subtree goes to the owner.
    // An explicit `to: UNIT` is honoured as written.
    let owner = directory.position(&campaign.owner);
    let chain: Vec<usize> = match (target, owner) {
        (EscalationTarget::Parent | EscalationTarget::Owner, Some(owner)) if owner == unit => Vec::new(),
        (EscalationTarget::Parent, Some(owner)) if directory.is_descendant(unit, owner) => {
            let mut chain: Vec<usize> = directory.ancestors(unit).take_while(|&a| a != owner).collect();
            chain.push(owner);
            chain
        }
        (EscalationTarget::Parent | EscalationTarget::Owner, owner) => owner.into_iter().collect(),
        (EscalationTarget::Unit(id), _) => directory.position(id).filter(|u| *u != unit).into_iter().collect(),
    };
    let mut out = Vec::with_capacity(chain.len());
    let mut at = due;
    for (step, target) in chain.into_iter().enumerate() {
        let offset = if step == 0 { after } else { every };
        at = apply_offset(at, offset, campaign.start_time, workdays)?;
        // After the close, the closing report lists what is still overdue.
        if at > close {
            break;
        }
        out.push((at, directory.units[target].id.clone()));
    }
    Ok(out)
}

/// Template indices such that every template comes after those it waits for (validation has
/// rejected cycles; were one to slip through, the remaining templates keep their written order).
fn dependency_order(campaign: &Campaign) -> Vec<usize> {
    let n = campaign.tasks.len();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while order.len() < n {
        let before = order.len();
        for (i, template) in campaign.tasks.iter().enumerate() {
            let ready = template
                .after
                .iter()
                .all(|dep| campaign.tasks.iter().position(|t| &t.id == dep).is_none_or(|d| placed[d]));
            if !placed[i] && ready {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            order.extend((0..n).filter(|&i| !placed[i]));
            break;
        }
    }
    order
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

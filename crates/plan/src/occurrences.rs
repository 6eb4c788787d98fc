//! Which runs a campaign has in a year: the anchor's occurrences, their keys and frames.

use calendar::{CronSchedule, Tz, WorkdayCalendar, resolve_local};
use campaign::{Anchor, Campaign, Diagnostic, DiagnosticKind, RunFrame, frame_for_day, frame_for_fire_time};
use chrono::{Datelike, Duration, NaiveDate, Utc};

use crate::plan_run::calendar_diagnostic;

/// One run of a campaign: its key and frame (local times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub key: String,
    pub frame: RunFrame,
}

/// The runs of a campaign in a Gregorian year: for calendar anchors, those whose anchor day falls in
/// the year (keyed by the year; by the date in the rare year a lunar date falls twice); for cron
/// anchors, those that open in the year (keyed by the opening date, with the time when one day opens
/// several runs).
pub fn occurrences_in_year(
    campaign: &Campaign,
    year: i32,
    workdays: &WorkdayCalendar,
) -> Result<Vec<Occurrence>, Vec<Diagnostic>> {
    let located =
        |e: calendar::CalendarError| vec![calendar_diagnostic(campaign, "recurrence", campaign_loc(campaign), &e)];
    let days: Vec<NaiveDate> = match &campaign.recurrence.anchor {
        Anchor::Festival(festival) => festival.dates_in_year(year).map_err(located)?,
        Anchor::Lunar(month_day) => month_day.dates_in_year(year).map_err(located)?,
        Anchor::Date { month, day } => NaiveDate::from_ymd_opt(year, *month, *day).into_iter().collect(),
        Anchor::Cron(schedule) => return cron_occurrences(campaign, schedule, year, workdays),
    };
    let single = days.len() == 1;
    days.into_iter()
        .map(|day| {
            let frame = frame_for_day(campaign, day, workdays)
                .map_err(|e| vec![calendar_diagnostic(campaign, "recurrence", campaign_loc(campaign), &e)])?;
            let key = if single { year.to_string() } else { day.to_string() };
            Ok(Occurrence { key, frame })
        })
        .collect()
}

fn cron_occurrences(
    campaign: &Campaign,
    schedule: &CronSchedule,
    year: i32,
    workdays: &WorkdayCalendar,
) -> Result<Vec<Occurrence>, Vec<Diagnostic>> {
    let tz: Tz = campaign.timezone;
    // A run opening in `year` may fire up to |opens| before or after; look a generous margin around.
    let lead = campaign.recurrence.opens.as_ref().map_or(0, |o| offset_days(o.value)) + 2;
    let start = local_midnight(tz, year, 1, 1) - Duration::days(lead);
    let end = local_midnight(tz, year + 1, 1, 1) + Duration::days(lead);
    let fires = schedule.occurrences(tz, start.with_timezone(&Utc), end.with_timezone(&Utc), 100_000).map_err(|e| {
        vec![Diagnostic::new(
            &campaign.source,
            campaign_loc(campaign),
            "recurrence.cron",
            DiagnosticKind::InvalidCron { value: schedule.pattern().to_string(), problem: e },
        )]
    })?;
    let mut frames = Vec::new();
    for fire in fires {
        let frame = frame_for_fire_time(campaign, fire.naive_local(), workdays)
            .map_err(|e| vec![calendar_diagnostic(campaign, "recurrence", campaign_loc(campaign), &e)])?;
        if frame.open.year() == year {
            frames.push(frame);
        }
    }
    let mut out = Vec::with_capacity(frames.len());
    for (i, frame) in frames.iter().enumerate() {
        let date = frame.open.date();
        let shares_day = frames.iter().enumerate().any(|(j, f)| j != i && f.open.date() == date);
        let key = if shares_day { frame.open.format("%Y-%m-%dT%H%M").to_string() } else { date.to_string() };
        out.push(Occurrence { key, frame: *frame });
    }
    Ok(out)
}

fn offset_days(offset: calendar::Offset) -> i64 {
    use calendar::OffsetUnit::*;
    let n = i64::from(offset.amount).abs();
    match offset.unit {
        Days => n,
        Weeks => 7 * n,
        Hours => n / 24 + 1,
        // Working days: at most about three calendar days each around long holidays.
        WorkingDays => 3 * n + 10,
    }
}

fn local_midnight(tz: Tz, year: i32, month: u32, day: u32) -> chrono::DateTime<Tz> {
    let date = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    resolve_local(tz, date.and_time(chrono::NaiveTime::MIN))
}

fn campaign_loc(campaign: &Campaign) -> campaign::Loc {
    campaign.recurrence.closes.loc
}

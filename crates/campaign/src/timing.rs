//! The meaning of time expressions: a run's anchor, opening and closing, and where `open+3d`,
//! `anchor-5wd` or `close` land, in the campaign's local time. Validation and the planner both use
//! this, so they cannot disagree.

use calendar::{CalendarError, Offset, OffsetUnit, WorkdayCalendar, apply_offset};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::Campaign;
use crate::time_expr::{Base, TimeExpr};

/// Which time of day day offsets land at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landing {
    /// Starts and openings: `start_time` (default 09:00).
    Start,
    /// Due times and closings: `due_time` (default 17:30).
    Due,
}

/// The fixed points of one run, in the campaign's local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunFrame {
    /// For day anchors, midnight of the anchor day; for cron, the fire time.
    pub anchor: NaiveDateTime,
    pub anchor_is_day: bool,
    pub open: NaiveDateTime,
    pub close: NaiveDateTime,
}

/// A run's frame for an anchor day (festival, lunar or calendar date).
pub fn frame_for_day(
    campaign: &Campaign,
    day: NaiveDate,
    workdays: &WorkdayCalendar,
) -> Result<RunFrame, CalendarError> {
    frame(campaign, day.and_time(NaiveTime::MIN), true, workdays)
}

/// A run's frame for a cron fire time.
pub fn frame_for_fire_time(
    campaign: &Campaign,
    fire: NaiveDateTime,
    workdays: &WorkdayCalendar,
) -> Result<RunFrame, CalendarError> {
    frame(campaign, fire, false, workdays)
}

/// A frame for any anchor kind; `anchor_is_day` must match the campaign's anchor.
pub fn frame(
    campaign: &Campaign,
    anchor: NaiveDateTime,
    anchor_is_day: bool,
    workdays: &WorkdayCalendar,
) -> Result<RunFrame, CalendarError> {
    debug_assert_eq!(anchor_is_day, campaign.recurrence.anchor.is_day());
    let partial = RunFrame { anchor, anchor_is_day, open: anchor, close: anchor };
    let open = match &campaign.recurrence.opens {
        Some(offset) => from_anchor(campaign, &partial, offset.value, Landing::Start, workdays)?,
        None => resolve_base(campaign, &partial, Base::Anchor, Landing::Start),
    };
    let close = from_anchor(campaign, &partial, campaign.recurrence.closes.value, Landing::Due, workdays)?;
    Ok(RunFrame { anchor, anchor_is_day, open, close })
}

fn from_anchor(
    campaign: &Campaign,
    frame: &RunFrame,
    offset: Offset,
    landing: Landing,
    workdays: &WorkdayCalendar,
) -> Result<NaiveDateTime, CalendarError> {
    resolve(campaign, frame, TimeExpr { base: Base::Anchor, offset: Some(offset) }, landing, workdays)
}

/// Where a time expression lands in one run.
///
/// Day, week and working-day offsets move the date and land at the landing time of day; hour
/// offsets add to the base instant. A bare `anchor` of a day anchor is that day at the landing time;
/// `open` and `close` are the run's own instants.
pub fn resolve(
    campaign: &Campaign,
    frame: &RunFrame,
    expr: TimeExpr,
    landing: Landing,
    workdays: &WorkdayCalendar,
) -> Result<NaiveDateTime, CalendarError> {
    let Some(offset) = expr.offset else {
        return Ok(resolve_base(campaign, frame, expr.base, landing));
    };
    let base = match expr.base {
        Base::Open => frame.open,
        Base::Close => frame.close,
        Base::Anchor => frame.anchor,
    };
    apply_offset(base, offset, landing_time(campaign, landing), workdays)
}

fn resolve_base(campaign: &Campaign, frame: &RunFrame, base: Base, landing: Landing) -> NaiveDateTime {
    match base {
        Base::Open => frame.open,
        Base::Close => frame.close,
        Base::Anchor if frame.anchor_is_day => frame.anchor.date().and_time(landing_time(campaign, landing)),
        Base::Anchor => frame.anchor,
    }
}

fn landing_time(campaign: &Campaign, landing: Landing) -> NaiveTime {
    match landing {
        Landing::Start => campaign.start_time,
        Landing::Due => campaign.due_time,
    }
}

/// Whether an offset needs the holiday arrangements to be resolved.
pub fn uses_working_days(offset: &Offset) -> bool {
    offset.unit == OffsetUnit::WorkingDays
}

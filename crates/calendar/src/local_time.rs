//! Turning a local wall-clock time in a time zone into an instant, through DST changes.

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// Resolves a local wall time in `tz` to an instant.
///
/// - An ambiguous time (a DST fall-back repeats it) resolves to the earlier instant.
/// - A nonexistent time (in a spring-forward gap) resolves to the first valid instant after
///   the gap, i.e. the instant of the transition itself (02:30 in a 02:00→03:00 gap gives
///   03:00).
///
/// Never panics: a time at the very edge of chrono's range that cannot be resolved is read
/// as UTC.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(instant) => instant,
        LocalResult::Ambiguous(earlier, later) => earlier.min(later),
        LocalResult::None => after_gap(tz, local).unwrap_or_else(|| tz.from_utc_datetime(&local)),
    }
}

/// The first valid instant after the gap that contains `local`.
fn after_gap(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Tz>> {
    let exists = |t: NaiveDateTime| !matches!(tz.from_local_datetime(&t), LocalResult::None);
    // Gaps are at most a day long (Samoa skipped 2011-12-30 whole); step in quarter hours
    // to one that exists, then bisect to the second.
    let step = TimeDelta::minutes(15);
    let mut missing = local;
    let mut present = None;
    for _ in 0..(4 * 50) {
        let next = missing.checked_add_signed(step)?;
        if exists(next) {
            present = Some(next);
            break;
        }
        missing = next;
    }
    let mut present = present?;
    while present - missing > TimeDelta::seconds(1) {
        let mid = missing + (present - missing) / 2;
        if exists(mid) {
            present = mid;
        } else {
            missing = mid;
        }
    }
    match tz.from_local_datetime(&present) {
        LocalResult::Single(instant) => Some(instant),
        LocalResult::Ambiguous(earlier, later) => Some(earlier.min(later)),
        LocalResult::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use proptest::prelude::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        local(y, m, d, h, min).and_utc()
    }

    #[test]
    fn shanghai_is_plain_utc_plus_8() {
        let t = resolve_local(Tz::Asia__Shanghai, local(2026, 2, 17, 9, 0));
        assert_eq!(t.with_timezone(&Utc), utc(2026, 2, 17, 1, 0));
    }

    #[test]
    fn ambiguous_takes_the_earlier() {
        // New York fell back at 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens twice.
        let t = resolve_local(Tz::America__New_York, local(2026, 11, 1, 1, 30));
        assert_eq!(t.with_timezone(&Utc), utc(2026, 11, 1, 5, 30));
    }

    #[test]
    fn gap_moves_to_the_end_of_the_gap() {
        // New York sprang forward at 2026-03-08 02:00 EST → 03:00 EDT: 02:30 does not exist.
        let t = resolve_local(Tz::America__New_York, local(2026, 3, 8, 2, 30));
        assert_eq!(t.naive_local(), local(2026, 3, 8, 3, 0));
        assert_eq!(t.with_timezone(&Utc), utc(2026, 3, 8, 7, 0));
        // Berlin: 2026-03-29 02:00 CET → 03:00 CEST.
        let t = resolve_local(Tz::Europe__Berlin, local(2026, 3, 29, 2, 0));
        assert_eq!(t.with_timezone(&Utc), utc(2026, 3, 29, 1, 0));
    }

    #[test]
    fn a_skipped_day_moves_to_the_next_day() {
        // Samoa skipped 2011-12-30 entirely (UTC-10 → UTC+14 at midnight).
        let t = resolve_local(Tz::Pacific__Apia, local(2011, 12, 30, 12, 0));
        assert_eq!(t.naive_local(), local(2011, 12, 31, 0, 0));
    }

    #[test]
    fn extremes_do_not_panic() {
        let _ = resolve_local(Tz::America__New_York, NaiveDateTime::MAX);
        let _ = resolve_local(Tz::America__New_York, NaiveDateTime::MIN);
        let _ = resolve_local(Tz::Pacific__Apia, NaiveDateTime::MAX);
    }

    proptest! {
        #[test]
        fn result_is_at_or_after_the_wall_time(minutes in 0i64..(60 * 24 * 366 * 3), zone in 0..4usize) {
            let tz = [Tz::America__New_York, Tz::Europe__Berlin, Tz::Australia__Lord_Howe, Tz::Asia__Shanghai][zone];
            let wall = local(2025, 1, 1, 0, 0) + TimeDelta::minutes(minutes);
            let t = resolve_local(tz, wall);
            // Equal when the time exists; within the gap's length after it when it does not.
            let shift = t.naive_local() - wall;
            prop_assert!(shift >= TimeDelta::zero() && shift <= TimeDelta::hours(1), "{wall} → {t}");
        }
    }
}

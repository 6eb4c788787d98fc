//! Calendar-regular schedules written as standard crontab patterns, evaluated with croner.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::errors::CronError as CronerError;
use croner::parser::{CronParser, Seconds, Year};

use crate::error::CronError;

/// A parsed crontab pattern.
///
/// Accepted: 5 fields (`minute hour day-of-month month day-of-week`), or 6 with a leading
/// seconds field; numbers, `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`, month
/// names `Jan`..`Dec` and weekday names `Sun`..`Sat` (any case), and the Vixie nicknames
/// `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@hourly`. Weekday 1 is Monday,
/// 0 and 7 are Sunday. When both day-of-month and day-of-week are restricted a day matching
/// either fires (Vixie cron's OR).
///
/// Also accepted because croner supports them in its default mode (as do Quartz and many
/// crons): `L` (last day of the month in day-of-month, `5L` = last Friday in day-of-week),
/// `#` (`1#2` = second Monday), `W` (`15W` = weekday nearest the 15th) and `?` (same as `*`).
///
/// Refused: 7 fields (croner's year field) and croner's `+` day-of-week prefix (AND instead
/// of OR), which no standard crontab has; and patterns that can never fire (`0 0 30 2 *`).
#[derive(Clone, Debug)]
pub struct CronSchedule {
    pattern: String,
    cron: Cron,
}

/// croner's parser in standard-crontab mode: optional seconds, no year field, POSIX
/// weekdays, day-of-month OR day-of-week.
fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .dom_and_dow(false)
        .alternative_weekdays(false)
        .build()
}

impl CronSchedule {
    /// Parses a standard crontab pattern (see the type's documentation).
    pub fn parse(pattern: &str) -> Result<CronSchedule, CronError> {
        let trimmed = pattern.trim();
        let invalid = |message: String| CronError::Invalid { pattern: pattern.to_owned(), message };
        if !trimmed.starts_with('@') {
            let found = trimmed.split_whitespace().count();
            if found != 5 && found != 6 {
                return Err(CronError::FieldCount { pattern: pattern.to_owned(), found });
            }
        }
        if trimmed.contains('+') {
            return Err(invalid("'+' (croner's day-of-month AND day-of-week) is not standard crontab".to_owned()));
        }
        let cron = parser().parse(trimmed).map_err(|error| invalid(error.to_string()))?;
        // A pattern that never fires (February 30th) is a mistake. croner searches ahead
        // until its own limit, long enough for the rarest real patterns (`0 0 * 2 1#5`, a
        // fifth Monday in February, fires in 2016 and 2044); a fixed reference keeps this pure.
        let reference = NaiveDate::from_ymd_opt(2001, 1, 1).and_then(|date| date.and_hms_opt(0, 0, 0));
        if let Some(reference) = reference
            && let Err(CronerError::TimeSearchLimitExceeded | CronerError::InvalidTime) =
                cron.find_next_occurrence(&reference, true)
        {
            return Err(CronError::NeverFires { pattern: pattern.to_owned() });
        }
        Ok(CronSchedule { pattern: trimmed.to_owned(), cron })
    }

    /// The pattern as written (surrounding whitespace trimmed).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Fire times in `tz` with `from <= t < to`, ascending, at most `limit` of them.
    ///
    /// The pattern is read in `tz`'s wall-clock time. A time skipped by a DST gap fires at
    /// the first instant after the gap (for a fixed-time pattern such as `30 2 * * *`); a
    /// time repeated by a DST fall-back fires once, at the earlier instant.
    pub fn occurrences(
        &self,
        tz: Tz,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Tz>>, CronError> {
        let mut out = Vec::new();
        if limit == 0 || from >= to {
            return Ok(out);
        }
        let mut cursor = from.with_timezone(&tz);
        let mut inclusive = true;
        while out.len() < limit {
            let next = match self.cron.find_next_occurrence(&cursor, inclusive) {
                Ok(next) => next,
                // No further fire time within croner's search horizon.
                Err(CronerError::TimeSearchLimitExceeded) => break,
                Err(error) => {
                    return Err(CronError::Evaluation { pattern: self.pattern.clone(), message: error.to_string() });
                }
            };
            if next.with_timezone(&Utc) >= to {
                break;
            }
            // croner resumes from the instant it found, exclusively.
            out.push(next);
            cursor = next;
            inclusive = false;
        }
        Ok(out)
    }

    /// croner's English description of the pattern.
    pub fn describe(&self) -> String {
        self.cron.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike, Weekday};
    use proptest::prelude::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn fires(pattern: &str, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Tz>> {
        CronSchedule::parse(pattern).unwrap().occurrences(tz, from, to, 1000).unwrap()
    }

    #[test]
    fn monday_nine_in_shanghai() {
        let times = fires("0 9 * * Mon", Tz::Asia__Shanghai, utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0));
        assert_eq!(times.len(), 8);
        for t in &times {
            assert_eq!(t.weekday(), Weekday::Mon);
            assert_eq!((t.hour(), t.minute(), t.second()), (9, 0, 0));
        }
        // 09:00 in Shanghai is 01:00 UTC.
        assert_eq!(times[0].with_timezone(&Utc), utc(2026, 1, 5, 1, 0));
        let six = fires("0 0 9 * * 1", Tz::Asia__Shanghai, utc(2026, 1, 1, 0, 0), utc(2026, 3, 1, 0, 0));
        assert_eq!(six, times);
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        let times = fires("0 9 13 * 5", Tz::Asia__Shanghai, utc(2026, 2, 1, 0, 0), utc(2026, 4, 1, 0, 0));
        let days: Vec<(u32, u32)> = times.iter().map(|t| (t.month(), t.day())).collect();
        // Fridays of February and March 2026, and the 13ths (Feb 13 is itself a Friday).
        assert_eq!(days, vec![(2, 6), (2, 13), (2, 20), (2, 27), (3, 6), (3, 13), (3, 20), (3, 27)]);
        let times = fires("0 9 1 * 1", Tz::Asia__Shanghai, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
        let days: Vec<u32> = times.iter().map(|t| t.day()).collect();
        assert_eq!(days, vec![1, 2, 9, 16, 23, 30]);
    }

    #[test]
    fn zero_and_seven_are_sunday() {
        let range = (utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
        let zero = fires("0 12 * * 0", Tz::Asia__Shanghai, range.0, range.1);
        let seven = fires("0 12 * * 7", Tz::Asia__Shanghai, range.0, range.1);
        let sun = fires("0 12 * * sun", Tz::Asia__Shanghai, range.0, range.1);
        assert_eq!(zero.len(), 5);
        assert!(zero.iter().all(|t| t.weekday() == Weekday::Sun));
        assert_eq!(zero, seven);
        assert_eq!(zero, sun);
    }

    #[test]
    fn names_ranges_steps_lists() {
        let times =
            fires("*/30 8-9 1,15 Jan-Feb *", Tz::Asia__Shanghai, utc(2025, 12, 1, 0, 0), utc(2026, 12, 1, 0, 0));
        assert_eq!(times.len(), 4 * 2 * 2);
        let daily = fires("@daily", Tz::Asia__Shanghai, utc(2026, 1, 1, 0, 0), utc(2026, 1, 8, 0, 0));
        assert_eq!(daily.len(), 7);
        let last_friday = fires("0 9 * * 5L", Tz::Asia__Shanghai, utc(2026, 1, 1, 0, 0), utc(2026, 4, 1, 0, 0));
        let days: Vec<u32> = last_friday.iter().map(|t| t.day()).collect();
        assert_eq!(days, vec![30, 27, 27]);
    }

    #[test]
    fn rejects_seven_fields_and_garbage() {
        assert!(matches!(CronSchedule::parse("0 0 9 * * 1 2026"), Err(CronError::FieldCount { found: 7, .. })));
        assert!(matches!(CronSchedule::parse("0 9 * *"), Err(CronError::FieldCount { found: 4, .. })));
        assert!(matches!(CronSchedule::parse(""), Err(CronError::FieldCount { found: 0, .. })));
        for bad in [
            "hello world foo bar baz",
            "61 * * * *",
            "0 24 * * *",
            "0 9 * * 8",
            "0 9 0 * *",
            "0 9 * 13 *",
            "0 9 * * +Mon",
            "@reboot",
            "@every 5m",
            "a b c d e",
        ] {
            assert!(
                matches!(CronSchedule::parse(bad), Err(CronError::Invalid { .. })),
                "{bad}: {:?}",
                CronSchedule::parse(bad)
            );
        }
        assert!(matches!(CronSchedule::parse("0 0 30 2 *"), Err(CronError::NeverFires { .. })));
    }

    #[test]
    fn error_messages_carry_the_pattern() {
        let error = CronSchedule::parse("61 * * * *").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("61 * * * *"), "{text}");
    }

    #[test]
    fn describe_and_pattern() {
        let schedule = CronSchedule::parse("  0 9 * * Mon ").unwrap();
        assert_eq!(schedule.pattern(), "0 9 * * Mon");
        let description = schedule.describe();
        assert!(description.contains("Monday"), "{description}");
    }

    #[test]
    fn limit_and_bounds() {
        let schedule = CronSchedule::parse("0 * * * *").unwrap();
        let from = utc(2026, 1, 1, 0, 0);
        let to = utc(2026, 1, 2, 0, 0);
        assert_eq!(schedule.occurrences(Tz::UTC, from, to, 5).unwrap().len(), 5);
        // from is inclusive, to exclusive.
        let all = schedule.occurrences(Tz::UTC, from, to, 100).unwrap();
        assert_eq!(all.len(), 24);
        assert_eq!(all[0].with_timezone(&Utc), from);
        assert!(schedule.occurrences(Tz::UTC, from, from, 5).unwrap().is_empty());
        assert!(schedule.occurrences(Tz::UTC, to, from, 5).unwrap().is_empty());
        assert!(schedule.occurrences(Tz::UTC, from, to, 0).unwrap().is_empty());
    }

    #[test]
    fn dst_gap_and_overlap_fire_once() {
        // New York: 2026-03-08 02:30 does not exist, 2026-11-01 01:30 happens twice.
        let gap = fires("30 2 * * *", Tz::America__New_York, utc(2026, 3, 7, 0, 0), utc(2026, 3, 9, 12, 0));
        assert_eq!(gap.len(), 3, "{gap:?}");
        assert_eq!(gap[0].with_timezone(&Utc), utc(2026, 3, 7, 7, 30));
        // 02:30 does not exist on 03-08: it fires once, at 03:00 EDT, the end of the gap.
        assert_eq!(gap[1].with_timezone(&Utc), utc(2026, 3, 8, 7, 0));
        assert_eq!(gap[2].with_timezone(&Utc), utc(2026, 3, 9, 6, 30));
        let overlap = fires("30 1 * * *", Tz::America__New_York, utc(2026, 10, 31, 12, 0), utc(2026, 11, 2, 12, 0));
        // Once on 11-01, at the earlier 01:30 (EDT), then 11-02 01:30 EST.
        assert_eq!(overlap.len(), 2, "{overlap:?}");
        assert_eq!(overlap[0].with_timezone(&Utc), utc(2026, 11, 1, 5, 30));
        assert_eq!(overlap[1].with_timezone(&Utc), utc(2026, 11, 2, 6, 30));
    }

    #[test]
    fn rare_patterns_still_fire() {
        let leap = fires("0 0 29 2 *", Tz::Asia__Shanghai, utc(2025, 1, 1, 0, 0), utc(2035, 1, 1, 0, 0));
        assert_eq!(leap.len(), 2);
        let fifth_monday = fires("0 0 * 2 1#5", Tz::Asia__Shanghai, utc(2026, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0));
        let days: Vec<String> = fifth_monday.iter().map(|t| t.date_naive().to_string()).collect();
        assert_eq!(days, vec!["2044-02-29", "2072-02-29"]);
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in ".{0,40}") {
            let _ = CronSchedule::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_near_misses(text in "[0-9*/,\\-LW#? ]{0,30}") {
            let _ = CronSchedule::parse(&text);
        }

        #[test]
        fn occurrences_are_ascending_in_range(minute in 0u32..60, hour in 0u32..24, start in 0i64..1_000_000) {
            let schedule = CronSchedule::parse(&format!("{minute} {hour} * * *")).unwrap();
            let from = utc(2026, 1, 1, 0, 0) + chrono::TimeDelta::minutes(start);
            let to = from + chrono::TimeDelta::days(10);
            let times = schedule.occurrences(Tz::Asia__Shanghai, from, to, 100).unwrap();
            prop_assert!(times.len() == 10);
            prop_assert!(times.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(times.iter().all(|t| t.with_timezone(&Utc) >= from && t.with_timezone(&Utc) < to));
            prop_assert!(times.iter().all(|t| t.hour() == hour && t.minute() == minute));
        }
    }
}

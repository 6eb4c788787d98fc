//! Working days under China's official holiday arrangement, make-up working days (调休)
//! included.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::CalendarError;

/// One year's official arrangement (国务院办公厅关于XXXX年部分节假日安排的通知): the days off
/// and the make-up working days it announces. A notice may list a day of the previous
/// December (元旦 2023 began on 2022-12-31); such a day still counts, under its own date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearArrangement {
    /// The year of the notice.
    pub year: i32,
    /// Public holidays, including weekend days inside a holiday block.
    pub days_off: Vec<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
}

/// Decides working days for the years whose arrangement it holds.
///
/// A day is a working day if it is a make-up working day, or a weekday (Monday to Friday)
/// that is not a listed holiday. A date listed both as off and as a make-up day is off.
/// Years without an arrangement give [`CalendarError::YearNotCovered`], never a guess.
#[derive(Clone, Debug, Default)]
pub struct WorkdayCalendar {
    years: BTreeSet<i32>,
    days_off: HashSet<NaiveDate>,
    makeup_workdays: HashSet<NaiveDate>,
}

impl WorkdayCalendar {
    /// Builds the calendar from already validated arrangements. Several arrangements for
    /// one year are merged.
    pub fn new(years: Vec<YearArrangement>) -> Self {
        let mut calendar = WorkdayCalendar::default();
        for arrangement in years {
            calendar.years.insert(arrangement.year);
            calendar.days_off.extend(arrangement.days_off);
            calendar.makeup_workdays.extend(arrangement.makeup_workdays);
        }
        calendar
    }

    /// Whether an arrangement for `year` is loaded.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years with an arrangement, ascending.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    /// Whether `date` is a working day: weekends are off except make-up working days;
    /// listed holidays are off. [`CalendarError::YearNotCovered`] outside the covered years.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let year = date.year();
        if !self.covers(year) {
            return Err(CalendarError::YearNotCovered { year });
        }
        if self.days_off.contains(&date) {
            return Ok(false);
        }
        if self.makeup_workdays.contains(&date) {
            return Ok(true);
        }
        Ok(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// Moves by `n` working days: for `n > 0` the `n`-th working day after `date` (`date`
    /// itself not counted), for `n < 0` the `|n|`-th before it, for `n == 0` `date` itself
    /// if it is a working day, else the next working day.
    ///
    /// Every day looked at must be in a covered year, else
    /// [`CalendarError::YearNotCovered`] for the first uncovered year reached (`date` itself
    /// is not looked at when `n != 0`).
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> Result<NaiveDate, CalendarError> {
        let step = |day: NaiveDate, forward: bool| {
            let next = if forward { day.succ_opt() } else { day.pred_opt() };
            next.ok_or(CalendarError::DateOverflow { date: day, days: if forward { 1 } else { -1 } })
        };
        let mut day = date;
        if n == 0 {
            while !self.is_working_day(day)? {
                day = step(day, true)?;
            }
            return Ok(day);
        }
        let forward = n > 0;
        let mut remaining = n.unsigned_abs();
        while remaining > 0 {
            day = step(day, forward)?;
            if self.is_working_day(day)? {
                remaining -= 1;
            }
        }
        Ok(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn range(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days().take_while(|d| *d <= to).collect()
    }

    /// The 2026 notice, as in workflows/holidays.yaml.
    fn calendar_2026() -> WorkdayCalendar {
        let mut off = Vec::new();
        for (a, b) in [
            (ymd(2026, 1, 1), ymd(2026, 1, 3)),
            (ymd(2026, 2, 15), ymd(2026, 2, 23)),
            (ymd(2026, 4, 4), ymd(2026, 4, 6)),
            (ymd(2026, 5, 1), ymd(2026, 5, 5)),
            (ymd(2026, 6, 19), ymd(2026, 6, 21)),
            (ymd(2026, 9, 25), ymd(2026, 9, 27)),
            (ymd(2026, 10, 1), ymd(2026, 10, 7)),
        ] {
            off.extend(range(a, b));
        }
        WorkdayCalendar::new(vec![YearArrangement {
            year: 2026,
            days_off: off,
            makeup_workdays: vec![
                ymd(2026, 1, 4),
                ymd(2026, 2, 14),
                ymd(2026, 2, 28),
                ymd(2026, 5, 9),
                ymd(2026, 9, 20),
                ymd(2026, 10, 10),
            ],
        }])
    }

    #[test]
    fn makeup_saturday_is_working_and_holiday_monday_is_not() {
        let cal = calendar_2026();
        assert_eq!(ymd(2026, 2, 14).weekday(), Weekday::Sat);
        assert_eq!(cal.is_working_day(ymd(2026, 2, 14)), Ok(true));
        assert_eq!(ymd(2026, 2, 16).weekday(), Weekday::Mon);
        assert_eq!(cal.is_working_day(ymd(2026, 2, 16)), Ok(false));
        // An ordinary Saturday and an ordinary Tuesday.
        assert_eq!(cal.is_working_day(ymd(2026, 3, 7)), Ok(false));
        assert_eq!(cal.is_working_day(ymd(2026, 3, 10)), Ok(true));
    }

    #[test]
    fn add_working_days_across_the_spring_festival() {
        let cal = calendar_2026();
        // Fri 02-13, Sat 02-14 (make-up), then off 02-15..02-23, Tue 02-24.
        assert_eq!(cal.add_working_days(ymd(2026, 2, 13), 1), Ok(ymd(2026, 2, 14)));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 13), 2), Ok(ymd(2026, 2, 24)));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 24), -1), Ok(ymd(2026, 2, 14)));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 24), -2), Ok(ymd(2026, 2, 13)));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 16), 0), Ok(ymd(2026, 2, 24)));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 13), 0), Ok(ymd(2026, 2, 13)));
        // 2026-02-28 is a make-up Saturday: the 4th working day after Tue 02-24.
        assert_eq!(cal.add_working_days(ymd(2026, 2, 24), 4), Ok(ymd(2026, 2, 28)));
    }

    #[test]
    fn uncovered_years_are_errors() {
        let cal = calendar_2026();
        assert!(cal.covers(2026));
        assert!(!cal.covers(2027));
        assert_eq!(cal.covered_years(), vec![2026]);
        assert_eq!(cal.is_working_day(ymd(2027, 1, 4)), Err(CalendarError::YearNotCovered { year: 2027 }));
        assert_eq!(cal.add_working_days(ymd(2026, 12, 30), 5), Err(CalendarError::YearNotCovered { year: 2027 }));
        assert_eq!(cal.add_working_days(ymd(2026, 1, 5), -3), Err(CalendarError::YearNotCovered { year: 2025 }));
        // The start itself is not looked at for n != 0.
        assert_eq!(cal.add_working_days(ymd(2025, 12, 31), 1), Ok(ymd(2026, 1, 4)));
        let empty = WorkdayCalendar::default();
        assert_eq!(empty.add_working_days(ymd(2026, 1, 5), 0), Err(CalendarError::YearNotCovered { year: 2026 }));
        assert_eq!(
            empty.add_working_days(ymd(2026, 1, 5), i32::MIN),
            Err(CalendarError::YearNotCovered { year: 2026 })
        );
    }

    #[test]
    fn a_day_listed_both_ways_is_off() {
        let cal = WorkdayCalendar::new(vec![YearArrangement {
            year: 2030,
            days_off: vec![ymd(2030, 1, 5)],
            makeup_workdays: vec![ymd(2030, 1, 5)],
        }]);
        assert_eq!(cal.is_working_day(ymd(2030, 1, 5)), Ok(false));
    }

    #[test]
    fn a_year_of_only_holidays_ends_at_the_edge_of_coverage() {
        let year = range(ymd(2030, 1, 1), ymd(2030, 12, 31));
        let cal = WorkdayCalendar::new(vec![YearArrangement { year: 2030, days_off: year, makeup_workdays: vec![] }]);
        assert_eq!(cal.add_working_days(ymd(2030, 6, 1), 1), Err(CalendarError::YearNotCovered { year: 2031 }));
    }

    proptest! {
        #[test]
        fn result_is_a_working_day_and_monotonic(
            start in 0u32..365,
            n in -150i32..150,
        ) {
            let cal = calendar_2026();
            let date = ymd(2026, 1, 1) + chrono::Days::new(u64::from(start));
            let a = cal.add_working_days(date, n);
            let b = cal.add_working_days(date, n + 1);
            if let Ok(a) = a {
                prop_assert_eq!(cal.is_working_day(a), Ok(true));
                if n > 0 { prop_assert!(a > date); }
                if n < 0 { prop_assert!(a < date); }
                if let Ok(b) = b {
                    // Strictly, except that 0 and 1 both give the next working day when
                    // `date` itself is not one.
                    let date_works = cal.is_working_day(date) == Ok(true);
                    if n == 0 && !date_works {
                        prop_assert_eq!(b, a);
                    } else {
                        prop_assert!(b > a, "n={} {} !< {}", n, a, b);
                    }
                }
            } else {
                let uncovered = matches!(a, Err(CalendarError::YearNotCovered { .. }));
                prop_assert!(uncovered, "{:?}", a);
            }
        }

        #[test]
        fn stepping_back_undoes_stepping_forward(start in 0u32..300, n in 1i32..40) {
            let cal = calendar_2026();
            let date = cal.add_working_days(ymd(2026, 1, 1) + chrono::Days::new(u64::from(start)), 0).unwrap();
            if let Ok(ahead) = cal.add_working_days(date, n) {
                prop_assert_eq!(cal.add_working_days(ahead, -n), Ok(date));
            }
        }
    }
}

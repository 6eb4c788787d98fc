//! Checked conversions from the Chinese lunisolar calendar (农历) to Gregorian dates, over
//! icu_calendar's Chinese calendar (which follows GB/T 33661-2017 and agrees with the Purple
//! Mountain and Hong Kong observatories).

use chrono::{Datelike, Days, NaiveDate};
use icu_calendar::Date;
use icu_calendar::cal::ChineseTraditional;
use icu_calendar::error::LunisolarDateError;
use icu_calendar::types::Month;

use crate::error::CalendarError;
use crate::years::{check_year, supported_years};

/// Lunar years accepted by [`lunar_to_gregorian`]: those that have a day in a supported
/// Gregorian year. Lunar year 1900 ends in February 1901.
fn check_lunar_year(lunar_year: i32) -> Result<(), CalendarError> {
    let years = supported_years();
    if (*years.start() - 1..=*years.end()).contains(&lunar_year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange { year: lunar_year })
    }
}

/// The Gregorian date of a lunar date.
///
/// `lunar_year` is the Gregorian year in which that lunar year begins (its 正月初一), from
/// 1900 (whose last weeks fall in 1901) to 2100. `leap_month` selects the intercalary month
/// (闰月) after `month`.
///
/// Returns `Ok(None)` for a date that lunar year does not have: day 30 of a 29-day month, or a
/// leap month that year does not have. Month outside 1..=12 or day outside 1..=30 is
/// [`CalendarError::InvalidLunarDate`]; a year outside 1900..=2100 is
/// [`CalendarError::YearOutOfRange`].
pub fn lunar_to_gregorian(
    lunar_year: i32,
    month: u8,
    day: u8,
    leap_month: bool,
) -> Result<Option<NaiveDate>, CalendarError> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return Err(CalendarError::InvalidLunarDate { month, day });
    }
    check_lunar_year(lunar_year)?;
    let icu_month = if leap_month { Month::leap(month) } else { Month::new(month) };
    match Date::try_new_chinese_traditional(lunar_year, icu_month, day) {
        Ok(date) => to_naive(&date, lunar_year).map(Some),
        Err(LunisolarDateError::InvalidDay { .. } | LunisolarDateError::MonthNotInYear) => Ok(None),
        Err(_) => Err(CalendarError::InvalidLunarDate { month, day }),
    }
}

/// Converts an icu date to chrono through their shared day count (rata die: 0001-01-01 = 1).
fn to_naive(date: &Date<ChineseTraditional>, lunar_year: i32) -> Result<NaiveDate, CalendarError> {
    i32::try_from(date.to_rata_die().to_i64_date())
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(CalendarError::YearOutOfRange { year: lunar_year })
}

/// 春节: the first day of the lunar year that begins in Gregorian `year` (always between
/// January 21 and February 20).
pub fn spring_festival(year: i32) -> Result<NaiveDate, CalendarError> {
    check_year(year)?;
    lunar_to_gregorian(year, 1, 1, false)?.ok_or(CalendarError::InvalidLunarDate { month: 1, day: 1 })
}

/// 除夕 that falls in Gregorian `year`: the last day of the lunar year that ends in `year`,
/// i.e. the day before [`spring_festival`]`(year)`. It is lunar 12-30, or 12-29 when the
/// twelfth month has 29 days.
pub fn new_years_eve(year: i32) -> Result<NaiveDate, CalendarError> {
    let first = spring_festival(year)?;
    first.checked_sub_days(Days::new(1)).ok_or(CalendarError::DateOverflow { date: first, days: -1 })
}

/// Every date in Gregorian `year` of the (non-leap) lunar month-day `month`-`day`, ascending.
/// Only the lunar years beginning in `year - 1` and `year` can reach `year`.
pub(crate) fn lunar_dates_in_year(month: u8, day: u8, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
    check_year(year)?;
    let mut dates = Vec::with_capacity(2);
    for lunar_year in [year - 1, year] {
        if let Some(date) = lunar_to_gregorian(lunar_year, month, day, false)?
            && date.year() == year
        {
            dates.push(date);
        }
    }
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn known_spring_festivals() {
        assert_eq!(spring_festival(2024).unwrap(), ymd(2024, 2, 10));
        assert_eq!(spring_festival(2025).unwrap(), ymd(2025, 1, 29));
        assert_eq!(spring_festival(2026).unwrap(), ymd(2026, 2, 17));
        assert_eq!(spring_festival(1901).unwrap(), ymd(1901, 2, 19));
        assert_eq!(spring_festival(2100).unwrap(), ymd(2100, 2, 9));
    }

    #[test]
    fn lunar_year_1965_had_only_353_days() {
        assert_eq!(spring_festival(1965).unwrap(), ymd(1965, 2, 2));
        assert_eq!(spring_festival(1966).unwrap(), ymd(1966, 1, 21));
    }

    #[test]
    fn mid_autumn_2024_is_september_17() {
        assert_eq!(lunar_to_gregorian(2024, 8, 15, false).unwrap(), Some(ymd(2024, 9, 17)));
    }

    #[test]
    fn leap_months_are_distinct() {
        // 2023 had a leap second month (闰二月): 闰二月初一 = 2023-03-22.
        assert_eq!(lunar_to_gregorian(2023, 2, 1, true).unwrap(), Some(ymd(2023, 3, 22)));
        assert_eq!(lunar_to_gregorian(2023, 2, 1, false).unwrap(), Some(ymd(2023, 2, 20)));
        // 2024 has no leap month at all.
        assert_eq!(lunar_to_gregorian(2024, 2, 1, true).unwrap(), None);
    }

    #[test]
    fn day_30_of_a_29_day_month_does_not_exist() {
        // The twelfth month of lunar 2024 (ending 2025-01-28) had 29 days.
        assert_eq!(lunar_to_gregorian(2024, 12, 30, false).unwrap(), None);
        assert_eq!(lunar_to_gregorian(2024, 12, 29, false).unwrap(), Some(ymd(2025, 1, 28)));
    }

    #[test]
    fn new_years_eve_is_12_29_when_the_twelfth_month_has_29_days_2025() {
        // 除夕 2025-01-28 was lunar 12-29 of the lunar year 2024: no 12-30 that year.
        let eve = new_years_eve(2025).unwrap();
        assert_eq!(eve, ymd(2025, 1, 28));
        assert_eq!(lunar_to_gregorian(2024, 12, 29, false).unwrap(), Some(eve));
        assert_eq!(lunar_to_gregorian(2024, 12, 30, false).unwrap(), None);
    }

    #[test]
    fn new_years_eve_is_12_30_when_the_twelfth_month_has_30_days() {
        // 除夕 2024-02-09 was lunar 12-30 of the lunar year 2023.
        let eve = new_years_eve(2024).unwrap();
        assert_eq!(eve, ymd(2024, 2, 9));
        assert_eq!(lunar_to_gregorian(2023, 12, 30, false).unwrap(), Some(eve));
    }

    #[test]
    fn invalid_input_is_an_error_not_a_panic() {
        for (month, day) in [(0, 1), (13, 1), (1, 0), (1, 31), (255, 255)] {
            assert_eq!(
                lunar_to_gregorian(2024, month, day, false),
                Err(CalendarError::InvalidLunarDate { month, day })
            );
        }
        assert_eq!(lunar_to_gregorian(1899, 1, 1, false), Err(CalendarError::YearOutOfRange { year: 1899 }));
        assert_eq!(lunar_to_gregorian(2101, 1, 1, false), Err(CalendarError::YearOutOfRange { year: 2101 }));
        assert_eq!(spring_festival(1900), Err(CalendarError::YearOutOfRange { year: 1900 }));
        assert_eq!(spring_festival(i32::MIN), Err(CalendarError::YearOutOfRange { year: i32::MIN }));
    }

    proptest! {
        #[test]
        fn spring_festival_between_jan_21_and_feb_20(year in 1901..=2100i32) {
            let date = spring_festival(year).unwrap();
            prop_assert!(date >= ymd(year, 1, 21) && date <= ymd(year, 2, 20), "{date}");
        }

        #[test]
        fn consecutive_spring_festivals_353_to_385_days_apart(year in 1901..2100i32) {
            // A common lunar year has 353-355 days, a leap one 383-385 (1965 had 353).
            let gap = (spring_festival(year + 1).unwrap() - spring_festival(year).unwrap()).num_days();
            prop_assert!((353..=355).contains(&gap) || (383..=385).contains(&gap), "{year}: {gap} days");
        }

        #[test]
        fn new_years_eve_plus_one_day_is_spring_festival(year in 1901..=2100i32) {
            let eve = new_years_eve(year).unwrap();
            prop_assert_eq!(eve.succ_opt().unwrap(), spring_festival(year).unwrap());
            // ... and it is lunar 12-30 if that exists, else 12-29.
            let last = lunar_to_gregorian(year - 1, 12, 30, false).unwrap()
                .or(lunar_to_gregorian(year - 1, 12, 29, false).unwrap());
            prop_assert_eq!(Some(eve), last);
        }

        #[test]
        fn never_panics(year in any::<i32>(), month in any::<u8>(), day in any::<u8>(), leap in any::<bool>()) {
            let _ = lunar_to_gregorian(year, month, day, leap);
        }

        #[test]
        fn lunar_days_are_consecutive(year in 1901..=2100i32, month in 1..=12u8, day in 1..=28u8) {
            let a = lunar_to_gregorian(year, month, day, false).unwrap().unwrap();
            let b = lunar_to_gregorian(year, month, day + 1, false).unwrap().unwrap();
            prop_assert_eq!(a.succ_opt().unwrap(), b);
        }
    }
}

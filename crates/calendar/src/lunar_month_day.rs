//! A lunar month-day such as 8-15 (`{lunar: "M-D"}` in a campaign), and its dates.

use std::fmt;

use chrono::NaiveDate;

use crate::error::CalendarError;
use crate::lunar::lunar_dates_in_year;

/// A day of the lunar calendar by month and day, e.g. 8-15 (中秋). Leap months (闰月) are
/// never matched: 8-15 means the 15th of the ordinary eighth month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarMonthDay {
    /// 1..=12.
    pub month: u8,
    /// 1..=30.
    pub day: u8,
}

impl LunarMonthDay {
    /// A month-day with month in 1..=12 and day in 1..=30, else
    /// [`CalendarError::InvalidLunarDate`].
    pub fn new(month: u8, day: u8) -> Result<Self, CalendarError> {
        if (1..=12).contains(&month) && (1..=30).contains(&day) {
            Ok(LunarMonthDay { month, day })
        } else {
            Err(CalendarError::InvalidLunarDate { month, day })
        }
    }

    /// Every date in Gregorian `year` with this lunar month-day, ascending.
    ///
    /// Usually one; a date late in the lunar year (12-8, say) can fall twice in one Gregorian
    /// year (January and December) or not at all. Day 30 does not exist in a lunar year whose
    /// month has only 29 days: that lunar year contributes no date (it is skipped, not moved
    /// to 29 or to the next month's first day). The fields are public, so a hand-built
    /// value outside the ranges of [`LunarMonthDay::new`] gives
    /// [`CalendarError::InvalidLunarDate`].
    pub fn dates_in_year(self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        Self::new(self.month, self.day)?;
        lunar_dates_in_year(self.month, self.day, year)
    }
}

impl fmt::Display for LunarMonthDay {
    /// `M-D`, as written in a campaign: `8-15`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn new_checks_ranges() {
        assert!(LunarMonthDay::new(8, 15).is_ok());
        assert!(LunarMonthDay::new(12, 30).is_ok());
        for (month, day) in [(0, 1), (13, 1), (1, 0), (1, 31)] {
            assert_eq!(LunarMonthDay::new(month, day), Err(CalendarError::InvalidLunarDate { month, day }));
        }
        let bad = LunarMonthDay { month: 14, day: 1 };
        assert_eq!(bad.dates_in_year(2024), Err(CalendarError::InvalidLunarDate { month: 14, day: 1 }));
    }

    #[test]
    fn mid_autumn_2025() {
        let md = LunarMonthDay::new(8, 15).unwrap();
        assert_eq!(md.dates_in_year(2025).unwrap(), vec![ymd(2025, 10, 6)]);
        assert_eq!(md.to_string(), "8-15");
    }

    #[test]
    fn laba_twice_in_2022_and_not_in_2023() {
        let laba = LunarMonthDay::new(12, 8).unwrap();
        assert_eq!(laba.dates_in_year(2022).unwrap(), vec![ymd(2022, 1, 10), ymd(2022, 12, 30)]);
        assert_eq!(laba.dates_in_year(2023).unwrap(), vec![]);
    }

    #[test]
    fn day_30_is_skipped_in_a_29_day_month() {
        // Lunar 2024's twelfth month had 29 days (除夕 2025-01-28 was 12-29), lunar 2025's
        // twelfth month is in January/February 2026.
        let md = LunarMonthDay::new(12, 30).unwrap();
        assert_eq!(md.dates_in_year(2025).unwrap(), vec![]);
    }

    #[test]
    fn out_of_range_year() {
        let md = LunarMonthDay::new(1, 1).unwrap();
        assert_eq!(md.dates_in_year(1900), Err(CalendarError::YearOutOfRange { year: 1900 }));
        assert_eq!(md.dates_in_year(2101), Err(CalendarError::YearOutOfRange { year: 2101 }));
    }

    proptest! {
        #[test]
        fn dates_fall_in_the_year_ascending(year in 1901..=2100i32, month in 1..=12u8, day in 1..=30u8) {
            let dates = LunarMonthDay::new(month, day).unwrap().dates_in_year(year).unwrap();
            prop_assert!(dates.len() <= 2);
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(dates.iter().all(|d| chrono::Datelike::year(d) == year));
            if day <= 29 && month <= 9 {
                // Months 1..=9 always fall inside the Gregorian year they begin in.
                prop_assert_eq!(dates.len(), 1);
            }
        }
    }
}

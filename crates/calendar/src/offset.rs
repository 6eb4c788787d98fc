//! Offsets from an anchor or another time (`-21d`, `+3d`, `2w`, `+4h`, `-5wd`): parsing,
//! printing and applying them to local date-times.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::error::{CalendarError, OffsetError};
use crate::workdays::WorkdayCalendar;

/// The unit of an [`Offset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// `d`: calendar days.
    Days,
    /// `w`: weeks of seven days.
    Weeks,
    /// `h`: hours.
    Hours,
    /// `wd`: working days under the official holiday arrangement.
    WorkingDays,
}

impl OffsetUnit {
    /// The suffix written after the number: `d`, `w`, `h` or `wd`.
    pub fn suffix(self) -> &'static str {
        match self {
            OffsetUnit::Days => "d",
            OffsetUnit::Weeks => "w",
            OffsetUnit::Hours => "h",
            OffsetUnit::WorkingDays => "wd",
        }
    }

    /// The largest amount accepted: about ten years in each unit.
    pub fn max_amount(self) -> i32 {
        match self {
            OffsetUnit::Days => 3660,
            OffsetUnit::Weeks => 520,
            OffsetUnit::Hours => 87_840,
            OffsetUnit::WorkingDays => 2600,
        }
    }

    fn from_suffix(suffix: &str) -> Option<OffsetUnit> {
        [OffsetUnit::Days, OffsetUnit::Weeks, OffsetUnit::Hours, OffsetUnit::WorkingDays]
            .into_iter()
            .find(|unit| unit.suffix().eq_ignore_ascii_case(suffix))
    }
}

impl fmt::Display for OffsetUnit {
    /// The unit in English words: `days`, `weeks`, `hours`, `working days`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OffsetUnit::Days => "days",
            OffsetUnit::Weeks => "weeks",
            OffsetUnit::Hours => "hours",
            OffsetUnit::WorkingDays => "working days",
        })
    }
}

/// A signed amount of some unit, as written `-21d`, `+3d`, `2w`, `+4h` or `-5wd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Offset {
    /// Negative moves back in time; `|amount| <= unit.max_amount()` when parsed.
    pub amount: i32,
    /// What is counted.
    pub unit: OffsetUnit,
}

impl fmt::Display for Offset {
    /// The canonical form, always signed: `+3d`, `-21d`, `+4h`, `-5wd`, `+2w`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount < 0 { '-' } else { '+' };
        write!(f, "{sign}{}{}", self.amount.unsigned_abs(), self.unit.suffix())
    }
}

impl FromStr for Offset {
    type Err = OffsetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_offset(text)
    }
}

/// Parses an offset: an optional sign (`+` by default), a whole number, and a unit (`d`,
/// `w`, `h` or `wd`, ASCII case-insensitive), with no space inside; whitespace around it
/// is allowed. The amount is capped at ten years' worth: 3660 days, 520 weeks, 87840 hours
/// or 2600 working days.
pub fn parse_offset(text: &str) -> Result<Offset, OffsetError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(OffsetError::Empty);
    }
    let (negative, unsigned) = match trimmed.as_bytes()[0] {
        b'-' => (true, &trimmed[1..]),
        b'+' => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let digits_len = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    if digits_len == 0 {
        return Err(OffsetError::MissingNumber);
    }
    let (digits, suffix) = unsigned.split_at(digits_len);
    if suffix.starts_with(['.', ',']) && suffix[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return Err(OffsetError::Fraction(trimmed.to_owned()));
    }
    if suffix.is_empty() {
        return Err(OffsetError::MissingUnit);
    }
    let unit = OffsetUnit::from_suffix(suffix).ok_or_else(|| OffsetError::UnknownUnit(suffix.to_owned()))?;
    let max = unit.max_amount();
    let too_large = OffsetError::TooLarge { unit, max };
    let magnitude: i32 = digits.parse().map_err(|_| too_large.clone())?;
    if magnitude > max {
        return Err(too_large);
    }
    Ok(Offset { amount: if negative { -magnitude } else { magnitude }, unit })
}

/// Applies `offset` to the local date-time `base`.
///
/// Days, weeks and working days move the date and land at `land_at` (e.g. 17:30 for due
/// times, 09:00 for starts); working days follow `workdays` (see
/// [`WorkdayCalendar::add_working_days`]: `+0wd` is `base`'s date if it is a working day,
/// else the next one). Hours add to `base` and keep its minutes; they are wall-clock hours
/// of the local time, which in a zone with daylight saving differ from elapsed hours across
/// a transition (China has none).
pub fn apply_offset(
    base: NaiveDateTime,
    offset: Offset,
    land_at: NaiveTime,
    workdays: &WorkdayCalendar,
) -> Result<NaiveDateTime, CalendarError> {
    let date = base.date();
    let amount = i64::from(offset.amount);
    let overflow = |days: i64| CalendarError::DateOverflow { date, days };
    match offset.unit {
        OffsetUnit::Days => Ok(shift_days(date, amount)?.and_time(land_at)),
        OffsetUnit::Weeks => Ok(shift_days(date, amount * 7)?.and_time(land_at)),
        OffsetUnit::WorkingDays => Ok(workdays.add_working_days(date, offset.amount)?.and_time(land_at)),
        OffsetUnit::Hours => TimeDelta::try_hours(amount)
            .and_then(|delta| base.checked_add_signed(delta))
            .ok_or_else(|| overflow(amount.div_euclid(24))),
    }
}

fn shift_days(date: NaiveDate, days: i64) -> Result<NaiveDate, CalendarError> {
    TimeDelta::try_days(days)
        .and_then(|delta| date.checked_add_signed(delta))
        .ok_or(CalendarError::DateOverflow { date, days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workdays::YearArrangement;
    use proptest::prelude::*;

    fn off(amount: i32, unit: OffsetUnit) -> Offset {
        Offset { amount, unit }
    }

    fn dt(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn parses_all_forms() {
        use OffsetUnit::*;
        for (text, expected) in [
            ("-21d", off(-21, Days)),
            ("+3d", off(3, Days)),
            ("3d", off(3, Days)),
            ("2w", off(2, Weeks)),
            ("+4h", off(4, Hours)),
            ("-5wd", off(-5, WorkingDays)),
            ("0d", off(0, Days)),
            ("-0wd", off(0, WorkingDays)),
            ("  +7D\t", off(7, Days)),
            ("10WD", off(10, WorkingDays)),
            ("007h", off(7, Hours)),
            ("3660d", off(3660, Days)),
            ("-3660d", off(-3660, Days)),
            ("520w", off(520, Weeks)),
            ("87840h", off(87_840, Hours)),
            ("-2600wd", off(-2600, WorkingDays)),
        ] {
            assert_eq!(parse_offset(text), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        use OffsetError::*;
        for (text, expected) in [
            ("", Empty),
            ("   ", Empty),
            ("3", MissingUnit),
            ("-3", MissingUnit),
            ("d", MissingNumber),
            ("+", MissingNumber),
            ("-wd", MissingNumber),
            ("+3x", UnknownUnit("x".into())),
            ("3 d", UnknownUnit(" d".into())),
            ("3dd", UnknownUnit("dd".into())),
            ("3m", UnknownUnit("m".into())),
            ("1.5d", Fraction("1.5d".into())),
            ("-1,5d", Fraction("-1,5d".into())),
            ("3661d", TooLarge { unit: OffsetUnit::Days, max: 3660 }),
            ("521w", TooLarge { unit: OffsetUnit::Weeks, max: 520 }),
            ("87841h", TooLarge { unit: OffsetUnit::Hours, max: 87_840 }),
            ("-2601wd", TooLarge { unit: OffsetUnit::WorkingDays, max: 2600 }),
            ("99999999999999999999999d", TooLarge { unit: OffsetUnit::Days, max: 3660 }),
            ("+-3d", MissingNumber),
            ("３d", MissingNumber),
        ] {
            assert_eq!(parse_offset(text), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(off(3, OffsetUnit::Days).to_string(), "+3d");
        assert_eq!(off(-21, OffsetUnit::Days).to_string(), "-21d");
        assert_eq!(off(4, OffsetUnit::Hours).to_string(), "+4h");
        assert_eq!(off(-5, OffsetUnit::WorkingDays).to_string(), "-5wd");
        assert_eq!(off(2, OffsetUnit::Weeks).to_string(), "+2w");
        assert_eq!(off(i32::MIN, OffsetUnit::Days).to_string(), "-2147483648d");
        assert_eq!("2w".parse::<Offset>().unwrap().to_string(), "+2w");
    }

    #[test]
    fn applies_each_unit() {
        let none = WorkdayCalendar::default();
        let base = dt(2026, 9, 4, 9, 0);
        let due = hm(17, 30);
        assert_eq!(apply_offset(base, off(3, OffsetUnit::Days), due, &none), Ok(dt(2026, 9, 7, 17, 30)));
        assert_eq!(apply_offset(base, off(-21, OffsetUnit::Days), due, &none), Ok(dt(2026, 8, 14, 17, 30)));
        assert_eq!(apply_offset(base, off(2, OffsetUnit::Weeks), due, &none), Ok(dt(2026, 9, 18, 17, 30)));
        assert_eq!(
            apply_offset(dt(2026, 9, 4, 9, 15), off(4, OffsetUnit::Hours), due, &none),
            Ok(dt(2026, 9, 4, 13, 15))
        );
        assert_eq!(
            apply_offset(dt(2026, 9, 4, 22, 45), off(-25, OffsetUnit::Hours), due, &none),
            Ok(dt(2026, 9, 3, 21, 45))
        );
        assert_eq!(
            apply_offset(base, off(1, OffsetUnit::WorkingDays), due, &none),
            Err(CalendarError::YearNotCovered { year: 2026 })
        );
        let cal = WorkdayCalendar::new(vec![YearArrangement { year: 2026, days_off: vec![], makeup_workdays: vec![] }]);
        // Friday + 1 working day = Monday.
        assert_eq!(apply_offset(base, off(1, OffsetUnit::WorkingDays), due, &cal), Ok(dt(2026, 9, 7, 17, 30)));
    }

    #[test]
    fn overflow_is_an_error() {
        let none = WorkdayCalendar::default();
        let max = NaiveDateTime::MAX;
        assert!(matches!(
            apply_offset(max, off(1, OffsetUnit::Days), hm(9, 0), &none),
            Err(CalendarError::DateOverflow { .. })
        ));
        assert!(matches!(
            apply_offset(max, off(1, OffsetUnit::Hours), hm(9, 0), &none),
            Err(CalendarError::DateOverflow { .. })
        ));
        assert!(matches!(
            apply_offset(NaiveDateTime::MIN, off(i32::MIN, OffsetUnit::Weeks), hm(9, 0), &none),
            Err(CalendarError::DateOverflow { .. })
        ));
    }

    proptest! {
        #[test]
        fn display_round_trips(amount in -2600i32..=2600, unit in 0..4usize) {
            let unit = [OffsetUnit::Days, OffsetUnit::Weeks, OffsetUnit::Hours, OffsetUnit::WorkingDays][unit];
            let offset = off(amount.clamp(-unit.max_amount(), unit.max_amount()), unit);
            prop_assert_eq!(parse_offset(&offset.to_string()), Ok(offset));
        }

        #[test]
        fn parse_never_panics(text in ".*") {
            let _ = parse_offset(&text);
        }

        #[test]
        fn parse_never_panics_on_near_misses(text in "[ +\\-]?[0-9.,]{0,12}[dwhDWHx ]{0,3}") {
            if let Ok(offset) = parse_offset(&text) {
                prop_assert!(offset.amount.unsigned_abs() <= offset.unit.max_amount().unsigned_abs());
            }
        }
    }
}

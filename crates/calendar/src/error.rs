//! The crate's error types: calendar lookups, offset parsing and cron patterns.
//!
//! Every variant carries the data a caller needs to write its own message (in zh-CN or
//! English); `Display` gives a plain English one.

use crate::offset::OffsetUnit;

/// An error from a calendar computation: a year outside the data, or a date that cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CalendarError {
    /// Festival and solar-term dates are only known for [`crate::supported_years`].
    #[error("year {year} is outside the supported years 1901..=2100")]
    YearOutOfRange {
        /// The Gregorian year that was asked for.
        year: i32,
    },
    /// Working days were asked for a year with no official holiday arrangement loaded.
    #[error("year {year} has no official holiday arrangement (working days unknown)")]
    YearNotCovered {
        /// The Gregorian year that has no arrangement.
        year: i32,
    },
    /// A lunar month-day that no lunar year has: month outside 1..=12 or day outside 1..=30.
    #[error("invalid lunar date {month}-{day}: the month must be 1..=12 and the day 1..=30")]
    InvalidLunarDate {
        /// The lunar month given.
        month: u8,
        /// The lunar day given.
        day: u8,
    },
    /// Date arithmetic left the range of dates chrono can represent.
    #[error("the date {date} moved by {days} days is out of range")]
    DateOverflow {
        /// The date that was moved.
        date: chrono::NaiveDate,
        /// The number of days it was moved by.
        days: i64,
    },
}

/// A festival or solar-term name that [`crate::Festival::from_name`] /
/// [`crate::SolarTerm::from_name`] does not know; carries the name as written. See
/// [`crate::Festival::known_names`] for the list to suggest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("unknown festival or solar term {0:?}")]
pub struct UnknownName(pub String);

/// An error parsing an offset such as `-21d`, `+4h` or `-5wd`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum OffsetError {
    /// The text was empty (or only whitespace).
    #[error("empty offset: expected e.g. -21d, +3d, 2w, +4h or -5wd")]
    Empty,
    /// No digits before the unit, as in `d` or `+wd`.
    #[error("offset has no number: expected e.g. -21d, +3d, 2w, +4h or -5wd")]
    MissingNumber,
    /// Digits but no unit, as in `3`.
    #[error("offset has no unit: expected d (days), w (weeks), h (hours) or wd (working days)")]
    MissingUnit,
    /// A unit that is not `d`, `w`, `h` or `wd`; carries the unit as written.
    #[error("unknown offset unit {0:?}: expected d (days), w (weeks), h (hours) or wd (working days)")]
    UnknownUnit(String),
    /// A fractional amount such as `1.5d`; carries the offset as written.
    #[error("offset {0:?} is not a whole number: offsets take integers only")]
    Fraction(String),
    /// More than ten years' worth of the unit.
    #[error("offset too large: at most {max} {unit}")]
    TooLarge {
        /// The unit of the offending offset.
        unit: OffsetUnit,
        /// The largest allowed amount in that unit.
        max: i32,
    },
}

/// An error from a cron pattern: it does not parse, or it cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CronError {
    /// Not 5 fields (minute hour day-of-month month day-of-week) nor 6 (a leading seconds
    /// field). Seven fields (croner's year field) are refused.
    #[error("cron pattern {pattern:?} has {found} fields: expected 5, or 6 with a leading seconds field")]
    FieldCount {
        /// The pattern as written.
        pattern: String,
        /// How many whitespace-separated fields it has.
        found: usize,
    },
    /// The pattern does not parse; `message` is croner's explanation (or ours for an
    /// extension we refuse).
    #[error("invalid cron pattern {pattern:?}: {message}")]
    Invalid {
        /// The pattern as written.
        pattern: String,
        /// Why it was refused.
        message: String,
    },
    /// The pattern parses but can never fire (e.g. `0 0 30 2 *`, February 30th).
    #[error("cron pattern {pattern:?} never fires")]
    NeverFires {
        /// The pattern as written.
        pattern: String,
    },
    /// croner could not evaluate the schedule near the given instants; carries its message.
    #[error("cannot evaluate cron pattern {pattern:?}: {message}")]
    Evaluation {
        /// The pattern as written.
        pattern: String,
        /// croner's explanation.
        message: String,
    },
}

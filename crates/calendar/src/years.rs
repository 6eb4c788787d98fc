//! The span of Gregorian years for which festival and solar-term dates are known to be right.

use std::ops::RangeInclusive;

use crate::error::CalendarError;

const FIRST_YEAR: i32 = 1901;
const LAST_YEAR: i32 = 2100;

/// The Gregorian years for which festival and solar-term dates are computed: 1901..=2100.
///
/// Over this span the lunar calendar agrees with the Hong Kong Observatory's tables and the
/// solar terms with an astronomical computation (see `tests/table.rs`). Dates outside it give
/// [`CalendarError::YearOutOfRange`].
pub fn supported_years() -> RangeInclusive<i32> {
    FIRST_YEAR..=LAST_YEAR
}

/// `Ok(())` if `year` is in [`supported_years`], else [`CalendarError::YearOutOfRange`].
pub(crate) fn check_year(year: i32) -> Result<(), CalendarError> {
    if supported_years().contains(&year) { Ok(()) } else { Err(CalendarError::YearOutOfRange { year }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(check_year(1901), Ok(()));
        assert_eq!(check_year(2100), Ok(()));
        assert_eq!(check_year(1900), Err(CalendarError::YearOutOfRange { year: 1900 }));
        assert_eq!(check_year(2101), Err(CalendarError::YearOutOfRange { year: 2101 }));
    }
}

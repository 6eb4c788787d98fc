//! The holiday arrangements file (`holidays.yaml`): China's official days off and make-up working
//! days by year, validated into a working-day calendar.

use calendar::{WorkdayCalendar, YearArrangement};
use chrono::NaiveDate;

use crate::diagnostic::DiagnosticKind;
use crate::raw::RawHolidays;
use crate::read::Reader;

/// Validates the raw holiday file. Years with errors are still added with what could be read, so a
/// typo in one date does not hide every other problem.
pub fn validate_holidays(raw: &RawHolidays, r: &mut Reader) -> WorkdayCalendar {
    let mut years = Vec::new();
    r.in_key("holidays", |r| {
        for (year_key, holidays) in raw.holidays.iter().flat_map(|h| h.0.iter()) {
            r.in_key(&year_key.value, |r| {
                let year = match year_key.value.parse::<i64>() {
                    Ok(y) if (1901..=2100).contains(&y) => y as i32,
                    Ok(y) => return r.error(year_key.loc, DiagnosticKind::YearOutOfRange { year: y }),
                    Err(_) => {
                        return r
                            .error(year_key.loc, DiagnosticKind::WrongType { expected: "integer", found: "string" });
                    }
                };
                let mut arrangement = YearArrangement { year, days_off: Vec::new(), makeup_workdays: Vec::new() };
                // Days off first, so a clash with a make-up day is found whatever the order.
                for (i, holiday) in holidays.iter().enumerate() {
                    let Some(off) = &holiday.off else { continue };
                    r.in_index(i, |r| {
                        r.in_key("off", |r| match parse_range(&off.value.0) {
                            Some((from, to)) if in_notice_year(from, year) && in_notice_year(to, year) => {
                                arrangement.days_off.extend(from.iter_days().take_while(|d| *d <= to));
                            }
                            Some((from, _)) => {
                                r.error(off.loc, DiagnosticKind::DateOutsideYear { date: from.to_string(), year })
                            }
                            None => r.error(off.loc, DiagnosticKind::InvalidDateRange { value: off.value.0.clone() }),
                        })
                    });
                }
                for (i, holiday) in holidays.iter().enumerate() {
                    for (j, work) in holiday.work.iter().flatten().enumerate() {
                        r.in_index(i, |r| {
                            r.in_key("work", |r| {
                                r.in_index(j, |r| match NaiveDate::parse_from_str(&work.value.0, "%Y-%m-%d") {
                                    Ok(date) if arrangement.days_off.contains(&date) => {
                                        r.error(work.loc, DiagnosticKind::DayBothOffAndWork { date: date.to_string() })
                                    }
                                    Ok(date) if !in_notice_year(date, year) => r.error(
                                        work.loc,
                                        DiagnosticKind::DateOutsideYear { date: date.to_string(), year },
                                    ),
                                    Ok(date) => arrangement.makeup_workdays.push(date),
                                    Err(_) => r.error(
                                        work.loc,
                                        DiagnosticKind::InvalidCalendarDate { value: work.value.0.clone() },
                                    ),
                                })
                            })
                        });
                    }
                }
                years.push(arrangement);
            });
        }
    });
    WorkdayCalendar::new(years)
}

/// Whether a date belongs to a year's notice. A notice may reach into the adjoining days of the
/// previous December (e.g. 元旦 2023 began on 2022-12-31) or the next January.
fn in_notice_year(date: NaiveDate, year: i32) -> bool {
    use chrono::Datelike;
    date.year() == year
        || (date.year() == year - 1 && date.month() == 12)
        || (date.year() == year + 1 && date.month() == 1)
}

/// `2026-02-15..2026-02-23` or a single `2026-10-01`.
fn parse_range(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    match text.split_once("..") {
        Some((from, to)) => {
            let (from, to) = (parse(from)?, parse(to)?);
            (from <= to && (to - from).num_days() <= 31).then_some((from, to))
        }
        None => parse(text).map(|d| (d, d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(parse_range("2026-02-15..2026-02-23"), Some((d("2026-02-15"), d("2026-02-23"))));
        assert_eq!(parse_range("2026-10-01"), Some((d("2026-10-01"), d("2026-10-01"))));
        assert_eq!(parse_range("2026-02-23..2026-02-15"), None);
        assert_eq!(parse_range("2026-02-30"), None);
        assert_eq!(parse_range("2026-01-01..2026-03-01"), None);
    }
}

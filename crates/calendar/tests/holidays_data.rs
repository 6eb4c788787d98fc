//! Reads workflows/holidays.yaml (the official holiday arrangements, parsed for real by the
//! campaign crate) with a minimal line reader, and checks the data against the working-day
//! rules and a few dates known from the State Council's notices.

use calendar::{WorkdayCalendar, YearArrangement};
use chrono::{Datelike, NaiveDate, Weekday};

const HOLIDAYS: &str = include_str!("../../../workflows/holidays.yaml");

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {text:?}: {e}"))
}

/// `2026-01-01..2026-01-03` or `2026-01-01`.
fn dates(text: &str) -> Vec<NaiveDate> {
    match text.split_once("..") {
        Some((from, to)) => {
            let (from, to) = (date(from), date(to));
            assert!(from <= to, "{text}");
            from.iter_days().take_while(|d| *d <= to).collect()
        }
        None => vec![date(text)],
    }
}

fn arrangements() -> Vec<YearArrangement> {
    let mut years: Vec<YearArrangement> = Vec::new();
    for raw in HOLIDAYS.lines() {
        let line = raw.split('#').next().unwrap_or("").trim_end();
        let trimmed = line.trim();
        if let Some(year) = trimmed.strip_suffix(':').and_then(|y| y.parse::<i32>().ok()) {
            years.push(YearArrangement { year, ..Default::default() });
        } else if let Some(value) = trimmed.strip_prefix("off:") {
            let current = years.last_mut().unwrap_or_else(|| panic!("{raw:?} before a year"));
            current.days_off.extend(dates(value));
        } else if let Some(value) = trimmed.strip_prefix("work:") {
            let current = years.last_mut().unwrap_or_else(|| panic!("{raw:?} before a year"));
            let list = value.trim().trim_start_matches('[').trim_end_matches(']');
            current.makeup_workdays.extend(list.split(',').filter(|d| !d.trim().is_empty()).map(date));
        }
    }
    years
}

#[test]
fn covers_2020_to_2026_with_sane_dates() {
    let years = arrangements();
    let numbers: Vec<i32> = years.iter().map(|y| y.year).collect();
    // Each new notice is appended: contiguous, ascending, from 2020.
    assert_eq!(numbers[0], 2020);
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
    assert!(numbers.contains(&2026));
    for year in &years {
        assert!(!year.days_off.is_empty());
        for day in &year.days_off {
            // 元旦 may begin on the previous December 31st (2023's did).
            assert!(
                day.year() == year.year || (day.year() == year.year - 1 && day.month() == 12),
                "{day} in {}",
                year.year
            );
        }
        for day in &year.makeup_workdays {
            assert_eq!(day.year(), year.year);
            assert!(matches!(day.weekday(), Weekday::Sat | Weekday::Sun), "make-up day {day} is not a weekend day");
            assert!(!year.days_off.contains(day), "{day} both off and working");
        }
    }
}

#[test]
fn known_days_from_the_notices() {
    let calendar = WorkdayCalendar::new(arrangements());
    let working = |y, m, d| calendar.is_working_day(NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap();
    assert!(working(2026, 2, 14)); // Saturday, make-up day before 春节
    assert!(!working(2026, 2, 16)); // Monday in 春节
    assert!(working(2026, 2, 28)); // Saturday, make-up day after 春节
    assert!(!working(2026, 10, 7)); // Wednesday in 国庆节
    assert!(working(2026, 10, 10)); // Saturday, make-up day
    assert!(!working(2025, 1, 28)); // 除夕, a statutory holiday from 2025
    assert!(working(2025, 1, 26)); // Sunday, make-up day
    assert!(!working(2020, 1, 31)); // COVID-19 extension of 春节 2020
    assert!(!working(2020, 2, 1)); // Saturday: its make-up day was cancelled by the extension
    assert!(working(2020, 2, 3)); // work resumed on Monday 2020-02-03
    assert!(!working(2023, 1, 2)); // 元旦 2023 (2022-12-31..2023-01-02)
    assert!(working(2024, 2, 18)); // Sunday, make-up day after 春节 2024
    assert!(calendar.covers(2020) && calendar.covers(2026));
}

#[test]
fn working_days_per_year() {
    // Counted from the notices; 2025 and 2026 have two more statutory days (除夕 and
    // 5月2日) than the years before.
    let calendar = WorkdayCalendar::new(arrangements());
    for (year, expected) in [(2020, 249), (2021, 250), (2022, 249), (2023, 249), (2024, 251), (2025, 248), (2026, 248)]
    {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let count =
            first.iter_days().take_while(|d| d.year() == year).filter(|d| calendar.is_working_day(*d).unwrap()).count();
        assert_eq!(count, expected, "{year}");
    }
}

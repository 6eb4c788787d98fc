//! Property tests: any input — empty, huge, NaN, negative, any text, any dates — gives a
//! well-formed, inert chart, the same bytes every time.

mod xml;

use charts::{
    BurnUpChart, BurnUpPoint, CompletionChart, DateMarker, Figure, FigureChart, Locale, Mark, Options, UnitBar,
};
use chrono::{NaiveDate, TimeDelta};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0..=100.0f64,
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[第街道社区<>&\"' 0-9a-z\\x00-\\x1f]{0,40}", Just(String::new())]
}

fn any_mark() -> impl Strategy<Value = Mark> {
    prop_oneof![Just(Mark::Behind), Just(Mark::AtRisk), Just(Mark::OnTrack), Just(Mark::NoTasks)]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
    prop_oneof![
        8 => (-400i64..400).prop_map(move |d| base + TimeDelta::days(d)),
        1 => Just(NaiveDate::MIN),
        1 => Just(NaiveDate::MAX),
    ]
}

fn any_options() -> impl Strategy<Value = Options> {
    (prop_oneof![Just(Locale::ZhCn), Just(Locale::En)], prop::option::of(0u32..3000), prop::option::of(any_text()))
        .prop_map(|(locale, width, id)| {
            let mut options = Options::new(locale);
            if let Some(width) = width {
                options = options.with_width(width);
            }
            if let Some(id) = id {
                options = options.with_id(&id);
            }
            options
        })
}

fn completion() -> impl Strategy<Value = CompletionChart> {
    let bar = (any_text(), any_f64(), prop::option::of((any::<u64>(), any::<u64>())), any_mark())
        .prop_map(|(name, percent, counts, mark)| UnitBar { name, percent, counts, mark });
    (any_text(), prop::collection::vec(bar, 0..70)).prop_map(|(title, bars)| CompletionChart { title, bars })
}

fn burn_up() -> impl Strategy<Value = BurnUpChart> {
    let point =
        (any_date(), any::<u64>(), any::<u64>(), any::<bool>()).prop_map(|(date, done, total, small)| BurnUpPoint {
            date,
            done: if small { done % 500 } else { done },
            total: if small { total % 500 } else { total },
        });
    let marker = (any_date(), any_text()).prop_map(|(date, label)| DateMarker { date, label });
    (
        any_text(),
        any_date(),
        any_date(),
        prop::collection::vec(point, 0..60),
        prop::option::of(any_date()),
        prop::collection::vec(marker, 0..5),
    )
        .prop_map(|(title, start, end, points, today, markers)| BurnUpChart {
            title,
            start,
            end,
            points,
            today,
            markers,
        })
}

fn figures() -> impl Strategy<Value = FigureChart> {
    let figure = (any_text(), any_f64(), prop_oneof![Just("人".to_string()), Just(String::new()), any_text()])
        .prop_map(|(label, value, unit)| Figure { label, value, unit });
    (any_text(), prop::collection::vec(figure, 0..30)).prop_map(|(title, figures)| FigureChart { title, figures })
}

fn well_formed(svg: &str) -> Result<(), TestCaseError> {
    xml::check(svg).map_err(|e| TestCaseError::fail(format!("{e}\n{svg}")))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Failing cases are saved beside this file (tests/properties.proptest-regressions).
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_completion_chart_is_well_formed(chart in completion(), options in any_options()) {
        let svg = chart.render(&options);
        well_formed(&svg)?;
        prop_assert_eq!(svg, chart.render(&options));
    }

    #[test]
    fn any_burn_up_chart_is_well_formed(chart in burn_up(), options in any_options()) {
        let svg = chart.render(&options);
        well_formed(&svg)?;
        prop_assert_eq!(svg, chart.render(&options));
    }

    #[test]
    fn any_figure_chart_is_well_formed(chart in figures(), options in any_options()) {
        let svg = chart.render(&options);
        well_formed(&svg)?;
        prop_assert_eq!(svg, chart.render(&options));
    }
}

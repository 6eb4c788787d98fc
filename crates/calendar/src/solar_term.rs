//! The 24 solar terms (二十四节气) and their dates, computed with tyme4rs.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use tyme4rs::tyme::jd::J2000;

use crate::error::{CalendarError, UnknownName};
use crate::years::check_year;

/// One of the 24 solar terms, in calendar order from 立春 (Beginning of Spring, early
/// February) to 大寒 (Major Cold, late January).
///
/// Each occurs exactly once in every Gregorian year; its date is the day, in China Standard
/// Time (UTC+8), on which the Sun's apparent longitude reaches the term's multiple of 15°,
/// which is what Chinese calendars print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SolarTerm {
    /// 立春, 315°.
    Lichun,
    /// 雨水, 330°.
    Yushui,
    /// 惊蛰, 345°.
    Jingzhe,
    /// 春分, 0°.
    Chunfen,
    /// 清明, 15°.
    Qingming,
    /// 谷雨, 30°.
    Guyu,
    /// 立夏, 45°.
    Lixia,
    /// 小满, 60°.
    Xiaoman,
    /// 芒种, 75°.
    Mangzhong,
    /// 夏至, 90°.
    Xiazhi,
    /// 小暑, 105°.
    Xiaoshu,
    /// 大暑, 120°.
    Dashu,
    /// 立秋, 135°.
    Liqiu,
    /// 处暑, 150°.
    Chushu,
    /// 白露, 165°.
    Bailu,
    /// 秋分, 180°.
    Qiufen,
    /// 寒露, 195°.
    Hanlu,
    /// 霜降, 210°.
    Shuangjiang,
    /// 立冬, 225°.
    Lidong,
    /// 小雪, 240°.
    Xiaoxue,
    /// 大雪, 255°.
    Daxue,
    /// 冬至, 270°.
    Dongzhi,
    /// 小寒, 285°.
    Xiaohan,
    /// 大寒, 300°.
    Dahan,
}

/// (term, canonical name, Chinese, English, aliases). Aliases are matched after
/// normalisation (see [`normalise`]), so they are written lower-case and kebab-cased.
const TERMS: [(SolarTerm, &str, &str, &str, &[&str]); 24] = {
    use SolarTerm::*;
    [
        (Lichun, "lichun", "立春", "Beginning of Spring", &["beginning-of-spring", "start-of-spring"]),
        (Yushui, "yushui", "雨水", "Rain Water", &["rain-water"]),
        (Jingzhe, "jingzhe", "惊蛰", "Awakening of Insects", &["驚蟄", "awakening-of-insects", "insects-awaken"]),
        (Chunfen, "chunfen", "春分", "Spring Equinox", &["spring-equinox", "vernal-equinox"]),
        (
            Qingming,
            "qingming",
            "清明",
            "Qingming",
            &["清明节", "清明節", "pure-brightness", "clear-and-bright", "qingming-festival", "tomb-sweeping-day"],
        ),
        (Guyu, "guyu", "谷雨", "Grain Rain", &["穀雨", "grain-rain"]),
        (Lixia, "lixia", "立夏", "Beginning of Summer", &["beginning-of-summer", "start-of-summer"]),
        (Xiaoman, "xiaoman", "小满", "Grain Buds", &["小滿", "grain-buds", "grain-full", "lesser-fullness-of-grain"]),
        (Mangzhong, "mangzhong", "芒种", "Grain in Ear", &["芒種", "grain-in-ear"]),
        (Xiazhi, "xiazhi", "夏至", "Summer Solstice", &["summer-solstice"]),
        (Xiaoshu, "xiaoshu", "小暑", "Minor Heat", &["minor-heat", "lesser-heat"]),
        (Dashu, "dashu", "大暑", "Major Heat", &["major-heat", "greater-heat"]),
        (Liqiu, "liqiu", "立秋", "Beginning of Autumn", &["beginning-of-autumn", "start-of-autumn"]),
        (Chushu, "chushu", "处暑", "End of Heat", &["處暑", "end-of-heat"]),
        (Bailu, "bailu", "白露", "White Dew", &["white-dew"]),
        (Qiufen, "qiufen", "秋分", "Autumn Equinox", &["autumn-equinox", "autumnal-equinox"]),
        (Hanlu, "hanlu", "寒露", "Cold Dew", &["cold-dew"]),
        (Shuangjiang, "shuangjiang", "霜降", "Frost's Descent", &["frosts-descent", "frost-descent"]),
        (Lidong, "lidong", "立冬", "Beginning of Winter", &["beginning-of-winter", "start-of-winter"]),
        (Xiaoxue, "xiaoxue", "小雪", "Minor Snow", &["minor-snow", "lesser-snow"]),
        (Daxue, "daxue", "大雪", "Major Snow", &["major-snow", "greater-snow"]),
        (Dongzhi, "dongzhi", "冬至", "Winter Solstice", &["winter-solstice"]),
        (Xiaohan, "xiaohan", "小寒", "Minor Cold", &["minor-cold", "lesser-cold"]),
        (Dahan, "dahan", "大寒", "Major Cold", &["major-cold", "greater-cold"]),
    ]
};

/// Lower-cases ASCII, trims, and spells separators as `-` (`Spring Equinox`, `spring_equinox`
/// → `spring-equinox`); drops apostrophes (`frost's-descent` → `frosts-descent`).
pub(crate) fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| match c {
            ' ' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl SolarTerm {
    /// The 24 terms in calendar order, 立春 first.
    pub fn all() -> impl Iterator<Item = SolarTerm> + Clone {
        TERMS.iter().map(|entry| entry.0)
    }

    fn entry(self) -> &'static (SolarTerm, &'static str, &'static str, &'static str, &'static [&'static str]) {
        &TERMS[self as usize]
    }

    /// The canonical name: pinyin without tones (`lichun`, `qingming`, `dongzhi`).
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// The Chinese name (`立春`, `清明`, `冬至`).
    pub fn zh(self) -> &'static str {
        self.entry().2
    }

    /// The English name (`Beginning of Spring`, `Qingming`, `Winter Solstice`).
    pub fn en(self) -> &'static str {
        self.entry().3
    }

    /// Finds a term by canonical name, Chinese name (simplified or traditional) or English
    /// alias (`spring-equinox`, `pure-brightness`, `winter-solstice`...). ASCII is
    /// case-insensitive; spaces and underscores count as `-`.
    pub fn from_name(name: &str) -> Option<SolarTerm> {
        let wanted = normalise(name);
        TERMS
            .iter()
            .find(|(_, canonical, zh, _, aliases)| {
                *canonical == wanted || *zh == wanted || aliases.contains(&wanted.as_str())
            })
            .map(|entry| entry.0)
    }

    /// The index of this term in tyme4rs' list, which starts at 冬至: a tyme4rs year `y`
    /// runs from 冬至 of `y - 1` to 大雪 of `y`.
    fn tyme_index(self) -> isize {
        (self as isize + 3) % 24
    }

    /// The date (UTC+8) of this term in Gregorian `year`, for `year` in
    /// [`crate::supported_years`].
    pub fn date_in_year(self, year: i32) -> Result<NaiveDate, CalendarError> {
        check_year(year)?;
        // tyme4rs counts 冬至 as the first term of the next year; index 24 is that 冬至.
        let index = match self {
            SolarTerm::Dongzhi => 24,
            other => other.tyme_index(),
        };
        let date = tyme_date(year, index)?;
        if date.year() == year {
            Ok(date)
        } else {
            // Never seen for 1901..=2100; kept so that a surprise is an error, not a wrong date.
            Err(CalendarError::YearOutOfRange { year })
        }
    }
}

/// The calendar date of tyme4rs' term `index` of its year `year` (UTC+8).
fn tyme_date(year: i32, index: isize) -> Result<NaiveDate, CalendarError> {
    let term = tyme4rs::tyme::solar::SolarTerm::from_index(year as isize, index);
    // The "cursory" Julian day is the term's civil day in Beijing time, at noon.
    let julian_day = term.get_cursory_julian_day() + J2000;
    // Julian day number 1_721_426 is 0001-01-01, day 1 in chrono's count from the common era.
    let day_number = (julian_day + 0.5).floor() - 1_721_425.0;
    if !day_number.is_finite() || day_number.abs() > f64::from(i32::MAX) {
        return Err(CalendarError::YearOutOfRange { year });
    }
    NaiveDate::from_num_days_from_ce_opt(day_number as i32).ok_or(CalendarError::YearOutOfRange { year })
}

impl fmt::Display for SolarTerm {
    /// The canonical name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SolarTerm {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        SolarTerm::from_name(text).ok_or_else(|| UnknownName(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn table_order_matches_the_enum() {
        for (i, entry) in TERMS.iter().enumerate() {
            assert_eq!(entry.0 as usize, i);
        }
        assert_eq!(SolarTerm::all().count(), 24);
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut owner = HashMap::new();
        for term in SolarTerm::all() {
            for name in [term.name(), term.zh(), term.en()].into_iter().chain(term.entry().4.iter().copied()) {
                assert_eq!(SolarTerm::from_name(name), Some(term), "{name}");
                let first = *owner.entry(normalise(name)).or_insert(term);
                assert_eq!(first, term, "{name} is ambiguous");
            }
        }
        assert_eq!(SolarTerm::from_name("  QingMing "), Some(SolarTerm::Qingming));
        assert_eq!(SolarTerm::from_name("Winter Solstice"), Some(SolarTerm::Dongzhi));
        assert_eq!(SolarTerm::from_name("winter_solstice"), Some(SolarTerm::Dongzhi));
        assert_eq!("清明".parse::<SolarTerm>(), Ok(SolarTerm::Qingming));
        assert_eq!(SolarTerm::from_name("qingmin"), None);
        assert_eq!(SolarTerm::from_name(""), None);
    }

    #[test]
    fn known_dates() {
        assert_eq!(SolarTerm::Qingming.date_in_year(2024).unwrap(), ymd(2024, 4, 4));
        assert_eq!(SolarTerm::Qingming.date_in_year(2025).unwrap(), ymd(2025, 4, 4));
        assert_eq!(SolarTerm::Lichun.date_in_year(2025).unwrap(), ymd(2025, 2, 3));
        assert_eq!(SolarTerm::Xiaohan.date_in_year(2025).unwrap(), ymd(2025, 1, 5));
        assert_eq!(SolarTerm::Dahan.date_in_year(2025).unwrap(), ymd(2025, 1, 20));
        assert_eq!(SolarTerm::Dongzhi.date_in_year(2025).unwrap(), ymd(2025, 12, 21));
        assert_eq!(SolarTerm::Daxue.date_in_year(2025).unwrap(), ymd(2025, 12, 7));
        // 2021's winter solstice was at 23:59:09 Beijing time.
        assert_eq!(SolarTerm::Dongzhi.date_in_year(2021).unwrap(), ymd(2021, 12, 21));
    }

    #[test]
    fn out_of_range_years_are_errors() {
        for year in [1900, 2101, i32::MIN, i32::MAX] {
            assert_eq!(SolarTerm::Qingming.date_in_year(year), Err(CalendarError::YearOutOfRange { year }));
        }
    }

    proptest! {
        #[test]
        fn qingming_on_april_4_to_6(year in 1901..=2100i32) {
            let date = SolarTerm::Qingming.date_in_year(year).unwrap();
            prop_assert!(date >= ymd(year, 4, 4) && date <= ymd(year, 4, 6), "{date}");
        }

        #[test]
        fn terms_in_date_order_14_to_17_days_apart(year in 1901..=2100i32) {
            // In a Gregorian year 小寒 and 大寒 come first, then 立春 .. 冬至.
            let in_year = [SolarTerm::Xiaohan, SolarTerm::Dahan].into_iter().chain(SolarTerm::all().take(22));
            let dates: Vec<NaiveDate> = in_year
                .map(|term| term.date_in_year(year).unwrap())
                .collect();
            for pair in dates.windows(2) {
                let gap = (pair[1] - pair[0]).num_days();
                prop_assert!((14..=17).contains(&gap), "{year}: {pair:?}");
            }
        }
    }
}

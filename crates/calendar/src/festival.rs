//! The festivals a campaign can be anchored on: the traditional lunar festivals and the 24
//! solar terms, with their names and dates.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::error::{CalendarError, UnknownName};
use crate::lunar::{lunar_dates_in_year, new_years_eve};
use crate::solar_term::{SolarTerm, normalise};
use crate::years::check_year;

/// A traditional festival of the Chinese lunisolar calendar, or a solar term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Festival {
    /// 春节, lunar 1-1.
    SpringFestival,
    /// 元宵节, lunar 1-15.
    Lantern,
    /// 端午节, lunar 5-5.
    DragonBoat,
    /// 七夕节, lunar 7-7.
    Qixi,
    /// 中秋节, lunar 8-15.
    MidAutumn,
    /// 重阳节, lunar 9-9.
    DoubleNinth,
    /// 腊八节, lunar 12-8.
    Laba,
    /// 除夕, the last day of the lunar year (12-30, or 12-29 when the twelfth month is short).
    NewYearsEve,
    /// One of the 24 solar terms (清明, 冬至, ...).
    SolarTerm(SolarTerm),
}

/// (festival, canonical name, Chinese, English, lunar month-day, aliases). Aliases are
/// matched after [`normalise`], so they are lower-case kebab.
type LunarEntry = (Festival, &'static str, &'static str, &'static str, Option<(u8, u8)>, &'static [&'static str]);

const LUNAR: [LunarEntry; 8] = [
    (
        Festival::SpringFestival,
        "spring-festival",
        "春节",
        "Spring Festival",
        Some((1, 1)),
        &["春節", "chinese-new-year", "lunar-new-year"],
    ),
    (
        Festival::Lantern,
        "lantern",
        "元宵节",
        "Lantern Festival",
        Some((1, 15)),
        &["元宵", "元宵節", "lantern-festival"],
    ),
    (
        Festival::DragonBoat,
        "dragon-boat",
        "端午节",
        "Dragon Boat Festival",
        Some((5, 5)),
        &["端午", "端午節", "dragon-boat-festival"],
    ),
    (
        Festival::Qixi,
        "qixi",
        "七夕节",
        "Qixi Festival",
        Some((7, 7)),
        &["七夕", "七夕節", "double-seventh", "qixi-festival"],
    ),
    (
        Festival::MidAutumn,
        "mid-autumn",
        "中秋节",
        "Mid-Autumn Festival",
        Some((8, 15)),
        &["中秋", "中秋節", "mid-autumn-festival"],
    ),
    (
        Festival::DoubleNinth,
        "double-ninth",
        "重阳节",
        "Double Ninth Festival",
        Some((9, 9)),
        &["重阳", "重陽", "重陽節", "double-ninth-festival"],
    ),
    (Festival::Laba, "laba", "腊八节", "Laba Festival", Some((12, 8)), &["腊八", "臘八", "臘八節", "laba-festival"]),
    (
        Festival::NewYearsEve,
        "new-years-eve",
        "除夕",
        "Chinese New Year's Eve",
        None,
        &["chinese-new-years-eve", "lunar-new-years-eve"],
    ),
];

impl Festival {
    fn lunar_entry(self) -> Option<&'static LunarEntry> {
        LUNAR.iter().find(|entry| entry.0 == self)
    }

    /// Finds a festival by canonical name (`spring-festival`, `mid-autumn`, `qingming`...),
    /// Chinese name (`春节`, `中秋`, `清明`...) or English alias (`chinese-new-year`,
    /// `winter-solstice`...). ASCII is case-insensitive; spaces and underscores count as `-`.
    pub fn from_name(name: &str) -> Option<Festival> {
        let wanted = normalise(name);
        LUNAR
            .iter()
            .find(|(_, canonical, zh, _, _, aliases)| {
                *canonical == wanted || *zh == wanted || aliases.contains(&wanted.as_str())
            })
            .map(|entry| entry.0)
            .or_else(|| SolarTerm::from_name(&wanted).map(Festival::SolarTerm))
    }

    /// The canonical kebab-case name (`spring-festival`, `qingming`).
    pub fn name(self) -> &'static str {
        match self {
            Festival::SolarTerm(term) => term.name(),
            lunar => lunar.lunar_entry().map_or("", |entry| entry.1),
        }
    }

    /// The Chinese name (`春节`, `清明`).
    pub fn zh(self) -> &'static str {
        match self {
            Festival::SolarTerm(term) => term.zh(),
            lunar => lunar.lunar_entry().map_or("", |entry| entry.2),
        }
    }

    /// The English name (`Spring Festival`, `Qingming`).
    pub fn en(self) -> &'static str {
        match self {
            Festival::SolarTerm(term) => term.en(),
            lunar => lunar.lunar_entry().map_or("", |entry| entry.3),
        }
    }

    /// The 8 lunar festivals in calendar order, then the 24 solar terms from 立春.
    pub fn all() -> impl Iterator<Item = Festival> + Clone {
        LUNAR.iter().map(|entry| entry.0).chain(SolarTerm::all().map(Festival::SolarTerm))
    }

    /// The canonical names of [`Festival::all`], for "expected one of ..." messages.
    pub fn known_names() -> Vec<&'static str> {
        Festival::all().map(Festival::name).collect()
    }

    /// The lunar month-day of a lunar festival; `None` for 除夕 (whose day depends on the
    /// year) and for solar terms.
    pub fn lunar_month_day(self) -> Option<(u8, u8)> {
        self.lunar_entry().and_then(|entry| entry.4)
    }

    /// Every date of this festival that falls in Gregorian `year`, ascending.
    ///
    /// Usually exactly one; lunar dates late in the lunar year (腊八 = 12-8) can fall 0 or 2
    /// times in one Gregorian year. `year` must be in [`crate::supported_years`].
    pub fn dates_in_year(self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        check_year(year)?;
        match self {
            Festival::SolarTerm(term) => Ok(vec![term.date_in_year(year)?]),
            Festival::NewYearsEve => Ok(vec![new_years_eve(year)?]),
            lunar => match lunar.lunar_month_day() {
                Some((month, day)) => lunar_dates_in_year(month, day, year),
                None => Ok(Vec::new()),
            },
        }
    }
}

impl fmt::Display for Festival {
    /// The canonical name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Festival {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Festival::from_name(text).ok_or_else(|| UnknownName(text.to_owned()))
    }
}

impl From<SolarTerm> for Festival {
    fn from(term: SolarTerm) -> Self {
        Festival::SolarTerm(term)
    }
}

/// Every built-in festival and solar term with its date(s) in Gregorian `year`, sorted by
/// date (ties in [`Festival::all`] order), for `guiyan calendar`.
pub fn festivals_in_year(year: i32) -> Result<Vec<(Festival, NaiveDate)>, CalendarError> {
    check_year(year)?;
    let mut out = Vec::with_capacity(34);
    for festival in Festival::all() {
        for date in festival.dates_in_year(year)? {
            out.push((festival, date));
        }
    }
    out.sort_by_key(|&(festival, date)| (date, festival));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn all_is_8_lunar_then_24_terms() {
        let all: Vec<Festival> = Festival::all().collect();
        assert_eq!(all.len(), 32);
        assert_eq!(all[0], Festival::SpringFestival);
        assert_eq!(all[7], Festival::NewYearsEve);
        assert_eq!(all[8], Festival::SolarTerm(SolarTerm::Lichun));
        assert_eq!(Festival::known_names().len(), 32);
        assert!(Festival::known_names().contains(&"qingming"));
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = HashSet::new();
        for festival in Festival::all() {
            assert_eq!(Festival::from_name(festival.name()), Some(festival));
            assert_eq!(Festival::from_name(festival.zh()), Some(festival));
            assert_eq!(Festival::from_name(festival.en()), Some(festival));
            assert_eq!(festival.to_string().parse::<Festival>(), Ok(festival));
            assert!(seen.insert(festival.name()));
            assert!(seen.insert(festival.zh()));
        }
        for entry in &LUNAR {
            for alias in entry.5 {
                assert_eq!(Festival::from_name(alias), Some(entry.0), "{alias}");
                assert!(seen.insert(alias), "{alias} is ambiguous");
            }
        }
    }

    #[test]
    fn aliases_from_the_brief() {
        use Festival::*;
        for (name, festival) in [
            ("spring-festival", SpringFestival),
            ("春节", SpringFestival),
            ("Chinese-New-Year", SpringFestival),
            ("元宵节", Lantern),
            ("元宵", Lantern),
            ("lantern-festival", Lantern),
            ("端午节", DragonBoat),
            ("端午", DragonBoat),
            ("dragon-boat-festival", DragonBoat),
            ("七夕节", Qixi),
            ("七夕", Qixi),
            ("double-seventh", Qixi),
            ("中秋节", MidAutumn),
            ("中秋", MidAutumn),
            ("MID-AUTUMN-FESTIVAL", MidAutumn),
            ("重阳节", DoubleNinth),
            ("重阳", DoubleNinth),
            ("double-ninth-festival", DoubleNinth),
            ("腊八节", Laba),
            ("腊八", Laba),
            ("laba-festival", Laba),
            ("除夕", NewYearsEve),
            ("chinese-new-years-eve", NewYearsEve),
            ("Chinese New Year's Eve", NewYearsEve),
            ("qingming", SolarTerm(super::SolarTerm::Qingming)),
            ("清明", SolarTerm(super::SolarTerm::Qingming)),
            ("winter-solstice", SolarTerm(super::SolarTerm::Dongzhi)),
            ("冬至", SolarTerm(super::SolarTerm::Dongzhi)),
        ] {
            assert_eq!(Festival::from_name(name), Some(festival), "{name}");
        }
        assert_eq!(Festival::from_name("christmas"), None);
        assert_eq!("christmas".parse::<Festival>(), Err(UnknownName("christmas".to_owned())));
    }

    #[test]
    fn dates_2025() {
        let one = |f: Festival| f.dates_in_year(2025).unwrap();
        assert_eq!(one(Festival::SpringFestival), vec![ymd(2025, 1, 29)]);
        assert_eq!(one(Festival::Lantern), vec![ymd(2025, 2, 12)]);
        assert_eq!(one(Festival::DragonBoat), vec![ymd(2025, 5, 31)]);
        assert_eq!(one(Festival::Qixi), vec![ymd(2025, 8, 29)]);
        assert_eq!(one(Festival::MidAutumn), vec![ymd(2025, 10, 6)]);
        assert_eq!(one(Festival::DoubleNinth), vec![ymd(2025, 10, 29)]);
        assert_eq!(one(Festival::Laba), vec![ymd(2025, 1, 7)]);
        assert_eq!(one(Festival::NewYearsEve), vec![ymd(2025, 1, 28)]);
        assert_eq!(one(Festival::SolarTerm(SolarTerm::Qingming)), vec![ymd(2025, 4, 4)]);
    }

    #[test]
    fn festivals_in_year_is_sorted_and_complete() {
        let list = festivals_in_year(2024).unwrap();
        assert_eq!(list.len(), 32);
        assert!(list.windows(2).all(|w| w[0].1 <= w[1].1));
        assert_eq!(list[0], (Festival::SolarTerm(SolarTerm::Xiaohan), ymd(2024, 1, 6)));
        // 2022 has two 腊八, 2023 none.
        assert_eq!(festivals_in_year(2022).unwrap().len(), 33);
        assert_eq!(festivals_in_year(2023).unwrap().len(), 31);
        assert_eq!(festivals_in_year(2101), Err(CalendarError::YearOutOfRange { year: 2101 }));
    }

    proptest! {
        #[test]
        fn mid_autumn_between_sept_7_and_oct_8(year in 1901..=2100i32) {
            let dates = Festival::MidAutumn.dates_in_year(year).unwrap();
            prop_assert_eq!(dates.len(), 1);
            prop_assert!(dates[0] >= ymd(year, 9, 7) && dates[0] <= ymd(year, 10, 8), "{:?}", dates);
        }

        #[test]
        fn every_festival_but_laba_once_a_year(year in 1901..=2100i32) {
            for festival in Festival::all().filter(|f| *f != Festival::Laba) {
                prop_assert_eq!(festival.dates_in_year(year).unwrap().len(), 1, "{}", festival);
            }
        }

        #[test]
        fn from_name_never_panics(name in ".*") {
            let _ = Festival::from_name(&name);
        }
    }
}

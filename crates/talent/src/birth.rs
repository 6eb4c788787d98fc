//! 出生年月 as offices type it (`1985.03`, `1985-3`, `198503`, `1985年3月`, a whole date whose day
//! is dropped), and whether it agrees with an ID number.

use std::fmt;

use campaign::Lang;
use chrono::{Datelike, NaiveDate};

use crate::id_number::IdNumber;
use crate::width;

/// A year and month of birth, 1900-01 or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthYearMonth {
    year: u16,
    month: u8,
}

/// What is wrong with a typed year and month of birth.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum BirthError {
    Empty,
    /// Not one of the accepted shapes.
    Unreadable {
        text: String,
    },
    /// A month outside 1–12 (or a day that month does not have).
    ImpossibleMonth {
        text: String,
    },
    /// Before 1900 or after today.
    OutOfRange {
        year: i32,
    },
}

impl BirthError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (BirthError::Empty, Lang::Zh) => "出生年月为空".into(),
            (BirthError::Empty, Lang::En) => "the year and month of birth are empty".into(),
            (BirthError::Unreadable { text }, Lang::Zh) => {
                format!("出生年月“{text}”无法识别，请写成1985.03、1985-03或1985年3月")
            }
            (BirthError::Unreadable { text }, Lang::En) => {
                format!("cannot read “{text}” as a year and month: write 1985.03, 1985-03 or 1985年3月")
            }
            (BirthError::ImpossibleMonth { text }, Lang::Zh) => format!("出生年月“{text}”不是有效的年月"),
            (BirthError::ImpossibleMonth { text }, Lang::En) => format!("“{text}” is not a real year and month"),
            (BirthError::OutOfRange { year }, Lang::Zh) => format!("出生年份{year}不在1900年至今之间"),
            (BirthError::OutOfRange { year }, Lang::En) => {
                format!("the year of birth {year} is not between 1900 and now")
            }
        }
    }
}

impl BirthYearMonth {
    /// Reads the shapes offices type: `1985.03`, `1985.3`, `1985-03`, `1985/3`, `198503`,
    /// `1985年3月`, and whole dates (`1985-03-15`, `19850315`, `1985年3月15日`), whose day is
    /// checked and dropped. `today` bounds it: not after today's month, not before 1900.
    pub fn parse(text: &str, today: NaiveDate) -> Result<BirthYearMonth, BirthError> {
        let folded: String = text.chars().map(width::fold).filter(|c| !width::is_space(*c)).collect();
        if folded.is_empty() {
            return Err(BirthError::Empty);
        }
        let unreadable = || BirthError::Unreadable { text: text.trim().to_string() };
        let impossible = || BirthError::ImpossibleMonth { text: text.trim().to_string() };
        let trimmed = folded.strip_suffix(['日', '月', '.']).unwrap_or(&folded);
        let parts: Vec<&str> = trimmed.split(['.', '-', '/', '年', '月']).collect();
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let (year, month, day): (&str, &str, Option<&str>) = match *parts.as_slice() {
            // Checked to be ASCII before slicing by bytes.
            [digits] if digits.len() == 6 && all_digits(digits) => (&digits[..4], &digits[4..], None),
            [digits] if digits.len() == 8 && all_digits(digits) => (&digits[..4], &digits[4..6], Some(&digits[6..])),
            [y, m] => (y, m, None),
            [y, m, d] => (y, m, Some(d)),
            _ => return Err(unreadable()),
        };
        let number = |s: &str, max_len: usize| -> Option<u32> {
            (!s.is_empty() && s.len() <= max_len && all_digits(s)).then(|| s.parse().ok())?
        };
        if year.len() != 4 {
            return Err(unreadable());
        }
        let year = number(year, 4).ok_or_else(unreadable)? as i32;
        let month = number(month, 2).ok_or_else(unreadable)?;
        if !(1..=12).contains(&month) {
            return Err(impossible());
        }
        if let Some(day) = day {
            let day = number(day, 2).ok_or_else(unreadable)?;
            NaiveDate::from_ymd_opt(year, month, day).ok_or_else(impossible)?;
        }
        let born = BirthYearMonth { year: year.clamp(0, 9999) as u16, month: month as u8 };
        if year < 1900 || born > BirthYearMonth::from_date(today) {
            return Err(BirthError::OutOfRange { year });
        }
        Ok(born)
    }

    /// The year and month of a date (a spreadsheet's date cell, an ID number's birth date).
    pub fn from_date(date: NaiveDate) -> BirthYearMonth {
        BirthYearMonth { year: date.year().clamp(0, 9999) as u16, month: date.month() as u8 }
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// Whether this disagrees with the birth date an ID number carries: a typo in one of them,
    /// which a worker should settle before the record is kept.
    pub fn disagrees_with(self, id: &IdNumber) -> bool {
        self != BirthYearMonth::from_date(id.birth_date())
    }

    /// The label shown to people: `1985年3月` / `March 1985`.
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}年{}月", self.year, self.month),
            Lang::En => {
                const MONTHS: [&str; 12] =
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                let name = MONTHS.get(usize::from(self.month).saturating_sub(1)).unwrap_or(&"");
                format!("{name} {}", self.year)
            }
        }
    }
}

impl fmt::Display for BirthYearMonth {
    /// The storage form, `1985-03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for BirthYearMonth {
    type Err = BirthError;

    /// The storage form only, `1985-03` (what `Display` writes), without the bound of a `today`:
    /// for values read back from the store, which were checked when typed.
    fn from_str(text: &str) -> Result<BirthYearMonth, BirthError> {
        let unreadable = || BirthError::Unreadable { text: text.to_string() };
        let (year, month) = text.split_once('-').ok_or_else(unreadable)?;
        if year.len() != 4 || month.len() != 2 || !(year.bytes().chain(month.bytes())).all(|b| b.is_ascii_digit()) {
            return Err(unreadable());
        }
        let year: u16 = year.parse().map_err(|_| unreadable())?;
        let month: u8 = month.parse().map_err(|_| unreadable())?;
        if !(1..=12).contains(&month) {
            return Err(BirthError::ImpossibleMonth { text: text.to_string() });
        }
        if year < 1900 {
            return Err(BirthError::OutOfRange { year: i32::from(year) });
        }
        Ok(BirthYearMonth { year, month })
    }
}

impl<'de> serde::Deserialize<'de> for BirthYearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(|e: BirthError| serde::de::Error::custom(e.message(Lang::En)))
    }
}

impl serde::Serialize for BirthYearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn ym(y: u16, m: u8) -> BirthYearMonth {
        BirthYearMonth { year: y, month: m }
    }

    #[test]
    fn office_shapes() {
        for text in [
            "1985.03",
            "1985.3",
            "1985-3",
            "1985/03",
            "198503",
            "1985年3月",
            "1985年03月",
            "1985-03-15",
            "19850315",
            "1985年3月15日",
            "1985.03.",
            "１９８５．０３",
            " 1985 . 03 ",
        ] {
            assert_eq!(BirthYearMonth::parse(text, today()), Ok(ym(1985, 3)), "{text}");
        }
    }

    #[test]
    fn impossible_and_out_of_range() {
        assert!(matches!(BirthYearMonth::parse("1985.13", today()), Err(BirthError::ImpossibleMonth { .. })));
        assert!(matches!(BirthYearMonth::parse("1985.0", today()), Err(BirthError::ImpossibleMonth { .. })));
        assert!(matches!(BirthYearMonth::parse("1985-02-30", today()), Err(BirthError::ImpossibleMonth { .. })));
        assert_eq!(BirthYearMonth::parse("1899.12", today()), Err(BirthError::OutOfRange { year: 1899 }));
        assert_eq!(BirthYearMonth::parse("2027.01", today()), Err(BirthError::OutOfRange { year: 2027 }));
        assert_eq!(BirthYearMonth::parse("2026.12", today()), Ok(ym(2026, 12)));
        assert!(matches!(BirthYearMonth::parse("85.3", today()), Err(BirthError::Unreadable { .. })));
        assert!(matches!(BirthYearMonth::parse("三月", today()), Err(BirthError::Unreadable { .. })));
        assert!(matches!(BirthYearMonth::parse("1985.3.1.2", today()), Err(BirthError::Unreadable { .. })));
        assert_eq!(BirthYearMonth::parse("", today()), Err(BirthError::Empty));
    }

    #[test]
    fn agreement_with_an_id_number() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert!(!ym(1949, 12).disagrees_with(&id));
        assert!(ym(1949, 11).disagrees_with(&id));
    }

    #[test]
    fn labels_and_storage_form() {
        assert_eq!(ym(1985, 3).to_string(), "1985-03");
        assert_eq!(ym(1985, 3).label(Lang::Zh), "1985年3月");
        assert_eq!(ym(1985, 3).label(Lang::En), "Mar 1985");
        assert_eq!("1985-03".parse(), Ok(ym(1985, 3)));
        assert!("1985-3".parse::<BirthYearMonth>().is_err());
        assert!("1985-13".parse::<BirthYearMonth>().is_err());
        assert_eq!(serde_json::to_string(&ym(1985, 3)).unwrap(), "\"1985-03\"");
        assert_eq!(serde_json::from_str::<BirthYearMonth>("\"1985-03\"").unwrap(), ym(1985, 3));
    }

    proptest! {
        #[test]
        fn storage_form_parses_back(y in 1900u16..=2026, m in 1u8..=12) {
            let b = ym(y, m);
            prop_assert_eq!(BirthYearMonth::parse(&b.to_string(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()), Ok(b));
        }

        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = BirthYearMonth::parse(&text, today());
            if let Ok(b) = text.parse::<BirthYearMonth>() {
                prop_assert_eq!(b.to_string(), text);
            }
        }
    }
}

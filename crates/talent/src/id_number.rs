//! Resident ID numbers (GB 11643-1999): normalising what was typed, the MOD 11-2 check character,
//! the embedded birth date, and 15-digit legacy numbers.
//!
//! A 15-digit number (issued before 1999: six digits of region, `YYMMDD`, three of sequence) is
//! **upgraded** to the 18-character form the way the issuing offices do it: `19` is put before its
//! year and the check character is computed. Every 15-digit number belongs to someone born in the
//! 1900s, so the upgrade is exact, and an upgraded number matches the same person's 18-character
//! number. Refusing them would send older people's rows back for a number they truly hold.

use std::fmt;

use campaign::Lang;
use chrono::{Datelike, NaiveDate};

use crate::person_vocab::Gender;
use crate::width;

/// The weights of positions 1–17 (GB 11643-1999 §7.2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0–10 of the weighted sum modulo 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A valid 18-character ID number: 17 digits and a check character (digit or `X`) that agrees.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// What is wrong with a typed ID number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum IdNumberError {
    Empty,
    /// Not 15 or 18 characters once spaces are removed.
    WrongLength {
        length: usize,
    },
    /// A character that may not stand there (`position` counts from 1); `X` only at the end.
    BadCharacter {
        position: usize,
        found: char,
    },
    /// The check character does not agree with the first 17 digits.
    BadCheck {
        expected: char,
        found: char,
    },
    /// The birth date in positions 7–14 is not a date (`19850231`).
    ImpossibleDate {
        digits: String,
    },
    /// The birth date is after today.
    BornInFuture {
        date: NaiveDate,
    },
}

impl IdNumberError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IdNumberError::Empty, Lang::Zh) => "身份证号为空".into(),
            (IdNumberError::Empty, Lang::En) => "the ID number is empty".into(),
            (IdNumberError::WrongLength { length }, Lang::Zh) => {
                format!("身份证号应为18位（或15位旧号），这里是{length}位")
            }
            (IdNumberError::WrongLength { length }, Lang::En) => {
                format!("an ID number has 18 characters (or 15 for an old one), this has {length}")
            }
            (IdNumberError::BadCharacter { position, found }, Lang::Zh) => {
                format!("身份证号第{position}位“{found}”不是数字（X只能在最后一位）")
            }
            (IdNumberError::BadCharacter { position, found }, Lang::En) => {
                format!("character {position} of the ID number, “{found}”, is not a digit (X only comes last)")
            }
            (IdNumberError::BadCheck { expected, found }, Lang::Zh) => {
                format!("身份证号校验位不符：按前17位应为“{expected}”，填的是“{found}”，请核对号码")
            }
            (IdNumberError::BadCheck { expected, found }, Lang::En) => format!(
                "the ID number's check character is “{found}” but its first 17 digits call for “{expected}”: check the number"
            ),
            (IdNumberError::ImpossibleDate { digits }, Lang::Zh) => {
                format!("身份证号中的出生日期“{digits}”不是有效日期")
            }
            (IdNumberError::ImpossibleDate { digits }, Lang::En) => {
                format!("the birth date in the ID number, “{digits}”, is not a real date")
            }
            (IdNumberError::BornInFuture { date }, Lang::Zh) => {
                format!("身份证号中的出生日期{}晚于今天", date.format("%Y年%-m月%-d日"))
            }
            (IdNumberError::BornInFuture { date }, Lang::En) => {
                format!("the birth date in the ID number, {date}, is after today")
            }
        }
    }
}

/// The check character of 17 digits; `None` if `digits` is not 17 ASCII digits.
pub fn check_character(digits: &str) -> Option<char> {
    if digits.len() != 17 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digits.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Folds full-width characters, drops every space and uppercases `x`: the form that is checked.
pub fn normalise_id_text(text: &str) -> String {
    text.chars().map(width::fold).filter(|c| !width::is_space(*c)).map(|c| c.to_ascii_uppercase()).collect()
}

impl IdNumber {
    /// Parses a typed ID number; `today` bounds the birth date.
    pub fn parse(text: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let text = normalise_id_text(text);
        let chars: Vec<char> = text.chars().collect();
        let body = match chars.len() {
            0 => return Err(IdNumberError::Empty),
            15 => {
                if let Some((i, &c)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
                    return Err(IdNumberError::BadCharacter { position: i + 1, found: c });
                }
                format!("{}19{}", &text[..6], &text[6..])
            }
            18 => {
                if let Some((i, &c)) = chars[..17].iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
                    return Err(IdNumberError::BadCharacter { position: i + 1, found: c });
                }
                if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
                    return Err(IdNumberError::BadCharacter { position: 18, found: chars[17] });
                }
                text[..17].to_string()
            }
            length => return Err(IdNumberError::WrongLength { length }),
        };
        // `body` is 17 ASCII digits here.
        let expected = check_character(&body).ok_or(IdNumberError::WrongLength { length: body.len() })?;
        if chars.len() == 18 && chars[17] != expected {
            return Err(IdNumberError::BadCheck { expected, found: chars[17] });
        }
        let date = birth_date_of(&body).ok_or_else(|| IdNumberError::ImpossibleDate { digits: body[6..14].into() })?;
        if date > today {
            return Err(IdNumberError::BornInFuture { date });
        }
        Ok(IdNumber(format!("{body}{expected}")))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date in positions 7–14 (checked when parsed).
    pub fn birth_date(&self) -> NaiveDate {
        // Checked by `parse`; the fallback is unreachable but keeps this free of panics.
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// The 17th character, a digit: odd for men, even for women.
    pub fn gender_digit(&self) -> u8 {
        self.0.as_bytes()[16] - b'0'
    }

    /// The gender the 17th character encodes.
    pub fn gender(&self) -> Gender {
        Gender::from_id_digit(self.gender_digit())
    }

    /// The last four characters, kept in clear beside the encrypted number for display.
    pub fn last4(&self) -> &str {
        &self.0[14..]
    }

    /// The first six digits: the administrative region of issue (GB/T 2260).
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }
}

/// The date in positions 7–14 of at least 14 ASCII digits; a year before 1900 counts as no date
/// (no one alive holds such a number, so it is a typo).
fn birth_date_of(digits: &str) -> Option<NaiveDate> {
    let year = digits.get(6..10)?.parse().ok()?;
    let month = digits.get(10..12)?.parse().ok()?;
    let day = digits.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day).filter(|d| d.year() >= 1900)
}

impl fmt::Debug for IdNumber {
    /// Masked: an ID number must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", crate::mask::mask_id_number(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    // The standard's own example (GB 11643-1999 appendix): 11010519491231002X.
    #[test]
    fn the_standards_example() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.last4(), "002X");
        assert_eq!(id.region_code(), "110105");
    }

    #[test]
    fn full_width_and_spaces_are_normalised() {
        let id = IdNumber::parse(" １１０１０５ 1949 1231 002ｘ ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(IdNumber::parse("", today()), Err(IdNumberError::Empty));
        assert_eq!(IdNumber::parse("1101051949", today()), Err(IdNumberError::WrongLength { length: 10 }));
        assert_eq!(
            IdNumber::parse("110105194912310021", today()),
            Err(IdNumberError::BadCheck { expected: 'X', found: '1' })
        );
        assert_eq!(
            IdNumber::parse("1101051949X231002X", today()),
            Err(IdNumberError::BadCharacter { position: 11, found: 'X' })
        );
        let bad_date = format!("11010519850231123{}", check_character("11010519850231123").unwrap());
        assert_eq!(
            IdNumber::parse(&bad_date, today()),
            Err(IdNumberError::ImpossibleDate { digits: "19850231".into() })
        );
        let future = format!("11010520300101123{}", check_character("11010520300101123").unwrap());
        assert!(matches!(IdNumber::parse(&future, today()), Err(IdNumberError::BornInFuture { .. })));
        let msg = IdNumberError::BadCheck { expected: 'X', found: '1' }.message(Lang::Zh);
        assert!(msg.contains("应为“X”"), "{msg}");
    }

    #[test]
    fn fifteen_digits_are_upgraded() {
        // 110105491231002 → 11010519491231002X, the same person's 18-character number.
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(matches!(IdNumber::parse("11010549123100X", today()), Err(IdNumberError::BadCharacter { .. })));
        assert!(matches!(IdNumber::parse("110105490231002", today()), Err(IdNumberError::ImpossibleDate { .. })));
    }

    #[test]
    fn debug_is_masked() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
    }

    fn valid_body() -> impl Strategy<Value = String> {
        (0u32..1_000_000, 0i64..36_000, 0u32..1000).prop_map(|(region, days, seq)| {
            let date = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Days::new(days as u64);
            format!("{region:06}{}{seq:03}", date.format("%Y%m%d"))
        })
    }

    proptest! {
        #[test]
        fn computed_check_round_trips(body in valid_body()) {
            let check = check_character(&body).unwrap();
            let id = IdNumber::parse(&format!("{body}{check}"), today()).unwrap();
            prop_assert_eq!(id.as_str(), format!("{body}{check}"));
        }

        #[test]
        fn any_single_digit_change_is_detected(body in valid_body(), pos in 0usize..17, delta in 1u8..10) {
            let check = check_character(&body).unwrap();
            let mut bytes = body.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            let typed = format!("{changed}{check}");
            prop_assert!(IdNumber::parse(&typed, today()).is_err());
        }

        #[test]
        fn any_adjacent_transposition_is_detected(body in valid_body(), pos in 0usize..16) {
            // MOD 11-2 weights are powers of two modulo 11, so swapping two different neighbours
            // always changes the sum.
            let check = check_character(&body).unwrap();
            let mut bytes = body.into_bytes();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let typed = format!("{}{check}", String::from_utf8(bytes).unwrap());
            prop_assert!(IdNumber::parse(&typed, today()).is_err());
        }

        #[test]
        fn a_masked_id_number_shows_its_first_and_last_four(body in valid_body()) {
            let id = IdNumber::parse(&format!("{body}{}", check_character(&body).unwrap()), today()).unwrap();
            let masked = crate::mask::mask_id_number(&id);
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(masked.chars().filter(|c| *c != '*').count(), 8);
            prop_assert_eq!(&masked[..4], &id.as_str()[..4]);
            prop_assert_eq!(&masked[14..], id.last4());
        }

        #[test]
        fn normalising_is_idempotent(text in "[0-9０-９xXｘ 　]{0,24}") {
            let once = normalise_id_text(&text);
            prop_assert_eq!(normalise_id_text(&once), once);
        }

        #[test]
        fn never_panics(text in "\\PC{0,30}") {
            let _ = IdNumber::parse(&text, today());
        }
    }
}

//! Mainland mobile numbers: what offices type (`+86 138-0013-8000`, `0086…`, full-width digits)
//! turned into the 11 digits `1[3-9]` + 9 digits. No carrier-prefix lists: they change, and the check
//! would refuse real numbers.

use std::fmt;

use campaign::Lang;

use crate::width;

/// A mobile number: 11 ASCII digits, `1` then `3`–`9`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mobile(String);

/// What is wrong with a typed mobile number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum MobileError {
    Empty,
    /// A character that is not a digit, space, dash, dot or bracket, or a `+` not at the start.
    BadCharacter {
        found: char,
    },
    /// Not 11 digits once the country code is removed.
    WrongLength {
        digits: usize,
    },
    /// 11 digits that do not start with `13`–`19`: a landline or a typo.
    NotMobile,
}

impl MobileError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (MobileError::Empty, Lang::Zh) => "手机号为空".into(),
            (MobileError::Empty, Lang::En) => "the mobile number is empty".into(),
            (MobileError::BadCharacter { found }, Lang::Zh) => format!("手机号中有不应出现的字符“{found}”"),
            (MobileError::BadCharacter { found }, Lang::En) => {
                format!("the mobile number holds “{found}”, which does not belong in one")
            }
            (MobileError::WrongLength { digits }, Lang::Zh) => format!("手机号应为11位数字，这里是{digits}位"),
            (MobileError::WrongLength { digits }, Lang::En) => {
                format!("a mobile number has 11 digits, this has {digits}")
            }
            (MobileError::NotMobile, Lang::Zh) => "不是手机号：应以13至19开头（固定电话请写在备注）".into(),
            (MobileError::NotMobile, Lang::En) => {
                "not a mobile number: it should start with 13 to 19 (put a landline in the note)".into()
            }
        }
    }
}

/// Separators people put inside a number.
fn is_separator(c: char) -> bool {
    width::is_space(c) || matches!(c, '-' | '.' | '(' | ')' | '\u{2014}' | '\u{2013}')
}

impl Mobile {
    pub fn parse(text: &str) -> Result<Mobile, MobileError> {
        let folded: String = text.chars().map(width::fold).filter(|c| !is_separator(*c)).collect();
        if folded.is_empty() {
            return Err(MobileError::Empty);
        }
        let without_plus = folded.strip_prefix('+').unwrap_or(&folded);
        if let Some(c) = without_plus.chars().find(|c| !c.is_ascii_digit()) {
            return Err(MobileError::BadCharacter { found: c });
        }
        // The country code only when what follows is a whole number: `86` alone would otherwise
        // be stripped from the front of a number that merely starts with 86.
        let digits = ["0086", "86"]
            .iter()
            .find_map(|p| without_plus.strip_prefix(p).filter(|rest| rest.len() == 11))
            .unwrap_or(without_plus);
        if digits.len() != 11 {
            return Err(MobileError::WrongLength { digits: digits.len() });
        }
        let b = digits.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(MobileError::NotMobile);
        }
        Ok(Mobile(digits.to_string()))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Mobile {
    /// Masked: a phone number must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({})", crate::mask::mask_mobile(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn office_forms() {
        for text in [
            "13800138000",
            "+86 138-0013-8000",
            "0086 13800138000",
            "86-138 0013 8000",
            "１３８００１３８０００",
            "(+86) 138.0013.8000",
            " 138　0013　8000 ",
        ] {
            assert_eq!(Mobile::parse(text).map(|m| m.0), Ok("13800138000".to_string()), "{text}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(Mobile::parse(" "), Err(MobileError::Empty));
        assert_eq!(Mobile::parse("1380013800"), Err(MobileError::WrongLength { digits: 10 }));
        assert_eq!(Mobile::parse("12800138000"), Err(MobileError::NotMobile));
        assert_eq!(Mobile::parse("05318612345"), Err(MobileError::NotMobile));
        assert_eq!(Mobile::parse("138o0138000"), Err(MobileError::BadCharacter { found: 'o' }));
        assert_eq!(Mobile::parse("138+00138000"), Err(MobileError::BadCharacter { found: '+' }));
        // A number starting with 86 is not stripped.
        assert_eq!(Mobile::parse("8613800138"), Err(MobileError::WrongLength { digits: 10 }));
    }

    proptest! {
        #[test]
        fn decorated_forms_normalise(n in "1[3-9][0-9]{9}", prefix in prop::sample::select(vec!["", "+86 ", "0086", "86-", "+86-"])) {
            let decorated = format!("{prefix}{}-{}-{}", &n[..3], &n[3..7], &n[7..]);
            prop_assert_eq!(Mobile::parse(&decorated).map(|m| m.0), Ok(n.clone()));
            let full_width: String = decorated.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect();
            prop_assert_eq!(Mobile::parse(&full_width).map(|m| m.0), Ok(n));
        }

        #[test]
        fn parsing_is_idempotent(text in "\\PC{0,20}") {
            if let Ok(m) = Mobile::parse(&text) {
                prop_assert_eq!(Mobile::parse(m.as_str()), Ok(m));
            }
        }
    }
}

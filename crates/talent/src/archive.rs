//! Archive numbers (档案编号): one community book's sequence, `{unit}-{seq:04}`, e.g.
//! `jiefang-1-0042`. The unit is a directory unit id (lowercase letters, digits, `-`, `_`), so the
//! sequence is whatever follows the last `-`.

use std::fmt;
use std::str::FromStr;

use campaign::Lang;

/// A community's archive number for one person.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArchiveNumber {
    unit: String,
    seq: u32,
}

/// Why a text is not an archive number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum ArchiveNumberError {
    /// The unit part is not a unit id.
    BadUnit,
    /// The sequence is missing, not digits, 0, or not written in its one form (four digits at
    /// least, no extra leading zeros).
    BadSequence,
}

impl ArchiveNumberError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ArchiveNumberError::BadUnit, Lang::Zh) => "档案编号的单位部分不是有效的单位代码".into(),
            (ArchiveNumberError::BadUnit, Lang::En) => "the unit part of the archive number is not a unit id".into(),
            (ArchiveNumberError::BadSequence, Lang::Zh) => "档案编号的序号应为至少4位的数字，如0042".into(),
            (ArchiveNumberError::BadSequence, Lang::En) => {
                "the archive number's sequence should be digits, at least four, e.g. 0042".into()
            }
        }
    }
}

impl ArchiveNumber {
    /// The archive number of the `seq`-th person (from 1) entered in `unit`'s book.
    pub fn new(unit: &str, seq: u32) -> Result<ArchiveNumber, ArchiveNumberError> {
        // The unit plus `-` and at least four digits must still be an id-length text.
        if !campaign::is_valid_id(unit) || unit.len() > 48 {
            return Err(ArchiveNumberError::BadUnit);
        }
        if seq == 0 {
            return Err(ArchiveNumberError::BadSequence);
        }
        Ok(ArchiveNumber { unit: unit.to_string(), seq })
    }

    pub fn unit(&self) -> &str {
        &self.unit
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// The next number in the same book.
    pub fn next(&self) -> Option<ArchiveNumber> {
        Some(ArchiveNumber { unit: self.unit.clone(), seq: self.seq.checked_add(1)? })
    }
}

impl fmt::Display for ArchiveNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.unit, self.seq)
    }
}

impl FromStr for ArchiveNumber {
    type Err = ArchiveNumberError;

    /// Only the form `Display` writes, so one number has one text.
    fn from_str(text: &str) -> Result<ArchiveNumber, ArchiveNumberError> {
        let (unit, digits) = text.rsplit_once('-').ok_or(ArchiveNumberError::BadSequence)?;
        if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ArchiveNumberError::BadSequence);
        }
        let seq: u32 = digits.parse().map_err(|_| ArchiveNumberError::BadSequence)?;
        let number = ArchiveNumber::new(unit, seq)?;
        if number.to_string() != text {
            return Err(ArchiveNumberError::BadSequence);
        }
        Ok(number)
    }
}

impl serde::Serialize for ArchiveNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn format_and_parse() {
        let n = ArchiveNumber::new("jiefang-1", 42).unwrap();
        assert_eq!(n.to_string(), "jiefang-1-0042");
        assert_eq!("jiefang-1-0042".parse(), Ok(n.clone()));
        assert_eq!(n.next().unwrap().to_string(), "jiefang-1-0043");
        assert_eq!(ArchiveNumber::new("jiefang-1", 12345).unwrap().to_string(), "jiefang-1-12345");
        assert_eq!("jiefang-1-042".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadSequence));
        assert_eq!("jiefang-1-00042".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadSequence));
        assert_eq!("jiefang-1-0000".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadSequence));
        assert_eq!("Jiefang-0001".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadUnit));
        assert_eq!("0001".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadSequence));
        assert_eq!("-0001".parse::<ArchiveNumber>(), Err(ArchiveNumberError::BadUnit));
        assert_eq!(ArchiveNumber::new("c", 0), Err(ArchiveNumberError::BadSequence));
    }

    proptest! {
        #[test]
        fn round_trip(unit in "[a-z0-9][a-z0-9_-]{0,40}", seq in 1u32..) {
            let n = ArchiveNumber::new(&unit, seq).unwrap();
            prop_assert_eq!(n.to_string().parse::<ArchiveNumber>(), Ok(n));
        }

        #[test]
        fn never_panics(text in "\\PC{0,60}") {
            if let Ok(n) = text.parse::<ArchiveNumber>() {
                prop_assert_eq!(n.to_string(), text);
            }
        }
    }
}

//! A unit's PIN: the second thing a worker knows besides the link in the mail (which can be
//! forwarded), asked before a person's full record is shown. Six digits, not a trivial run.

use campaign::Lang;

/// How many digits a PIN has.
pub const PIN_DIGITS: usize = 6;

/// A PIN that passed the rules; never printed (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(******)")
    }
}

/// Why a PIN is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinError {
    /// Not six ASCII digits (full-width digits are read as their ASCII forms first).
    Format,
    /// One digit six times, or a run up or down (`123456`, `987654`): the first ones tried.
    Trivial,
    /// The two entries of a new PIN differ.
    Mismatch,
}

impl PinError {
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (PinError::Format, Lang::Zh) => "请输入6位数字",
            (PinError::Format, Lang::En) => "enter six digits",
            (PinError::Trivial, Lang::Zh) => "过于简单（相同或连续的数字），请换一个",
            (PinError::Trivial, Lang::En) => "too easy to guess (one digit repeated, or a run): choose another",
            (PinError::Mismatch, Lang::Zh) => "两次输入不一致",
            (PinError::Mismatch, Lang::En) => "the two entries differ",
        }
    }
}

impl Pin {
    /// A PIN as typed: spaces dropped, full-width digits (a Chinese keyboard's) read as ASCII.
    /// Checks only the form; see [`Pin::new`] for a PIN being set.
    pub fn parse(text: &str) -> Result<Pin, PinError> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                c => c,
            })
            .collect();
        if digits.len() != PIN_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinError::Format);
        }
        Ok(Pin(digits))
    }

    /// A new PIN, entered twice: the form, agreement, and not a trivial one.
    pub fn new(first: &str, again: &str) -> Result<Pin, PinError> {
        let pin = Pin::parse(first)?;
        if Pin::parse(again).ok().as_ref() != Some(&pin) {
            return Err(PinError::Mismatch);
        }
        let bytes = pin.0.as_bytes();
        let steps: Vec<i16> = bytes.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
        let run = |step: i16| steps.iter().all(|s| *s == step);
        if run(0) || run(1) || run(-1) {
            return Err(PinError::Trivial);
        }
        Ok(pin)
    }

    /// The digits, for hashing only.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_phones_type() {
        assert_eq!(Pin::parse(" 482 913 ").map(|p| p.digits().to_string()), Ok("482913".into()));
        assert_eq!(Pin::parse("４８２９１３").map(|p| p.digits().to_string()), Ok("482913".into()));
        assert_eq!(Pin::parse("48291"), Err(PinError::Format));
        assert_eq!(Pin::parse("4829130"), Err(PinError::Format));
        assert_eq!(Pin::parse("48a913"), Err(PinError::Format));
    }

    #[test]
    fn a_new_pin_is_entered_twice_and_not_trivial() {
        assert!(Pin::new("482913", "482913").is_ok());
        assert_eq!(Pin::new("482913", "482914"), Err(PinError::Mismatch));
        for trivial in ["000000", "888888", "123456", "987654", "345678"] {
            assert_eq!(Pin::new(trivial, trivial), Err(PinError::Trivial), "{trivial}");
        }
    }

    #[test]
    fn debug_hides_the_digits() {
        let pin = Pin::parse("482913").expect("a pin");
        assert!(!format!("{pin:?}").contains("482913"));
    }

    proptest! {
        #[test]
        fn every_six_digit_text_parses_to_itself(n in 0u32..1_000_000) {
            let text = format!("{n:06}");
            prop_assert_eq!(Pin::parse(&text).map(|p| p.digits().to_string()), Ok(text));
        }
    }
}

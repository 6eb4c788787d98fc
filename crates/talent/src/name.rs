//! People's names: the normal form names are compared in, and what a name may hold.
//!
//! Workers type `张 三`, `张　三` and `张三` for one person, and minority names with any of the
//! dots fonts offer (`阿依古丽·买买提`, `阿依古丽•买买提`, `阿依古丽・买买提`, `阿依古丽．买买提`).
//! The normal form drops every space and writes every such dot as `·` (U+00B7, the one GB 18030 and
//! the public security registry use), so the blind index of one name is one value.

use std::fmt;

use campaign::{Lang, TextShape, first_forbidden};

use crate::width;

/// The longest name kept, in characters (long transliterated minority names fit).
pub const MAX_NAME_CHARS: usize = 40;

/// The dots people type between the parts of a name.
const DOTS: &[char] = &['·', '•', '・', '．', '‧', '∙', '⋅', '.', '。'];

/// A person's name in normal form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

/// What is wrong with a typed name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum NameError {
    Empty,
    TooLong {
        chars: usize,
    },
    /// A digit: a name column that received a number or an ID.
    Digit {
        found: char,
    },
    /// A control or invisible formatting character.
    ControlCharacter,
}

impl NameError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (NameError::Empty, Lang::Zh) => "姓名为空".into(),
            (NameError::Empty, Lang::En) => "the name is empty".into(),
            (NameError::TooLong { chars }, Lang::Zh) => format!("姓名过长（{chars}个字，最多{MAX_NAME_CHARS}个）"),
            (NameError::TooLong { chars }, Lang::En) => {
                format!("the name is too long ({chars} characters, at most {MAX_NAME_CHARS})")
            }
            (NameError::Digit { found }, Lang::Zh) => format!("姓名中不应有数字“{found}”"),
            (NameError::Digit { found }, Lang::En) => format!("a name holds no digits, this has “{found}”"),
            (NameError::ControlCharacter, Lang::Zh) => "姓名中有控制字符".into(),
            (NameError::ControlCharacter, Lang::En) => "the name holds a control character".into(),
        }
    }
}

/// The normal form: full-width letters folded, leading, trailing and inner spaces removed, every
/// dot written `·`, and dots at either end or doubled dropped.
pub fn normalise_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(width::fold).filter(|c| !width::is_space(*c)) {
        if DOTS.contains(&c) {
            if !out.is_empty() && !out.ends_with('·') {
                out.push('·');
            }
        } else {
            out.push(c);
        }
    }
    while out.ends_with('·') {
        out.pop();
    }
    out
}

impl PersonName {
    pub fn parse(text: &str) -> Result<PersonName, NameError> {
        let name = normalise_name(text);
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if first_forbidden(&name, TextShape::Line).is_some() || name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        if let Some(found) = name.chars().find(|c| c.is_numeric()) {
            return Err(NameError::Digit { found });
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(NameError::TooLong { chars });
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PersonName {
    /// Masked: a name must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", crate::mask::mask_name(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_of_one_name_normalise_alike() {
        for text in ["张三", " 张 三 ", "张　三", "\u{00A0}张三\t"] {
            assert_eq!(normalise_name(text), "张三");
        }
        for text in [
            "阿依古丽·买买提",
            "阿依古丽•买买提",
            "阿依古丽・买买提",
            "阿依古丽．买买提",
            "阿依古丽 · 买买提",
            "·阿依古丽··买买提·",
        ] {
            assert_eq!(normalise_name(text), "阿依古丽·买买提", "{text}");
        }
    }

    #[test]
    fn validation() {
        assert_eq!(PersonName::parse("  "), Err(NameError::Empty));
        assert_eq!(PersonName::parse("·"), Err(NameError::Empty));
        assert_eq!(PersonName::parse("张3"), Err(NameError::Digit { found: '3' }));
        assert_eq!(PersonName::parse("张\u{202e}三"), Err(NameError::ControlCharacter));
        assert_eq!(PersonName::parse(&"张".repeat(41)), Err(NameError::TooLong { chars: 41 }));
        assert_eq!(PersonName::parse("欧阳娜娜").map(|n| n.0), Ok("欧阳娜娜".to_string()));
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(text in "[张三阿依古丽 ·•・．　a-zＡ-Ｚ]{0,20}") {
            let once = normalise_name(&text);
            prop_assert_eq!(normalise_name(&once), once);
        }

        #[test]
        fn never_panics(text in "\\PC{0,50}") {
            if let Ok(n) = PersonName::parse(&text) {
                prop_assert_eq!(PersonName::parse(n.as_str()), Ok(n.clone()));
            }
        }
    }
}

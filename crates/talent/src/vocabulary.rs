//! The one way a closed vocabulary is declared: an enum whose values parse from the Chinese label
//! offices write, a stable English key (also the serde form) or a listed alias, and nothing else.

use campaign::Lang;

/// A value that is not in a vocabulary. Its message lists what the vocabulary accepts, so a worker
/// fixing a spreadsheet row sees the choices.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct UnknownValue {
    /// The vocabulary's English key, e.g. `category`.
    pub vocabulary: &'static str,
    pub value: String,
    /// The Chinese labels of the vocabulary, in order.
    pub accepted_zh: &'static [&'static str],
    /// The English keys of the vocabulary, in order.
    pub accepted_en: &'static [&'static str],
}

impl UnknownValue {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("“{}”不是可选的值，可填：{}", self.value, self.accepted_zh.join("、")),
            Lang::En => format!("“{}” is not one of: {}", self.value, self.accepted_en.join(", ")),
        }
    }
}

/// What every vocabulary offers, for code that treats them alike: a form's select box, the
/// import template's list of accepted values, the tests below.
pub trait Vocabulary: Copy + Eq + std::fmt::Debug + 'static {
    /// The vocabulary's English key, e.g. `category`.
    const NAME: &'static str;
    /// Every value, in the order offices list them.
    fn all() -> &'static [Self];
    /// The stable English key of a value: the serde and storage form.
    fn key(self) -> &'static str;
    /// The label shown to people.
    fn label(self, lang: Lang) -> &'static str;
    /// Every text that parses to this value: the Chinese label, the key, the aliases.
    fn spellings(self) -> &'static [&'static str];
    /// The one parse.
    fn parse(text: &str) -> Result<Self, UnknownValue>;
}

/// Declares a vocabulary: `Variant => "key", "中文", "English" [, ["alias", …]];` per value.
///
/// Parsing trims the text and compares it with the Chinese label, the aliases (exactly) and the
/// key (ASCII case-insensitively); the English display label is not accepted as input, so that
/// only one English spelling (the key) ever reaches the data.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($vocab:literal) {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $key:literal, $zh:literal, $en:literal $(, [$($alias:literal),* $(,)?])? ;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order offices list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable English key: the serde and storage form.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The label shown to people.
            pub fn label(self, lang: campaign::Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, campaign::Lang::Zh) => $zh,
                        ($name::$variant, campaign::Lang::En) => $en,
                    )+
                }
            }

            /// Every text that parses to this value: the Chinese label, the key, the aliases.
            pub fn spellings(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$zh, $key $($(, $alias)*)?],)+ }
            }

            /// The one parse: the Chinese label, an alias or the English key; anything else is
            /// refused with the accepted values.
            pub fn parse(text: &str) -> Result<$name, $crate::vocabulary::UnknownValue> {
                let text = text.trim();
                $(
                    if text == $zh || text.eq_ignore_ascii_case($key) $($(|| text == $alias)*)? {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::vocabulary::UnknownValue {
                    vocabulary: $vocab,
                    value: text.to_string(),
                    accepted_zh: &[$($zh),+],
                    accepted_en: &[$($key),+],
                })
            }
        }

        impl $crate::vocabulary::Vocabulary for $name {
            const NAME: &'static str = $vocab;
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn key(self) -> &'static str {
                $name::key(self)
            }
            fn label(self, lang: campaign::Lang) -> &'static str {
                $name::label(self, lang)
            }
            fn spellings(self) -> &'static [&'static str] {
                $name::spellings(self)
            }
            fn parse(text: &str) -> Result<Self, $crate::vocabulary::UnknownValue> {
                $name::parse(text)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownValue;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $name::parse(text)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            /// Strict: only the English key, the storage form.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.key() == text)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&text, &[$($key),+]))
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;

    vocabulary! {
        /// A test vocabulary.
        pub enum Fruit ("fruit") {
            Apple => "apple", "苹果", "Apple", ["苹菓"];
            Pear => "pear", "梨", "Pear";
        }
    }

    #[test]
    fn parses_label_key_and_alias_and_nothing_else() {
        assert_eq!(Fruit::parse(" 苹果 "), Ok(Fruit::Apple));
        assert_eq!(Fruit::parse("APPLE"), Ok(Fruit::Apple));
        assert_eq!(Fruit::parse("苹菓"), Ok(Fruit::Apple));
        assert_eq!(Fruit::parse("梨"), Ok(Fruit::Pear));
        let err = Fruit::parse("香蕉").unwrap_err();
        assert_eq!(err.message(Lang::Zh), "“香蕉”不是可选的值，可填：苹果、梨");
        assert_eq!(err.message(Lang::En), "“香蕉” is not one of: apple, pear");
        assert!(Fruit::parse("").is_err());
        assert_eq!((Fruit::Pear.label(Lang::Zh), Fruit::Pear.label(Lang::En)), ("梨", "Pear"));
    }

    #[test]
    fn serde_uses_the_key_strictly() {
        assert_eq!(serde_json::to_string(&Fruit::Pear).unwrap(), "\"pear\"");
        assert_eq!(serde_json::from_str::<Fruit>("\"apple\"").unwrap(), Fruit::Apple);
        assert!(serde_json::from_str::<Fruit>("\"苹果\"").is_err());
    }
}

//! serde support: festivals, solar terms and offsets (de)serialise as their canonical
//! strings (`"mid-autumn"`, `"qingming"`, `"-21d"`); names are parsed as `from_name` does.

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use crate::festival::Festival;
use crate::offset::{Offset, parse_offset};
use crate::solar_term::SolarTerm;

impl Serialize for Festival {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Festival {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Festival::from_name(&name).ok_or_else(|| {
            de::Error::custom(format_args!(
                "unknown festival {name:?}, expected one of: {}",
                Festival::known_names().join(", ")
            ))
        })
    }
}

impl Serialize for SolarTerm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for SolarTerm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        SolarTerm::from_name(&name).ok_or_else(|| de::Error::custom(format_args!("unknown solar term {name:?}")))
    }
}

impl Serialize for Offset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_offset(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offset::OffsetUnit;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};

    fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, Error> {
        let deserializer: StrDeserializer<'a, Error> = text.into_deserializer();
        T::deserialize(deserializer)
    }

    #[test]
    fn festivals_deserialise_from_any_name() {
        assert_eq!(from_str::<Festival>("中秋"), Ok(Festival::MidAutumn));
        assert_eq!(from_str::<Festival>("winter-solstice"), Ok(Festival::SolarTerm(SolarTerm::Dongzhi)));
        let error = from_str::<Festival>("xmas").unwrap_err().to_string();
        assert!(error.contains("spring-festival"), "{error}");
        assert_eq!(from_str::<SolarTerm>("清明"), Ok(SolarTerm::Qingming));
        assert!(from_str::<SolarTerm>("中秋").is_err());
    }

    #[test]
    fn offsets_deserialise_and_reject() {
        assert_eq!(from_str::<Offset>("-21d"), Ok(Offset { amount: -21, unit: OffsetUnit::Days }));
        assert!(from_str::<Offset>("1.5d").is_err());
    }
}

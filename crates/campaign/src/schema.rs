//! JSON Schemas of the three file kinds, generated from the raw structs so they cannot drift.

use schemars::generate::SchemaSettings;

use crate::raw::{RawCampaign, RawDirectory, RawHolidays};

/// The JSON Schema of campaign files (draft 2020-12).
pub fn campaign_schema() -> serde_json::Value {
    schema_for::<RawCampaign>()
}

/// The JSON Schema of directory files.
pub fn directory_schema() -> serde_json::Value {
    schema_for::<RawDirectory>()
}

/// The JSON Schema of the holiday arrangements file.
pub fn holidays_schema() -> serde_json::Value {
    schema_for::<RawHolidays>()
}

fn schema_for<T: schemars::JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    strip_null(&mut schema);
    schema
}

/// schemars lets optional keys be `null`; guiyan does not (an absent key and `key: null` differ in
/// YAML only by a typo), so the schema must not suggest it.
fn strip_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(options)) = map.get_mut(key) {
                    options.retain(|o| o.get("type") != Some(&Value::String("null".into())));
                    if options.len() == 1 {
                        let only = options.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_never_allow_null() {
        for schema in [campaign_schema(), directory_schema(), holidays_schema()] {
            let text = schema.to_string();
            assert!(!text.contains("\"null\""), "{text}");
            assert_eq!(schema["additionalProperties"], false);
        }
    }
}

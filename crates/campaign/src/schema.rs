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
    generator.into_root_schema_for::<T>().to_value()
}

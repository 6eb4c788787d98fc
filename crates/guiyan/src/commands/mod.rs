//! One module per subcommand.

pub mod backup;
pub mod calendar;
pub mod engine_commands;
pub mod plan;
pub mod registry;
pub mod report;
pub mod schema;
pub mod status_json;
pub mod store_commands;
pub mod validate;
pub mod web_commands;

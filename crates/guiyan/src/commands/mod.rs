//! One module per subcommand.

pub mod calendar;
pub mod plan;
pub mod schema;
pub mod validate;

//! Campaign definitions: the YAML format, its two-stage parsing (raw structs, then validated typed
//! values) and every diagnostic, with locations. Pure: no IO, no clock.

mod counted;
mod diagnostic;
mod directory;
mod holidays;
mod ids;
mod layout;
mod load;
mod messages;
mod model;
mod paths;
mod raw;
mod read;
pub mod schema;
mod text;
mod time_expr;
mod timing;
mod validate;
mod validate_layout;
pub mod wording;
mod yaml;

pub use counted::RegisterCount;
pub use diagnostic::{
    Complexity, Diagnostic, DiagnosticKind, FileKind, Lang, Loc, ReadProblem, sort as sort_diagnostics,
};
pub use directory::{Directory, Group, Member, Unit};
pub use ids::{is_valid_email, is_valid_id};
pub use layout::{
    LEVEL_PREFIX, PlaceholderProblem, Point, PointPart, ReportLayout, ReportSection, TaskAttribute, ValueRef,
};
pub use load::{Files, MemoryFiles, Workflows, load};
pub use model::*;
pub use read::Located;
// The character rule of one-line and multi-line free text, shared with the talent registry's fields.
pub use text::{Shape as TextShape, first_forbidden};
pub use time_expr::{Base, TimeExpr, TimeExprError, parse_time_expr};
pub use timing::{Landing, RunFrame, frame, frame_for_day, frame_for_fire_time, resolve, uses_working_days};
pub use yaml::MAX_FILE_BYTES;

//! The 乡土人才排查统计表 (the 台账) as offices keep it, for every front end alike: reading a sheet
//! (.xlsx or CSV in UTF-8 or GBK, headers in any order), importing its rows through the store's
//! matching ladder with every rejected row handed back in an errors workbook, the empty template,
//! and the export in the same columns, so an export imports again.
//!
//! The command line (`guiyan registry import|export|template`) and the portal's upload and export
//! call the same functions here; they only read the bytes and show the outcome.

mod error;
mod export;
mod import;
mod sheet;
mod template;

pub use error::SheetError;
pub use export::{ExportFormat, render_export};
pub use import::{ImportOutcome, Rejected, import_sheet};
pub use sheet::{CONFIRM_HEADER, Column, REASON_HEADER, Row, Sheet, confirms, decode_text, read_sheet};
pub use template::{template, template_headers};

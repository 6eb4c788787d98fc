//! Documents as data, and their renderings: a report is composed once as a [`Document`] (title,
//! headings, paragraphs, tables) or a [`Workbook`] (sheets of cells) and written out as text,
//! Markdown, HTML, `.docx`, `.xlsx` or CSV. Pure: renderers return bytes, the caller writes them.
//!
//! One module per format, each with a free `render` function:
//!
//! | format | function | for |
//! |---|---|---|
//! | plain text | [`text::render`] | mail bodies, the terminal |
//! | Markdown (GFM) | [`markdown::render`] | chat groups, issue trackers |
//! | HTML | [`html::render_fragment`], [`html::render_page`] | the web, mail, printing |
//! | Word | [`docx::render`] | the 公文-like file offices exchange (GB/T 9704 layout) |
//! | Excel | [`xlsx::render`] | ledgers (台账) |
//! | CSV | [`csv::render`], [`csv::render_table`] | any spreadsheet, scripts |
//!
//! Every format shows an [`Cell::Empty`] as empty ("—" where a reader needs to see the gap), never
//! as 0. Caller text is escaped for the format and characters the format cannot carry (XML 1.0's
//! forbidden controls; terminal escapes in plain text) are dropped.

pub mod csv;
mod document;
pub mod docx;
mod error;
pub mod html;
pub mod markdown;
mod markup;
pub mod text;
mod width;
mod workbook;
pub mod xlsx;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod sample;

pub use document::{Block, Document, Run, Table};
pub use error::DocumentError;
pub use workbook::{Cell, DateTime, Sheet, Workbook};

//! Documents as data, and their renderings: a report is composed once as a [`Document`] (title,
//! headings, paragraphs, tables) or a [`Workbook`] (sheets of cells) and written out as text,
//! Markdown, HTML, `.docx`, `.xlsx` or CSV. Pure: renderers return bytes, the caller writes them.

mod document;
mod workbook;

pub use document::{Block, Document, Run, Table};
pub use workbook::{Cell, DateTime, Sheet, Workbook};

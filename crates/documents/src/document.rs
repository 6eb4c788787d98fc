//! A document as its readers see it: a title, an optional subtitle (the issuing line), and blocks
//! of headings, paragraphs and tables — what a 情况报告 or a 进度通报 is made of, independent of
//! the format it is written in.

use serde::Serialize;

use crate::workbook::Cell;

/// A document to render in any format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title, centred at the top ("…情况报告").
    pub title: String,
    /// A line under the title (issuing unit and date), if any.
    pub subtitle: Option<String>,
    /// The body, in reading order.
    pub blocks: Vec<Block>,
}

/// One block of a document's body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading; level 1 is a numbered section ("一、…"), level 2 a sub-heading ("（一）…").
    /// The numbering is part of the text: documents never number on their own.
    Heading { level: u8, text: String },
    /// A paragraph of runs, first-line indented in 公文 layouts.
    Paragraph { runs: Vec<Run> },
    /// A table with a header row.
    Table(Table),
}

/// A stretch of text within a paragraph; `bold` marks a lead-in ("一是…") or a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// A table: a caption, the column names and rows of cells (each row as long as the header).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), bold: false }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Self { text: text.into(), bold: true }
    }
}

impl Block {
    /// A heading of `level`.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Self::Heading { level, text: text.into() }
    }

    /// A paragraph of one plain run.
    pub fn paragraph(text: impl Into<String>) -> Self {
        Self::Paragraph { runs: vec![Run::plain(text)] }
    }
}

impl Document {
    /// A document with `title` and no body yet.
    pub fn new(title: impl Into<String>) -> Self {
        Self { title: title.into(), subtitle: None, blocks: Vec::new() }
    }
}

impl Table {
    /// The number of columns: the header's, or a longer row's (renderers pad short rows with
    /// empty cells rather than drop what a long row holds).
    pub fn column_count(&self) -> usize {
        self.rows.iter().map(Vec::len).chain([self.header.len()]).max().unwrap_or(0)
    }

    /// Whether column `index` holds figures only (ignoring empty cells), so it is right-aligned.
    pub(crate) fn is_numeric_column(&self, index: usize) -> bool {
        let mut cells =
            self.rows.iter().filter_map(|row| row.get(index)).filter(|c| !matches!(c, Cell::Empty)).peekable();
        cells.peek().is_some() && cells.all(Cell::is_numeric)
    }
}

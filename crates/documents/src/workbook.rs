//! A workbook as offices keep their ledgers (台账): named sheets, each a title row, a header and
//! rows of typed cells, so numbers stay numbers and times stay times in Excel.

use serde::Serialize;

/// Sheets in order; the first is the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// One sheet: its tab name (at most 31 characters, none of `[]:*?/\`; the renderer makes it so),
/// a title written above the table, the column names and the rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    pub name: String,
    pub title: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A cell's value, typed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// Nothing (not reported, not applicable) — shown empty, never as 0.
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    /// A share in 0..=1, shown as a percentage.
    Percent(f64),
    /// A local date and time as the reader's time zone shows it (the snapshot's zone), without offset.
    DateTime(DateTime),
}

/// A wall-clock date and time (no zone: the document states its zone once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }
}

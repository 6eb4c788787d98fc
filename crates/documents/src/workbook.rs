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

    /// The cell as readers see it in text, Markdown, HTML, `.docx` and CSV: integers as they
    /// are, numbers with at most two decimals (`12.5`, `3`), percentages with one (`12.5%`),
    /// date-times as `2027-02-01 17:30`, and `""` for an empty cell. A number that is not finite
    /// (NaN, ∞: a division by zero upstream) is shown empty too: it is no figure anyone reported.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Integer(n) => n.to_string(),
            Cell::Number(x) if x.is_finite() => two_decimals(*x),
            Cell::Percent(x) if x.is_finite() => format!("{:.1}%", normalise_zero(x * 100.0)),
            Cell::Number(_) | Cell::Percent(_) => String::new(),
            Cell::DateTime(t) => t.to_string(),
        }
    }

    /// Whether the cell shows nothing: [`Cell::Empty`], or a number that is not finite.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Number(x) | Cell::Percent(x) => !x.is_finite(),
            _ => false,
        }
    }

    /// Whether the cell is a figure (integer, number or percentage), which tables right-align.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Integer(_) | Cell::Number(_) | Cell::Percent(_))
    }
}

impl DateTime {
    /// A date and time to the minute.
    pub fn new(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> Self {
        Self { year, month, day, hour, minute }
    }
}

impl std::fmt::Display for DateTime {
    /// `2027-02-01 17:30`: ISO order, as offices write it in ledgers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02}", self.year, self.month, self.day, self.hour, self.minute)
    }
}

/// `x` rounded to two decimals, trailing zeros dropped: `3`, `2.5`, `0.33`.
fn two_decimals(x: f64) -> String {
    let text = format!("{:.2}", normalise_zero(x));
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// `-0.0` as `0.0`, so that no table shows "-0".
fn normalise_zero(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_display_as_readers_expect() {
        assert_eq!(Cell::Empty.display(), "");
        assert_eq!(Cell::Integer(-12).display(), "-12");
        assert_eq!(Cell::Number(3.0).display(), "3");
        assert_eq!(Cell::Number(2.5).display(), "2.5");
        assert_eq!(Cell::Number(1.0 / 3.0).display(), "0.33");
        assert_eq!(Cell::Number(-0.001).display(), "0");
        assert_eq!(Cell::Number(f64::NAN).display(), "");
        assert_eq!(Cell::Percent(0.125).display(), "12.5%");
        assert_eq!(Cell::Percent(1.0).display(), "100.0%");
        assert_eq!(Cell::Percent(f64::INFINITY).display(), "");
        assert_eq!(Cell::DateTime(DateTime::new(2027, 2, 1, 17, 30)).display(), "2027-02-01 17:30");
        assert!(Cell::Number(f64::NAN).is_blank() && Cell::Empty.is_blank() && !Cell::Integer(0).is_blank());
    }
}

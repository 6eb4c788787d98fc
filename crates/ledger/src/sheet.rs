//! Reading the 乡土人才排查统计表 as offices keep it: the first sheet of an .xlsx, or a CSV in UTF-8
//! (with or without a byte-order mark) or GBK; the header row found by its Chinese headers, in any
//! order, below any title rows; every cell as text, Excel dates and serial numbers as 出生年月.

use calamine::{Data, Reader};
use chrono::NaiveDate;
use talent::{BirthYearMonth, Field};

use crate::error::SheetError;

/// What a column of the sheet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Field(Field),
    /// 社区: the unit (its id or name) of the row, when one sheet covers several communities.
    Unit,
    /// 确认为另一人 (of an errors workbook): 是 when the worker checked that a possible duplicate
    /// is another person.
    Confirm,
    /// 序号, 档案编号, 原因 (of an errors workbook) and unknown headers: read past.
    Ignored,
}

/// The importer's own headers besides the fields.
const UNIT_HEADERS: &[&str] = &["社区", "所属社区", "单位", "社区名称"];
const IGNORED_HEADERS: &[&str] = &["序号", "编号", "档案编号", "原因", "错误原因", "户籍/现居"];
/// The column an errors workbook adds.
pub const REASON_HEADER: &str = "原因";
/// The column an errors workbook adds for possible duplicates: 是 enters the row anyway.
pub const CONFIRM_HEADER: &str = "确认为另一人";
const CONFIRM_HEADERS: &[&str] = &[CONFIRM_HEADER, "确认不同人员", "确认为不同人员"];

/// Whether a 确认为另一人 cell says yes.
pub fn confirms(cell: &str) -> bool {
    matches!(cell.trim(), "是" | "确认" | "√" | "✓" | "Y" | "y" | "yes" | "Yes" | "YES")
}

/// A sheet read: the header as written, what each column is, and the rows below it.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub header: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// One row: its line in the sheet (1-based, as Excel numbers it) and its cells as text.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Sheet {
    /// The headers that are neither fields nor the importer's own: shown to the worker.
    pub fn unknown_headers(&self) -> Vec<&str> {
        self.header
            .iter()
            .zip(&self.columns)
            .filter(|(h, c)| **c == Column::Ignored && !h.trim().is_empty() && !IGNORED_HEADERS.contains(&h.trim()))
            .map(|(h, _)| h.as_str())
            .collect()
    }
}

fn column_of(header: &str) -> Column {
    let h = header.trim();
    if UNIT_HEADERS.contains(&h) {
        return Column::Unit;
    }
    if CONFIRM_HEADERS.contains(&h) {
        return Column::Confirm;
    }
    match Field::parse(h) {
        Ok(field) => Column::Field(field),
        Err(_) => Column::Ignored,
    }
}

/// The workbook formats calamine reads, by the file name's extension.
const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Reads a file's `bytes`, named `file_name`: a workbook (`.xlsx`, `.xls`, `.ods` …) through
/// calamine, anything else as CSV. A workbook is also recognised by its content (a zip or an OLE
/// file), since an upload's name may have lost its extension.
pub fn read_sheet(bytes: &[u8], file_name: &str) -> Result<Sheet, SheetError> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let looks_like_workbook = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0");
    let grid = if WORKBOOK_EXTENSIONS.contains(&ext.as_str()) || looks_like_workbook {
        read_workbook(bytes.to_vec())?
    } else {
        read_csv(bytes)?
    };
    into_sheet(grid)
}

/// A cell before its column is known: text, or a date or number Excel typed.
#[derive(Clone, Debug)]
enum Raw {
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

fn read_workbook(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<Raw>)>, SheetError> {
    let unreadable = |e: calamine::Error| SheetError::Workbook(e.to_string());
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let range =
        book.worksheet_range_at(0).ok_or_else(|| SheetError::Workbook("no sheet".into()))?.map_err(unreadable)?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<Raw> = vec![Raw::Text(String::new()); first_col];
        for cell in row {
            cells.push(match cell {
                Data::Empty => Raw::Text(String::new()),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Text(s.clone()),
                Data::Int(n) => Raw::Number(*n as f64),
                Data::Float(x) => Raw::Number(*x),
                Data::Bool(b) => Raw::Text(b.to_string()),
                Data::DateTime(d) => match d.as_datetime() {
                    Some(t) => Raw::Date(t.date()),
                    None => Raw::Number(d.as_f64()),
                },
                Data::Error(e) => Raw::Text(format!("#{e:?}")),
            });
        }
        out.push((first_row + i + 1, cells));
    }
    Ok(out)
}

/// UTF-8 (a BOM stripped) when the bytes are valid UTF-8, else GBK: what Excel in a Chinese
/// locale saves as "CSV".
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Raw>)>, SheetError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Csv(e.to_string()))?;
        // The row Excel shows the record on: one per record, whatever lines a quoted cell spans.
        let line = out.len() + 1;
        out.push((line, record.iter().map(|c| Raw::Text(c.to_string())).collect()));
    }
    Ok(out)
}

/// How many rows from the top the header may be (titles above it).
const HEADER_SEARCH_ROWS: usize = 10;

fn into_sheet(grid: Vec<(usize, Vec<Raw>)>) -> Result<Sheet, SheetError> {
    let as_text = |r: &Raw| match r {
        Raw::Text(t) => t.clone(),
        Raw::Number(x) => number_text(*x),
        Raw::Date(d) => d.to_string(),
    };
    let header_at = grid.iter().take(HEADER_SEARCH_ROWS).position(|(_, cells)| {
        cells.iter().filter(|c| matches!(column_of(&as_text(c)), Column::Field(_))).count() >= 2
    });
    let Some(header_at) = header_at else { return Err(SheetError::NoHeader) };
    let header: Vec<String> = grid[header_at].1.iter().map(|c| as_text(c).trim().to_string()).collect();
    let columns: Vec<Column> = header.iter().map(|h| column_of(h)).collect();
    let mut seen = Vec::new();
    for (h, c) in header.iter().zip(&columns) {
        if let Column::Field(f) = c {
            if seen.contains(f) {
                return Err(SheetError::DuplicateColumn(h.clone()));
            }
            seen.push(*f);
        }
    }
    let mut rows = Vec::new();
    for (line, cells) in grid.into_iter().skip(header_at + 1) {
        let cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, raw)| match (columns.get(i), raw) {
                (Some(Column::Field(Field::BirthYearMonth)), Raw::Date(d)) => BirthYearMonth::from_date(*d).to_string(),
                (Some(Column::Field(Field::BirthYearMonth)), Raw::Number(x)) => serial_birth(*x),
                _ => as_text(raw),
            })
            .collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row { line, cells });
    }
    Ok(Sheet { header, columns, rows })
}

/// A number typed into 出生年月: `198503` or `1985.03` as typed, else an Excel serial date
/// (days since 1899-12-30) whose cell lost its date format.
fn serial_birth(x: f64) -> String {
    if (1.0..=80_000.0).contains(&x) && x.fract() == 0.0 {
        let date = NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.checked_add_days(chrono::Days::new(x as u64)));
        if let Some(date) = date {
            return BirthYearMonth::from_date(date).to_string();
        }
    }
    number_text(x)
}

/// A number as a worker typed it: integers without `.0` (a mobile or an ID number typed as a
/// number; beyond 15 digits Excel has already lost digits, which the check character catches).
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e17 { format!("{}", x as i64) } else { x.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_with_a_bom_decode_alike() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,联系电话\r\n张三,13800138000\r\n");
        assert_eq!(decode_text(&gbk), "姓名,联系电话\r\n张三,13800138000\r\n");
        assert_eq!(decode_text("\u{feff}姓名".as_bytes()), "姓名");
    }

    #[test]
    fn a_workbook_is_known_by_its_content_when_its_name_lost_the_extension() {
        let book = documents::Workbook {
            sheets: vec![documents::Sheet {
                name: "表".into(),
                title: None,
                header: vec!["姓名".into(), "联系电话".into()],
                rows: vec![vec![documents::Cell::text("张三"), documents::Cell::text("13800138000")]],
            }],
        };
        let bytes = documents::xlsx::render(&book).expect("a workbook");
        let sheet = read_sheet(&bytes, "upload").expect("read as a workbook");
        assert_eq!(sheet.rows[0].cells, vec!["张三", "13800138000"]);
        assert!(matches!(read_sheet(b"PK\x03\x04broken", "x.csv"), Err(SheetError::Workbook(_))));
        assert!(matches!(read_sheet("会议,地点\n周一,会议室\n".as_bytes(), "x.csv"), Err(SheetError::NoHeader)));
    }

    #[test]
    fn the_header_is_found_below_a_title_and_serial_dates_read() {
        let grid = vec![
            (1, vec![Raw::Text("解放路第一社区乡土人才排查统计表".into())]),
            (2, vec![Raw::Text("序号".into()), Raw::Text("出生年月".into()), Raw::Text("姓名".into())]),
            (3, vec![Raw::Number(1.0), Raw::Number(31107.0), Raw::Text("张三".into())]),
            (4, vec![]),
        ];
        let sheet = into_sheet(grid).unwrap();
        assert_eq!(
            sheet.columns,
            vec![Column::Ignored, Column::Field(Field::BirthYearMonth), Column::Field(Field::Name)]
        );
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 3);
        assert_eq!(sheet.rows[0].cells, vec!["1", "1985-03", "张三"]);
    }
}

//! Excel (`.xlsx`) through rust_xlsxwriter, laid out as an office ledger (台账): per sheet a bold
//! title merged across the table, a bold, filled and ruled header row, panes frozen under it, an
//! autofilter, columns as wide as their content, and every cell typed — integers and numbers as
//! numbers, percentages as percentages, date-times as Excel date-times — so the reader can sum,
//! sort and filter. Empty cells are left blank, never 0.

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet};

use crate::width::columns;
use crate::{Cell, DateTime, DocumentError, Sheet, Workbook};

/// Excel's limit on a sheet name, in UTF-16 code units.
const MAX_NAME: usize = 31;
/// Column widths in Excel's character units: at least a short figure's, at most a screen third.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// The cell formats, made once per workbook.
struct Formats {
    title: Format,
    header: Format,
    integer: Format,
    number: Format,
    percent: Format,
    datetime: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            integer: Format::new().set_num_format("0"),
            // `0.##` alone shows a whole number as "3." in Excel; whole numbers use `integer`.
            number: Format::new().set_num_format("0.##"),
            percent: Format::new().set_num_format("0.0%"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        }
    }
}

/// The workbook as the bytes of an `.xlsx` file.
///
/// Sheet names are made valid and unique as [`sheet_names`] says; a workbook without sheets gets
/// one empty `Sheet1`, since Excel opens no file without a sheet. Integers beyond ±2⁵³ lose
/// precision (Excel holds every number as a double). Errors: a date-time Excel cannot hold
/// (before 1900, after 9999, not a real date), or a limit of Excel's (1,048,576 rows, 16,384
/// columns, 32,767 characters in a cell).
pub fn render(workbook: &Workbook) -> Result<Vec<u8>, DocumentError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    // rust_xlsxwriter stamps the creation time from the system clock unless told one; a fixed
    // one keeps the crate clock-free and the output the same for the same workbook.
    let epoch = ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let formats = Formats::new();
    for (sheet, name) in workbook.sheets.iter().zip(sheet_names(workbook)) {
        let worksheet = book.add_worksheet();
        worksheet.set_name(&name)?;
        write_sheet(worksheet, sheet, &formats)?;
    }
    Ok(book.save_to_buffer()?)
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet, formats: &Formats) -> Result<(), DocumentError> {
    let count = sheet.rows.iter().map(Vec::len).chain([sheet.header.len()]).max().unwrap_or(0);
    let last_col = col_number(count.saturating_sub(1))?;
    let mut row: u32 = 0;
    if let Some(title) = &sheet.title {
        if count > 1 {
            worksheet.merge_range(0, 0, 0, last_col, title, &formats.title)?;
        } else {
            worksheet.write_string_with_format(0, 0, title, &formats.title)?;
        }
        worksheet.set_row_height(0, 24)?;
        row = 1;
    }
    let mut widths = vec![0usize; count];
    let header_row = row;
    if !sheet.header.is_empty() {
        for (col, name) in sheet.header.iter().enumerate() {
            worksheet.write_string_with_format(header_row, col_number(col)?, name, &formats.header)?;
            widths[col] = columns(name);
        }
        row += 1;
    }
    for (index, cells) in sheet.rows.iter().enumerate() {
        let r = row_number(row as usize + index)?;
        for (col, cell) in cells.iter().enumerate() {
            let c = col_number(col)?;
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(text) => {
                    worksheet.write_string(r, c, text)?;
                    columns(text)
                }
                Cell::Integer(n) => {
                    // Excel holds numbers as doubles: beyond ±2⁵³ this rounds, as Excel would.
                    #[allow(clippy::cast_precision_loss)]
                    worksheet.write_number_with_format(r, c, *n as f64, &formats.integer)?;
                    digits(*n)
                }
                Cell::Number(x) if x.is_finite() => {
                    let format = if x.fract() == 0.0 { &formats.integer } else { &formats.number };
                    worksheet.write_number_with_format(r, c, *x, format)?;
                    cell.display().len()
                }
                Cell::Percent(x) if x.is_finite() => {
                    worksheet.write_number_with_format(r, c, *x, &formats.percent)?;
                    cell.display().len()
                }
                // Not a figure anyone reported (NaN, ∞): blank, like an empty cell.
                Cell::Number(_) | Cell::Percent(_) => 0,
                Cell::DateTime(t) => {
                    let serial = excel_datetime(t).ok_or_else(|| invalid(sheet, index, col, t))?;
                    worksheet.write_datetime_with_format(r, c, &serial, &formats.datetime)?;
                    "yyyy-mm-dd hh:mm".len()
                }
            };
            widths[col] = widths[col].max(shown);
        }
    }
    for (col, width) in widths.iter().enumerate() {
        // Two characters of padding; the filter button takes about that much room in the header.
        let width = u32::try_from((width + 2).clamp(MIN_WIDTH, MAX_WIDTH)).unwrap_or(60);
        worksheet.set_column_width(col_number(col)?, width)?;
    }
    if !sheet.header.is_empty() {
        worksheet.set_freeze_panes(header_row + 1, 0)?;
        let last_row = row_number(header_row as usize + sheet.rows.len())?;
        worksheet.autofilter(header_row, 0, last_row, last_col)?;
    }
    Ok(())
}

/// The characters `n` takes written out, sign included, counted without formatting it (this runs
/// once per integer cell: 153,000 times in the 51k-row ledger).
fn digits(n: i64) -> usize {
    let sign = usize::from(n < 0);
    let magnitude = n.unsigned_abs();
    sign + magnitude.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// The date-time as Excel holds it, if Excel can (1900-01-01 to 9999-12-31, a real date and time).
fn excel_datetime(t: &DateTime) -> Option<ExcelDateTime> {
    if t.hour > 23 || t.minute > 59 || !(1900..=9999).contains(&t.year) {
        return None;
    }
    let year = u16::try_from(t.year).ok()?;
    ExcelDateTime::from_ymd(year, t.month, t.day).ok()?.and_hms(u16::from(t.hour), t.minute, 0).ok()
}

fn invalid(sheet: &Sheet, row: usize, column: usize, t: &DateTime) -> DocumentError {
    DocumentError::InvalidDateTime {
        sheet: sheet.name.clone(),
        row,
        column,
        year: t.year,
        month: t.month,
        day: t.day,
        hour: t.hour,
        minute: t.minute,
    }
}

fn row_number(row: usize) -> Result<u32, DocumentError> {
    u32::try_from(row).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError.into())
}

fn col_number(col: usize) -> Result<u16, DocumentError> {
    u16::try_from(col).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError.into())
}

/// The tab names [`render`] gives the sheets, in order: each sheet's `name` made valid — the
/// characters Excel forbids (`[]:*?/\`) replaced by their full-width forms (`：` reads naturally
/// in a Chinese name), control characters dropped, apostrophes trimmed from the ends, cut to 31
/// UTF-16 units — and unique as Excel compares them (ignoring case), by " (2)", " (3)", …; an
/// empty name becomes `Sheet1`, `Sheet2`, … by position. "History" is reserved by Excel.
pub fn sheet_names(workbook: &Workbook) -> Vec<String> {
    let mut taken: Vec<String> = Vec::with_capacity(workbook.sheets.len());
    let mut names = Vec::with_capacity(workbook.sheets.len());
    for (index, sheet) in workbook.sheets.iter().enumerate() {
        let mut base = sanitize(&sheet.name);
        if base.is_empty() {
            base = format!("Sheet{}", index + 1);
        }
        let mut name = base.clone();
        let mut n = 2;
        while name.to_lowercase() == "history" || taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = format!("{}{suffix}", cut(&base, MAX_NAME - suffix.len()));
            n += 1;
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
}

fn sanitize(name: &str) -> String {
    let replaced: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            c => c,
        })
        .collect();
    let trimmed = replaced.trim().trim_matches('\'').trim();
    cut(trimmed, MAX_NAME).trim_end().trim_end_matches('\'').to_string()
}

/// The longest prefix of `text` of at most `max` UTF-16 code units.
fn cut(text: &str, max: usize) -> &str {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &text[..at];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader};

    use super::*;
    use crate::sample;

    pub(crate) fn read(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    fn serial(t: &DateTime) -> f64 {
        excel_datetime(t).unwrap().to_excel()
    }

    #[test]
    fn names_are_sanitised_and_unique() {
        let names = sheet_names(&sample::ledger());
        assert_eq!(names, ["汇总［2027］", "东城／西城： 明细？", "汇总［2027］ (2)"]);
        let book = read(render(&sample::ledger()).unwrap());
        assert_eq!(book.sheet_names(), names);
    }

    #[test]
    fn long_duplicate_and_odd_names() {
        let sheet = |name: &str| Sheet { name: name.into(), title: None, header: vec![], rows: vec![] };
        let long = "长".repeat(40);
        let workbook = Workbook {
            sheets: vec![sheet(&long), sheet(&long), sheet(""), sheet("'History'"), sheet("SHEET3"), sheet("\u{1}")],
        };
        let names = sheet_names(&workbook);
        assert_eq!(names[0], "长".repeat(31));
        assert_eq!(names[1], format!("{} (2)", "长".repeat(27)));
        assert_eq!(names[2..], ["Sheet3", "History (2)", "SHEET3 (2)", "Sheet6"]);
        render(&workbook).unwrap();
    }

    #[test]
    fn values_and_types_read_back() {
        let ledger = sample::ledger();
        let mut book = read(render(&ledger).unwrap());
        let range = book.worksheet_range("汇总［2027］").unwrap();
        let sheet = &ledger.sheets[0];
        assert_eq!(range.get_value((0, 0)), Some(&Data::String(sheet.title.clone().unwrap())));
        for (col, name) in sheet.header.iter().enumerate() {
            assert_eq!(range.get_value((1, col as u32)), Some(&Data::String(name.clone())));
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let found = range.get_value((r as u32 + 2, c as u32)).unwrap_or(&Data::Empty);
                match (cell, found) {
                    (Cell::Empty, Data::Empty) => {}
                    (Cell::Text(t), Data::String(s)) => assert_eq!(t, s),
                    (Cell::Integer(n), Data::Float(x)) => assert_eq!(*n as f64, *x),
                    (Cell::Number(n) | Cell::Percent(n), Data::Float(x)) => assert_eq!(n, x),
                    (Cell::DateTime(t), Data::DateTime(d)) => {
                        assert!(d.is_datetime());
                        assert!((d.as_f64() - serial(t)).abs() < 1e-9);
                    }
                    other => panic!("row {r} column {c}: {other:?}"),
                }
            }
        }
        // A text that looks like a formula stays text.
        let range = book.worksheet_range("东城／西城： 明细？").unwrap();
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("=SUM(A1:A9)".into())));
        assert!(matches!(range.get_value((2, 1)), None | Some(Data::Empty)));
    }

    #[test]
    fn a_date_excel_cannot_hold_is_an_error() {
        let mut ledger = sample::ledger();
        ledger.sheets[0].rows[0][4] = Cell::DateTime(DateTime::new(2027, 2, 30, 9, 0));
        let error = render(&ledger).unwrap_err();
        assert_eq!(
            error.to_string(),
            "sheet \"汇总[2027]\", row 0, column 4: 2027-02-30 09:00 is not a date-time Excel can hold"
        );
    }

    #[test]
    fn digits_count_like_formatting() {
        for n in [0, 7, -7, 10, 99, -100, 1204, i64::MAX, i64::MIN] {
            assert_eq!(digits(n), n.to_string().len(), "{n}");
        }
    }

    #[test]
    fn the_same_workbook_gives_the_same_bytes() {
        assert_eq!(render(&sample::ledger()).unwrap(), render(&sample::ledger()).unwrap());
    }
}

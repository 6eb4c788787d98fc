//! CSV for any spreadsheet and for scripts: UTF-8 with a byte-order mark, a header row, CRLF line
//! ends, fields quoted only when they must be (RFC 4180). Titles and captions are left out: a CSV
//! file is one table, and a line above the header would be read as the header.
//!
//! Written by hand rather than through the csv crate: quoting is four rules and writing into a
//! `Vec` cannot fail, so the functions return bytes, not a `Result`.

use crate::{Cell, Sheet, Table};

/// The UTF-8 byte-order mark. Without it, Excel in a Chinese locale reads the file as GBK and
/// every Chinese character comes out garbled.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A sheet as CSV: its header and rows (not its title).
pub fn render(sheet: &Sheet) -> Vec<u8> {
    write(&sheet.header, &sheet.rows)
}

/// A table as CSV: its header and rows (not its caption).
pub fn render_table(table: &Table) -> Vec<u8> {
    write(&table.header, &table.rows)
}

fn write(header: &[String], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    let count = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
    if !header.is_empty() {
        for i in 0..count {
            if i > 0 {
                out.push(',');
            }
            text_field(&mut out, header.get(i).map(String::as_str).unwrap_or_default());
        }
        out.push_str("\r\n");
    }
    for row in rows {
        for i in 0..count {
            if i > 0 {
                out.push(',');
            }
            match row.get(i) {
                None | Some(Cell::Empty) => {}
                Some(Cell::Text(text)) => text_field(&mut out, text),
                // Numbers plain, at full precision (`{}` is the shortest text that reads back the
                // same double): a script reading the file gets the figure, not a rounding of it.
                Some(Cell::Number(x)) if x.is_finite() => out.push_str(&x.to_string()),
                Some(cell) => field(&mut out, &cell.display()),
            }
        }
        out.push_str("\r\n");
    }
    let mut bytes = Vec::with_capacity(BOM.len() + out.len());
    bytes.extend_from_slice(BOM);
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

/// A caller's text, guarded against formula injection: a spreadsheet opening the file runs a
/// field that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)` leaking data, `=cmd|…`
/// on old Excel), and a unit's remark or name is text anyone with a link can type. A leading `'`
/// makes Excel and WPS show the rest as text (OWASP's advice); tab and carriage return are
/// included because Excel strips them before looking for the `=`.
fn text_field(out: &mut String, text: &str) {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(out, &format!("'{text}"));
    } else {
        field(out, text);
    }
}

/// A field, quoted if it holds a comma, a quote or a line break (quotes doubled inside), or
/// starts or ends with a space that a reader might trim.
fn field(out: &mut String, text: &str) {
    let quote = text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
    if quote {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn parse(bytes: &[u8]) -> Vec<Vec<String>> {
        assert!(bytes.starts_with(BOM), "no BOM");
        let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[BOM.len()..]);
        reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
    }

    #[test]
    fn sample_table_reads_back() {
        let rows = parse(&render_table(&sample::progress_table()));
        assert_eq!(
            rows,
            [
                vec!["街道", "走访人数", "完成率", "平均用时（天）", "最后上报"],
                vec!["东城街道", "1204", "100.0%", "2.5", "2027-01-30 17:30"],
                vec!["西城街道", "86", "12.5%", "", "2027-02-01 09:05"],
                vec!["南湖街道", "", "0.0%", "3", ""],
            ]
        );
    }

    #[test]
    fn formulas_are_defused_and_quotes_survive() {
        let sheet = Sheet {
            name: "x".into(),
            title: Some("不写入".into()),
            header: vec!["=备注".into(), "b".into()],
            rows: vec![
                vec![Cell::text("=HYPERLINK(\"http://x\",\"y\")"), Cell::text("+1")],
                vec![Cell::text("-2"), Cell::text("@SUM(A1)")],
                vec![Cell::text("a, \"b\"\nc"), Cell::Integer(-2)],
                vec![Cell::Number(0.1 + 0.2)],
            ],
        };
        let rows = parse(&render(&sheet));
        assert_eq!(
            rows,
            [
                vec!["'=备注", "b"],
                vec!["'=HYPERLINK(\"http://x\",\"y\")", "'+1"],
                vec!["'-2", "'@SUM(A1)"],
                vec!["a, \"b\"\nc", "-2"],
                vec!["0.30000000000000004", ""],
            ]
        );
    }
}

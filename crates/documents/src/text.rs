//! Plain text, for mail bodies and the terminal: the title and issuing line, headings as lines of
//! their own, paragraphs indented two full-width spaces as in a 公文, and tables as aligned columns
//! in which a CJK character counts two columns.

use crate::width::columns;
use crate::{Block, Cell, Document, Run, Table};

/// The first-line indent of a paragraph: two full-width spaces, two characters as in a 公文.
const INDENT: &str = "\u{3000}\u{3000}";
/// What an empty cell shows, so a gap is seen as a gap and never mistaken for a misalignment.
const EMPTY: &str = "—";
/// Between two table columns.
const GAP: &str = "  ";

/// The document as plain text, lines ending in `\n`, blocks separated by a blank line.
pub fn render(document: &Document) -> String {
    let mut out = String::new();
    out.push_str(&one_line(&document.title));
    out.push('\n');
    if let Some(subtitle) = &document.subtitle {
        out.push_str(&one_line(subtitle));
        out.push('\n');
    }
    for block in &document.blocks {
        out.push('\n');
        match block {
            Block::Heading { text, .. } => {
                out.push_str(&one_line(text));
                out.push('\n');
            }
            Block::Paragraph { runs } => paragraph(&mut out, runs),
            Block::Table(table) => render_table_into(&mut out, table),
        }
    }
    out
}

/// A table alone as aligned columns (its caption first, if any).
pub fn render_table(table: &Table) -> String {
    let mut out = String::new();
    render_table_into(&mut out, table);
    out
}

/// A paragraph's runs (bold has no plain-text form), each line indented.
fn paragraph(out: &mut String, runs: &[Run]) {
    let text: String = runs.iter().map(|run| run.text.as_str()).collect();
    for line in clean(&text).split('\n') {
        out.push_str(INDENT);
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn render_table_into(out: &mut String, table: &Table) {
    if let Some(caption) = &table.caption {
        out.push_str(&one_line(caption));
        out.push('\n');
    }
    let count = table.column_count();
    if count == 0 {
        return;
    }
    let header: Vec<String> =
        (0..count).map(|i| table.header.get(i).map(|h| one_line(h)).unwrap_or_default()).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| (0..count).map(|i| row.get(i).map_or_else(|| EMPTY.to_string(), cell_text)).collect())
        .collect();
    let widths: Vec<usize> = (0..count)
        .map(|i| rows.iter().map(|row| columns(&row[i])).chain([columns(&header[i])]).max().unwrap_or(0))
        .collect();
    let right: Vec<bool> = (0..count).map(|i| table.is_numeric_column(i)).collect();

    let line = |out: &mut String, cells: &[String]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str(GAP);
            }
            let pad = " ".repeat(widths[i].saturating_sub(columns(cell)));
            if right[i] {
                text.push_str(&pad);
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&pad);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(out, &header);
    line(out, &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for row in &rows {
        line(out, row);
    }
}

fn cell_text(cell: &Cell) -> String {
    if cell.is_blank() { EMPTY.to_string() } else { one_line(&cell.display()) }
}

/// `text` with line breaks kept and every other control character dropped: caller text must not
/// move a terminal's cursor or recolour it (ESC sequences), nor misalign a table (tabs).
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' | '\r' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides reorder what follows them on screen ("Trojan Source").
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// `text` cleaned and on one line (titles, headings, cells): line breaks become spaces.
fn one_line(text: &str) -> String {
    clean(text).replace('\n', " ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render(&sample::report()));
    }

    #[test]
    fn cjk_counts_two_columns_and_figures_align_right() {
        let table = Table {
            caption: None,
            header: vec!["名".into(), "n".into()],
            rows: vec![vec![Cell::text("东城"), Cell::Integer(5)], vec![Cell::text("abc"), Cell::Integer(1204)]],
        };
        assert_eq!(render_table(&table), "名       n\n----  ----\n东城     5\nabc   1204\n");
    }

    #[test]
    fn empty_cells_show_a_dash_and_short_rows_are_padded() {
        let table = Table { caption: None, header: vec!["a".into(), "b".into()], rows: vec![vec![Cell::Empty]] };
        assert_eq!(render_table(&table), "a  b\n-  -\n—  —\n");
    }

    #[test]
    fn terminal_escapes_and_tabs_in_caller_text_are_dropped() {
        let mut document = Document::new("标题\u{1b}[31m红\tX");
        document.blocks.push(Block::paragraph("一行\n二行\u{7}"));
        assert_eq!(render(&document), "标题[31m红 X\n\n\u{3000}\u{3000}一行\n\u{3000}\u{3000}二行\n");
    }
}

//! GitHub-flavoured Markdown: `#` title, `##`/`###` headings, paragraphs with bold runs, GFM
//! pipe tables with figures right-aligned. Every caller character that Markdown would read as
//! syntax is backslash-escaped, so a unit's text never becomes a link, a heading or raw HTML.

use crate::{Block, Cell, Document, Run, Table};

/// What an empty cell shows (a bare empty cell reads like a rendering fault in a pipe table).
const EMPTY: &str = "—";

/// The document as Markdown, blocks separated by a blank line.
pub fn render(document: &Document) -> String {
    let mut out = format!("# {}\n", inline(&one_line(&document.title)));
    if let Some(subtitle) = &document.subtitle {
        out.push('\n');
        out.push_str(&block(&one_line(subtitle)));
        out.push('\n');
    }
    for block in &document.blocks {
        out.push('\n');
        match block {
            Block::Heading { level, text } => {
                // The title is the only `#`; level 1 is `##`, and Markdown stops at `######`.
                let hashes = "#".repeat(usize::from(*level).clamp(1, 5) + 1);
                out.push_str(&format!("{hashes} {}\n", inline(&one_line(text))));
            }
            Block::Paragraph { runs } => paragraph(&mut out, runs),
            Block::Table(table) => table_into(&mut out, table),
        }
    }
    out
}

fn paragraph(out: &mut String, runs: &[Run]) {
    let mut text = String::new();
    for run in runs {
        let cleaned = clean(&run.text);
        if run.bold {
            bold(&mut text, &cleaned);
        } else {
            text.push_str(&block(&cleaned));
        }
    }
    // A line break inside a paragraph is a hard break (`\` at the end of the line); a paragraph
    // that is empty is not written at all, since a blank line would end nothing.
    let text = text.trim_matches('\n').replace('\n', "\\\n");
    if !text.trim().is_empty() {
        out.push_str(&text);
        out.push('\n');
    }
}

/// A bold run. `**…**` only works where CommonMark's flanking rules let it: `**一是…。**社区`
/// (punctuation inside the closing `**`, a letter after it) stays literal asterisks. So a run
/// that starts or ends with anything but a letter or digit is wrapped in `<strong>`, which GFM
/// passes through; whitespace around the run stays outside either.
fn bold(out: &mut String, text: &str) {
    let core = text.trim();
    if core.is_empty() {
        out.push_str(&inline(text));
        return;
    }
    let start = &text[..text.len() - text.trim_start().len()];
    let end = &text[text.trim_end().len()..];
    out.push_str(&inline(start));
    let plain_edges = core.chars().next().is_some_and(char::is_alphanumeric)
        && core.chars().next_back().is_some_and(char::is_alphanumeric);
    let (open, close) = if plain_edges { ("**", "**") } else { ("<strong>", "</strong>") };
    out.push_str(open);
    out.push_str(&inline(core));
    out.push_str(close);
    out.push_str(&inline(end));
}

fn table_into(out: &mut String, table: &Table) {
    if let Some(caption) = &table.caption {
        out.push_str(&format!("{}\n\n", block(&one_line(caption))));
    }
    let count = table.column_count();
    if count == 0 {
        return;
    }
    let row = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        out.push('|');
        for cell in cells {
            out.push(' ');
            out.push_str(&cell);
            out.push_str(" |");
        }
        out.push('\n');
    };
    row(out, &mut (0..count).map(|i| table.header.get(i).map(|h| inline(&one_line(h))).unwrap_or_default()));
    row(out, &mut (0..count).map(|i| if table.is_numeric_column(i) { "---:".to_string() } else { "---".to_string() }));
    for cells in &table.rows {
        row(out, &mut (0..count).map(|i| cells.get(i).map_or_else(|| EMPTY.to_string(), cell_text)));
    }
}

fn cell_text(cell: &Cell) -> String {
    if cell.is_blank() { EMPTY.to_string() } else { inline(&one_line(&cell.display())) }
}

/// `text` with Markdown's syntax characters escaped, for a place where no block can start (a
/// heading's text, a table cell). Every ASCII punctuation character that can start or end inline
/// syntax gets a backslash (CommonMark allows one before any ASCII punctuation); `|` is escaped
/// everywhere, which GFM tables require inside cells.
fn inline(text: &str) -> String {
    escape(text, false)
}

/// [`inline`] for text that begins a line (paragraphs, the issuing line, captions), where `-`,
/// `+`, `=` and `12.` / `12)` before a space would also start a list or a heading: those are
/// escaped at the start of every line.
fn block(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, lines: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = lines;
    let mut digits = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let list_number = digits && chars.peek().is_none_or(|next| next.is_whitespace());
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if list_number => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        // `digits` stays true only while a line starts with digits ("12. " would be a list).
        digits = c.is_ascii_digit() && (line_start || digits);
        line_start = lines && (c == '\n' || (line_start && c == ' '));
    }
    out
}

/// Control characters dropped, line breaks normalised to `\n`.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

/// Titles, headings and cells fit on one line: breaks become spaces.
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
    fn syntax_in_caller_text_is_escaped() {
        assert_eq!(
            inline("a|b *c* [x](y) <script>alert(1)</script>"),
            "a\\|b \\*c\\* \\[x\\](y) \\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(block("- item\n1. first\n# h\n12.5%"), "\\- item\n1\\. first\n\\# h\n12.5%");
        assert_eq!(block("a-b 2027.1"), "a-b 2027.1");
        assert_eq!(inline("-2"), "-2");
    }

    #[test]
    fn bold_after_punctuation_uses_strong() {
        let mut out = String::new();
        paragraph(&mut out, &[Run::bold("一是双向讲习。"), Run::plain("社区"), Run::bold(" 18 "), Run::plain("场")]);
        assert_eq!(out, "<strong>一是双向讲习。</strong>社区 **18** 场\n");
    }

    #[test]
    fn pipes_in_cells_are_escaped() {
        let table =
            Table { caption: None, header: vec!["a|b".into()], rows: vec![vec![Cell::text("x|y")], vec![Cell::Empty]] };
        let mut out = String::new();
        table_into(&mut out, &table);
        assert_eq!(out, "| a\\|b |\n| --- |\n| x\\|y |\n| — |\n");
    }
}

//! HTML: a fragment of semantic elements (`<h1>`, `<h2>`, `<p>`, `<table>`) without a single
//! `style` attribute, for the web pages and mails that style it themselves, and a standalone page
//! with a small print-friendly stylesheet in the 公文 manner (宋体 title, 仿宋 body, A4 margins).
//! All caller text is escaped.

use crate::markup::{escape, escape_into};
use crate::{Block, Cell, Document, Run, Table};

/// What an empty cell shows.
const EMPTY: &str = "—";

/// The document as an `<article class="document">` fragment.
///
/// Classes, for the caller's stylesheet: `subtitle` on the issuing line, `caption` is the
/// `<caption>` element itself, `num` on figure cells (and their header), `empty` on empty cells,
/// `datetime` on date-time cells (which also carry a `<time datetime>`). The title is the `<h1>`;
/// heading level 1 is `<h2>`, level 2 `<h3>`, down to `<h6>`.
pub fn render_fragment(document: &Document) -> String {
    let mut out = String::from("<article class=\"document\">\n");
    out.push_str(&format!("<h1>{}</h1>\n", escape(&document.title)));
    if let Some(subtitle) = &document.subtitle {
        out.push_str(&format!("<p class=\"subtitle\">{}</p>\n", escape(subtitle)));
    }
    for block in &document.blocks {
        match block {
            Block::Heading { level, text } => {
                let n = usize::from(*level).clamp(1, 5) + 1;
                out.push_str(&format!("<h{n}>{}</h{n}>\n", escape(text)));
            }
            Block::Paragraph { runs } => paragraph(&mut out, runs),
            Block::Table(table) => table_into(&mut out, table),
        }
    }
    out.push_str("</article>\n");
    out
}

/// A standalone page: `<!DOCTYPE html>`, `<html lang>`, `<meta charset="utf-8">`, the title,
/// and a stylesheet that prints on A4 with the 公文 margins and the Song/FangSong fonts (with the
/// names they have on Windows, macOS and Linux), then the fragment.
pub fn render_page(document: &Document, lang: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang = escape(lang),
        title = escape(&document.title),
        body = render_fragment(document),
    )
}

/// The page's stylesheet: 16 pt (三号) body in 仿宋 with a two-character indent and 28 pt lines,
/// 22 pt (二号) title in 小标宋/宋体, headings in 黑体 and 楷体 as GB/T 9704 sets them; thin
/// table rules; figures right-aligned with tabular digits; A4 with the standard margins in print.
const STYLE: &str = r#"@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; background: #fff;
  font: 16pt/28pt "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Songti SC", serif; }
h1 { font: 22pt/1.6 "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Songti SC", serif; text-align: center; margin: 0 0 .5em; }
.subtitle { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; text-align: center; text-indent: 0; }
h2 { font: 16pt/28pt "SimHei", "黑体", "Heiti SC", sans-serif; text-indent: 2em; margin: 0; }
h3 { font: 16pt/28pt "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; text-indent: 2em; margin: 0; }
h4, h5, h6 { font-size: 16pt; text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
table { border-collapse: collapse; margin: .5em auto; font-size: 12pt; line-height: 1.5; }
caption { font-weight: bold; padding: .25em; }
th, td { border: 1px solid #000; padding: .2em .5em; }
th { font-weight: bold; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { text-align: center; }
@media print { body { max-width: none; margin: 0; padding: 0; } tr, h2, h3 { break-inside: avoid; } h2, h3 { break-after: avoid; } }
"#;

fn paragraph(out: &mut String, runs: &[Run]) {
    out.push_str("<p>");
    for run in runs {
        let text = escape(&run.text.replace("\r\n", "\n")).replace('\n', "<br>");
        if run.bold {
            out.push_str(&format!("<strong>{text}</strong>"));
        } else {
            out.push_str(&text);
        }
    }
    out.push_str("</p>\n");
}

fn table_into(out: &mut String, table: &Table) {
    out.push_str("<table>\n");
    if let Some(caption) = &table.caption {
        out.push_str(&format!("<caption>{}</caption>\n", escape(caption)));
    }
    let count = table.column_count();
    let numeric: Vec<bool> = (0..count).map(|i| table.is_numeric_column(i)).collect();
    out.push_str("<thead>\n<tr>");
    for (i, is_numeric) in numeric.iter().enumerate() {
        let name = table.header.get(i).map(String::as_str).unwrap_or_default();
        let class = if *is_numeric { " class=\"num\"" } else { "" };
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(name)));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for i in 0..count {
            cell(out, row.get(i).unwrap_or(&Cell::Empty));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn cell(out: &mut String, cell: &Cell) {
    if cell.is_blank() {
        out.push_str(&format!("<td class=\"empty\">{EMPTY}</td>"));
        return;
    }
    match cell {
        Cell::DateTime(t) => {
            let iso = format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year, t.month, t.day, t.hour, t.minute);
            out.push_str(&format!("<td class=\"datetime\"><time datetime=\"{iso}\">{t}</time></td>"));
        }
        c if c.is_numeric() => out.push_str(&format!("<td class=\"num\">{}</td>", escape(&c.display()))),
        c => {
            out.push_str("<td>");
            escape_into(out, &c.display());
            out.push_str("</td>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn sample_report_fragment() {
        insta::assert_snapshot!(render_fragment(&sample::report()));
    }

    #[test]
    fn sample_report_page() {
        insta::assert_snapshot!(render_page(&sample::report(), "zh-CN"));
    }

    #[test]
    fn script_in_a_run_a_cell_a_title_and_lang_is_escaped() {
        let xss = "<script>alert(1)</script>";
        let document = Document {
            title: xss.into(),
            subtitle: Some(xss.into()),
            blocks: vec![
                Block::Paragraph { runs: vec![Run::plain(xss), Run::bold(xss)] },
                Block::Table(Table {
                    caption: Some(xss.into()),
                    header: vec![xss.into()],
                    rows: vec![vec![Cell::text(xss)]],
                }),
            ],
        };
        let page = render_page(&document, "\"><script>alert(1)</script>");
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("\"><"), "{page}");
        assert_eq!(page.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(), 9, "{page}");
    }

    #[test]
    fn the_fragment_has_no_style_attribute() {
        assert!(!render_fragment(&sample::report()).contains("style"));
    }
}

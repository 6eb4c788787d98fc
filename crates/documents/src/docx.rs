//! Word (`.docx`) in the layout Chinese offices exchange, after GB/T 9704 (党政机关公文格式): A4,
//! margins 37/35/28/26 mm, title centred in 方正小标宋简体 二号, issuing line in 楷体 三号, level-1
//! headings in 黑体 三号, level-2 in 楷体_GB2312 三号, body in 仿宋_GB2312 三号 on fixed 28 pt lines
//! with a two-character first-line indent, tables with single rules, and "— 1 —" page numbers
//! centred in the footer.
//!
//! The OOXML is written here by hand into a zip rather than through docx-rs: the layout needs
//! exactly the attributes Word and WPS read for Chinese text — `w:eastAsia` fonts with
//! `w:hint="eastAsia"`, `w:firstLineChars`, exact line spacing, `w:altName` font fallbacks in
//! the font table, a PAGE field between dashes — and a dozen small fixed parts are easier to
//! check against the standard (and in tests) than a builder's defaults. The archive carries a
//! fixed timestamp (1980-01-01, zip's epoch): the same document gives the same bytes, and the
//! crate reads no clock.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::markup::escape_into;
use crate::width::columns;
use crate::{Block, Cell, Document, DocumentError, Run, Table};

/// The parts of the package, in the order they are written (`[Content_Types].xml` first, as
/// Word writes it and as some readers expect).
pub const PARTS: [&str; 9] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/core.xml",
    "word/_rels/document.xml.rels",
    "word/document.xml",
    "word/styles.xml",
    "word/settings.xml",
    "word/fontTable.xml",
    "word/footer1.xml",
];

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Typefaces by role. The names are the ones Windows offices have installed; the font table gives
/// each the fallback a machine without it uses (`仿宋_GB2312` → 仿宋, `方正小标宋简体` → 宋体).
const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const KAI_FONT: &str = "楷体_GB2312";
const HEI_FONT: &str = "黑体";
const SONG_FONT: &str = "宋体";
/// Latin letters and digits.
const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const SIZE_TITLE: u32 = 44;
const SIZE_BODY: u32 = 32;
const SIZE_FOOTER: u32 = 28;
const SIZE_TABLE: u32 = 24;

/// Fixed line spacing of 28 pt, in twentieths of a point (twips).
const LINE: u32 = 560;
/// Two characters of 16 pt: the first-line indent in twips, for readers that ignore `firstLineChars`.
const INDENT_TWIPS: u32 = 640;

/// A4 and the GB/T 9704 margins, in twips (1 mm = 1440 / 25.4 twips).
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: u32 = 2098; // 37 mm
const MARGIN_BOTTOM: u32 = 1984; // 35 mm
const MARGIN_LEFT: u32 = 1587; // 28 mm
const MARGIN_RIGHT: u32 = 1474; // 26 mm
/// The page number sits about 7 mm below the type area: footer 28 mm from the paper's edge.
const FOOTER_DISTANCE: u32 = 1587;
/// The width tables are laid out in: the type area, 156 mm.
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

/// What an empty cell shows in print.
const EMPTY: &str = "—";

/// The document as the bytes of a `.docx` file.
pub fn render(document: &Document) -> Result<Vec<u8>, DocumentError> {
    let parts: [(&str, String); 9] = [
        (PARTS[0], content_types()),
        (PARTS[1], package_rels()),
        (PARTS[2], core(document)),
        (PARTS[3], document_rels()),
        (PARTS[4], document_xml(document)),
        (PARTS[5], styles()),
        (PARTS[6], settings()),
        (PARTS[7], font_table()),
        (PARTS[8], footer()),
    ];
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn content_types() -> String {
    let override_ = |part: &str, kind: &str| format!("<Override PartName=\"/{part}\" ContentType=\"{kind}\"/>");
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    [
        HEAD.to_string(),
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">".into(),
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>".into(),
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>".into(),
        override_("word/document.xml", &format!("{main}.document.main+xml")),
        override_("word/styles.xml", &format!("{main}.styles+xml")),
        override_("word/settings.xml", &format!("{main}.settings+xml")),
        override_("word/fontTable.xml", &format!("{main}.fontTable+xml")),
        override_("word/footer1.xml", &format!("{main}.footer+xml")),
        override_("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        "</Types>".into(),
    ]
    .concat()
}

fn package_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{R}/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         </Relationships>"
    )
}

fn document_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{R}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{R}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{R}/fontTable\" Target=\"fontTable.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"{R}/footer\" Target=\"footer1.xml\"/>\
         </Relationships>"
    )
}

/// The title and language; no dates, since the crate reads no clock (Word shows none rather than
/// a wrong one).
fn core(document: &Document) -> String {
    let mut xml = format!(
        "{HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>"
    );
    escape_into(&mut xml, &document.title);
    xml.push_str("</dc:title><dc:language>zh-CN</dc:language></cp:coreProperties>");
    xml
}

fn settings() -> String {
    format!(
        "{HEAD}<w:settings xmlns:w=\"{W}\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>\
         <w:characterSpacingControl w:val=\"compressPunctuation\"/>\
         <w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         <w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>"
    )
}

/// Each typeface with the one a machine without it falls back to, and its Chinese character set
/// (GB2312, 86), so Word substitutes a Chinese face rather than a Latin one.
fn font_table() -> String {
    let font = |name: &str, alt: &str, family: &str| {
        format!(
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/>\
             <w:family w:val=\"{family}\"/><w:pitch w:val=\"variable\"/></w:font>"
        )
    };
    [
        format!("{HEAD}<w:fonts xmlns:w=\"{W}\">"),
        font(BODY_FONT, "仿宋", "modern"),
        font(KAI_FONT, "楷体", "modern"),
        font(TITLE_FONT, SONG_FONT, "roman"),
        font(HEI_FONT, "SimHei", "modern"),
        font(SONG_FONT, "SimSun", "roman"),
        format!(
            "<w:font w:name=\"{LATIN_FONT}\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/>\
             <w:pitch w:val=\"variable\"/></w:font></w:fonts>"
        ),
    ]
    .concat()
}

/// A typeface, size and weight: what each run carries explicitly, besides its paragraph style, so
/// that text pasted into another document keeps its face.
#[derive(Clone, Copy)]
struct Font {
    east_asia: &'static str,
    latin: &'static str,
    size: u32,
    bold: bool,
}

const BODY: Font = Font { east_asia: BODY_FONT, latin: LATIN_FONT, size: SIZE_BODY, bold: false };

impl Font {
    fn bold(self, bold: bool) -> Font {
        Font { bold, ..self }
    }

    /// `<w:rPr>`: Latin and East Asian faces (`w:hint="eastAsia"` makes characters both scripts
    /// share, such as quotation marks and "—", take the Chinese face), weight, size, language.
    fn properties(self) -> String {
        let bold = if self.bold { "<w:b/><w:bCs/>" } else { "" };
        format!(
            "<w:rPr><w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{e}\" w:cs=\"{l}\" w:hint=\"eastAsia\"/>{bold}\
             <w:sz w:val=\"{s}\"/><w:szCs w:val=\"{s}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr>",
            l = self.latin,
            e = self.east_asia,
            s = self.size,
        )
    }
}

fn styles() -> String {
    let indent = format!("<w:ind w:firstLineChars=\"200\" w:firstLine=\"{INDENT_TWIPS}\"/>");
    let no_indent = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";
    let exact = format!("<w:spacing w:line=\"{LINE}\" w:lineRule=\"exact\"/>");
    let style = |id: &str, name: &str, ppr: String, font: Font| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>\
             <w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>{ppr}</w:pPr>{}</w:style>",
            font.properties()
        )
    };
    let heading = |level: u8| format!("<w:keepNext/><w:keepLines/>{exact}{indent}<w:outlineLvl w:val=\"{level}\"/>");
    [
        format!("{HEAD}<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault>"),
        BODY.properties(),
        format!(
            "</w:rPrDefault><w:pPrDefault><w:pPr>{exact}<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
        ),
        format!(
            "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
             <w:pPr>{exact}{indent}<w:jc w:val=\"both\"/></w:pPr>{}</w:style>",
            BODY.properties()
        ),
        style(
            "Title",
            "Title",
            format!("<w:keepNext/>{exact}{no_indent}<w:jc w:val=\"center\"/>"),
            Font { east_asia: TITLE_FONT, latin: LATIN_FONT, size: SIZE_TITLE, bold: false },
        ),
        style(
            "Subtitle",
            "Subtitle",
            format!("<w:keepNext/>{exact}{no_indent}<w:jc w:val=\"center\"/>"),
            Font { east_asia: KAI_FONT, ..BODY },
        ),
        style("Heading1", "heading 1", heading(0), Font { east_asia: HEI_FONT, ..BODY }),
        style("Heading2", "heading 2", heading(1), Font { east_asia: KAI_FONT, ..BODY }),
        style("Heading3", "heading 3", heading(2), BODY.bold(true)),
        style(
            "TableCaption",
            "table caption",
            format!("<w:keepNext/>{exact}{no_indent}<w:jc w:val=\"center\"/>"),
            Font { east_asia: HEI_FONT, ..BODY },
        ),
        style(
            "TableText",
            "table text",
            format!("<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>{no_indent}"),
            Font { size: SIZE_TABLE, ..BODY },
        ),
        style(
            "Footer",
            "footer",
            format!("<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>{no_indent}<w:jc w:val=\"center\"/>"),
            Font { east_asia: SONG_FONT, latin: SONG_FONT, size: SIZE_FOOTER, bold: false },
        ),
        "</w:styles>".into(),
    ]
    .concat()
}

/// "— 1 —": the page number as a PAGE field between dashes, centred (GB/T 9704 puts it under the
/// type area in 4号 宋体 with a dash on either side).
fn footer() -> String {
    let font = Font { east_asia: SONG_FONT, latin: SONG_FONT, size: SIZE_FOOTER, bold: false }.properties();
    format!(
        "{HEAD}<w:ftr xmlns:w=\"{W}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>\
         <w:r>{font}<w:t xml:space=\"preserve\">— </w:t></w:r>\
         <w:r>{font}<w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r>{font}<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
         <w:r>{font}<w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r>{font}<w:t>1</w:t></w:r>\
         <w:r>{font}<w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:r>{font}<w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

fn document_xml(document: &Document) -> String {
    let mut xml = format!("{HEAD}<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>");
    // A blank line (28 pt) under the title block, before the body.
    let title_after = if document.subtitle.is_some() { "" } else { "<w:spacing w:after=\"560\"/>" };
    paragraph(
        &mut xml,
        &format!("<w:pStyle w:val=\"Title\"/>{title_after}"),
        &[Run::plain(document.title.clone())],
        title_font(),
    );
    if let Some(subtitle) = &document.subtitle {
        let font = Font { east_asia: KAI_FONT, ..BODY };
        paragraph(
            &mut xml,
            "<w:pStyle w:val=\"Subtitle\"/><w:spacing w:after=\"560\"/>",
            &[Run::plain(subtitle.clone())],
            font,
        );
    }
    for block in &document.blocks {
        match block {
            Block::Heading { level, text } => {
                let (style, font) = match level {
                    0 | 1 => ("Heading1", Font { east_asia: HEI_FONT, ..BODY }),
                    2 => ("Heading2", Font { east_asia: KAI_FONT, ..BODY }),
                    _ => ("Heading3", BODY.bold(true)),
                };
                paragraph(&mut xml, &format!("<w:pStyle w:val=\"{style}\"/>"), &[Run::plain(text.clone())], font);
            }
            Block::Paragraph { runs } => paragraph(&mut xml, "", runs, BODY),
            Block::Table(table) => table_xml(&mut xml, table),
        }
    }
    xml.push_str(&format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>\
         <w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" \
         w:header=\"851\" w:footer=\"{FOOTER_DISTANCE}\" w:gutter=\"0\"/><w:cols w:space=\"425\"/></w:sectPr></w:body></w:document>"
    ));
    xml
}

fn title_font() -> Font {
    Font { east_asia: TITLE_FONT, latin: LATIN_FONT, size: SIZE_TITLE, bold: false }
}

/// A paragraph with properties `ppr` (the inside of `<w:pPr>`) and `runs` in `font`, bold where a
/// run is.
fn paragraph(xml: &mut String, ppr: &str, runs: &[Run], font: Font) {
    xml.push_str("<w:p>");
    if !ppr.is_empty() {
        xml.push_str("<w:pPr>");
        xml.push_str(ppr);
        xml.push_str("</w:pPr>");
    }
    for run in runs {
        run_xml(xml, &run.text, font.bold(font.bold || run.bold));
    }
    xml.push_str("</w:p>");
}

/// One run; line breaks become `<w:br/>` and tabs `<w:tab/>` (inside `<w:t>` Word would show
/// them as spaces).
fn run_xml(xml: &mut String, text: &str, font: Font) {
    if text.is_empty() {
        return;
    }
    xml.push_str("<w:r>");
    xml.push_str(&font.properties());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            xml.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                xml.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                xml.push_str("<w:t xml:space=\"preserve\">");
                escape_into(xml, piece);
                xml.push_str("</w:t>");
            }
        }
    }
    xml.push_str("</w:r>");
}

/// A table: single rules all round and between cells, the header row bold, centred and repeated
/// on every page, figures right-aligned; column widths in proportion to their content.
fn table_xml(xml: &mut String, table: &Table) {
    let table_font = Font { size: SIZE_TABLE, ..BODY };
    if let Some(caption) = &table.caption {
        let font = Font { east_asia: HEI_FONT, ..BODY };
        paragraph(xml, "<w:pStyle w:val=\"TableCaption\"/>", &[Run::plain(caption.clone())], font);
    }
    let count = table.column_count();
    if count == 0 {
        return;
    }
    let widths = column_widths(table, count);
    let rule = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
    xml.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        xml.push_str(&rule(side));
    }
    xml.push_str(
        "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/>\
         <w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>",
    );
    for width in &widths {
        xml.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    xml.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (i, width) in widths.iter().enumerate() {
        let name = table.header.get(i).map(String::as_str).unwrap_or_default();
        cell_xml(xml, *width, "center", name, table_font.bold(true));
    }
    xml.push_str("</w:tr>");
    for row in &table.rows {
        xml.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).unwrap_or(&Cell::Empty);
            let (align, text) = if cell.is_blank() {
                ("center", EMPTY.to_string())
            } else if cell.is_numeric() {
                ("right", cell.display())
            } else {
                ("left", cell.display())
            };
            cell_xml(xml, *width, align, &text, table_font);
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    // Word needs a paragraph between two tables (or they merge) and before the section's end.
    xml.push_str("<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
}

fn cell_xml(xml: &mut String, width: u32, align: &str, text: &str, font: Font) {
    xml.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr>\
         <w:pStyle w:val=\"TableText\"/><w:jc w:val=\"{align}\"/></w:pPr>"
    ));
    run_xml(xml, text, font);
    xml.push_str("</w:p></w:tc>");
}

/// Widths in twips summing to the type area's, each column's share by its widest text (between 4
/// and 30 columns, so neither a one-digit column vanishes nor a long remark takes the table).
fn column_widths(table: &Table, count: usize) -> Vec<u32> {
    let weights: Vec<u32> = (0..count)
        .map(|i| {
            let header = table.header.get(i).map_or(0, |h| columns(h));
            let cells =
                table.rows.iter().filter_map(|row| row.get(i)).map(|c| columns(&c.display())).max().unwrap_or(0);
            u32::try_from(header.max(cells).clamp(4, 30)).unwrap_or(30)
        })
        .collect();
    let total: u32 = weights.iter().sum::<u32>().max(1);
    weights.iter().map(|w| TEXT_WIDTH * w / total).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Read;

    use quick_xml::events::Event;

    use super::*;
    use crate::sample;

    /// Every part of the package, read back by name.
    pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut text = String::new();
                file.read_to_string(&mut text).unwrap();
                (file.name().unwrap().to_string(), text)
            })
            .collect()
    }

    /// Parses `xml` to the end (panicking if it is not well-formed) and returns the text of its
    /// `<w:t>` elements in document order.
    pub(crate) fn texts(xml: &str) -> Vec<String> {
        // quick-xml does not check characters; XML 1.0 forbids most controls.
        assert!(xml.chars().all(crate::markup::allowed_in_xml), "forbidden character in {xml}");
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let (mut inside, mut out) = (false, Vec::new());
        loop {
            match reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}")) {
                Event::Start(e) if e.name().as_ref() == "w:t" => inside = true,
                Event::End(e) if e.name().as_ref() == "w:t" => inside = false,
                Event::Text(t) if inside => out.push(t.into_inner().into_owned()),
                Event::GeneralRef(r) if inside => {
                    let name = r.into_inner();
                    let c = match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "#39" => "'",
                        other => panic!("unexpected reference {other}"),
                    };
                    out.push(c.to_string());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
        &parts.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no part {name}")).1
    }

    #[test]
    fn sample_report_opens_with_every_part_listed() {
        let parts = unzip(&render(&sample::report()).unwrap());
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, PARTS);
        let types = part(&parts, "[Content_Types].xml");
        for name in PARTS.iter().filter(|n| n.ends_with(".xml") && !n.starts_with('[')) {
            assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name} not in [Content_Types].xml");
        }
        for (name, xml) in &parts {
            texts(xml);
            assert!(xml.starts_with("<?xml"), "{name}");
        }
    }

    #[test]
    fn every_run_is_there_in_order() {
        let document = sample::report();
        let parts = unzip(&render(&document).unwrap());
        let found = texts(part(&parts, "word/document.xml")).concat();
        let mut expected = vec![document.title.clone(), document.subtitle.clone().unwrap()];
        for block in &document.blocks {
            match block {
                Block::Heading { text, .. } => expected.push(text.clone()),
                Block::Paragraph { runs } => expected.extend(runs.iter().map(|r| r.text.clone())),
                Block::Table(table) => {
                    expected.extend(table.caption.clone());
                    expected.extend(table.header.clone());
                    for row in &table.rows {
                        expected.extend(row.iter().map(|c| if c.is_blank() { EMPTY.to_string() } else { c.display() }));
                    }
                }
            }
        }
        assert_eq!(found, expected.concat());
    }

    #[test]
    fn layout_is_the_gbt_9704_one() {
        let parts = unzip(&render(&sample::report()).unwrap());
        let document = part(&parts, "word/document.xml");
        let styles = part(&parts, "word/styles.xml");
        let footer = part(&parts, "word/footer1.xml");
        // A4, margins 37/35/28/26 mm.
        assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
        assert!(document.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""));
        // Fonts by role, East Asian with the hint; sizes 二号 and 三号.
        for font in ["方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"] {
            assert!(
                document.contains(&format!("w:eastAsia=\"{font}\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"")),
                "{font}"
            );
        }
        assert!(document.contains("<w:sz w:val=\"44\"/>") && document.contains("<w:sz w:val=\"32\"/>"));
        // Body: two-character indent, exact 28 pt lines, Chinese language.
        assert!(styles.contains("<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>"));
        assert!(styles.contains("<w:spacing w:line=\"560\" w:lineRule=\"exact\"/>"));
        assert!(document.contains("w:eastAsia=\"zh-CN\""));
        // Bold lead-ins are bold; the table has rules and right-aligned figures.
        assert!(document.contains("<w:b/><w:bCs/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr><w:t xml:space=\"preserve\">一是双向讲习动人心。"));
        assert!(document.contains("<w:insideH w:val=\"single\""));
        assert!(document.contains("<w:jc w:val=\"right\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr><w:t xml:space=\"preserve\">1204"));
        // "— 1 —" through a PAGE field, referenced from the section.
        assert!(footer.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"));
        assert_eq!(texts(footer).concat(), "— 1 —");
        assert!(document.contains("<w:footerReference w:type=\"default\" r:id=\"rId4\"/>"));
        assert!(part(&parts, "word/_rels/document.xml.rels").contains("Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\""));
    }

    #[test]
    fn forbidden_characters_are_dropped_and_specials_escaped() {
        let mut document = Document::new("a\u{0}b\u{1b}<&>\u{FFFF}");
        document.blocks.push(Block::paragraph("行一\n行二\t<script>alert(1)</script>"));
        let parts = unzip(&render(&document).unwrap());
        let xml = part(&parts, "word/document.xml");
        assert_eq!(texts(xml).concat(), "ab<&>行一行二<script>alert(1)</script>");
        assert!(xml.contains("行一</w:t><w:br/><w:t xml:space=\"preserve\">行二</w:t><w:tab/>"));
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        assert_eq!(render(&sample::report()).unwrap(), render(&sample::report()).unwrap());
    }
}

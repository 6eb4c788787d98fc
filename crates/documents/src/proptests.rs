//! Property tests over arbitrary documents and workbooks — any Unicode, control characters, CJK,
//! markup characters, NaN and huge numbers, impossible dates: every format renders without
//! panicking, the `.docx` stays well-formed XML, and the `.xlsx` keeps every non-empty cell.

use calamine::{Data, Reader};
use proptest::prelude::*;

use crate::{Block, Cell, DateTime, Document, Run, Sheet, Table, Workbook};

fn text() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        any::<char>(),
        proptest::char::range('\u{4E00}', '\u{9FFF}'),
        proptest::char::range('\u{0}', '\u{1F}'),
        prop::sample::select(vec![
            '<', '>', '&', '"', '\'', '|', '*', '_', '#', '=', '-', '\n', '\u{FFFE}', '\u{3000}'
        ]),
    ];
    prop::collection::vec(character, 0..24).prop_map(String::from_iter)
}

fn datetime(valid: bool) -> BoxedStrategy<DateTime> {
    if valid {
        (1900..=9999i32, 1..=12u8, 1..=28u8, 0..24u8, 0..60u8)
            .prop_map(|(y, mo, d, h, mi)| DateTime::new(y, mo, d, h, mi))
            .boxed()
    } else {
        (any::<i32>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(y, mo, d, h, mi)| DateTime::new(y, mo, d, h, mi))
            .boxed()
    }
}

fn cell(valid_dates: bool) -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        text().prop_map(Cell::Text),
        any::<i64>().prop_map(Cell::Integer),
        any::<f64>().prop_map(Cell::Number),
        (-2.0..2.0f64).prop_map(Cell::Percent),
        datetime(valid_dates).prop_map(Cell::DateTime),
    ]
}

fn rows(valid_dates: bool) -> impl Strategy<Value = Vec<Vec<Cell>>> {
    prop::collection::vec(prop::collection::vec(cell(valid_dates), 0..6), 0..8)
}

fn table() -> impl Strategy<Value = Table> {
    (proptest::option::of(text()), prop::collection::vec(text(), 0..5), rows(false))
        .prop_map(|(caption, header, rows)| Table { caption, header, rows })
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        (any::<u8>(), text()).prop_map(|(level, text)| Block::Heading { level, text }),
        prop::collection::vec((text(), any::<bool>()).prop_map(|(text, bold)| Run { text, bold }), 0..5)
            .prop_map(|runs| Block::Paragraph { runs }),
        table().prop_map(Block::Table),
    ]
}

fn document() -> impl Strategy<Value = Document> {
    (text(), proptest::option::of(text()), prop::collection::vec(block(), 0..8))
        .prop_map(|(title, subtitle, blocks)| Document { title, subtitle, blocks })
}

fn workbook(valid_dates: bool) -> impl Strategy<Value = Workbook> {
    let sheet = (text(), proptest::option::of(text()), prop::collection::vec(text(), 0..5), rows(valid_dates))
        .prop_map(|(name, title, header, rows)| Sheet { name, title, header, rows });
    prop::collection::vec(sheet, 0..4).prop_map(|sheets| Workbook { sheets })
}

/// The cells a reader finds non-empty: titles, header names and cells, with empty texts and
/// numbers that are not finite (both written blank) left out.
fn written_cells(workbook: &Workbook) -> usize {
    workbook
        .sheets
        .iter()
        .map(|sheet| {
            let title = usize::from(sheet.title.as_ref().is_some_and(|t| !t.is_empty()));
            let header = sheet.header.iter().filter(|h| !h.is_empty()).count();
            let cells = sheet
                .rows
                .iter()
                .flatten()
                .filter(|c| !c.is_blank() && !matches!(c, Cell::Text(t) if t.is_empty()))
                .count();
            title + header + cells
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_format_renders_any_document(document in document()) {
        crate::text::render(&document);
        crate::markdown::render(&document);
        let page = crate::html::render_page(&document, "zh-CN");
        prop_assert!(!page.contains("<script"));
        for block in &document.blocks {
            if let Block::Table(table) = block {
                crate::csv::render_table(table);
            }
        }
        let bytes = crate::docx::render(&document).unwrap();
        for (_, xml) in crate::docx::tests::unzip(&bytes) {
            crate::docx::tests::texts(&xml);
        }
    }

    #[test]
    fn any_workbook_renders_or_says_why(workbook in workbook(false)) {
        let _ = crate::xlsx::render(&workbook);
        for sheet in &workbook.sheets {
            crate::csv::render(sheet);
        }
    }

    #[test]
    fn xlsx_keeps_every_cell(workbook in workbook(true)) {
        let bytes = crate::xlsx::render(&workbook).unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names = crate::xlsx::sheet_names(&workbook);
        if names.is_empty() {
            names.push("Sheet1".to_string());
        }
        prop_assert_eq!(book.sheet_names(), names.clone());
        let mut found = 0;
        for name in &names {
            let range = book.worksheet_range(name).unwrap();
            found += range.used_cells().filter(|(_, _, d)| !matches!(d, Data::Empty) && !matches!(d, Data::String(s) if s.is_empty())).count();
        }
        prop_assert_eq!(found, written_cells(&workbook));
    }
}

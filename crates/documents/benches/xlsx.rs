//! The ledger bench (issue 13): a 51,000-row sheet — one row per task of a district's run, as the
//! store's 51k-task bench has it — through `documents::xlsx::render`, against the same cells
//! written straight with rust_xlsxwriter (same formats, title, header, frozen panes, autofilter;
//! no width measuring, no name sanitising, no matching on cell types) in the same run.
//!
//! `cargo bench -p documents --bench xlsx`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use documents::{Cell, DateTime, Sheet, Workbook};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, XlsxError};

const ROWS: usize = 51_000;
const HEADER: [&str; 9] = ["街道", "社区", "任务", "状态", "完成时间", "走访户数", "发放慰问品", "回访人数", "备注"];
const TASKS: [&str; 5] =
    ["走访慰问困难群众", "乡土人才摸底登记", "安全隐患排查", "春节值班安排上报", "返乡人员情况统计"];

/// 500 streets of about 20 communities, 5 tasks each; four tasks in five done (with a time and
/// figures), the rest under way with empty cells; a remark on one row in seven.
fn ledger() -> Sheet {
    let rows = (0..ROWS)
        .map(|i| {
            let community = i / TASKS.len();
            let done = i % 5 != 4;
            let figure = |k: usize| if done { Cell::Integer(((i * 37 + k * 11) % 400) as i64) } else { Cell::Empty };
            vec![
                Cell::text(format!("第{}街道", community / 20 + 1)),
                Cell::text(format!("第{}街道第{}社区", community / 20 + 1, community % 20 + 1)),
                Cell::text(TASKS[i % TASKS.len()]),
                Cell::text(if done { "已完成" } else { "进行中" }),
                if done {
                    Cell::DateTime(DateTime::new(2027, 1, 20 + (i % 10) as u8, 8 + (i % 10) as u8, (i % 60) as u8))
                } else {
                    Cell::Empty
                },
                figure(1),
                figure(2),
                figure(3),
                if i % 7 == 0 { Cell::text("部分住户外出，已电话联系") } else { Cell::Empty },
            ]
        })
        .collect();
    Sheet {
        name: "台账".into(),
        title: Some("春节走访慰问工作台账（截至2027年1月30日）".into()),
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The same cells and layout written directly: the least any renderer must do.
fn baseline(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let integer = Format::new().set_num_format("0");
    let number = Format::new().set_num_format("0.##");
    let percent = Format::new().set_num_format("0.0%");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let ws = book.add_worksheet();
    ws.set_name(&sheet.name)?;
    ws.merge_range(0, 0, 0, 8, sheet.title.as_deref().unwrap_or_default(), &title)?;
    for (c, name) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, name, &header)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    ws.write_string(r, c, t)?;
                }
                Cell::Integer(n) => {
                    ws.write_number_with_format(r, c, *n as f64, &integer)?;
                }
                Cell::Number(x) => {
                    ws.write_number_with_format(r, c, *x, &number)?;
                }
                Cell::Percent(x) => {
                    ws.write_number_with_format(r, c, *x, &percent)?;
                }
                Cell::DateTime(t) => {
                    let d =
                        ExcelDateTime::from_ymd(t.year as u16, t.month, t.day)?.and_hms(t.hour.into(), t.minute, 0)?;
                    ws.write_datetime_with_format(r, c, &d, &datetime)?;
                }
            }
        }
    }
    ws.set_freeze_panes(2, 0)?;
    ws.autofilter(1, 0, 1 + sheet.rows.len() as u32, 8)?;
    book.save_to_buffer()
}

fn bench(c: &mut Criterion) {
    let workbook = Workbook { sheets: vec![ledger()] };
    let rendered = documents::xlsx::render(&workbook).expect("the ledger renders");
    let direct = baseline(&workbook.sheets[0]).expect("the baseline writes");
    eprintln!("xlsx: render {} bytes, baseline {} bytes", rendered.len(), direct.len());
    let mut group = c.benchmark_group("xlsx_ledger_51k");
    group.bench_function("render", |b| b.iter(|| documents::xlsx::render(black_box(&workbook)).expect("renders")));
    group.bench_function("baseline", |b| b.iter(|| baseline(black_box(&workbook.sheets[0])).expect("writes")));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);

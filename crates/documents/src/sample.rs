//! The sample the renderers' snapshot tests share: a short 情况报告 of the kind the district
//! writes (title, issuing line, 一、二、 headings, 一是… lead-ins in bold, a table with a gap).

use crate::{Block, Cell, DateTime, Document, Run, Sheet, Table, Workbook};

/// A 情况报告 on the Spring Festival outreach, with a progress table.
pub(crate) fn report() -> Document {
    Document {
        title: "X区春节期间乡土人才联络和回归工作情况报告".into(),
        subtitle: Some("X区委组织部　2027年2月1日".into()),
        blocks: vec![
            Block::paragraph(
                "按照《关于春节期间开展乡土人才联络和回归有关工作的通知》要求，X区迅速行动，扎实开展乡土人才联络回归工作。现将工作开展情况报告如下：",
            ),
            Block::heading(1, "一、紧密安排部署，精准落实"),
            Block::paragraph("区委常委会做了专题研究部署，全区3个街道、12个社区全面铺开。"),
            Block::heading(2, "（一）层层建册立档"),
            Block::Paragraph {
                runs: vec![
                    Run::bold("一是双向讲习动人心。"),
                    Run::plain("截至目前，共开展讲习活动"),
                    Run::bold("18"),
                    Run::plain("场次。"),
                ],
            },
            Block::Paragraph {
                runs: vec![Run::bold("二是恳谈交流聚人心。"), Run::plain("举办恳谈会6场次，覆盖返乡人员214人。")],
            },
            Block::heading(1, "二、各街道完成情况"),
            Block::Table(progress_table()),
        ],
    }
}

/// Three streets' progress; one has not reported its figure yet (an empty cell, not 0).
pub(crate) fn progress_table() -> Table {
    Table {
        caption: Some("表1　各街道走访进度".into()),
        header: vec!["街道".into(), "走访人数".into(), "完成率".into(), "平均用时（天）".into(), "最后上报".into()],
        rows: vec![
            vec![
                Cell::text("东城街道"),
                Cell::Integer(1204),
                Cell::Percent(1.0),
                Cell::Number(2.5),
                Cell::DateTime(DateTime::new(2027, 1, 30, 17, 30)),
            ],
            vec![
                Cell::text("西城街道"),
                Cell::Integer(86),
                Cell::Percent(0.125),
                Cell::Empty,
                Cell::DateTime(DateTime::new(2027, 2, 1, 9, 5)),
            ],
            vec![Cell::text("南湖街道"), Cell::Empty, Cell::Percent(0.0), Cell::Number(3.0), Cell::Empty],
        ],
    }
}

/// A ledger of two sheets whose names need sanitising, one of them twice.
pub(crate) fn ledger() -> Workbook {
    let table = progress_table();
    Workbook {
        sheets: vec![
            Sheet {
                name: "汇总[2027]".into(),
                title: Some("各街道走访进度（截至2027年2月1日）".into()),
                header: table.header.clone(),
                rows: table.rows.clone(),
            },
            Sheet {
                name: "东城/西城: 明细?".into(),
                title: None,
                header: vec!["社区".into(), "备注".into()],
                rows: vec![
                    vec![Cell::text("=SUM(A1:A9)"), Cell::text("已走访")],
                    vec![Cell::text("幸福社区"), Cell::Empty],
                ],
            },
            Sheet { name: "汇总[2027]".into(), title: None, header: vec!["说明".into()], rows: vec![] },
        ],
    }
}

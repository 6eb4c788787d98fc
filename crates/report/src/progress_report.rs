//! The progress report (进度通报) as a document: where the run stands, the streets ranked, the
//! units behind by name, the overdue work and the figures so far with their changes.

use campaign::Lang;
use documents::{Block, Cell, Document, Run, Table};

use crate::mark::Mark;
use crate::progress::Progress;
use crate::snapshot::Snapshot;
use crate::words::{change, clock, day_time, full_day, percent, pick, section_number};

/// How much of a long list a document shows: a mail shows the first rows and says how many more
/// there are; a download shows everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    /// At most this many rows per list.
    Brief(usize),
    Full,
}

impl Length {
    fn cut(self, len: usize) -> usize {
        match self {
            Length::Brief(n) => len.min(n),
            Length::Full => len,
        }
    }
}

/// The words of a mark, as a ranking shows it.
pub fn mark_words(mark: Mark, lang: Lang) -> &'static str {
    match (mark, lang) {
        (Mark::Behind, Lang::Zh) => "有逾期",
        (Mark::AtRisk, Lang::Zh) => "临近截止",
        (Mark::OnTrack, Lang::Zh) => "正常",
        (Mark::NoTasks, Lang::Zh) => "无任务",
        (Mark::Behind, Lang::En) => "overdue work",
        (Mark::AtRisk, Lang::En) => "due soon",
        (Mark::OnTrack, Lang::En) => "on track",
        (Mark::NoTasks, Lang::En) => "no tasks",
    }
}

/// The progress report of `snapshot` titled `title`.
pub fn progress_document(
    snapshot: &Snapshot,
    progress: &Progress,
    title: &str,
    lang: Lang,
    length: Length,
) -> Document {
    let tz = snapshot.timezone;
    let mut doc = Document::new(title);
    doc.subtitle = Some(match lang {
        Lang::Zh => format!("（截至{} {}）", full_day(snapshot.at, tz, lang), clock(snapshot.at, tz)),
        Lang::En => format!("(as of {})", day_time(snapshot.at, tz, lang)),
    });
    let all = &progress.overall;
    let settled = all.settled();
    let mut opening = match lang {
        Lang::Zh => format!(
            "{}（{}）共部署任务{}项，已完成{}项，完成率{}；{}。",
            snapshot.campaign_name,
            snapshot.run,
            all.total(),
            settled,
            percent(all.completion().unwrap_or(0.0)),
            if all.overdue > 0 { format!("逾期未完成{}项", all.overdue) } else { "无逾期任务".to_string() }
        ),
        Lang::En => format!(
            "{} ({}): {} tasks, {} done ({}); {}.",
            snapshot.campaign_name,
            snapshot.run,
            all.total(),
            settled,
            percent(all.completion().unwrap_or(0.0)),
            if all.overdue > 0 { format!("{} overdue", all.overdue) } else { "none overdue".to_string() }
        ),
    };
    if snapshot.closed {
        opening.push_str(pick(lang, "本轮工作已结束。", " The run has closed."));
    }
    doc.blocks.push(Block::paragraph(opening));

    let mut section = 0;
    let mut heading = |doc: &mut Document, zh: &str, en: &str| {
        doc.blocks.push(Block::heading(1, format!("{}{}", section_number(section, lang), pick(lang, zh, en))));
        section += 1;
    };

    heading(&mut doc, "各街道完成情况", "Completion by street");
    let header = match lang {
        Lang::Zh => ["名次", "单位", "任务数", "已完成", "完成率", "逾期", "状态"],
        Lang::En => ["Place", "Unit", "Tasks", "Done", "Completion", "Overdue", "Standing"],
    };
    doc.blocks.push(Block::Table(Table {
        caption: None,
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: progress
            .streets
            .iter()
            .map(|line| {
                vec![
                    Cell::Integer(line.place as i64),
                    Cell::text(&line.name),
                    Cell::Integer(line.tally.total() as i64),
                    Cell::Integer(line.tally.settled() as i64),
                    match line.tally.completion() {
                        Some(share) => Cell::Percent(share),
                        None => Cell::Empty,
                    },
                    Cell::Integer(line.tally.overdue as i64),
                    Cell::text(mark_words(line.mark, lang)),
                ]
            })
            .collect(),
    }));

    heading(&mut doc, "未按时完成的单位", "Units behind");
    if progress.lagging.is_empty() {
        doc.blocks.push(Block::paragraph(pick(
            lang,
            "无。各单位均按时完成已到期任务。",
            "None: every unit finished the work due.",
        )));
    } else {
        let shown = length.cut(progress.lagging.len());
        let names: Vec<String> = progress.lagging[..shown]
            .iter()
            .map(|l| {
                // A community is named with its street; a street (under the owner) by itself.
                let parent = l.parent.as_ref().filter(|_| snapshot.units[l.unit].parent != Some(snapshot.owner));
                let name = match parent {
                    Some(parent) if lang == Lang::Zh => format!("{parent}{}", l.name),
                    Some(parent) => format!("{} ({parent})", l.name),
                    None => l.name.clone(),
                };
                match lang {
                    Lang::Zh => format!("{name}（{}）", l.tasks.join("、")),
                    Lang::En => format!("{name} ({})", l.tasks.join("; ")),
                }
            })
            .collect();
        let mut text = match lang {
            Lang::Zh => {
                format!("截至通报时，以下{}个单位有逾期未完成的任务：{}", progress.lagging.len(), names.join("；"))
            }
            Lang::En => format!("{} units have overdue work: {}", progress.lagging.len(), names.join("; ")),
        };
        if shown < progress.lagging.len() {
            text.push_str(&match lang {
                Lang::Zh => format!("；另有{}个单位，详见附件台账", progress.lagging.len() - shown),
                Lang::En => format!("; and {} more, listed in the ledger", progress.lagging.len() - shown),
            });
        }
        text.push_str(pick(lang, "。请相关单位抓紧落实，上级单位加强督办。", "."));
        doc.blocks.push(Block::Paragraph { runs: vec![Run::plain(text)] });
    }

    if !progress.overdue.is_empty() {
        heading(&mut doc, "逾期任务", "Overdue tasks");
        let shown = length.cut(progress.overdue.len());
        let header = match lang {
            Lang::Zh => ["任务", "单位", "所属", "截止时间", "逾期天数"],
            Lang::En => ["Task", "Unit", "Under", "Due", "Days late"],
        };
        doc.blocks.push(Block::Table(Table {
            caption: (shown < progress.overdue.len()).then(|| match lang {
                Lang::Zh => format!("共{}项，列出逾期最久的{}项", progress.overdue.len(), shown),
                Lang::En => format!("{} in all; the {} longest overdue", progress.overdue.len(), shown),
            }),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: progress.overdue[..shown]
                .iter()
                .map(|o| {
                    vec![
                        Cell::text(&o.title),
                        Cell::text(&o.unit),
                        o.parent.as_ref().map_or(Cell::Empty, Cell::text),
                        Cell::text(day_time(o.due_at, tz, lang)),
                        Cell::Integer(o.days_late),
                    ]
                })
                .collect(),
        }));
    }

    if !progress.figures.is_empty() {
        heading(&mut doc, "数据汇总", "Figures reported");
        let has_previous = progress.figures.iter().any(|f| f.since_previous.is_some());
        let has_last = progress.figures.iter().any(|f| f.last_season.is_some());
        // Figures counted from the register: the total is the register's; what units typed
        // stands beside it.
        let has_typed = progress.figures.iter().any(|f| f.counted.is_some());
        let mut header: Vec<String> = match lang {
            Lang::Zh => ["任务", "指标", "合计", "单位", "已报送/应报送"],
            Lang::En => ["Task", "Figure", "Total", "Unit", "Reported of expected"],
        }
        .iter()
        .map(|s| s.to_string())
        .collect();
        if has_previous {
            header.push(pick(lang, "较上期", "Since last report").to_string());
        }
        if has_last {
            header.push(pick(lang, "上年同期", "Last season").to_string());
        }
        if has_typed {
            header.push(pick(lang, "单位填报", "Typed by units").to_string());
        }
        let rows = progress
            .figures
            .iter()
            .map(|f| {
                let label = match (f.counted, lang) {
                    (None, _) => f.label.clone(),
                    (Some(_), Lang::Zh) => format!("{}（人才名册）", f.label),
                    (Some(_), Lang::En) => format!("{} (register)", f.label),
                };
                // A count of the register is a number even when 0; a typed figure nobody
                // reported is a gap.
                let shown = f.reported > 0 || f.counted.is_some();
                let mut row = vec![
                    Cell::text(&f.task_title),
                    Cell::text(label),
                    if shown { Cell::Number(f.total) } else { Cell::Empty },
                    f.unit.as_ref().map_or(Cell::Empty, Cell::text),
                    Cell::text(format!("{}/{}", f.reported, f.expected)),
                ];
                if has_previous {
                    row.push(f.since_previous.map_or(Cell::Empty, |c| Cell::text(change(c))));
                }
                if has_last {
                    row.push(f.last_season.map_or(Cell::Empty, Cell::Number));
                }
                if has_typed {
                    row.push(f.typed.map_or(Cell::Empty, Cell::Number));
                }
                row
            })
            .collect();
        doc.blocks.push(Block::Table(Table { caption: None, header, rows }));
    }
    doc
}

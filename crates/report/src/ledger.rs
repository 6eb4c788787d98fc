//! The ledger (台账) of a snapshot as a workbook: a summary sheet of every unit's completion, then
//! one sheet per task with every unit's state, times, figures and note — what an office files.

use campaign::Lang;
use documents::{Cell, Sheet, Workbook};

use crate::progress::{rolled_up, tally_of};
use crate::snapshot::Snapshot;
use crate::words::{cell_time, full_day, pick};

/// The words of a task state in a ledger.
pub fn state_words(state: plan::TaskState, overdue: bool, lang: Lang) -> &'static str {
    use plan::TaskState::*;
    match (state, overdue, lang) {
        (Open, true, Lang::Zh) => "逾期未完成",
        (Open, false, Lang::Zh) => "进行中",
        (Waiting, _, Lang::Zh) => "未开始",
        (Done, _, Lang::Zh) => "已完成",
        (Waived, _, Lang::Zh) => "免于办理",
        (Cancelled, _, Lang::Zh) => "已取消",
        (Open, true, Lang::En) => "overdue",
        (Open, false, Lang::En) => "open",
        (Waiting, _, Lang::En) => "waiting",
        (Done, _, Lang::En) => "done",
        (Waived, _, Lang::En) => "waived",
        (Cancelled, _, Lang::En) => "cancelled",
    }
}

/// The ledger of `snapshot`, titled `title`.
pub fn ledger(snapshot: &Snapshot, title: &str, lang: Lang) -> Workbook {
    let tz = snapshot.timezone;
    let as_of = match lang {
        Lang::Zh => format!("{title}（截至{}）", full_day(snapshot.at, tz, lang)),
        Lang::En => format!("{title} (as of {})", full_day(snapshot.at, tz, lang)),
    };
    let tallies = rolled_up(snapshot);
    let parent_name =
        |unit: usize| snapshot.units[unit].parent.map_or(Cell::Empty, |p| Cell::text(&snapshot.units[p].name));
    let summary = Sheet {
        name: pick(lang, "汇总", "Summary").to_string(),
        title: Some(as_of.clone()),
        header: match lang {
            Lang::Zh => ["单位", "上级单位", "任务数（含下级）", "已完成", "完成率", "逾期"],
            Lang::En => ["Unit", "Parent", "Tasks (with units below)", "Done", "Completion", "Overdue"],
        }
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: (0..snapshot.units.len())
            .filter(|&u| tallies[u].total() > 0)
            .map(|u| {
                let t = &tallies[u];
                vec![
                    Cell::text(&snapshot.units[u].name),
                    parent_name(u),
                    Cell::Integer(t.total() as i64),
                    Cell::Integer(t.settled() as i64),
                    t.completion().map_or(Cell::Empty, Cell::Percent),
                    Cell::Integer(t.overdue as i64),
                ]
            })
            .collect(),
    };
    let mut sheets = vec![summary];
    // One pass over the tasks, bucketed by template, in directory order within each.
    let mut by_template: Vec<Vec<usize>> = vec![Vec::new(); snapshot.templates.len()];
    for (i, task) in snapshot.tasks.iter().enumerate() {
        by_template[task.template].push(i);
    }
    for (index, template) in snapshot.templates.iter().enumerate() {
        let tasks = &mut by_template[index];
        tasks.sort_by_key(|&i| snapshot.tasks[i].unit);
        let mut header: Vec<String> = match lang {
            Lang::Zh => ["序号", "上级单位", "单位", "状态", "截止时间", "完成时间"],
            Lang::En => ["No.", "Parent", "Unit", "State", "Due", "Completed"],
        }
        .iter()
        .map(|s| s.to_string())
        .collect();
        // A figure counted from the register takes two columns: the register's count, as the
        // report gives it, then what the unit typed, so a difference shows.
        let columns: Vec<(&campaign::Figure, bool)> = template
            .figures
            .iter()
            .flat_map(|f| std::iter::once((f, false)).chain(f.counted.map(|_| (f, true))))
            .collect();
        for &(figure, typed) in &columns {
            let unit = figure.unit.as_deref().map(|u| match lang {
                Lang::Zh => format!("，{u}"),
                Lang::En => format!(", {u}"),
            });
            header.push(match (figure.counted.is_some(), typed, lang) {
                (false, _, _) => match &figure.unit {
                    Some(unit) => format!("{}（{unit}）", figure.label),
                    None => figure.label.clone(),
                },
                (true, false, Lang::Zh) => format!("{}（人才名册{}）", figure.label, unit.unwrap_or_default()),
                (true, true, Lang::Zh) => format!("{}（单位填报{}）", figure.label, unit.unwrap_or_default()),
                (true, false, Lang::En) => format!("{} (register{})", figure.label, unit.unwrap_or_default()),
                (true, true, Lang::En) => format!("{} (typed{})", figure.label, unit.unwrap_or_default()),
            });
        }
        header.push(pick(lang, "情况说明", "Note").to_string());
        let mut totals = vec![0.0; columns.len()];
        let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(tasks.len() + 1);
        for (n, &i) in tasks.iter().enumerate() {
            let task = &snapshot.tasks[i];
            let overdue = tally_of(snapshot, task).overdue > 0;
            let mut row = vec![
                Cell::Integer(n as i64 + 1),
                parent_name(task.unit),
                Cell::text(&snapshot.units[task.unit].name),
                Cell::text(state_words(task.state, overdue, lang)),
                cell_time(task.due_at, tz),
                task.completed_at.map_or(Cell::Empty, |at| cell_time(at, tz)),
            ];
            for (c, &(figure, typed)) in columns.iter().enumerate() {
                let value = if typed {
                    snapshot.typed_figure(task, &figure.key)
                } else {
                    snapshot.report_figures(task).find(|(k, _)| *k == figure.key).map(|(_, v)| v)
                };
                match value {
                    Some(value) => {
                        totals[c] += value;
                        row.push(Cell::Number(value));
                    }
                    None => row.push(Cell::Empty),
                }
            }
            row.push(task.note.as_ref().map_or(Cell::Empty, Cell::text));
            rows.push(row);
        }
        if !template.figures.is_empty() {
            let mut total_row = vec![
                Cell::text(pick(lang, "合计", "Total")),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ];
            total_row.extend(totals.into_iter().map(Cell::Number));
            total_row.push(Cell::Empty);
            rows.push(total_row);
        }
        sheets.push(Sheet {
            name: template.title.clone(),
            title: Some(format!("{}（{}）", template.title, snapshot.run)),
            header,
            rows,
        });
    }
    Workbook { sheets }
}

/// Every task of `snapshot` as one flat table (for CSV): task, parent unit, unit, state, due,
/// completed, the figures reported written out ("走访返乡人员 12人；…") and the note.
pub fn flat_ledger(snapshot: &Snapshot, lang: Lang) -> Sheet {
    let tz = snapshot.timezone;
    let mut order: Vec<usize> = (0..snapshot.tasks.len()).collect();
    order.sort_by_key(|&i| (snapshot.tasks[i].template, snapshot.tasks[i].unit));
    let rows = order
        .into_iter()
        .map(|i| {
            let task = &snapshot.tasks[i];
            let template = &snapshot.templates[task.template];
            let overdue = tally_of(snapshot, task).overdue > 0;
            let figures: Vec<String> = template
                .figures
                .iter()
                .filter_map(|f| {
                    let value = snapshot.report_figures(task).find(|(k, _)| *k == f.key).map(|(_, v)| v)?;
                    let unit = f.unit.as_deref().unwrap_or("");
                    let text = format!("{} {}{unit}", f.label, crate::words::number(value));
                    // A count of the register, with what the unit typed when that differs.
                    Some(match snapshot.typed_figure(task, &f.key).filter(|t| f.counted.is_some() && *t != value) {
                        Some(typed) => match lang {
                            Lang::Zh => format!("{text}（名册；填报{}{unit}）", crate::words::number(typed)),
                            Lang::En => format!("{text} (register; typed {}{unit})", crate::words::number(typed)),
                        },
                        None => text,
                    })
                })
                .collect();
            vec![
                Cell::text(&template.title),
                snapshot.units[task.unit].parent.map_or(Cell::Empty, |p| Cell::text(&snapshot.units[p].name)),
                Cell::text(&snapshot.units[task.unit].name),
                Cell::text(state_words(task.state, overdue, lang)),
                cell_time(task.due_at, tz),
                task.completed_at.map_or(Cell::Empty, |at| cell_time(at, tz)),
                if figures.is_empty() { Cell::Empty } else { Cell::text(figures.join(pick(lang, "；", "; "))) },
                task.note.as_ref().map_or(Cell::Empty, Cell::text),
            ]
        })
        .collect();
    Sheet {
        name: pick(lang, "任务台账", "Tasks").to_string(),
        title: None,
        header: match lang {
            Lang::Zh => ["任务", "上级单位", "单位", "状态", "截止时间", "完成时间", "报送数据", "情况说明"],
            Lang::En => ["Task", "Parent", "Unit", "State", "Due", "Completed", "Figures", "Note"],
        }
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    }
}

//! Plans for people and scripts: the JSON of `guiyan plan --json` and the readable text.

use std::fmt::Write;

use calendar::Tz;
use campaign::{Anchor, Campaign, Directory, Lang};
use chrono::{DateTime, SecondsFormat};
use serde_json::{Value, json};

use crate::run::{PlannedRun, RunAnchor};

fn rfc3339(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `{"runs": [...]}` with RFC 3339 times carrying the zone's offset.
pub fn to_json(runs: &[PlannedRun]) -> Value {
    let runs: Vec<Value> = runs
        .iter()
        .map(|run| {
            let anchor = match &run.anchor {
                RunAnchor::Day(d) => d.to_string(),
                RunAnchor::Instant(t) => rfc3339(t),
            };
            let tasks: Vec<Value> = run
                .tasks
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id,
                        "template": &*t.template,
                        "unit": &*t.unit,
                        "starts_at": rfc3339(&t.starts_at),
                        "due_at": rfc3339(&t.due_at),
                        "after": run.dependencies(t).map(|d| d.id.as_str()).collect::<Vec<_>>(),
                        "reminders": t.reminders.iter().map(rfc3339).collect::<Vec<_>>(),
                        "escalations": t.escalations.iter().map(|e| json!({"at": rfc3339(&e.at), "to": &*e.to})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let reports: Vec<Value> =
                run.reports.iter().map(|r| json!({"id": r.id, "at": rfc3339(&r.at)})).collect();
            json!({
                "campaign": run.campaign,
                "run": run.key,
                "anchor": anchor,
                "opens_at": rfc3339(&run.opens_at),
                "closes_at": rfc3339(&run.closes_at),
                "tasks": tasks,
                "reports": reports,
            })
        })
        .collect();
    json!({ "runs": runs })
}

/// A run as an administrator reads it: the window, then the tasks grouped by template with their
/// units and local times, then the reports.
pub fn render_text(run: &PlannedRun, campaign: &Campaign, directory: &Directory, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let local = |t: &DateTime<Tz>| t.format("%Y-%m-%d %H:%M").to_string();
    let anchor_name = match &campaign.recurrence.anchor {
        Anchor::Festival(f) => {
            if zh {
                f.zh().to_string()
            } else {
                f.en().to_string()
            }
        }
        Anchor::Lunar(md) => {
            if zh {
                format!("农历{}月{}日", md.month, md.day)
            } else {
                format!("lunar {}-{}", md.month, md.day)
            }
        }
        Anchor::Date { month, day } => format!("{month:02}-{day:02}"),
        Anchor::Cron(c) => c.pattern().to_string(),
    };
    let anchor = match &run.anchor {
        RunAnchor::Day(d) => d.to_string(),
        RunAnchor::Instant(t) => local(t),
    };
    if zh {
        let _ = writeln!(out, "{}（{}）第 {} 期", campaign.name, campaign.id, run.key);
        let _ = writeln!(out, "  锚定：{anchor}（{anchor_name}）");
        let _ = writeln!(
            out,
            "  开启：{}  结束：{}  时区：{}",
            local(&run.opens_at),
            local(&run.closes_at),
            campaign.timezone
        );
        let _ = writeln!(out, "  任务：{} 项", run.tasks.len());
    } else {
        let _ = writeln!(out, "{} ({}) run {}", campaign.name, campaign.id, run.key);
        let _ = writeln!(out, "  anchor: {anchor} ({anchor_name})");
        let _ = writeln!(
            out,
            "  opens: {}  closes: {}  time zone: {}",
            local(&run.opens_at),
            local(&run.closes_at),
            campaign.timezone
        );
        let _ = writeln!(out, "  tasks: {}", run.tasks.len());
    }
    for template in &campaign.tasks {
        let tasks: Vec<_> = run.tasks.iter().filter(|t| *t.template == *template.id).collect();
        let _ = writeln!(out);
        if zh {
            let _ = writeln!(out, "  【{}】{}（{} 项）", template.id, template.title, tasks.len());
        } else {
            let noun = if tasks.len() == 1 { "task" } else { "tasks" };
            let _ = writeln!(out, "  [{}] {} ({} {noun})", template.id, template.title, tasks.len());
        }
        if !template.after.is_empty() {
            let _ = writeln!(out, "    {}{}", if zh { "前置：" } else { "after: " }, template.after.join(", "));
        }
        if !template.figures.is_empty() {
            let figures: Vec<String> = template
                .figures
                .iter()
                .map(|f| {
                    format!(
                        "{}{}",
                        f.label,
                        f.unit
                            .as_deref()
                            .map(|u| if zh { format!("（{u}）") } else { format!(" ({u})") })
                            .unwrap_or_default()
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "    {}{}",
                if zh { "报送：" } else { "figures: " },
                figures.join(if zh { "、" } else { ", " })
            );
        }
        for task in tasks {
            let name = directory.unit(&task.unit).map_or("", |u| u.name.as_str());
            let reminders: Vec<String> = task.reminders.iter().map(|t| t.format("%m-%d %H:%M").to_string()).collect();
            let escalations: Vec<String> =
                task.escalations.iter().map(|e| format!("{} → {}", e.at.format("%m-%d %H:%M"), e.to)).collect();
            if zh {
                let _ = write!(
                    out,
                    "    {} {}  开始 {}  截止 {}",
                    task.unit,
                    name,
                    local(&task.starts_at),
                    local(&task.due_at)
                );
                if !reminders.is_empty() {
                    let _ = write!(out, "  提醒 {}", reminders.join("、"));
                }
                if !escalations.is_empty() {
                    let _ = write!(out, "  督办 {}", escalations.join("、"));
                }
            } else {
                let _ = write!(
                    out,
                    "    {} {}  starts {}  due {}",
                    task.unit,
                    name,
                    local(&task.starts_at),
                    local(&task.due_at)
                );
                if !reminders.is_empty() {
                    let _ = write!(out, "  reminders {}", reminders.join(", "));
                }
                if !escalations.is_empty() {
                    let _ = write!(out, "  escalations {}", escalations.join(", "));
                }
            }
            let _ = writeln!(out);
        }
    }
    if !run.reports.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  {}", if zh { "报告：" } else { "reports:" });
        for report in &run.reports {
            let title = campaign.reports.iter().find(|r| r.id == report.id).map_or("", |r| r.title.as_str());
            let _ = writeln!(out, "    {}  {} {}", local(&report.at), report.id, title);
        }
    }
    out
}

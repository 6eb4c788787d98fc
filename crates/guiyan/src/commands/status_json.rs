//! Printing `guiyan status`: JSON for scripts, an indented table for people.

use calendar::Tz;
use campaign::Lang;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use store::{RunStatus, StateCounts};

use crate::output::outln;

fn counts(c: &StateCounts) -> Value {
    json!({
        "waiting": c.waiting, "open": c.open, "done": c.done, "waived": c.waived,
        "cancelled": c.cancelled, "overdue": c.overdue, "total": c.total(),
        "completion": c.completion(),
    })
}

fn time(at: i64, tz: &str) -> String {
    let tz: Tz = tz.parse().unwrap_or(Tz::UTC);
    DateTime::<Utc>::from_timestamp(at, 0).map(|t| t.with_timezone(&tz).to_rfc3339()).unwrap_or_default()
}

pub fn runs(runs: &[RunStatus]) -> Value {
    Value::Array(
        runs.iter()
            .map(|r| {
                json!({
                    "campaign": r.campaign,
                    "run": r.key,
                    "opens_at": time(r.opens_at, &r.timezone),
                    "closes_at": time(r.closes_at, &r.timezone),
                    "closed": r.closed_at.is_some(),
                    "missed_at": r.missed_at.map(|at| time(at, &r.timezone)),
                    "totals": counts(&r.totals),
                    "templates": r.by_template.iter().map(|(id, title, c)| json!({"template": id, "title": title, "counts": counts(c)})).collect::<Vec<_>>(),
                    "units": r.by_unit.iter().map(|u| json!({
                        "unit": u.unit, "name": u.name, "level": u.level,
                        "own": counts(&u.own), "rolled_up": counts(&u.rolled_up), "figures": u.figures,
                    })).collect::<Vec<_>>(),
                    "figures": r.figures.iter().map(|f| json!({"template": f.template, "key": f.key, "label": f.label, "unit": f.unit, "total": f.total})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn percent(c: &StateCounts) -> String {
    c.completion().map_or_else(|| "—".to_string(), |p| format!("{:.0}%", p * 100.0))
}

fn line(c: &StateCounts, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "完成 {}  已完成 {} 已免除 {} 进行中 {} 待开始 {} 逾期 {} 已取消 {}",
            percent(c),
            c.done,
            c.waived,
            c.open,
            c.waiting,
            c.overdue,
            c.cancelled
        ),
        Lang::En => format!(
            "{} complete  done {} waived {} open {} waiting {} overdue {} cancelled {}",
            percent(c),
            c.done,
            c.waived,
            c.open,
            c.waiting,
            c.overdue,
            c.cancelled
        ),
    }
}

pub fn print(runs: &[RunStatus], lang: Lang) {
    let zh = lang == Lang::Zh;
    if runs.is_empty() {
        outln!(
            "{}",
            if zh {
                "还没有任何一期工作；先运行 guiyan apply"
            } else {
                "no runs yet; run guiyan apply first"
            }
        );
    }
    for (i, r) in runs.iter().enumerate() {
        if i > 0 {
            outln!("");
        }
        let local = |at| time(at, &r.timezone).get(..16).unwrap_or_default().replace('T', " ");
        outln!("{}/{}  {} → {}", r.campaign, r.key, local(r.opens_at), local(r.closes_at));
        if let Some(missed) = r.missed_at {
            if zh {
                outln!("  未开展：本期起止时间内系统未运行，未下达任务（{} 发现）", local(missed));
            } else {
                outln!(
                    "  missed: no engine ran during this run's window, so no task was assigned (found {})",
                    local(missed)
                );
            }
            continue;
        }
        outln!("  {}", line(&r.totals, lang));
        outln!("  {}", if zh { "按任务：" } else { "by task:" });
        for (id, title, c) in &r.by_template {
            outln!("    {id:<20} {}  {title}", line(c, lang));
        }
        outln!("  {}", if zh { "按单位（含下级）：" } else { "by unit (with units below):" });
        for u in &r.by_unit {
            let indent = "  ".repeat(u.depth as usize);
            outln!("    {indent}{} {}  {}", u.unit, u.name, line(&u.rolled_up, lang));
        }
        if !r.figures.is_empty() {
            outln!("  {}", if zh { "数据汇总：" } else { "figures:" });
            for f in &r.figures {
                let (label, total, unit) = (&f.label, f.total, f.unit.as_deref().unwrap_or_default());
                let key = format!("{}.{}", f.template, f.key);
                if zh {
                    outln!("    {label}（{key}）：{total} {unit}")
                } else {
                    outln!("    {label} ({key}): {total} {unit}")
                }
            }
        }
    }
}

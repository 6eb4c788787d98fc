//! Printing `guiyan status`: the store's status as JSON for scripts (its own serialization, the
//! same the web API serves), or an indented table for people.

use campaign::Lang;
use chrono::DateTime;
use chrono_tz::Tz;
use serde_json::Value;
use store::{RunStatus, Tally};

use crate::output::outln;

/// The runs as `status --json` shows them.
pub fn runs(runs: &[RunStatus]) -> Value {
    serde_json::to_value(runs).unwrap_or_default()
}

fn percent(c: &Tally) -> String {
    c.completion().map_or_else(|| "—".to_string(), |p| format!("{:.0}%", p * 100.0))
}

fn line(c: &Tally, lang: Lang) -> String {
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
        let local = |at: DateTime<Tz>| at.format("%Y-%m-%d %H:%M").to_string();
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
        for t in &r.by_template {
            outln!("    {:<20} {}  {}", t.template, line(&t.counts, lang), t.title);
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

//! The words and number and date formats of the charts, in zh-CN or English. The caller's own
//! labels (unit names, titles, figure labels) arrive already in the reader's language; this is
//! only what the chart itself says.

use chrono::{Datelike, NaiveDate};

/// The language of what a chart says on its own (legend, axis, "no data", the text summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Simplified Chinese: `1月16日`, `暂无数据`, full-width `：` and `，` in summaries.
    #[default]
    ZhCn,
    /// English: `16 Jan`, `No data`.
    En,
}

impl Locale {
    /// `zh`, `zh-CN`, `zh_CN.UTF-8` → Chinese; `en`, `en-GB` → English; anything else → `None`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if lower.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// A whole count with thousands separators: `1,342` (both languages; Chinese official
    /// reports group digits by three as well).
    pub fn count(self, n: u64) -> String {
        group_thousands(&n.to_string())
    }

    /// A reported figure: thousands separators, at most two decimals with trailing zeros dropped
    /// (`1,342`, `12.5`, `-3`); `—` when it is not a number. Magnitudes of 10¹⁵ and beyond, which
    /// no reported figure reaches, are written with an exponent rather than thirty digits.
    pub fn figure(self, v: f64) -> String {
        if !v.is_finite() {
            return "—".to_string();
        }
        if v.abs() >= 1e15 {
            return format!("{v:.3e}");
        }
        let fixed = format!("{:.2}", v.abs());
        let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let frac = frac.trim_end_matches('0');
        let sign = if v < 0.0 && (int != "0" || !frac.is_empty()) { "-" } else { "" };
        let int = group_thousands(int);
        if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
    }

    /// A completion percentage, from 0–100: rounded *down*, so only finished work reads `100%`;
    /// above zero but under one per cent reads `<1%`, so a start is never shown as nothing; `—`
    /// when not a number.
    pub fn percent(self, p: f64) -> String {
        if p.is_nan() {
            return "—".to_string();
        }
        let p = p.clamp(0.0, 100.0);
        if p > 0.0 && p < 1.0 { "<1%".to_string() } else { format!("{}%", p.floor() as u32) }
    }

    /// A day on an axis: `1月16日` / `16 Jan`.
    pub fn day(self, date: NaiveDate) -> String {
        match self {
            Locale::ZhCn => format!("{}月{}日", date.month(), date.day()),
            Locale::En => format!("{} {}", date.day(), MONTHS[date.month0() as usize % 12]),
        }
    }

    pub(crate) fn words(self) -> &'static Words {
        match self {
            Locale::ZhCn => &ZH,
            Locale::En => &EN,
        }
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a chart says on its own, in one language.
pub(crate) struct Words {
    pub no_data: &'static str,
    pub behind: &'static str,
    pub at_risk: &'static str,
    pub on_track: &'static str,
    pub no_tasks: &'static str,
    /// Between a heading and what follows in a summary: `：` / `: `.
    pub colon: &'static str,
    /// Between items of a summary: `，` / `, `.
    pub comma: &'static str,
    /// Between groups of a summary: `；` / `; `.
    pub semicolon: &'static str,
    pub today: &'static str,
    pub done: &'static str,
    pub total: &'static str,
    pub completion: &'static str,
    /// Ends a sentence of a summary: `。` / `. `.
    pub stop: &'static str,
    /// The burn-up's summary: date, done, total, percent.
    pub burn_up_summary: fn(&str, &str, &str, &str) -> String,
    /// A marker line in a summary: label, date.
    pub marker: fn(&str, &str) -> String,
    /// The x range of a burn-up in a summary: from, to.
    pub range: fn(&str, &str) -> String,
    /// The heading of a group of figures: `单位：人` / `Unit: 人`.
    pub unit_heading: fn(&str) -> String,
    /// A mark in a summary, after the value: `（滞后）` / ` (behind)`.
    pub in_parens: fn(&str) -> String,
}

impl Words {
    /// Sentences joined and ended: `甲。乙。` / `A. B.`.
    pub(crate) fn sentences(&self, parts: &[String]) -> String {
        let mut out = parts.join(self.stop);
        if !out.is_empty() {
            out.push_str(self.stop.trim_end());
        }
        out
    }
}

static ZH: Words = Words {
    no_data: "暂无数据",
    behind: "滞后",
    at_risk: "预警",
    on_track: "正常",
    no_tasks: "无任务",
    colon: "：",
    comma: "，",
    semicolon: "；",
    today: "今天",
    done: "已完成",
    total: "任务总数",
    completion: "完成率",
    stop: "。",
    burn_up_summary: |date, done, total, percent| format!("截至{date}，已完成{done}项，共{total}项（{percent}）"),
    marker: |label, date| format!("{label}：{date}"),
    range: |from, to| format!("{from}至{to}"),
    unit_heading: |u| format!("单位：{u}"),
    in_parens: |s| format!("（{s}）"),
};

static EN: Words = Words {
    no_data: "No data",
    behind: "Behind",
    at_risk: "At risk",
    on_track: "On track",
    no_tasks: "No tasks",
    colon: ": ",
    comma: ", ",
    semicolon: "; ",
    today: "Today",
    done: "Done",
    total: "All tasks",
    completion: "Completion",
    stop: ". ",
    burn_up_summary: |date, done, total, percent| format!("By {date}, {done} of {total} tasks done ({percent})"),
    marker: |label, date| format!("{label}: {date}"),
    range: |from, to| format!("{from} to {to}"),
    unit_heading: |u| format!("Unit: {u}"),
    in_parens: |s| format!(" ({})", s.to_lowercase()),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(Locale::from_tag("zh_CN.UTF-8"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("fr"), None);
    }

    #[test]
    fn counts_and_figures_group_thousands() {
        let l = Locale::ZhCn;
        assert_eq!(l.count(0), "0");
        assert_eq!(l.count(1342), "1,342");
        assert_eq!(l.count(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(l.figure(126.0), "126");
        assert_eq!(l.figure(1342.0), "1,342");
        assert_eq!(l.figure(12.50), "12.5");
        assert_eq!(l.figure(-1234.567), "-1,234.57");
        assert_eq!(l.figure(-0.001), "0");
        assert_eq!(l.figure(f64::NAN), "—");
        assert_eq!(l.figure(f64::NEG_INFINITY), "—");
        assert_eq!(l.figure(2e20), "2.000e20");
    }

    #[test]
    fn percentages_round_down_so_only_finished_work_is_100() {
        let l = Locale::En;
        assert_eq!(l.percent(99.9), "99%");
        assert_eq!(l.percent(100.0), "100%");
        assert_eq!(l.percent(0.0), "0%");
        assert_eq!(l.percent(0.2), "<1%");
        assert_eq!(l.percent(-5.0), "0%");
        assert_eq!(l.percent(250.0), "100%");
        assert_eq!(l.percent(f64::NAN), "—");
    }

    #[test]
    fn days() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 16).expect("date");
        assert_eq!(Locale::ZhCn.day(d), "1月16日");
        assert_eq!(Locale::En.day(d), "16 Jan");
    }
}

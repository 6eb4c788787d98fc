//! The variables a template sees: a digest with its times, durations and figures already worded.
//!
//! Every template gets these (times are local to the campaign's zone and worded in the digest's
//! language, e.g. `2027年2月3日（星期三）17:30` or `Wed 3 Feb 2027, 17:30`):
//!
//! | variable | meaning |
//! |---|---|
//! | `kind` | `assigned`, `reminder`, `overdue`, `escalation` or `run-opened` |
//! | `lang` | `zh-CN` or `en` |
//! | `campaign.id`, `campaign.name` | the campaign |
//! | `run_key` | the run (`2027`, or an opening date for cron campaigns) |
//! | `recipient.unit_id`, `recipient.unit_name`, `recipient.email` | who the mail is for |
//! | `moment`, `moment_date`, `moment_iso` | when the digest was composed (worded, date only, RFC 3339) |
//! | `run_opens_at`, `run_closes_at` | the run's opening and closing, worded; empty when not given |
//! | `task_count`, `unit_count` | how many tasks, and for how many distinct units |
//! | `earliest_due` | the earliest due time among the tasks, worded; empty without tasks |
//! | `tasks` | the tasks, see below |
//! | `units` | the tasks grouped by unit, in order of first appearance: `ordinal`, `unit_id`, `unit_name`, `count`, `tasks` (as below) |
//! | `groups` | the tasks grouped by title, in order of first appearance: `ordinal`, `title`, `count`, `earliest_due`, `latest_due` |
//! | `subject` | the rendered subject (bodies only) |
//!
//! Each task has `number` (1, 2, …), `ordinal` (`一`, `二`, … in Chinese, `1`, `2`, … in English),
//! `id`, `title`, `unit_id`, `unit_name`, `starts_at`, `due_at`, `due_at_iso`, `overdue_by` (how
//! long past due at `moment`, worded; empty when not yet due), `time_left` (until due; empty when
//! past), `figures` (each `key`, `label`, `unit`, `required`, `text`), `figures_text` (all figures
//! worded on one line; empty when none) and `report_hint` (how to report completion: for now the
//! command `guiyan task done ID --figure KEY=VALUE …`).

use std::collections::HashMap;

use campaign::Locale;
use chrono::{DateTime, Datelike, TimeDelta, Timelike, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use crate::digest::{Digest, DigestTask, FigureLine};

/// The template context of one digest.
#[derive(Debug, Serialize)]
pub struct View<'a> {
    kind: &'static str,
    lang: &'static str,
    campaign: CampaignView<'a>,
    run_key: &'a str,
    recipient: RecipientView<'a>,
    moment: String,
    moment_date: String,
    moment_iso: String,
    run_opens_at: String,
    run_closes_at: String,
    task_count: usize,
    unit_count: usize,
    earliest_due: String,
    tasks: Vec<TaskView<'a>>,
    units: Vec<UnitGroup<'a>>,
    groups: Vec<TitleGroup<'a>>,
}

#[derive(Debug, Serialize)]
struct CampaignView<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct RecipientView<'a> {
    unit_id: &'a str,
    unit_name: &'a str,
    email: &'a str,
}

#[derive(Clone, Debug, Serialize)]
struct TaskView<'a> {
    number: usize,
    ordinal: String,
    id: &'a str,
    title: &'a str,
    unit_id: &'a str,
    unit_name: &'a str,
    starts_at: String,
    due_at: String,
    due_at_iso: String,
    overdue_by: String,
    time_left: String,
    figures: Vec<FigureView<'a>>,
    figures_text: String,
    report_hint: String,
}

#[derive(Clone, Debug, Serialize)]
struct FigureView<'a> {
    key: &'a str,
    label: &'a str,
    unit: &'a str,
    required: bool,
    text: String,
}

#[derive(Debug, Serialize)]
struct UnitGroup<'a> {
    ordinal: String,
    unit_id: &'a str,
    unit_name: &'a str,
    count: usize,
    tasks: Vec<TaskView<'a>>,
}

#[derive(Debug, Serialize)]
struct TitleGroup<'a> {
    ordinal: String,
    title: &'a str,
    count: usize,
    earliest_due: String,
    latest_due: String,
}

impl<'a> View<'a> {
    /// The context of `digest`. Linear in the number of tasks.
    pub fn new(digest: &'a Digest) -> View<'a> {
        let locale = digest.locale;
        let tasks: Vec<TaskView<'a>> =
            digest.tasks.iter().enumerate().map(|(i, task)| task_view(i + 1, task, digest)).collect();

        let mut units: Vec<(&'a DigestTask, Vec<usize>)> = Vec::new();
        let mut unit_index: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<(&'a str, usize, DateTime<Tz>, DateTime<Tz>)> = Vec::new();
        let mut group_index: HashMap<&str, usize> = HashMap::new();
        for (i, task) in digest.tasks.iter().enumerate() {
            let u = *unit_index.entry(task.unit_id.as_str()).or_insert_with(|| {
                units.push((task, Vec::new()));
                units.len() - 1
            });
            units[u].1.push(i);
            let g = *group_index.entry(task.title.as_str()).or_insert_with(|| {
                groups.push((&task.title, 0, task.due_at, task.due_at));
                groups.len() - 1
            });
            let group = &mut groups[g];
            group.1 += 1;
            group.2 = group.2.min(task.due_at);
            group.3 = group.3.max(task.due_at);
        }
        let earliest_due = digest.tasks.iter().map(|t| t.due_at).min();

        View {
            kind: digest.kind.name(),
            lang: match locale {
                Locale::ZhCn => "zh-CN",
                Locale::En => "en",
            },
            campaign: CampaignView { id: &digest.campaign_id, name: &digest.campaign_name },
            run_key: &digest.run_key,
            recipient: RecipientView {
                unit_id: &digest.recipient.unit_id,
                unit_name: &digest.recipient.unit_name,
                email: &digest.recipient.email,
            },
            moment: format_time(&digest.moment, locale),
            moment_date: format_date(&digest.moment, locale),
            moment_iso: digest.moment.to_rfc3339(),
            run_opens_at: digest.run_opens_at.map(|t| format_time(&t, locale)).unwrap_or_default(),
            run_closes_at: digest.run_closes_at.map(|t| format_time(&t, locale)).unwrap_or_default(),
            task_count: digest.tasks.len(),
            unit_count: units.len(),
            earliest_due: earliest_due.map(|t| format_time(&t, locale)).unwrap_or_default(),
            units: units
                .into_iter()
                .enumerate()
                .map(|(i, (first, members))| UnitGroup {
                    ordinal: ordinal(i + 1, locale),
                    unit_id: &first.unit_id,
                    unit_name: &first.unit_name,
                    count: members.len(),
                    tasks: members.into_iter().map(|i| tasks[i].clone()).collect(),
                })
                .collect(),
            tasks,
            groups: groups
                .into_iter()
                .enumerate()
                .map(|(i, (title, count, earliest, latest))| TitleGroup {
                    ordinal: ordinal(i + 1, locale),
                    title,
                    count,
                    earliest_due: format_time(&earliest, locale),
                    latest_due: format_time(&latest, locale),
                })
                .collect(),
        }
    }
}

fn task_view<'a>(number: usize, task: &'a DigestTask, digest: &Digest) -> TaskView<'a> {
    let locale = digest.locale;
    let late = digest.moment.signed_duration_since(task.due_at);
    let figures: Vec<FigureView<'a>> = task.figures.iter().map(|f| figure_view(f, locale)).collect();
    let separator = match locale {
        Locale::ZhCn => "、",
        Locale::En => "; ",
    };
    let figures_text = figures.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join(separator);
    TaskView {
        number,
        ordinal: ordinal(number, locale),
        id: &task.id,
        title: &task.title,
        unit_id: &task.unit_id,
        unit_name: &task.unit_name,
        starts_at: format_time(&task.starts_at, locale),
        due_at: format_time(&task.due_at, locale),
        due_at_iso: task.due_at.to_rfc3339(),
        overdue_by: if late > TimeDelta::zero() { format_duration(late, locale) } else { String::new() },
        time_left: if late <= TimeDelta::zero() { format_duration(-late, locale) } else { String::new() },
        figures,
        figures_text,
        report_hint: report_hint(task, locale),
    }
}

fn figure_view(figure: &FigureLine, locale: Locale) -> FigureView<'_> {
    let unit = figure.unit.as_deref().unwrap_or("");
    let text = match locale {
        Locale::ZhCn => {
            let mut notes: Vec<&str> = Vec::new();
            if !unit.is_empty() {
                notes.push(unit);
            }
            if !figure.required {
                notes.push("选填");
            }
            if notes.is_empty() { figure.label.clone() } else { format!("{}（{}）", figure.label, notes.join("，")) }
        }
        Locale::En => {
            let mut notes: Vec<&str> = Vec::new();
            if !unit.is_empty() {
                notes.push(unit);
            }
            if !figure.required {
                notes.push("optional");
            }
            if notes.is_empty() { figure.label.clone() } else { format!("{} ({})", figure.label, notes.join(", ")) }
        }
    };
    FigureView { key: &figure.key, label: &figure.label, unit, required: figure.required, text }
}

/// How a unit reports a task done, for now on the command line.
pub fn report_hint(task: &DigestTask, locale: Locale) -> String {
    let value = match locale {
        Locale::ZhCn => "<数值>",
        Locale::En => "<value>",
    };
    let mut hint = format!("guiyan task done {}", task.id);
    for figure in &task.figures {
        hint.push_str(&format!(" --figure {}={value}", figure.key));
    }
    hint
}

/// A local time with weekday: `2027年2月3日（星期三）17:30`, `Wed 3 Feb 2027, 17:30`.
pub fn format_time(t: &DateTime<Tz>, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!(
            "{}年{}月{}日（{}）{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            chinese_weekday(t.weekday()),
            t.hour(),
            t.minute()
        ),
        Locale::En => t.format("%a %-d %b %Y, %H:%M").to_string(),
    }
}

/// A local date: `2027年2月3日`, `3 February 2027`.
pub fn format_date(t: &DateTime<Tz>, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!("{}年{}月{}日", t.year(), t.month(), t.day()),
        Locale::En => t.format("%-d %B %Y").to_string(),
    }
}

fn chinese_weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// A duration in days, hours and minutes, to the two largest units: `2天3小时`, `2 days 3 hours`.
pub fn format_duration(d: TimeDelta, locale: Locale) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let parts: Vec<(i64, &str, &str, &str)> =
        vec![(days, "天", "day", "days"), (hours, "小时", "hour", "hours"), (mins, "分钟", "minute", "minutes")];
    let first = parts.iter().position(|p| p.0 > 0);
    let Some(first) = first else {
        return match locale {
            Locale::ZhCn => "不足1分钟".to_string(),
            Locale::En => "less than a minute".to_string(),
        };
    };
    let shown = parts[first..].iter().take(2).filter(|p| p.0 > 0);
    match locale {
        Locale::ZhCn => shown.map(|(n, zh, _, _)| format!("{n}{zh}")).collect(),
        Locale::En => shown
            .map(|(n, _, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A list position as headings number it: `一`, `二`, … in Chinese, `1`, `2`, … in English.
fn ordinal(n: usize, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => chinese_number(n),
        Locale::En => n.to_string(),
    }
}

/// A positive number in Chinese numerals up to 99 (一, 十, 十一, 二十三), Arabic digits above.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 23, 99, 100].into_iter().map(chinese_number).collect();
        assert_eq!(got, ["一", "九", "十", "十一", "十九", "二十", "二十三", "九十九", "100"]);
    }

    #[test]
    fn times_and_durations() {
        let t = Shanghai.with_ymd_and_hms(2027, 2, 3, 17, 30, 0).single().expect("valid time");
        assert_eq!(format_time(&t, Locale::ZhCn), "2027年2月3日（星期三）17:30");
        assert_eq!(format_time(&t, Locale::En), "Wed 3 Feb 2027, 17:30");
        assert_eq!(format_date(&t, Locale::ZhCn), "2027年2月3日");
        assert_eq!(format_date(&t, Locale::En), "3 February 2027");
        let d = TimeDelta::hours(51) + TimeDelta::minutes(5);
        assert_eq!(format_duration(d, Locale::ZhCn), "2天3小时");
        assert_eq!(format_duration(d, Locale::En), "2 days 3 hours");
        assert_eq!(format_duration(TimeDelta::hours(24), Locale::En), "1 day");
        assert_eq!(format_duration(TimeDelta::minutes(61), Locale::ZhCn), "1小时1分钟");
        assert_eq!(format_duration(TimeDelta::seconds(30), Locale::ZhCn), "不足1分钟");
        assert_eq!(format_duration(TimeDelta::days(1) + TimeDelta::minutes(5), Locale::ZhCn), "1天");
    }
}

//! The variables a template sees: a digest with its times, durations and figures already worded.
//!
//! Times are local to the campaign's zone and worded in the digest's language, e.g.
//! `2027年2月3日（星期三）17:30` or `Wed 3 Feb 2027, 17:30`.
//!
//! # Section templates
//!
//! `KIND.subject.txt`, `KIND.txt` and `KIND.html` see one section of the digest (the subject
//! template is only rendered for the first section, the lead):
//!
//! | variable | meaning |
//! |---|---|
//! | `kind` | `escalation`, `overdue`, `assigned`, `reminder`, `run-closed`, `run-missed` or `run-opened` |
//! | `label` | the kind's short name, localized (`任务通知`, `new tasks`): what `other_kinds` lists |
//! | `heading` | the heading the built-in letter gives the section when there are several (`新下达任务`, `New tasks`) |
//! | `lang` | `zh-CN` or `en` |
//! | `campaign.id`, `campaign.name` | the section's campaign |
//! | `run_key` | the run (`2027`, or an opening date for cron campaigns) |
//! | `recipient.unit_id`, `recipient.unit_name`, `recipient.email` | who the mail is for |
//! | `moment`, `moment_date`, `moment_iso` | when the digest was composed (worded, date only, RFC 3339) |
//! | `run_opens_at`, `run_closes_at` | the run's opening and closing, worded; empty when not given |
//! | `task_count`, `unit_count` | how many tasks, and for how many distinct units |
//! | `overdue_count` | how many of the tasks are past due at `moment` (an assigned task may be, when it opened late) |
//! | `earliest_due` | the earliest due time among the tasks, worded; empty without tasks |
//! | `tasks` | the tasks, see below |
//! | `units` | the tasks grouped by unit, in order of first appearance: `ordinal`, `unit_id`, `unit_name`, `count`, `tasks` (as below) |
//! | `groups` | the tasks grouped by title, in order of first appearance: `ordinal`, `title`, `count`, `earliest_due`, `latest_due` |
//! | `number`, `section_count` | the section's place in the mail (1 is the lead) and how many sections the mail has |
//! | `kinds` | the kinds of the mail's sections (`kind` names), each once, in order: `{% if "run-missed" in kinds %}` |
//! | `other_kinds` | the labels of the other sections' kinds, deduplicated, in order, joined with `、` (`, ` in English); empty when the section is alone |
//! | `last_of_kind` | whether no later section is of the same kind (advice said once for several missed runs) |
//! | `subject` | the rendered subject (`KIND.txt` and `KIND.html` only) |
//!
//! Each task has `number` (1, 2, …), `ordinal` (`一`, `二`, … in Chinese, `1`, `2`, … in English),
//! `id`, `title`, `unit_id`, `unit_name`, `starts_at`, `due_at`, `due_at_iso`, `overdue_by` (how
//! long past due at `moment`, worded; empty when not yet due), `time_left` (until due; empty when
//! past), `figures` (each `key`, `label`, `unit`, `required`, `text`), `figures_text` (all figures
//! worded on one line; empty when none), `report_link` (the link to the task's page in the unit's
//! portal, where it is reported; empty when no web serves the portal) and `report_hint` (the
//! command `guiyan task done ID --figure KEY=VALUE …`, for when there is no link).
//!
//! # The letter
//!
//! `letter.txt` and `layout.html` frame the sections: greeting, the sections' bodies, how to
//! report, signature and footer. They see:
//!
//! | variable | meaning |
//! |---|---|
//! | `lang` | `zh-CN` or `en` |
//! | `recipient.unit_id`, `recipient.unit_name`, `recipient.email` | who the mail is for |
//! | `moment`, `moment_date`, `moment_iso` | when the digest was composed (worded, date only, RFC 3339) |
//! | `subject` | the rendered subject |
//! | `sections` | the sections in order, each with `number`, `kind`, `label`, `heading`, `campaign.id`, `campaign.name`, `run_key`, `task_count` (as above) and `body`: the section rendered by `KIND.txt` (in `letter.txt`) or `KIND.html` (in `layout.html`) |
//! | `section_count` | how many sections (at least one) |
//! | `kinds` | the kinds of the sections (`kind` names), each once, in order |
//! | `has_own_tasks` | whether a section is about the recipient's own tasks (`assigned`, `reminder`, `overdue`), which the recipient reports done |
//! | `portal_link` | the recipient's signed link to its portal; empty when no web serves it |
//!
//! In `layout.html` a section's `body` is HTML its template already escaped, marked safe: write
//! `{{ section.body }}` (no `safe` filter needed); everything else is escaped as usual.

use std::collections::{HashMap, HashSet};

use campaign::Locale;
pub use campaign::wording::{chinese_number, format_date, format_duration, format_time};
use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use plan::NoticeKind;
use serde::Serialize;

use crate::digest::{Digest, DigestTask, FigureLine, Section};

/// The context of one section's templates.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    kind: &'static str,
    label: &'static str,
    heading: &'static str,
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
    overdue_count: usize,
    earliest_due: String,
    tasks: Vec<TaskView<'a>>,
    units: Vec<UnitGroup<'a>>,
    groups: Vec<TitleGroup<'a>>,
    number: usize,
    section_count: usize,
    kinds: Vec<&'static str>,
    other_kinds: String,
    last_of_kind: bool,
}

/// The context of the letter around the sections (`letter.txt`, `layout.html`).
#[derive(Debug, Serialize)]
pub struct LetterView<'a> {
    lang: &'static str,
    recipient: RecipientView<'a>,
    moment: String,
    moment_date: String,
    moment_iso: String,
    subject: &'a str,
    sections: Vec<SectionFrame<'a>>,
    section_count: usize,
    kinds: Vec<&'static str>,
    has_own_tasks: bool,
    portal_link: &'a str,
}

/// One section as the letter sees it: what it is, and its rendered body.
#[derive(Debug, Serialize)]
struct SectionFrame<'a> {
    number: usize,
    kind: &'static str,
    label: &'static str,
    heading: &'static str,
    campaign: CampaignView<'a>,
    run_key: &'a str,
    task_count: usize,
    /// A Tera value, so that an HTML body can be marked safe: it was escaped when rendered.
    body: tera::Value,
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
    report_link: String,
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

fn lang(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en",
    }
}

fn recipient_view(digest: &Digest) -> RecipientView<'_> {
    RecipientView {
        unit_id: &digest.recipient.unit_id,
        unit_name: &digest.recipient.unit_name,
        email: &digest.recipient.email,
    }
}

/// A kind's short name, as a subject lists the other kinds a mail holds: `任务通知`, `new tasks`.
pub fn kind_label(kind: NoticeKind, locale: Locale) -> &'static str {
    match (locale, kind) {
        (Locale::ZhCn, NoticeKind::Escalation) => "督办",
        (Locale::ZhCn, NoticeKind::Overdue) => "逾期提醒",
        (Locale::ZhCn, NoticeKind::Assigned) => "任务通知",
        (Locale::ZhCn, NoticeKind::Reminder) => "到期提醒",
        (Locale::ZhCn, NoticeKind::RunClosed) => "工作结束",
        (Locale::ZhCn, NoticeKind::RunMissed) => "工作未启动",
        (Locale::ZhCn, NoticeKind::RunOpened) => "工作启动",
        (Locale::En, NoticeKind::Escalation) => "escalation",
        (Locale::En, NoticeKind::Overdue) => "overdue tasks",
        (Locale::En, NoticeKind::Assigned) => "new tasks",
        (Locale::En, NoticeKind::Reminder) => "reminder",
        (Locale::En, NoticeKind::RunClosed) => "campaign closed",
        (Locale::En, NoticeKind::RunMissed) => "campaign missed",
        (Locale::En, NoticeKind::RunOpened) => "campaign opened",
    }
}

/// The heading of a kind's section in a mail of several: `新下达任务`, `New tasks`.
pub fn kind_heading(kind: NoticeKind, locale: Locale) -> &'static str {
    match (locale, kind) {
        (Locale::ZhCn, NoticeKind::Escalation) => "督办",
        (Locale::ZhCn, NoticeKind::Overdue) => "逾期未完成任务",
        (Locale::ZhCn, NoticeKind::Assigned) => "新下达任务",
        (Locale::ZhCn, NoticeKind::Reminder) => "即将到期任务",
        (Locale::ZhCn, NoticeKind::RunClosed) => "工作结束，尚有任务未完成",
        (Locale::ZhCn, NoticeKind::RunMissed) => "工作未能启动",
        (Locale::ZhCn, NoticeKind::RunOpened) => "工作启动",
        (Locale::En, NoticeKind::Escalation) => "Escalation: overdue work of units under you",
        (Locale::En, NoticeKind::Overdue) => "Your overdue tasks",
        (Locale::En, NoticeKind::Assigned) => "New tasks",
        (Locale::En, NoticeKind::Reminder) => "Tasks due soon",
        (Locale::En, NoticeKind::RunClosed) => "Campaign closed with work unfinished",
        (Locale::En, NoticeKind::RunMissed) => "Campaign missed",
        (Locale::En, NoticeKind::RunOpened) => "Campaign opened",
    }
}

/// The names of the kinds of the digest's sections, each once, in order.
fn kinds(digest: &Digest) -> Vec<&'static str> {
    let mut seen = HashSet::new();
    digest.sections.iter().map(|s| s.kind.name()).filter(|name| seen.insert(*name)).collect()
}

/// The labels of the kinds of every section but the lead, each once, in order.
fn other_kinds(digest: &Digest) -> String {
    let mut seen = HashSet::new();
    let labels: Vec<&str> = digest
        .sections
        .iter()
        .skip(1)
        .map(|s| kind_label(s.kind, digest.locale))
        .filter(|label| seen.insert(*label))
        .collect();
    let separator = match digest.locale {
        Locale::ZhCn => "、",
        Locale::En => ", ",
    };
    labels.join(separator)
}

impl<'a> SectionView<'a> {
    /// The context of `section`, the `number`th (from 1) of `digest`. Linear in the number of
    /// tasks.
    pub fn new(digest: &'a Digest, section: &'a Section, number: usize) -> SectionView<'a> {
        let locale = digest.locale;
        let tasks: Vec<TaskView<'a>> =
            section.tasks.iter().enumerate().map(|(i, task)| task_view(i + 1, task, digest)).collect();

        let mut units: Vec<(&'a DigestTask, Vec<usize>)> = Vec::new();
        let mut unit_index: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<(&'a str, usize, DateTime<Tz>, DateTime<Tz>)> = Vec::new();
        let mut group_index: HashMap<&str, usize> = HashMap::new();
        for (i, task) in section.tasks.iter().enumerate() {
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
        let earliest_due = section.tasks.iter().map(|t| t.due_at).min();

        SectionView {
            kind: section.kind.name(),
            label: kind_label(section.kind, locale),
            heading: kind_heading(section.kind, locale),
            lang: lang(locale),
            campaign: CampaignView { id: &section.campaign_id, name: &section.campaign_name },
            run_key: &section.run_key,
            recipient: recipient_view(digest),
            moment: format_time(&digest.moment, locale),
            moment_date: format_date(&digest.moment, locale),
            moment_iso: digest.moment.to_rfc3339(),
            run_opens_at: section.run_opens_at.map(|t| format_time(&t, locale)).unwrap_or_default(),
            run_closes_at: section.run_closes_at.map(|t| format_time(&t, locale)).unwrap_or_default(),
            task_count: section.tasks.len(),
            unit_count: units.len(),
            overdue_count: section.tasks.iter().filter(|t| t.due_at < digest.moment).count(),
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
            number,
            section_count: digest.sections.len(),
            kinds: kinds(digest),
            other_kinds: other_kinds(digest),
            // Sections are numbered from 1: no later section is of this kind.
            last_of_kind: !digest.sections.iter().skip(number).any(|s| s.kind == section.kind),
        }
    }
}

impl<'a> LetterView<'a> {
    /// The context of the letter of `digest`, whose subject is `subject` and whose sections
    /// rendered to `bodies` (one per section, in order; an HTML body already escaped and marked
    /// safe with [`tera::Value::safe_string`]).
    pub fn new(digest: &'a Digest, subject: &'a str, bodies: Vec<tera::Value>) -> LetterView<'a> {
        let locale = digest.locale;
        let sections = digest
            .sections
            .iter()
            .zip(bodies)
            .enumerate()
            .map(|(i, (section, body))| SectionFrame {
                number: i + 1,
                kind: section.kind.name(),
                label: kind_label(section.kind, locale),
                heading: kind_heading(section.kind, locale),
                campaign: CampaignView { id: &section.campaign_id, name: &section.campaign_name },
                run_key: &section.run_key,
                task_count: section.tasks.len(),
                body,
            })
            .collect();
        LetterView {
            lang: lang(locale),
            recipient: recipient_view(digest),
            moment: format_time(&digest.moment, locale),
            moment_date: format_date(&digest.moment, locale),
            moment_iso: digest.moment.to_rfc3339(),
            subject,
            sections,
            section_count: digest.sections.len(),
            kinds: kinds(digest),
            has_own_tasks: digest.sections.iter().any(|s| s.kind.is_about_own_tasks()),
            portal_link: digest.portal_link.as_deref().unwrap_or_default(),
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
        report_link: digest.portal_link.as_deref().map(|link| task_link(link, &task.id)).unwrap_or_default(),
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
            if figure.counted {
                notes.push("不多于人才名册登记人数");
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
            if figure.counted {
                notes.push("no more than the talent register holds");
            }
            if notes.is_empty() { figure.label.clone() } else { format!("{} ({})", figure.label, notes.join(", ")) }
        }
    };
    FigureView { key: &figure.key, label: &figure.label, unit, required: figure.required, text }
}

/// The link that opens one task's page: the portal link, asked to go on to the task.
pub fn task_link(portal_link: &str, task: &str) -> String {
    format!("{portal_link}?to=t/{task}")
}

/// How a unit reports a task done on the command line (when no web serves the portal).
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

/// A list position as headings number it: `一`, `二`, … in Chinese, `1`, `2`, … in English.
fn ordinal(n: usize, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => chinese_number(n),
        Locale::En => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_counted_from_the_register_says_it_may_not_exceed_it() {
        let figure = FigureLine {
            key: "registered".into(),
            label: "乡土人才入库".into(),
            unit: Some("人".into()),
            required: true,
            counted: true,
        };
        assert_eq!(figure_view(&figure, Locale::ZhCn).text, "乡土人才入库（人，不多于人才名册登记人数）");
        assert_eq!(figure_view(&figure, Locale::En).text, "乡土人才入库 (人, no more than the talent register holds)");
        let typed = FigureLine { counted: false, ..figure };
        assert_eq!(figure_view(&typed, Locale::ZhCn).text, "乡土人才入库（人）");
    }
}

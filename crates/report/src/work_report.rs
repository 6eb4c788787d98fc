//! The season's work report (情况报告) as a document, in the shape of the report the product grew
//! from: a title, an opening paragraph with the run's totals, numbered sections (一、二、…) whose
//! points (一是、二是…) carry the real figures, the typical cases units marked, and 下一步.
//!
//! What feeds which section is the campaign's `sections:` layout; without one, sections are built
//! from the task kinds. A value nobody has reported is said plainly ("待报送", "2个社区尚未报送"),
//! never written as 0 or X.

use std::collections::BTreeMap;

use campaign::{Lang, PointPart, ReportLayout, TaskKind, ValueRef};
use documents::{Block, Document, Run};

use crate::snapshot::Snapshot;
use crate::words::{day, full_day, level_word, number, percent, pick, point_lead, section_number};

/// What the tasks of one template add up to.
#[derive(Clone, Debug, Default)]
struct TemplateFacts {
    /// Tasks that count (not cancelled).
    assigned: u64,
    done: u64,
    waived: u64,
    /// Waiting or open, by the level of their units.
    pending_by_level: BTreeMap<String, u64>,
    /// The latest completion.
    last_done: Option<i64>,
    /// Figure key → (sum, units that reported it).
    sums: BTreeMap<String, (f64, u64)>,
}

impl TemplateFacts {
    fn pending(&self) -> u64 {
        self.pending_by_level.values().sum()
    }
}

/// The facts of every template of a snapshot, by template id.
struct Facts<'a> {
    snapshot: &'a Snapshot,
    templates: BTreeMap<&'a str, TemplateFacts>,
    /// Level → units of that level with a task that counts, levels in directory order (the order
    /// they first appear in preorder: street before community).
    levels: Vec<(&'a str, u64)>,
}

impl<'a> Facts<'a> {
    fn of(snapshot: &'a Snapshot) -> Facts<'a> {
        // By the template's index in the snapshot, as the tasks refer to it; keyed by id at the end.
        let mut by_index: Vec<TemplateFacts> = vec![TemplateFacts::default(); snapshot.templates.len()];
        let mut covered = vec![false; snapshot.units.len()];
        for task in &snapshot.tasks {
            if task.state == plan::TaskState::Cancelled {
                continue;
            }
            covered[task.unit] = true;
            let Some(facts) = by_index.get_mut(task.template) else { continue };
            facts.assigned += 1;
            for (key, value) in snapshot.report_figures(task) {
                // Looked up before inserting: the key is copied once per template, not once per
                // task (hundreds of thousands of tasks report the same few keys).
                match facts.sums.get_mut(key) {
                    Some(entry) => {
                        entry.0 += value;
                        entry.1 += 1;
                    }
                    None => {
                        facts.sums.insert(key.to_string(), (value, 1));
                    }
                }
            }
            match task.state {
                plan::TaskState::Done => {
                    facts.done += 1;
                    facts.last_done = facts.last_done.max(task.completed_at);
                }
                plan::TaskState::Waived => facts.waived += 1,
                _ => {
                    let level = &snapshot.units[task.unit].level;
                    match facts.pending_by_level.get_mut(level.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            facts.pending_by_level.insert(level.clone(), 1);
                        }
                    }
                }
            }
        }
        let templates: BTreeMap<&str, TemplateFacts> =
            snapshot.templates.iter().map(|t| t.id.as_str()).zip(by_index).collect();
        let mut levels: Vec<(&str, u64)> = Vec::new();
        for (i, unit) in snapshot.units.iter().enumerate() {
            if covered[i] {
                match levels.iter_mut().find(|(level, _)| *level == unit.level) {
                    Some((_, n)) => *n += 1,
                    None => levels.push((unit.level.as_str(), 1)),
                }
            }
        }
        Facts { snapshot, templates, levels }
    }

    fn template(&self, id: &str) -> TemplateFacts {
        self.templates.get(id).cloned().unwrap_or_default()
    }

    /// The text of one value, and whether it is incomplete (some units have not reported).
    fn value(&self, value: &ValueRef, lang: Lang) -> String {
        let tz = self.snapshot.timezone;
        match value {
            ValueRef::FigureSum { task, figure } => {
                let facts = self.template(task);
                match facts.sums.get(figure) {
                    Some((sum, _)) => number(*sum),
                    None => pick(lang, "（待报送）", "(not yet reported)").to_string(),
                }
            }
            ValueRef::UnitsDone { task } => self.template(task).done.to_string(),
            ValueRef::UnitsAssigned { task } => self.template(task).assigned.to_string(),
            ValueRef::UnitsPending { task } => self.template(task).pending().to_string(),
            ValueRef::DoneDate { task } => {
                let facts = self.template(task);
                match facts.last_done {
                    Some(at) if facts.done > 0 => day(at, tz, lang),
                    _ => pick(lang, "（尚未完成）", "(not yet done)").to_string(),
                }
            }
            ValueRef::LevelCount { level } => {
                self.levels.iter().find(|(l, _)| *l == level.as_str()).map_or(0, |(_, n)| *n).to_string()
            }
        }
    }

    /// Whether `value` has something to say yet: a figure some unit reported (or the register
    /// counted), a count of units done above 0, the day of a task done. Counts of units assigned
    /// or pending and of levels always have.
    fn available(&self, value: &ValueRef) -> bool {
        match value {
            ValueRef::FigureSum { task, figure } => self.template(task).sums.contains_key(figure.as_str()),
            ValueRef::UnitsDone { task } => self.template(task).done > 0,
            ValueRef::DoneDate { task } => {
                let facts = self.template(task);
                facts.done > 0 && facts.last_done.is_some()
            }
            ValueRef::UnitsAssigned { .. } | ValueRef::UnitsPending { .. } | ValueRef::LevelCount { .. } => true,
        }
    }

    /// A point that cannot be told yet, said as such instead of with holes ("区委组织部于（尚未完成）
    /// 召开…", "0个街道党工委相继召开…"): when a day it names is not there yet, or nothing it
    /// reports is. `None` when the point can be told (a gap among other figures stays marked).
    fn pending_point(&self, parts: &[PointPart], lang: Lang) -> Option<String> {
        let values: Vec<&ValueRef> = parts
            .iter()
            .filter_map(|p| match p {
                PointPart::Value(v) => Some(v),
                PointPart::Text(_) => None,
            })
            .collect();
        let missing: Vec<&ValueRef> = values.iter().copied().filter(|v| !self.available(v)).collect();
        let telling: Vec<&ValueRef> = values
            .iter()
            .copied()
            .filter(|v| {
                matches!(v, ValueRef::FigureSum { .. } | ValueRef::UnitsDone { .. } | ValueRef::DoneDate { .. })
            })
            .collect();
        let no_day = missing.iter().any(|v| matches!(v, ValueRef::DoneDate { .. }));
        let nothing = !telling.is_empty() && telling.iter().all(|v| !self.available(v));
        if missing.is_empty() || !(no_day || nothing) {
            return None;
        }
        let mut titles: Vec<String> = Vec::new();
        for v in &missing {
            let task = match v {
                ValueRef::FigureSum { task, .. } | ValueRef::UnitsDone { task } | ValueRef::DoneDate { task } => task,
                _ => continue,
            };
            let title = self
                .snapshot
                .templates
                .iter()
                .find(|t| t.id == *task)
                .map_or_else(|| task.clone(), |t| t.title.clone());
            let quoted = match lang {
                Lang::Zh => format!("“{title}”"),
                Lang::En => format!("“{title}”"),
            };
            if !titles.contains(&quoted) {
                titles.push(quoted);
            }
        }
        let figures_only = missing.iter().all(|v| matches!(v, ValueRef::FigureSum { .. }));
        // A point that opens with a sentence of its own before any value ("双向讲习动人心。") keeps it.
        let lead = match parts.first() {
            Some(PointPart::Text(text)) => text
                .find(['。', '.'])
                .map(|end| {
                    let stop = end + text[end..].chars().next().map_or(0, char::len_utf8);
                    text[..stop].to_string()
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        let said = match (figures_only, lang) {
            (true, Lang::Zh) => format!("{}的数据尚待报送", titles.join("、")),
            (true, Lang::En) => format!("the figures of {} are still to be reported", titles.join(", ")),
            (false, Lang::Zh) => format!("{}尚未完成，待完成后报告", titles.join("、")),
            (false, Lang::En) => format!("{} not yet done; to be reported when done", titles.join(", ")),
        };
        Some(match lang {
            Lang::Zh => format!("{lead}{said}"),
            Lang::En if lead.is_empty() => said,
            Lang::En => format!("{lead} {said}"),
        })
    }

    /// "2个社区尚未报送" for a template with work outstanding, by level; `None` when all is in.
    fn outstanding(&self, template: &str, lang: Lang) -> Option<String> {
        let facts = self.template(template);
        if facts.pending() == 0 {
            return None;
        }
        let parts: Vec<String> = facts
            .pending_by_level
            .iter()
            .map(|(level, n)| match lang {
                Lang::Zh => format!("{n}个{}", level_word(level, lang)),
                Lang::En => format!("{n} {}", level_word(level, lang)),
            })
            .collect();
        Some(parts.join(pick(lang, "、", ", ")))
    }
}

/// The year of the run: its key when that is a year ("2027"), else the year it opened.
fn run_year(snapshot: &Snapshot) -> String {
    if snapshot.run.len() == 4 && snapshot.run.chars().all(|c| c.is_ascii_digit()) {
        snapshot.run.clone()
    } else {
        full_day(snapshot.opens_at, snapshot.timezone, Lang::En).rsplit(' ').next().unwrap_or_default().to_string()
    }
}

/// One section as the document words it: a heading, its points, then what is still outstanding.
struct SectionText {
    title: String,
    points: Vec<String>,
    templates: Vec<String>,
}

/// Sections built from the task kinds, for a campaign that declares no layout: one section per
/// kind present, a point per task with its completion and figure totals.
fn default_sections(facts: &Facts<'_>, lang: Lang) -> Vec<SectionText> {
    let groups: [(&[TaskKind], &str, &str); 6] = [
        (&[TaskKind::Meeting, TaskKind::Document], "安排部署", "Planning and deployment"),
        (&[TaskKind::Publicity], "宣传发动", "Publicity"),
        (&[TaskKind::Visit], "走访摸排", "Visits"),
        (&[TaskKind::Forum, TaskKind::FollowUp], "联络服务", "Liaison and follow-up"),
        (&[TaskKind::Inspection], "督导检查", "Inspection"),
        (&[TaskKind::Other], "其他工作", "Other work"),
    ];
    let snapshot = facts.snapshot;
    let mut sections = Vec::new();
    for (kinds, zh, en) in groups {
        let templates: Vec<_> = snapshot.templates.iter().filter(|t| kinds.contains(&t.kind)).collect();
        let templates: Vec<_> = templates.into_iter().filter(|t| facts.template(&t.id).assigned > 0).collect();
        if templates.is_empty() {
            continue;
        }
        let points = templates
            .iter()
            .map(|t| {
                let f = facts.template(&t.id);
                let mut text = match lang {
                    Lang::Zh => format!("{}，{}个单位中已完成{}个", t.title, f.assigned, f.done),
                    Lang::En => format!("{}: {} of {} units done", t.title, f.done, f.assigned),
                };
                for figure in &t.figures {
                    let value = match f.sums.get(&figure.key) {
                        Some((sum, _)) => format!("{}{}", number(*sum), figure.unit.as_deref().unwrap_or("")),
                        None => pick(lang, "待报送", "not yet reported").to_string(),
                    };
                    match lang {
                        Lang::Zh => text.push_str(&format!("，{}{}", figure.label, value)),
                        Lang::En => text.push_str(&format!("; {} {}", figure.label, value)),
                    }
                }
                text
            })
            .collect();
        sections.push(SectionText {
            title: pick(lang, zh, en).to_string(),
            points,
            templates: templates.iter().map(|t| t.id.clone()).collect(),
        });
    }
    sections
}

/// Sections as the campaign declares them, values filled in.
fn declared_sections(facts: &Facts<'_>, layout: &ReportLayout, lang: Lang) -> Vec<SectionText> {
    layout
        .sections
        .iter()
        .map(|section| SectionText {
            title: section.title.clone(),
            points: section
                .points
                .iter()
                .map(|point| {
                    facts.pending_point(&point.parts, lang).unwrap_or_else(|| {
                        point
                            .parts
                            .iter()
                            .map(|part| match part {
                                PointPart::Text(text) => text.clone(),
                                PointPart::Value(value) => facts.value(value, lang),
                            })
                            .collect()
                    })
                })
                .collect(),
            templates: section.tasks.clone(),
        })
        .collect()
}

/// Ends a sentence with "。" unless it ends with punctuation already.
fn sentence(text: &str, lang: Lang) -> String {
    let trimmed = text.trim_end();
    let ends = ['。', '！', '？', '.', '!', '?', '；', ';'];
    if trimmed.ends_with(ends) { trimmed.to_string() } else { format!("{trimmed}{}", pick(lang, "。", ".")) }
}

/// The work report of `snapshot`, titled `title`, laid out by `layout` (or from the task kinds).
pub fn work_report_document(snapshot: &Snapshot, title: &str, layout: Option<&ReportLayout>, lang: Lang) -> Document {
    let tz = snapshot.timezone;
    let facts = Facts::of(snapshot);
    let owner = &snapshot.units[snapshot.owner].name;
    let mut doc = Document::new(match lang {
        Lang::Zh => format!("{}年{}", run_year(snapshot), title),
        Lang::En => format!("{title} ({})", run_year(snapshot)),
    });
    doc.subtitle = Some(format!("{owner}　{}", full_day(snapshot.at, tz, lang)));

    let tallies = crate::progress::rolled_up(snapshot);
    let all = tallies[snapshot.owner];
    let coverage: Vec<String> = facts
        .levels
        .iter()
        .filter(|(level, _)| *level != snapshot.units[snapshot.owner].level)
        .map(|(level, n)| match lang {
            Lang::Zh => format!("{n}个{}", level_word(level, lang)),
            Lang::En => format!("{n} {}", level_word(level, lang)),
        })
        .collect();
    let opening = match lang {
        Lang::Zh => format!(
            "按照{}安排，{}于{}启动本轮工作，任务覆盖{}，共部署任务{}项。截至{}，已完成{}项，完成率{}{}。现将工作开展情况报告如下：",
            snapshot.campaign_name,
            owner,
            full_day(snapshot.opens_at, tz, lang),
            if coverage.is_empty() { owner.clone() } else { coverage.join("、") },
            all.total(),
            full_day(snapshot.at, tz, lang),
            all.settled(),
            percent(all.completion().unwrap_or(0.0)),
            if all.total() > all.settled() {
                format!("，尚有{}项未完成", all.total() - all.settled())
            } else {
                String::new()
            },
        ),
        Lang::En => format!(
            "{owner} opened this season of {} on {}, covering {}, with {} tasks. As of {}, {} are done ({}). The work so far:",
            snapshot.campaign_name,
            full_day(snapshot.opens_at, tz, lang),
            if coverage.is_empty() { owner.clone() } else { coverage.join(", ") },
            all.total(),
            full_day(snapshot.at, tz, lang),
            all.settled(),
            percent(all.completion().unwrap_or(0.0)),
        ),
    };
    doc.blocks.push(Block::paragraph(opening));

    let sections = match layout {
        Some(layout) if !layout.sections.is_empty() => declared_sections(&facts, layout, lang),
        _ => default_sections(&facts, lang),
    };
    let mut n = 0;
    for section in &sections {
        doc.blocks.push(Block::heading(1, format!("{}{}", section_number(n, lang), section.title)));
        n += 1;
        let many = section.points.len() > 1;
        for (i, point) in section.points.iter().enumerate() {
            let mut runs = Vec::new();
            if many {
                runs.push(Run::bold(point_lead(i, lang)));
            }
            runs.push(Run::plain(sentence(point, lang)));
            doc.blocks.push(Block::Paragraph { runs });
        }
        let outstanding: Vec<String> = section
            .templates
            .iter()
            .filter_map(|id| {
                let title = snapshot.templates.iter().find(|t| &t.id == id).map_or(id.as_str(), |t| t.title.as_str());
                facts.outstanding(id, lang).map(|who| match lang {
                    Lang::Zh => format!("“{title}”尚有{who}未完成报送"),
                    Lang::En => format!("{who} have not yet reported \u{201c}{title}\u{201d}"),
                })
            })
            .collect();
        if !outstanding.is_empty() {
            doc.blocks.push(Block::paragraph(match lang {
                Lang::Zh => format!("截至报告时，{}，以上数据不含其情况。", outstanding.join("；")),
                Lang::En => {
                    format!("At the time of this report, {}; the figures above leave them out.", outstanding.join("; "))
                }
            }));
        }
    }

    let typical: Vec<(&str, &str)> = snapshot
        .tasks
        .iter()
        .filter(|t| t.typical && t.state == plan::TaskState::Done)
        .filter_map(|t| t.note.as_deref().map(|note| (snapshot.units[t.unit].name.as_str(), note)))
        .collect();
    if !typical.is_empty() {
        doc.blocks
            .push(Block::heading(1, format!("{}{}", section_number(n, lang), pick(lang, "典型事例", "Typical cases"))));
        n += 1;
        for (i, (unit, note)) in typical.iter().enumerate() {
            let mut runs = Vec::new();
            if typical.len() > 1 {
                runs.push(Run::bold(point_lead(i, lang)));
            }
            runs.push(Run::plain(sentence(&format!("{unit}：{note}"), lang)));
            doc.blocks.push(Block::Paragraph { runs });
        }
    }

    doc.blocks
        .push(Block::heading(1, format!("{}{}", section_number(n, lang), pick(lang, "下一步工作打算", "Next steps"))));
    let declared: Vec<String> = layout.map(|l| l.next_steps.clone()).unwrap_or_default();
    let steps = if declared.is_empty() { default_next_steps(&all, lang) } else { declared };
    for (i, step) in steps.iter().enumerate() {
        let mut runs = Vec::new();
        if steps.len() > 1 {
            runs.push(Run::bold(point_lead(i, lang)));
        }
        runs.push(Run::plain(sentence(step, lang)));
        doc.blocks.push(Block::Paragraph { runs });
    }
    doc
}

/// 下一步 for a campaign that declares none: finish what is outstanding, keep in touch.
fn default_next_steps(all: &crate::tally::Tally, lang: Lang) -> Vec<String> {
    let mut steps = Vec::new();
    let outstanding = all.total().saturating_sub(all.settled());
    if outstanding > 0 {
        steps.push(match lang {
            Lang::Zh => format!(
                "抓好收尾落实。针对尚未完成的{outstanding}项任务，督促相关单位抓紧办理、按时报送，确保工作不留死角"
            ),
            Lang::En => format!("Finish the work: see that the {outstanding} tasks still open are done and reported"),
        });
    }
    steps.push(
        pick(
            lang,
            "注重持续有效沟通。针对已联系的人员加大平时的沟通力度，及时宣传家乡发展前景和优惠政策，推动工作常态化",
            "Keep in touch: stay in contact with the people reached, and keep them informed between seasons",
        )
        .to_string(),
    );
    steps
}

#[cfg(test)]
mod tests {
    use campaign::{Loc, Point, ReportSection};

    use super::*;
    use crate::fixture;

    fn layout() -> ReportLayout {
        let text = |t: &str| PointPart::Text(t.into());
        let value = |v: ValueRef| PointPart::Value(v);
        ReportLayout {
            sections: vec![ReportSection {
                title: "全面宣传动员".into(),
                tasks: vec!["kickoff".into(), "publicity".into()],
                points: vec![
                    Point {
                        parts: vec![
                            text("区委组织部于"),
                            value(ValueRef::DoneDate { task: "kickoff".into() }),
                            text("召开推进会，工作在"),
                            value(ValueRef::LevelCount { level: "street".into() }),
                            text("个街道全面铺开"),
                        ],
                        loc: Loc::default(),
                    },
                    Point {
                        parts: vec![
                            text("悬挂宣传横幅"),
                            value(ValueRef::FigureSum { task: "publicity".into(), figure: "banners".into() }),
                            text("条，"),
                            value(ValueRef::UnitsDone { task: "publicity".into() }),
                            text("个社区已报送"),
                        ],
                        loc: Loc::default(),
                    },
                ],
                loc: Loc::default(),
            }],
            next_steps: vec!["注重持续有效沟通".into()],
        }
    }

    #[test]
    fn the_work_report_fills_the_declared_points_and_says_what_is_missing() {
        let snapshot = fixture::snapshot();
        let doc = work_report_document(&snapshot, "情况报告", Some(&layout()), Lang::Zh);
        let text = documents::text::render(&doc);
        insta::assert_snapshot!(text);
        assert!(text.contains("区委组织部于1月22日召开推进会，工作在2个街道全面铺开。"), "{text}");
        assert!(text.contains("悬挂宣传横幅3条，1个社区已报送。"), "{text}");
        assert!(text.contains("“宣传发动”尚有2个社区未完成报送"), "{text}");
    }

    #[test]
    fn a_point_nothing_is_known_of_yet_says_so_instead_of_zeros_and_holes() {
        let mut snapshot = fixture::snapshot();
        snapshot.tasks[3].state = plan::TaskState::Open;
        snapshot.tasks[3].figures.clear();
        let doc = work_report_document(&snapshot, "情况报告", Some(&layout()), Lang::Zh);
        let text = documents::text::render(&doc);
        assert!(text.contains("二是“宣传发动”尚未完成，待完成后报告。"), "{text}");
        assert!(!text.contains("0个社区已报送") && !text.contains("（待报送）条"), "{text}");
        assert!(text.contains("“宣传发动”尚有3个社区未完成报送"), "{text}");
        // A day not there yet: the sentence is not written around a hole.
        for task in snapshot.tasks.iter_mut().filter(|t| t.template == 0) {
            task.state = plan::TaskState::Open;
            task.completed_at = None;
        }
        let text = documents::text::render(&work_report_document(&snapshot, "情况报告", Some(&layout()), Lang::Zh));
        assert!(!text.contains("于（尚未完成）"), "{text}");
        assert!(text.contains("尚未完成，待完成后报告。"), "{text}");
    }

    #[test]
    fn without_a_layout_sections_come_from_the_task_kinds() {
        let mut snapshot = fixture::snapshot();
        snapshot.tasks[3].typical = true;
        snapshot.tasks[3].note = Some("东一社区联系返乡创业人员5人".into());
        let doc = work_report_document(&snapshot, "情况报告", None, Lang::Zh);
        let headings: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(headings, ["一、安排部署", "二、宣传发动", "三、典型事例", "四、下一步工作打算"]);
        let text = documents::text::render(&doc);
        assert!(text.contains("宣传发动，3个单位中已完成1个，悬挂宣传横幅3条，张贴公开信120封"), "{text}");
        assert!(text.contains("东一社区：东一社区联系返乡创业人员5人"), "{text}");
        assert!(doc.title.starts_with("2027年"), "{}", doc.title);
        let english = documents::text::render(&work_report_document(&snapshot, "Work report", None, Lang::En));
        assert!(english.contains("1. Planning and deployment"), "{english}");
    }
}

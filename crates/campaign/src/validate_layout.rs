//! Stage two for a report's layout: `sections:` and `next_steps:` checked against the campaign's
//! tasks, their figures and the directory's levels, into a typed [`ReportLayout`], with every
//! problem reported (at the `{` of a bad placeholder when the point was written on one line).

use std::collections::HashMap;

use crate::diagnostic::{DiagnosticKind, Loc};
use crate::layout::{LEVEL_PREFIX, Point, PointPart, ReportLayout, ReportSection, TaskAttribute, Token, ValueRef};
use crate::model::ReportTemplate;
use crate::raw::{RawPoint, RawReport, RawSection, RawTask};
use crate::read::{Located, Reader};

/// What names a layout may use: the campaign's tasks (as written, so that a task with another
/// problem still lets its placeholders be checked) and the directory's levels, when it was read.
pub struct Names<'a> {
    pub tasks: &'a [RawTask],
    pub levels: Option<&'a [String]>,
}

/// The layout of a report. `Some(None)`: none declared; `None`: it has errors (reported).
/// `template` is the report's template when it is valid.
pub fn report_layout(
    r: &mut Reader,
    raw: &RawReport,
    template: Option<&ReportTemplate>,
    names: &Names,
) -> Option<Option<ReportLayout>> {
    if raw.sections.is_none() && raw.next_steps.is_none() {
        return Some(None);
    }
    if template == Some(&ReportTemplate::Progress) {
        // The progress report's layout is fixed; a layout here would be silently ignored.
        for (key, loc) in &raw.layout_keys {
            r.in_key(key, |r| r.error(*loc, DiagnosticKind::LayoutNotAllowed { key }));
        }
        return None;
    }
    let sections = match &raw.sections {
        None => Some(Vec::new()),
        Some(list) => r.in_key("sections", |r| sections(r, list, names)),
    };
    let next_steps = match &raw.next_steps {
        None => Some(Vec::new()),
        Some(list) => r.in_key("next_steps", |r| next_steps(r, list)),
    };
    Some(Some(ReportLayout { sections: sections?, next_steps: next_steps? }))
}

fn non_empty_list<T>(r: &mut Reader, list: &Located<Vec<T>>) -> bool {
    if list.value.is_empty() {
        r.error(list.loc, DiagnosticKind::WrongType { expected: "non-empty list", found: "empty list" });
    }
    !list.value.is_empty()
}

fn sections(r: &mut Reader, list: &Located<Vec<RawSection>>, names: &Names) -> Option<Vec<ReportSection>> {
    let mut ok = non_empty_list(r, list);
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    let mut out = Vec::new();
    for (i, raw) in list.value.iter().enumerate() {
        r.in_index(i, |r| {
            if let Some(title) = &raw.title {
                let text = title.value.0.trim();
                if let Some(&first_line) = first_line.get(text) {
                    let title = text.to_string();
                    r.in_key("title", |r| {
                        r.error(title_loc(raw), DiagnosticKind::DuplicateSectionTitle { title, first_line })
                    });
                    ok = false;
                } else if !text.is_empty() {
                    first_line.insert(text, title.loc.line);
                }
            }
            match section(r, raw, names) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        });
    }
    ok.then_some(out)
}

fn title_loc(raw: &RawSection) -> Loc {
    raw.title.as_ref().map_or(raw.loc, |t| t.loc)
}

fn section(r: &mut Reader, raw: &RawSection, names: &Names) -> Option<ReportSection> {
    let title = raw.title.as_ref().and_then(|t| {
        let text = t.value.0.trim();
        if text.is_empty() {
            r.in_key("title", |r| r.error(t.loc, DiagnosticKind::EmptyText { what: "section title" }));
            return None;
        }
        Some(text.to_string())
    });
    let raw_tasks = raw.tasks.as_deref().unwrap_or_default();
    let raw_points = raw.points.as_deref().unwrap_or_default();
    let mut ok = true;
    if raw_tasks.is_empty() && raw_points.is_empty() {
        r.error(raw.loc, DiagnosticKind::EmptySection);
        ok = false;
    }
    let mut tasks: Vec<String> = Vec::new();
    r.in_key("tasks", |r| {
        for (i, id) in raw_tasks.iter().enumerate() {
            r.in_index(i, |r| {
                if task(names, &id.value).is_none() {
                    r.error(id.loc, DiagnosticKind::UnknownTask { id: id.value.clone() });
                    ok = false;
                } else if !tasks.contains(&id.value) {
                    tasks.push(id.value.clone());
                }
            });
        }
    });
    let mut points = Vec::new();
    r.in_key("points", |r| {
        for (i, raw_point) in raw_points.iter().enumerate() {
            match r.in_index(i, |r| point(r, raw_point, names)) {
                Some(p) => points.push(p),
                None => ok = false,
            }
        }
    });
    let title = title?;
    ok.then_some(ReportSection { title, tasks, points, loc: raw.loc })
}

fn task<'a>(names: &'a Names, id: &str) -> Option<&'a RawTask> {
    names.tasks.iter().find(|t| t.id.as_ref().is_some_and(|i| i.value == id))
}

/// One point: its placeholders parsed and resolved, every problem reported at its `{`.
fn point(r: &mut Reader, raw: &Located<RawPoint>, names: &Names) -> Option<Point> {
    let text = &raw.value.text.0;
    if text.trim().is_empty() {
        r.error(raw.loc, DiagnosticKind::EmptyText { what: "point" });
        return None;
    }
    // The `{` of a placeholder, where the point's characters could be located; else the point.
    let loc_of = |at: usize| raw.value.char_locs.as_ref().and_then(|locs| locs.get(at).copied()).unwrap_or(raw.loc);
    let (tokens, errors) = crate::layout::tokenize(text);
    let mut ok = errors.is_empty();
    for e in errors {
        r.error(loc_of(e.at), DiagnosticKind::InvalidPlaceholder { written: e.written, problem: e.problem });
    }
    let mut parts: Vec<PointPart> = Vec::new();
    for token in tokens {
        match token {
            Token::Text(t) => parts.push(PointPart::Text(t)),
            Token::Placeholder { owner, name, at } => match value(names, owner, name) {
                Ok(v) => parts.push(PointPart::Value(v)),
                Err(Some(kind)) => {
                    r.error(loc_of(at), kind);
                    ok = false;
                }
                // The directory could not be read: reported in its own file.
                Err(None) => ok = false,
            },
        }
    }
    ok.then_some(Point { parts, loc: raw.loc })
}

/// What `{owner.name}` stands for, or why it stands for nothing.
fn value(names: &Names, owner: String, name: String) -> Result<ValueRef, Option<DiagnosticKind>> {
    if owner == LEVEL_PREFIX {
        let levels = names.levels.ok_or(None)?;
        if !levels.contains(&name) {
            return Err(Some(DiagnosticKind::UnknownLevel { level: name, expected: levels.to_vec() }));
        }
        return Ok(ValueRef::LevelCount { level: name });
    }
    let Some(task) = task(names, &owner) else {
        return Err(Some(DiagnosticKind::UnknownTask { id: owner }));
    };
    let figures: Vec<String> = task.figures.iter().flat_map(|f| f.0.iter()).map(|(k, _)| k.value.clone()).collect();
    // Figure keys never equal an attribute (`reserved-figure-key`), so the order does not matter.
    if figures.contains(&name) {
        return Ok(ValueRef::FigureSum { task: owner, figure: name });
    }
    if let Some(attribute) = TaskAttribute::from_name(&name) {
        return Ok(attribute.of(owner));
    }
    Err(Some(if figures.is_empty() {
        DiagnosticKind::UnknownAttribute { task: owner, attribute: name }
    } else {
        DiagnosticKind::UnknownFigure { task: owner, figure: name, figures }
    }))
}

fn next_steps(r: &mut Reader, list: &Located<Vec<Located<crate::text::Text>>>) -> Option<Vec<String>> {
    let mut ok = non_empty_list(r, list);
    let mut out = Vec::new();
    for (i, step) in list.value.iter().enumerate() {
        // A paragraph written as a block scalar (`|`, `>`) ends with a line break it does not need.
        let text = step.value.0.trim();
        if text.is_empty() {
            r.in_index(i, |r| r.error(step.loc, DiagnosticKind::EmptyText { what: "next step" }));
            ok = false;
        } else {
            out.push(text.to_string());
        }
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::layout::{Point, PointPart, ReportLayout, ValueRef};
    use crate::{Diagnostic, Lang, Loc, MemoryFiles};

    const UNITS: &str = "levels: [district, street, community]
units:
  - id: d
    name: 区
    level: district
    email: d@x.example
    children:
      - id: s
        name: 街道
        level: street
        email: s@x.example
        children:
          - { id: c, name: 社区, level: community, email: c@x.example }
groups:
  leaders:
    - { name: 书记, email: sj@x.example }
";

    /// Loads a campaign of two tasks whose one report ends with `layout` (indented under it).
    fn check(template: &str, layout: &str) -> (Option<ReportLayout>, Vec<Diagnostic>) {
        let campaign = format!(
            "id: t
name: 测试
owner: d
timezone: Asia/Shanghai
directory: units.yaml
recurrence: {{ anchor: spring-festival, opens: -21d, closes: +30d }}
tasks:
  - id: kickoff
    title: 推进会
    assignee: d
    due: open+3d
  - id: publicity
    title: 宣传
    assignees: {{ level: community }}
    due: anchor-3d
    figures:
      banners: {{ label: 横幅, unit: 条 }}
reports:
  - id: r
    title: 报告
    at: close
    to: [leaders]
    template: {template}
{layout}"
        );
        let files = MemoryFiles(
            [(PathBuf::from("w/t.yaml"), campaign.into_bytes()), (PathBuf::from("w/units.yaml"), UNITS.into())]
                .into_iter()
                .collect(),
        );
        let (workflows, diagnostics) = crate::load(&[PathBuf::from("w/t.yaml")], &files);
        let layout = workflows.campaigns.first().and_then(|c| c.reports[0].layout.clone());
        (layout, diagnostics)
    }

    fn found(diagnostics: &[Diagnostic]) -> Vec<(u32, u32, &str, &'static str)> {
        diagnostics.iter().map(|d| (d.loc.line, d.loc.column, d.field.as_str(), d.kind.code())).collect()
    }

    #[test]
    fn a_layout_becomes_typed_parts() {
        let (layout, diagnostics) = check(
            "work-report",
            "    sections:
      - title: 宣传发动
        tasks: [publicity, kickoff, publicity]
        points:
          - \"{kickoff.date}召开推进会，{level.street}个街道、{publicity.pending}个社区未报，横幅{publicity.banners}条{{注}}\"
    next_steps:
      - |
        加大力度。
",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let layout = layout.expect("valid layout");
        assert_eq!(layout.next_steps, ["加大力度。"]);
        let section = &layout.sections[0];
        assert_eq!(
            (section.title.as_str(), section.tasks.as_slice()),
            ("宣传发动", &["publicity".to_string(), "kickoff".into()][..])
        );
        assert_eq!(section.loc, Loc { line: 25, column: 9 });
        let text = |t: &str| PointPart::Text(t.into());
        let value = PointPart::Value;
        assert_eq!(
            section.points,
            [Point {
                parts: vec![
                    value(ValueRef::DoneDate { task: "kickoff".into() }),
                    text("召开推进会，"),
                    value(ValueRef::LevelCount { level: "street".into() }),
                    text("个街道、"),
                    value(ValueRef::UnitsPending { task: "publicity".into() }),
                    text("个社区未报，横幅"),
                    value(ValueRef::FigureSum { task: "publicity".into(), figure: "banners".into() }),
                    text("条{注}"),
                ],
                loc: Loc { line: 28, column: 13 },
            }]
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_brace() {
        // Columns count characters: 走访 moves the placeholder by two columns, not six bytes.
        let (layout, diagnostics) = check(
            "work-report",
            "    sections:
      - title: 一
        points:
          - 走访{publicity.banner}和{kickof.units}，{level.streets}，{kickoff.day}，{}，{x
      - title: 一
",
        );
        assert!(layout.is_none());
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render(Lang::En)).collect();
        let point = "reports[0].sections[0].points[0]";
        assert_eq!(
            found(&diagnostics),
            [
                (27, 15, point, "unknown-figure"),
                (27, 34, point, "unknown-task"),
                (27, 49, point, "unknown-level"),
                (27, 65, point, "unknown-attribute"),
                (27, 79, point, "invalid-placeholder"),
                (27, 82, point, "invalid-placeholder"),
                (28, 9, "reports[0].sections[1]", "empty-section"),
                (28, 16, "reports[0].sections[1].title", "duplicate-section"),
            ],
            "{rendered:#?}"
        );
    }

    #[test]
    fn a_progress_report_takes_no_layout() {
        let (_, diagnostics) = check(
            "progress",
            "    sections:
      - title: 一
        tasks: [kickoff]
    next_steps: [加大力度。]
",
        );
        let found = found(&diagnostics);
        assert_eq!(
            found,
            [
                (24, 5, "reports[0].sections", "layout-not-allowed"),
                (27, 5, "reports[0].next_steps", "layout-not-allowed"),
            ]
        );
    }

    #[test]
    fn next_steps_alone_leave_the_sections_to_the_report() {
        let (layout, diagnostics) = check("work-report", "    next_steps: [加大力度。]\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let layout = layout.expect("a layout");
        assert!(layout.sections.is_empty());
        assert_eq!(layout.next_steps, ["加大力度。"]);
        let (layout, diagnostics) = check("work-report", "");
        assert_eq!((layout, diagnostics), (None, vec![]));
    }

    #[test]
    fn empty_lists_are_refused() {
        let (_, diagnostics) = check("work-report", "    sections: []\n    next_steps: []\n");
        let found = found(&diagnostics);
        assert_eq!(
            found,
            [(24, 15, "reports[0].sections", "wrong-type"), (25, 17, "reports[0].next_steps", "wrong-type")]
        );
    }
}

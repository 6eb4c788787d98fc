//! Figure totals: horizontal bars of reported figures (`走访返乡人员 1,342 人`), in small multiples
//! by unit of measure, so that only figures of the same unit ever share a scale.

use crate::frame::{self, LABEL, PAD, SMALL};
use crate::svg::{GRID, INK, MUTED, Svg, TRACK, clean, text_width, truncate};
use crate::{MAX_TEXT, Options};

/// One reported figure's total.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// What was counted (`走访返乡人员`).
    pub label: String,
    pub value: f64,
    /// The unit of measure (`人`, `条`), empty when the figure has none.
    pub unit: String,
}

impl Figure {
    pub fn new(label: impl Into<String>, value: f64, unit: impl Into<String>) -> Figure {
        Figure { label: label.into(), value, unit: unit.into() }
    }
}

/// The chart: a title and the figures, in the caller's order within each unit of measure; the
/// groups follow the order in which their units first appear.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FigureChart {
    pub title: String,
    pub figures: Vec<Figure>,
}

const ROW: f64 = 26.0;
const BAR: f64 = 14.0;
const GAP: f64 = 8.0;
const HEADING: f64 = 22.0;
/// Figures are counts, not a status: one calm blue (5.4:1 on white) for every bar.
const BAR_FILL: &str = "#2b6cb0";

struct Row {
    label: String,
    cut: Option<String>,
    value: f64,
    text: String,
}

/// Figures of one unit of measure, sharing one scale.
struct Group {
    unit: String,
    rows: Vec<Row>,
}

/// Figures grouped by unit. A figure without a unit is a group of its own: nothing says two
/// unit-less figures count the same kind of thing.
fn groups(figures: &[Figure], options: &Options) -> Vec<Group> {
    let locale = options.locale();
    let mut groups: Vec<Group> = Vec::new();
    for figure in figures {
        let unit = clean(&figure.unit, MAX_TEXT);
        let value = locale.figure(figure.value);
        let text = if unit.is_empty() || !figure.value.is_finite() { value } else { format!("{value} {unit}") };
        let row = Row { label: clean(&figure.label, MAX_TEXT), cut: None, value: figure.value, text };
        match groups.iter_mut().find(|g| !unit.is_empty() && g.unit == unit) {
            Some(group) => group.rows.push(row),
            None => groups.push(Group { unit, rows: vec![row] }),
        }
    }
    groups
}

impl FigureChart {
    pub fn render(&self, options: &Options) -> String {
        let words = options.locale().words();
        let width = options.width();
        let title = clean(&self.title, MAX_TEXT);
        let mut groups = groups(&self.figures, options);

        // One set of columns for every group, so the values line up down the whole chart.
        let all = || groups.iter().flat_map(|g| g.rows.iter());
        let value_w = all().map(|r| text_width(&r.text, LABEL)).fold(0.0, f64::max);
        let label_cap = (width * 0.4).max(4.0 * LABEL);
        let label_w = all().map(|r| text_width(&r.label, LABEL)).fold(0.0, f64::max).min(label_cap);
        let value_end = width - PAD;
        let track_x = PAD + label_w + GAP;
        let track_w = (value_end - value_w - GAP - track_x).max(0.0);
        for row in groups.iter_mut().flat_map(|g| g.rows.iter_mut()) {
            row.cut = truncate(&row.label, LABEL, label_w);
        }

        let desc = describe(&groups, options);
        let top = frame::header_height(&title);
        let headed = |g: &Group| g.rows.len() > 1;
        let body: f64 = groups.iter().map(|g| if headed(g) { HEADING } else { 0.0 } + ROW * g.rows.len() as f64).sum();
        let separators = groups.len().saturating_sub(1) as f64 * GAP;
        let height = if groups.is_empty() { top + frame::EMPTY } else { top + body + separators + PAD };
        let mut svg = Svg::new(options, "figures", height, &title, &desc);
        frame::title(&mut svg, options, &title);
        if groups.is_empty() {
            frame::no_data(&mut svg, options, top);
            return svg.finish();
        }

        let mut y = top;
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                // A rule between groups: the scale changes here.
                svg.line(
                    (PAD, y + GAP / 2.0),
                    (width - PAD, y + GAP / 2.0),
                    &[("stroke", GRID), ("stroke-width", "1")],
                );
                y += GAP;
            }
            // A lone figure gets no bar: a bar is only read against another on the same scale.
            let scaled = group.rows.len() > 1;
            svg.start("g", &[]);
            if headed(group) {
                let heading = (words.unit_heading)(&group.unit);
                svg.text(
                    PAD,
                    y + HEADING / 2.0 + SMALL * 0.36 + 2.0,
                    &[("font-size", "12"), ("fill", MUTED)],
                    &heading,
                );
                y += HEADING;
            }
            let max = group.rows.iter().map(|r| r.value).filter(|v| v.is_finite()).fold(0.0, f64::max);
            for row in &group.rows {
                let baseline = y + ROW / 2.0 + LABEL * 0.36;
                if row.cut.is_some() {
                    svg.text_element("title", &[], &format!("{} {}", row.label, row.text));
                }
                let label = row.cut.as_deref().unwrap_or(&row.label);
                svg.text(PAD, baseline, &[("font-size", "13"), ("fill", INK)], label);
                if scaled {
                    let bar_y = y + (ROW - BAR) / 2.0;
                    svg.rect(track_x, bar_y, track_w, BAR, &[("fill", TRACK)]);
                    if row.value.is_finite() && row.value > 0.0 && max > 0.0 {
                        svg.rect(track_x, bar_y, track_w * row.value / max, BAR, &[("fill", BAR_FILL)]);
                    }
                }
                svg.text(
                    value_end,
                    baseline,
                    &[("font-size", "13"), ("font-weight", "bold"), ("fill", INK), ("text-anchor", "end")],
                    &row.text,
                );
                y += ROW;
            }
            svg.end("g");
        }
        svg.finish()
    }
}

/// `悬挂宣传横幅 126 条；走访返乡人员 1,342 人，慰问困难群众 230 人`: groups by `；`.
fn describe(groups: &[Group], options: &Options) -> String {
    let words = options.locale().words();
    if groups.is_empty() {
        return words.no_data.to_string();
    }
    groups
        .iter()
        .map(|g| g.rows.iter().map(|r| format!("{} {}", r.label, r.text)).collect::<Vec<_>>().join(words.comma))
        .collect::<Vec<_>>()
        .join(words.semicolon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locale;

    #[test]
    fn figures_group_by_unit_in_first_appearance_order() {
        let figures = vec![
            Figure::new("走访返乡人员", 1342.0, "人"),
            Figure::new("悬挂宣传横幅", 126.0, "条"),
            Figure::new("慰问困难群众", 230.0, "人"),
            Figure::new("发放慰问金", 12.5, ""),
            Figure::new("其他", 3.0, ""),
        ];
        let groups = groups(&figures, &Options::new(Locale::ZhCn));
        let shape: Vec<(&str, usize)> = groups.iter().map(|g| (g.unit.as_str(), g.rows.len())).collect();
        assert_eq!(shape, [("人", 2), ("条", 1), ("", 1), ("", 1)]);
    }

    #[test]
    fn only_groups_of_several_figures_have_bars_and_a_heading() {
        let chart = FigureChart {
            title: "数据".to_string(),
            figures: vec![
                Figure::new("走访返乡人员", 1342.0, "人"),
                Figure::new("悬挂宣传横幅", 126.0, "条"),
                Figure::new("慰问困难群众", 230.0, "人"),
            ],
        };
        let svg = chart.render(&Options::new(Locale::ZhCn));
        assert_eq!(svg.matches(BAR_FILL).count(), 2, "{svg}");
        assert!(svg.contains(">单位：人</text>"));
        assert!(!svg.contains("单位：条"));
        assert!(svg.contains("<desc>走访返乡人员 1,342 人，慰问困难群众 230 人；悬挂宣传横幅 126 条</desc>"), "{svg}");
    }

    #[test]
    fn bad_values_draw_no_bar() {
        let chart = FigureChart {
            title: String::new(),
            figures: vec![Figure::new("a", f64::NAN, "人"), Figure::new("b", -5.0, "人"), Figure::new("c", 0.0, "人")],
        };
        let svg = chart.render(&Options::new(Locale::En));
        assert!(!svg.contains(BAR_FILL), "{svg}");
        assert!(svg.contains(">—</text>"));
        assert!(svg.contains(">-5 人</text>"));
    }

    #[test]
    fn empty_says_no_data() {
        let svg = FigureChart::default().render(&Options::new(Locale::En));
        assert!(svg.contains(">No data</text>"));
        assert!(svg.contains("<desc>No data</desc>"));
    }
}

//! Burn-up over a run: tasks done so far (cumulative, a filled area) against the total (a dashed
//! line) by day, with "today" and due dates as labelled vertical lines.

use chrono::NaiveDate;

use crate::frame::{self, PAD, SMALL};
use crate::scale::nice_axis;
use crate::svg::{GRID, INK, MUTED, Svg, clean, num, points, text_width, truncate};
use crate::{MAX_TEXT, Options};

/// The counts at the end of one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BurnUpPoint {
    pub date: NaiveDate,
    /// Tasks done (or waived) by the end of the day, cumulative.
    pub done: u64,
    /// Tasks that count on that day (it may change when a definition changes).
    pub total: u64,
}

/// A labelled vertical line, e.g. a due date (`截止` / `Due`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMarker {
    pub date: NaiveDate,
    pub label: String,
}

/// The chart. The x axis runs from `start` to `end` (widened to take in every point); points may
/// come in any order, and of several on one day the last given counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BurnUpChart {
    pub title: String,
    /// The day the run opened.
    pub start: NaiveDate,
    /// The day it closes (or today, for a chart that should end now).
    pub end: NaiveDate,
    pub points: Vec<BurnUpPoint>,
    /// Drawn as a solid line labelled 今天 / Today when within the axis.
    pub today: Option<NaiveDate>,
    /// Due dates and the like, drawn dashed when within the axis.
    pub markers: Vec<DateMarker>,
}

const DONE: &str = "#0f8b8d";
const TOTAL: &str = "#5f6670";
const DUE: &str = "#b42318";
/// A white outline behind a label, drawn under its fill.
const HALO: [(&str, &str); 4] =
    [("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round"), ("paint-order", "stroke")];
/// Space above the plot for the markers' labels (two staggered rows).
const MARKER_ROW: f64 = 16.0;

/// The x axis: whole days from `start`.
struct Days {
    start: NaiveDate,
    span: i64,
    left: f64,
    width: f64,
}

impl Days {
    fn x(&self, date: NaiveDate) -> f64 {
        let offset = (date - self.start).num_days() as f64;
        self.left + self.width * offset / self.span.max(1) as f64
    }
}

impl BurnUpChart {
    pub fn render(&self, options: &Options) -> String {
        let locale = options.locale();
        let words = locale.words();
        let width = options.width();
        let title = clean(&self.title, MAX_TEXT);

        // Sorted by day, the last of a day winning (a stable sort keeps the caller's order).
        let mut pts = self.points.clone();
        pts.sort_by_key(|p| p.date);
        pts.reverse();
        pts.dedup_by_key(|p| p.date);
        pts.reverse();

        let (mut start, mut end) = (self.start.min(self.end), self.start.max(self.end));
        if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
            start = start.min(first.date);
            end = end.max(last.date);
        }
        let markers: Vec<(NaiveDate, String, bool)> = self
            .today
            .map(|d| (d, words.today.to_string(), true))
            .into_iter()
            .chain(self.markers.iter().map(|m| (m.date, clean(&m.label, MAX_TEXT), false)))
            .filter(|(d, _, _)| (start..=end).contains(d))
            .collect();

        let desc = describe(&pts, start, end, &markers, options);
        let top = frame::header_height(&title);
        if pts.is_empty() {
            let mut svg = Svg::new(options, "burn-up", top + frame::EMPTY, &title, &desc);
            frame::title(&mut svg, options, &title);
            frame::no_data(&mut svg, options, top);
            return svg.finish();
        }

        let max = pts.iter().map(|p| p.done.max(p.total)).max().unwrap_or(0) as f64;
        let (step, y_max) = nice_axis(max, 4);
        let ticks: Vec<f64> = (0..=((y_max / step).round() as u64).min(10)).map(|i| i as f64 * step).collect();
        let tick_w = ticks.iter().map(|t| text_width(&locale.count(*t as u64), SMALL)).fold(0.0, f64::max);

        let plot_top = top + 2.0 * MARKER_ROW + 4.0;
        let plot_h = (width * 0.5).clamp(160.0, 360.0);
        let plot_bottom = plot_top + plot_h;
        let left = PAD + tick_w + 6.0;
        // Room on the right for half of a date label centred on the last day.
        let right = width - PAD - text_width(&locale.day(end), SMALL) / 2.0;
        let days = Days { start, span: (end - start).num_days(), left, width: (right - left).max(1.0) };
        let y = |v: f64| plot_bottom - plot_h * (v / y_max).min(1.0);
        let height = plot_bottom + 8.0 + SMALL + PAD;

        let mut svg = Svg::new(options, "burn-up", height, &title, &desc);
        frame::title(&mut svg, options, &title);

        // The value axis: grid lines with their counts.
        svg.start("g", &[("font-size", "12"), ("fill", MUTED), ("text-anchor", "end")]);
        for t in &ticks {
            let ty = y(*t);
            svg.line((left, ty), (days.left + days.width, ty), &[("stroke", GRID), ("stroke-width", "1")]);
            svg.text(left - 6.0, ty + SMALL * 0.36, &[], &locale.count(*t as u64));
        }
        svg.end("g");

        // The date axis: a label every `every` days, as many as fit.
        let label_w = text_width(&locale.day(end), SMALL).max(text_width(&locale.day(start), SMALL)) + 16.0;
        let fit = ((days.width / label_w).floor() as i64).clamp(1, 8);
        let every = day_step(days.span, fit);
        svg.start("g", &[("font-size", "12"), ("fill", MUTED), ("text-anchor", "middle")]);
        let mut k = 0;
        while k * every <= days.span {
            let Some(date) = start.checked_add_signed(chrono::TimeDelta::days(k * every)) else { break };
            let tx = days.x(date);
            svg.line((tx, plot_bottom), (tx, plot_bottom + 4.0), &[("stroke", MUTED), ("stroke-width", "1")]);
            svg.text(tx, plot_bottom + 6.0 + SMALL, &[], &locale.day(date));
            k += 1;
        }
        svg.end("g");
        svg.line(
            (left, plot_bottom),
            (days.left + days.width, plot_bottom),
            &[("stroke", MUTED), ("stroke-width", "1")],
        );

        // Done: a filled area under a line, from the first point to the last.
        let done: Vec<(f64, f64)> = pts.iter().map(|p| (days.x(p.date), y(p.done as f64))).collect();
        let mut area = done.clone();
        if let (Some(first), Some(last)) = (done.first(), done.last()) {
            area.push((last.0, plot_bottom));
            area.push((first.0, plot_bottom));
        }
        svg.empty("polygon", &[("points", &points(&area)), ("fill", DONE), ("fill-opacity", "0.18")]);
        // Total: a step line that holds each day's total until the next point, then to the end.
        let mut total: Vec<(f64, f64)> = Vec::new();
        for (i, p) in pts.iter().enumerate() {
            let ty = y(p.total as f64);
            let x0 = days.x(p.date);
            let x1 = pts.get(i + 1).map_or(days.left + days.width, |n| days.x(n.date));
            total.push((x0, ty));
            total.push((x1, ty));
        }
        svg.empty(
            "polyline",
            &[
                ("points", &points(&total)),
                ("fill", "none"),
                ("stroke", TOTAL),
                ("stroke-width", "1.5"),
                ("stroke-dasharray", "5 3"),
            ],
        );
        let line_attrs = [("fill", "none"), ("stroke", DONE), ("stroke-width", "2"), ("stroke-linejoin", "round")];
        if let [(x, y)] = done.as_slice() {
            // One day: a line needs two points, so the day is a dot.
            let (cx, cy) = (num(*x), num(*y));
            svg.empty("circle", &[("cx", &cx), ("cy", &cy), ("r", "3"), ("fill", DONE)]);
        } else {
            let mut attrs = vec![("points", points(&done))];
            attrs.extend(line_attrs.iter().map(|(k, v)| (*k, (*v).to_string())));
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            svg.empty("polyline", &attrs);
        }

        // Markers: lines through the plot, labels above it on two rows so neighbours do not
        // collide. A label that fits on neither row is left out (the summary still says it):
        // overlapping words help no one. "Today" comes first, so it is never the one left out.
        let mut rows: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
        for (date, label, is_today) in &markers {
            let mx = days.x(*date);
            let colour = if *is_today { INK } else { DUE };
            let mut attrs = vec![("stroke", colour), ("stroke-width", if *is_today { "1.5" } else { "1" })];
            if !is_today {
                attrs.push(("stroke-dasharray", "3 3"));
            }
            svg.line((mx, plot_top), (mx, plot_bottom), &attrs);
            // A long label is cut to a third of the width (the summary has it whole).
            let label = truncate(label, SMALL, width / 3.0).unwrap_or_else(|| label.clone());
            let w = text_width(&label, SMALL);
            let lx = (mx - w / 2.0).min(width - PAD - w).max(PAD);
            let free = |placed: &Vec<(f64, f64)>| placed.iter().all(|(a, b)| lx + w + 4.0 <= *a || lx >= *b + 4.0);
            let Some(row) = rows.iter().position(free) else { continue };
            rows[row].push((lx, lx + w));
            let ly = top + MARKER_ROW * (row as f64 + 1.0) - 4.0;
            svg.text(lx, ly, &[("font-size", "12"), ("fill", colour)], &label);
        }

        // Direct labels instead of a legend: the last day's done count at the line's end, the
        // total at the right end of its line. A white halo keeps them readable over grid and
        // marker lines.
        if let Some(last) = pts.last() {
            let (lx, ly) = (days.x(last.date), y(last.done as f64));
            let mut text = format!("{} {}", words.done, locale.count(last.done));
            if last.total > 0 {
                text.push_str(&(words.in_parens)(&locale.percent(last.done as f64 * 100.0 / last.total as f64)));
            }
            let w = text_width(&text, SMALL);
            // Right of the end when there is room, else left of it; always inside the plot.
            let tx = if lx + 6.0 + w <= width - PAD { lx + 6.0 } else { (lx - 6.0 - w).max(left + 2.0) };
            let ty = (ly - 6.0).clamp(plot_top + SMALL, plot_bottom - 4.0);
            let mut attrs = vec![("font-size", "12"), ("font-weight", "bold"), ("fill", "#0b6e70")];
            attrs.extend_from_slice(&HALO);
            svg.text(tx, ty, &attrs, &text);

            let total_text = format!("{} {}", words.total, locale.count(last.total));
            let total_y = y(last.total as f64);
            let total_x = days.left + days.width;
            let total_w = text_width(&total_text, SMALL);
            // Above the line, unless that is off the plot or onto the done label.
            let overlaps_done =
                tx < total_x && tx + w > total_x - total_w && (ty - (total_y - 5.0)).abs() < SMALL + 2.0;
            let total_ty =
                if total_y - 5.0 - SMALL < plot_top || overlaps_done { total_y + SMALL + 4.0 } else { total_y - 5.0 };
            let mut attrs = vec![("font-size", "12"), ("fill", TOTAL), ("text-anchor", "end")];
            attrs.extend_from_slice(&HALO);
            svg.text(total_x, total_ty, &attrs, &total_text);
        }
        svg.finish()
    }
}

/// Days between date labels: the smallest round step (a day, two, three, a week, a fortnight, four
/// weeks, then multiples of four weeks) that gives at most `fit` steps over `span` days.
fn day_step(span: i64, fit: i64) -> i64 {
    let need = (span + fit - 1) / fit.max(1);
    [1, 2, 3, 7, 14, 28].into_iter().find(|s| *s >= need).unwrap_or_else(|| ((need + 27) / 28).max(1) * 28)
}

/// `1月10日至2月20日。截至1月20日，已完成120项，共300项（40%）。今天：1月20日；截止：2月1日`.
fn describe(
    pts: &[BurnUpPoint],
    start: NaiveDate,
    end: NaiveDate,
    markers: &[(NaiveDate, String, bool)],
    options: &Options,
) -> String {
    let locale = options.locale();
    let words = locale.words();
    let mut sentences = vec![(words.range)(&locale.day(start), &locale.day(end))];
    sentences.push(match pts.last() {
        None => words.no_data.to_string(),
        Some(last) => {
            let percent = if last.total == 0 {
                "—".to_string()
            } else {
                locale.percent(last.done as f64 * 100.0 / last.total as f64)
            };
            (words.burn_up_summary)(
                &locale.day(last.date),
                &locale.count(last.done),
                &locale.count(last.total),
                &percent,
            )
        }
    });
    if !markers.is_empty() {
        let list: Vec<String> = markers.iter().map(|(d, label, _)| (words.marker)(label, &locale.day(*d))).collect();
        sentences.push(list.join(words.semicolon));
    }
    words.sentences(&sentences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locale;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).expect("date")
    }

    fn chart(points: Vec<BurnUpPoint>) -> BurnUpChart {
        BurnUpChart {
            title: "进度".to_string(),
            start: day(1, 10),
            end: day(2, 20),
            points,
            today: Some(day(1, 20)),
            markers: vec![DateMarker { date: day(2, 1), label: "截止".to_string() }],
        }
    }

    #[test]
    fn steps_are_round_days() {
        assert_eq!(day_step(0, 5), 1);
        assert_eq!(day_step(10, 5), 2);
        assert_eq!(day_step(41, 5), 14);
        assert_eq!(day_step(41, 3), 14);
        assert_eq!(day_step(400, 5), 84);
    }

    #[test]
    fn the_summary_says_the_last_day() {
        let svg = chart(vec![
            BurnUpPoint { date: day(1, 10), done: 0, total: 300 },
            BurnUpPoint { date: day(1, 20), done: 120, total: 300 },
        ])
        .render(&Options::new(Locale::ZhCn));
        assert!(
            svg.contains(
                "<desc>1月10日至2月20日。截至1月20日，已完成120项，共300项（40%）。今天：1月20日；截止：2月1日。</desc>"
            ),
            "{svg}"
        );
    }

    #[test]
    fn points_out_of_order_and_repeated_days() {
        let svg = chart(vec![
            BurnUpPoint { date: day(1, 20), done: 5, total: 10 },
            BurnUpPoint { date: day(1, 12), done: 1, total: 10 },
            BurnUpPoint { date: day(1, 20), done: 6, total: 10 },
        ])
        .render(&Options::new(Locale::En));
        assert!(
            svg.contains(
                "<desc>10 Jan to 20 Feb. By 20 Jan, 6 of 10 tasks done (60%). Today: 20 Jan; 截止: 1 Feb.</desc>"
            ),
            "{svg}"
        );
    }

    #[test]
    fn points_outside_the_range_widen_it() {
        let svg = chart(vec![BurnUpPoint { date: day(3, 1), done: 1, total: 2 }]).render(&Options::new(Locale::En));
        assert!(svg.contains("10 Jan to 1 Mar"), "{svg}");
    }

    #[test]
    fn crowded_marker_labels_are_left_out_not_overlapped() {
        let mut c = chart(vec![BurnUpPoint { date: day(1, 12), done: 1, total: 2 }]);
        c.markers =
            ["一查", "二查", "三查"].iter().map(|l| DateMarker { date: day(1, 20), label: l.to_string() }).collect();
        let svg = c.render(&Options::new(Locale::ZhCn));
        assert!(svg.contains(">今天</text>") && svg.contains(">一查</text>"), "{svg}");
        assert!(!svg.contains(">二查</text>"), "{svg}");
        assert!(svg.contains("一查：1月20日；二查：1月20日；三查：1月20日"), "the summary keeps every marker: {svg}");
        assert_eq!(svg.matches("stroke-dasharray=\"3 3\"").count(), 3, "every marker keeps its line");
    }

    #[test]
    fn empty_says_no_data() {
        let svg = chart(vec![]).render(&Options::new(Locale::ZhCn));
        assert!(svg.contains(">暂无数据</text>"));
    }
}

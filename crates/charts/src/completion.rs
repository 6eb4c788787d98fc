//! Completion by unit: one horizontal bar per unit, in the caller's order, coloured and worded by
//! the caller's mark — the 情况通报 ranking.

use crate::frame::{self, LABEL, PAD, SMALL};
use crate::svg::{INK, MUTED, Svg, TRACK, clean, text_width, truncate};
use crate::{MAX_TEXT, Options};

/// How a unit stands, decided by the caller (the chart does not judge a percentage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Red, and the word 滞后 / Behind.
    Behind,
    /// Amber, and the word 预警 / At risk.
    AtRisk,
    /// Green, no word: the normal case is the quiet one.
    OnTrack,
    /// No bar, `—`, and the words 无任务 / No tasks written in the empty track.
    NoTasks,
}

impl Mark {
    const ALL: [Mark; 4] = [Mark::Behind, Mark::AtRisk, Mark::OnTrack, Mark::NoTasks];

    /// The bar colour (see the crate docs for why these four).
    pub(crate) fn colour(self) -> &'static str {
        match self {
            Mark::Behind => "#b42318",
            Mark::AtRisk => "#e8a200",
            Mark::OnTrack => "#0f8b8d",
            Mark::NoTasks => "#9aa0a6",
        }
    }

    /// The colour of the mark's word: darker than the bar where the bar is too light for text.
    fn word_colour(self) -> &'static str {
        match self {
            Mark::Behind => "#b42318",
            Mark::AtRisk => "#8a5a00",
            Mark::OnTrack => "#0b6e70",
            Mark::NoTasks => MUTED,
        }
    }

    fn word(self, words: &crate::locale::Words) -> &'static str {
        match self {
            Mark::Behind => words.behind,
            Mark::AtRisk => words.at_risk,
            Mark::OnTrack => words.on_track,
            Mark::NoTasks => words.no_tasks,
        }
    }

    /// Whether the row says the mark in the word column: the exceptions a reader scans for.
    /// (`NoTasks` says so in its empty track instead; `OnTrack` is the quiet normal case.)
    fn worded(self) -> bool {
        matches!(self, Mark::Behind | Mark::AtRisk)
    }
}

/// One unit's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitBar {
    /// The unit's name as the reader knows it (`第12街道办事处`).
    pub name: String,
    /// Completion from 0 to 100; clamped, and `NaN` shows `—` with no bar.
    pub percent: f64,
    /// Done and total tasks, shown as `done/total` after the percentage when given.
    pub counts: Option<(u64, u64)>,
    pub mark: Mark,
}

impl UnitBar {
    pub fn new(name: impl Into<String>, percent: f64, mark: Mark) -> UnitBar {
        UnitBar { name: name.into(), percent, counts: None, mark }
    }

    /// Adds `done/total` to the row.
    pub fn counts(mut self, done: u64, total: u64) -> UnitBar {
        self.counts = Some((done, total));
        self
    }

    /// What the bar shows: `None` for no bar (no tasks, or not a number).
    fn shown(&self) -> Option<f64> {
        (self.mark != Mark::NoTasks && !self.percent.is_nan()).then(|| self.percent.clamp(0.0, 100.0))
    }
}

/// The chart: a title and the bars in the order they are drawn.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CompletionChart {
    pub title: String,
    pub bars: Vec<UnitBar>,
}

const ROW: f64 = 26.0;
const BAR: f64 = 14.0;
const GAP: f64 = 8.0;

struct Row {
    name: String,
    /// The name as drawn, when it had to be cut.
    cut: Option<String>,
    percent: String,
    counts: String,
    /// The word in the word column.
    word: &'static str,
    /// The word in the text summary (also for `NoTasks`, whose row says it in the track).
    summary_word: &'static str,
    bar: Option<f64>,
    mark: Mark,
}

impl CompletionChart {
    pub fn render(&self, options: &Options) -> String {
        let locale = options.locale();
        let words = locale.words();
        let width = options.width();
        let title = clean(&self.title, MAX_TEXT);

        let mut rows: Vec<Row> = self
            .bars
            .iter()
            .map(|bar| {
                let shown = bar.shown();
                Row {
                    name: clean(&bar.name, MAX_TEXT),
                    cut: None,
                    percent: shown.map_or_else(|| "—".to_string(), |p| locale.percent(p)),
                    counts: bar
                        .counts
                        .map(|(d, t)| format!("{}/{}", locale.count(d), locale.count(t)))
                        .unwrap_or_default(),
                    word: if bar.mark.worded() { bar.mark.word(words) } else { "" },
                    summary_word: if bar.mark == Mark::OnTrack { "" } else { bar.mark.word(words) },
                    bar: shown,
                    mark: bar.mark,
                }
            })
            .collect();

        // Columns from the right: the mark's word, the counts, the percentage; the bar takes what
        // is left after the name column.
        let word_w = rows.iter().map(|r| text_width(r.word, SMALL)).fold(0.0, f64::max);
        let counts_w = rows.iter().map(|r| text_width(&r.counts, SMALL)).fold(0.0, f64::max);
        let percent_w =
            text_width("100%", LABEL).max(rows.iter().map(|r| text_width(&r.percent, LABEL)).fold(0.0, f64::max));
        let word_x = width - PAD - word_w;
        let counts_end = if word_w > 0.0 { word_x - 6.0 } else { width - PAD };
        let percent_end = if counts_w > 0.0 { counts_end - counts_w - 6.0 } else { counts_end };
        let name_cap = (width * 0.34).max(4.0 * LABEL);
        let name_w = rows.iter().map(|r| text_width(&r.name, LABEL)).fold(0.0, f64::max).min(name_cap);
        let track_x = PAD + name_w + GAP;
        let track_w = (percent_end - percent_w - GAP - track_x).max(0.0);
        for row in &mut rows {
            row.cut = truncate(&row.name, LABEL, name_w);
        }

        let desc = describe(&rows, options);
        // The legend explains colours, so it lists the marks that have a bar colour and occur.
        let marks: Vec<Mark> =
            Mark::ALL.into_iter().filter(|m| *m != Mark::NoTasks && self.bars.iter().any(|b| b.mark == *m)).collect();
        let top = frame::header_height(&title) + if marks.is_empty() { 0.0 } else { frame::LEGEND };
        let height = if rows.is_empty() { top + frame::EMPTY } else { top + ROW * rows.len() as f64 + PAD };
        let mut svg = Svg::new(options, "completion", height, &title, &desc);
        frame::title(&mut svg, options, &title);
        if rows.is_empty() {
            frame::no_data(&mut svg, options, top);
            return svg.finish();
        }
        let legend: Vec<(&str, &str)> = marks.iter().map(|m| (m.colour(), m.word(words))).collect();
        frame::legend(&mut svg, frame::header_height(&title), &legend);

        for (i, row) in rows.iter().enumerate() {
            let row_top = top + ROW * i as f64;
            let baseline = row_top + ROW / 2.0 + LABEL * 0.36;
            svg.start("g", &[]);
            if row.cut.is_some() {
                let full = [row.name.as_str(), &row.percent, &row.counts, row.summary_word]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
                svg.text_element("title", &[], &full);
            }
            let name = row.cut.as_deref().unwrap_or(&row.name);
            svg.text(PAD, baseline, &[("font-size", "13"), ("fill", INK)], name);
            let bar_y = row_top + (ROW - BAR) / 2.0;
            svg.rect(track_x, bar_y, track_w, BAR, &[("fill", TRACK)]);
            if let Some(p) = row.bar.filter(|p| *p > 0.0) {
                svg.rect(track_x, bar_y, track_w * p / 100.0, BAR, &[("fill", row.mark.colour())]);
            }
            if row.mark == Mark::NoTasks {
                // The empty track says why it is empty, so no colour has to.
                svg.text(track_x + 6.0, baseline - 0.5, &[("font-size", "12"), ("fill", MUTED)], words.no_tasks);
            }
            let percent_fill = if row.bar.is_some() { INK } else { MUTED };
            svg.text(
                percent_end,
                baseline,
                &[("font-size", "13"), ("font-weight", "bold"), ("fill", percent_fill), ("text-anchor", "end")],
                &row.percent,
            );
            if !row.counts.is_empty() {
                svg.text(
                    counts_end,
                    baseline,
                    &[("font-size", "12"), ("fill", MUTED), ("text-anchor", "end")],
                    &row.counts,
                );
            }
            if !row.word.is_empty() {
                let weight = if row.mark == Mark::Behind { "bold" } else { "normal" };
                svg.text(
                    word_x,
                    baseline,
                    &[("font-size", "12"), ("font-weight", weight), ("fill", row.mark.word_colour())],
                    row.word,
                );
            }
            svg.end("g");
        }
        svg.finish()
    }
}

/// The text summary: `完成率：第1街道 100% 12/12，第2街道 45% 9/20（滞后），…`.
fn describe(rows: &[Row], options: &Options) -> String {
    let words = options.locale().words();
    if rows.is_empty() {
        return format!("{}{}{}", words.completion, words.colon, words.no_data);
    }
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut item = format!("{} {}", r.name, r.percent);
            if !r.counts.is_empty() {
                item.push(' ');
                item.push_str(&r.counts);
            }
            if !r.summary_word.is_empty() {
                item.push_str(&(words.in_parens)(r.summary_word));
            }
            item
        })
        .collect();
    format!("{}{}{}", words.completion, words.colon, items.join(words.comma))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locale;

    fn chart(bars: Vec<UnitBar>) -> CompletionChart {
        CompletionChart { title: "完成率".to_string(), bars }
    }

    #[test]
    fn the_summary_says_every_value_and_mark() {
        let svg = chart(vec![
            UnitBar::new("第1街道", 100.0, Mark::OnTrack).counts(12, 12),
            UnitBar::new("第2街道", 45.5, Mark::Behind),
            UnitBar::new("第3街道", 0.0, Mark::NoTasks),
        ])
        .render(&Options::new(Locale::ZhCn));
        assert!(
            svg.contains("<desc>完成率：第1街道 100% 12/12，第2街道 45%（滞后），第3街道 —（无任务）</desc>"),
            "{svg}"
        );
    }

    #[test]
    fn behind_is_worded_not_only_coloured() {
        let svg = chart(vec![UnitBar::new("Street 2", 30.0, Mark::Behind)]).render(&Options::new(Locale::En));
        assert!(svg.contains(">Behind</text>"));
        assert!(svg.contains("#b42318"));
    }

    #[test]
    fn long_names_are_cut_with_the_full_name_in_a_tooltip() {
        let long = "解放路街道第一社区居民委员会网格化服务管理中心";
        let svg = chart(vec![UnitBar::new(long, 50.0, Mark::OnTrack)]).render(&Options::new(Locale::ZhCn));
        assert!(svg.contains(&format!("<title>{long} 50%</title>")), "{svg}");
        assert!(svg.contains("…</text>"));
    }

    #[test]
    fn no_bar_for_nan_or_no_tasks_and_a_full_bar_at_most() {
        let svg = chart(vec![
            UnitBar::new("a", f64::NAN, Mark::OnTrack),
            UnitBar::new("b", 80.0, Mark::NoTasks),
            UnitBar::new("c", 1e9, Mark::OnTrack),
        ])
        .render(&Options::new(Locale::En));
        assert_eq!(svg.matches("fill=\"#0f8b8d\"").count(), 2, "one legend swatch and one bar: {svg}");
        assert!(!svg.contains("NaN"));
        assert!(svg.contains(">100%</text>"));
    }

    #[test]
    fn empty_chart_says_no_data() {
        let svg = chart(vec![]).render(&Options::new(Locale::ZhCn));
        assert!(svg.contains(">暂无数据</text>"));
        assert!(svg.contains("<desc>完成率：暂无数据</desc>"));
    }
}

//! Server-side SVG charts for the leadership dashboard: completion by unit, burn-up over a run,
//! and figure totals. Pure: data in, an SVG `String` out; no IO, no clock ("today" is a parameter).
//!
//! ```
//! use charts::{CompletionChart, Locale, Mark, Options, UnitBar};
//!
//! let chart = CompletionChart {
//!     title: "春节走访慰问 完成率".to_string(),
//!     bars: vec![
//!         UnitBar::new("第1街道办事处", 100.0, Mark::OnTrack).counts(12, 12),
//!         UnitBar::new("解放路第一社区", 45.0, Mark::Behind).counts(9, 20),
//!         UnitBar::new("新区筹备组", 0.0, Mark::NoTasks),
//!     ],
//! };
//! let svg = chart.render(&Options::new(Locale::ZhCn));
//! assert!(svg.starts_with("<svg "));
//! ```
//!
//! # What the output promises
//!
//! - **Deterministic**: the same input and options give byte-identical SVG (no ids are invented,
//!   nothing is hashed or timed), so a chart can be snapshot-tested and cached by its input.
//! - **Inert**: every caller text is escaped (`<script>` comes out as `&lt;script&gt;`);
//!   characters XML forbids become U+FFFD; there is no `<script>`, no event handler, no `href`, no
//!   `style` attribute (a CSP of `style-src 'self'` blocks those): only presentation attributes
//!   (`fill=`, `font-size=`). Nothing refers outside the document (no fonts, images or CDN).
//! - **Scalable**: a `viewBox` and no fixed size, so the chart takes its container's width. The
//!   design width is [`Options::width`] (default 400 units): at a phone's 360 px a 13-unit label
//!   is about 12 px. On a desktop the page should cap the chart (e.g. `max-width: 40rem`) or
//!   render it with a wider design width, rather than letting text grow with a 1200 px column.
//!   The root has the classes `gy-chart gy-chart-KIND` (`completion`, `burn-up`, `figures`) for
//!   the page's own stylesheet to hold on to.
//! - **Accessible**: `role="img"` with a `<title>` (the caller's title) and a `<desc>` that says
//!   every value in words (`完成率：第1街道办事处 100% 12/12，…`), which is what a screen reader
//!   reads; with [`Options::with_id`] they are also referenced by `aria-labelledby` (off by default:
//!   two charts on one page with the same ids would clash). Text is real `<text>` in the Chinese
//!   font stack `"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif`,
//!   so it can be found, copied and zoomed.
//!
//! # Readability decisions
//!
//! - **Bars** are 14 units high on a 26-unit row: at a 360 px phone about 13 px on a 23 px pitch,
//!   so twenty street offices take about two thirds of a screen and sixty communities three
//!   screens, and rows stay apart enough to follow with a finger. Labels are 13
//!   units, secondary text 12, the title 16. Each bar sits on a light grey track showing 100 %, so
//!   a short bar reads as "far from done", not as "a small number".
//! - **Columns like a 情况通报 table**: name left, bar, percentage right-aligned in bold, then
//!   `done/total` in grey, then the mark's word. The numbers line up down the page, so a reader
//!   can scan the percentages without following bars.
//! - **Percentages round down** (99.6 % reads `99%`): only finished work says `100%`; a start
//!   under one per cent says `<1%`, not `0%`.
//! - **Long names** are cut to fit the name column (at most about a third of the width) with `…`;
//!   the row then carries a `<title>` with the full name and value, which desktop browsers show
//!   on hover (phones show no tooltip: there the `<desc>`, which always has the full name, and the
//!   page's own table must carry it, or a wider design width). Widths are estimated (CJK one em,
//!   Latin ~0.6 em), erring wide so a name never runs into its bar.
//! - **Colour is never alone**: `Behind` rows also say 滞后 / Behind in bold in a word column at
//!   the right, `AtRisk` rows 预警 / At risk; `NoTasks` rows draw no bar, show `—`, and write
//!   无任务 / No tasks in their empty track; `OnTrack` rows carry no word, so the words call out
//!   exactly the exceptions a reader scans for. The legend lists the bar colours that occur. The
//!   palette is chosen for red–green colour blindness: Behind a dark red `#b42318` (6.6:1 on
//!   white), At risk a light amber `#e8a200`, On track a blue-green `#0f8b8d` (4.1:1); for
//!   deuteranopes and protanopes these become dark olive, light yellow and slate blue, apart in
//!   both hue and lightness. The amber bar is below 3:1 on white, which is why its word is always
//!   there. Text is `#1f2328` (15.8:1) or `#5f6670` (5.8:1), above WCAG AA's 4.5:1; the words'
//!   colours (`#b42318`, `#8a5a00`) are above it too.
//! - **Empty charts** keep their title and say 暂无数据 / No data in the middle of the plot,
//!   rather than showing empty axes that look like zeros.
//! - **Burn-up**: done so far as a filled area with a line, the total as a grey dashed step
//!   line, so the gap between them is the work left. Both are labelled directly (`已完成 171（67%）`
//!   at the line's end, `任务总数 252` at the right), not through a legend, on a white halo so a
//!   grid or marker line never cuts through the words. Dates are labelled as sparsely as fits
//!   (steps of 1, 2, 3, 7, 14 or 28 days; `1月16日` / `16 Jan`, no year: a run is weeks long).
//!   "Today" is a solid dark line, due dates dashed red lines, labelled above the plot on two rows;
//!   a label that fits on neither is left out rather than drawn over another (the summary has it).
//! - **Figure totals** are grouped by unit of measure, because "126 条" and "1,342 人" cannot be
//!   compared by length: bars share a scale only within a group of the same unit (`人` with `人`,
//!   in the order the units first appear), each group is its own small multiple under a heading
//!   naming its unit (`单位：人`), and a rule separates the groups. Neither alternative reads as
//!   well: one small multiple per figure, or a full-width scale per bar, gives every figure a bar
//!   as long as its own maximum, a row of identical full bars that look like "100 %" and say
//!   nothing. For the same reason a figure alone in its unit (or without a unit: nothing says two
//!   unit-less figures count the same thing) gets no bar, only its value, and reads as a table
//!   row. Values are always printed with their unit, right-aligned in one column for the whole
//!   chart, so they can be read without the bars.
//! - **Hostile input** never breaks the chart: NaN and infinite values show `—` and draw no bar,
//!   negative values draw no bar, values above 100 % are drawn as 100 %, and texts are cut to one
//!   line of at most 200 characters.

mod burnup;
mod completion;
mod figures;
mod frame;
mod locale;
mod scale;
mod svg;

pub use burnup::{BurnUpChart, BurnUpPoint, DateMarker};
pub use completion::{CompletionChart, Mark, UnitBar};
pub use figures::{Figure, FigureChart};
pub use locale::Locale;

/// How a chart is drawn: its language, design width, and optional element ids.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Options {
    locale: Locale,
    width: Option<u32>,
    id: Option<String>,
}

/// The design width when none is given: laid out for a phone (360–414 px) first.
pub const DEFAULT_WIDTH: u32 = 400;
/// Narrower than this, a name column, a bar and the numbers no longer fit side by side.
pub const MIN_WIDTH: u32 = 280;
pub const MAX_WIDTH: u32 = 1600;

/// The most characters of any one caller text that reach the SVG.
pub(crate) const MAX_TEXT: usize = 200;

impl Options {
    pub fn new(locale: Locale) -> Options {
        Options { locale, width: None, id: None }
    }

    /// The width of the `viewBox`, in units that are CSS pixels when the chart is shown at that
    /// width; clamped to `MIN_WIDTH..=MAX_WIDTH`. A wider design width gives long names more
    /// room and keeps text smaller when the chart fills a desktop column.
    pub fn with_width(mut self, width: u32) -> Options {
        self.width = Some(width);
        self
    }

    /// Gives the `<title>` and `<desc>` the ids `ID-title` and `ID-desc`, referenced by the root's
    /// `aria-labelledby`. Only ASCII letters, digits, `-` and `_` of `id` are kept; a page with
    /// several charts must give each its own.
    pub fn with_id(mut self, id: &str) -> Options {
        let id: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(64).collect();
        self.id = (!id.is_empty()).then_some(id);
        self
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn width(&self) -> f64 {
        f64::from(self.width.unwrap_or(DEFAULT_WIDTH).clamp(MIN_WIDTH, MAX_WIDTH))
    }

    pub(crate) fn id_prefix(&self) -> Option<String> {
        // An id must not start with a digit or `-` to be usable in CSS selectors too.
        self.id
            .as_ref()
            .map(|id| if id.starts_with(|c: char| c.is_ascii_alphabetic()) { id.clone() } else { format!("c{id}") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_is_clamped() {
        assert_eq!(Options::new(Locale::En).width(), 400.0);
        assert_eq!(Options::new(Locale::En).with_width(10).width(), 280.0);
        assert_eq!(Options::new(Locale::En).with_width(100_000).width(), 1600.0);
    }

    #[test]
    fn ids_are_sanitized() {
        assert_eq!(Options::default().with_id("run-1").id_prefix().as_deref(), Some("run-1"));
        assert_eq!(Options::default().with_id("\"><script>").id_prefix().as_deref(), Some("script"));
        assert_eq!(Options::default().with_id("2027").id_prefix().as_deref(), Some("c2027"));
        assert_eq!(Options::default().with_id("<>").id_prefix(), None);
    }
}

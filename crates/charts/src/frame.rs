//! What every chart has around its plot: the visible title, the legend, and the "no data" panel.

use crate::Options;
use crate::svg::{GRID, INK, MUTED, Svg, text_width, truncate};

/// The margin on every side.
pub(crate) const PAD: f64 = 12.0;
/// Row labels and values.
pub(crate) const LABEL: f64 = 13.0;
/// Secondary text: counts, axis ticks, legend.
pub(crate) const SMALL: f64 = 12.0;
const TITLE: f64 = 16.0;
/// The height of the legend line.
pub(crate) const LEGEND: f64 = 24.0;
/// The height of the "no data" panel.
pub(crate) const EMPTY: f64 = 96.0;

/// Where the content starts below the title (the title is drawn in the chart, so a screenshot
/// forwarded in a chat still says what it shows).
pub(crate) fn header_height(title: &str) -> f64 {
    if title.is_empty() { PAD } else { PAD + TITLE + 12.0 }
}

pub(crate) fn title(svg: &mut Svg, options: &Options, title: &str) {
    if title.is_empty() {
        return;
    }
    let max = options.width() - 2.0 * PAD;
    let shown = truncate(title, TITLE, max);
    svg.text(
        PAD,
        PAD + TITLE,
        &[("font-size", "16"), ("font-weight", "bold"), ("fill", INK)],
        shown.as_deref().unwrap_or(title),
    );
}

/// One line of swatches and words, starting at `top`.
pub(crate) fn legend(svg: &mut Svg, top: f64, items: &[(&str, &str)]) {
    let mut x = PAD;
    let baseline = top + LEGEND / 2.0 + SMALL * 0.36;
    svg.start("g", &[("font-size", "12"), ("fill", MUTED)]);
    for (colour, word) in items {
        svg.rect(x, baseline - 10.0, 10.0, 10.0, &[("fill", colour)]);
        svg.text(x + 14.0, baseline, &[], word);
        x += 14.0 + text_width(word, SMALL) + 14.0;
    }
    svg.end("g");
}

/// The empty plot: a dashed frame with 暂无数据 / No data in its middle.
pub(crate) fn no_data(svg: &mut Svg, options: &Options, top: f64) {
    let width = options.width() - 2.0 * PAD;
    svg.rect(PAD, top, width, EMPTY - PAD, &[("fill", "none"), ("stroke", GRID), ("stroke-dasharray", "4 4")]);
    let baseline = top + (EMPTY - PAD) / 2.0 + 14.0 * 0.36;
    svg.text(
        PAD + width / 2.0,
        baseline,
        &[("font-size", "14"), ("fill", MUTED), ("text-anchor", "middle")],
        options.locale().words().no_data,
    );
}

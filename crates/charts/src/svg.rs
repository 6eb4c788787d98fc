//! The SVG writer every chart shares: escaping, coordinates, the root element with its accessible
//! name, and an estimate of how wide a text is (no font is at hand on the server).

use crate::Options;

/// The font stack: PingFang on Apple devices, YaHei on Windows, Noto/WenQuanYi on Linux and
/// Android; `sans-serif` last so a phone without any of them still picks its CJK system font.
pub(crate) const FONT_FAMILY: &str =
    r#""PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif"#;

/// Text colour: near-black on the white background (contrast 15.9:1).
pub(crate) const INK: &str = "#1f2328";
/// Secondary text (axis labels, counts): contrast 5.3:1 on white, above WCAG AA's 4.5:1.
pub(crate) const MUTED: &str = "#5f6670";
/// Grid lines and bar tracks: decoration only, never the only carrier of a value.
pub(crate) const GRID: &str = "#d0d4d9";
pub(crate) const TRACK: &str = "#eef0f2";

/// `text` made safe as XML character data or a quoted attribute value: the five markup
/// characters become entities, characters XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF) become
/// U+FFFD, and line breaks and tabs become spaces (every text of a chart is one line).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if forbidden_in_xml(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters outside XML 1.0's `Char` production (surrogates cannot occur in a `str`).
fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// A coordinate or length: rounded to a tenth, no trailing `.0`, never `NaN` or an exponent
/// (a non-finite value, which no layout should produce, becomes 0 rather than broken markup).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    // Clamped so the integer part stays exact and the output short even for absurd layouts.
    let tenths = (v.clamp(-1e9, 1e9) * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    if abs.is_multiple_of(10) { format!("{sign}{}", abs / 10) } else { format!("{sign}{}.{}", abs / 10, abs % 10) }
}

/// The estimated advance of one character in ems. An estimate errs wide, so a label never runs
/// into its bar: CJK and full-width forms are one em in every CJK font; Latin letters and digits
/// about 0.55–0.85 em in the sans-serif fonts of the stack.
fn char_em(c: char) -> f64 {
    match c {
        '\u{300}'..='\u{36F}' | '\u{200B}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}' => 0.0,
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
        'A'..='Z' => 0.7,
        '0'..='9' => 0.58,
        c if c.is_ascii() => 0.58,
        '\u{80}'..='\u{10FF}' => 0.65,
        _ => 1.0,
    }
}

/// The estimated width of `text` at `font_size`.
pub(crate) fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * font_size
}

/// `text` cut to fit `max_width` at `font_size`, with `…` at the end when cut; `None` when it
/// already fits.
pub(crate) fn truncate(text: &str, font_size: f64, max_width: f64) -> Option<String> {
    if text_width(text, font_size) <= max_width {
        return None;
    }
    let budget = max_width - text_width("…", font_size);
    let mut width = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        width += char_em(c) * font_size;
        if width > budget {
            break;
        }
        out.push(c);
    }
    // A cut name ending in a space or punctuation reads as two words; keep the ellipsis tight.
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    Some(out)
}

/// One line of a chart's text: a single line, no control characters, at most `max` characters
/// (the caller's text is untrusted; a megabyte-long name must not make a megabyte-wide tooltip).
pub(crate) fn clean(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Builds one SVG document, an element per line, indented.
pub(crate) struct Svg {
    out: String,
    depth: usize,
}

/// An attribute value, escaped when written.
pub(crate) type Attrs<'a> = &'a [(&'a str, &'a str)];

impl Svg {
    /// The root element: a `viewBox` and no fixed size (the chart takes its container's width),
    /// `role="img"` with `<title>` and `<desc>` as its accessible name and description, the font
    /// stack, and a white background so the colours keep their contrast on a dark page.
    pub(crate) fn new(options: &Options, kind: &str, height: f64, title: &str, desc: &str) -> Svg {
        let mut svg = Svg { out: String::new(), depth: 0 };
        let width = num(options.width());
        let height = num(height);
        let view_box = format!("0 0 {width} {height}");
        let class = format!("gy-chart gy-chart-{kind}");
        let id = options.id_prefix();
        let labelled_by = id.as_ref().map(|id| format!("{id}-title {id}-desc"));
        let mut attrs: Vec<(&str, &str)> = vec![
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", &view_box),
            ("role", "img"),
            ("class", &class),
            ("font-family", FONT_FAMILY),
        ];
        if let Some(labelled_by) = &labelled_by {
            attrs.push(("aria-labelledby", labelled_by));
        }
        svg.start("svg", &attrs);
        let title_id = id.as_ref().map(|id| format!("{id}-title"));
        let desc_id = id.as_ref().map(|id| format!("{id}-desc"));
        let title_attrs: Vec<(&str, &str)> = title_id.as_deref().map(|id| ("id", id)).into_iter().collect();
        let desc_attrs: Vec<(&str, &str)> = desc_id.as_deref().map(|id| ("id", id)).into_iter().collect();
        svg.text_element("title", &title_attrs, title);
        svg.text_element("desc", &desc_attrs, desc);
        svg.empty("rect", &[("width", &width), ("height", &height), ("fill", "#ffffff")]);
        svg
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn tag(&mut self, name: &str, attrs: Attrs<'_>) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
    }

    pub(crate) fn start(&mut self, name: &str, attrs: Attrs<'_>) {
        self.indent();
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub(crate) fn end(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: Attrs<'_>) {
        self.indent();
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// An element holding only (escaped) text.
    pub(crate) fn text_element(&mut self, name: &str, attrs: Attrs<'_>, text: &str) {
        self.indent();
        self.tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// A line of text at (`x`, `y`) (the baseline), with more attributes after the position.
    pub(crate) fn text(&mut self, x: f64, y: f64, attrs: Attrs<'_>, text: &str) {
        let (x, y) = (num(x), num(y));
        let mut all: Vec<(&str, &str)> = vec![("x", &x), ("y", &y)];
        all.extend_from_slice(attrs);
        self.text_element("text", &all, text);
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, attrs: Attrs<'_>) {
        let (x, y, w, h) = (num(x), num(y), num(width.max(0.0)), num(height.max(0.0)));
        let mut all: Vec<(&str, &str)> = vec![("x", &x), ("y", &y), ("width", &w), ("height", &h)];
        all.extend_from_slice(attrs);
        self.empty("rect", &all);
    }

    pub(crate) fn line(&mut self, from: (f64, f64), to: (f64, f64), attrs: Attrs<'_>) {
        let (x1, y1, x2, y2) = (num(from.0), num(from.1), num(to.0), num(to.1));
        let mut all: Vec<(&str, &str)> = vec![("x1", &x1), ("y1", &y1), ("x2", &x2), ("y2", &y2)];
        all.extend_from_slice(attrs);
        self.empty("line", &all);
    }

    pub(crate) fn finish(mut self) -> String {
        self.end("svg");
        self.out
    }
}

/// Points as an SVG `points` list.
pub(crate) fn points(points: &[(f64, f64)]) -> String {
    points.iter().map(|(x, y)| format!("{},{}", num(*x), num(*y))).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(escape(r#"<script>&"'"#), "&lt;script&gt;&amp;&quot;&apos;");
        assert_eq!(escape("a\u{0}b\u{1B}c\u{FFFF}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
        assert_eq!(escape("第1街道\n办事处"), "第1街道 办事处");
    }

    #[test]
    fn numbers_are_short_and_never_nan() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(num(1e300), "1000000000");
    }

    #[test]
    fn cjk_is_wider_than_latin() {
        assert_eq!(text_width("解放路", 10.0), 30.0);
        assert!(text_width("abc", 10.0) < 20.0);
    }

    #[test]
    fn truncation_keeps_what_fits_and_marks_the_cut() {
        assert_eq!(truncate("解放路第一社区", 10.0, 80.0), None);
        assert_eq!(truncate("解放路第一社区居民委员会", 10.0, 60.0).as_deref(), Some("解放路第一…"));
        assert_eq!(truncate("ab cd", 10.0, 25.0).as_deref(), Some("ab…"));
    }

    #[test]
    fn clean_makes_one_bounded_line() {
        assert_eq!(clean("  第1街道\n\t办事处 ", 50), "第1街道 办事处");
        assert_eq!(clean("一二三四五", 3), "一二…");
    }
}

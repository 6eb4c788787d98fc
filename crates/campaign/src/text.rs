//! Free text written by people (names, titles, labels, descriptions): which characters it may hold.
//!
//! Names and titles end up in mail subjects and headers and in one-line reports, where a CR or LF
//! splits a header or a line, and a bidi override makes a name read differently from what it is.
//! So one-line texts refuse every control character, the Unicode line and paragraph separators and
//! the bidi embedding, override and isolate controls; descriptions, which may span lines, refuse
//! the control characters other than LF and TAB. Raw fields holding such text are typed [`Line`] or
//! [`Text`], so reading a field is what checks it.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::diagnostic::DiagnosticKind;
use crate::read::{FromNode, Reader};
use crate::yaml::Node;

/// One line of free text: a name, title, label or unit of measure.
#[derive(Clone, Debug, PartialEq)]
pub struct Line(pub String);

/// Free text that may span lines: a description.
#[derive(Clone, Debug, PartialEq)]
pub struct Text(pub String);

/// Which rule a text follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Line,
    MultiLine,
}

/// Whether `c` may not appear in a text of this shape.
pub fn is_forbidden(c: char, shape: Shape) -> bool {
    // Written as ranges rather than with `char::is_control`, so the tests can check one against the
    // other.
    let control = matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}');
    match shape {
        Shape::Line => {
            control || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        }
        Shape::MultiLine => control && c != '\n' && c != '\t',
    }
}

/// The first character a text of this shape must not hold, with its 1-based position in the text
/// (in characters, as a reader counts them).
pub fn first_forbidden(text: &str, shape: Shape) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| is_forbidden(*c, shape)).map(|(i, c)| (i + 1, c))
}

/// Reads a text of the given shape, reporting its first forbidden character at the value. The text
/// is still returned, so the rest of the file is checked as usual; the diagnostic alone makes the
/// file invalid.
fn read_text(node: &Node, r: &mut Reader, shape: Shape) -> Option<String> {
    let text = String::from_node(node, r)?;
    if let Some((at, found)) = first_forbidden(&text, shape) {
        r.error(node.loc, DiagnosticKind::ControlCharacter { found, at, multiline: shape == Shape::MultiLine });
    }
    Some(text)
}

impl FromNode for Line {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        read_text(node, r, Shape::Line).map(Line)
    }
}

impl FromNode for Text {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        read_text(node, r, Shape::MultiLine).map(Text)
    }
}

// In the JSON Schema both are plain strings: the schema checks shape, `guiyan validate` the rest.
impl JsonSchema for Line {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

impl JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::diagnostic::Loc;
    use crate::read::Located;

    /// The characters one-line texts refuse besides the Cc category.
    const LINE_ONLY: [char; 11] = [
        '\u{2028}', '\u{2029}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ];

    #[test]
    fn one_line_texts() {
        for ok in ["", "春节走访慰问返乡人员", "Visit (2027) – 走访", "人", "a b", "\u{200f}RLM is allowed"]
        {
            assert_eq!(first_forbidden(ok, Shape::Line), None, "{ok:?}");
        }
        assert_eq!(first_forbidden("a\r\nb", Shape::Line), Some((2, '\r')));
        assert_eq!(first_forbidden("走访\n", Shape::Line), Some((3, '\n')));
        assert_eq!(first_forbidden("\t数量", Shape::Line), Some((1, '\t')));
        assert_eq!(first_forbidden("x\u{0}", Shape::Line), Some((2, '\0')));
        assert_eq!(first_forbidden("x\u{7f}", Shape::Line), Some((2, '\u{7f}')));
        assert_eq!(first_forbidden("x\u{85}", Shape::Line), Some((2, '\u{85}')));
        assert_eq!(first_forbidden("解放\u{202e}路", Shape::Line), Some((3, '\u{202e}')));
        assert_eq!(first_forbidden("a\u{2028}b", Shape::Line), Some((2, '\u{2028}')));
        assert_eq!(first_forbidden("a\u{2069}", Shape::Line), Some((2, '\u{2069}')));
    }

    #[test]
    fn multi_line_texts() {
        for ok in ["第一段\n\n第二段\n", "项目\t数量", "", "a\u{2028}b"] {
            assert_eq!(first_forbidden(ok, Shape::MultiLine), None, "{ok:?}");
        }
        assert_eq!(first_forbidden("第一行\r\n第二行", Shape::MultiLine), Some((4, '\r')));
        assert_eq!(first_forbidden("a\u{1b}[31m", Shape::MultiLine), Some((2, '\u{1b}')));
        assert_eq!(first_forbidden("a\u{9f}", Shape::MultiLine), Some((2, '\u{9f}')));
    }

    fn read(yaml: &str) -> (Option<Located<Line>>, Vec<crate::Diagnostic>) {
        let node = crate::yaml::parse(yaml.as_bytes()).expect("valid YAML");
        let mut r = Reader::new(Path::new("t.yaml"));
        let crate::yaml::Value::Map(entries) = &node.value else { panic!("not a mapping") };
        let value = r.in_key("title", |r| Located::<Line>::from_node(&entries[0].1, r));
        (value, r.diagnostics)
    }

    #[test]
    fn reading_reports_at_the_value_and_keeps_the_text() {
        let (value, diagnostics) = read("title: \"a\\r\\nb\"\n");
        assert_eq!(value.map(|v| v.value), Some(Line("a\r\nb".into())));
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!((d.loc, d.field.as_str()), (Loc { line: 1, column: 8 }, "title"));
        assert_eq!(d.kind, DiagnosticKind::ControlCharacter { found: '\r', at: 2, multiline: false });

        // A literal block scalar ends with a line break: not a title.
        let (_, diagnostics) = read("title: |\n  走访\n");
        assert_eq!(diagnostics[0].kind, DiagnosticKind::ControlCharacter { found: '\n', at: 3, multiline: false });

        let (value, diagnostics) = read("title: 2027\n");
        assert_eq!((value.map(|v| v.value.0), diagnostics.len()), (Some("2027".into()), 0));
    }

    proptest! {
        /// Every Cc character is refused in a one-line text, and apart from the listed separators and
        /// bidi controls nothing else is.
        #[test]
        fn one_line_refuses_exactly_the_controls(c in any::<char>()) {
            prop_assert_eq!(is_forbidden(c, Shape::Line), c.is_control() || LINE_ONLY.contains(&c));
        }

        /// A multi-line text refuses the controls other than LF and TAB, and nothing else.
        #[test]
        fn multi_line_refuses_controls_but_lf_and_tab(c in any::<char>()) {
            prop_assert_eq!(is_forbidden(c, Shape::MultiLine), c.is_control() && c != '\n' && c != '\t');
        }

        /// The first forbidden character is found at its position, whatever follows it.
        #[test]
        fn the_first_forbidden_character_is_reported(
            prefix in "[^\\p{Cc}\u{2028}\u{2029}\u{202a}-\u{202e}\u{2066}-\u{2069}]{0,20}",
            bad in prop::sample::select(vec!['\0', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}', '\u{202e}']),
            suffix in ".{0,10}",
        ) {
            let text = format!("{prefix}{bad}{suffix}");
            prop_assert_eq!(first_forbidden(&text, Shape::Line), Some((prefix.chars().count() + 1, bad)));
            prop_assert_eq!(first_forbidden(&prefix, Shape::Line), None);
        }

        /// Whatever a one-line text may hold, a multi-line text may hold too.
        #[test]
        fn a_valid_line_is_valid_multi_line_text(text in any::<String>()) {
            if first_forbidden(&text, Shape::Line).is_none() {
                prop_assert_eq!(first_forbidden(&text, Shape::MultiLine), None);
            }
        }
    }
}

//! The only module that parses YAML: bytes in, a located tree of nodes out, with input limits.
//!
//! serde-saphyr has one maintainer and fast majors, so every call into it stays here. Everything
//! downstream works on [`Node`], which records where each value was written.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use serde_saphyr::options::DuplicateKeyPolicy;

use crate::diagnostic::{Complexity, DiagnosticKind, Loc};

/// Files larger than this are refused before parsing: campaign and directory files are small, and a
/// district of 10,000 communities is about 1.5 MiB.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A YAML value and where it was written (for aliases, where the alias was used).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub loc: Loc,
    pub value: Value,
}

/// The shape of a YAML value. Mapping entries keep their order and duplicates, so that validation can
/// report a duplicate key with its field path.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The YAML type name, as used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }
}

/// Decodes and parses one YAML document. Refuses oversized input, non-UTF-8 bytes, alias bombs and
/// deep nesting with a located diagnostic, never a panic or an unbounded allocation.
pub fn parse(bytes: &[u8]) -> Result<Node, (Loc, DiagnosticKind)> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err((Loc::START, DiagnosticKind::FileTooLarge { limit: MAX_FILE_BYTES as u64 }));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => return Err((loc_of_byte(bytes, err.valid_up_to()), DiagnosticKind::NotUtf8)),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: Some(MAX_FILE_BYTES),
            max_events: 2_000_000,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_depth: 64,
            max_nodes: 1_000_000,
            // Two, so that a second document is reported as such rather than as a breached budget.
            max_documents: 2,
        },
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        // YAML 1.2: only true/false are booleans, so `title: y` or `off:` stay text.
        strict_booleans: true,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<RawValue>>>(text, options) {
        Ok(Some(node)) => {
            let loc = loc_of(&node);
            Ok(node.value.relocated(loc))
        }
        Ok(None) => Ok(Node { loc: Loc::START, value: Value::Null }),
        Err(err) => {
            let loc =
                err.location().map(|l| Loc { line: l.line() as u32, column: l.column() as u32 }).unwrap_or(Loc::START);
            Err((loc, classify_error(&err)))
        }
    }
}

fn classify_error(err: &serde_saphyr::Error) -> DiagnosticKind {
    use serde_saphyr::Error;
    // Errors met while replaying an alias come wrapped; classify the original.
    let mut inner = err.without_snippet();
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = inner {
        inner = error;
    }
    match inner {
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => DiagnosticKind::YamlTooComplex { what: Complexity::Aliases },
        Error::Budget { breach, .. } => {
            let breach = format!("{breach:?}");
            let what = if breach.starts_with("Documents") {
                return DiagnosticKind::MultipleDocuments;
            } else if breach.starts_with("Depth") {
                Complexity::Nesting
            } else if breach.starts_with("Nodes") || breach.starts_with("Events") {
                Complexity::Nodes
            } else if breach.contains("Alias") || breach.contains("Anchor") {
                Complexity::Aliases
            } else {
                Complexity::Other
            };
            DiagnosticKind::YamlTooComplex { what }
        }
        Error::MultipleDocuments { .. } => DiagnosticKind::MultipleDocuments,
        other => {
            // The formatter gives the message without "at line L, column C", which is reported apart.
            let message = serde_saphyr::MessageFormatter::format_message(&serde_saphyr::DefaultMessageFormatter, other);
            DiagnosticKind::YamlSyntax { detail: first_line(&message) }
        }
    }
}

/// serde-saphyr prefixes messages with "error: line L column C: "; the location is reported
/// separately, so keep only the message.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest.to_string(),
        _ => line.to_string(),
    }
}

fn loc_of<T>(spanned: &Spanned<T>) -> Loc {
    Loc { line: spanned.referenced.line() as u32, column: spanned.referenced.column() as u32 }
}

/// Line and column (1-based, in characters) of a byte offset.
fn loc_of_byte(bytes: &[u8], offset: usize) -> Loc {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u32 + 1;
    Loc { line, column }
}

/// What serde-saphyr hands us before locations are attached to children.
enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

impl RawValue {
    fn relocated(self, loc: Loc) -> Node {
        let value = match self {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(f) => Value::Float(f),
            RawValue::String(s) => Value::String(s),
            RawValue::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|item| {
                        let l = loc_of(&item);
                        item.value.relocated(l)
                    })
                    .collect(),
            ),
            RawValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(key, value)| {
                        let key_node = Node { loc: loc_of(&key), value: Value::String(key.value) };
                        let l = loc_of(&value);
                        (key_node, value.value.relocated(l))
                    })
                    .collect(),
            ),
        };
        Node { loc, value }
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawValueVisitor)
    }
}

struct RawValueVisitor;

impl<'de> Visitor<'de> for RawValueVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        i64::try_from(v).map(RawValue::Int).map_err(|_| E::custom("integer too large"))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        i64::try_from(v).map(RawValue::Int).map_err(|_| E::custom("integer too large"))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        i64::try_from(v).map(RawValue::Int).map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = access.next_element()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = access.next_entry()? {
            entries.push(entry);
        }
        Ok(RawValue::Map(entries))
    }
}

/// The text the parser reads from `bytes` (UTF-8, without a BOM), against which node locations
/// count; `None` when the bytes are not UTF-8 (then [`parse`] refused them).
pub fn source_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Where each character of a string scalar was written: for the scalar at `loc` in `source` whose
/// value is `value`, the location of every character of the value, in order. Known for scalars
/// written on one line, plain, single-quoted or double-quoted (an escape such as `\"` counts as
/// written at its backslash), and for a block scalar of one line without a final line break (`>-`;
/// the parser locates a block scalar at its content); `None` for scalars over several lines,
/// aliases, and anything whose reading here does not give back `value` exactly, so a caller never
/// points at the wrong character.
pub fn char_locations(source: &str, loc: Loc, value: &str) -> Option<Vec<Loc>> {
    let line = source.lines().nth(usize::try_from(loc.line).ok()?.checked_sub(1)?)?;
    let start = usize::try_from(loc.column).ok()?.checked_sub(1)?;
    let rest: Vec<char> = line.chars().skip(start).collect();
    let at = |i: usize| Some(Loc { line: loc.line, column: loc.column.checked_add(u32::try_from(i).ok()?)? });
    let mut decoded = String::new();
    let mut locs = Vec::new();
    match rest.first() {
        Some('"') => {
            let mut i = 1;
            loop {
                let c = *rest.get(i)?;
                match c {
                    '"' => break,
                    '\\' => {
                        let (unescaped, len) = unescape(&rest[i + 1..])?;
                        decoded.push(unescaped);
                        locs.push(at(i)?);
                        i += 1 + len;
                    }
                    c => {
                        decoded.push(c);
                        locs.push(at(i)?);
                        i += 1;
                    }
                }
            }
        }
        Some('\'') => {
            let mut i = 1;
            loop {
                match *rest.get(i)? {
                    '\'' if rest.get(i + 1) == Some(&'\'') => {
                        decoded.push('\'');
                        locs.push(at(i)?);
                        i += 2;
                    }
                    '\'' => break,
                    c => {
                        decoded.push(c);
                        locs.push(at(i)?);
                        i += 1;
                    }
                }
            }
        }
        Some('|' | '>' | '*' | '&' | '!') | None => return None,
        Some(_) => {
            // A plain scalar is its characters as written; one that goes on past this line is not
            // mapped, which the comparison below catches.
            for (i, c) in rest.iter().take(value.chars().count()).enumerate() {
                decoded.push(*c);
                locs.push(at(i)?);
            }
        }
    }
    (decoded == value).then_some(locs)
}

/// The character a double-quoted escape stands for and how many characters after the backslash it
/// takes; `None` for a line continuation or an escape this reading does not know.
fn unescape(after: &[char]) -> Option<(char, usize)> {
    let hex = |len: usize| -> Option<(char, usize)> {
        let digits: String = after.get(1..=len)?.iter().collect();
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?).map(|c| (c, 1 + len))
    };
    let simple = match after.first()? {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        _ => return None,
    };
    Some((simple, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The located value of `key` in a one-level mapping, and where each of its characters is.
    fn located(yaml: &str, key: &str) -> (Node, Option<Vec<Loc>>) {
        let node = parse(yaml.as_bytes()).expect("valid YAML");
        let Value::Map(entries) = node.value else { panic!("not a mapping") };
        let (_, value) = entries.into_iter().find(|(k, _)| k.value == Value::String(key.into())).expect("key");
        let Value::String(text) = &value.value else { panic!("not a string") };
        let locs = char_locations(yaml, value.loc, text);
        (value.clone(), locs)
    }

    fn column_of(locs: &[Loc], value: &Node, c: char) -> u32 {
        let Value::String(text) = &value.value else { panic!("not a string") };
        let i = text.chars().position(|x| x == c).expect("char in value");
        assert_eq!(locs[i].line, value.loc.line);
        locs[i].column
    }

    #[test]
    fn columns_count_characters_from_one() {
        // The parser counts columns in characters, as `loc_of_byte` does: Chinese text before a
        // value moves it by one column per character, not per byte.
        let (node, _) = located("走访: x\n", "走访");
        assert_eq!(node.loc, Loc { line: 1, column: 5 });
    }

    #[test]
    fn characters_of_one_line_scalars_are_located() {
        let (node, locs) = located("p: 区委于{a.b}召开\n", "p");
        assert_eq!(column_of(&locs.expect("plain"), &node, '{'), 7);
        let (node, locs) = located("p: \"区委于{a.b}召开\"\n", "p");
        assert_eq!(column_of(&locs.expect("double-quoted"), &node, '{'), 8);
        let (node, locs) = located("p: \"\\\"横幅\\\"{a.b}\"  # comment\n", "p");
        assert_eq!(column_of(&locs.expect("escapes"), &node, '{'), 11);
        let (node, locs) = located("p: \"\\u6a2a{a.b}\"\n", "p");
        assert_eq!(column_of(&locs.expect("unicode escape"), &node, '{'), 11);
        let (node, locs) = located("p: '它''s {a.b}'\n", "p");
        assert_eq!(column_of(&locs.expect("single-quoted"), &node, '{'), 10);
        let (node, locs) = located("p: 走访 {a.b} # note\n", "p");
        assert_eq!(column_of(&locs.expect("plain with comment"), &node, '{'), 7);
    }

    #[test]
    fn block_scalars_of_one_line_are_located_at_their_content() {
        // The parser locates a block scalar at its first character, not at the `|` or `>`.
        let (node, locs) = located("p: >-\n  走访{a.b}\n", "p");
        assert_eq!(node.loc, Loc { line: 2, column: 3 });
        assert_eq!(column_of(&locs.expect("one-line block"), &node, '{'), 5);
    }

    #[test]
    fn scalars_over_several_lines_are_not_located() {
        // `|` keeps the final line break, which is not on the content's line.
        assert_eq!(located("p: |\n  走访{a.b}\n", "p").1, None);
        assert_eq!(located("p: >-\n  走访\n  {a.b}\n", "p").1, None);
        assert_eq!(located("p: 走访\n  {a.b}\n", "p").1, None);
        assert_eq!(located("p: \"走访\n  {a.b}\"\n", "p").1, None);
        assert_eq!(located("a: &x 走访{a.b}\np: *x\n", "p").1, None);
    }
}

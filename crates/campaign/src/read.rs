//! Stage one of parsing: walks the located YAML tree into the raw structs, collecting every shape
//! error (unknown key, duplicate key, wrong type) instead of stopping at the first.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::diagnostic::{Diagnostic, DiagnosticKind, Loc};
use crate::yaml::{Node, Value};

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A YAML mapping with free-form keys (figure keys, group names, years), in written order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entries<T>(pub Vec<(Located<String>, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <BTreeMap<String, T>>::json_schema(generator)
    }
}

/// One segment of a field path.
#[derive(Clone, Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Walks one file's tree, remembering the field path and collecting diagnostics.
pub struct Reader<'a> {
    file: &'a Path,
    /// The text the tree was parsed from, when known: it locates characters inside a string (a
    /// placeholder in a report point), which the tree's nodes alone cannot.
    source: Option<&'a str>,
    path: Vec<Segment>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path) -> Self {
        Reader { file, source: None, path: Vec::new(), diagnostics: Vec::new() }
    }

    /// A reader that also knows the file's text (see [`crate::yaml::source_text`]).
    pub fn with_source(file: &'a Path, source: Option<&'a str>) -> Self {
        Reader { file, source, path: Vec::new(), diagnostics: Vec::new() }
    }

    pub fn file(&self) -> &Path {
        self.file
    }

    pub fn source(&self) -> Option<&'a str> {
        self.source
    }

    /// The current field path, e.g. `tasks[3].assignees.level`.
    pub fn field_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// Records a diagnostic at the current field path.
    pub fn error(&mut self, loc: Loc, kind: DiagnosticKind) {
        let field = self.field_path();
        self.diagnostics.push(Diagnostic::new(self.file, loc, field, kind));
    }

    pub fn in_key<R>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(Segment::Key(key.to_string()));
        let out = f(self);
        self.path.pop();
        out
    }

    pub fn in_index<R>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(Segment::Index(index));
        let out = f(self);
        self.path.pop();
        out
    }

    fn wrong_type(&mut self, node: &Node, expected: &'static str) {
        self.error(node.loc, DiagnosticKind::WrongType { expected, found: node.value.type_name() });
    }

    /// Opens a mapping with a fixed set of keys: reports unknown and duplicate keys, and a non-mapping.
    pub fn fields<'n>(&mut self, node: &'n Node, keys: &'static [&'static str]) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "mapping");
            return None;
        };
        let mut found: Vec<(&'static str, &'n Node, Loc)> = Vec::new();
        let mut unknown_keys = 0;
        for (key_node, value) in entries {
            let Some(key) = self.key_text(key_node) else { continue };
            match keys.iter().find(|k| **k == key) {
                None => {
                    unknown_keys += 1;
                    self.in_key(&key, |r| {
                        r.error(key_node.loc, DiagnosticKind::UnknownKey { key: key.clone(), expected: keys.to_vec() })
                    })
                }
                Some(known) => {
                    if let Some((_, _, first)) = found.iter().find(|(k, _, _)| k == known) {
                        let first_line = first.line;
                        self.in_key(&key, |r| {
                            r.error(key_node.loc, DiagnosticKind::DuplicateKey { key: key.clone(), first_line })
                        });
                    } else {
                        found.push((known, value, key_node.loc));
                    }
                }
            }
        }
        Some(Fields { loc: node.loc, found, unknown_keys })
    }

    /// Opens a mapping with free-form keys, reporting duplicates.
    pub fn entries<T: FromNode>(&mut self, node: &Node) -> Option<Entries<T>> {
        let Value::Map(map) = &node.value else {
            self.wrong_type(node, "mapping");
            return None;
        };
        let mut out: Vec<(Located<String>, T)> = Vec::new();
        for (key_node, value) in map {
            let Some(key) = self.key_text(key_node) else { continue };
            if let Some((first, _)) = out.iter().find(|(k, _)| k.value == key) {
                let first_line = first.loc.line;
                self.in_key(&key, |r| {
                    r.error(key_node.loc, DiagnosticKind::DuplicateKey { key: key.clone(), first_line })
                });
                continue;
            }
            if let Some(parsed) = self.in_key(&key, |r| T::from_node(value, r)) {
                out.push((Located { value: key, loc: key_node.loc }, parsed));
            }
        }
        Some(Entries(out))
    }

    /// Keys are strings; integer keys (years) are accepted as their decimal text.
    fn key_text(&mut self, key_node: &Node) -> Option<String> {
        match &key_node.value {
            Value::String(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            _ => {
                self.wrong_type(key_node, "string");
                None
            }
        }
    }
}

/// The known keys found in one mapping.
pub struct Fields<'n> {
    pub loc: Loc,
    found: Vec<(&'static str, &'n Node, Loc)>,
    /// How many keys were unknown (already reported); checks that would only repeat the
    /// problem, such as "this selects nothing", are skipped when this is non-zero.
    pub unknown_keys: usize,
}

impl<'n> Fields<'n> {
    /// Reads an optional key.
    pub fn get<T: FromNode>(&self, r: &mut Reader, key: &'static str) -> Option<T> {
        let (_, node, _) = self.found.iter().find(|(k, _, _)| *k == key)?;
        r.in_key(key, |r| T::from_node(node, r))
    }

    /// Reads a required key, reporting it at the mapping when absent.
    pub fn require<T: FromNode>(&self, r: &mut Reader, key: &'static str) -> Option<T> {
        if !self.has(key) {
            r.error(self.loc, DiagnosticKind::MissingKey { key });
            return None;
        }
        self.get(r, key)
    }

    /// The known keys that were written, valid or not.
    pub fn written(&self) -> Vec<&'static str> {
        self.found.iter().map(|(k, _, _)| *k).collect()
    }

    /// Where a known key was written (the key itself, not its value).
    pub fn key_loc(&self, key: &str) -> Option<Loc> {
        self.found.iter().find(|(k, _, _)| *k == key).map(|(_, _, loc)| *loc)
    }

    pub fn has(&self, key: &str) -> bool {
        self.found.iter().any(|(k, _, _)| *k == key)
    }
}

/// Stage-one conversion of a located YAML node.
pub trait FromNode: Sized {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self>;
}

impl FromNode for String {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            // `id: 2027` means the text 2027. (YAML reads `0x1f` or `+5` as numbers first; they come
            // back in decimal, which is why ids are best written plainly.)
            Value::Int(i) => Some(i.to_string()),
            _ => {
                r.wrong_type(node, "string");
                None
            }
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            _ => {
                r.wrong_type(node, "boolean");
                None
            }
        }
    }
}

/// A scalar written as text: strings as they are, numbers and dates YAML may have typed as their
/// text (`17:30`, `2026-01-01`, `-3` all reach validation as strings).
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar(pub String);

impl JsonSchema for Scalar {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": ["string", "integer"] })
    }
}

impl FromNode for Scalar {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(Scalar(s.clone())),
            Value::Int(i) => Some(Scalar(i.to_string())),
            Value::Float(f) => Some(Scalar(f.to_string())),
            _ => {
                r.wrong_type(node, "string");
                None
            }
        }
    }
}

impl<T: FromNode> FromNode for Located<T> {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        T::from_node(node, r).map(|value| Located { value, loc: node.loc })
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        let Value::Seq(items) = &node.value else {
            r.wrong_type(node, "list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(v) = r.in_index(i, |r| T::from_node(item, r)) {
                out.push(v);
            }
        }
        Some(out)
    }
}

impl<T: FromNode> FromNode for Entries<T> {
    fn from_node(node: &Node, r: &mut Reader) -> Option<Self> {
        r.entries(node)
    }
}

impl FromNode for Node {
    fn from_node(node: &Node, _: &mut Reader) -> Option<Self> {
        Some(node.clone())
    }
}

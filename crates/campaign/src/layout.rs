//! The work report's layout as a campaign declares it (`sections:`, `next_steps:`), and the syntax
//! of the placeholders in its points (`{publicity.banners}`, `{kickoff.date}`, `{level.street}`).
//!
//! This module knows the shapes only; `validate_layout` checks names against the campaign's tasks,
//! figures and the directory's levels. The report crate fills the values in from a run's snapshot.

use crate::diagnostic::Loc;

/// The numbered sections and the 下一步 part of a work report, as declared under a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportLayout {
    /// The sections 一、二、三… in order. Empty when the report declares only `next_steps`: the
    /// report crate then builds the default sections from the task kinds, as for a report without
    /// any layout.
    pub sections: Vec<ReportSection>,
    /// The paragraphs of the 下一步 part, in order, as written (no placeholders).
    pub next_steps: Vec<String>,
}

/// One numbered section (一、二、…) of a work report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSection {
    /// The section's heading, e.g. 高位推动，层层压实工作责任.
    pub title: String,
    /// Template ids of the tasks whose completion this section tells, in written order, each once.
    pub tasks: Vec<String>,
    /// The sentences, each becoming 一是…/二是… in the report.
    pub points: Vec<Point>,
    /// Where the section was written.
    pub loc: Loc,
}

/// One sentence of a section: text with values filled in from the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// Text and values in order; adjacent texts are merged, and `{{`/`}}` are already `{`/`}`.
    pub parts: Vec<PointPart>,
    /// Where the point was written.
    pub loc: Loc,
}

/// A piece of a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PointPart {
    Text(String),
    Value(ValueRef),
}

/// A value a placeholder stands for, computed by the report from the run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueRef {
    /// `{TASK.FIGURE}`: the sum of the figure over every unit that reported it for the task.
    FigureSum { task: String, figure: String },
    /// `{TASK.done}`: how many units completed the task.
    UnitsDone { task: String },
    /// `{TASK.units}`: how many units the task is assigned to.
    UnitsAssigned { task: String },
    /// `{TASK.pending}`: how many assigned units have not completed it yet.
    UnitsPending { task: String },
    /// `{TASK.date}`: when the task was completed (for a task of several units, the latest).
    DoneDate { task: String },
    /// `{level.LEVEL}`: how many units of that directory level the run's tasks cover.
    LevelCount { level: String },
}

impl ValueRef {
    /// The task the value is about; `None` for a level count.
    pub fn task(&self) -> Option<&str> {
        match self {
            ValueRef::FigureSum { task, .. }
            | ValueRef::UnitsDone { task }
            | ValueRef::UnitsAssigned { task }
            | ValueRef::UnitsPending { task }
            | ValueRef::DoneDate { task } => Some(task),
            ValueRef::LevelCount { .. } => None,
        }
    }
}

/// What a placeholder may ask of a task besides its figures. These words cannot be figure keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskAttribute {
    Done,
    Units,
    Pending,
    Date,
}

impl TaskAttribute {
    pub const NAMES: &'static [&'static str] = &["done", "units", "pending", "date"];

    pub fn from_name(name: &str) -> Option<TaskAttribute> {
        Some(match name {
            "done" => TaskAttribute::Done,
            "units" => TaskAttribute::Units,
            "pending" => TaskAttribute::Pending,
            "date" => TaskAttribute::Date,
            _ => return None,
        })
    }

    /// The value this attribute of `task` stands for.
    pub fn of(self, task: String) -> ValueRef {
        match self {
            TaskAttribute::Done => ValueRef::UnitsDone { task },
            TaskAttribute::Units => ValueRef::UnitsAssigned { task },
            TaskAttribute::Pending => ValueRef::UnitsPending { task },
            TaskAttribute::Date => ValueRef::DoneDate { task },
        }
    }
}

/// The word before the dot that makes a placeholder a level count (`{level.street}`) rather than a
/// task's value; a task with this id cannot be named in a placeholder.
pub const LEVEL_PREFIX: &str = "level";

/// A point split into text and placeholder names, before the names are checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Text(String),
    /// `{owner.name}`: what precedes and follows the dot, and the position of the `{` in the point
    /// (0-based, in characters).
    Placeholder {
        owner: String,
        name: String,
        at: usize,
    },
}

/// What is wrong with the braces of a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceholderProblem {
    /// `{` with no `}` after it.
    Unclosed,
    /// `{}`.
    Empty,
    /// A `}` that closes nothing (a literal brace is written `}}`).
    StrayClosingBrace,
    /// Not `{word.word}`, e.g. `{banners}` or `{a.b.c}`.
    Malformed,
}

/// A brace problem and the position (0-based, in characters) of the brace it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub problem: PlaceholderProblem,
    /// The placeholder as written, braces included (up to the end of the point when unclosed).
    pub written: String,
}

/// Splits a point into text and placeholders. Every brace problem is returned, not only the first;
/// the tokens are what could be read. Never panics.
pub fn tokenize(point: &str) -> (Vec<Token>, Vec<SyntaxError>) {
    let chars: Vec<char> = point.chars().collect();
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' if chars.get(i + 1) == Some(&'{') => {
                text.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                text.push('}');
                i += 2;
            }
            '}' => {
                errors.push(SyntaxError { at: i, problem: PlaceholderProblem::StrayClosingBrace, written: "}".into() });
                i += 1;
            }
            '{' => {
                let Some(len) = chars[i + 1..].iter().position(|c| *c == '}') else {
                    let written: String = chars[i..].iter().collect();
                    errors.push(SyntaxError { at: i, problem: PlaceholderProblem::Unclosed, written });
                    break;
                };
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                let written = format!("{{{inner}}}");
                match split_name(&inner) {
                    Ok((owner, name)) => {
                        if !text.is_empty() {
                            tokens.push(Token::Text(std::mem::take(&mut text)));
                        }
                        tokens.push(Token::Placeholder { owner, name, at: i });
                    }
                    Err(problem) => errors.push(SyntaxError { at: i, problem, written }),
                }
                i += len + 2;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        tokens.push(Token::Text(text));
    }
    (tokens, errors)
}

/// `kickoff.date` → (`kickoff`, `date`). Spaces around the words are allowed (`{ kickoff.date }`).
fn split_name(inner: &str) -> Result<(String, String), PlaceholderProblem> {
    let inner = inner.trim();
    if inner.is_empty() {
        return Err(PlaceholderProblem::Empty);
    }
    let word = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    match inner.split_once('.') {
        Some((owner, name)) if word(owner.trim()) && word(name.trim()) => {
            Ok((owner.trim().to_string(), name.trim().to_string()))
        }
        _ => Err(PlaceholderProblem::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn placeholder(owner: &str, name: &str, at: usize) -> Token {
        Token::Placeholder { owner: owner.into(), name: name.into(), at }
    }

    #[test]
    fn text_and_placeholders() {
        let (tokens, errors) =
            tokenize("区委组织部于{kickoff.date}召开推进会，{street-deployment.done}个街道召开动员部署会议");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            tokens,
            [
                Token::Text("区委组织部于".into()),
                placeholder("kickoff", "date", 6),
                Token::Text("召开推进会，".into()),
                placeholder("street-deployment", "done", 26),
                Token::Text("个街道召开动员部署会议".into()),
            ]
        );
        let (tokens, errors) = tokenize("{level.street}");
        assert_eq!((tokens, errors), (vec![placeholder("level", "street", 0)], vec![]));
        let (tokens, _) = tokenize("{ publicity.banners }条");
        assert_eq!(tokens, [placeholder("publicity", "banners", 0), Token::Text("条".into())]);
    }

    #[test]
    fn doubled_braces_are_literal_and_merge_with_the_text_around() {
        let (tokens, errors) = tokenize("集合{{a, b}}共{x.y}个，}}");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            tokens,
            [Token::Text("集合{a, b}共".into()), placeholder("x", "y", 11), Token::Text("个，}".into())]
        );
        // `{{x.y}}` is the literal text `{x.y}`, not a placeholder.
        assert_eq!(tokenize("{{x.y}}").0, [Token::Text("{x.y}".into())]);
    }

    #[test]
    fn every_brace_problem_is_reported_where_its_brace_is() {
        let (tokens, errors) = tokenize("走访{}人，入库{registered}人，}共{a.b.c}场，{x.y");
        let found: Vec<(usize, PlaceholderProblem, &str)> =
            errors.iter().map(|e| (e.at, e.problem, e.written.as_str())).collect();
        assert_eq!(
            found,
            [
                (2, PlaceholderProblem::Empty, "{}"),
                (8, PlaceholderProblem::Malformed, "{registered}"),
                (22, PlaceholderProblem::StrayClosingBrace, "}"),
                (24, PlaceholderProblem::Malformed, "{a.b.c}"),
                (33, PlaceholderProblem::Unclosed, "{x.y"),
            ]
        );
        assert_eq!(tokens, [Token::Text("走访人，入库人，共场，".into())]);
        assert_eq!(tokenize("{Kickoff.date}").1[0].problem, PlaceholderProblem::Malformed);
        assert_eq!(tokenize("{.date}").1[0].problem, PlaceholderProblem::Malformed);
        assert_eq!(tokenize("{a{b.c}").1[0].problem, PlaceholderProblem::Malformed);
    }

    #[test]
    fn attributes() {
        for name in TaskAttribute::NAMES {
            assert!(TaskAttribute::from_name(name).is_some(), "{name}");
        }
        assert_eq!(TaskAttribute::from_name("banners"), None);
        assert_eq!(TaskAttribute::Pending.of("t".into()), ValueRef::UnitsPending { task: "t".into() });
        assert_eq!(TaskAttribute::Date.of("t".into()).task(), Some("t"));
        assert_eq!(ValueRef::LevelCount { level: "street".into() }.task(), None);
    }

    proptest! {
        /// Whatever a point holds, splitting it never panics, and every problem lies inside it.
        #[test]
        fn tokenizing_never_panics(text in any::<String>()) {
            let (_, errors) = tokenize(&text);
            for e in errors {
                prop_assert!(e.at < text.chars().count());
            }
        }

        /// Braces and near-placeholders mixed with text never panic either.
        #[test]
        fn brace_soup_never_panics(text in "[{}.a-z 走访]{0,40}") {
            let (_, errors) = tokenize(&text);
            for e in errors {
                prop_assert!(e.at < text.chars().count());
            }
        }

        /// Text without braces is one text part, unchanged.
        #[test]
        fn text_without_braces_is_one_text_part(text in "[^{}]+") {
            prop_assert_eq!(tokenize(&text), (vec![Token::Text(text.clone())], vec![]));
        }
    }
}

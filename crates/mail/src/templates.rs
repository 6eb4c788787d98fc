//! Mail templates: the built-ins, overrides from a folder, validation at load and rendering.
//!
//! # File names
//!
//! A mail is a letter of one or more sections, one per kind of notice (see [`crate::Digest`]).
//! For every kind (`escalation`, `overdue`, `assigned`, `reminder`, `run-closed`, `run-missed`,
//! `run-opened`) there are three templates per language, and two frame the letter:
//!
//! | file               | what                                                          | escaping          |
//! |--------------------|---------------------------------------------------------------|-------------------|
//! | `KIND.subject.txt` | the subject, when this kind's section leads the mail (newlines collapsed, trimmed) | none (plain text) |
//! | `KIND.txt`         | the section's plain-text body: its intro and its task list    | none (plain text) |
//! | `KIND.html`        | the section's HTML body                                       | automatic         |
//! | `letter.txt`       | the plain-text letter: greeting, the sections' bodies (with headings when there are several), how to report (once), signature, footer | none (plain text) |
//! | `layout.html`      | the HTML letter, the same frame                               | automatic; the sections' bodies, escaped by their own templates, are inserted as they are |
//!
//! Chinese (zh-CN, the default) templates sit at the top of the folder, English ones under `en/`:
//! `en/assigned.subject.txt`, `en/letter.txt`, `en/layout.html`, … The built-ins live in
//! `crates/mail/templates/` with exactly these names; an override folder (the engine passes
//! `workflows/templates/`) mirrors them, and each file there replaces the built-in of the same
//! name. Files whose names start with `.` are ignored; any other unknown name is an error. Only
//! `*.html` templates are HTML-escaped, so user text is never rendered unescaped into HTML. A
//! section template is a body only: one that `extends` another (a whole letter, as section
//! templates were before mails had sections) is refused.
//!
//! Templates are Tera 2 templates; the variables they see are those of [`crate::view`].

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use campaign::Locale;
use plan::NoticeKind;
use tera::{Context, ErrorKind, Tera};

use crate::digest::Digest;
use crate::view::{LetterView, SectionView};

/// A mail rendered for one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// One line, trimmed.
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A template that cannot be read, parsed or rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not valid UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{file}: unknown template file; expected one of: {}", expected.join(", "))]
    UnknownFile { file: String, expected: Vec<String> },
    #[error("{file}:{line}:{column}: template syntax error: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    #[error("{file}{}: cannot render template: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Render { file: String, line: Option<usize>, message: String },
    #[error("the mail to {recipient} has no section: there is nothing to say")]
    NoSections { recipient: String },
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// The built-in templates, by file name.
const BUILTINS: &[(&str, &str)] = builtin!(
    "letter.txt",
    "layout.html",
    "escalation.subject.txt",
    "escalation.txt",
    "escalation.html",
    "overdue.subject.txt",
    "overdue.txt",
    "overdue.html",
    "assigned.subject.txt",
    "assigned.txt",
    "assigned.html",
    "reminder.subject.txt",
    "reminder.txt",
    "reminder.html",
    "run-closed.subject.txt",
    "run-closed.txt",
    "run-closed.html",
    "run-missed.subject.txt",
    "run-missed.txt",
    "run-missed.html",
    "run-opened.subject.txt",
    "run-opened.txt",
    "run-opened.html",
    "en/letter.txt",
    "en/layout.html",
    "en/escalation.subject.txt",
    "en/escalation.txt",
    "en/escalation.html",
    "en/overdue.subject.txt",
    "en/overdue.txt",
    "en/overdue.html",
    "en/assigned.subject.txt",
    "en/assigned.txt",
    "en/assigned.html",
    "en/reminder.subject.txt",
    "en/reminder.txt",
    "en/reminder.html",
    "en/run-closed.subject.txt",
    "en/run-closed.txt",
    "en/run-closed.html",
    "en/run-missed.subject.txt",
    "en/run-missed.txt",
    "en/run-missed.html",
    "en/run-opened.subject.txt",
    "en/run-opened.txt",
    "en/run-opened.html",
);

/// The folder prefix of a language's templates: `""` for zh-CN, `"en/"` for English.
pub fn locale_prefix(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "",
        Locale::En => "en/",
    }
}

/// The template name of one part of one kind in one language, e.g. `en/assigned.subject.txt`.
pub fn template_name(kind: NoticeKind, locale: Locale, part: &str) -> String {
    format!("{}{}.{part}", locale_prefix(locale), kind.name())
}

/// The template name of a language's letter frame: `letter.txt` or `layout.html` under
/// [`locale_prefix`].
fn frame_name(locale: Locale, file: &str) -> String {
    format!("{}{file}", locale_prefix(locale))
}

/// Whether `name` is a section template (`KIND.subject.txt`, `KIND.txt`, `KIND.html`), not a
/// letter frame.
fn is_section_template(name: &str) -> bool {
    let file = name.strip_prefix("en/").unwrap_or(name);
    file != "letter.txt" && file != "layout.html"
}

/// Every template file name, as expected in an override folder.
pub fn template_names() -> Vec<&'static str> {
    BUILTINS.iter().map(|(name, _)| *name).collect()
}

/// The loaded, validated templates.
#[derive(Clone)]
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for messages: the override file's path or `built-in NAME`.
    origin: BTreeMap<String, String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("origin", &self.origin).finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates, each replaced by a file of the same name under `override_dir` (if
    /// given and present). Every template is parsed and test-rendered against sample digests
    /// here, so a mistake shows when the engine starts, not at the first mail.
    pub fn load(override_dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut sources: BTreeMap<String, (String, String)> = BUILTINS
            .iter()
            .map(|(name, text)| (name.to_string(), (format!("built-in {name}"), text.to_string())))
            .collect();
        if let Some(dir) = override_dir
            && dir.is_dir()
        {
            for (name, path) in override_files(dir)? {
                let bytes = fs::read(&path).map_err(|source| TemplateError::Io { path: path.clone(), source })?;
                let text = String::from_utf8(bytes).map_err(|_| TemplateError::NotUtf8 { path: path.clone() })?;
                sources.insert(name, (path.display().to_string(), text));
            }
        }
        Self::from_sources(sources)
    }

    /// Templates from (name → (origin, text)); every name must be a known template name.
    fn from_sources(sources: BTreeMap<String, (String, String)>) -> Result<Templates, TemplateError> {
        let origin: BTreeMap<String, String> = sources.iter().map(|(n, (o, _))| (n.clone(), o.clone())).collect();
        let mut tera = Tera::new();
        // Parse each template on its own first, so a syntax error names its file even when a
        // later file of the batch (or a missing parent) would fail too.
        for (name, (_, text)) in &sources {
            let mut alone = Tera::new();
            if let Err(e) = alone.add_raw_template(name, text)
                && let Some(err) = syntax_error(&e, &origin)
            {
                return Err(err);
            }
            if is_section_template(name)
                && let Some((line, parent)) = extends_tag(text)
            {
                return Err(TemplateError::Render {
                    file: origin_of(&origin, name),
                    line: Some(line),
                    message: format!(
                        "a section template is the section's body only and cannot extend `{parent}`: \
                         letter.txt and layout.html add the greeting, signature and footer around it"
                    ),
                });
            }
        }
        tera.add_raw_templates(sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str())))
            .map_err(|e| render_error(&e, &origin, None))?;
        let templates = Templates { tera, origin };
        for locale in [Locale::ZhCn, Locale::En] {
            for kind in NoticeKind::ALL {
                templates.render(&Digest::sample(kind, locale))?;
            }
            templates.render(&Digest::sample_combined(locale))?;
        }
        Ok(templates)
    }

    /// Where the template `name` came from: an override file's path or `built-in NAME`.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.origin.get(name).map(String::as_str)
    }

    /// Renders the subject, plain-text body and HTML body of a digest: each section's body by its
    /// kind's templates, then the letter around them; the lead section's subject template gives
    /// the subject.
    pub fn render(&self, digest: &Digest) -> Result<Rendered, TemplateError> {
        if digest.sections.is_empty() {
            return Err(TemplateError::NoSections { recipient: digest.recipient.unit_id.clone() });
        }
        let locale = digest.locale;
        let mut subject = String::new();
        let mut texts = Vec::with_capacity(digest.sections.len());
        let mut htmls = Vec::with_capacity(digest.sections.len());
        for (i, section) in digest.sections.iter().enumerate() {
            // One section's view at a time: a run-opened section may list 50,000 tasks.
            let view = SectionView::new(digest, section, i + 1);
            let mut context = context(&view, &template_name(section.kind, locale, "txt"))?;
            if i == 0 {
                subject = one_line(&self.render_one(&template_name(section.kind, locale, "subject.txt"), &context)?);
            }
            context.insert("subject", &subject);
            texts.push(tera::Value::from(body(
                &self.render_one(&template_name(section.kind, locale, "txt"), &context)?,
            )));
            // Rendered by an escaping template, so trusted in the layout.
            htmls.push(tera::Value::safe_string(body(
                &self.render_one(&template_name(section.kind, locale, "html"), &context)?,
            )));
        }
        let letter = frame_name(locale, "letter.txt");
        let text = self.render_one(&letter, &context(&LetterView::new(digest, &subject, texts), &letter)?)?;
        let layout = frame_name(locale, "layout.html");
        let html = self.render_one(&layout, &context(&LetterView::new(digest, &subject, htmls), &layout)?)?;
        Ok(Rendered { subject, text, html })
    }

    fn render_one(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera.render(name, context).map_err(|e| render_error(&e, &self.origin, Some(name)))
    }
}

/// The Tera context of a view, for the template `name`.
fn context(view: &impl serde::Serialize, name: &str) -> Result<Context, TemplateError> {
    Context::from_serialize(view).map_err(|e| TemplateError::Render {
        file: name.to_string(),
        line: None,
        message: e.to_string(),
    })
}

/// A section's rendered body without the blank lines around it, so that the letter alone decides
/// the spacing between sections.
fn body(rendered: &str) -> &str {
    rendered.trim_start_matches(['\n', '\r']).trim_end()
}

/// The line and parent of the first `{% extends "…" %}` tag in a template's text.
fn extends_tag(text: &str) -> Option<(usize, String)> {
    let mut rest = text;
    while let Some(at) = rest.find("{%") {
        let tag = rest[at + 2..].trim_start_matches('-').trim_start();
        if let Some(args) = tag.strip_prefix("extends")
            && args.starts_with(char::is_whitespace)
        {
            let line = text[..text.len() - rest.len() + at].matches('\n').count() + 1;
            let parent = args.trim_start().split(['"', '\'']).nth(1).unwrap_or("").to_string();
            return Some((line, parent));
        }
        rest = &rest[at + 2..];
    }
    None
}

/// The template files under an override folder: (template name, path). Unknown names are an
/// error naming the file and the expected names.
fn override_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, TemplateError> {
    let mut found = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let entries = fs::read_dir(&folder).map_err(|source| TemplateError::Io { path: folder.clone(), source })?;
        for entry in entries {
            let entry = entry.map_err(|source| TemplateError::Io { path: folder.clone(), source })?;
            let file_name = entry.file_name().to_string_lossy().to_string();
            if file_name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let name = format!("{prefix}{file_name}");
            if path.is_dir() && prefix.is_empty() && file_name == "en" {
                pending.push((path, "en/".to_string()));
            } else if path.is_file() && BUILTINS.iter().any(|(n, _)| *n == name) {
                found.push((name, path));
            } else {
                return Err(TemplateError::UnknownFile {
                    file: path.display().to_string(),
                    expected: template_names().into_iter().map(str::to_string).collect(),
                });
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The syntax error of a template parsed alone, if that is what `error` is.
fn syntax_error(error: &tera::Error, origin: &BTreeMap<String, String>) -> Option<TemplateError> {
    match error.kind() {
        ErrorKind::SyntaxError(report) => Some(TemplateError::Syntax {
            file: origin_of(origin, report.filename()),
            line: report.span().start_line,
            column: report.span().start_col + 1,
            message: report.message().to_string(),
        }),
        _ => None,
    }
}

/// A Tera error while assembling or rendering, naming the template it happened in.
fn render_error(error: &tera::Error, origin: &BTreeMap<String, String>, rendering: Option<&str>) -> TemplateError {
    match error.kind() {
        ErrorKind::SyntaxError(report) => TemplateError::Syntax {
            file: origin_of(origin, report.filename()),
            line: report.span().start_line,
            column: report.span().start_col + 1,
            message: report.message().to_string(),
        },
        ErrorKind::RenderingError(report) => TemplateError::Render {
            file: origin_of(origin, report.filename()),
            line: Some(report.span().start_line),
            message: report.message().to_string(),
        },
        ErrorKind::MissingParent { current, parent } => TemplateError::Render {
            file: origin_of(origin, current),
            line: None,
            message: format!("extends `{parent}`, which is no template"),
        },
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            TemplateError::Render { file: origin_of(origin, tpl), line: None, message: error.to_string() }
        }
        kind => match (kind, located_report(&error.to_string())) {
            (ErrorKind::Msg(_), Some((name, line, column, message))) => {
                TemplateError::Syntax { file: origin_of(origin, &name), line, column, message }
            }
            _ => TemplateError::Render {
                file: rendering.map(|n| origin_of(origin, n)).unwrap_or_else(|| "templates".to_string()),
                line: None,
                message: error.to_string(),
            },
        },
    }
}

/// The first report of a message Tera assembled from several (unknown filters, tests,
/// functions): (template, line, column, message), from its `error: …` and ` --> NAME:L:C` lines.
fn located_report(text: &str) -> Option<(String, usize, usize, String)> {
    let message = text.lines().find_map(|l| l.strip_prefix("error: "))?.to_string();
    let locus = text.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = locus.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.to_string();
    Some((name, line, column, message))
}

fn origin_of(origin: &BTreeMap<String, String>, name: &str) -> String {
    origin.get(name).cloned().unwrap_or_else(|| name.to_string())
}

/// Trims and collapses line breaks (and the blanks around them) into single spaces.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template files every kind needs, for one language (suffix after the kind name).
    const PARTS: [&str; 3] = ["subject.txt", "txt", "html"];
    /// The letter frames of each language.
    const FRAMES: [&str; 2] = ["letter.txt", "layout.html"];

    #[test]
    fn builtins_cover_every_kind_part_and_locale() {
        let names = template_names();
        for locale in [Locale::ZhCn, Locale::En] {
            for frame in FRAMES {
                let name = frame_name(locale, frame);
                assert!(names.contains(&name.as_str()), "{name} missing");
                assert!(!is_section_template(&name));
            }
            for kind in NoticeKind::ALL {
                for part in PARTS {
                    let name = template_name(kind, locale, part);
                    assert!(names.contains(&name.as_str()), "{name} missing");
                    assert!(is_section_template(&name));
                }
            }
        }
        assert_eq!(names.len(), 2 * (FRAMES.len() + NoticeKind::ALL.len() * PARTS.len()));
    }

    #[test]
    fn extends_tags_are_found_with_their_line_and_parent() {
        assert_eq!(extends_tag("{% extends \"layout.html\" %}\n"), Some((1, "layout.html".to_string())));
        assert_eq!(extends_tag("a\n{%- extends 'en/layout.html' -%}"), Some((2, "en/layout.html".to_string())));
        assert_eq!(extends_tag("{% if x %}{{ extends }}{% endif %}{% extendsion %}"), None);
    }

    #[test]
    fn section_bodies_lose_the_blank_lines_around_them() {
        assert_eq!(body("\n\n  intro\n list\n\n"), "  intro\n list");
    }

    #[test]
    fn located_reports() {
        let text = "error: Unknown filter `frob`\n --> en/assigned.txt:3:12\n  |\n3 | {{ x | frob }}\n  |        ^^^^";
        assert_eq!(
            located_report(text),
            Some(("en/assigned.txt".to_string(), 3, 12, "Unknown filter `frob`".to_string()))
        );
        assert_eq!(located_report("something else"), None);
    }

    #[test]
    fn one_line_collapses_newlines() {
        assert_eq!(one_line("  a\n  b \r\n\n c  \n"), "a b c");
        assert_eq!(one_line("【通知】春节"), "【通知】春节");
    }
}

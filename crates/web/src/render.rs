//! The pages' templates (Tera, HTML-escaped: every user text is inert) and the context every page
//! gets: the words of its language, the viewer, the paths of guiyan's own style and script.

use std::sync::OnceLock;

use axum::response::Html;
use tera::{Context, Tera};

use crate::error::WebError;
use crate::i18n::{Lang, html_lang, texts};

macro_rules! pages {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// The built-in templates, by name.
const TEMPLATES: &[(&str, &str)] = pages!(
    "layout.html",
    "landing.html",
    "error.html",
    "portal.html",
    "task.html",
    "history.html",
    "dashboard.html",
    "live.html",
    "book.html",
    "person_new.html",
    "person.html",
    "person_print.html",
    "requests.html",
    "review.html",
    "unlock.html",
    "notice.html",
    "suggestions.html",
    "upload.html",
    "stats.html",
);

/// The loaded templates.
pub struct Pages {
    tera: Tera,
}

impl Pages {
    /// Parses the built-in templates. They are part of the binary and tested: a failure here is a
    /// bug, reported on every page rather than hidden.
    pub fn new() -> Pages {
        let mut tera = Tera::new();
        // `.html` templates escape everything they print unless marked safe (only guiyan's own
        // SVG charts and pre-rendered fragments are).
        tera.autoescape_on(vec![".html"]);
        if let Err(e) = tera.add_raw_templates(TEMPLATES.iter().copied()) {
            tracing::error!(error = %e, "the built-in page templates do not parse");
        }
        Pages { tera }
    }

    /// Renders `name` with `context`; a template that fails is a server error (500) in `lang`, and
    /// the log names the template and the cause.
    pub fn render(&self, name: &str, context: &Context, lang: Lang) -> Result<Html<String>, WebError> {
        self.tera.render(name, context).map(Html).map_err(|e| {
            tracing::error!(template = name, error = %e, "a page template failed");
            WebError::Page(lang)
        })
    }
}

/// The words of `lang` as a template value, converted once per process: a clone shares the map.
fn words_value(lang: Lang) -> tera::Value {
    static ZH_WORDS: OnceLock<tera::Value> = OnceLock::new();
    static EN_WORDS: OnceLock<tera::Value> = OnceLock::new();
    let words = match lang {
        Lang::Zh => &ZH_WORDS,
        Lang::En => &EN_WORDS,
    };
    words.get_or_init(|| tera::Value::from_serializable(texts(lang))).clone()
}

/// The context every page starts from: the language's words (`t`), its tag, and `query` — what to
/// append to a link to keep the language (`?lang=en` or empty).
pub fn base_context(lang: Lang, explicit_lang: bool) -> Context {
    let mut context = Context::new();
    context.insert_value("t", words_value(lang));
    context.insert("lang", html_lang(lang));
    context
        .insert("lang_query", if explicit_lang { if lang == Lang::En { "?lang=en" } else { "?lang=zh" } } else { "" });
    context.insert("other_lang", if lang == Lang::En { "zh" } else { "en" });
    context
}

/// The page of an error, in its language; nothing about the cause.
pub fn error_page(error: &WebError) -> Html<String> {
    let (lang, title, body, detail) = match error {
        WebError::Forbidden(l) => (*l, "forbidden_title", "forbidden_body", None),
        WebError::NotFound(l) => (*l, "not_found_title", "not_found_body", None),
        WebError::TooMany(l) => (*l, "too_many_title", "too_many_body", None),
        WebError::BadRequest(l, why) => (*l, "bad_request_title", "", Some(why.clone())),
        WebError::Store(l, _) | WebError::Page(l) => (*l, "server_title", "server_body", None),
        WebError::Unavailable(l) => (*l, "registry_unavailable_title", "registry_unavailable_body", None),
    };
    let words = texts(lang);
    let mut context = base_context(lang, false);
    context.insert("title", words.get(title).copied().unwrap_or_default());
    context.insert("body", words.get(body).copied().unwrap_or_default());
    context.insert("detail", &detail);
    // A fresh parse: error pages render even when the state is not at hand.
    PAGES.with(|pages| {
        pages.tera.render("error.html", &context).map(Html).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the error page failed");
            Html(format!(
                "<!DOCTYPE html><meta charset=utf-8><title>guiyan</title><p>{}",
                words.get(title).copied().unwrap_or_default()
            ))
        })
    })
}

thread_local! {
    static PAGES: Pages = Pages::new();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(TEMPLATES.iter().copied()).expect("the built-in templates parse");
    }

    #[test]
    fn an_error_page_says_nothing_of_the_cause() {
        let html = error_page(&WebError::Forbidden(Lang::Zh)).0;
        assert!(html.contains("无法访问") && html.contains("lang=\"zh-CN\""), "{html}");
        assert!(!html.contains("expired") && !html.contains("signature"), "{html}");
    }
}

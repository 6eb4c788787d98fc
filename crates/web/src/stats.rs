//! The registry's counts on the portal (`/r/stats`, 人才库统计): what a street or the district
//! looks at instead of rows — everyone registered in the scope, by the units one level below, by
//! category, by intent to return and by the reserve pool's status, each with a bar. Counts only:
//! nothing personal, logged as `stats` like `guiyan registry stats`.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::registry::registry_stats;
use talent::{Category, PoolStatus, ReturnIntent, Vocabulary};

use crate::error::WebError;
use crate::i18n::choose;
use crate::portal::lang_query;
use crate::registry::{reader, refusal, registry_session};
use crate::render::base_context;
use crate::state::AppState;

/// `?unit=` (one unit's subtree within the scope), `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct StatsPageQuery {
    pub unit: Option<String>,
    pub lang: Option<String>,
}

/// One line of a count table: what, how many, and where its own counts are (a unit below).
#[derive(Debug, Serialize)]
struct Line {
    label: String,
    count: u64,
    href: Option<String>,
}

/// One table of the page; `top` is the largest count, the bars' full length (a `<meter>`: a bar
/// without an inline style, which the CSP forbids).
#[derive(Debug, Serialize)]
struct Section {
    id: &'static str,
    caption: &'static str,
    top: u64,
    lines: Vec<Line>,
}

fn section(id: &'static str, caption: &'static str, lines: Vec<Line>) -> Section {
    let top = lines.iter().map(|l| l.count).max().unwrap_or(0).max(1);
    Section { id, caption, top, lines }
}

/// A vocabulary's counts by key, labelled in `lang` (a key the vocabulary does not know is shown
/// as stored: the store refuses such rows before they are counted).
fn labelled<V: Vocabulary>(counts: &[(String, u64)], lang: crate::i18n::Lang) -> Vec<Line> {
    counts
        .iter()
        .map(|(key, n)| Line {
            label: V::parse(key).map(|v| v.label(lang).to_string()).unwrap_or_else(|_| key.clone()),
            count: *n,
            href: None,
        })
        .collect()
}

/// `GET /r/stats`: the counts of the viewer's scope (or of one unit's subtree in it).
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<StatsPageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = registry_session(&state, &headers, lang).await?;
    let stats = registry_stats(state.store(), &reader(&session), query.unit.as_deref(), state.now())
        .await
        .map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    // The unit asked for is in the scope (the store refused it otherwise); named from the
    // directory, since a unit with nobody registered is in none of the counts.
    let scope_name = match &query.unit {
        Some(unit) => {
            store::registry::find_unit(state.store(), unit).await.map_err(|e| refusal(lang, e))?.map(|(_, name)| name)
        }
        None => None,
    }
    .unwrap_or_else(|| session.viewer.scope_name.clone());
    let words = crate::i18n::texts(lang);
    let word = |key: &str| words.get(key).copied().unwrap_or_default();
    let by_child: Vec<Line> = stats
        .by_child
        .iter()
        .map(|u| Line {
            label: u.name.clone(),
            count: u.persons,
            href: Some(format!("/r/stats{q}{sep}unit={}", u.unit)),
        })
        .collect();
    let mut pool = labelled::<PoolStatus>(&stats.by_pool_status, lang);
    pool.push(Line { label: word("stats_not_in_pool").to_string(), count: stats.not_in_pool, href: None });
    let mut sections = Vec::new();
    if !by_child.is_empty() {
        sections.push(section("by-unit", word("stats_by_unit"), by_child));
    }
    sections.push(section("by-category", word("stats_by_category"), labelled::<Category>(&stats.by_category, lang)));
    sections.push(section("by-intent", word("stats_by_intent"), labelled::<ReturnIntent>(&stats.by_intent, lang)));
    sections.push(section("by-pool", word("stats_by_pool"), pool));
    let mut context = base_context(lang, explicit);
    context.insert("scope_name", &scope_name);
    context.insert("book_href", &format!("/r{q}"));
    context.insert("persons", &stats.persons);
    context.insert("erased", &stats.erased);
    context.insert("sections", &sections);
    let html = state.inner.pages.render("stats.html", &context, lang)?;
    Ok(html.into_response())
}

//! `GET /n/{campaign}`: the campaign's personal-information notice (告知书), for a community worker
//! to show a person on the phone before entering them, or to print on A4 for a signature. Public:
//! it holds nothing personal, and a person may be sent its address.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::choose;
use crate::render::base_context;
use crate::state::AppState;

/// `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    pub lang: Option<String>,
}

/// The notices of the campaigns that have one, newest version first per campaign: (campaign id,
/// campaign name, version), for the registry's pages to link to.
pub fn notices(state: &AppState) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = state
        .config()
        .campaigns
        .iter()
        .filter_map(|(id, info)| {
            let notice = info.definition.notice.as_ref()?;
            Some((id.clone(), info.name.clone(), notice.version.clone()))
        })
        .collect();
    out.sort();
    out
}

/// `GET /n/{campaign}`.
pub async fn page(
    State(state): State<AppState>,
    Path(campaign): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), state.config().campaign_lang(&campaign));
    let Some(definition) = state.config().definition(&campaign) else { return Err(WebError::NotFound(lang)) };
    let Some(notice) = definition.notice.as_ref() else { return Err(WebError::NotFound(lang)) };
    let mut context = base_context(lang, query.lang.is_some());
    context.insert("campaign_name", &definition.name);
    context.insert("title", &notice.title);
    context.insert("version", &notice.version);
    context.insert("paragraphs", &notice.paragraphs());
    Ok(state.inner.pages.render("notice.html", &context, lang)?.into_response())
}

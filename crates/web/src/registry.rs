//! What every page of the talent registry shares: the vault (or the page saying the registry is
//! unavailable), the registry's reader for a session (its scope is the session's), today's date,
//! and the store's refusals as pages (a person outside the scope is "not found", never "not
//! yours").

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use chrono::NaiveDate;
use store::StoreError;
use store::registry::{RegistryError, Scope, Viewer};
use talent::Vocabulary;

use crate::auth::{Session, csrf_ok, session};
use crate::error::WebError;
use crate::guard::same_origin_post;
use crate::i18n::Lang;
use crate::state::AppState;

/// Persons per page of a book.
pub const PAGE: u64 = 50;

/// The registry's vault, or the page saying the registry is unavailable.
pub fn vault(state: &AppState, lang: Lang) -> Result<Arc<vault::Vault>, WebError> {
    state.config().registry.clone().ok_or(WebError::Unavailable(lang))
}

/// The session of a registry page: none is a refusal.
pub async fn registry_session(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<Session, WebError> {
    session(state, headers).await?.ok_or(WebError::Forbidden(lang))
}

/// The session of a registry form's POST: from guiyan's own page (origin), with a session, and
/// carrying that session's CSRF token; refused otherwise, like every POST of the web.
pub async fn posted_session(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    csrf: &str,
) -> Result<Session, WebError> {
    if !same_origin_post(&Method::POST, headers, state.config().origin()) {
        return Err(WebError::BadRequest(lang, "cross-site".into()));
    }
    let session = registry_session(state, headers, lang).await?;
    if !csrf_ok(state, &session, csrf) {
        return Err(WebError::BadRequest(lang, "form".into()));
    }
    Ok(session)
}

/// The registry's reader for a session: the session's name, from the web, over its scope.
pub fn reader(session: &Session) -> Viewer {
    Viewer {
        actor: store::Actor { name: session.viewer.name.clone(), source: store::Source::Web },
        scope: Scope::Unit(session.viewer.scope.clone()),
    }
}

/// Today in the campaigns' time zone (the registry's dates are days: a contact's, the next one
/// due). China's zone when no campaign is defined.
pub fn today(state: &AppState) -> NaiveDate {
    state.now().with_timezone(&today_zone(state)).date_naive()
}

/// The zone the registry's days and times are shown in.
pub fn today_zone(state: &AppState) -> chrono_tz::Tz {
    state
        .config()
        .campaigns
        .iter()
        .min_by_key(|(id, _)| *id)
        .map_or(chrono_tz::Asia::Shanghai, |(_, c)| c.definition.timezone)
}

/// A store error of a registry page as the page it ends in.
pub fn refusal(lang: Lang, e: StoreError) -> WebError {
    match e {
        StoreError::Registry(
            RegistryError::NoSuchPerson(_)
            | RegistryError::NoSuchUnit(_)
            | RegistryError::NoSuchRequest(_)
            | RegistryError::NoSuchSuggestion(_),
        ) => WebError::NotFound(lang),
        StoreError::Registry(
            RegistryError::OutOfScope { .. }
            | RegistryError::NotParent(_)
            | RegistryError::PoolDecidedAbove
            | RegistryError::NotOwnBook,
        ) => WebError::Forbidden(lang),
        e => WebError::Store(lang, e),
    }
}

/// A vocabulary's choices for a `<select>`: (key, label).
pub fn choices<V: Vocabulary>(lang: Lang) -> Vec<(&'static str, &'static str)> {
    V::all().iter().map(|v| (v.key(), v.label(lang))).collect()
}

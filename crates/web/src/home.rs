//! `GET /`, the page a unit opens most: its tasks by run (rendered by `portal::runs_of`). A page
//! once rendered is served again to the same session and language while nothing was committed to
//! the database and the minute is the same — exactly, not for a while: the store's `ChangeWatch`
//! says whether anything changed (SQLite's data version, moved by every commit of any process).
//! What a kept page skips is the database and the template, never the token's own checks (its
//! signature and expiry). On PostgreSQL, where no such watch exists, every view is rendered.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use links::Purpose;

use crate::auth::{SESSION_COOKIE, cookie, session};
use crate::error::WebError;
use crate::i18n::{Lang, choose, texts};
use crate::portal::{PageQuery, lang_of, lang_query, runs_of};
use crate::render::base_context;
use crate::state::AppState;

/// A kept home page's key: the session cookie's token and the `?lang=` asked.
pub(crate) type HomeKey = (String, Option<String>);
/// What a kept page was rendered at: the database's data version and the minute of `now` (the
/// page's "已逾期2天" / "还剩1天" are as of its minute, as the dashboard's are).
pub(crate) type HomeStamp = (i64, i64);

/// How many home pages are kept (a few kilobytes each), the least recently viewed dropped first.
pub(crate) const KEPT_HOME_PAGES: usize = 1024;

/// What `GET /` answers: a unit's page (which may be kept), or anything else (never kept).
enum Home {
    Page(Bytes),
    Other(Response),
}

/// Why a view's answer was not kept: it was not a unit's page, or it failed.
enum NotKept {
    Other(Response),
    Failed(WebError),
}

/// `GET /`: a unit's portal; a reader's dashboard; a page saying to use the mailed link otherwise.
pub async fn home(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let now = state.now();
    let (Some(token), Some(version)) = (cookie(&headers, SESSION_COOKIE), state.inner.changes.version()) else {
        return Ok(render(&state, &query, &headers, now).await?.into_response());
    };
    // A token that no longer checks out by itself (expired since) is not served a kept page.
    if links::verify(&state.secret(), &token, Purpose::Session, now.timestamp()).is_err() {
        return Ok(render(&state, &query, &headers, now).await?.into_response());
    }
    let key = (token, query.lang.clone());
    let stamp = (version, now.timestamp().div_euclid(60));
    let kept = state
        .inner
        .home_pages
        .get_or_compute(&key, &stamp, || async {
            match render(&state, &query, &headers, now).await {
                Ok(Home::Page(page)) => Ok(page),
                Ok(Home::Other(response)) => Err(NotKept::Other(response)),
                Err(e) => Err(NotKept::Failed(e)),
            }
        })
        .await;
    match kept {
        Ok(page) => Ok(Html(Bytes::clone(&page)).into_response()),
        Err(NotKept::Other(response)) => Ok(response),
        Err(NotKept::Failed(e)) => Err(e),
    }
}

impl IntoResponse for Home {
    fn into_response(self) -> Response {
        match self {
            Home::Page(page) => Html(page).into_response(),
            Home::Other(response) => response,
        }
    }
}

/// The home page as the database has it now.
async fn render(
    state: &AppState,
    query: &PageQuery,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Home, WebError> {
    let Some(session) = session(state, headers).await? else {
        let (lang, explicit) = lang_of(query, None, state);
        let mut context = base_context(lang, explicit);
        context.insert("title", texts(lang).get("landing_title").copied().unwrap_or_default());
        return Ok(Home::Other(state.inner.pages.render("landing.html", &context, lang)?.into_response()));
    };
    let Some(unit) = session.viewer.own_unit.clone() else {
        let to = format!("/d{}", lang_query(choose(query.lang.as_deref(), None), query.lang.is_some()));
        return Ok(Home::Other(Redirect::to(&to).into_response()));
    };
    let tasks = store::unit_tasks(state.store(), &unit, now).await.map_err(|e| WebError::Store(Lang::Zh, e))?;
    let (lang, explicit) = lang_of(query, tasks.first().map(|t| t.task.campaign.as_str()), state);
    let q = lang_query(lang, explicit);
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("has_dashboard", &session.viewer.has_units_below);
    context.insert("has_registry", &state.config().registry.is_some());
    context.insert("runs", &runs_of(state, &tasks, lang, now, q));
    context.insert("lang_query", q);
    let page = state.inner.pages.render("portal.html", &context, lang)?;
    Ok(Home::Page(Bytes::from(page.0)))
}

//! The PIN before a person's full record. A signed link can be forwarded, so the link alone
//! shows a community's book masked; its own persons' full records need the unit's PIN (set on
//! first use). A right PIN gives the browser an unlock cookie bound to its session and signed
//! with the link secret, carrying the time of the last personal page: fifteen idle minutes and
//! it no longer counts. Five wrong tries lock the PIN for fifteen minutes (the store counts).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use campaign::wording::format_time;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use store::registry::{PinCheck, check_pin, pin_is_set, set_pin};
use talent::{Pin, PinError};

use crate::auth::{Session, csrf_for};
use crate::error::WebError;
use crate::i18n::{Lang, choose, locale, texts};
use crate::portal::lang_query;
use crate::registry::{posted_session, reader, refusal, registry_session, vault};
use crate::render::base_context;
use crate::state::AppState;

/// The unlock cookie's name.
pub const UNLOCK_COOKIE: &str = "gy_unlock";
/// Idle seconds after which personal pages ask for the PIN again.
pub const IDLE_SECONDS: i64 = 15 * 60;

fn material(session: &Session, at: i64) -> String {
    format!("unlock|{}|{at}", session.token)
}

/// The unlock cookie for `session` as of `now`: set on the right PIN and again on every personal
/// page (so the fifteen minutes count from the last one).
pub fn unlock_cookie(state: &AppState, session: &Session, now: DateTime<Utc>) -> Option<HeaderValue> {
    let at = now.timestamp();
    let mac = links::csrf_token(&state.secret(), &material(session, at));
    let secure = if state.config().secure() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{UNLOCK_COOKIE}={at}.{mac}; Path=/r; HttpOnly; SameSite=Strict; Max-Age={IDLE_SECONDS}{secure}"
    ))
    .ok()
}

/// Whether the request's unlock cookie is this session's and less than fifteen minutes old.
pub fn unlocked(state: &AppState, session: &Session, headers: &HeaderMap, now: DateTime<Utc>) -> bool {
    let Some(value) = crate::auth::cookie(headers, UNLOCK_COOKIE) else { return false };
    let Some((at, mac)) = value.split_once('.') else { return false };
    let Ok(at) = at.parse::<i64>() else { return false };
    let age = now.timestamp() - at;
    (0..=IDLE_SECONDS).contains(&age) && links::verify_csrf(&state.secret(), mac, &material(session, at)).is_ok()
}

/// How far a request about a person of the reader's own book must go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnPerson {
    /// The own book is enough (a follow-up, a request recorded).
    Book,
    /// The full record: the PIN entered in this browser (an erasure, an answer, a review).
    Unlocked,
}

/// The registry reader of a request about person `id`: refused as not found for a person outside
/// the reader's own book (a street office, another community: as if there were no such page, and
/// the store would refuse too), and as forbidden before the PIN when `need` is [`OwnPerson::Unlocked`].
pub async fn own_person(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    lang: Lang,
    id: i64,
    need: OwnPerson,
) -> Result<store::registry::Viewer, WebError> {
    let viewer = reader(session);
    if !store::registry::is_own_book(state.store(), &viewer, id).await.map_err(|e| refusal(lang, e))? {
        return Err(WebError::NotFound(lang));
    }
    if need == OwnPerson::Unlocked && !unlocked(state, session, headers, state.now()) {
        return Err(WebError::Forbidden(lang));
    }
    Ok(viewer)
}

/// `?to=` (the person to show once unlocked) and `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct UnlockQuery {
    pub to: Option<i64>,
    pub lang: Option<String>,
}

/// The PIN form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct UnlockForm {
    #[serde(default)]
    pub csrf: String,
    pub to: Option<i64>,
    #[serde(default)]
    pub pin: String,
    /// The PIN again, when one is being set.
    #[serde(default)]
    pub again: String,
}

/// `GET /r/unlock`: the PIN form (or, on first use, the form that sets it).
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<UnlockQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = registry_session(&state, &headers, lang).await?;
    vault(&state, lang)?;
    let setting = !pin_is_set(state.store(), &reader(&session)).await.map_err(|e| refusal(lang, e))?;
    render(&state, &session, lang, query.lang.is_some(), query.to, setting, None, StatusCode::OK)
}

#[allow(clippy::too_many_arguments)] // the page's few states, spelled out
fn render(
    state: &AppState,
    session: &Session,
    lang: Lang,
    explicit: bool,
    to: Option<i64>,
    setting: bool,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("setting", &setting);
    context.insert("to", &to);
    context.insert("problem", &problem);
    context.insert("csrf", &csrf_for(state, session));
    context.insert("idle_minutes", &(IDLE_SECONDS / 60));
    let page = state.inner.pages.render("unlock.html", &context, lang)?;
    Ok((status, page).into_response())
}

/// `POST /r/unlock`: sets the first PIN, or tries one; the right one unlocks and goes on to the
/// person the worker was opening.
pub async fn submit(
    State(state): State<AppState>,
    Query(query): Query<UnlockQuery>,
    headers: HeaderMap,
    Form(form): Form<UnlockForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let vault = vault(&state, lang)?;
    let viewer = reader(&session);
    let now = state.now();
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let setting = !pin_is_set(state.store(), &viewer).await.map_err(|e| refusal(lang, e))?;
    let again =
        |problem: String, status| render(&state, &session, lang, explicit, form.to, setting, Some(problem), status);
    let pin = if setting { Pin::new(&form.pin, &form.again) } else { Pin::parse(&form.pin) };
    let pin = match pin {
        Ok(pin) => pin,
        Err(e @ (PinError::Format | PinError::Trivial | PinError::Mismatch)) => {
            return again(e.message(lang).to_string(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if setting {
        set_pin(state.store(), &vault, &viewer, &pin, now).await.map_err(|e| refusal(lang, e))?;
        tracing::info!(unit = %session.viewer.scope, "a unit set its registry PIN");
    } else {
        match check_pin(state.store(), &vault, &viewer, &pin, now).await.map_err(|e| refusal(lang, e))? {
            PinCheck::Right => {}
            PinCheck::Wrong { tries_left } => {
                tracing::warn!(unit = %session.viewer.scope, tries_left, "a wrong registry PIN");
                let text = format!("{}{tries_left}{}", word("pin_wrong"), word("pin_wrong_after"));
                return again(text, StatusCode::UNPROCESSABLE_ENTITY);
            }
            PinCheck::Locked { until } => {
                tracing::warn!(unit = %session.viewer.scope, "a locked registry PIN was tried");
                let zone = crate::registry::today_zone(&state);
                let until = format_time(&until.with_timezone(&zone), locale(lang));
                let text = format!("{}{until}{}", word("pin_locked"), word("pin_locked_after"));
                return again(text, StatusCode::TOO_MANY_REQUESTS);
            }
            PinCheck::NotSet => return again(word("pin_not_set"), StatusCode::CONFLICT),
        }
    }
    let q = lang_query(lang, explicit);
    let location = match form.to {
        Some(id) => format!("/r/p/{id}{q}"),
        None => format!("/r{q}"),
    };
    let mut response = Redirect::to(&location).into_response();
    if let Some(cookie) = unlock_cookie(&state, &session, now) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

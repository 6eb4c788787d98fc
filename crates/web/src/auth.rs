//! Links and sessions: the first visit of a link sets the session cookie and sends the browser on
//! to `/` (so the token leaves the address bar and is never sent on); every later request is
//! checked against the session's signature, expiry and the subject's link generation (a revoked
//! link's sessions end at once). Scripts may send the link or session token as a bearer token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use links::{Claims, Purpose, Subject, TokenError};

use crate::error::WebError;
use crate::guard::client_ip;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::viewer::{NoViewer, Viewer};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gy_session";

/// A checked session: who, and the token its forms' CSRF tokens are bound to.
#[derive(Clone, Debug)]
pub struct Session {
    pub viewer: Viewer,
    pub token: String,
}

/// Where a link sends the browser after the exchange: `?to=t/{task id}` (a task named in the mail)
/// `?to=d` (the dashboard) `?to=r` (the registry's book, from a contact reminder) or `?to=r/s` (the suggestions, from
/// a suggestion reminder); anything else
/// goes home.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Onward {
    to: Option<String>,
}

impl Onward {
    /// The local address to go on to. Only the portal's own task pages, the dashboard and the
    /// registry's book, suggestions and requests (the mails' links), spelled with plain id
    /// characters: never another host (`//evil`), never a scheme.
    fn location(&self) -> String {
        let Some(to) = self.to.as_deref() else { return "/".into() };
        let plain = |part: &str| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let task = to.strip_prefix("t/").is_some_and(|id| {
            let parts: Vec<&str> = id.split('/').collect();
            parts.len() == 4 && parts.iter().all(|p| plain(p) && *p != "." && *p != "..")
        });
        if task || matches!(to, "d" | "r" | "r/s" | "r/requests") { format!("/{to}") } else { "/".into() }
    }
}

/// `GET /l/{token}`: checks the link and exchanges it for a session cookie. Changes nothing on the
/// server (mail scanners and WeChat's preview fetch links).
pub async fn exchange(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    onward: Result<Query<Onward>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let ip = client_ip(&ConnectInfo(addr), &headers);
    if state.inner.limiter.refused(ip) {
        return WebError::TooMany(Lang::Zh).into_response();
    }
    let now = state.now().timestamp();
    let claims = match check(&state, &token, Purpose::Link, now).await {
        Ok((claims, _)) => claims,
        Err(why) => {
            state.inner.limiter.bad(ip);
            tracing::warn!(%ip, reason = why, "a link was refused");
            return WebError::Forbidden(Lang::Zh).into_response();
        }
    };
    // The session lasts as long as the link would have.
    let session = links::sign(&state.secret(), &Claims::session(claims.subject, claims.generation, claims.expires_at));
    let max_age = (links::effective_expiry(claims.expires_at) - now).max(0);
    let secure = if state.config().secure() { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    let location = onward.map(|Query(onward)| onward.location()).unwrap_or_else(|_| "/".into());
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Checks a token of `purpose`: signature, expiry, and the subject's generation, against the
/// secret and generation read from the database with every request (one query), so a rotation or
/// a revocation by `guiyan link` takes effect at once. The reason it failed is for the log only.
///
/// For a unit, the same query reads its row (`UnitPlace`), which every page needs.
async fn check(
    state: &AppState,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> Result<(Claims, Option<store::UnitPlace>), &'static str> {
    let why = |e: TokenError| match e {
        TokenError::Malformed => "malformed",
        TokenError::BadSignature => "bad signature",
        TokenError::WrongPurpose => "wrong purpose",
        TokenError::Expired { .. } => "expired",
    };
    // The cached secret names the subject to look up; the database's secret decides.
    let mut claims = links::verify(&state.secret(), token, purpose, now);
    let subject = match &claims {
        Ok(claims) => claims.subject.clone(),
        Err(TokenError::BadSignature) => {
            // Perhaps signed with a secret rotated in since: read it and try once more.
            if !state.reload_secret().await {
                return Err("bad signature");
            }
            claims = links::verify(&state.secret(), token, purpose, now);
            claims.as_ref().map_err(|e| why(*e))?.subject.clone()
        }
        Err(e) => return Err(why(*e)),
    };
    let unit = match &subject {
        Subject::Unit(unit) => Some(unit.as_str()),
        Subject::Reader(_) => None,
    };
    let (standing, place) = store::link_standing_and_unit(state.store(), &store::subject_key(&subject), unit)
        .await
        .map_err(|_| "the database failed")?;
    if standing.secret.is_some_and(|bytes| state.adopt_secret(bytes)) {
        // The secret was rotated since it was cached: the token must check out under the new one.
        claims = links::verify(&state.secret(), token, purpose, now);
    }
    let claims = claims.map_err(why)?;
    if claims.generation != standing.generation {
        return Err("revoked");
    }
    // The place read is the subject's only if the claims that checked out name that unit.
    let place = match (&claims.subject, unit) {
        (Subject::Unit(u), Some(read)) if u.as_str() == read => place,
        _ => None,
    };
    Ok((claims, place))
}

/// The session of a request: the cookie (or, for scripts, an `Authorization: Bearer` link or
/// session token), checked; `None` when there is none or it does not check out.
pub async fn session(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, WebError> {
    let now = state.now().timestamp();
    let (token, purpose) = match (cookie(headers, SESSION_COOKIE), bearer(headers)) {
        (Some(token), _) => (token, Purpose::Session),
        (None, Some(token)) => {
            let purpose = if links::verify(&state.secret(), &token, Purpose::Link, now) == Err(TokenError::WrongPurpose)
            {
                Purpose::Session
            } else {
                Purpose::Link
            };
            (token, purpose)
        }
        (None, None) => return Ok(None),
    };
    let Ok((claims, place)) = check(state, &token, purpose, now).await else { return Ok(None) };
    let viewer = match (claims.subject, place) {
        (Subject::Unit(_), None) => return Ok(None),
        (subject @ Subject::Unit(_), Some(place)) => Ok(Viewer::of_unit(subject, place)),
        (subject, _) => Viewer::of(state.store(), subject).await,
    };
    match viewer {
        Ok(viewer) => Ok(Some(Session { viewer, token })),
        Err(NoViewer::Gone) => Ok(None),
        Err(NoViewer::Store(e)) => Err(WebError::Store(Lang::Zh, e)),
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// The CSRF token of a session, for its forms.
pub fn csrf_for(state: &AppState, session: &Session) -> String {
    links::csrf_token(&state.secret(), &session.token)
}

/// Whether a form's CSRF token belongs to the session.
pub fn csrf_ok(state: &AppState, session: &Session, token: &str) -> bool {
    links::verify_csrf(&state.secret(), token, &session.token).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; gy_session=T0K; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("T0K"));
        assert_eq!(cookie(&headers, "c"), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&headers).as_deref(), Some("abc"));
    }

    #[test]
    fn a_link_goes_on_only_to_its_own_task_pages_and_the_dashboard() {
        let at = |to: &str| Onward { to: Some(to.into()) }.location();
        assert_eq!(at("t/spring/2027/visit/c-01"), "/t/spring/2027/visit/c-01");
        assert_eq!(at("d"), "/d");
        assert_eq!(at("r"), "/r");
        assert_eq!(at("r/s"), "/r/s");
        assert_eq!(at("r/requests"), "/r/requests");
        for elsewhere in
            ["//evil.example", "https://evil.example", "t/../../x/y", "t/a/b/c", "t/a/b/c/d/e", "t/a b/c/d/e", "x"]
        {
            assert_eq!(at(elsewhere), "/", "{elsewhere}");
        }
        assert_eq!(Onward::default().location(), "/");
    }
}

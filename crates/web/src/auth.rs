//! Links and sessions: the first visit of a link sets the session cookie and sends the browser on
//! to `/` (so the token leaves the address bar and is never sent on); every later request is
//! checked against the session's signature, expiry and the subject's link generation (a revoked
//! link's sessions end at once). Scripts may send the link or session token as a bearer token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use links::{Claims, Purpose, TokenError};

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

/// `GET /l/{token}`: checks the link and exchanges it for a session cookie. Changes nothing on the
/// server (mail scanners and WeChat's preview fetch links).
pub async fn exchange(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Response {
    let ip = client_ip(&ConnectInfo(addr));
    if state.inner.limiter.refused(ip) {
        return WebError::TooMany(Lang::Zh).into_response();
    }
    let now = state.now().timestamp();
    let claims = match check(&state, &token, Purpose::Link, now).await {
        Ok(claims) => claims,
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
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Checks a token of `purpose`: signature (reading the secret again once, in case it was rotated),
/// expiry, and the subject's generation. The reason it failed is for the log only.
async fn check(state: &AppState, token: &str, purpose: Purpose, now: i64) -> Result<Claims, &'static str> {
    let mut verified = links::verify(&state.secret(), token, purpose, now);
    if verified == Err(TokenError::BadSignature) && state.reload_secret().await {
        verified = links::verify(&state.secret(), token, purpose, now);
    }
    let claims = verified.map_err(|e| match e {
        TokenError::Malformed => "malformed",
        TokenError::BadSignature => "bad signature",
        TokenError::WrongPurpose => "wrong purpose",
        TokenError::Expired { .. } => "expired",
    })?;
    let generation = store::link_generation(state.store(), &store::subject_key(&claims.subject))
        .await
        .map_err(|_| "the database failed")?;
    if claims.generation != generation {
        return Err("revoked");
    }
    Ok(claims)
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
    let Ok(claims) = check(state, &token, purpose, now).await else { return Ok(None) };
    match Viewer::of(state.store(), claims.subject).await {
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
}

//! What a request can come to besides its page: refused, not found, too many bad tokens, a bad
//! request, or the database failing. Refusals say nothing about why (a tampered, expired or
//! revoked link all read the same); the log says which.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::i18n::Lang;
use crate::render::error_page;

/// A request that ends without its page.
#[derive(Debug)]
pub enum WebError {
    /// No valid session, a link that does not check out, or a resource outside the viewer's scope.
    Forbidden(Lang),
    NotFound(Lang),
    /// Too many bad tokens from this address.
    TooMany(Lang),
    /// A POST that does not come from guiyan's own page (CSRF), or a malformed request.
    BadRequest(Lang, String),
    Store(Lang, store::StoreError),
    /// A page's template failed (a bug; the log says which and why).
    Page(Lang),
    /// The talent registry's key file could not be opened at start (the binary said why).
    Unavailable(Lang),
}

impl WebError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::BadRequest(..) => StatusCode::BAD_REQUEST,
            WebError::Store(_, e) if e.is_transient() => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Store(..) | WebError::Page(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Store(_, e) = &self {
            tracing::error!(error = %e, "a page failed on the database");
        }
        let status = self.status();
        (status, error_page(&self)).into_response()
    }
}

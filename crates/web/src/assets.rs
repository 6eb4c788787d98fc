//! guiyan's own style sheet and script, served from the binary (no CDN: the network may be
//! offline), cached for a day.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../static/guiyan.css");
const JS: &str = include_str!("../static/guiyan.js");

/// `GET /static/guiyan.css`.
pub async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], CSS)
}

/// `GET /static/guiyan.js`: refreshes the dashboard's live part; everything works without it.
pub async fn js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], JS)
}

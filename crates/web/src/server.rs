//! The router and the server: routes, limits, the guard around them, and serving until shutdown.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use crate::state::AppState;
use crate::{
    api, api_registry, assets, auth, book, dashboard, download, export, guard, history, home, notice, person, portal,
    requests, review, stats, suggestion, unlock, upload,
};

/// The largest request body accepted: a figure form is a few hundred bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Every route of the web, over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/l/{token}", get(auth::exchange))
        .route("/", get(home::home))
        .route("/t/{campaign}/{run}/{template}/{unit}", get(portal::task_page).post(portal::report))
        .route("/t/{campaign}/{run}/{template}/{unit}/history", get(history::history))
        .route("/d", get(dashboard::page))
        .route("/d/live", get(dashboard::live))
        .route("/d/report/{campaign}/{run}/{file}", get(download::download))
        .route("/r", get(book::book))
        .route("/r/new", get(book::new_person).post(book::add))
        .route("/n/{campaign}", get(notice::page))
        .route("/r/p/{id}", get(person::page))
        .route("/r/p/{id}/reveal", post(person::reveal))
        .route("/r/p/{id}/followups", post(person::followup))
        .route("/r/p/{id}/erase", post(person::erase))
        .route("/r/p/{id}/pool", post(person::pool))
        .route("/r/p/{id}/requests", post(requests::record))
        .route("/r/p/{id}/requests/{request}", post(requests::answer))
        .route("/r/p/{id}/print", get(requests::print))
        .route("/r/p/{id}/review", post(review::keep))
        .route("/r/requests", get(requests::list))
        .route("/r/review", get(review::list))
        .route("/r/stats", get(stats::page))
        .route("/r/p/{id}/suggestions", post(suggestion::record))
        .route("/r/s", get(suggestion::list))
        .route("/r/s/{id}/move", post(suggestion::advance))
        .route("/r/unlock", get(unlock::page).post(unlock::submit))
        .route("/r/pin-reset", post(book::reset_pin))
        .route("/r/import", get(upload::page).post(upload::submit).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)))
        .route("/r/template.xlsx", get(upload::template))
        .route("/api/v1/registry/books", get(api_registry::books))
        .route("/api/v1/registry/stats", get(api_registry::stats))
        .route("/api/v1/registry/suggestions", get(api_registry::suggestions))
        .route("/r/export", get(export::export))
        .route("/api/v1/registry/export", get(api_registry::export))
        .route("/api/v1/runs", get(api::runs))
        .route("/api/v1/runs/{campaign}/{run}/status", get(api::status))
        .route("/api/v1/tasks", get(api::tasks))
        .route("/api/v1/tasks/{campaign}/{run}/{template}/{unit}", get(api::task))
        .route("/api/v1/tasks/{campaign}/{run}/{template}/{unit}/history", get(api::history))
        .route("/static/guiyan.css", get(assets::css))
        .route("/static/guiyan.js", get(assets::js))
        .fallback(|| async { crate::error::WebError::NotFound(crate::i18n::Lang::Zh) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(guard::headers_and_log))
        .with_state(state)
}

/// Serves the web on `listen` until `shutdown` completes; requests under way finish.
pub async fn serve(
    state: AppState,
    listen: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Binds `listen` now, so a taken port is reported before anything else starts.
pub async fn bind(listen: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await
}

/// Serves on an already bound listener until `shutdown` completes.
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

//! The talent registry in the JSON API, for scripts of the units that may read it: a page of the
//! books of the viewer's scope (masked, names too outside the viewer's own book; no field is
//! ever revealed through the API), searched with `?q=` as the book page's box, the same books as
//! a masked download (`/api/v1/registry/export`), the counts, and the suggestions routed to the
//! scope. Authorized and scoped like the pages; every call is written to the access log by the
//! store.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use store::StoreError;
use store::registry::{BookQuery, RegistryError, Scope, SuggestionQuery, list_books, list_suggestions, registry_stats};

use crate::auth::session;
use crate::book::shown_name;
use crate::export::{ExportQuery, attachment, book_name, format_of, masked_rows};
use crate::registry::{reader, today};
use crate::state::AppState;

fn refuse(status: StatusCode, word: &str) -> Response {
    (status, Json(json!({ "error": word }))).into_response()
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Registry(RegistryError::OutOfScope { .. }) => refuse(StatusCode::FORBIDDEN, "forbidden"),
        StoreError::Registry(RegistryError::NoSuchUnit(_)) => refuse(StatusCode::NOT_FOUND, "not-found"),
        e => {
            tracing::error!(error = %e, "a registry API call failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
    }
}

/// `?unit=` (a unit's subtree within the viewer's scope), `?q=` (a search: a whole mobile or ID
/// number, else part of a name or archive number), `?offset=`, `?limit=` (at most 500).
#[derive(Default, Deserialize)]
pub struct BooksQuery {
    pub unit: Option<String>,
    pub q: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// `GET /api/v1/registry/books`.
pub async fn books(State(state): State<AppState>, Query(query): Query<BooksQuery>, headers: HeaderMap) -> Response {
    let Ok(Some(session)) = session(&state, &headers).await else { return refuse(StatusCode::FORBIDDEN, "forbidden") };
    let Some(vault) = state.config().registry.clone() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    };
    let viewer = reader(&session);
    let asked = BookQuery {
        unit: query.unit,
        search: query.q.filter(|q| !q.trim().is_empty()),
        offset: query.offset.unwrap_or(0),
        limit: query.limit.unwrap_or(50),
    };
    let page = match list_books(state.store(), &vault, &viewer, &asked, state.now()).await {
        Ok(page) => page,
        Err(e) => return store_error(e),
    };
    let own = |unit: &str| matches!(&viewer.scope, Scope::Unit(u) if u == unit);
    let rows: Vec<Value> = page
        .rows
        .iter()
        .map(|row| {
            let p = &row.person;
            json!({
                "archive_no": row.archive_no,
                "unit": row.unit,
                "unit_name": row.unit_name,
                "role": row.role.key(),
                "person": {
                    "id": p.id,
                    "name": shown_name(&p.name, own(&row.unit)),
                    "gender": p.gender.map(|g| g.key()),
                    "birth_year_month": p.birth_year_month.map(|b| b.to_string()),
                    "id_number": p.id_number.as_ref().map(|s| s.text.clone()),
                    "mobile": p.mobile.as_ref().map(|s| s.text.clone()),
                    "address": p.address.as_ref().map(|s| s.text.clone()),
                    "categories": p.categories.iter().map(|c| c.key()).collect::<Vec<_>>(),
                    "education": p.education.map(|e| e.key()),
                    "return_intent": p.return_intent.key(),
                    "pool_status": p.pool_status.map(|s| s.key()),
                    "do_not_contact": p.do_not_contact,
                },
            })
        })
        .collect();
    Json(json!({ "total": page.total, "offset": page.offset, "limit": page.limit, "rows": rows })).into_response()
}

/// `GET /api/v1/registry/export?format=xlsx|csv|json&unit=`: the masked download of the book
/// page's export link, for a script holding the unit's token.
pub async fn export(State(state): State<AppState>, Query(query): Query<ExportQuery>, headers: HeaderMap) -> Response {
    let Ok(Some(session)) = session(&state, &headers).await else { return refuse(StatusCode::FORBIDDEN, "forbidden") };
    let Some(vault) = state.config().registry.clone() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    };
    let Some(format) = format_of(&query) else { return refuse(StatusCode::BAD_REQUEST, "format") };
    let unit = query.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let rows = match masked_rows(&state, &vault, &reader(&session), unit).await {
        Ok(rows) => rows,
        Err(e) => return store_error(e),
    };
    let bytes = match ledger::render_export(&rows, format) {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e.render(campaign::Lang::En), "cannot write a registry export");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal");
        }
    };
    let book = match book_name(&state, &session, unit).await {
        Ok(book) => book,
        Err(e) => return store_error(e),
    };
    attachment(bytes, format, &book, unit.unwrap_or(&session.viewer.scope), today(&state))
}

/// `?unit=`.
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    pub unit: Option<String>,
}

/// `GET /api/v1/registry/stats`: counts by unit, category, intent and pool status.
pub async fn stats(State(state): State<AppState>, Query(query): Query<StatsQuery>, headers: HeaderMap) -> Response {
    let Ok(Some(session)) = session(&state, &headers).await else { return refuse(StatusCode::FORBIDDEN, "forbidden") };
    match registry_stats(state.store(), &reader(&session), query.unit.as_deref(), state.now()).await {
        Ok(stats) => Json(stats).into_response(),
        Err(e) => store_error(e),
    }
}

/// `?unit=` (a unit's subtree within the viewer's scope), `?open=true` (only those not answered).
#[derive(Debug, Default, Deserialize)]
pub struct SuggestionsQuery {
    pub unit: Option<String>,
    pub open: Option<bool>,
}

/// `GET /api/v1/registry/suggestions`: the suggestions routed to the viewer's scope (or to
/// `unit`'s subtree within it), open first, the earliest due first, with their moves; the
/// person's name masked outside the viewer's own book.
pub async fn suggestions(
    State(state): State<AppState>,
    Query(query): Query<SuggestionsQuery>,
    headers: HeaderMap,
) -> Response {
    let Ok(Some(session)) = session(&state, &headers).await else { return refuse(StatusCode::FORBIDDEN, "forbidden") };
    let asked = SuggestionQuery { unit: query.unit, open_only: query.open.unwrap_or(false) };
    match list_suggestions(state.store(), &reader(&session), &asked, state.now()).await {
        Ok(list) => Json(json!({ "suggestions": list })).into_response(),
        Err(e) => store_error(e),
    }
}

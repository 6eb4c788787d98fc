//! `GET /r/export?format=xlsx|csv|json` (and `/api/v1/registry/export` with a bearer token): the
//! books of the viewer's scope, or of one unit's subtree in it, as a download in the import
//! sheet's columns (`ledger::render_export`). Always masked — ID number, mobile and address as
//! the list shows them, names too outside the viewer's own book: revealing a whole book stays with
//! the data officer's command line (`guiyan registry export --reveal --reason`). The store writes
//! each export to the access log (`export`).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ledger::ExportFormat;
use serde::Deserialize;
use store::StoreError;
use store::registry::{BookRow, Scope, Viewer, export_books};

use crate::auth::Session;
use crate::book::shown_name;
use crate::error::WebError;
use crate::i18n::choose;
use crate::registry::{reader, refusal, registry_session, today, vault};
use crate::state::AppState;

/// `?format=` (`xlsx` when absent), `?unit=` (a unit's subtree within the scope), `?lang=` (of
/// a refusal's page).
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    pub format: Option<String>,
    pub unit: Option<String>,
    pub lang: Option<String>,
}

/// The format asked for: `xlsx` when none is, `None` for one `ledger` does not write.
pub(crate) fn format_of(query: &ExportQuery) -> Option<ExportFormat> {
    ExportFormat::parse(query.format.as_deref().map(str::trim).unwrap_or("xlsx"))
}

/// The viewer's masked export: the store's rows (sealed fields masked: no reveal is asked) with
/// names masked outside the viewer's own book, as the book page shows them.
pub(crate) async fn masked_rows(
    state: &AppState,
    vault: &vault::Vault,
    viewer: &Viewer,
    unit: Option<&str>,
) -> Result<Vec<BookRow>, StoreError> {
    let mut rows = export_books(state.store(), vault, viewer, unit, None, state.now()).await?;
    for row in &mut rows {
        let own = matches!(&viewer.scope, Scope::Unit(u) if *u == row.unit);
        row.person.name = shown_name(&row.person.name, own);
    }
    Ok(rows)
}

/// Percent-encodes `text` for a URL's query or RFC 5987's `filename*` (UTF-8 bytes; only
/// unreserved characters kept).
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The name of the book exported: the unit asked for, or the viewer's scope.
pub(crate) async fn book_name(state: &AppState, session: &Session, unit: Option<&str>) -> Result<String, StoreError> {
    match unit {
        None => Ok(session.viewer.scope_name.clone()),
        Some(unit) => {
            Ok(store::registry::find_unit(state.store(), unit).await?.map_or_else(|| unit.to_string(), |(_, n)| n))
        }
    }
}

/// `bytes` as a download named `乡土人才-{book}-{date}.{ext}` (RFC 5987, with an ASCII name for
/// old browsers), never cached.
pub(crate) fn attachment(bytes: Vec<u8>, format: ExportFormat, book: &str, unit: &str, date: NaiveDate) -> Response {
    let date = date.format("%Y-%m-%d");
    let extension = format.extension();
    let ascii_unit: String =
        unit.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let ascii = format!("registry-{ascii_unit}-{date}.{extension}");
    let disposition = crate::download::attachment(&ascii, &format!("乡土人才-{book}-{date}.{extension}"));
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /r/export`: the masked export of the viewer's book (or a unit's within its scope).
pub async fn export(
    State(state): State<AppState>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = registry_session(&state, &headers, lang).await?;
    let vault = vault(&state, lang)?;
    let Some(format) = format_of(&query) else { return Err(WebError::BadRequest(lang, "format".into())) };
    let unit = query.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let rows = masked_rows(&state, &vault, &reader(&session), unit).await.map_err(|e| refusal(lang, e))?;
    let bytes = ledger::render_export(&rows, format).map_err(|e| {
        tracing::error!(error = %e.render(campaign::Lang::En), "cannot write a registry export");
        WebError::Page(lang)
    })?;
    let book = book_name(&state, &session, unit).await.map_err(|e| refusal(lang, e))?;
    tracing::info!(rows = rows.len(), format = format.extension(), by = %session.viewer.scope, "a masked registry export");
    Ok(attachment(bytes, format, &book, unit.unwrap_or(&session.viewer.scope), today(&state)))
}

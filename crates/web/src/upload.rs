//! Uploading the 排查统计表 on the portal: a unit (a community, or a street for the communities
//! below it with a 社区 column) sends its sheet, `ledger` reads and imports it exactly as
//! `guiyan registry import` does, and the page says what was entered and lists every row that
//! came back with its reason, with the errors workbook to download, fix and upload again. The
//! empty template is a download beside the form.
//!
//! The errors workbook is not kept anywhere: it holds the rows as the worker typed them (mobiles
//! and ID numbers in the clear), so it goes back in the result page itself, as a `data:` link,
//! and is gone when the page is left (the page says so).

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::auth::{Session, csrf_for};
use crate::download::attachment;
use crate::error::WebError;
use crate::i18n::{Lang, choose, texts};
use crate::portal::lang_query;
use crate::registry::{posted_session, reader, refusal, registry_session, today, vault};
use crate::render::base_context;
use crate::state::AppState;

/// The largest sheet accepted: 10 MiB holds some 50,000 rows of the sheet as .xlsx.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// The errors workbook's content type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    pub lang: Option<String>,
}

/// A row that came back, as the result page lists it.
#[derive(Debug, Serialize)]
struct RejectedView {
    /// 第3行: the line as Excel numbers it.
    label: String,
    name: String,
    reason: String,
}

/// What the result page shows.
#[derive(Debug, Default, Serialize)]
struct OutcomeView {
    file: String,
    added: usize,
    registered: usize,
    linked: usize,
    notices: Vec<(usize, String)>,
    rejected: Vec<RejectedView>,
    unknown_headers: String,
    /// The errors workbook as a `data:` URL, and the name it downloads as.
    errors_href: Option<String>,
    errors_name: String,
}

/// The unit whose book a sheet fills by default: the session's own unit. A leadership reader
/// (no unit of its own) enters nobody.
fn own_unit(session: &Session, lang: Lang) -> Result<String, WebError> {
    session.viewer.own_unit.clone().ok_or(WebError::Forbidden(lang))
}

/// `GET /r/import`: the upload form.
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = registry_session(&state, &headers, lang).await?;
    vault(&state, lang)?;
    own_unit(&session, lang)?;
    render(&state, &session, lang, query.lang.is_some(), None, None, StatusCode::OK)
}

/// `GET /r/template.xlsx`: the empty sheet with its headers and a second sheet saying what each
/// column takes (nothing personal; a session still, like every registry page).
pub async fn template(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    registry_session(&state, &headers, lang).await?;
    let bytes = ledger::template().map_err(|e| {
        tracing::error!(error = %e, "cannot write the sheet's template");
        WebError::Page(lang)
    })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(value) = HeaderValue::from_str(&attachment("template.xlsx", "乡土人才排查统计表.xlsx")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The parts of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
}

/// Reads the form's parts; a body over [`UPLOAD_LIMIT`] is `None`, any other malformed body a bad
/// request.
async fn read_parts(mut multipart: Multipart, lang: Lang) -> Result<Option<Upload>, WebError> {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(Some(upload)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(None),
            Err(_) => return Err(WebError::BadRequest(lang, "form".into())),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(None),
            Err(_) => return Err(WebError::BadRequest(lang, "form".into())),
        };
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "sheet" => {
                upload.file_name = file_name.unwrap_or_default();
                upload.bytes = bytes.to_vec();
            }
            // A part the form does not have: read past, as a form field the page did not ask for.
            _ => {}
        }
    }
}

/// `POST /r/import`: the sheet read and imported; the page says what came of every row.
pub async fn submit(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    // Nobody without a session gets the server to read 10 MiB: the session first, the form's
    // token (which is in the body) once it is read.
    let session = registry_session(&state, &headers, lang).await?;
    own_unit(&session, lang)?;
    let Some(upload) = read_parts(multipart, lang).await? else {
        let problem = words(lang).too_large.to_string();
        return render(&state, &session, lang, explicit, Some(problem), None, StatusCode::PAYLOAD_TOO_LARGE);
    };
    let session = posted_session(&state, &headers, lang, &upload.csrf).await?;
    let vault = vault(&state, lang)?;
    let unit = own_unit(&session, lang)?;
    if upload.bytes.is_empty() {
        let problem = words(lang).no_file.to_string();
        return render(&state, &session, lang, explicit, Some(problem), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let sheet = match ledger::read_sheet(&upload.bytes, &upload.file_name) {
        Ok(sheet) => sheet,
        Err(e) => {
            return render(
                &state,
                &session,
                lang,
                explicit,
                Some(e.render(lang)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let source = if upload.file_name.trim().is_empty() { "upload".to_string() } else { upload.file_name.clone() };
    let outcome = ledger::import_sheet(
        state.store(),
        &vault,
        &reader(&session),
        &sheet,
        Some(&unit),
        &source,
        today(&state),
        state.now(),
        lang,
    )
    .await
    .map_err(|e| refusal(lang, e))?;
    tracing::info!(
        added = outcome.added,
        registered = outcome.registered,
        linked = outcome.linked,
        rejected = outcome.rejected.len(),
        "a sheet was imported from the web"
    );
    let errors = outcome.errors_workbook(&sheet).map_err(|e| {
        tracing::error!(error = %e, "cannot write an errors workbook");
        WebError::Page(lang)
    })?;
    let name_column = sheet.columns.iter().position(|c| *c == ledger::Column::Field(talent::Field::Name));
    let row_word = texts(lang).get("upload_row").copied().unwrap_or("{}");
    let stem = source.rsplit_once('.').map_or(source.as_str(), |(stem, _)| stem);
    let view = OutcomeView {
        file: source.clone(),
        added: outcome.added,
        registered: outcome.registered,
        linked: outcome.linked,
        notices: outcome.notices.clone(),
        rejected: outcome
            .rejected
            .iter()
            .map(|r| RejectedView {
                label: row_word.replace("{}", &r.row.line.to_string()),
                name: name_column.and_then(|i| r.row.cells.get(i)).cloned().unwrap_or_default(),
                reason: r.reason.clone(),
            })
            .collect(),
        unknown_headers: outcome.unknown_headers.join("、"),
        errors_href: errors
            .map(|bytes| format!("data:{XLSX};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))),
        errors_name: format!("{stem}.待修正.xlsx"),
    };
    render(&state, &session, lang, explicit, None, Some(view), StatusCode::OK)
}

/// The words of this page that depend on what happened (the rest are the template's).
struct Words {
    too_large: &'static str,
    no_file: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            too_large: "文件过大（上限10 MB）：请把表格分成几个文件上传",
            no_file: "请选择要上传的排查统计表（.xlsx 或 CSV 文件）",
        },
        Lang::En => Words {
            too_large: "the file is too large (10 MB at most): split the sheet into several files",
            no_file: "choose the sheet to upload (an .xlsx or CSV file)",
        },
    }
}

fn render(
    state: &AppState,
    session: &Session,
    lang: Lang,
    explicit: bool,
    problem: Option<String>,
    outcome: Option<OutcomeView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let q = lang_query(lang, explicit);
    let mut context = base_context(lang, explicit);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("book_href", &format!("/r{q}"));
    context.insert("action", &format!("/r/import{q}"));
    context.insert("template_href", &format!("/r/template.xlsx{q}"));
    context.insert("csrf", &csrf_for(state, session));
    context.insert("shows_unit", &session.viewer.has_units_below);
    context.insert("problem", &problem);
    context.insert("outcome", &outcome);
    let html = state.inner.pages.render("upload.html", &context, lang)?;
    Ok((status, html).into_response())
}

//! `GET /d/report/{campaign}/{run}/{file}`: the run's work report as Word (`report.docx`) or its
//! ledger as Excel (`ledger.xlsx`), written from the run as it stands, for those who see the whole
//! campaign (the owner's link, a leadership reader's). Reads only: a GET never changes state.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use campaign::ReportTemplate;

use crate::auth::session;
use crate::dashboard::DashQuery;
use crate::error::WebError;
use crate::i18n::choose;
use crate::state::AppState;

/// The files a run can be downloaded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Download {
    /// The work report (情况报告), `.docx`.
    WorkReport,
    /// The ledger (台账), `.xlsx`.
    Ledger,
}

impl Download {
    /// The file name in the URL, and the one refused otherwise.
    pub fn from_file(file: &str) -> Option<Download> {
        match file {
            "report.docx" => Some(Download::WorkReport),
            "ledger.xlsx" => Some(Download::Ledger),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Download::WorkReport => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Download::Ledger => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Serves a download.
pub async fn download(
    State(state): State<AppState>,
    Path((campaign_id, run, file)): Path<(String, String, String)>,
    Query(query): Query<DashQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let Some(session) = session(&state, &headers).await? else { return Err(WebError::Forbidden(lang)) };
    let Some(kind) = Download::from_file(&file) else { return Err(WebError::NotFound(lang)) };
    let Some(campaign) = state.config().definition(&campaign_id) else { return Err(WebError::NotFound(lang)) };
    // The whole campaign's report: only for those who see all of it.
    if session.viewer.scope != campaign.owner {
        return Err(WebError::Forbidden(lang));
    }
    let store_err = |e| WebError::Store(lang, e);
    let Some(snapshot) = store::snapshot_now(state.store(), &campaign, &run, state.now()).await.map_err(store_err)?
    else {
        return Err(WebError::NotFound(lang));
    };
    // A campaign's tera template is the engine's to render; the built-in one is used here, with
    // the campaign's declared layout if any.
    let definition = report::declared_or_built_in(&campaign, ReportTemplate::WorkReport);
    let report_lang: campaign::Lang = campaign.locale.into();
    let bytes = match kind {
        Download::WorkReport => {
            let document =
                report::work_report_document(&snapshot, &definition.title, definition.layout.as_ref(), report_lang);
            documents::docx::render(&document)
        }
        Download::Ledger => documents::xlsx::render(&report::ledger(&snapshot, &definition.title, report_lang)),
    };
    let bytes = bytes.map_err(|e| {
        tracing::error!(campaign = %campaign_id, %run, error = %e, "cannot write a download");
        WebError::Page(lang)
    })?;
    let stem = match kind {
        Download::WorkReport => "情况报告",
        Download::Ledger => "台账",
    };
    let extension = file.rsplit('.').next().unwrap_or_default();
    let disposition =
        attachment(&format!("{campaign_id}-{run}-{file}"), &format!("{}{}{stem}.{extension}", campaign.name, run));
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// A `Content-Disposition` that downloads as `name`: an ASCII name for old browsers, the Chinese
/// one percent-encoded (RFC 5987) for the rest.
pub(crate) fn attachment(ascii: &str, name: &str) -> String {
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", crate::export::percent_encode(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_named_in_ascii_and_in_chinese() {
        assert_eq!(
            attachment("template.xlsx", "台账 1.xlsx"),
            "attachment; filename=\"template.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6%201.xlsx"
        );
    }
}

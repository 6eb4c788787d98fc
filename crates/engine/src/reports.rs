//! Reports at the edge: the document a campaign's report declaration asks for, including a tera
//! template file (read here, rendered over the report's data), for the engine's mail and for
//! `guiyan report` alike.

use campaign::{Lang, Report, ReportTemplate};
use documents::Document;

use crate::error::EngineError;

/// The document of `report` for `compared`: the built-in progress or work report, or the text
/// the campaign's tera template writes over [`report::ReportData`] (as `report`).
pub fn document(
    report: &Report,
    compared: report::Compared<'_>,
    lang: Lang,
    length: report::Length,
) -> Result<Document, EngineError> {
    if let Some(document) = report::report_document(report, compared, lang, length) {
        return Ok(document);
    }
    let ReportTemplate::File(path) = &report.template else {
        return Err(EngineError::Report(format!("report `{}` has no template", report.id)));
    };
    let source =
        std::fs::read_to_string(path).map_err(|e| EngineError::Read { path: path.clone(), detail: e.to_string() })?;
    let data = compared.data(&report.title);
    let context = tera::Context::from_serialize(&serde_json::json!({ "report": data }))
        .map_err(|e| EngineError::Report(format!("{}: {e}", path.display())))?;
    let text = tera::Tera::one_off(&source, &context, false).map_err(|e| {
        // tera's error keeps the cause in its source chain; name the file and every cause.
        let mut detail = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            detail.push_str(&format!(": {c}"));
            cause = c.source();
        }
        EngineError::Report(format!("{}: {detail}", path.display()))
    })?;
    Ok(report::text_document(&text))
}

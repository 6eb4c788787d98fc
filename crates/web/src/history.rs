//! A task's history page: who did what, when and from where, each entry worded for a person —
//! reported figures with their labels and units, notes and reasons as written — never raw data.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use campaign::wording::format_time;
use serde::Serialize;
use serde_json::Value;
use store::{EventKind, HistoryEntry, Source, StoreError};

use crate::error::WebError;
use crate::i18n::{Lang, locale};
use crate::portal::{PageQuery, lang_of, lang_query, task_id, visible};
use crate::render::base_context;
use crate::state::AppState;

/// A line of a task's history.
#[derive(Debug, Serialize)]
struct HistoryLine {
    at: String,
    what: String,
    who: String,
    source: &'static str,
    /// What was reported, worded (`悬挂宣传横幅 6 条；张贴公开信 120 封`); empty when nothing.
    detail: String,
    /// A note or a reason, as written.
    note: String,
}

/// `GET /t/{campaign}/{run}/{template}/{unit}/history`.
pub async fn history(
    State(state): State<AppState>,
    Path((campaign, run, template, unit)): Path<(String, String, String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = task_id(&campaign, &run, &template, &unit);
    let (lang, explicit) = lang_of(&query, Some(&campaign), &state);
    let session = visible(&state, &headers, &unit, lang).await?;
    let detail = match store::task_detail(state.store(), &id, state.now()).await {
        Ok(detail) => detail,
        Err(StoreError::NoSuchTask(_)) => return Err(WebError::NotFound(lang)),
        Err(e) => return Err(WebError::Store(lang, e)),
    };
    let spec = &detail.task.figure_spec;
    let lines: Vec<HistoryLine> = detail.history.iter().map(|e| line(e, spec, lang)).collect();
    let q = lang_query(lang, explicit);
    let mut context = base_context(lang, explicit);
    context.insert("lang_query", q);
    context.insert("viewer", &session.viewer.name);
    context.insert("title", &detail.task.task.title);
    context.insert("unit_name", &detail.unit_name);
    context.insert("back", &format!("/t/{id}{q}"));
    context.insert("lines", &lines);
    Ok(state.inner.pages.render("history.html", &context, lang)?.into_response())
}

fn line(entry: &HistoryEntry, spec: &[campaign::Figure], lang: Lang) -> HistoryLine {
    let text = |key: &str| entry.detail.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let (detail, note) = match entry.kind {
        EventKind::TaskDone | EventKind::TaskCorrected => {
            (figures(entry.detail.get("figures"), spec, lang), text("note"))
        }
        EventKind::TaskWaived | EventKind::TaskCancelled => (String::new(), text("reason")),
        _ => (String::new(), String::new()),
    };
    HistoryLine {
        at: format_time(&entry.at, locale(lang)),
        what: event_label(entry.kind, lang).to_string(),
        who: entry.actor.clone(),
        source: source_label(entry.source, lang),
        detail,
        note,
    }
}

/// Reported figures in the order the task asks for them, with their labels and units.
fn figures(values: Option<&Value>, spec: &[campaign::Figure], lang: Lang) -> String {
    let Some(values) = values.and_then(Value::as_object) else { return String::new() };
    let worded: Vec<String> = spec
        .iter()
        .filter_map(|f| {
            let value = values.get(&f.key)?;
            let unit = f.unit.as_deref().unwrap_or_default();
            Some(match lang {
                Lang::Zh => format!("{} {value} {unit}", f.label).trim_end().to_string(),
                Lang::En => format!("{}: {value} {unit}", f.label).trim_end().to_string(),
            })
        })
        .collect();
    worded.join(if lang == Lang::Zh { "；" } else { "; " })
}

/// Where a change came from, as a person says it.
fn source_label(source: Source, lang: Lang) -> &'static str {
    match (lang, source) {
        (Lang::Zh, Source::Web) => "网页报送",
        (Lang::Zh, Source::Cli) => "管理员",
        (Lang::Zh, Source::Engine) => "系统",
        (Lang::Zh, Source::Simulation) => "模拟",
        (Lang::En, Source::Web) => "on the web",
        (Lang::En, Source::Cli) => "by an administrator",
        (Lang::En, Source::Engine) => "by the system",
        (Lang::En, Source::Simulation) => "simulated",
    }
}

/// An event kind as the history page words it.
pub(crate) fn event_label(kind: store::EventKind, lang: Lang) -> &'static str {
    use store::EventKind::*;
    match (lang, kind) {
        (Lang::Zh, RunOpened) => "本期工作启动",
        (Lang::Zh, TaskCreated) => "任务创建",
        (Lang::Zh, TaskOpened) => "任务下达",
        (Lang::Zh, TaskRescheduled) => "时间调整",
        (Lang::Zh, TasksRetitled) => "任务内容调整",
        (Lang::Zh, TaskCancelled) => "任务取消",
        (Lang::Zh, TaskRestored) => "任务恢复",
        (Lang::Zh, TaskDone) => "报送完成",
        (Lang::Zh, TaskCorrected) => "更正报送",
        (Lang::Zh, TaskWaived) => "免除",
        (Lang::Zh, TaskReopened) => "重新打开",
        (Lang::Zh, RunClosed) => "本期工作结束",
        (Lang::Zh, RunMissed) => "本期未开展",
        (Lang::Zh, DefinitionApplied) => "工作方案更新",
        (Lang::Zh, DirectoryUpdated) => "单位名录更新",
        (Lang::Zh, MailRetried) => "邮件重发",
        (Lang::Zh, ReportTaken) => "生成报告",
        (Lang::En, other) => other.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Vec<campaign::Figure> {
        let figure = |key: &str, label: &str, unit: Option<&str>| campaign::Figure {
            key: key.into(),
            label: label.into(),
            unit: unit.map(str::to_string),
            kind: campaign::FigureKind::Integer,
            required: true,
            counted: None,
        };
        vec![figure("banners", "悬挂宣传横幅", Some("条")), figure("letters", "张贴公开信", Some("封"))]
    }

    #[test]
    fn reported_figures_are_worded_with_labels_and_units_in_the_tasks_order() {
        let values = serde_json::json!({ "letters": 120, "banners": 6 });
        assert_eq!(figures(Some(&values), &spec(), Lang::Zh), "悬挂宣传横幅 6 条；张贴公开信 120 封");
        assert_eq!(figures(Some(&values), &spec(), Lang::En), "悬挂宣传横幅: 6 条; 张贴公开信: 120 封");
        assert_eq!(figures(None, &spec(), Lang::Zh), "");
    }

    #[test]
    fn every_source_has_words_in_both_languages() {
        for source in Source::ALL {
            assert!(!source_label(source, Lang::Zh).is_empty() && !source_label(source, Lang::En).is_empty());
        }
    }
}

//! The unit portal: a unit's tasks by run (overdue in red, due soon in yellow, waiting on what,
//! done with what was reported), a task's page with its figure form, the report (done, or a
//! correction while the run is open), and a task's history. A unit reports only its own tasks; a
//! street office reads its communities' tasks, read-only.

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use campaign::wording::{format_duration, format_time};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::{FigureProblem, StoreError, Submitted, UnitTask};

use crate::auth::{Session, csrf_for, csrf_ok, session};
use crate::error::WebError;
use crate::guard::same_origin_post;
use crate::i18n::{Lang, choose, locale, texts};
use crate::render::base_context;
use crate::state::AppState;

/// `?lang=` and the outcome of a submission, carried on the way back to the page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub lang: Option<String>,
    /// `done`, `corrected`, `repeated`: what the last POST came to.
    pub submitted: Option<String>,
    /// How many tasks opened with it.
    pub opened: Option<usize>,
}

/// A task as the portal lists it.
#[derive(Debug, Serialize)]
pub struct TaskView {
    pub id: String,
    pub href: String,
    pub title: String,
    pub unit: String,
    /// `overdue`, `due-soon`, `open`, `waiting`, `done`, `waived`: the colour and the label.
    pub status: &'static str,
    pub status_label: String,
    pub starts_at: String,
    pub due_at: String,
    /// "已逾期2天" / "还剩1天", empty when neither applies.
    pub timing: String,
    pub waiting_on: Vec<String>,
    /// What was reported, worded: `悬挂宣传横幅 3 条`.
    pub reported: Vec<String>,
    pub note: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<String>,
}

/// The tasks of one run, as the portal groups them.
#[derive(Debug, Serialize)]
pub struct RunView {
    pub campaign: String,
    pub run: String,
    pub name: String,
    pub closes_at: String,
    pub closed: bool,
    pub tasks: Vec<TaskView>,
    pub counts: BTreeMap<&'static str, usize>,
}

pub(crate) fn status_of(task: &UnitTask) -> &'static str {
    use plan::TaskState::*;
    match task.task.state {
        Open if task.task.overdue => "overdue",
        Open if task.due_soon => "due-soon",
        Open => "open",
        Waiting => "waiting",
        Done => "done",
        Waived => "waived",
        Cancelled => "cancelled",
    }
}

/// A task worded for the page.
pub(crate) fn task_view(task: &UnitTask, lang: Lang, now: DateTime<Utc>, query: &str) -> TaskView {
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let loc = locale(lang);
    let status = status_of(task);
    let row = &task.task;
    let due = row.due_at.with_timezone(&Utc);
    let timing = match status {
        "overdue" => format!("{}{}", word("overdue_by"), format_duration(now - due, loc)),
        "due-soon" | "open" => format!("{}{}", word("time_left"), format_duration(due - now, loc)),
        _ => String::new(),
    };
    let timing = if lang == Lang::En && !timing.is_empty() { spaced(&timing) } else { timing };
    let figures = row.figures.as_ref().and_then(|f| f.as_object());
    let reported = task
        .figure_spec
        .iter()
        .filter_map(|f| {
            let value = figures?.get(&f.key)?;
            let unit = f.unit.as_deref().unwrap_or_default();
            Some(
                if lang == Lang::En {
                    format!("{}: {value} {unit}", f.label)
                } else {
                    format!("{} {value} {unit}", f.label)
                }
                .trim_end()
                .to_string(),
            )
        })
        .collect();
    TaskView {
        href: format!("/t/{}{query}", row.id),
        id: row.id.clone(),
        title: row.title.clone(),
        unit: row.unit.clone(),
        status,
        status_label: word(match status {
            "due-soon" => "due_soon",
            other => other,
        }),
        starts_at: format_time(&row.starts_at, loc),
        due_at: format_time(&row.due_at, loc),
        timing,
        waiting_on: waiting_on(task, lang),
        reported,
        note: row.note.clone(),
        completed_by: row.completed_by.clone(),
        completed_at: row.completed_at.as_ref().map(|t| format_time(t, loc)),
    }
}

/// What a waiting task waits on, one entry per task with the units that have it to do:
/// "跟进…（解放路第一社区、解放路第二社区）", not the same title once per unit.
fn waiting_on(task: &UnitTask, lang: Lang) -> Vec<String> {
    let mut by_title: Vec<(&str, Vec<&str>)> = Vec::new();
    for w in &task.waiting_on {
        match by_title.iter_mut().find(|(title, _)| *title == w.title) {
            Some((_, units)) => units.push(&w.unit_name),
            None => by_title.push((&w.title, vec![&w.unit_name])),
        }
    }
    by_title
        .into_iter()
        .map(|(title, units)| match lang {
            Lang::Zh => format!("{title}（{}）", units.join("、")),
            Lang::En => format!("{title} ({})", units.join(", ")),
        })
        .collect()
}

/// "Overdue by2 days" → "Overdue by 2 days": the words are joined without a space for Chinese.
fn spaced(text: &str) -> String {
    match text.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 && !text[..i].ends_with(' ') => format!("{} {}", &text[..i], &text[i..]),
        _ => text.to_string(),
    }
}

/// The runs of a unit's tasks, the newest first, each with its tasks: open ones by urgency, then
/// waiting, then done.
pub(crate) fn runs_of(
    state: &AppState,
    tasks: &[UnitTask],
    lang: Lang,
    now: DateTime<Utc>,
    query: &str,
) -> Vec<RunView> {
    let loc = locale(lang);
    let mut runs: Vec<RunView> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for task in tasks {
        let key = (task.task.campaign.clone(), task.task.run.clone());
        let i = *index.entry(key.clone()).or_insert_with(|| {
            runs.push(RunView {
                name: state.config().campaign_name(&key.0).to_string(),
                campaign: key.0.clone(),
                run: key.1.clone(),
                closes_at: format_time(&task.run_closes_at, loc),
                closed: task.run_closed,
                tasks: Vec::new(),
                counts: BTreeMap::new(),
            });
            runs.len() - 1
        });
        let view = task_view(task, lang, now, query);
        *runs[i].counts.entry(view.status).or_default() += 1;
        runs[i].tasks.push(view);
    }
    let order = |s: &str| {
        ["overdue", "due-soon", "open", "waiting", "done", "waived", "cancelled"].iter().position(|x| *x == s)
    };
    for run in &mut runs {
        run.tasks.sort_by_key(|t| order(t.status));
    }
    runs
}

pub(crate) fn lang_of(query: &PageQuery, campaign: Option<&str>, state: &AppState) -> (Lang, bool) {
    let explicit = query.lang.as_deref().and_then(Lang::from_tag).is_some();
    (choose(query.lang.as_deref(), campaign.and_then(|c| state.config().campaign_lang(c))), explicit)
}

pub(crate) fn lang_query(lang: Lang, explicit: bool) -> &'static str {
    match (explicit, lang) {
        (false, _) => "",
        (true, Lang::En) => "?lang=en",
        (true, Lang::Zh) => "?lang=zh",
    }
}

/// The task id of a path's four segments, if it is one.
pub(crate) fn task_id(campaign: &str, run: &str, template: &str, unit: &str) -> String {
    plan::task_id(campaign, run, template, unit)
}

/// The figure form as entered: each key's text, to show again beside its message.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub note: String,
    /// The note is a typical case (典型事例) for the work report: a checkbox, sent only when ticked.
    #[serde(default)]
    pub typical: Option<String>,
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

/// A figure input of the form.
#[derive(Debug, Serialize)]
struct FieldView {
    name: String,
    label: String,
    unit: String,
    required: bool,
    decimal: bool,
    value: String,
    error: String,
    /// What the talent register counts for it, when the figure is counted from the register.
    hint: String,
}

/// `GET /t/{campaign}/{run}/{template}/{unit}`.
pub async fn task_page(
    State(state): State<AppState>,
    Path((campaign, run, template, unit)): Path<(String, String, String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = task_id(&campaign, &run, &template, &unit);
    let (lang, explicit) = lang_of(&query, Some(&campaign), &state);
    let session = visible(&state, &headers, &unit, lang).await?;
    let page = render_task(&state, &session, &id, lang, explicit, &query, None).await?;
    Ok(page.into_response())
}

/// The session of a request that may see `unit`'s tasks: refused (403) otherwise, never told why.
pub(crate) async fn visible(
    state: &AppState,
    headers: &HeaderMap,
    unit: &str,
    lang: Lang,
) -> Result<Session, WebError> {
    let Some(session) = session(state, headers).await? else { return Err(WebError::Forbidden(lang)) };
    let sees = session.viewer.sees(state.store(), unit).await.map_err(|e| WebError::Store(lang, e))?;
    if sees { Ok(session) } else { Err(WebError::Forbidden(lang)) }
}

/// The form's key: the same for the same form (a double tap, a retried POST), another once the
/// task changed (after a report, its correction form gets a new one).
fn form_key(state: &AppState, session: &Session, detail: &store::TaskDetail) -> String {
    let row = &detail.task.task;
    let figures = row.figures.as_ref().map(|f| f.to_string()).unwrap_or_default();
    let material = format!(
        "{}|{}|{}|{}|{}",
        session.token,
        row.id,
        row.state.name(),
        figures,
        row.note.as_deref().unwrap_or_default()
    );
    // A MAC under the link secret: nobody can make the key of another's form.
    links::csrf_token(&state.secret(), &material)
}

async fn render_task(
    state: &AppState,
    session: &Session,
    id: &str,
    lang: Lang,
    explicit: bool,
    query: &PageQuery,
    entered: Option<(&ReportForm, &[FigureProblem])>,
) -> Result<Html<String>, WebError> {
    let now = state.now();
    let detail = match store::task_detail(state.store(), id, now).await {
        Ok(detail) => detail,
        Err(StoreError::NoSuchTask(_)) => return Err(WebError::NotFound(lang)),
        Err(e) => return Err(WebError::Store(lang, e)),
    };
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let q = lang_query(lang, explicit);
    let view = task_view(&detail.task, lang, now, q);
    let row = &detail.task.task;
    let may_report = session.viewer.reports_for(&row.unit)
        && !detail.task.run_closed
        && row.state != plan::TaskState::Waived
        && row.state != plan::TaskState::Cancelled;
    let problems: HashMap<&str, String> = entered
        .map(|(_, problems)| {
            problems
                .iter()
                .filter_map(|p| match p {
                    FigureProblem::Invalid { key, decimal, .. } => {
                        Some((key.as_str(), word(if *decimal { "figure_invalid_decimal" } else { "figure_invalid" })))
                    }
                    FigureProblem::Missing { key, .. } => Some((key.as_str(), word("figure_missing"))),
                    FigureProblem::TooLarge { key, .. } => Some((key.as_str(), word("figure_too_large"))),
                    FigureProblem::Twice { key } => Some((key.as_str(), word("figure_twice"))),
                    FigureProblem::MoreThanRegistered { key, registered, .. } => Some((
                        key.as_str(),
                        word("figure_more_than_registered").replace("{n}", &registered.to_string()),
                    )),
                    FigureProblem::Unknown { .. } => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let reported = row.figures.as_ref().and_then(|f| f.as_object());
    // Figures counted from the talent register: the count stands beside the field, and fills it
    // until the unit has reported (it may not type more).
    let registered = if may_report {
        store::task_registered(state.store(), id, now).await.map_err(|e| WebError::Store(lang, e))?
    } else {
        Vec::new()
    };
    let fields: Vec<FieldView> = detail
        .task
        .figure_spec
        .iter()
        .map(|f| {
            let name = format!("f.{}", f.key);
            let counted = registered.iter().find(|r| r.key == f.key);
            let value = match entered {
                Some((form, _)) => form.fields.get(&name).cloned().unwrap_or_default(),
                None => reported
                    .and_then(|r| r.get(&f.key))
                    .map(|v| v.to_string())
                    .or_else(|| counted.map(|r| r.registered.to_string()))
                    .unwrap_or_default(),
            };
            let hint = counted
                .map(|r| {
                    word("figure_registered")
                        .replace("{what}", r.count.describe(lang))
                        .replace("{n}", &r.registered.to_string())
                })
                .unwrap_or_default();
            FieldView {
                label: f.label.clone(),
                unit: f.unit.clone().unwrap_or_default(),
                required: f.required,
                decimal: f.kind == campaign::FigureKind::Decimal,
                error: problems.get(f.key.as_str()).cloned().unwrap_or_default(),
                name,
                value,
                hint,
            }
        })
        .collect();
    let note = match entered {
        Some((form, _)) => form.note.clone(),
        None => row.note.clone().unwrap_or_default(),
    };
    let typical = match entered {
        Some((form, _)) => form.typical.is_some(),
        None => row.typical,
    };
    let notice = match query.submitted.as_deref() {
        Some("done") => Some(word("submitted_done")),
        Some("corrected") => Some(word("submitted_corrected")),
        Some("repeated") => Some(word("submitted_repeated")),
        _ => None,
    };
    let mut context = base_context(lang, explicit);
    context.insert("lang_query", q);
    context.insert("viewer", &session.viewer.name);
    context.insert("task", &view);
    context.insert("campaign_name", state.config().campaign_name(&row.campaign));
    context.insert("run", &row.run);
    context.insert("unit_name", &detail.unit_name);
    context.insert("unit_email", &detail.unit_email);
    context.insert("own", &session.viewer.reports_for(&row.unit));
    context.insert("may_report", &may_report);
    context.insert("correcting", &(row.state == plan::TaskState::Done));
    context.insert("run_closed", &detail.task.run_closed);
    context.insert("fields", &fields);
    context.insert("note", &note);
    context.insert("typical", &typical);
    context.insert("has_errors", &entered.is_some_and(|(_, p)| !p.is_empty()));
    context.insert("notice", &notice);
    context.insert("opened", &query.opened.unwrap_or(0));
    context.insert("csrf", &csrf_for(state, session));
    context.insert("form_key", &form_key(state, session, &detail));
    context.insert("action", &format!("/t/{}{q}", row.id));
    context.insert("history_href", &format!("/t/{}/history{q}", row.id));
    state.inner.pages.render("task.html", &context, lang)
}

/// `POST /t/{campaign}/{run}/{template}/{unit}`: the unit reports its task done (or corrects it).
/// Invalid figures come back on the page, beside their fields, with what was entered.
pub async fn report(
    State(state): State<AppState>,
    Path((campaign, run, template, unit)): Path<(String, String, String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    Form(form): Form<ReportForm>,
) -> Result<Response, WebError> {
    let id = task_id(&campaign, &run, &template, &unit);
    let (lang, explicit) = lang_of(&query, Some(&campaign), &state);
    if !same_origin_post(&Method::POST, &headers, state.config().origin()) {
        return Err(WebError::BadRequest(lang, "cross-site".into()));
    }
    let session = visible(&state, &headers, &unit, lang).await?;
    if !csrf_ok(&state, &session, &form.csrf) {
        return Err(WebError::BadRequest(lang, "form".into()));
    }
    if !session.viewer.reports_for(&unit) {
        return Err(WebError::Forbidden(lang));
    }
    let figures: Vec<(String, String)> = form
        .fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("f.")?.to_string(), v.trim().to_string())))
        // An empty optional field is not reported.
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let actor = store::Actor { name: session.viewer.name.clone(), source: store::Source::Web };
    let now = state.now();
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    let typical = form.typical.is_some();
    match store::submit_task(state.store(), &id, &figures, store::Note { text: note, typical }, &form.key, now, &actor)
        .await
    {
        Ok(Submitted::Done { opened }) => {
            tracing::info!(task = %id, opened, "task reported done from the web");
            Ok(Redirect::to(&format!("/t/{id}{q}{sep}submitted=done&opened={opened}")).into_response())
        }
        Ok(Submitted::Corrected) => {
            tracing::info!(task = %id, "task report corrected from the web");
            Ok(Redirect::to(&format!("/t/{id}{q}{sep}submitted=corrected")).into_response())
        }
        Ok(Submitted::Repeated) => Ok(Redirect::to(&format!("/t/{id}{q}{sep}submitted=repeated")).into_response()),
        Err(StoreError::Figures(problems)) => {
            let page =
                render_task(&state, &session, &id, lang, explicit, &PageQuery::default(), Some((&form, &problems)))
                    .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(StoreError::NoSuchTask(_)) => Err(WebError::NotFound(lang)),
        Err(StoreError::WrongState { .. }) => Ok(Redirect::to(&format!("/t/{id}{q}")).into_response()),
        Err(e) => Err(WebError::Store(lang, e)),
    }
}

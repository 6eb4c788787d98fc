//! Persons' suggestions (意见建议) on the portal: the person's page lists theirs and records one
//! (routed to the recording unit or a unit above it, with a due day); `/r/s` lists those routed to
//! the viewer's scope — open first, the overdue marked — each with the form that moves it one
//! step (办理 with a note, 已反馈 with the answer given to the person). Scoped by the store: a
//! suggestion outside the scope is "not found".

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::registry::{
    NewSuggestion, RegistryError, SUGGESTION_DUE_DAYS, Suggestion, SuggestionQuery, list_suggestions, move_suggestion,
    record_suggestion,
};
use talent::{SuggestionCategory, SuggestionState};

use crate::auth::csrf_for;
use crate::error::WebError;
use crate::i18n::{Lang, choose, texts};
use crate::portal::lang_query;
use crate::registry::{choices, posted_session, reader, refusal, registry_session, today};
use crate::render::base_context;
use crate::state::AppState;

/// One move as a page shows it.
#[derive(Debug, Serialize)]
struct MoveView {
    state: String,
    note: String,
    by: String,
    at: String,
}

/// One suggestion as a page shows it.
#[derive(Debug, Serialize)]
pub(crate) struct SuggestionView {
    id: i64,
    person_href: String,
    person_name: String,
    unit_name: String,
    recorded_by_name: String,
    category: String,
    text: String,
    state: String,
    state_key: &'static str,
    open: bool,
    due_on: String,
    overdue_days: i64,
    /// 已逾期N天, marked red.
    overdue_text: String,
    moves: Vec<MoveView>,
    /// The next state's key and label, for the move form.
    next: Option<(&'static str, &'static str)>,
    action: String,
}

/// The suggestions as a page shows them, with the move forms' targets.
pub(crate) fn views(list: &[Suggestion], lang: Lang, today: NaiveDate, q: &str) -> Vec<SuggestionView> {
    list.iter()
        .map(|s| SuggestionView {
            id: s.id,
            person_href: format!("/r/p/{}{q}", s.person_id),
            person_name: s.person_name.clone(),
            unit_name: s.unit_name.clone(),
            recorded_by_name: s.recorded_by_name.clone(),
            category: s.category.map(|c| c.label(lang).to_string()).unwrap_or_default(),
            text: s.text.clone(),
            state: s.state.label(lang).to_string(),
            state_key: s.state.key(),
            open: s.state.is_open(),
            due_on: s.due_on.format("%Y-%m-%d").to_string(),
            overdue_days: s.overdue_days(today),
            overdue_text: match (lang, s.overdue_days(today)) {
                (_, 0) => String::new(),
                (Lang::Zh, n) => format!("已逾期{n}天"),
                (Lang::En, 1) => "1 day overdue".into(),
                (Lang::En, n) => format!("{n} days overdue"),
            },
            moves: s
                .moves
                .iter()
                .map(|m| MoveView {
                    state: m.state.label(lang).to_string(),
                    note: m.note.clone(),
                    by: if m.actor == m.unit_name {
                        m.unit_name.clone()
                    } else {
                        format!("{}（{}）", m.actor, m.unit_name)
                    },
                    at: chrono::DateTime::from_timestamp(m.at, 0)
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                })
                .collect(),
            next: s.state.next().map(|n| (n.key(), n.label(lang))),
            action: format!("/r/s/{}/move{q}", s.id),
        })
        .collect()
}

/// What the person page's suggestion form carries: its fields as typed and its problem.
#[derive(Clone, Debug, Default)]
pub(crate) struct SuggestionDraft {
    pub text: String,
    pub category: String,
    pub route_to: String,
    pub due_on: String,
    pub problem: Option<String>,
}

impl SuggestionDraft {
    /// The form's values for the template.
    pub(crate) fn context(&self) -> HashMap<&'static str, String> {
        HashMap::from([
            ("text", self.text.clone()),
            ("category", self.category.clone()),
            ("route_to", self.route_to.clone()),
            ("due_on", self.due_on.clone()),
            ("problem", self.problem.clone().unwrap_or_default()),
        ])
    }
}

/// The default due day of a new suggestion, as the form offers it.
pub(crate) fn default_due(today: NaiveDate) -> NaiveDate {
    today.checked_add_signed(TimeDelta::days(SUGGESTION_DUE_DAYS)).unwrap_or(today)
}

/// The category choices, for the person page's form.
pub(crate) fn categories(lang: Lang) -> Vec<(&'static str, &'static str)> {
    choices::<SuggestionCategory>(lang)
}

/// The suggestion form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct SuggestionForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub route_to: String,
    #[serde(default)]
    pub due_on: String,
}

/// `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// `POST /r/p/{id}/suggestions`: a unit records a suggestion of a person of its scope. Back to the
/// person's page; a problem (no text, a past due day) shows there beside the form, text kept.
pub async fn record(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<SuggestionForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    if session.viewer.own_unit.is_none() {
        // A leadership reader reads; suggestions are recorded by units.
        return Err(WebError::Forbidden(lang));
    }
    let viewer = reader(&session);
    // A form tampered with is refused as a bad request: the page only offers valid choices.
    let category = match form.category.trim() {
        "" => None,
        text => Some(SuggestionCategory::parse(text).map_err(|_| WebError::BadRequest(lang, "category".into()))?),
    };
    let route_to = match form.route_to.trim() {
        "" => None,
        unit => Some(unit.to_string()),
    };
    let today = today(&state);
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let due_on = match form.due_on.trim() {
        "" => Ok(default_due(today)),
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) if day >= today => Ok(day),
            _ => Err(word("suggestion_due_invalid")),
        },
    };
    let problem = match due_on {
        Err(problem) => Some(problem),
        Ok(due_on) => {
            let new = NewSuggestion { text: form.text.clone(), category, route_to, due_on };
            match record_suggestion(state.store(), &viewer, id, &new, state.now()).await {
                Ok(_) => None,
                Err(StoreError::Registry(RegistryError::SuggestionEmpty)) => Some(word("suggestion_text_required")),
                Err(StoreError::Registry(e @ RegistryError::SuggestionTooLong(_))) => Some(e.message(lang)),
                Err(StoreError::Registry(RegistryError::SuggestionRoute { .. })) => {
                    return Err(WebError::BadRequest(lang, "route_to".into()));
                }
                Err(e) => return Err(refusal(lang, e)),
            }
        }
    };
    if let Some(problem) = problem {
        let draft = SuggestionDraft {
            text: form.text,
            category: form.category,
            route_to: form.route_to,
            due_on: form.due_on,
            problem: Some(problem),
        };
        return crate::person::show_with_suggestion(&state, &session, &headers, lang, explicit, id, draft).await;
    }
    tracing::info!(person = id, "a suggestion was recorded from the web");
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r/p/{id}{q}{sep}suggested=1#suggestions")).into_response())
}

/// `?moved=1`, `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub moved: Option<u8>,
    pub lang: Option<String>,
}

/// `GET /r/s`: the suggestions routed to the viewer's scope.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let notice = query.moved.map(|_| texts(lang).get("suggestion_moved").copied().unwrap_or_default().to_string());
    render_list(&state, &headers, lang, explicit, notice, None, StatusCode::OK).await
}

async fn render_list(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    explicit: bool,
    notice: Option<String>,
    problem: Option<(i64, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let session = registry_session(state, headers, lang).await?;
    let viewer = reader(&session);
    let list = list_suggestions(state.store(), &viewer, &SuggestionQuery::default(), state.now())
        .await
        .map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let mut context = base_context(lang, explicit);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("book_href", &format!("/r{q}"));
    context.insert("suggestions", &views(&list, lang, today(state), q));
    context.insert("open_count", &list.iter().filter(|s| s.state.is_open()).count());
    context.insert("may_move", &session.viewer.own_unit.is_some());
    context.insert("notice", &notice);
    context.insert("problem_id", &problem.as_ref().map(|(id, _)| *id));
    context.insert("problem", &problem.map(|(_, p)| p));
    context.insert("csrf", &csrf_for(state, &session));
    let html = state.inner.pages.render("suggestions.html", &context, lang)?;
    let mut response = (status, html).into_response();
    // The persons' words are on this page: never kept by the browser or a proxy.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The move form as sent: the state to move to and the note (the answer, for 已反馈).
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /r/s/{id}/move`: one step of a suggestion routed to the viewer's scope. Back to `/r/s`;
/// an answer without its text, or a step another reader took first, shows there.
pub async fn advance(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    if session.viewer.own_unit.is_none() {
        return Err(WebError::Forbidden(lang));
    }
    let to = SuggestionState::parse(&form.state).map_err(|_| WebError::BadRequest(lang, "state".into()))?;
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let problem = match move_suggestion(state.store(), &reader(&session), id, to, &form.note, state.now()).await {
        Ok(()) => None,
        Err(StoreError::Registry(RegistryError::AnswerRequired)) => Some(word("suggestion_answer_required")),
        Err(StoreError::Registry(e @ (RegistryError::SuggestionMove { .. } | RegistryError::SuggestionTooLong(_)))) => {
            Some(e.message(lang))
        }
        Err(e) => return Err(refusal(lang, e)),
    };
    if let Some(problem) = problem {
        return render_list(
            &state,
            &headers,
            lang,
            explicit,
            None,
            Some((id, problem)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    tracing::info!(suggestion = id, state = to.key(), "a suggestion was moved from the web");
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r/s{q}{sep}moved=1")).into_response())
}

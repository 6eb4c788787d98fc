//! The JSON API (`/api/v1/…`): the dashboard's and portal's data for scripts, authorized like the
//! pages — a link or session token as `Authorization: Bearer …` (or the session cookie) — and
//! scoped the same way: nobody reads a unit outside their subtree. Read-only. Documented in
//! docs/api.md.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use store::{StoreError, TaskQuery};

use crate::auth::{Session, session};
use crate::state::AppState;

/// An API error: its status and a word for it, nothing more.
fn refuse(status: StatusCode, word: &str) -> Response {
    (status, Json(json!({ "error": word }))).into_response()
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NoSuchTask(_) => refuse(StatusCode::NOT_FOUND, "not-found"),
        e if e.is_transient() => {
            tracing::error!(error = %e, "an API call failed on the database");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        e => {
            tracing::error!(error = %e, "an API call failed on the database");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
    }
}

async fn authorized(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    match session(state, headers).await {
        Ok(Some(session)) => Ok(session),
        Ok(None) => Err(refuse(StatusCode::FORBIDDEN, "forbidden")),
        Err(_) => Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "unavailable")),
    }
}

/// A unit the viewer may read: `unit`, or the viewer's own scope without one.
async fn scope_of(state: &AppState, session: &Session, unit: Option<&str>) -> Result<String, Response> {
    match unit {
        None => Ok(session.viewer.scope.clone()),
        Some(unit) => match session.viewer.sees(state.store(), unit).await {
            Ok(true) => Ok(unit.to_string()),
            Ok(false) => Err(refuse(StatusCode::FORBIDDEN, "forbidden")),
            Err(e) => Err(store_error(e)),
        },
    }
}

/// `GET /api/v1/runs`.
pub async fn runs(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = authorized(&state, &headers).await {
        return refused;
    }
    match store::runs(state.store()).await {
        Ok(runs) => Json(json!({ "runs": runs })).into_response(),
        Err(e) => store_error(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitQuery {
    pub unit: Option<String>,
}

/// `GET /api/v1/runs/{campaign}/{run}/status?unit=`: the run's progress in the viewer's subtree
/// (or a unit's within it), rolled up the tree.
pub async fn status(
    State(state): State<AppState>,
    Path((campaign, run)): Path<(String, String)>,
    Query(query): Query<UnitQuery>,
    headers: HeaderMap,
) -> Response {
    let session = match authorized(&state, &headers).await {
        Ok(session) => session,
        Err(refused) => return refused,
    };
    let scope = match scope_of(&state, &session, query.unit.as_deref()).await {
        Ok(scope) => scope,
        Err(refused) => return refused,
    };
    match store::run_progress(state.store(), &campaign, &run, Some(&scope), state.now()).await {
        Ok(Some(progress)) => Json(progress).into_response(),
        Ok(None) => refuse(StatusCode::NOT_FOUND, "not-found"),
        Err(e) => store_error(e),
    }
}

/// `?campaign&run&unit&scope&state&overdue&due_soon&offset&limit`.
#[derive(Debug, Default, Deserialize)]
pub struct TasksQuery {
    pub campaign: Option<String>,
    pub run: Option<String>,
    /// Only this unit's own tasks (it must be in the viewer's subtree).
    pub unit: Option<String>,
    /// The subtree to list (the viewer's own by default).
    pub scope: Option<String>,
    pub state: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub due_soon: bool,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u64>,
}

/// `GET /api/v1/tasks`: tasks in the viewer's subtree, filtered, a page at a time (at most 500).
pub async fn tasks(State(state): State<AppState>, Query(query): Query<TasksQuery>, headers: HeaderMap) -> Response {
    let session = match authorized(&state, &headers).await {
        Ok(session) => session,
        Err(refused) => return refused,
    };
    let scope = match scope_of(&state, &session, query.scope.as_deref()).await {
        Ok(scope) => scope,
        Err(refused) => return refused,
    };
    if let Some(unit) = query.unit.as_deref()
        && let Err(refused) = scope_of(&state, &session, Some(unit)).await
    {
        return refused;
    }
    let task_state = match query.state.as_deref().map(|s| plan::TaskState::from_name(s).ok_or(s)) {
        Some(Err(s)) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": "bad-request", "detail": format!("unknown state `{s}`") })),
            )
                .into_response();
        }
        Some(Ok(state)) => Some(state),
        None => None,
    };
    let task_query = TaskQuery {
        campaign: query.campaign,
        run: query.run,
        scope: Some(scope),
        unit: query.unit,
        state: task_state,
        overdue: query.overdue,
        due_soon: query.due_soon,
        offset: query.offset,
        limit: query.limit.unwrap_or(100),
    };
    match store::tasks_page(state.store(), &task_query, state.now()).await {
        Ok(page) => Json(page).into_response(),
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/tasks/{campaign}/{run}/{template}/{unit}`: one task with its waits, figure spec and
/// history.
pub async fn task(
    State(state): State<AppState>,
    Path((campaign, run, template, unit)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = match authorized(&state, &headers).await {
        Ok(session) => session,
        Err(refused) => return refused,
    };
    if let Err(refused) = scope_of(&state, &session, Some(&unit)).await {
        return refused;
    }
    let id = plan::task_id(&campaign, &run, &template, &unit);
    match store::task_detail(state.store(), &id, state.now()).await {
        Ok(detail) => Json(detail).into_response(),
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/tasks/{campaign}/{run}/{template}/{unit}/history`.
pub async fn history(
    State(state): State<AppState>,
    Path((campaign, run, template, unit)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = match authorized(&state, &headers).await {
        Ok(session) => session,
        Err(refused) => return refused,
    };
    if let Err(refused) = scope_of(&state, &session, Some(&unit)).await {
        return refused;
    }
    let id = plan::task_id(&campaign, &run, &template, &unit);
    match store::task_history(state.store(), &id).await {
        Ok(history) => Json(json!({ "task": id, "history": history })).into_response(),
        Err(e) => store_error(e),
    }
}

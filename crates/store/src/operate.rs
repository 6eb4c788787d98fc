//! Operating tasks: list, complete with figures, waive, reopen, history; opening waiting tasks whose
//! start has passed and whose dependencies are met. Every command is one transaction.

use campaign::{Figure, FigureKind};
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use plan::TaskState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::apply::{ACTIVE, next_event_at, set_state};
use crate::connect::Store;
use crate::entities::{event, run, submission, task};
use crate::error::{FigureProblem, StoreError};
use crate::event_kind::EventKind;
use crate::tick::{advance_ids, wake_ready};

/// Where a change came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Cli,
    Web,
    Engine,
    /// Units acting in `guiyan simulate`.
    Simulation,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Cli, Source::Web, Source::Engine, Source::Simulation];

    pub fn name(self) -> &'static str {
        match self {
            Source::Cli => "cli",
            Source::Web => "web",
            Source::Engine => "engine",
            Source::Simulation => "simulation",
        }
    }
}

impl std::str::FromStr for Source {
    type Err = String;

    /// The one parse of a stored source; anything else is an error, never a default.
    fn from_str(name: &str) -> Result<Source, String> {
        Source::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| format!("unknown source `{name}`"))
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Who made a change, and from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub source: Source,
}

pub(crate) async fn record_event(
    db: &impl ConnectionTrait,
    at: i64,
    actor: &Actor,
    kind: EventKind,
    scope: Option<(&str, Option<&str>)>,
    task_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<(), sea_orm::DbErr> {
    event::Entity::insert(event::ActiveModel {
        at: Set(at),
        actor: Set(actor.name.clone()),
        source: Set(actor.source.name().to_string()),
        kind: Set(kind.name().to_string()),
        campaign: Set(scope.map(|(c, _)| c.to_string())),
        run_key: Set(scope.and_then(|(_, r)| r.map(str::to_string))),
        task_id: Set(task_id),
        detail: Set(detail.to_string()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Opens the dependants of a task that just settled, where nothing else holds them back (with their
/// notices). Returns how many opened.
async fn open_dependants(
    db: &impl ConnectionTrait,
    settled: i64,
    now: i64,
    actor: &Actor,
) -> Result<usize, sea_orm::DbErr> {
    let woken = wake_ready(db, now, Some(settled)).await?;
    Ok(advance_ids(db, &woken, now, actor).await?.opened)
}

/// A task as listed by `guiyan task list`, the portal and the API; times in its run's zone.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TaskRow {
    pub id: String,
    pub campaign: String,
    pub run: String,
    pub template: String,
    pub unit: String,
    pub title: String,
    pub state: TaskState,
    /// Open and past its due time.
    pub overdue: bool,
    pub starts_at: DateTime<Tz>,
    pub due_at: DateTime<Tz>,
    pub figures: Option<serde_json::Value>,
    pub completed_by: Option<String>,
    pub completed_at: Option<DateTime<Tz>>,
    pub note: Option<String>,
    /// The unit marked its note as a typical case (典型事例) for the work report.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub typical: bool,
}

/// Filters of `guiyan task list`.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// `campaign` or `campaign/run`.
    pub run: Option<String>,
    pub unit: Option<String>,
    pub state: Option<TaskState>,
    pub overdue: bool,
}

pub(crate) fn row(t: task::Model, tz: Tz, now: i64) -> Result<TaskRow, StoreError> {
    let state = crate::stored::task_state(&t.state, t.id)?;
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default().with_timezone(&tz);
    Ok(TaskRow {
        id: plan::task_id(&t.campaign, &t.run_key, &t.template, &t.unit),
        overdue: state == TaskState::Open && t.due_at < now,
        campaign: t.campaign,
        run: t.run_key,
        template: t.template,
        unit: t.unit,
        title: t.title,
        state,
        starts_at: at(t.starts_at),
        due_at: at(t.due_at),
        figures: match t.figures {
            Some(text) => Some(serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                what: format!("task {} with figures that do not read ({e})", t.id),
            })?),
            None => None,
        },
        completed_by: t.completed_by,
        completed_at: t.completed_at.map(at),
        note: t.note,
        typical: t.typical,
    })
}

/// The time zone of each run, by run id.
async fn timezones(store: &Store) -> Result<HashMap<i64, Tz>, StoreError> {
    let rows: Vec<(i64, String)> = run::Entity::find()
        .select_only()
        .columns([run::Column::Id, run::Column::Timezone])
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    rows.into_iter()
        .map(|(id, zone)| {
            let tz =
                zone.parse().map_err(|_| StoreError::Corrupt { what: format!("run {id} in time zone `{zone}`") })?;
            Ok((id, tz))
        })
        .collect()
}

/// Tasks matching a filter, by campaign, run, due time, template and unit.
pub async fn list_tasks(store: &Store, filter: &TaskFilter, now: DateTime<Utc>) -> Result<Vec<TaskRow>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let mut query = task::Entity::find();
    if let Some(run) = &filter.run {
        match run.split_once('/') {
            Some((campaign, key)) => {
                query = query.filter(task::Column::Campaign.eq(campaign)).filter(task::Column::RunKey.eq(key))
            }
            None => query = query.filter(task::Column::Campaign.eq(run.as_str())),
        }
    }
    if let Some(unit) = &filter.unit {
        query = query.filter(task::Column::Unit.eq(unit.as_str()));
    }
    if let Some(state) = filter.state {
        query = query.filter(task::Column::State.eq(state.name()));
    }
    if filter.overdue {
        query = query.filter(task::Column::State.eq(TaskState::Open.name())).filter(task::Column::DueAt.lt(now));
    }
    let tasks = query
        .order_by_asc(task::Column::Campaign)
        .order_by_asc(task::Column::RunKey)
        .order_by_asc(task::Column::DueAt)
        .order_by_asc(task::Column::Id)
        .all(&store.db)
        .await
        .map_err(err)?;
    let zones = timezones(store).await?;
    tasks
        .into_iter()
        .map(|t| {
            let tz = zones.get(&t.run_id).copied().unwrap_or(Tz::UTC);
            row(t, tz, now)
        })
        .collect()
}

pub(crate) async fn find_task(db: &impl ConnectionTrait, id: &str) -> Result<Option<task::Model>, sea_orm::DbErr> {
    let parts: Vec<&str> = id.split('/').collect();
    let [campaign, run, template, unit] = parts[..] else { return Ok(None) };
    task::Entity::find()
        .filter(task::Column::Campaign.eq(campaign))
        .filter(task::Column::RunKey.eq(run))
        .filter(task::Column::Template.eq(template))
        .filter(task::Column::Unit.eq(unit))
        .one(db)
        .await
}

pub(crate) fn begin_options() -> TransactionOptions {
    TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }
}

/// The error when a task's state changed between reading and writing it (another process won the
/// race): its state as it now stands.
async fn changed_meanwhile(store: &Store, id: &str, action: &'static str, needs: &'static str) -> StoreError {
    let state = match find_task(&store.db, id).await {
        Ok(Some(task)) => task.state,
        Ok(None) => return StoreError::NoSuchTask(id.to_string()),
        Err(e) => return StoreError::from_db(&store.url, e),
    };
    StoreError::WrongState { task: id.to_string(), state, action, needs }
}

/// Starts a writing transaction on one task, checking that it is in one of `allowed` states.
async fn begin_on_task(
    store: &Store,
    id: &str,
    allowed: &[TaskState],
    action: &'static str,
    needs: &'static str,
) -> Result<(sea_orm::DatabaseTransaction, task::Model, TaskState), StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let task = find_task(&txn, id).await.map_err(err)?.ok_or_else(|| StoreError::NoSuchTask(id.to_string()))?;
    let state = crate::stored::task_state(&task.state, task.id)?;
    if !allowed.contains(&state) {
        return Err(StoreError::WrongState { task: id.to_string(), state: state.name().into(), action, needs });
    }
    Ok((txn, task, state))
}

/// The largest figure a unit may report: more is a slip of the keyboard (a community does not visit
/// a billion people), and sums stay exact in a double.
pub const MAX_FIGURE: f64 = 1_000_000_000.0;

/// Checks reported figures against the task's figure spec; returns the JSON to store, or every
/// problem at once.
fn check_figures(spec: &[Figure], figures: &[(String, String)]) -> Result<serde_json::Value, Vec<FigureProblem>> {
    let known: Vec<String> = spec.iter().map(|f| f.key.clone()).collect();
    let mut problems = Vec::new();
    let mut out = serde_json::Map::new();
    for (key, value) in figures {
        let Some(f) = spec.iter().find(|f| f.key == *key) else {
            problems.push(FigureProblem::Unknown { key: key.clone(), expected: known.clone() });
            continue;
        };
        if out.contains_key(key) {
            problems.push(FigureProblem::Twice { key: key.clone() });
            continue;
        }
        let decimal = f.kind == FigureKind::Decimal;
        let parsed = if decimal {
            value.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).map(serde_json::Value::from)
        } else {
            value.trim().parse::<i64>().ok().filter(|v| *v >= 0).map(serde_json::Value::from)
        };
        match parsed {
            Some(v) if v.as_f64().is_some_and(|n| n > MAX_FIGURE) => {
                problems.push(FigureProblem::TooLarge {
                    key: key.clone(),
                    label: f.label.clone(),
                    value: value.clone(),
                });
            }
            Some(v) => {
                out.insert(key.clone(), v);
            }
            None => problems.push(FigureProblem::Invalid {
                key: key.clone(),
                label: f.label.clone(),
                value: value.clone(),
                decimal,
            }),
        }
    }
    for f in spec {
        if f.required && !figures.iter().any(|(k, _)| *k == f.key) {
            problems.push(FigureProblem::Missing { key: f.key.clone(), label: f.label.clone() });
        }
    }
    if problems.is_empty() { Ok(serde_json::Value::Object(out)) } else { Err(problems) }
}

/// Marks a task done with its figures; opens the tasks that waited only on it.
pub async fn complete_task(
    store: &Store,
    id: &str,
    figures: &[(String, String)],
    note: Note<'_>,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let needs = "a waiting or open task (reopen it first)";
    let (txn, task, _) = begin_on_task(store, id, &ACTIVE, "done", needs).await?;
    let spec = crate::stored::figure_spec(&task.figure_spec, task.id)?;
    let values = check_figures(&spec, figures).map_err(StoreError::Figures)?;
    crate::counted::check_counted(store, &txn, &task, &spec, &values, now).await?;
    let Some(opened) = mark_done(&txn, &task, &values, note, now, actor).await.map_err(err)? else {
        return Err(changed_meanwhile(store, id, "done", needs).await);
    };
    txn.commit().await.map_err(err)?;
    Ok(opened)
}

/// Marks `task` done with checked `values` in the caller's transaction, records it and opens its
/// dependants: how many opened, or `None` if the task was no longer waiting or open.
async fn mark_done(
    txn: &sea_orm::DatabaseTransaction,
    task: &task::Model,
    values: &serde_json::Value,
    note: Note<'_>,
    now: i64,
    actor: &Actor,
) -> Result<Option<usize>, sea_orm::DbErr> {
    let (note, typical) = (note.text, note.is_typical());
    let updated = task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(TaskState::Done.name()))
        .col_expr(task::Column::Figures, Expr::value(values.to_string()))
        .col_expr(task::Column::CompletedBy, Expr::value(actor.name.clone()))
        .col_expr(task::Column::CompletedAt, Expr::value(now))
        .col_expr(task::Column::Note, Expr::value(note.map(str::to_string)))
        .col_expr(task::Column::Typical, Expr::value(typical))
        .col_expr(task::Column::NextEventAt, Expr::value(None::<i64>))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(task.id))
        .filter(task::Column::State.is_in(ACTIVE.map(|s| s.name())))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let detail = serde_json::json!({ "figures": values, "note": note, "typical": typical });
    let scope = Some((task.campaign.as_str(), Some(task.run_key.as_str())));
    record_event(txn, now, actor, EventKind::TaskDone, scope, Some(task.id), detail).await?;
    Ok(Some(open_dependants(txn, task.id, now, actor).await?))
}

/// What a unit wrote besides its figures: a note (情况说明), which it may mark as a typical case
/// (典型事例) for the work report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Note<'a> {
    pub text: Option<&'a str>,
    pub typical: bool,
}

impl<'a> Note<'a> {
    /// A plain note (or none).
    pub fn plain(text: Option<&'a str>) -> Note<'a> {
        Note { text, typical: false }
    }

    /// Whether it counts as a typical case: marked, and there is a note to tell.
    pub fn is_typical(&self) -> bool {
        self.typical && self.text.is_some()
    }
}

/// What a submission from the web came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Submitted {
    /// The task is done now; so many tasks that waited for it opened.
    Done { opened: usize },
    /// A done task's figures and note were reported again (its run still open).
    Corrected,
    /// This very form was taken before (a double tap, a retried POST): nothing changed.
    Repeated,
}

/// A unit's report from the web: marks a waiting or open task done, or corrects a done task while
/// its run is open (the history keeps both reports). `key` identifies the form: a repeated
/// submission of it changes nothing and says so.
pub async fn submit_task(
    store: &Store,
    id: &str,
    figures: &[(String, String)],
    note: Note<'_>,
    key: &str,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Submitted, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let at = now.timestamp();
    let needs = "a waiting, open or done task of a run still open";
    let allowed = [TaskState::Waiting, TaskState::Open, TaskState::Done];
    let (txn, task, state) = begin_on_task(store, id, &allowed, "report", needs).await?;
    // The key first: a repeat changes nothing, whatever the task's state now.
    let taken = submission::Entity::insert(submission::ActiveModel {
        key: Set(key.to_string()),
        task_id: Set(task.id),
        at: Set(at),
    })
    .on_conflict(OnConflict::column(submission::Column::Key).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await
    .map_err(err)?;
    if taken == 0 {
        return Ok(Submitted::Repeated);
    }
    let spec = crate::stored::figure_spec(&task.figure_spec, task.id)?;
    let values = check_figures(&spec, figures).map_err(StoreError::Figures)?;
    crate::counted::check_counted(store, &txn, &task, &spec, &values, at).await?;
    let submitted = if state == TaskState::Done {
        let run = run::Entity::find_by_id(task.run_id).one(&txn).await.map_err(err)?;
        if run.is_none_or(|r| r.closed_at.is_some() || at >= r.closes_at) {
            let state = state.name().to_string();
            return Err(StoreError::WrongState {
                task: id.to_string(),
                state,
                action: "correct",
                needs: "a run still open",
            });
        }
        let updated = task::Entity::update_many()
            .col_expr(task::Column::Figures, Expr::value(values.to_string()))
            .col_expr(task::Column::Note, Expr::value(note.text.map(str::to_string)))
            .col_expr(task::Column::Typical, Expr::value(note.is_typical()))
            .col_expr(task::Column::CompletedBy, Expr::value(actor.name.clone()))
            .col_expr(task::Column::UpdatedAt, Expr::value(at))
            .filter(task::Column::Id.eq(task.id))
            .filter(task::Column::State.eq(TaskState::Done.name()))
            .exec(&txn)
            .await
            .map_err(err)?;
        if updated.rows_affected == 0 {
            return Err(changed_meanwhile(store, id, "correct", needs).await);
        }
        let was: Option<serde_json::Value> = task.figures.as_deref().and_then(|f| serde_json::from_str(f).ok());
        let detail = serde_json::json!({
            "figures": values, "note": note.text, "typical": note.is_typical(),
            "was": { "figures": was, "note": task.note, "by": task.completed_by },
        });
        let scope = Some((task.campaign.as_str(), Some(task.run_key.as_str())));
        record_event(&txn, at, actor, EventKind::TaskCorrected, scope, Some(task.id), detail).await.map_err(err)?;
        Submitted::Corrected
    } else {
        match mark_done(&txn, &task, &values, note, at, actor).await.map_err(err)? {
            Some(opened) => Submitted::Done { opened },
            None => return Err(changed_meanwhile(store, id, "report", needs).await),
        }
    };
    txn.commit().await.map_err(err)?;
    Ok(submitted)
}

/// Waives a waiting or open task with a reason; opens the tasks that waited only on it.
pub async fn waive_task(
    store: &Store,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<usize, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let (txn, task, _) = begin_on_task(store, id, &ACTIVE, "waive", "a waiting or open task").await?;
    if !set_state(&txn, task.id, TaskState::Waived, &ACTIVE, now).await.map_err(err)? {
        return Err(changed_meanwhile(store, id, "waive", "a waiting or open task").await);
    }
    task::Entity::update_many()
        .col_expr(task::Column::Note, Expr::value(reason.to_string()))
        .filter(task::Column::Id.eq(task.id))
        .exec(&txn)
        .await
        .map_err(err)?;
    record_event(
        &txn,
        now,
        actor,
        EventKind::TaskWaived,
        Some((&task.campaign, Some(&task.run_key))),
        Some(task.id),
        serde_json::json!({ "reason": reason }),
    )
    .await
    .map_err(err)?;
    let opened = open_dependants(&txn, task.id, now, actor).await.map_err(err)?;
    txn.commit().await.map_err(err)?;
    Ok(opened)
}

/// Reopens a done or waived task; its reported figures are kept in the history only.
pub async fn reopen_task(store: &Store, id: &str, now: DateTime<Utc>, actor: &Actor) -> Result<(), StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let settled = [TaskState::Done, TaskState::Waived];
    let (txn, task, state) = begin_on_task(store, id, &settled, "reopen", "a done or waived task").await?;
    let next = next_event_at(TaskState::Open, task.starts_at, task.due_at, &task.schedule, now);
    let updated = task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(TaskState::Open.name()))
        .col_expr(task::Column::Figures, Expr::value(None::<String>))
        .col_expr(task::Column::CompletedBy, Expr::value(None::<String>))
        .col_expr(task::Column::CompletedAt, Expr::value(None::<i64>))
        .col_expr(task::Column::Note, Expr::value(None::<String>))
        .col_expr(task::Column::NextEventAt, Expr::value(next))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(task.id))
        .filter(task::Column::State.is_in(settled.map(|s| s.name())))
        .exec(&txn)
        .await
        .map_err(err)?;
    if updated.rows_affected == 0 {
        return Err(changed_meanwhile(store, id, "reopen", "a done or waived task").await);
    }
    record_event(
        &txn,
        now,
        actor,
        EventKind::TaskReopened,
        Some((&task.campaign, Some(&task.run_key))),
        Some(task.id),
        serde_json::json!({ "was": state.name() }),
    )
    .await
    .map_err(err)?;
    txn.commit().await.map_err(err)?;
    Ok(())
}

/// One line of a task's history, its time in the run's zone.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Tz>,
    pub actor: String,
    pub source: Source,
    pub kind: EventKind,
    pub detail: serde_json::Value,
}

/// Everything that happened to a task, oldest first, starting with the opening of its run.
pub async fn task_history(store: &Store, id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let task = find_task(&store.db, id).await.map_err(err)?.ok_or_else(|| StoreError::NoSuchTask(id.to_string()))?;
    let run_opened = event::Entity::find()
        .filter(event::Column::Kind.eq("run-opened"))
        .filter(event::Column::Campaign.eq(&task.campaign))
        .filter(event::Column::RunKey.eq(&task.run_key));
    let own = event::Entity::find().filter(event::Column::TaskId.eq(task.id));
    let tz = timezones(store).await?.get(&task.run_id).copied().unwrap_or(Tz::UTC);
    let mut events = run_opened.all(&store.db).await.map_err(err)?;
    events.extend(own.all(&store.db).await.map_err(err)?);
    events.sort_by_key(|e| e.id);
    events
        .into_iter()
        .map(|e| {
            let corrupt = |what: String| StoreError::Corrupt { what: format!("event {}: {what}", e.id) };
            Ok(HistoryEntry {
                at: DateTime::from_timestamp(e.at, 0).unwrap_or_default().with_timezone(&tz),
                kind: e.kind.parse().map_err(corrupt)?,
                detail: serde_json::from_str(&e.detail).map_err(|x| corrupt(format!("detail does not read ({x})")))?,
                source: e.source.parse().map_err(corrupt)?,
                actor: e.actor,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"[{"key":"visited","label":"走访","unit":"人","kind":"integer","required":true},
        {"key":"posts","label":"推送","unit":"条","kind":"integer","required":false},
        {"key":"hours","label":"时长","unit":null,"kind":"decimal","required":false}]"#;

    fn figs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn figures_are_checked_against_the_spec() {
        let spec = crate::stored::figure_spec(SPEC, 1).expect("the spec reads");
        let check_figures = |spec_text: &str, figures: &[(String, String)]| {
            let spec =
                if spec_text == SPEC { spec.clone() } else { crate::stored::figure_spec(spec_text, 1).expect("reads") };
            check_figures(&spec, figures)
        };
        assert_eq!(check_figures(SPEC, &figs(&[("visited", "12")])), Ok(serde_json::json!({"visited": 12})));
        assert_eq!(
            check_figures(SPEC, &figs(&[("visited", "3"), ("hours", "1.5")])),
            Ok(serde_json::json!({"visited": 3, "hours": 1.5}))
        );
        let all = check_figures(SPEC, &figs(&[("visted", "3"), ("posts", "-1"), ("hours", "x")])).unwrap_err();
        let all = StoreError::Figures(all).to_string();
        assert!(all.contains("unknown figure `visted`; expected one of: visited, posts, hours"), "{all}");
        assert!(all.contains("figure `posts` (推送) is `-1`; expected a non-negative whole number"), "{all}");
        assert!(all.contains("figure `hours` (时长) is `x`; expected a non-negative number"), "{all}");
        assert!(all.contains("missing required figure `visited`"), "{all}");
        assert!(check_figures(SPEC, &figs(&[("visited", "2.5")])).is_err());
        let none = StoreError::Figures(check_figures("[]", &figs(&[("x", "1")])).unwrap_err()).to_string();
        assert!(none.contains("takes no figures"), "{none}");
    }
}

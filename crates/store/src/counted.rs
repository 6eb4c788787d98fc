//! Figures counted from the talent register (`counted:` on a figure): what the register holds for
//! a task's unit during its run, and the check that a unit never reports more people than it
//! registered (issue 18 item 7). Reports take the count itself; see `report::snapshot`.

use campaign::{Figure, RegisterCount};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{run, task};
use crate::error::{FigureProblem, StoreError};
use crate::registry::{CountWindow, register_counts};

/// What the register holds for one counted figure of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegisteredFigure {
    pub key: String,
    pub count: RegisterCount,
    /// The persons counted over the unit's books, from the run's opening to now (or its close).
    pub registered: u64,
}

/// The window a run's counts cover at `now`: from its opening to now, or to its close once past.
pub(crate) fn run_window(run: &run::Model, now: i64) -> CountWindow {
    CountWindow { from: run.opens_at, to: now.saturating_add(1).min(run.closes_at) }
}

/// The register's counts of every counted figure of `spec` for `unit` in `window`.
pub(crate) async fn counted_for_unit(
    db: &impl ConnectionTrait,
    spec: &[Figure],
    unit: &str,
    window: CountWindow,
) -> Result<Vec<RegisteredFigure>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for figure in spec {
        let Some(count) = figure.counted else { continue };
        let counts = register_counts(db, count, window, &[unit]).await?;
        out.push(RegisteredFigure {
            key: figure.key.clone(),
            count,
            registered: counts.get(unit).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// Refuses checked `values` that report more persons than the register holds for the task's unit
/// during its run. Read in the caller's transaction, so the count and the report agree.
pub(crate) async fn check_counted(
    store: &Store,
    db: &impl ConnectionTrait,
    task: &task::Model,
    spec: &[Figure],
    values: &serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    if spec.iter().all(|f| f.counted.is_none()) {
        return Ok(());
    }
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(run) = run::Entity::find_by_id(task.run_id).one(db).await.map_err(err)? else { return Ok(()) };
    let registered = counted_for_unit(db, spec, &task.unit, run_window(&run, now)).await.map_err(err)?;
    let mut problems = Vec::new();
    for r in registered {
        let typed = values.get(&r.key).and_then(serde_json::Value::as_u64);
        if let (Some(value), Some(figure)) = (typed, spec.iter().find(|f| f.key == r.key))
            && value > r.registered
        {
            problems.push(FigureProblem::MoreThanRegistered {
                key: r.key,
                label: figure.label.clone(),
                value,
                registered: r.registered,
                count: r.count,
            });
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(StoreError::Figures(problems)) }
}

/// What the register holds, now, for each counted figure of task `id` (for its form: the count
/// beside the field). Empty when the task counts nothing from the register.
pub async fn task_registered(store: &Store, id: &str, now: DateTime<Utc>) -> Result<Vec<RegisteredFigure>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(task) = crate::operate::find_task(&store.db, id).await.map_err(err)? else {
        return Err(StoreError::NoSuchTask(id.to_string()));
    };
    let spec = crate::stored::figure_spec(&task.figure_spec, task.id)?;
    if spec.iter().all(|f| f.counted.is_none()) {
        return Ok(Vec::new());
    }
    let Some(run) = run::Entity::find_by_id(task.run_id).one(&store.db).await.map_err(err)? else {
        return Ok(Vec::new());
    };
    counted_for_unit(&store.db, &spec, &task.unit, run_window(&run, now.timestamp())).await.map_err(err)
}

//! Finding due work without scanning history: the indexed `next_event_at` columns of tasks and runs.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::connect::Store;
use crate::error::StoreError;

/// The query that finds tasks with something due at or before `now`, earliest first. It reads only
/// the `tasks_next_event_at` index range up to `now`, so its cost grows with due work, not history.
pub fn due_tasks_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "SELECT id, next_event_at FROM tasks WHERE next_event_at <= $1 ORDER BY next_event_at LIMIT $2"
        }
        _ => "SELECT id, next_event_at FROM tasks WHERE next_event_at <= ? ORDER BY next_event_at LIMIT ?",
    }
}

/// Ids of tasks with something due at or before `now`, earliest first, at most `limit`.
pub async fn due_tasks(store: &Store, now: DateTime<Utc>, limit: u64) -> Result<Vec<(i64, i64)>, StoreError> {
    let backend = store.backend();
    let statement = Statement::from_sql_and_values(
        backend,
        due_tasks_sql(backend),
        [now.timestamp().into(), (limit as i64).into()],
    );
    let rows = store.db.query_all_raw(statement).await.map_err(|e| StoreError::from_db(&store.url, e))?;
    rows.iter()
        .map(|row| Ok((row.try_get_by_index::<i64>(0)?, row.try_get_by_index::<i64>(1)?)))
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()
        .map_err(|e| StoreError::from_db(&store.url, e))
}

/// The database's plan for [`due_tasks`], one line per plan node (for the index test and for
/// operators checking a large installation).
pub async fn explain_due_tasks(store: &Store, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let backend = store.backend();
    let prefix = match backend {
        DbBackend::Postgres => "EXPLAIN ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    let sql = format!("{prefix}{}", due_tasks_sql(backend));
    let statement = Statement::from_sql_and_values(backend, sql, [now.timestamp().into(), 100i64.into()]);
    let rows = store.db.query_all_raw(statement).await.map_err(|e| StoreError::from_db(&store.url, e))?;
    let column = if backend == DbBackend::Postgres { "QUERY PLAN" } else { "detail" };
    rows.iter()
        .map(|row| row.try_get::<String>("", column))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::from_db(&store.url, e))
}

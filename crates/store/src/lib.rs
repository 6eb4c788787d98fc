//! The store: runs, tasks, the unit directory, applied definitions and the event log, in SQLite or
//! PostgreSQL through one code path. The only crate that knows SQL; entities never leave it.

mod apply;
mod bulk;
mod connect;
mod due;
mod entities;
mod error;
mod operate;
mod status;

pub use apply::{AppliedRun, ApplyReport, Definition, RunChange, apply};
pub use connect::{DEFAULT_URL, MigrationState, Store, normalize_url};
pub use due::{due_tasks, due_tasks_sql, explain_due_tasks};
pub use error::{FigureProblem, StoreError, redact};
pub use operate::{
    Actor, HistoryEntry, Source, TaskFilter, TaskRow, complete_task, list_tasks, reopen_task, task_history, waive_task,
};
pub use status::{FigureTotal, RunStatus, StateCounts, UnitStatus, status};

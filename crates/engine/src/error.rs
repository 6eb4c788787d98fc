//! What can stop the engine.

use std::path::PathBuf;

/// An error of the engine: the store, the mail setup, or another engine already running.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error(transparent)]
    Template(#[from] mail::TemplateError),
    #[error("cannot read {path}: {detail}")]
    Read { path: PathBuf, detail: String },
    /// A run could not be planned (e.g. its year is not covered by the holiday file).
    #[error("cannot plan the runs opening now:\n{0}")]
    Plan(String),
    /// SQLite serves one engine at a time.
    #[error(
        "another `guiyan run` is already serving {database} (lock {lock}); stop it first, or use PostgreSQL to run several engines"
    )]
    AlreadyRunning { database: String, lock: PathBuf },
    /// A report cannot be written (its template fails, or its campaign or declaration is gone).
    #[error("cannot write the report: {0}")]
    Report(String),
    #[error("cannot lock {lock}: {detail}")]
    Lock { lock: PathBuf, detail: String },
}

//! The store: runs, tasks, the unit directory, applied definitions and the event log, in SQLite or
//! PostgreSQL through one code path. The only crate that knows SQL; entities never leave it.

mod apply;
mod backup;
mod bulk;
mod by_child;
mod cause;
mod change_watch;
mod connect;
mod counted;
mod due;
mod entities;
mod error;
mod event_kind;
mod links;
mod missed;
mod operate;
mod outbox;
mod read;
pub mod registry;
mod reports;
mod status;
mod stored;
mod tick;

pub use apply::{AppliedRun, ApplyReport, Definition, RunChange, apply, newest_definition_id};
pub use backup::{BackupError, check_backup};
pub use by_child::{ChildProgress, ScopeProgress, progress_by_child, progress_by_child_sql};
pub use change_watch::ChangeWatch;
pub use connect::{DEFAULT_URL, MigrationState, Store, normalize_url, sqlite_file};
pub use counted::{RegisteredFigure, task_registered};
pub use due::{due_tasks, due_tasks_sql, explain_due_tasks};
pub use error::{FigureProblem, StoreError, redact};
pub use event_kind::EventKind;
pub use links::{
    LINK_SECRET_LEN, LinkStanding, Reader, UnitPlace, link_generation, link_secret, link_standing,
    link_standing_and_unit, reader, readers, revoke_links, rotate_link_secret, sign_link, subject_key,
};
pub use missed::{campaigns_in_use_since, record_missed_runs};
pub use operate::{
    Actor, HistoryEntry, MAX_FIGURE, Note, Source, Submitted, TaskFilter, TaskRow, complete_task, list_tasks,
    reopen_task, submit_task, task_history, waive_task,
};
pub use outbox::{
    ClaimedMail, ComposedMail, DigestData, DigestGroup, DigestTaskData, MailRow, MailState, SectionData, UnitInfo,
    claim_mails, compose, list_mails, mail_counts, mark_failed, mark_sent_many, pending_groups, record_accepted,
    release_claims, renew_claims, resume_orphaned, retry_mail,
};
pub use read::{
    RunInfo, TaskDetail, TaskPage, TaskQuery, UnitRow, UnitTask, Waiting, children, done_per_day, done_per_day_sql,
    has_units_below, is_within, run, run_progress, runs, task_detail, tasks_page, unit, unit_names, unit_tasks,
};
pub use report::Tally;
pub use reports::{
    ReportMailData, ReportOutcome, StoredSnapshot, TakenReport, compose_report, pending_reports, snapshot,
    snapshot_now, snapshots_of_run, take_reports,
};
pub use status::{DUE_SOON_SECONDS, FigureTotal, RunStatus, TemplateStatus, UnitStatus, status};
pub use tick::{Owners, TickReport, change_marker, known_runs, next_due, tick, upcoming};

//! The planner: campaign + directory + calendar → runs and tasks, as data. Pure: no IO, and the
//! current time is never read (callers pass what they need).

mod dependencies;
mod diff;
mod notice_kind;
mod occurrences;
mod plan_run;
mod render;
mod run;
mod schedule;
mod tick;

pub use diff::{ExistingTask, TaskChange, TaskState, diff_run};
pub use notice_kind::{NoticeKind, UnknownNoticeKind};
pub use occurrences::{Occurrence, occurrences_in_year};
pub use plan_run::{MissedRun, next_opening, plan_run, plan_year, runs_missed, runs_open_at, runs_to_open};
pub use render::{render_text, to_json};
pub use run::{PlannedEscalation, PlannedReport, PlannedRun, PlannedTask, RunAnchor, task_id};
pub use schedule::{Schedule, ScheduledEscalation, schedule_of};
pub use tick::{Decision, LATE_CLOSE_GRACE, Notice, TaskDue, decide};

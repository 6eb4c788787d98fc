//! What leadership reads, as data and as documents: task counts rolled up the unit tree, each unit
//! marked on track, at risk or behind, and ranked; frozen snapshots of a run at its report times;
//! the progress report (进度通报), the season's work report (情况报告) and the ledger (台账)
//! composed from a snapshot. Pure: the store counts and takes snapshots (in SQL), this crate adds
//! up, orders and words; the command line, the dashboard, the mail and the files all read the
//! same numbers from here.

mod compose;
#[cfg(test)]
mod fixture;
mod ledger;
mod mark;
mod progress;
mod progress_report;
mod rank;
mod rollup;
mod snapshot;
mod tally;
mod tree;
pub mod words;
mod work_report;

pub use compose::{Compared, ReportData, declared_or_built_in, report_document, text_document};
pub use ledger::{flat_ledger, ledger, state_words};
pub use mark::Mark;
pub use progress::{
    DUE_SOON_SECONDS, FigureLine, LaggingUnit, OverdueTask, Progress, UnitLine, figure_sums, rolled_up, tally_of,
};
pub use progress_report::{Length, mark_words, progress_document};
pub use rank::{Ranked, rank};
pub use rollup::{roll_up, roll_up_sums};
pub use snapshot::{SNAPSHOT_VERSION, Snapshot, SnapshotError, SnapshotTask, SnapshotTemplate, SnapshotUnit};
pub use tally::Tally;
pub use tree::{UnitNode, UnitTree, UnitTreeError};
pub use work_report::work_report_document;

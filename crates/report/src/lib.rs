//! What leadership reads, as data: task counts rolled up the unit tree, each unit marked on track,
//! at risk or behind, and ranked. Pure: the store counts (in SQL), this crate adds up and orders;
//! the command line, the dashboard and the reports all read the same numbers from here.

mod mark;
mod rank;
mod rollup;
mod tally;
mod tree;

pub use mark::Mark;
pub use rank::{Ranked, rank};
pub use rollup::{roll_up, roll_up_sums};
pub use tally::Tally;
pub use tree::{UnitNode, UnitTree, UnitTreeError};

//! How a unit stands, as a 情况通报 marks it: behind (red), at risk (yellow), on track (green).

use serde::Serialize;

use crate::tally::Tally;

/// A unit's standing, from its rolled-up tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// Work past its due time is not done (red).
    Behind,
    /// Nothing is overdue, but work is due within two days (yellow).
    AtRisk,
    /// Nothing overdue or about to be (green).
    OnTrack,
    /// No tasks to judge by.
    NoTasks,
}

impl Mark {
    /// The mark of a tally: overdue work makes a unit behind, whatever else it did.
    pub fn of(tally: &Tally) -> Mark {
        if tally.total() == 0 {
            Mark::NoTasks
        } else if tally.overdue > 0 {
            Mark::Behind
        } else if tally.due_soon > 0 {
            Mark::AtRisk
        } else {
            Mark::OnTrack
        }
    }

    /// The mark's name, for pages and JSON: `behind`, `at-risk`, `on-track`, `no-tasks`.
    pub fn name(self) -> &'static str {
        match self {
            Mark::Behind => "behind",
            Mark::AtRisk => "at-risk",
            Mark::OnTrack => "on-track",
            Mark::NoTasks => "no-tasks",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_work_outweighs_work_due_soon() {
        let t = |open, overdue, due_soon| Tally { open, overdue, due_soon, ..Tally::default() };
        assert_eq!(Mark::of(&t(3, 1, 2)), Mark::Behind);
        assert_eq!(Mark::of(&t(3, 0, 2)), Mark::AtRisk);
        assert_eq!(Mark::of(&t(3, 0, 0)), Mark::OnTrack);
        assert_eq!(Mark::of(&Tally::default()), Mark::NoTasks);
        assert_eq!(Mark::of(&Tally { done: 2, ..Tally::default() }), Mark::OnTrack);
    }
}

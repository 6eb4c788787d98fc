//! Task counts of one unit (or one task template, or one run): how many are in each state.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Task counts by state. `overdue` counts open tasks past their due time and `due_soon` open ones
/// due within [`DUE_SOON_SECONDS`](crate::DUE_SOON_SECONDS) (two days); both are also counted in `open`. Serialized with its `total` and
/// `completion` (`null` without tasks), as every front end shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub waiting: u64,
    pub open: u64,
    pub done: u64,
    pub waived: u64,
    pub cancelled: u64,
    pub overdue: u64,
    pub due_soon: u64,
}

impl Tally {
    /// Adds another tally into this one.
    pub fn merge(&mut self, other: &Tally) {
        self.waiting += other.waiting;
        self.open += other.open;
        self.done += other.done;
        self.waived += other.waived;
        self.cancelled += other.cancelled;
        self.overdue += other.overdue;
        self.due_soon += other.due_soon;
    }

    /// Tasks that count: all but cancelled.
    pub fn total(&self) -> u64 {
        self.waiting + self.open + self.done + self.waived
    }

    /// Done or waived.
    pub fn settled(&self) -> u64 {
        self.done + self.waived
    }

    /// Done or waived, as a share of the tasks that count; `None` when there are none.
    pub fn completion(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.settled() as f64 / total as f64)
    }
}

impl Serialize for Tally {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Tally", 9)?;
        s.serialize_field("waiting", &self.waiting)?;
        s.serialize_field("open", &self.open)?;
        s.serialize_field("done", &self.done)?;
        s.serialize_field("waived", &self.waived)?;
        s.serialize_field("cancelled", &self.cancelled)?;
        s.serialize_field("overdue", &self.overdue)?;
        s.serialize_field("due_soon", &self.due_soon)?;
        s.serialize_field("total", &self.total())?;
        s.serialize_field("completion", &self.completion())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_work_does_not_count_and_nothing_to_do_has_no_completion() {
        let t = Tally { waiting: 1, open: 2, done: 3, waived: 1, cancelled: 5, overdue: 1, due_soon: 1 };
        assert_eq!((t.total(), t.settled()), (7, 4));
        assert_eq!(t.completion(), Some(4.0 / 7.0));
        assert_eq!(Tally { cancelled: 3, ..Tally::default() }.completion(), None);
        let mut sum = t;
        sum.merge(&t);
        assert_eq!((sum.total(), sum.overdue, sum.cancelled), (14, 2, 10));
    }
}

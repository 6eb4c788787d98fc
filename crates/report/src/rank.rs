//! Ranking units by completion, as a 情况通报 lists them: the most complete first, those with overdue
//! work after those without at the same completion, then in directory order.

use serde::Serialize;

use crate::mark::Mark;
use crate::tally::Tally;

/// One unit's place in a ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    /// The unit's index in the tree.
    pub unit: usize,
    /// 1 for the first; units with equal completion and overdue work share a place.
    pub place: usize,
    /// Done or waived as a share of the tasks that count (0 when there are none).
    pub completion: f64,
    pub mark: Mark,
    pub tally: Tally,
}

/// Ranks `units` (indices with their rolled-up tallies). Units without tasks come last.
pub fn rank(units: &[(usize, Tally)]) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = units
        .iter()
        .map(|(unit, tally)| Ranked {
            unit: *unit,
            place: 0,
            completion: tally.completion().unwrap_or(0.0),
            mark: Mark::of(tally),
            tally: *tally,
        })
        .collect();
    let key = |r: &Ranked| {
        (
            r.mark == Mark::NoTasks,
            std::cmp::Reverse(r.tally.settled() * 1_000_000 / r.tally.total().max(1)),
            r.tally.overdue,
        )
    };
    ranked.sort_by(|a, b| key(a).cmp(&key(b)).then(a.unit.cmp(&b.unit)));
    for i in 0..ranked.len() {
        ranked[i].place = if i > 0 && key(&ranked[i]) == key(&ranked[i - 1]) { ranked[i - 1].place } else { i + 1 };
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_complete_come_first_and_overdue_work_breaks_ties() {
        let t = |done, open, overdue| Tally { done, open, overdue, ..Tally::default() };
        let ranked = rank(&[(1, t(1, 1, 1)), (2, t(2, 0, 0)), (3, t(1, 1, 0)), (4, Tally::default()), (5, t(1, 1, 0))]);
        let order: Vec<(usize, usize)> = ranked.iter().map(|r| (r.unit, r.place)).collect();
        assert_eq!(order, vec![(2, 1), (3, 2), (5, 2), (1, 4), (4, 5)]);
        assert_eq!(ranked[3].mark, Mark::Behind);
        assert_eq!(ranked[4].mark, Mark::NoTasks);
    }
}

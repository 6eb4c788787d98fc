//! Adding up the tree: a unit's rolled-up tally (or figure sums) is its own plus every
//! descendant's, in one backward pass over the preorder.

use std::collections::BTreeMap;

use crate::tally::Tally;
use crate::tree::UnitTree;

/// Each unit's own tally plus its descendants', by unit index. `own` holds the units' own tallies
/// by index (units without tasks may be absent).
pub fn roll_up(tree: &UnitTree, own: &[(usize, Tally)]) -> Vec<Tally> {
    let mut rolled = vec![Tally::default(); tree.len()];
    for (i, tally) in own {
        if let Some(slot) = rolled.get_mut(*i) {
            slot.merge(tally);
        }
    }
    add_into_parents(&mut rolled, |i| tree.units()[i].parent);
    rolled
}

/// Adds each unit's tally into its parent's, children first: `parent_of(i)` comes before `i`
/// (preorder), so one backward pass carries every tally up to the root. The tree's and the
/// snapshot's rollups share it.
pub(crate) fn add_into_parents(tallies: &mut [Tally], parent_of: impl Fn(usize) -> Option<usize>) {
    for i in (0..tallies.len()).rev() {
        if let Some(parent) = parent_of(i).filter(|&p| p < i) {
            let child = tallies[i];
            tallies[parent].merge(&child);
        }
    }
}

/// Each unit's sums (by key, e.g. `publicity.banners`) plus its descendants', by unit index.
pub fn roll_up_sums(tree: &UnitTree, own: &[(usize, BTreeMap<String, f64>)]) -> Vec<BTreeMap<String, f64>> {
    let mut rolled: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); tree.len()];
    for (i, sums) in own {
        if let Some(slot) = rolled.get_mut(*i) {
            for (key, value) in sums {
                *slot.entry(key.clone()).or_default() += value;
            }
        }
    }
    for i in (0..tree.len()).rev() {
        if let Some(parent) = tree.units()[i].parent {
            let child = std::mem::take(&mut rolled[i]);
            for (key, value) in &child {
                *rolled[parent].entry(key.clone()).or_default() += value;
            }
            rolled[i] = child;
        }
    }
    rolled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::tests::sample;

    #[test]
    fn a_street_includes_its_communities_and_the_district_everything() {
        let tree = sample();
        let t = |done, open| Tally { done, open, ..Tally::default() };
        let rolled = roll_up(&tree, &[(2, t(1, 1)), (3, t(0, 2)), (5, t(3, 0)), (1, t(1, 0))]);
        assert_eq!((rolled[1].done, rolled[1].open), (2, 3));
        assert_eq!((rolled[4].done, rolled[4].open), (3, 0));
        assert_eq!((rolled[0].done, rolled[0].open), (5, 3));
        assert_eq!(rolled[2], t(1, 1));
    }

    #[test]
    fn figure_sums_roll_up_by_key() {
        let tree = sample();
        let sums = |pairs: &[(&str, f64)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let rolled = roll_up_sums(
            &tree,
            &[(2, sums(&[("p.banners", 3.0)])), (5, sums(&[("p.banners", 2.0), ("v.visited", 7.0)]))],
        );
        assert_eq!(rolled[0], sums(&[("p.banners", 5.0), ("v.visited", 7.0)]));
        assert_eq!(rolled[1], sums(&[("p.banners", 3.0)]));
        assert_eq!(rolled[3], BTreeMap::new());
    }

    proptest::proptest! {
        /// The root's rolled-up tally is the sum of every unit's own.
        #[test]
        fn the_root_holds_everything(counts in proptest::collection::vec((0u64..50, 0u64..50), 6)) {
            let tree = sample();
            let own: Vec<(usize, Tally)> = counts.iter().enumerate()
                .map(|(i, (done, open))| (i, Tally { done: *done, open: *open, ..Tally::default() }))
                .collect();
            let rolled = roll_up(&tree, &own);
            let done: u64 = counts.iter().map(|(d, _)| d).sum();
            let open: u64 = counts.iter().map(|(_, o)| o).sum();
            proptest::prop_assert_eq!((rolled[0].done, rolled[0].open), (done, open));
        }
    }
}

//! Scoped `after` dependencies: task B for unit u waits for the instances of A whose unit is u, an
//! ancestor of u or a descendant of u; where there are none, for every instance of A.

use campaign::Directory;

/// The instances of one template in a run: unit (preorder index) → task index, sorted by unit so
/// that a subtree is a contiguous slice.
#[derive(Clone, Debug, Default)]
pub struct Instances {
    by_unit: Vec<(usize, usize)>,
}

impl Instances {
    pub fn push(&mut self, unit: usize, task: usize) {
        self.by_unit.push((unit, task));
    }

    /// Call once all instances are pushed.
    pub fn finish(&mut self) {
        self.by_unit.sort_unstable();
    }

    fn find(&self, unit: usize) -> Option<usize> {
        self.by_unit.binary_search_by_key(&unit, |(u, _)| *u).ok().map(|i| self.by_unit[i].1)
    }

    /// Appends the task indices a task of `unit` waits for to `out`, in unit order (into a buffer
    /// the caller reuses: the planner asks once per task).
    pub fn scoped(&self, directory: &Directory, unit: usize, out: &mut Vec<usize>) {
        let start = out.len();
        // Ancestors come nearest first: reversed, the result is in preorder.
        out.extend(directory.ancestors(unit).filter_map(|a| self.find(a)));
        out[start..].reverse();
        if let Some(own) = self.find(unit) {
            out.push(own);
        }
        let end = directory.units[unit].subtree_end;
        let from = self.by_unit.partition_point(|(u, _)| *u <= unit);
        out.extend(self.by_unit[from..].iter().take_while(|(u, _)| *u < end).map(|(_, t)| *t));
        if out.len() == start {
            out.extend(self.by_unit.iter().map(|(_, t)| *t));
        }
    }
}

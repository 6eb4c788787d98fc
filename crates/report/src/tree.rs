//! The unit directory as a tree in preorder: every unit's descendants follow it, so a subtree is a
//! contiguous range and adding up from the last unit to the first visits children before parents.

use serde::Serialize;

/// One unit of the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitNode {
    pub id: String,
    pub name: String,
    /// The level's name: `district`, `street`, `community`.
    pub level: String,
    /// 0 for a root.
    pub depth: u32,
    /// Index of the parent in the tree (always before this unit), `None` for a root.
    pub parent: Option<usize>,
}

/// A directory whose units are in preorder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitTree {
    units: Vec<UnitNode>,
    /// For each unit, one past the index of its last descendant.
    ends: Vec<usize>,
}

/// Units that do not form a tree in preorder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitTreeError {
    /// A unit's parent does not come before it.
    ParentAfterChild { unit: String },
    /// A unit's depth is not its parent's plus one.
    WrongDepth { unit: String },
}

impl std::fmt::Display for UnitTreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnitTreeError::ParentAfterChild { unit } => write!(f, "unit `{unit}` comes before its parent"),
            UnitTreeError::WrongDepth { unit } => write!(f, "unit `{unit}` is not one level below its parent"),
        }
    }
}

impl std::error::Error for UnitTreeError {}

impl UnitTree {
    /// The tree of `units`, which must be in preorder (parents first, each subtree contiguous).
    pub fn new(units: Vec<UnitNode>) -> Result<UnitTree, UnitTreeError> {
        let mut ends: Vec<usize> = (0..units.len()).map(|i| i + 1).collect();
        for (i, unit) in units.iter().enumerate() {
            match unit.parent {
                Some(p) if p >= i => return Err(UnitTreeError::ParentAfterChild { unit: unit.id.clone() }),
                Some(p) if units[p].depth + 1 != unit.depth => {
                    return Err(UnitTreeError::WrongDepth { unit: unit.id.clone() });
                }
                None if unit.depth != 0 => return Err(UnitTreeError::WrongDepth { unit: unit.id.clone() }),
                _ => {}
            }
        }
        // Walking backwards, each unit's end is known before its parent's is extended by it.
        for i in (0..units.len()).rev() {
            if let Some(p) = units[i].parent {
                ends[p] = ends[p].max(ends[i]);
            }
        }
        // Preorder: the unit just before a child is its parent or one of the parent's descendants
        // (else another subtree stands between them).
        for (i, unit) in units.iter().enumerate() {
            let Some(p) = unit.parent else { continue };
            let mut a = i - 1;
            while units[a].depth > units[p].depth {
                match units[a].parent {
                    Some(up) => a = up,
                    None => break,
                }
            }
            if a != p {
                return Err(UnitTreeError::ParentAfterChild { unit: unit.id.clone() });
            }
        }
        Ok(UnitTree { units, ends })
    }

    pub fn units(&self) -> &[UnitNode] {
        &self.units
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The index of the unit `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id == id)
    }

    /// The unit at `index` and every unit below it, as indices: a contiguous range.
    pub fn subtree(&self, index: usize) -> std::ops::Range<usize> {
        index..self.ends.get(index).copied().unwrap_or(index)
    }

    /// Whether `unit` is `ancestor` or below it.
    pub fn is_within(&self, unit: usize, ancestor: usize) -> bool {
        self.subtree(ancestor).contains(&unit)
    }

    /// The units one level below `index`, in directory order.
    pub fn children(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.subtree(index).filter(move |&i| self.units[i].parent == Some(index))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// district > (s1 > c1, c2), (s2 > c3)
    pub(crate) fn sample() -> UnitTree {
        let node = |id: &str, level: &str, depth: u32, parent: Option<usize>| UnitNode {
            id: id.into(),
            name: id.to_uppercase(),
            level: level.into(),
            depth,
            parent,
        };
        UnitTree::new(vec![
            node("d", "district", 0, None),
            node("s1", "street", 1, Some(0)),
            node("c1", "community", 2, Some(1)),
            node("c2", "community", 2, Some(1)),
            node("s2", "street", 1, Some(0)),
            node("c3", "community", 2, Some(4)),
        ])
        .expect("a tree in preorder")
    }

    #[test]
    fn subtrees_are_contiguous_ranges() {
        let tree = sample();
        assert_eq!(tree.subtree(0), 0..6);
        assert_eq!(tree.subtree(1), 1..4);
        assert_eq!(tree.subtree(4), 4..6);
        assert_eq!(tree.subtree(2), 2..3);
        assert_eq!(tree.children(0).collect::<Vec<_>>(), vec![1, 4]);
        assert!(tree.is_within(3, 1) && !tree.is_within(5, 1));
    }

    #[test]
    fn units_out_of_preorder_are_refused() {
        let mut units = sample().units().to_vec();
        units.swap(1, 2);
        assert!(UnitTree::new(units).is_err());
        let mut units = sample().units().to_vec();
        units[5].parent = Some(1); // c3 under s1, but s2 stands between them
        assert!(UnitTree::new(units).is_err());
    }
}

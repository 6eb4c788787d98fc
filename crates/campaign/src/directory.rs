//! The unit directory: a tree of responsible units (district → street → community) and the named
//! groups that receive reports; validated from its raw form.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostic::{DiagnosticKind, Loc};
use crate::ids::{is_valid_email, is_valid_id};
use crate::raw::{RawDirectory, RawUnit};
use crate::read::Reader;

/// The validated directory. Units are stored in preorder, so a unit's descendants are the
/// contiguous range `index+1 .. subtree_end`.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    pub source: PathBuf,
    pub levels: Vec<String>,
    pub units: Vec<Unit>,
    pub groups: Vec<Group>,
    index: HashMap<String, usize>,
    /// Where each unit id was written, for diagnostics.
    pub unit_locs: Vec<Loc>,
}

/// A responsible unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    /// Index into `Directory::levels`.
    pub level: usize,
    pub email: String,
    pub parent: Option<usize>,
    /// One past the last descendant, in preorder.
    pub subtree_end: usize,
}

/// A named group of report recipients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub members: Vec<Member>,
}

/// A member of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub email: String,
}

impl Directory {
    /// The index of a unit by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.position(id).map(|i| &self.units[i])
    }

    pub fn level_index(&self, level: &str) -> Option<usize> {
        self.levels.iter().position(|l| l == level)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Whether `descendant` lies strictly below `ancestor`.
    pub fn is_descendant(&self, descendant: usize, ancestor: usize) -> bool {
        descendant > ancestor && descendant < self.units[ancestor].subtree_end
    }

    /// Indices of the ancestors of a unit, nearest first.
    pub fn ancestors(&self, unit: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.units[unit].parent, move |&i| self.units[i].parent)
    }

    /// Units of a level, optionally only those below `under`, in preorder.
    pub fn units_at_level(&self, level: usize, under: Option<usize>) -> Vec<usize> {
        let range = match under {
            Some(u) => u + 1..self.units[u].subtree_end,
            None => 0..self.units.len(),
        };
        range.filter(|&i| self.units[i].level == level).collect()
    }
}

/// Validates a raw directory into a typed one. The directory is built as far as it can be even when
/// there are errors, so that campaigns referring to it are still checked.
pub fn validate_directory(raw: &RawDirectory, r: &mut Reader) -> Directory {
    let mut dir = Directory { source: r.file().to_path_buf(), ..Directory::default() };
    let mut level_locs: HashMap<String, Loc> = HashMap::new();
    r.in_key("levels", |r| {
        for (i, level) in raw.levels.iter().flatten().enumerate() {
            r.in_index(i, |r| {
                if !is_valid_id(&level.value) {
                    r.error(level.loc, DiagnosticKind::InvalidId { value: level.value.clone() });
                } else if let Some(first) = level_locs.get(&level.value) {
                    r.error(
                        level.loc,
                        DiagnosticKind::DuplicateId { what: "level", id: level.value.clone(), first_line: first.line },
                    );
                } else {
                    level_locs.insert(level.value.clone(), level.loc);
                    dir.levels.push(level.value.clone());
                }
            });
        }
    });
    r.in_key("units", |r| {
        for (i, unit) in raw.units.iter().flatten().enumerate() {
            r.in_index(i, |r| add_unit(&mut dir, unit, None, r));
        }
    });
    r.in_key("groups", |r| {
        for (name, members) in raw.groups.iter().flat_map(|g| g.0.iter()) {
            r.in_key(&name.value, |r| {
                if !is_valid_id(&name.value) {
                    r.error(name.loc, DiagnosticKind::InvalidId { value: name.value.clone() });
                }
                if let Some(&unit) = dir.index.get(&name.value) {
                    // Report recipients name groups and units alike, so the names must not clash.
                    let first_line = dir.unit_locs[unit].line;
                    r.error(
                        name.loc,
                        DiagnosticKind::GroupNamedLikeUnit { id: name.value.clone(), unit_line: first_line },
                    );
                }
                let mut group = Group { name: name.value.clone(), members: Vec::new() };
                for (i, member) in members.iter().enumerate() {
                    r.in_index(i, |r| {
                        if let (Some(n), Some(email)) = (&member.name, &member.email) {
                            check_email(r, &email.value, email.loc);
                            group.members.push(Member { name: n.value.0.clone(), email: email.value.clone() });
                        }
                    });
                }
                dir.groups.push(group);
            });
        }
    });
    dir
}

fn check_email(r: &mut Reader, email: &str, loc: Loc) {
    if !is_valid_email(email) {
        r.in_key("email", |r| r.error(loc, DiagnosticKind::InvalidEmail { value: email.to_string() }));
    }
}

fn add_unit(dir: &mut Directory, raw: &RawUnit, parent: Option<usize>, r: &mut Reader) {
    let position = dir.units.len();
    let id = raw.id.as_ref().inspect(|id| {
        r.in_key("id", |r| {
            if !is_valid_id(&id.value) {
                r.error(id.loc, DiagnosticKind::InvalidId { value: id.value.clone() });
            }
        });
    });
    let level = raw.level.as_ref().and_then(|level| {
        r.in_key("level", |r| match dir.level_index(&level.value) {
            Some(index) => {
                if let Some(p) = parent {
                    let parent_level = dir.units[p].level;
                    if index <= parent_level {
                        r.error(
                            level.loc,
                            DiagnosticKind::LevelOrder {
                                unit: id.map(|i| i.value.clone()).unwrap_or_default(),
                                level: level.value.clone(),
                                parent_level: dir.levels[parent_level].clone(),
                            },
                        );
                    }
                }
                Some(index)
            }
            None => {
                r.error(
                    level.loc,
                    DiagnosticKind::UnknownLevel { level: level.value.clone(), expected: dir.levels.clone() },
                );
                None
            }
        })
    });
    if let Some(email) = &raw.email {
        check_email(r, &email.value, email.loc);
    }
    // A unit without a usable id or level cannot be referred to; its children are still checked.
    let registered = match (id, level) {
        (Some(id), Some(level)) => {
            if let Some(&first) = dir.index.get(&id.value) {
                let first_line = dir.unit_locs[first].line;
                r.in_key("id", |r| {
                    r.error(id.loc, DiagnosticKind::DuplicateId { what: "unit", id: id.value.clone(), first_line })
                });
                false
            } else {
                dir.index.insert(id.value.clone(), position);
                dir.unit_locs.push(id.loc);
                dir.units.push(Unit {
                    id: id.value.clone(),
                    name: raw.name.as_ref().map(|n| n.value.0.clone()).unwrap_or_default(),
                    level,
                    email: raw.email.as_ref().map(|e| e.value.clone()).unwrap_or_default(),
                    parent,
                    subtree_end: position + 1,
                });
                true
            }
        }
        _ => false,
    };
    let child_parent = if registered { Some(position) } else { parent };
    r.in_key("children", |r| {
        for (i, child) in raw.children.iter().flatten().enumerate() {
            r.in_index(i, |r| add_unit(dir, child, child_parent, r));
        }
    });
    if registered {
        dir.units[position].subtree_end = dir.units.len();
    }
}

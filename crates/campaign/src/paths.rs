//! Lexical path joining: resolves `units.yaml` against a campaign's folder without touching the
//! file system.

use std::path::{Component, Path, PathBuf};

/// Joins `relative` to `folder` and removes `.` and `..` components lexically.
pub fn join(folder: &Path, relative: &str) -> PathBuf {
    normalize(&folder.join(relative))
}

/// Removes `.` and resolvable `..` components.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lexically() {
        assert_eq!(join(Path::new("workflows"), "units.yaml"), PathBuf::from("workflows/units.yaml"));
        assert_eq!(join(Path::new("workflows/a"), "../units.yaml"), PathBuf::from("workflows/units.yaml"));
        assert_eq!(join(Path::new(""), "./units.yaml"), PathBuf::from("units.yaml"));
    }
}

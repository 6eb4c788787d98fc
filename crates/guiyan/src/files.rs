//! The file system behind the campaign loader: expanding folders into files, and reading with a
//! size cap so that a huge file is never loaded whole.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use campaign::{Files, MAX_FILE_BYTES, ReadProblem};

/// The default folder of definitions.
pub const DEFAULT_FOLDER: &str = "workflows";

/// Expands the command line's paths: a folder stands for the `*.yaml` and `*.yml` files directly in
/// it (sorted); a file stands for itself. A path that does not exist is a usage error.
pub fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let defaults = [PathBuf::from(DEFAULT_FOLDER)];
    let paths = if paths.is_empty() { &defaults[..] } else { paths };
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect();
            files.sort();
            if files.is_empty() {
                bail!("{} holds no .yaml files", path.display());
            }
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Reads files from disk, at most one byte past the size limit.
pub struct DiskFiles;

impl Files for DiskFiles {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadProblem> {
        let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
        Ok(bytes)
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

fn io_reason(error: &std::io::Error) -> ReadProblem {
    match error.kind() {
        std::io::ErrorKind::NotFound => ReadProblem::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadProblem::PermissionDenied,
        std::io::ErrorKind::IsADirectory => ReadProblem::NotAFile,
        _ => ReadProblem::Other(error.to_string()),
    }
}

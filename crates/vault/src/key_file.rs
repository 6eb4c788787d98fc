//! The key file: its text format, reading it (refusing one others may read) and writing it (never
//! wider than 0600, replaced atomically on rotation).
//!
//! ```toml
//! # guiyan registry keys — see the warning written above this line in the file
//! version = 1
//! current_key = 2
//! blind_index_key = "base64 of 32 bytes"
//!
//! [[data_keys]]
//! id = 1
//! algorithm = "aes-256-gcm"
//! key = "base64 of 32 bytes"
//!
//! [[data_keys]]
//! id = 2
//! algorithm = "sm4-gcm"
//! key = "base64 of 16 bytes"
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::algorithm::Algorithm;
use crate::error::VaultError;

/// The version this code writes and reads.
const FORMAT_VERSION: u32 = 1;

/// Key files are small; a larger file is not one.
const MAX_KEY_FILE_BYTES: u64 = 1 << 20;

const HEADER: &str = "\
# guiyan talent registry keys. Back this file up and keep it apart from database backups:
# without it the registry's ID numbers, mobiles and addresses cannot be read; with a database
# backup, it reads them. Never share it; keep its mode 0600. Old keys stay for opening old values.
";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileText {
    version: u32,
    current_key: u32,
    blind_index_key: String,
    data_keys: Vec<DataKeyText>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataKeyText {
    id: u32,
    algorithm: String,
    key: String,
}

/// One data key as read from the file.
pub(crate) struct DataKeyBytes {
    pub id: u32,
    pub algorithm: Algorithm,
    pub key: Zeroizing<Vec<u8>>,
}

/// The contents of a key file.
pub(crate) struct KeyMaterial {
    pub current_key: u32,
    pub blind_index_key: Zeroizing<[u8; 32]>,
    pub data_keys: Vec<DataKeyBytes>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io { path: path.to_path_buf(), source }
}

/// Reads a key file, refusing one that group or others may read or write (as ssh refuses such a
/// private key): the keys are the registry.
pub(crate) fn read(path: &Path) -> Result<KeyMaterial, VaultError> {
    let mut file = File::open(path).map_err(io(path))?;
    let meta = file.metadata().map_err(io(path))?;
    if !meta.is_file() {
        return Err(format_error(path, "not a regular file"));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(VaultError::TooOpen { path: path.to_path_buf(), mode });
    }
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(format_error(path, "larger than a key file"));
    }
    let mut text = Zeroizing::new(String::new());
    file.read_to_string(&mut text).map_err(io(path))?;
    parse(path, &text)
}

fn format_error(path: &Path, reason: impl Into<String>) -> VaultError {
    VaultError::Format { path: path.to_path_buf(), reason: reason.into() }
}

fn parse(path: &Path, text: &str) -> Result<KeyMaterial, VaultError> {
    let parsed: KeyFileText = toml::from_str(text).map_err(|e| format_error(path, e.message().to_string()))?;
    let blind_text = Zeroizing::new(parsed.blind_index_key);
    if parsed.version != FORMAT_VERSION {
        return Err(format_error(path, format!("version {} (this guiyan reads {FORMAT_VERSION})", parsed.version)));
    }
    let blind = decode(path, &blind_text, "blind_index_key")?;
    let blind_index_key: [u8; 32] =
        blind.as_slice().try_into().map_err(|_| format_error(path, "blind_index_key is not 32 bytes"))?;
    let mut data_keys: Vec<DataKeyBytes> = Vec::new();
    for k in parsed.data_keys {
        let key_text = Zeroizing::new(k.key);
        let algorithm = Algorithm::from_name(&k.algorithm)
            .ok_or_else(|| format_error(path, format!("key {}: unknown algorithm `{}`", k.id, k.algorithm)))?;
        let key = decode(path, &key_text, "key")?;
        if key.len() != algorithm.key_len() {
            return Err(format_error(
                path,
                format!("key {}: {} needs {} bytes, found {}", k.id, algorithm.name(), algorithm.key_len(), key.len()),
            ));
        }
        if data_keys.iter().any(|d| d.id == k.id) {
            return Err(format_error(path, format!("key {} appears twice", k.id)));
        }
        data_keys.push(DataKeyBytes { id: k.id, algorithm, key });
    }
    if !data_keys.iter().any(|d| d.id == parsed.current_key) {
        return Err(format_error(path, format!("current_key {} is not among data_keys", parsed.current_key)));
    }
    Ok(KeyMaterial { current_key: parsed.current_key, blind_index_key: Zeroizing::new(blind_index_key), data_keys })
}

fn decode(path: &Path, text: &str, what: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    STANDARD.decode(text.trim()).map(Zeroizing::new).map_err(|_| format_error(path, format!("{what} is not base64")))
}

fn render(material: &KeyMaterial) -> Result<Zeroizing<String>, String> {
    let text = KeyFileText {
        version: FORMAT_VERSION,
        current_key: material.current_key,
        blind_index_key: STANDARD.encode(material.blind_index_key.as_slice()),
        data_keys: material
            .data_keys
            .iter()
            .map(|k| DataKeyText {
                id: k.id,
                algorithm: k.algorithm.name().into(),
                key: STANDARD.encode(k.key.as_slice()),
            })
            .collect(),
    };
    let body = Zeroizing::new(toml::to_string(&text).map_err(|e| e.to_string())?);
    // The base64 copies of the keys are wiped as well.
    drop(Zeroizing::new(text.blind_index_key));
    text.data_keys.into_iter().for_each(|k| drop(Zeroizing::new(k.key)));
    Ok(Zeroizing::new(format!("{HEADER}{}", body.as_str())))
}

/// Writes a new key file that must not exist yet. It is written in full beside its place (mode
/// 0600 from the first byte, so never readable by others, not even for a moment), then linked
/// into place: `link` fails if the file exists, so two processes starting together never
/// overwrite each other's keys, and the one that loses reads a complete file, never a half-written
/// one. `AlreadyExists` comes back as `VaultError::Io` for the caller to read the existing file.
pub(crate) fn create(path: &Path, material: &KeyMaterial) -> Result<(), VaultError> {
    // A name no other process or thread uses (a crash may leave one behind: its keys sealed
    // nothing, and it is 0600 like the key file).
    let mut tag = [0u8; 8];
    getrandom::fill(&mut tag).map_err(|e| VaultError::Random(e.to_string()))?;
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let temp = sibling(path, &format!(".creating.{tag}"));
    write_new(&temp, material)?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => {}
        Err(source) if source.kind() == ErrorKind::AlreadyExists => {
            return Err(VaultError::Io { path: path.to_path_buf(), source });
        }
        // A file system without hard links: write in place, still `create_new`.
        Err(_) => write_new(path, material)?,
    }
    sync_parent(path);
    Ok(())
}

/// Writes `path`, which must not exist, with mode 0600, and syncs it; removes it again on failure.
fn write_new(path: &Path, material: &KeyMaterial) -> Result<(), VaultError> {
    let text = render(material).map_err(|reason| format_error(path, reason))?;
    let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io(path))?;
    let written = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
    if let Err(source) = written {
        // A half-written key file would be refused on the next start; better none at all.
        let _ = fs::remove_file(path);
        return Err(VaultError::Io { path: path.to_path_buf(), source });
    }
    Ok(())
}

/// Replaces a key file with new contents: written beside it (0600, `create_new`), synced, then
/// renamed over it, so a crash leaves the old file or the new one, never a mix.
pub(crate) fn replace(path: &Path, material: &KeyMaterial) -> Result<(), VaultError> {
    let temp = sibling(path, ".rotating");
    // A leftover of a rotation that crashed before its rename: its key sealed nothing.
    remove_leftover(&temp)?;
    write_new(&temp, material)?;
    fs::rename(&temp, path).map_err(io(path))?;
    sync_parent(path);
    Ok(())
}

fn remove_leftover(temp: &Path) -> Result<(), VaultError> {
    match fs::remove_file(temp) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(VaultError::Io { path: temp.to_path_buf(), source }),
    }
}

/// `registry.keys` → `registry.keys{suffix}`, in the same directory (so a rename is atomic).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Makes a new or renamed file's directory entry durable; best effort (not every file system
/// lets a directory be opened).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material() -> KeyMaterial {
        KeyMaterial {
            current_key: 2,
            blind_index_key: Zeroizing::new([7; 32]),
            data_keys: vec![
                DataKeyBytes { id: 1, algorithm: Algorithm::Aes256Gcm, key: Zeroizing::new(vec![1; 32]) },
                DataKeyBytes { id: 2, algorithm: Algorithm::Sm4Gcm, key: Zeroizing::new(vec![2; 16]) },
            ],
        }
    }

    #[test]
    fn renders_and_parses_back() {
        let text = render(&material()).unwrap();
        assert!(text.starts_with("# guiyan talent registry keys"));
        let back = parse(Path::new("k"), &text).unwrap();
        assert_eq!(back.current_key, 2);
        assert_eq!(*back.blind_index_key, [7; 32]);
        assert_eq!(back.data_keys.len(), 2);
        assert_eq!(back.data_keys[1].algorithm, Algorithm::Sm4Gcm);
        assert_eq!(*back.data_keys[1].key, vec![2; 16]);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let good = render(&material()).unwrap().to_string();
        let cases = [
            (good.replace("version = 1", "version = 2"), "version 2"),
            (good.replace("current_key = 2", "current_key = 3"), "current_key 3"),
            (good.replace("sm4-gcm", "des"), "unknown algorithm"),
            (good.replace("id = 2", "id = 1"), "appears twice"),
            (good.replace("sm4-gcm", "aes-256-gcm"), "needs 32 bytes"),
            (format!("{good}\nextra = 1\n"), "extra"),
            ("".to_string(), "missing"),
        ];
        for (text, reason) in cases {
            match parse(Path::new("k"), &text) {
                Err(VaultError::Format { reason: r, .. }) => assert!(r.contains(reason), "{r} ∌ {reason}"),
                other => panic!("{reason}: {:?}", other.map(|_| ())),
            }
        }
    }
}

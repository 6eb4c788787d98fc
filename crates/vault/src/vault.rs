//! The vault: a key file's keys in memory, sealing and opening field values, blind indexes and key
//! rotation.

use std::fmt;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::algorithm::{Algorithm, Cipher, NONCE_LEN};
use crate::blind::{self, BlindIndex};
use crate::error::VaultError;
use crate::key_file::{self, DataKeyBytes, KeyMaterial};
use crate::notice::KeyFileNotice;
use crate::sealed;

/// The keys of the registry. `Debug` shows key ids and algorithms, never a key; keys are wiped
/// from memory when the vault is dropped.
pub struct Vault {
    /// Where the keys are kept; `None` for a vault that lives in memory only (tests, benches).
    path: Option<PathBuf>,
    material: KeyMaterial,
    ciphers: Vec<(u32, Cipher)>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<(u32, &str)> = self.material.data_keys.iter().map(|k| (k.id, k.algorithm.name())).collect();
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("current_key", &self.material.current_key)
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, VaultError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|e| VaultError::Random(e.to_string()))?;
    Ok(bytes)
}

fn new_data_key(id: u32, algorithm: Algorithm) -> Result<DataKeyBytes, VaultError> {
    let full = random::<32>()?;
    Ok(DataKeyBytes { id, algorithm, key: Zeroizing::new(full[..algorithm.key_len()].to_vec()) })
}

impl Vault {
    /// Reads the key file at `path`, or creates it with a new data key of `algorithm` and a new
    /// blind-index key when there is none. On creation the notice to print comes back: the file
    /// must be backed up.
    pub fn open_or_create(path: &Path, algorithm: Algorithm) -> Result<(Vault, Option<KeyFileNotice>), VaultError> {
        match Vault::create(path, algorithm) {
            Ok(vault) => Ok((vault, Some(KeyFileNotice::Created { path: path.to_path_buf() }))),
            // Another start created it first, or it was there: read it.
            Err(VaultError::Io { source, .. }) if source.kind() == ErrorKind::AlreadyExists => {
                Ok((Vault::load(path)?, None))
            }
            Err(e) => Err(e),
        }
    }

    /// Reads an existing key file.
    pub fn load(path: &Path) -> Result<Vault, VaultError> {
        let material = key_file::read(path)?;
        Vault::from_material(Some(path.to_path_buf()), material)
            .map_err(|reason| VaultError::Format { path: path.to_path_buf(), reason })
    }

    /// Creates a key file that must not exist yet.
    pub fn create(path: &Path, algorithm: Algorithm) -> Result<Vault, VaultError> {
        let material = Vault::new_material(algorithm)?;
        key_file::create(path, &material)?;
        Vault::from_material(Some(path.to_path_buf()), material)
            .map_err(|reason| VaultError::Format { path: path.to_path_buf(), reason })
    }

    /// A vault with new random keys that is never written anywhere: for tests and benches.
    pub fn in_memory(algorithm: Algorithm) -> Result<Vault, VaultError> {
        let material = Vault::new_material(algorithm)?;
        Vault::from_material(None, material).map_err(VaultError::Random)
    }

    fn new_material(algorithm: Algorithm) -> Result<KeyMaterial, VaultError> {
        Ok(KeyMaterial {
            current_key: 1,
            blind_index_key: random::<32>()?,
            data_keys: vec![new_data_key(1, algorithm)?],
        })
    }

    fn from_material(path: Option<PathBuf>, material: KeyMaterial) -> Result<Vault, String> {
        let ciphers = material
            .data_keys
            .iter()
            .map(|k| Cipher::new(k.algorithm, &k.key).map(|c| (k.id, c)).ok_or(format!("key {}: bad length", k.id)))
            .collect::<Result<_, _>>()?;
        Ok(Vault { path, material, ciphers })
    }

    /// The key file this vault was read from or written to.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The id and algorithm of the key new values are sealed with.
    pub fn current_key(&self) -> (u32, Algorithm) {
        let id = self.material.current_key;
        let algorithm = self.material.data_keys.iter().find(|k| k.id == id).map(|k| k.algorithm).unwrap_or_default();
        (id, algorithm)
    }

    /// Every data key's id and algorithm, oldest first.
    pub fn keys(&self) -> Vec<(u32, Algorithm)> {
        self.material.data_keys.iter().map(|k| (k.id, k.algorithm)).collect()
    }

    fn cipher(&self, key_id: u32) -> Option<&Cipher> {
        self.ciphers.iter().find(|(id, _)| *id == key_id).map(|(_, c)| c)
    }

    /// Encrypts `plaintext` for the column `field` under the current key, with a fresh random
    /// nonce. The field's name is authenticated, not stored: the value opens only as that field.
    pub fn seal(&self, field: &str, plaintext: &str) -> Result<Vec<u8>, VaultError> {
        let (key_id, algorithm) = self.current_key();
        let cipher = self.cipher(key_id).ok_or_else(|| VaultError::UnknownKey { field: field.into(), key_id })?;
        let nonce = random::<NONCE_LEN>()?;
        let prefix = sealed::prefix(algorithm, key_id);
        let aad = sealed::associated_data(&prefix, field);
        let body =
            cipher.seal(&nonce, &aad, plaintext.as_bytes()).ok_or_else(|| VaultError::Seal { field: field.into() })?;
        let mut out = Vec::with_capacity(sealed::HEADER_LEN + body.len());
        out.extend_from_slice(&prefix);
        out.extend_from_slice(nonce.as_slice());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decrypts a value sealed for `field`, with whichever key of the ring sealed it.
    pub fn open(&self, field: &str, sealed_value: &[u8]) -> Result<String, VaultError> {
        let parts = sealed::split(sealed_value).ok_or_else(|| VaultError::Malformed { field: field.into() })?;
        let key_id = parts.key_id;
        let known = self.material.data_keys.iter().find(|k| k.id == key_id);
        let cipher = self.cipher(key_id).ok_or_else(|| VaultError::UnknownKey { field: field.into(), key_id })?;
        if known.map(|k| k.algorithm) != Some(parts.algorithm) {
            // The header's algorithm is authenticated too, so this is a changed header.
            return Err(VaultError::Tampered { field: field.into() });
        }
        let aad = sealed::associated_data(parts.prefix, field);
        let plain = Zeroizing::new(
            cipher.open(&parts.nonce, &aad, parts.body).ok_or_else(|| VaultError::Tampered { field: field.into() })?,
        );
        String::from_utf8(plain.to_vec()).map_err(|_| VaultError::NotText { field: field.into() })
    }

    /// Whether a sealed value was sealed with another key than the current one, so the store
    /// re-seals it after a rotation. Malformed values are an error, not "no".
    pub fn needs_reseal(&self, sealed_value: &[u8]) -> Result<bool, VaultError> {
        let parts = sealed::split(sealed_value).ok_or_else(|| VaultError::Malformed { field: String::new() })?;
        Ok(parts.key_id != self.material.current_key)
    }

    /// The blind index of a normalised value (`IdNumber::as_str`, `Mobile::as_str`, a name in
    /// normal form) in `field`: equal values of one field index alike; other fields differently.
    pub fn blind_index(&self, field: &str, normalised: &str) -> BlindIndex {
        blind::compute(&self.material.blind_index_key, field, normalised)
    }

    /// Adds a new data key of `algorithm` and makes it current; old keys stay, so every value
    /// sealed before still opens (and `needs_reseal` says which). A vault read from a file writes
    /// the file anew (atomically) before the new key is used. Returns the new key's id.
    ///
    /// The blind-index key does not rotate: a new one would change every stored index at once, so
    /// rotating it means recomputing every index from decrypted values in one go — a migration of
    /// its own, not a key-ring step.
    pub fn rotate(&mut self, algorithm: Algorithm) -> Result<u32, VaultError> {
        let next = self.material.data_keys.iter().map(|k| k.id).max().unwrap_or(0).checked_add(1).ok_or_else(|| {
            VaultError::Format { path: self.path.clone().unwrap_or_default(), reason: "no key ids left".into() }
        })?;
        let key = new_data_key(next, algorithm)?;
        // Unreachable: `new_data_key` makes a key of the algorithm's own length.
        let cipher = Cipher::new(algorithm, &key.key).ok_or_else(|| VaultError::Random("bad key length".into()))?;
        let mut material = KeyMaterial {
            current_key: next,
            blind_index_key: self.material.blind_index_key.clone(),
            data_keys: self
                .material
                .data_keys
                .iter()
                .map(|k| DataKeyBytes { id: k.id, algorithm: k.algorithm, key: k.key.clone() })
                .collect(),
        };
        material.data_keys.push(key);
        if let Some(path) = &self.path {
            key_file::replace(path, &material)?;
        }
        self.material = material;
        self.ciphers.push((next, cipher));
        Ok(next)
    }
}

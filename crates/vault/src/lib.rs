//! Field encryption and blind indexes for the talent registry: ID numbers, mobiles and addresses
//! are unreadable at rest, and still found by equality.
//!
//! An edge crate: it reads and writes the key file (a path the caller gives) and draws randomness
//! from the operating system. It never logs, and no error, `Debug` or `Display` carries a
//! plaintext or a key.
//!
//! - [`Vault::open_or_create`] reads the key file or creates it (mode 0600 from the first byte,
//!   `create_new`, never widened) and returns a [`KeyFileNotice`] to print: back the file up.
//!   A key file group or others may read is refused ([`VaultError::TooOpen`]).
//! - [`Vault::seal`] / [`Vault::open`]: AES-256-GCM (default) or SM4-GCM, a random 96-bit nonce per
//!   value, a 6-byte header naming the format, algorithm and key, and the column's name as
//!   associated data, so a value cannot be moved to another column (layout in `sealed.rs`).
//! - [`Vault::blind_index`]: HMAC-SHA256 under a separate key, per field.
//! - [`Vault::rotate`]: a new current data key; old ones still open; [`Vault::needs_reseal`].
//!
//! ```
//! use vault::{Algorithm, Vault};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("registry.keys");
//! let (mut vault, notice) = Vault::open_or_create(&path, Algorithm::Aes256Gcm).unwrap();
//! assert!(notice.is_some(), "created: print notice.message(lang), the backup warning");
//!
//! let sealed = vault.seal("mobile", "13800138000").unwrap();
//! assert_eq!(vault.open("mobile", &sealed).unwrap(), "13800138000");
//! assert!(vault.open("id_number", &sealed).is_err(), "bound to its column");
//! let index = vault.blind_index("mobile", "13800138000").to_hex();
//!
//! vault.rotate(Algorithm::Sm4Gcm).unwrap();
//! assert!(vault.needs_reseal(&sealed).unwrap());
//! assert_eq!(vault.open("mobile", &sealed).unwrap(), "13800138000");
//! assert_eq!(vault.blind_index("mobile", "13800138000").to_hex(), index);
//! ```
//!
//! # Crates
//!
//! RustCrypto's `aes-gcm` 0.11 and `sm4` 0.6 (both on `cipher` 0.5, the same `crypto-common` and
//! `hybrid-array` generation as `hmac` 0.13 / `sha2` 0.11, which the workspace already has for
//! signed links; no second digest stack). No maintained SM4-GCM crate exists, so SM4-GCM is
//! `aes_gcm::AesGcm<Sm4, U12>` — the GCM code is generic over any 128-bit block cipher — checked
//! against RFC 8998's test vector. Nonces come from `getrandom` 0.3 (already the store's source of
//! its link secret) rather than through `aes-gcm`'s `getrandom` feature, which would add a third
//! `getrandom` version. The key file is TOML (`toml`, already in the workspace) with base64 keys;
//! keys in memory are wiped on drop (`zeroize`).

mod algorithm;
mod blind;
mod error;
mod key_file;
mod notice;
mod sealed;
mod vault;

pub use algorithm::Algorithm;
pub use blind::BlindIndex;
pub use error::VaultError;
pub use notice::{KeyFileNotice, backup_warning};
pub use sealed::OVERHEAD;
pub use vault::Vault;

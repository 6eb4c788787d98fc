//! The layout of a sealed value: a short header, then the ciphertext and its tag.
//!
//! | bytes | field |
//! |---|---|
//! | 1 | format version, `0x01` |
//! | 1 | algorithm: `0x01` AES-256-GCM, `0x02` SM4-GCM |
//! | 4 | key id, big-endian |
//! | 12 | nonce, random per value |
//! | n | ciphertext, as long as the plaintext |
//! | 16 | tag |
//!
//! The associated data is the 6 header bytes before the nonce, then `field`: the header cannot be
//! edited to point at another key or algorithm, and a value sealed for one column (`mobile`) does
//! not open as another (`id_number`).

use crate::algorithm::{Algorithm, NONCE_LEN, TAG_LEN};

pub(crate) const VERSION: u8 = 1;
/// Version, algorithm, key id.
pub(crate) const PREFIX_LEN: usize = 6;
pub(crate) const HEADER_LEN: usize = PREFIX_LEN + NONCE_LEN;
/// The bytes a sealed value adds to its plaintext: 34.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// The parts of a sealed value, borrowed.
pub(crate) struct Sealed<'a> {
    pub algorithm: Algorithm,
    pub key_id: u32,
    pub prefix: &'a [u8],
    pub nonce: [u8; NONCE_LEN],
    pub body: &'a [u8],
}

/// The header's first six bytes.
pub(crate) fn prefix(algorithm: Algorithm, key_id: u32) -> [u8; PREFIX_LEN] {
    let id = key_id.to_be_bytes();
    [VERSION, algorithm.code(), id[0], id[1], id[2], id[3]]
}

/// The associated data: the prefix, then the field's name.
pub(crate) fn associated_data(prefix: &[u8], field: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(prefix.len() + field.len());
    aad.extend_from_slice(prefix);
    aad.extend_from_slice(field.as_bytes());
    aad
}

/// Splits a sealed value; `None` if it is too short, of another version or names no algorithm.
pub(crate) fn split(bytes: &[u8]) -> Option<Sealed<'_>> {
    if bytes.len() < OVERHEAD || bytes[0] != VERSION {
        return None;
    }
    let algorithm = Algorithm::from_code(bytes[1])?;
    let key_id = u32::from_be_bytes(bytes[2..6].try_into().ok()?);
    let nonce = bytes[PREFIX_LEN..HEADER_LEN].try_into().ok()?;
    Some(Sealed { algorithm, key_id, prefix: &bytes[..PREFIX_LEN], nonce, body: &bytes[HEADER_LEN..] })
}

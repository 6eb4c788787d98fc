//! The key that signs every token: 32 bytes the caller generates (OS RNG) and keeps in the database.

use std::fmt;

use hmac::{Hmac, KeyInit};
use sha2::Sha256;

/// The length of a secret in bytes: SHA-256's output size, the key length RFC 2104 recommends.
pub const SECRET_LEN: usize = 32;

/// The signing key of links, session cookies and CSRF tokens.
///
/// Built from bytes the caller supplies: this crate is pure and draws no randomness. Generate them
/// with the operating system's RNG, once per installation; rotating the secret invalidates every
/// token at once (all links must be sent again), bumping a subject's generation only that subject's.
///
/// `Debug` prints no key material; there is no `PartialEq`, whose comparison would not be
/// constant-time, and no accessor for the bytes: nothing outside this crate needs them back.
#[derive(Clone)]
pub struct LinkSecret {
    /// HMAC-SHA256 already keyed with the secret (both pads absorbed), cloned for each token: the
    /// key schedule is done once per secret rather than once per token.
    keyed: Hmac<Sha256>,
}

impl LinkSecret {
    /// The secret of these 32 bytes.
    pub fn new(bytes: [u8; SECRET_LEN]) -> Self {
        // HMAC pads a key shorter than the hash's block with zeros (RFC 2104, 2.): padding here
        // lets the infallible `KeyInit::new` take it, with the same MAC as the 32 bytes themselves.
        let mut block = [0u8; 64];
        block[..SECRET_LEN].copy_from_slice(&bytes);
        LinkSecret { keyed: Hmac::<Sha256>::new(&block.into()) }
    }

    /// The secret, if `bytes` is exactly 32 bytes long (as read back from the database).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, SecretLengthError> {
        let bytes: [u8; SECRET_LEN] = bytes.try_into().map_err(|_| SecretLengthError { len: bytes.len() })?;
        Ok(LinkSecret::new(bytes))
    }

    /// A fresh MAC keyed with this secret.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        self.keyed.clone()
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkSecret(..)")
    }
}

/// A stored secret of the wrong length: the database holds something else than this crate wrote.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[error("a link secret is {SECRET_LEN} bytes, not {len}")]
pub struct SecretLengthError {
    pub len: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    #[test]
    fn debug_prints_no_key_material() {
        let secret = LinkSecret::new([0xAB; SECRET_LEN]);
        let shown = format!("{secret:?} {secret:#?}");
        assert_eq!(shown, "LinkSecret(..) LinkSecret(..)");
    }

    #[test]
    fn only_32_bytes_make_a_secret() {
        assert!(LinkSecret::from_slice(&[7; SECRET_LEN]).is_ok());
        assert_eq!(LinkSecret::from_slice(&[7; 31]).err(), Some(SecretLengthError { len: 31 }));
        assert_eq!(LinkSecret::from_slice(&[]).err(), Some(SecretLengthError { len: 0 }));
        assert_eq!(LinkSecret::from_slice(&[7; 33]).err(), Some(SecretLengthError { len: 33 }));
    }

    #[test]
    fn the_padded_key_is_the_key() {
        // The library's own handling of the unpadded 32 bytes is the reference.
        let bytes: [u8; SECRET_LEN] = std::array::from_fn(|i| i as u8);
        let ours = LinkSecret::new(bytes).mac().chain_update(b"message").finalize().into_bytes();
        let reference = Hmac::<Sha256>::new_from_slice(&bytes).expect("any length").chain_update(b"message");
        assert_eq!(ours, reference.finalize().into_bytes());
    }

    #[test]
    fn rfc_4231_test_case_1() {
        // Key 0x0b × 20, data "Hi There": a known answer, so the construction is HMAC-SHA256 and not
        // merely self-consistent. A 20-byte key and the same key zero-padded to 32 bytes are the
        // same HMAC key.
        let mut bytes = [0u8; SECRET_LEN];
        bytes[..20].fill(0x0b);
        let tag = LinkSecret::new(bytes).mac().chain_update(b"Hi There").finalize().into_bytes();
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }
}

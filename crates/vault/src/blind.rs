//! Blind indexes: keyed hashes of normalised values, so the store finds equal ID numbers and
//! mobiles without decrypting anything.
//!
//! `HMAC-SHA256(blind key, "guiyan-blind-index\0" ‖ len(field) as u32 BE ‖ field ‖ value)`. The
//! field's name separates the indexes of different fields, so equal digits in two columns do not
//! index alike; its length prefix keeps (`ab`, `c…`) and (`a`, `bc…`) apart. A plain hash of an ID
//! number is reversed by enumerating the few billion valid numbers; without the key, which lives
//! in the key file and never in the database, this cannot be done. An index still tells equality:
//! that is its purpose.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const DOMAIN: &[u8] = b"guiyan-blind-index\0";

/// A blind index: 32 bytes, stored as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlindIndex(pub [u8; 32]);

impl BlindIndex {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The storage form: 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlindIndex({})", self.to_hex())
    }
}

impl fmt::Display for BlindIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The index of `value` in `field` under `key`.
pub(crate) fn compute(key: &[u8; 32], field: &str, value: &str) -> BlindIndex {
    // HMAC takes a key of any length; this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return BlindIndex([0; 32]);
    };
    mac.update(DOMAIN);
    mac.update(&(field.len() as u32).to_be_bytes());
    mac.update(field.as_bytes());
    mac.update(value.as_bytes());
    BlindIndex(mac.finalize().into_bytes().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_separate_and_lengths_prefix() {
        let key = [9; 32];
        assert_eq!(compute(&key, "mobile", "13800138000"), compute(&key, "mobile", "13800138000"));
        assert_ne!(compute(&key, "mobile", "13800138000"), compute(&key, "id_number", "13800138000"));
        assert_ne!(compute(&key, "ab", "c"), compute(&key, "a", "bc"));
        assert_ne!(compute(&key, "mobile", "1"), compute(&[8; 32], "mobile", "1"));
        assert_eq!(compute(&key, "mobile", "1").to_hex().len(), 64);
    }
}

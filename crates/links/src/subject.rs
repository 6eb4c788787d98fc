//! Who a token speaks for: a unit, by its id, or a leadership reader, by its key.

use std::fmt;

/// The longest unit id, in characters (all ASCII): the workspace's id rule.
pub const MAX_UNIT_ID_LEN: usize = 64;
/// The longest reader key, in characters (all ASCII).
pub const MAX_READER_KEY_LEN: usize = 128;

/// Who a token is for. Both kinds are validated when built and again when a token is decoded, so a
/// `Subject` in hand is always one the format can carry.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Subject {
    /// A unit of the directory (district, street office, community…), by its id.
    Unit(UnitId),
    /// A leadership reader, who sees reports but has no tasks, by its key.
    Reader(ReaderKey),
}

impl Subject {
    /// A unit subject, if `id` is a valid unit id.
    pub fn unit(id: &str) -> Result<Self, SubjectError> {
        UnitId::new(id).map(Subject::Unit)
    }

    /// A reader subject, if `key` is a valid reader key.
    pub fn reader(key: &str) -> Result<Self, SubjectError> {
        ReaderKey::new(key).map(Subject::Reader)
    }

    /// The id or key, without its kind.
    pub fn as_str(&self) -> &str {
        match self {
            Subject::Unit(id) => id.as_str(),
            Subject::Reader(key) => key.as_str(),
        }
    }
}

/// A unit id: lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit, at most
/// 64 characters. The same rule as `campaign::is_valid_id` (this crate depends on no internal crate,
/// so the rule is repeated here), since the ids come from the campaign directory.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct UnitId(String);

impl UnitId {
    /// The id, if it follows the rule above.
    pub fn new(id: &str) -> Result<Self, SubjectError> {
        let mut chars = id.chars();
        let first_ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit());
        let ok = first_ok
            && id.len() <= MAX_UNIT_ID_LEN
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok { Ok(UnitId(id.to_string())) } else { Err(SubjectError::Unit) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A reader key, such as an e-mail address or an opaque reader id: 1 to 128 printable ASCII
/// characters (`!` to `~`: no space, no control character). ASCII because the directory's e-mail
/// addresses are ASCII (`campaign::is_valid_email`) and because keys end up in logs, where
/// invisible or right-to-left Unicode characters could disguise one key as another.
///
/// Tokens are signed, not encrypted: anyone who sees a link can read its key. Prefer keys that are
/// not personal information (see the crate documentation).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ReaderKey(String);

impl ReaderKey {
    /// The key, if it follows the rule above.
    pub fn new(key: &str) -> Result<Self, SubjectError> {
        let ok = !key.is_empty() && key.len() <= MAX_READER_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic());
        if ok { Ok(ReaderKey(key.to_string())) } else { Err(SubjectError::Reader) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for ReaderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a subject was refused. The offending text is not repeated: it may be long or personal.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum SubjectError {
    #[error(
        "not a unit id: lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters"
    )]
    Unit,
    #[error("not a reader key: 1 to 128 printable ASCII characters, without spaces")]
    Reader,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_ids() {
        let longest = "a".repeat(MAX_UNIT_ID_LEN);
        for ok in ["street-12-c25", "a", "2027", "x_y", longest.as_str()] {
            assert_eq!(UnitId::new(ok).map(|id| id.to_string()), Ok(ok.to_string()), "{ok}");
        }
        let too_long = "a".repeat(MAX_UNIT_ID_LEN + 1);
        for bad in ["", "-a", "_a", "Street", "a/b", "a b", "a.b", "街道", "a\n", too_long.as_str()] {
            assert_eq!(UnitId::new(bad), Err(SubjectError::Unit), "{bad:?}");
        }
    }

    #[test]
    fn reader_keys() {
        let longest = "r".repeat(MAX_READER_KEY_LEN);
        for ok in ["zzb@shili.example.gov.cn", "r-17", "a.b+c@x.io", "!~", longest.as_str()] {
            assert_eq!(ReaderKey::new(ok).map(|k| k.to_string()), Ok(ok.to_string()), "{ok}");
        }
        let too_long = "r".repeat(MAX_READER_KEY_LEN + 1);
        for bad in ["", "a b", "a\tb", "a\u{7f}", "a\0", "王@例子.中国", "\u{202e}x", "a\u{200b}", too_long.as_str()]
        {
            assert_eq!(ReaderKey::new(bad), Err(SubjectError::Reader), "{bad:?}");
        }
    }

    #[test]
    fn subjects_keep_their_kind() {
        assert_eq!(Subject::unit("c25").map(|s| s.as_str().to_string()), Ok("c25".to_string()));
        assert!(matches!(Subject::unit("c25"), Ok(Subject::Unit(_))));
        assert!(matches!(Subject::reader("c25"), Ok(Subject::Reader(_))));
        assert_eq!(Subject::unit("a@b.c"), Err(SubjectError::Unit));
    }
}

//! Reading back what the registry stored: a vocabulary value or a day this guiyan does not know is
//! corrupt (`StoreError::Corrupt`, naming the row and the column), never read as a default or
//! dropped — a request read as a 查阅 it was not, or a follow-up missing from a person's page,
//! would be worse than a refusal that says what is wrong.

use chrono::NaiveDate;
use talent::Vocabulary;

use crate::registry::scope::StoreOrRegistry;

/// `text` as a value of `V`; `what` names the row and column when it is not one.
pub(crate) fn vocab<V: Vocabulary>(text: &str, what: impl FnOnce() -> String) -> Result<V, StoreOrRegistry> {
    V::parse(text).map_err(|_| StoreOrRegistry::Corrupt(format!("{} `{text}`", what())))
}

/// [`vocab`] of a column that may be empty.
pub(crate) fn vocab_opt<V: Vocabulary>(
    text: Option<&str>,
    what: impl FnOnce() -> String,
) -> Result<Option<V>, StoreOrRegistry> {
    text.map(|t| vocab(t, what)).transpose()
}

/// A stored day (`YYYY-MM-DD`).
pub(crate) fn day(text: &str, what: impl FnOnce() -> String) -> Result<NaiveDate, StoreOrRegistry> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreOrRegistry::Corrupt(format!("{} `{text}`", what())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use talent::Channel;

    #[test]
    fn an_unknown_stored_value_is_corrupt_and_names_where() {
        assert_eq!(
            vocab::<Channel>("visit", || "follow-up 1 channel".into()).ok(),
            Some(Channel::parse("visit").expect("a channel"))
        );
        match vocab::<Channel>("carrier-pigeon", || "follow-up 7 channel".into()) {
            Err(StoreOrRegistry::Corrupt(what)) => assert_eq!(what, "follow-up 7 channel `carrier-pigeon`"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(day("2027-02-30", || "x".into()), Err(StoreOrRegistry::Corrupt(_))));
        assert_eq!(vocab_opt::<Channel>(None, || "x".into()).ok(), Some(None));
    }
}

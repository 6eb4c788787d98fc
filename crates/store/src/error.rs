//! Errors of the store, each a one-line message for the command line.

/// Why a store operation failed. Nothing was written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {detail}")]
    Open { url: String, detail: String },
    #[error("the database {url} is locked by another process (busy for more than {seconds} s); try again")]
    Locked { url: String, seconds: u64 },
    #[error("the database {url} cannot be written: {detail}")]
    ReadOnly { url: String, detail: String },
    #[error(
        "the database {url} has schema version {found}, newer than this guiyan understands (latest {known}); upgrade guiyan"
    )]
    SchemaNewer { url: String, found: String, known: String },
    #[error(
        "the database {url} lacks {pending} migration(s) of this guiyan (first: {first}); a dry run changes nothing, \
         so run `guiyan db migrate` first"
    )]
    SchemaBehind { url: String, pending: usize, first: String },
    #[error(
        "no task `{0}`; task ids look like campaign/run/template/unit, e.g. spring-festival/2027/publicity/jiefang-1"
    )]
    NoSuchTask(String),
    #[error("task `{task}` is {state}; {action} needs {needs}")]
    WrongState { task: String, state: String, action: &'static str, needs: &'static str },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Figures(Vec<FigureProblem>),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// Classifies a database error: locks and read-only files get their own message.
    pub(crate) fn from_db(url: &str, err: sea_orm::DbErr) -> StoreError {
        let text = err.to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("database is locked") || lower.contains("database table is locked") || lower.contains("busy")
        {
            StoreError::Locked { url: redact(url), seconds: crate::connect::BUSY_TIMEOUT.as_secs() }
        } else if lower.contains("readonly") || lower.contains("read-only") || lower.contains("read only") {
            StoreError::ReadOnly { url: redact(url), detail: text }
        } else {
            StoreError::Database(text)
        }
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://guiyan.db"), "sqlite://guiyan.db");
    }
}

/// One problem with the figures reported for a task.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FigureProblem {
    #[error("unknown figure `{key}`; {}", if expected.is_empty() { "this task takes no figures".to_string() } else { format!("expected one of: {}", expected.join(", ")) })]
    Unknown { key: String, expected: Vec<String> },
    #[error("figure `{key}` given twice")]
    Twice { key: String },
    #[error("figure `{key}` ({label}) is `{value}`; expected {}", if *.decimal { "a non-negative number" } else { "a non-negative whole number" })]
    Invalid { key: String, label: String, value: String, decimal: bool },
    #[error("missing required figure `{key}` ({label}); give --figure {key}=N")]
    Missing { key: String, label: String },
}

//! The one place that reads the system clock; `--now` / `GUIYAN_NOW` replace it for rehearsals.

use anyhow::Context;
use chrono::{DateTime, Utc};

/// The current time: `--now` (RFC 3339, e.g. 2027-01-20T10:00:00+08:00) if given, else the system clock.
pub fn now(rehearsal: Option<&str>) -> anyhow::Result<DateTime<Utc>> {
    match rehearsal {
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .with_context(|| format!("--now `{text}` is not an RFC 3339 time such as 2027-01-20T10:00:00+08:00")),
        #[allow(clippy::disallowed_methods)] // the system clock itself
        None => Ok(Utc::now()),
    }
}

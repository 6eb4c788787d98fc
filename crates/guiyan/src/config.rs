//! Settings from `guiyan.toml`, each overridable by an environment variable or a flag.

use std::path::Path;

use anyhow::{Context, bail};

/// The keys `guiyan.toml` accepts.
const KEYS: &[&str] = &["database_url"];

/// Settings after the file, the environment and the flags have been combined.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
}

/// `flag` (which clap fills from `GUIYAN_DATABASE_URL` too) wins over the file; the file over the
/// default. An unknown key in the file is an error, never ignored.
pub fn load(config: &Path, explicit: bool, database_url: Option<String>) -> anyhow::Result<Settings> {
    let mut file_url = None;
    if config.exists() {
        let text = std::fs::read_to_string(config).with_context(|| format!("cannot read {}", config.display()))?;
        let table: toml::Table = text.parse().with_context(|| format!("{} is not valid TOML", config.display()))?;
        for (key, value) in &table {
            if !KEYS.contains(&key.as_str()) {
                bail!("{}: unknown key `{key}`; expected one of: {}", config.display(), KEYS.join(", "));
            }
            match value.as_str() {
                Some(v) => file_url = Some(v.to_string()),
                None => bail!("{}: `{key}` must be a string", config.display()),
            }
        }
    } else if explicit {
        bail!("cannot read {}: no such file", config.display());
    }
    let database_url = database_url.or(file_url).unwrap_or_else(|| store::DEFAULT_URL.to_string());
    Ok(Settings { database_url })
}

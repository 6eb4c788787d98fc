//! Where the registry's key file is and opening it: `registry_key_file` in guiyan.toml (or
//! GUIYAN_REGISTRY_KEY_FILE), else `guiyan-keys.toml` beside the SQLite database, else in the
//! working folder. Created on first use, with the warning to back it up.

use std::path::PathBuf;

use anyhow::Context;
use campaign::Lang;
use vault::Vault;

use crate::config::Settings;
use crate::output::errln;

/// The key file's name when none is configured.
pub const DEFAULT_NAME: &str = "guiyan-keys.toml";

/// The key file of these settings.
pub fn key_file(settings: &Settings) -> PathBuf {
    if let Some(path) = &settings.registry_key_file {
        return path.clone();
    }
    match store::sqlite_file(&store::normalize_url(&settings.database_url)) {
        Some(db) => db.parent().map_or_else(|| PathBuf::from(DEFAULT_NAME), |dir| dir.join(DEFAULT_NAME)),
        None => PathBuf::from(DEFAULT_NAME),
    }
}

/// Opens the key file, creating it on first use and printing, once, that it must be backed up.
pub fn open(settings: &Settings, lang: Lang) -> anyhow::Result<Vault> {
    let path = key_file(settings);
    let (vault, notice) = Vault::open_or_create(&path, settings.registry_cipher)
        .with_context(|| format!("cannot open the registry key file {}", path.display()))?;
    if let Some(notice) = notice {
        errln!("{}", notice.message(lang));
    }
    Ok(vault)
}

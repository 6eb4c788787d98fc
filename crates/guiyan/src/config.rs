//! Settings from `guiyan.toml`, each overridable by an environment variable (`GUIYAN_` + the key in
//! capitals) or a flag. Unknown keys and wrongly typed values are errors naming the file and key.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The keys `guiyan.toml` accepts, with what each expects.
const KEYS: &[(&str, Expect)] = &[
    ("database_url", Expect::Text),
    ("smtp_url", Expect::Text),
    ("smtp_ca_file", Expect::Text),
    ("mail_from", Expect::Text),
    ("outbox_dir", Expect::Text),
    ("smtp_connections", Expect::Count),
    ("smtp_timeout_seconds", Expect::Count),
    ("mail_lease_seconds", Expect::Count),
    ("mail_retry_first_seconds", Expect::Count),
    ("mail_retry_max_seconds", Expect::Count),
    ("mail_max_attempts", Expect::Count),
    ("listen", Expect::Text),
    ("base_url", Expect::Text),
    ("registry_key_file", Expect::Text),
    ("registry_cipher", Expect::Text),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Text,
    /// A positive integer.
    Count,
}

/// Settings after the file, the environment and the flags have been combined.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    /// `smtp://user:pass@host:port`, `smtps://…`; none: mail is written to `outbox_dir`.
    pub smtp_url: Option<String>,
    /// PEM certificates of a private CA the SMTP server's certificate is checked against, besides
    /// the public roots (a government mail server with an internal CA).
    pub smtp_ca_file: Option<PathBuf>,
    pub mail_from: String,
    pub outbox_dir: PathBuf,
    pub smtp_connections: u64,
    pub smtp_timeout_seconds: u64,
    pub mail_lease_seconds: u64,
    pub mail_retry_first_seconds: u64,
    pub mail_retry_max_seconds: u64,
    pub mail_max_attempts: u64,
    /// Where the web listens (`127.0.0.1:8080`; port 0: any free port).
    pub listen: std::net::SocketAddr,
    /// The address people reach the web at, for links in mail (default: `http://` and `listen`).
    pub base_url: Option<String>,
    /// The talent registry's key file (`vault`); default: `guiyan-keys.toml` beside the SQLite
    /// database, or in the working folder for PostgreSQL. Never inside the database.
    pub registry_key_file: Option<PathBuf>,
    /// The cipher of new registry keys: `aes-256-gcm` (default) or `sm4-gcm`.
    pub registry_cipher: vault::Algorithm,
}

impl Settings {
    /// The address links use: `base_url`, or `http://` and the address the web listens on.
    pub fn base_url_for(&self, listening: std::net::SocketAddr) -> String {
        self.base_url.clone().unwrap_or_else(|| format!("http://{listening}"))
    }
}

/// Reads `config` (an error if it was named explicitly and is missing), then the environment; the
/// `--database-url` flag (or its variable, which clap reads) wins over both.
pub fn load(config: &Path, explicit: bool, database_url: Option<String>) -> anyhow::Result<Settings> {
    let mut values: std::collections::BTreeMap<&str, String> = Default::default();
    if config.exists() {
        let text = std::fs::read_to_string(config).with_context(|| format!("cannot read {}", config.display()))?;
        let table: toml::Table = text.parse().with_context(|| format!("{} is not valid TOML", config.display()))?;
        for (key, value) in &table {
            let Some((known, expect)) = KEYS.iter().find(|(k, _)| k == key) else {
                let names: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
                bail!("{}: unknown key `{key}`; expected one of: {}", config.display(), names.join(", "));
            };
            let text = match (expect, value) {
                (Expect::Text, toml::Value::String(s)) => s.clone(),
                (Expect::Count, toml::Value::Integer(n)) if *n > 0 => n.to_string(),
                (Expect::Text, _) => bail!("{}: `{key}` must be a string", config.display()),
                (Expect::Count, _) => bail!("{}: `{key}` must be a positive integer", config.display()),
            };
            values.insert(known, text);
        }
    } else if explicit {
        bail!("cannot read {}: no such file", config.display());
    }
    for (key, _) in KEYS {
        let variable = format!("GUIYAN_{}", key.to_uppercase());
        if let Ok(value) = std::env::var(&variable)
            && !value.is_empty()
        {
            values.insert(key, value);
        }
    }
    let text = |key: &str| values.get(key).cloned();
    let count = |key: &str, default: u64| -> anyhow::Result<u64> {
        match values.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => bail!("`{key}` (GUIYAN_{}) must be a positive integer, not `{v}`", key.to_uppercase()),
            },
        }
    };
    Ok(Settings {
        database_url: database_url.or_else(|| text("database_url")).unwrap_or_else(|| store::DEFAULT_URL.to_string()),
        smtp_url: text("smtp_url"),
        smtp_ca_file: text("smtp_ca_file").map(PathBuf::from),
        mail_from: text("mail_from").unwrap_or_else(|| "归雁 <guiyan@localhost>".to_string()),
        outbox_dir: PathBuf::from(text("outbox_dir").unwrap_or_else(|| "outbox".to_string())),
        smtp_connections: count("smtp_connections", 4)?,
        smtp_timeout_seconds: count("smtp_timeout_seconds", 30)?,
        mail_lease_seconds: count("mail_lease_seconds", 120)?,
        mail_retry_first_seconds: count("mail_retry_first_seconds", 60)?,
        mail_retry_max_seconds: count("mail_retry_max_seconds", 3600)?,
        mail_max_attempts: count("mail_max_attempts", 12)?,
        listen: match text("listen") {
            None => std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(v) => v.parse().map_err(|_| {
                anyhow::anyhow!("`listen` (GUIYAN_LISTEN) must be an address and port like 127.0.0.1:8080, not `{v}`")
            })?,
        },
        registry_key_file: text("registry_key_file").map(PathBuf::from),
        registry_cipher: match text("registry_cipher") {
            None => vault::Algorithm::default(),
            Some(v) => vault::Algorithm::from_name(&v).ok_or_else(|| {
                anyhow::anyhow!("`registry_cipher` (GUIYAN_REGISTRY_CIPHER) must be aes-256-gcm or sm4-gcm, not `{v}`")
            })?,
        },
        base_url: match text("base_url") {
            None => None,
            Some(v) if v.starts_with("http://") || v.starts_with("https://") => {
                Some(v.trim_end_matches('/').to_string())
            }
            Some(v) => bail!(
                "`base_url` (GUIYAN_BASE_URL) must start with https:// or http://, like https://guiyan.example.gov.cn, not `{v}`"
            ),
        },
    })
}

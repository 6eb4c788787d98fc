//! How the web is served: where it listens, the address links use, the languages of campaigns,
//! and where its time comes from.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use campaign::Lang;
use chrono::{DateTime, Utc};

/// The current time, injected (the binary's clock, shifted for rehearsals).
pub type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// A campaign as the pages show it.
#[derive(Clone, Debug)]
pub struct CampaignInfo {
    pub name: String,
    /// The language of its pages (its `locale`).
    pub lang: Lang,
    /// The campaign as defined, for the reports the dashboard offers as downloads.
    pub definition: std::sync::Arc<campaign::Campaign>,
}

/// What the binary tells the web.
#[derive(Clone)]
pub struct WebConfig {
    /// Where to listen, e.g. `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// The address people reach guiyan at, without a trailing slash, e.g.
    /// `https://guiyan.example.gov.cn`: links in mail use it, and a POST must come from it.
    pub base_url: String,
    /// The campaigns as the pages name them, by id (a campaign no longer defined shows its id).
    pub campaigns: HashMap<String, CampaignInfo>,
    pub now: Now,
    /// The talent registry's key file, opened; `None` when it could not be (the binary said why),
    /// and the registry's pages then say it is not available.
    pub registry: Option<Arc<vault::Vault>>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("listen", &self.listen)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl WebConfig {
    /// The name of campaign `id`, or the id itself.
    pub fn campaign_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.campaigns.get(id).map_or(id, |c| c.name.as_str())
    }

    /// The language of campaign `id`'s pages, if it is defined.
    pub fn campaign_lang(&self, id: &str) -> Option<Lang> {
        self.campaigns.get(id).map(|c| c.lang)
    }

    /// The definition of campaign `id`, if it is defined.
    pub fn definition(&self, id: &str) -> Option<std::sync::Arc<campaign::Campaign>> {
        self.campaigns.get(id).map(|c| c.definition.clone())
    }

    /// Whether cookies must be `Secure`: the public address is https.
    pub fn secure(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The origin of the public address (scheme, host, port), as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(path) => &self.base_url[..after_scheme + path],
            None => &self.base_url,
        }
    }

    /// The link of a token: `{base_url}/l/{token}`.
    pub fn link(&self, token: &str) -> String {
        format!("{}/l/{token}", self.base_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        let config = |base: &str| WebConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            base_url: base.to_string(),
            campaigns: HashMap::new(),
            now: Arc::new(|| DateTime::from_timestamp(0, 0).unwrap_or_default()),
            registry: None,
        };
        assert_eq!(config("https://guiyan.example.gov.cn").origin(), "https://guiyan.example.gov.cn");
        assert_eq!(config("http://127.0.0.1:8080/guiyan").origin(), "http://127.0.0.1:8080");
        assert!(config("https://a.b").secure() && !config("http://a.b").secure());
        assert_eq!(config("http://h:1/").link("T"), "http://h:1/l/T");
    }
}

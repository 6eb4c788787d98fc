//! What every request shares: the store, the configuration, the templates, the link secret, the
//! limiter of bad tokens and the cache of the dashboards' data.

use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use links::LinkSecret;
use store::Store;

use crate::cache::StampedCache;
use crate::config::WebConfig;
use crate::dashboard::{DashData, DashKey, DashStamp};
use crate::guard::Limiter;
use crate::home::{HomeKey, HomeStamp, KEPT_HOME_PAGES};
use crate::render::Pages;

/// The state of the web, cheap to clone (one per request).
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub pages: Pages,
    /// Read at start; read again when a token fails its signature (the secret may have been
    /// rotated by `guiyan link rotate-secret` since).
    /// Kept with its bytes, to compare with what the database holds.
    pub secret: RwLock<([u8; links::SECRET_LEN], LinkSecret)>,
    pub limiter: Limiter,
    /// The dashboards' data by run and scope, while nothing changed (`dashboard::data`). At most
    /// `DASHBOARDS` of them: a district's whole dashboard is about a megabyte of rows.
    pub dashboards: StampedCache<DashKey, DashStamp, Option<DashData>>,
    /// Whether anything was committed since a page was rendered (SQLite; never known on
    /// PostgreSQL), and the units' home pages kept while nothing was (`home.rs`).
    pub changes: store::ChangeWatch,
    pub home_pages: StampedCache<HomeKey, HomeStamp, Bytes>,
}

/// How many dashboards' data (run and scope) the cache keeps.
const DASHBOARDS: usize = 64;

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl AppState {
    /// The state over `store`: reads (or creates) the link secret and loads the templates.
    pub async fn new(store: Store, config: WebConfig) -> Result<AppState, store::StoreError> {
        let now = (config.now)();
        let bytes = store::link_secret(&store, now).await?;
        let changes = store::ChangeWatch::open(&store);
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                config,
                pages: Pages::new(),
                secret: RwLock::new((bytes, LinkSecret::new(bytes))),
                limiter: Limiter::default(),
                dashboards: StampedCache::new(DASHBOARDS),
                changes,
                home_pages: StampedCache::new(KEPT_HOME_PAGES),
            }),
        })
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.inner.config.now)()
    }

    pub(crate) fn secret(&self) -> LinkSecret {
        self.inner.secret.read().unwrap_or_else(|poisoned| poisoned.into_inner()).1.clone()
    }

    /// Reads the secret again from the database; true if it changed (it was rotated).
    pub(crate) async fn reload_secret(&self) -> bool {
        let now = self.now();
        match store::link_secret(self.store(), now).await {
            Ok(bytes) => self.adopt_secret(bytes),
            Err(_) => false,
        }
    }

    /// Takes `bytes` as the secret if they differ from the cached one; true if they did.
    pub(crate) fn adopt_secret(&self, bytes: [u8; links::SECRET_LEN]) -> bool {
        let mut cached = self.inner.secret.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.0 == bytes {
            return false;
        }
        *cached = (bytes, LinkSecret::new(bytes));
        true
    }
}

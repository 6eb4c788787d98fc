//! What every request shares: the store, the configuration, the templates, the link secret and the
//! limiter of bad tokens.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use links::LinkSecret;
use store::Store;

use crate::config::WebConfig;
use crate::guard::Limiter;
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
    pub secret: RwLock<LinkSecret>,
    pub limiter: Limiter,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl AppState {
    /// The state over `store`: reads (or creates) the link secret and loads the templates.
    pub async fn new(store: Store, config: WebConfig) -> Result<AppState, store::StoreError> {
        let now = (config.now)();
        let secret = LinkSecret::new(store::link_secret(&store, now).await?);
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                config,
                pages: Pages::new(),
                secret: RwLock::new(secret),
                limiter: Limiter::default(),
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
        self.inner.secret.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Reads the secret again from the database; true if it changed (it was rotated).
    pub(crate) async fn reload_secret(&self) -> bool {
        let now = self.now();
        let Ok(bytes) = store::link_secret(self.store(), now).await else { return false };
        let fresh = LinkSecret::new(bytes);
        let old = self.secret();
        // LinkSecret has no equality (it never shows its bytes): compare what each signs.
        let Ok(subject) = links::Subject::unit("probe") else { return false };
        let probe = links::Claims::link(subject, 0, 0);
        let changed = links::sign(&fresh, &probe) != links::sign(&old, &probe);
        if changed {
            *self.inner.secret.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
        }
        changed
    }
}

//! A store that connects on first use, in the background, so that a client can be built
//! without a runtime or while Redis is down (a relay must start during an outage).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bugle_ratelimit::{
    SharedDecision, SharedReport, SharedRequest, SharedStore, StoreError, StoreFuture,
};
use secrecy::SecretString;
use tokio::sync::watch;
use tracing::warn;

use crate::RedisStore;
use crate::error::RedisStoreError;
use crate::redact::redacted;
use crate::store::{RedisStoreBuilder, check_prefix};

/// A [`RedisStore`] that connects when first asked, and keeps trying in the background
/// (with a growing pause) until Redis answers. Until then its calls fail, and the engine
/// keeps to its fallback limits.
#[derive(Clone)]
pub struct LazyRedisStore {
    inner: Arc<Lazy>,
}

struct Lazy {
    url: SecretString,
    prefix: String,
    /// Whether the connecting task was started.
    started: Mutex<bool>,
    ready: watch::Sender<Option<RedisStore>>,
}

impl fmt::Debug for LazyRedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyRedisStore")
            .field("url", &redacted(&self.inner.url))
            .field("prefix", &self.inner.prefix)
            .field("connected", &self.inner.ready.borrow().is_some())
            .finish()
    }
}

impl LazyRedisStore {
    /// A store for the Redis at `url`, keys under `prefix`; nothing is connected yet.
    ///
    /// # Errors
    ///
    /// The URL does not parse, or the prefix is not valid.
    pub fn new(url: impl Into<SecretString>, prefix: &str) -> Result<Self, RedisStoreError> {
        let url = url.into();
        check_prefix(prefix)?;
        RedisStoreBuilder::check_url(&url)?;
        let (ready, _) = watch::channel(None);
        Ok(Self {
            inner: Arc::new(Lazy {
                url,
                prefix: prefix.to_owned(),
                started: Mutex::new(false),
                ready,
            }),
        })
    }

    /// The connected store, once it is.
    pub fn connected(&self) -> Option<RedisStore> {
        self.inner.ready.borrow().clone()
    }

    fn start(&self) {
        let mut started = self
            .inner
            .started
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *started {
            return;
        }
        *started = true;
        let lazy = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(100);
            loop {
                let Some(inner) = lazy.upgrade() else { return };
                let builder = RedisStore::builder(inner.url.clone()).prefix(&inner.prefix);
                match builder.connect().await {
                    Ok(store) => {
                        inner.ready.send_replace(Some(store));
                        return;
                    }
                    Err(error) => warn!(%error, "shared limits: Redis not reachable yet; retrying"),
                }
                drop(inner);
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        });
    }
}

impl SharedStore for LazyRedisStore {
    fn acquire<'a>(&'a self, request: &'a SharedRequest) -> StoreFuture<'a, SharedDecision> {
        Box::pin(async move {
            if let Some(store) = self.connected() {
                return store.acquire(request).await;
            }
            self.start();
            // The caller's store deadline bounds this wait.
            let mut ready = self.inner.ready.subscribe();
            let store = ready
                .wait_for(Option::is_some)
                .await
                .map_err(|_| StoreError::new("the store was dropped"))?
                .clone()
                .ok_or_else(|| StoreError::new("not connected"))?;
            store.acquire(request).await
        })
    }

    fn complete(&self, report: SharedReport) {
        if let Some(store) = self.connected() {
            store.complete(report);
        }
    }

    fn abandon(&self, request: &SharedRequest) {
        if let Some(store) = self.connected() {
            store.abandon(request);
        }
    }

    fn record_fallback(&self, request: &SharedRequest) {
        if let Some(store) = self.connected() {
            store.record_fallback(request);
        }
    }

    fn flush(&self) -> StoreFuture<'_, ()> {
        match self.connected() {
            Some(store) => Box::pin(async move { store.flush().await }),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }
}

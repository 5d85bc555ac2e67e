//! The store: a connection manager, the two scripts, the wake subscriber and the worker
//! that sends completions off the caller's path.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bugle_ratelimit::{
    Reservation, SharedDecision, SharedReport, SharedRequest, SharedStore, StoreError, StoreFuture,
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::LAYOUT_VERSION;
use crate::completer::{Completer, Job};
use crate::error::RedisStoreError;
use crate::keys::{Keys, wake_channel};
use crate::redact::{redacted, scrub};
use crate::reply::{Reply, parse};
use crate::report::millis;
use crate::wake::{Wakes, listen};

const ACQUIRE: &str = include_str!("scripts/acquire.lua");

/// How long keys nobody touches outlive what they describe.
pub(crate) const IDLE: Duration = Duration::from_secs(600);
/// The longest a wait that only a completion could end lasts while the wake
/// subscription is down.
const UNSUBSCRIBED_WAIT: Duration = Duration::from_millis(50);
/// How long a waiter keeps its place in a bucket's queue after its wait ended without it
/// asking again (it gave up, or its process died).
const QUEUE_GRACE: Duration = Duration::from_millis(500);

/// Rate-limit state shared through Redis. Cheap to clone; clones share one connection.
///
/// Build it with [`RedisStore::connect`] or [`RedisStore::builder`], and give it to
/// [`bugle_ratelimit::RateLimiter::with_shared_store`] (or to the facade's config
/// builder). Its `Debug` shows the URL without its password.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    acquire: redis::Script,
    base: String,
    url: SecretString,
    window_margin: Duration,
    wakes: Arc<Wakes>,
    reports: mpsc::UnboundedSender<Job>,
    channel: String,
    listener: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &redacted(&self.inner.url))
            .field("keys", &self.inner.base)
            .finish_non_exhaustive()
    }
}

/// Options of a [`RedisStore`].
#[must_use]
pub struct RedisStoreBuilder {
    url: SecretString,
    prefix: String,
    window_margin: Duration,
    connect_timeout: Duration,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &redacted(&self.url))
            .field("prefix", &self.prefix)
            .field("window_margin", &self.window_margin)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://[:password@]host[:port][/db]`), keeping
    /// every key under `prefix` (so several bots or environments can share one Redis).
    ///
    /// # Errors
    ///
    /// The URL or prefix is not valid, or Redis does not answer.
    pub async fn connect(
        url: impl Into<SecretString>,
        prefix: &str,
    ) -> Result<Self, RedisStoreError> {
        Self::builder(url).prefix(prefix).connect().await
    }

    /// A builder for a store at `url`, with the prefix `bugle`.
    pub fn builder(url: impl Into<SecretString>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.into(),
            prefix: "bugle".to_owned(),
            window_margin: Duration::from_millis(50),
            connect_timeout: Duration::from_secs(2),
        }
    }

    /// The start of every key this store writes: `PREFIX:LAYOUT_VERSION`.
    pub fn key_base(&self) -> &str {
        &self.inner.base
    }
}

impl RedisStoreBuilder {
    /// Sets the key prefix: 1 to 64 letters, digits, `-`, `_` or `.`.
    pub fn prefix(mut self, prefix: &str) -> Self {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// Sets the margin added to the global pool's one-second window, for the spread of
    /// one-way latency between the processes and Discord (default 50 ms: at most
    /// `limit` requests in any 1.05 s, about 95% of the pool, safe however Discord
    /// windows it).
    pub fn window_margin(mut self, margin: Duration) -> Self {
        self.window_margin = margin;
        self
    }

    /// Sets how long connecting may take (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Connects.
    ///
    /// # Errors
    ///
    /// The URL or prefix is not valid, or Redis does not answer.
    pub async fn connect(self) -> Result<RedisStore, RedisStoreError> {
        check_prefix(&self.prefix)?;
        let shown = redacted(&self.url);
        let client = Self::check_url(&self.url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let unreachable = |error: &dyn fmt::Display| RedisStoreError::Unreachable {
            url: shown.clone(),
            reason: scrub(&error.to_string(), &self.url),
        };
        let connection = tokio::time::timeout(
            self.connect_timeout,
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| unreachable(&"no answer within the connect timeout"))?
        .map_err(|error| unreachable(&error))?;

        let base = format!("{}:{LAYOUT_VERSION}", self.prefix);
        let wakes = Arc::new(Wakes::default());
        let channel = wake_channel(&base);
        let listener = tokio::spawn(listen(client, channel.clone(), wakes.clone()));
        let (reports, queue) = mpsc::unbounded_channel();
        let complete = Completer::new(
            connection.clone(),
            base.clone(),
            self.url.clone(),
            self.window_margin,
        );
        tokio::spawn(complete.run(queue));
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection,
                acquire: redis::Script::new(ACQUIRE),
                base,
                url: self.url,
                window_margin: self.window_margin,
                wakes,
                reports,
                channel,
                listener,
            }),
        })
    }
}

impl RedisStoreBuilder {
    /// Parses `url` as a Redis URL.
    pub(crate) fn check_url(url: &SecretString) -> Result<redis::Client, RedisStoreError> {
        redis::Client::open(url.expose_secret()).map_err(|error| RedisStoreError::InvalidUrl {
            url: redacted(url),
            reason: scrub(&error.to_string(), url),
        })
    }
}

/// Checks a key prefix: 1 to 64 letters, digits, `-`, `_` or `.`.
pub(crate) fn check_prefix(prefix: &str) -> Result<(), RedisStoreError> {
    let valid = (1..=64).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(RedisStoreError::InvalidPrefix {
            prefix: prefix.to_owned(),
        })
    }
}

impl SharedStore for RedisStore {
    fn acquire<'a>(&'a self, request: &'a SharedRequest) -> StoreFuture<'a, SharedDecision> {
        Box::pin(async move {
            let inner = &self.inner;
            let keys = Keys::of(&inner.base, request);
            let id = request.ticket();
            let limits = request.limits();
            let mark = inner.wakes.mark();
            let mut connection = inner.connection.clone();
            let window = Duration::from_secs(1) + inner.window_margin;
            let value: redis::Value = inner
                .acquire
                .arg(&keys.scope)
                .arg(&keys.egress)
                .arg(request.route())
                .arg(&keys.major)
                .arg(keys.pool)
                .arg(id)
                .arg(millis(request.lease()))
                .arg(limits.global_per_second())
                .arg(limits.unauthenticated_per_second())
                .arg(millis(window))
                .arg(&keys.webhook)
                .arg(millis(IDLE))
                .arg(millis(QUEUE_GRACE))
                .arg(&inner.channel)
                .invoke_async(&mut connection)
                .await
                .map_err(|error| StoreError::new(scrub(&error.to_string(), &inner.url)))?;
            Ok(match parse(&value)? {
                Reply::Grant { slot } => SharedDecision::Grant(Reservation::new(id, slot)),
                Reply::Refuse(refusal) => SharedDecision::Refuse(refusal),
                Reply::Wait { after, slot: None } => SharedDecision::Wait { after, woken: None },
                Reply::Wait {
                    after,
                    slot: Some(slot),
                } => match inner.wakes.watch(&slot, mark) {
                    // Its bucket changed while the script ran: ask again now.
                    None => SharedDecision::Wait {
                        after: Duration::ZERO,
                        woken: None,
                    },
                    Some(woken) => {
                        let after = if inner.wakes.listening() {
                            after
                        } else {
                            after.min(UNSUBSCRIBED_WAIT)
                        };
                        SharedDecision::Wait {
                            after,
                            woken: Some(woken),
                        }
                    }
                },
            })
        })
    }

    fn complete(&self, report: SharedReport) {
        // The worker ends only when every sender is gone; a report that cannot be sent
        // only holds its capacity until the lease ends.
        let _ = self.inner.reports.send(Job::Report(report));
    }

    fn abandon(&self, request: &SharedRequest) {
        let _ = self.inner.reports.send(Job::Abandon(request.clone()));
    }

    fn record_fallback(&self, request: &SharedRequest) {
        let _ = self.inner.reports.send(Job::Fallback(request.clone()));
    }

    fn flush(&self) -> StoreFuture<'_, ()> {
        let (done, flushed) = tokio::sync::oneshot::channel();
        let queued = self.inner.reports.send(Job::Flush(done)).is_ok();
        Box::pin(async move {
            if queued && flushed.await.is_ok() {
                Ok(())
            } else {
                Err(StoreError::new("the completion worker has stopped"))
            }
        })
    }
}

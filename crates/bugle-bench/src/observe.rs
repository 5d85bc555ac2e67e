//! A transport that passes every request to `HyperTransport` and notes what came back: the
//! 429s a client process saw, by scope, and (when asked) each exchange's timing.
//!
//! `FakeDiscord` counts 429s for the whole token; with several client processes on one
//! token, each process's own count comes from here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bugle_transport::{Transport, TransportFuture, TransportRequest};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// 429s a client saw, by the scope their headers gave.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SeenRateLimits {
    /// Scope `user` (a bucket, or a hidden limit).
    pub user: u64,
    /// Scope `global`.
    pub global: u64,
    /// Scope `shared`.
    pub shared: u64,
}

/// One request and its answer, as the client's transport saw them.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The request's path.
    pub path: String,
    /// When it was handed to the transport, from the observer's creation.
    pub sent: Duration,
    /// When the answer came back.
    pub answered: Duration,
    /// The answer's status; `None` when no answer came.
    pub status: Option<StatusCode>,
    /// A 429's `retry_after` (seconds, from the body, with milliseconds).
    pub retry_after: Option<f64>,
}

/// What the observing transport noted.
#[derive(Debug)]
pub struct Observer {
    started: Instant,
    user: AtomicU64,
    global: AtomicU64,
    shared: AtomicU64,
    exchanges: Option<Mutex<Vec<Exchange>>>,
}

impl Observer {
    /// An observer counting 429s, and keeping every exchange when `keep_exchanges`.
    pub fn new(keep_exchanges: bool) -> Arc<Self> {
        Arc::new(Self {
            started: Instant::now(),
            user: AtomicU64::new(0),
            global: AtomicU64::new(0),
            shared: AtomicU64::new(0),
            exchanges: keep_exchanges.then(|| Mutex::new(Vec::new())),
        })
    }

    /// The 429s so far.
    pub fn rate_limits(&self) -> SeenRateLimits {
        SeenRateLimits {
            user: self.user.load(Ordering::Relaxed),
            global: self.global.load(Ordering::Relaxed),
            shared: self.shared.load(Ordering::Relaxed),
        }
    }

    /// The exchanges kept so far, in order of their answers.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.as_ref().map_or_else(Vec::new, |log| {
            log.lock().unwrap_or_else(PoisonError::into_inner).clone()
        })
    }

    /// Time since the observer was created (the clock its exchanges are on).
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// `inner`, observed by an [`Observer`].
#[derive(Debug)]
pub struct ObservingTransport<T> {
    inner: T,
    observer: Arc<Observer>,
}

impl<T> ObservingTransport<T> {
    /// Sends through `inner`, noting answers in `observer`.
    pub fn new(inner: T, observer: Arc<Observer>) -> Self {
        Self { inner, observer }
    }
}

impl<T: Transport> Transport for ObservingTransport<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let observer = &self.observer;
            let path = observer
                .exchanges
                .is_some()
                .then(|| request.uri().path().to_owned());
            let sent = observer.started.elapsed();
            let result = self.inner.send(request).await;
            let status = result.as_ref().ok().map(http::Response::status);
            let mut retry_after = None;
            if let Ok(response) = &result
                && response.status() == StatusCode::TOO_MANY_REQUESTS
            {
                let scope = response
                    .headers()
                    .get("x-ratelimit-scope")
                    .and_then(|v| v.to_str().ok());
                let counter = match scope {
                    Some("global") => &observer.global,
                    Some("shared") => &observer.shared,
                    _ => &observer.user,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                retry_after = serde_json::from_slice::<serde_json::Value>(response.body())
                    .ok()
                    .and_then(|body| body.get("retry_after")?.as_f64());
            }
            if let (Some(log), Some(path)) = (&observer.exchanges, path) {
                let exchange = Exchange {
                    path,
                    sent,
                    answered: observer.started.elapsed(),
                    status,
                    retry_after,
                };
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(exchange);
            }
            result
        })
    }

    fn request_timeout(&self) -> Option<Duration> {
        self.inner.request_timeout()
    }

    fn reads_route_template(&self) -> bool {
        self.inner.reads_route_template()
    }
}

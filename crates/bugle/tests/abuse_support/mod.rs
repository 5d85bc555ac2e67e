//! Helpers for the fault and abuse tests: transports that revoke the bot
//! token on demand or lose answers, and questions about what `FakeDiscord`
//! received.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bugle_sim::fake::{FakeDiscord, RequestRecord, RouteKind};
use bugle_transport::{
    Transport, TransportError, TransportErrorKind, TransportFuture, TransportRequest,
};
use http::header::{AUTHORIZATION, HeaderValue};
use http::{Method, StatusCode};

/// Sends through to `inner` until [`revoke`](Self::revoke) is called; after
/// that every request that carries a bot token carries a different one, as
/// if the bot's owner had reset the token: the server (not this wrapper)
/// answers 401.
#[derive(Debug, Clone)]
pub struct Revocable<T> {
    inner: T,
    revoked: Arc<AtomicBool>,
}

impl<T> Revocable<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            revoked: Arc::default(),
        }
    }

    /// From now on the client's bot token is no longer the server's.
    pub fn revoke(&self) {
        self.revoked.store(true, Ordering::SeqCst);
    }
}

impl<T: Transport> Transport for Revocable<T> {
    fn send(&self, mut request: TransportRequest) -> TransportFuture<'_> {
        if self.revoked.load(Ordering::SeqCst) && request.headers().contains_key(AUTHORIZATION) {
            request.headers_mut().insert(
                AUTHORIZATION,
                HeaderValue::from_static("Bot token-reset-by-its-owner"),
            );
        }
        self.inner.send(request)
    }
}

/// Sends through to `inner`, but loses the answer to the first `count`
/// requests with method `method` after the server processed them, as a
/// connection reset after the request was sent would.
#[derive(Debug, Clone)]
pub struct LoseAnswers<T> {
    inner: T,
    method: Method,
    left: Arc<AtomicUsize>,
}

impl<T> LoseAnswers<T> {
    pub fn new(inner: T, method: Method, count: usize) -> Self {
        Self {
            inner,
            method,
            left: Arc::new(AtomicUsize::new(count)),
        }
    }
}

impl<T: Transport> Transport for LoseAnswers<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let lose = request.method() == self.method
            && self
                .left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        Box::pin(async move {
            let answer = self.inner.send(request).await;
            if lose {
                return Err(TransportError::new(
                    TransportErrorKind::Io,
                    true,
                    "connection reset after the request was sent",
                ));
            }
            answer
        })
    }
}

/// The requests `fake` received that went to a webhook-token route.
pub fn webhook_requests(fake: &FakeDiscord) -> Vec<RequestRecord> {
    fake.request_log()
        .into_iter()
        .filter(|r| r.route.is_some_and(RouteKind::is_webhook_token_route))
        .collect()
}

/// The requests `fake` received that went to a bot route.
pub fn bot_requests(fake: &FakeDiscord) -> Vec<RequestRecord> {
    fake.request_log()
        .into_iter()
        .filter(|r| !r.route.is_some_and(RouteKind::is_webhook_token_route))
        .collect()
}

/// How many requests `fake` answered with `status`.
pub fn answered(fake: &FakeDiscord, status: StatusCode) -> usize {
    fake.request_log()
        .iter()
        .filter(|r| r.status == Some(status))
        .count()
}

/// Runs `future` and returns its output with the virtual time it took.
pub async fn timed<F: std::future::Future>(future: F) -> (F::Output, Duration) {
    let started = tokio::time::Instant::now();
    let output = future.await;
    (output, started.elapsed())
}

//! The connection pool: keep-alive connections per origin on hyper's connection API.
//!
//! An HTTP/1.1 connection carries one request at a time: a request takes the idle
//! connection used last (or opens one) and puts it back once it has read its answer's
//! body. An HTTP/2 connection (chosen by ALPN) is shared by every request to its origin.
//!
//! hyper-util's pooled client did the same with more per request: it raced every checkout
//! against a connect, formatted the `Host` header, hashed the pool key with `SipHash`, and
//! spawned a task per request to put the connection back. Here the `Host` header is made
//! once per origin, the origins are a short list, and the request's own task puts its
//! connection back.
//!
//! Each connection still runs on a task of its own. Driving an HTTP/1.1 connection from
//! the task of the request it carries was measured and is slower, most likely because
//! every wake of the connection then polls the request's whole stack of futures again
//! (docs/benchmarks.md, 2026-12-07).

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use http::{HeaderValue, Request, Response, Uri};
use hyper::body::Incoming;
use hyper::client::conn::{TrySendError, http1, http2};
use hyper_util::client::legacy::connect::Connection as _;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::time::Instant;
use tower_service::Service as _;
use tracing::debug;

use super::body::RequestBody;
use super::classify;
use super::connector::TimedConnector;
use super::origin::Origin;
use crate::TransportError;

/// A connection a request can be sent on.
pub(crate) enum Sender {
    /// HTTP/1.1: this request's alone until it is put back.
    Http1(http1::SendRequest<RequestBody>),
    /// HTTP/2: shared with every other request to the origin.
    Http2(http2::SendRequest<RequestBody>),
}

impl Sender {
    /// Waits until the connection can take a request; an error means it has closed.
    pub(crate) async fn ready(&mut self) -> hyper::Result<()> {
        match self {
            Self::Http1(sender) => sender.ready().await,
            Self::Http2(sender) => sender.ready().await,
        }
    }

    /// Sends `request` and waits for its answer's head. A request the connection gives
    /// back in the error was not written.
    pub(crate) async fn send(
        &mut self,
        request: Request<RequestBody>,
    ) -> Result<Response<Incoming>, TrySendError<Request<RequestBody>>> {
        match self {
            Self::Http1(sender) => sender.try_send_request(request).await,
            Self::Http2(sender) => sender.try_send_request(request).await,
        }
    }
}

/// An idle HTTP/1.1 connection and when it was put back.
struct Idle {
    sender: http1::SendRequest<RequestBody>,
    since: Instant,
}

/// One origin's connections.
struct Host {
    origin: Origin,
    /// The `Host` header of its HTTP/1.1 requests.
    header: HeaderValue,
    /// Idle HTTP/1.1 connections, oldest first.
    idle: Vec<Idle>,
    /// The HTTP/2 connection, once one is open.
    shared: Option<http2::SendRequest<RequestBody>>,
}

/// The pool; clones share it.
#[derive(Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    connector: TimedConnector,
    idle_timeout: Option<Duration>,
    max_idle: usize,
    hosts: Mutex<Vec<Host>>,
    /// Whether the task that closes expired idle connections runs.
    reaping: AtomicBool,
}

impl Pool {
    /// A pool opening its connections with `connector`, closing idle ones after
    /// `idle_timeout` and keeping at most `max_idle` idle per origin.
    pub(crate) fn new(
        connector: TimedConnector,
        idle_timeout: Option<Duration>,
        max_idle: usize,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                connector,
                idle_timeout,
                max_idle,
                hosts: Mutex::new(Vec::new()),
                reaping: AtomicBool::new(false),
            }),
        }
    }

    /// A connection to `origin` that is open now, if the pool has one, and the `Host`
    /// header of `origin`'s HTTP/1.1 requests.
    pub(crate) fn checkout(&self, origin: &Origin) -> (Option<Sender>, HeaderValue) {
        let now = Instant::now();
        let timeout = self.inner.idle_timeout;
        let mut hosts = self.inner.lock();
        let host = host_of(&mut hosts, origin);
        let header = host.header.clone();
        if let Some(shared) = host.shared.as_ref() {
            if !shared.is_closed() {
                return (Some(Sender::Http2(shared.clone())), header);
            }
            host.shared = None;
        }
        while let Some(idle) = host.idle.pop() {
            if timeout.is_some_and(|t| now.saturating_duration_since(idle.since) >= t) {
                // The newest is expired, so are all the others.
                host.idle.clear();
                break;
            }
            if !idle.sender.is_closed() {
                return (Some(Sender::Http1(idle.sender)), header);
            }
        }
        (None, header)
    }

    /// Opens a connection to `origin` (whose request URI is `uri`); an HTTP/2 one is
    /// kept for the origin's other requests.
    pub(crate) async fn connect(
        &self,
        origin: &Origin,
        uri: &Uri,
    ) -> Result<Sender, TransportError> {
        let mut connector = self.inner.connector.clone();
        let stream = async {
            poll_fn(|cx| connector.poll_ready(cx)).await?;
            connector.call(uri.clone()).await
        }
        .await
        .map_err(|failure| classify::connect_error(failure, origin))?;
        if stream.connected().is_negotiated_h2() {
            let (sender, connection) = http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .handshake(stream)
                .await
                .map_err(|e| classify::handshake_error(e, origin))?;
            tokio::spawn(connection);
            debug!(%origin, "transport: new http/2 connection");
            if self.inner.max_idle > 0 {
                host_of(&mut self.inner.lock(), origin).shared = Some(sender.clone());
            }
            Ok(Sender::Http2(sender))
        } else {
            let (sender, connection) = http1::handshake(stream)
                .await
                .map_err(|e| classify::handshake_error(e, origin))?;
            tokio::spawn(connection);
            debug!(%origin, "transport: new http/1.1 connection");
            Ok(Sender::Http1(sender))
        }
    }

    /// Takes back a connection whose answer has been read: an HTTP/1.1 one becomes
    /// idle; an HTTP/2 one stays shared as it was.
    pub(crate) fn put_back(&self, origin: &Origin, sender: Sender) {
        let Sender::Http1(sender) = sender else {
            return;
        };
        if self.inner.max_idle == 0 || sender.is_closed() {
            return;
        }
        let now = Instant::now();
        {
            let mut hosts = self.inner.lock();
            let host = host_of(&mut hosts, origin);
            if host.idle.len() >= self.inner.max_idle {
                return;
            }
            host.idle.push(Idle { sender, since: now });
        }
        if let Some(timeout) = self.inner.idle_timeout {
            if !self.inner.reaping.swap(true, Ordering::Relaxed) {
                tokio::spawn(reap(Arc::downgrade(&self.inner), timeout));
            }
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Vec<Host>> {
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `origin`'s entry, made on first use.
fn host_of<'a>(hosts: &'a mut Vec<Host>, origin: &Origin) -> &'a mut Host {
    let index = if let Some(index) = hosts.iter().position(|host| host.origin == *origin) {
        index
    } else {
        hosts.push(Host {
            origin: origin.clone(),
            header: origin.host_header(),
            idle: Vec::new(),
            shared: None,
        });
        hosts.len() - 1
    };
    &mut hosts[index]
}

/// Closes idle connections once they have been idle for `timeout`, until the pool is
/// dropped. A connection is closed at most half a timeout late.
async fn reap(pool: Weak<Inner>, timeout: Duration) {
    let period = (timeout / 2).max(Duration::from_millis(50));
    loop {
        tokio::time::sleep(period).await;
        let Some(pool) = pool.upgrade() else {
            return;
        };
        let now = Instant::now();
        for host in pool.lock().iter_mut() {
            let expired = host
                .idle
                .partition_point(|idle| now.saturating_duration_since(idle.since) >= timeout);
            host.idle.drain(..expired);
        }
    }
}

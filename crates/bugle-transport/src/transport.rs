//! The `Transport` trait.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::TransportError;

/// A request as a transport sees it: an absolute URI, method, headers and a complete body.
pub type TransportRequest = http::Request<Bytes>;

/// A response as a transport returns it: status, headers and the complete body.
pub type TransportResponse = http::Response<Bytes>;

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<TransportResponse, TransportError>> + Send + 'a>>;

/// Sends one HTTP request and returns its response.
///
/// A transport does TLS, connection pooling and its own connect and per-request timeouts.
/// It never rate-limits and never retries a request that may have been sent: the caller
/// (bugle's facade) does those, so a transport can be swapped for a recorder, a replayer
/// or an in-memory Discord without changing what the client does. (Sending again a
/// request that a pooled connection gave back unwritten is the transport's own business:
/// nothing of it reached the server.)
pub trait Transport: Send + Sync + Debug {
    /// Sends `request` and resolves to the full response, whatever its status.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] when no response was received; its
    /// [`request_may_have_been_sent`](TransportError::request_may_have_been_sent) says
    /// whether retrying could duplicate the request.
    fn send(&self, request: TransportRequest) -> TransportFuture<'_>;

    /// The longest one [`send`](Transport::send) runs before it fails with a timeout
    /// error, if this transport enforces such a limit itself (`None`, the default, when
    /// it does not).
    ///
    /// A caller whose own limit for an attempt is this long or longer can rely on the
    /// transport's and run no timer of its own; one with a shorter limit applies it. A
    /// transport that wraps another and adds no wait of its own reports the inner one's.
    fn request_timeout(&self) -> Option<Duration> {
        None
    }

    /// Whether this transport, or one it wraps, reads the
    /// [`RouteTemplate`](crate::RouteTemplate) on a request's extensions (a cassette
    /// recorder or replayer does). `true`, the default, unless it says otherwise.
    ///
    /// A caller may leave the template off when this is `false`: putting it on allocates
    /// the request's extension map, which a transport that never reads it drops unread.
    /// A transport that wraps another and reads nothing itself reports the inner one's.
    fn reads_route_template(&self) -> bool {
        true
    }
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }

    fn request_timeout(&self) -> Option<Duration> {
        (**self).request_timeout()
    }

    fn reads_route_template(&self) -> bool {
        (**self).reads_route_template()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }

    fn request_timeout(&self) -> Option<Duration> {
        (**self).request_timeout()
    }

    fn reads_route_template(&self) -> bool {
        (**self).reads_route_template()
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }

    fn request_timeout(&self) -> Option<Duration> {
        (**self).request_timeout()
    }

    fn reads_route_template(&self) -> bool {
        (**self).reads_route_template()
    }
}

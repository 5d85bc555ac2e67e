//! The `Transport` trait.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
/// It never rate-limits and never retries: the caller (bugle's facade) does those, so a
/// transport can be swapped for a recorder, a replayer or an in-memory Discord without
/// changing what the client does.
pub trait Transport: Send + Sync + Debug {
    /// Sends `request` and resolves to the full response, whatever its status.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] when no response was received; its
    /// [`request_may_have_been_sent`](TransportError::request_may_have_been_sent) says
    /// whether retrying could duplicate the request.
    fn send(&self, request: TransportRequest) -> TransportFuture<'_>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

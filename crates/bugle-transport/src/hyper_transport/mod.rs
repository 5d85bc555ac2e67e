//! [`HyperTransport`]: hyper 1 over rustls, with pooled keep-alive connections.

mod body;
mod builder;
mod classify;
mod connector;
mod origin;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http_body_util::BodyExt as _;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{CaptureConnection, capture_connection};

use body::RequestBody;

pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_REQUEST_TIMEOUT, HyperTransportBuilder,
};
use connector::TimedConnector;
use origin::{Origin, Scheme};

use crate::{Transport, TransportError, TransportFuture, TransportRequest, TransportResponse};

/// A [`Transport`] over hyper 1 and rustls.
///
/// - HTTPS only, TLS 1.2 or newer; plain `http://` only with
///   [`allow_plain_http`](HyperTransportBuilder::allow_plain_http).
/// - HTTP/1.1 or HTTP/2, chosen with the server by ALPN.
/// - Pooled keep-alive connections; clones share the pool.
/// - A connect timeout (TCP and TLS together) and a per-request timeout.
///
/// Errors name at most the scheme, host and port of the request: never its path or query
/// (a webhook token lives in the path) and never a header.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<TimedConnector, RequestBody>,
    request_timeout: Option<Duration>,
    allow_plain_http: bool,
}

impl HyperTransport {
    /// A builder with the defaults: webpki roots (native roots with the `native-roots`
    /// feature), HTTPS only, the `DEFAULT_*` timeouts and pool settings.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    async fn execute(
        &self,
        request: TransportRequest,
    ) -> Result<TransportResponse, TransportError> {
        let origin = Origin::of(request.uri())?;
        if origin.scheme() == Scheme::Http && !self.allow_plain_http {
            return Err(TransportError::invalid_request(format!(
                "plain http to {origin} is refused; use https, or allow plain http for a local \
                 proxy or test server"
            )));
        }
        let (parts, body) = request.into_parts();
        let (request, sent) = if self.request_timeout.is_none() {
            (
                http::Request::from_parts(parts, RequestBody::new(body)),
                None,
            )
        } else if body.is_empty() {
            // hyper never reads an empty body: watch for the connection instead.
            let mut request = http::Request::from_parts(parts, RequestBody::new(body));
            let connection = capture_connection(&mut request);
            (request, Some(Sent::Connection(connection)))
        } else {
            let (body, read) = RequestBody::watched(body);
            let request = http::Request::from_parts(parts, body);
            (request, Some(Sent::Body(read)))
        };
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| classify::request_error(e, &origin))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| classify::body_error(e, &origin))?
                .to_bytes();
            Ok(http::Response::from_parts(parts, body))
        };
        let (Some(limit), Some(sent)) = (self.request_timeout, sent) else {
            return exchange.await;
        };
        if let Ok(result) = tokio::time::timeout(limit, exchange).await {
            result
        } else {
            let may_have_been_sent = sent.may_have_been_sent();
            let message = match (&sent, may_have_been_sent) {
                (_, true) => {
                    format!("no complete response from {origin} within the request timeout")
                }
                (Sent::Body(_), false) => {
                    format!("the request to {origin} was not sent within the request timeout")
                }
                (Sent::Connection(_), false) => {
                    format!("connecting to {origin} did not finish within the request timeout")
                }
            };
            Err(TransportError::timeout(may_have_been_sent, message))
        }
    }
}

/// How a timed-out request tells whether it may have taken effect.
enum Sent {
    /// A request with a body: whether hyper started reading the body. Until it has
    /// left, the server cannot act on the request (it waits for the whole body), and
    /// hyper reads it only after the head is written on a connection.
    Body(Arc<AtomicBool>),
    /// A request without a body is whole once its head is written: whether it had a
    /// connection (from then on the head may have been written).
    Connection(CaptureConnection),
}

impl Sent {
    fn may_have_been_sent(&self) -> bool {
        match self {
            Self::Body(read) => read.load(Ordering::Acquire),
            Self::Connection(connection) => connection.connection_metadata().is_some(),
        }
    }
}

impl Transport for HyperTransport {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        Box::pin(self.execute(request))
    }

    fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }

    /// `false`: hyper sends what the request carries and names nothing.
    fn reads_route_template(&self) -> bool {
        false
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("request_timeout", &self.request_timeout)
            .field("allow_plain_http", &self.allow_plain_http)
            .finish_non_exhaustive()
    }
}

//! [`HyperTransport`]: hyper 1 over rustls, with pooled keep-alive connections.

mod builder;
mod classify;
mod connector;
mod origin;

use std::fmt;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::capture_connection;

use bytes::Bytes;

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
    client: Client<TimedConnector, Full<Bytes>>,
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
        let mut request = http::Request::from_parts(parts, Full::new(body));
        let connection = capture_connection(&mut request);
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
        let Some(limit) = self.request_timeout else {
            return exchange.await;
        };
        if let Ok(result) = tokio::time::timeout(limit, exchange).await {
            result
        } else {
            // A connection is captured once the client has one for this request: from then
            // on the request may have been written.
            let connected = connection.connection_metadata().is_some();
            let message = if connected {
                format!("no complete response from {origin} within the request timeout")
            } else {
                format!("connecting to {origin} did not finish within the request timeout")
            };
            Err(TransportError::timeout(connected, message))
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
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("request_timeout", &self.request_timeout)
            .field("allow_plain_http", &self.allow_plain_http)
            .finish_non_exhaustive()
    }
}

//! [`HyperTransport`]: hyper 1 over rustls, with pooled keep-alive connections.

mod body;
mod builder;
mod classify;
mod connector;
mod origin;
mod pool;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http::Uri;
use http::header::HOST;
use http_body_util::BodyExt as _;

use body::RequestBody;

pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_REQUEST_TIMEOUT, HyperTransportBuilder,
};
use origin::{Origin, Scheme};
use pool::{Pool, Sender};

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
    pool: Pool,
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
        // How a timed-out request tells whether it may have taken effect. One with a
        // body: whether hyper started reading the body. Until the body has left, the
        // server cannot act on the request (it waits for the whole body), and hyper
        // reads it only after the head is written on a connection. One without a body
        // is whole once its head is written: whether it was handed to a connection.
        let (body, read) = if self.request_timeout.is_some() && !body.is_empty() {
            let (body, read) = RequestBody::watched(body);
            (body, Some(read))
        } else {
            (RequestBody::new(body), None)
        };
        let handed = AtomicBool::new(false);
        let exchange = self.exchange(&origin, http::Request::from_parts(parts, body), &handed);
        let Some(limit) = self.request_timeout else {
            return exchange.await;
        };
        let timed = tokio::time::timeout(limit, exchange).await;
        if let Ok(result) = timed {
            return result;
        }
        let may_have_been_sent = match &read {
            Some(read) => read.load(Ordering::Acquire),
            None => handed.load(Ordering::Acquire),
        };
        let message = match (read.is_some(), may_have_been_sent) {
            (_, true) => format!("no complete response from {origin} within the request timeout"),
            (true, false) => {
                format!("the request to {origin} was not sent within the request timeout")
            }
            (false, false) => {
                format!("connecting to {origin} did not finish within the request timeout")
            }
        };
        Err(TransportError::timeout(may_have_been_sent, message))
    }

    /// Sends `request` on a pooled connection or a new one, and reads the whole answer.
    /// A request that a reused connection gives back unsent (it closed before the
    /// request was written) is sent once more, on a new connection. `handed` turns
    /// `true` while the request is with a connection.
    async fn exchange(
        &self,
        origin: &Origin,
        mut request: http::Request<RequestBody>,
        handed: &AtomicBool,
    ) -> Result<TransportResponse, TransportError> {
        let (mut pooled, host) = self.pool.checkout(origin);
        let mut reused = pooled.is_some();
        let uri = request.uri().clone();
        loop {
            let mut sender = if let Some(sender) = pooled.take() {
                sender
            } else {
                reused = false;
                // Boxed: connecting (TCP, TLS, an HTTP/2 handshake) is a large future, and
                // each request's future would otherwise be as large, and copied whole as
                // it moves, for a step most requests skip.
                Box::pin(self.pool.connect(origin, &uri)).await?
            };
            if let Err(error) = sender.ready().await {
                if reused {
                    continue;
                }
                return Err(classify::closed_before_write(error, origin));
            }
            if matches!(sender, Sender::Http1(_)) {
                request
                    .headers_mut()
                    .entry(HOST)
                    .or_insert_with(|| host.clone());
                *request.uri_mut() = origin_form(&uri);
            }
            handed.store(true, Ordering::Release);
            let mut error = match sender.send(request).await {
                Ok(response) => {
                    let response = read_body(response, origin).await?;
                    self.pool.put_back(origin, sender);
                    return Ok(response);
                }
                Err(error) => error,
            };
            match error.take_message() {
                Some(unsent) => {
                    handed.store(false, Ordering::Release);
                    if !reused {
                        return Err(classify::closed_before_write(error.into_error(), origin));
                    }
                    request = unsent;
                    *request.uri_mut() = uri.clone();
                }
                None => return Err(classify::send_error(error.into_error(), origin)),
            }
        }
    }
}

/// The request target of an HTTP/1.1 request: the path and query alone.
fn origin_form(uri: &Uri) -> Uri {
    uri.path_and_query()
        .map_or_else(Uri::default, |path| Uri::from(path.clone()))
}

/// Reads the whole body of `response`.
async fn read_body(
    response: http::Response<hyper::body::Incoming>,
    origin: &Origin,
) -> Result<TransportResponse, TransportError> {
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| classify::body_error(e, origin))?
        .to_bytes();
    Ok(http::Response::from_parts(parts, body))
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

//! The connector: hyper-rustls over hyper-util's TCP connector, with one timeout around
//! TCP connect and TLS handshake together, and errors tagged with the stage that failed.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Where a connection attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectStage {
    /// DNS, TCP connect.
    Tcp,
    /// The TLS handshake, including certificate verification.
    Tls,
    /// The connect timeout fired.
    Timeout,
}

/// A failed connection attempt; nothing of the request was sent.
#[derive(Debug)]
pub(crate) struct ConnectFailure {
    stage: ConnectStage,
    source: Option<BoxError>,
}

impl ConnectFailure {
    pub(crate) fn stage(&self) -> ConnectStage {
        self.stage
    }

    fn classify(error: BoxError) -> Self {
        let stage = if chain_has_rustls_error(&*error) {
            ConnectStage::Tls
        } else {
            ConnectStage::Tcp
        };
        Self {
            stage,
            source: Some(error),
        }
    }
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.stage {
            ConnectStage::Tcp => "tcp connect failed",
            ConnectStage::Tls => "tls handshake failed",
            ConnectStage::Timeout => "connect timed out",
        })
    }
}

impl StdError for ConnectFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Whether a rustls error sits anywhere in `error`'s chain.
///
/// `io::Error::source` skips the error it wraps, so wrapped errors are looked into through
/// `get_ref` as well.
fn chain_has_rustls_error(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            if chain_has_rustls_error(inner) {
                return true;
            }
        }
        current = e.source();
    }
    false
}

/// hyper-rustls's connector with a timeout around the whole connect.
#[derive(Debug, Clone)]
pub(crate) struct TimedConnector {
    inner: HttpsConnector<HttpConnector>,
    timeout: Option<Duration>,
}

impl TimedConnector {
    pub(crate) fn new(inner: HttpsConnector<HttpConnector>, timeout: Option<Duration>) -> Self {
        Self { inner, timeout }
    }
}

type Stream = MaybeHttpsStream<TokioIo<TcpStream>>;

impl Service<Uri> for TimedConnector {
    type Response = Stream;
    type Error = ConnectFailure;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, ConnectFailure>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(ConnectFailure::classify)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            let result = match timeout {
                Some(limit) => match tokio::time::timeout(limit, connecting).await {
                    Ok(result) => result,
                    Err(_) => {
                        return Err(ConnectFailure {
                            stage: ConnectStage::Timeout,
                            source: None,
                        });
                    }
                },
                None => connecting.await,
            };
            result.map_err(ConnectFailure::classify)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustls_error_wrapped_in_io_errors_is_tls() {
        let inner = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let outer: BoxError = Box::new(io::Error::other(inner));
        assert_eq!(ConnectFailure::classify(outer).stage(), ConnectStage::Tls);
    }

    #[test]
    fn plain_io_error_is_tcp() {
        let error: BoxError = Box::new(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(ConnectFailure::classify(error).stage(), ConnectStage::Tcp);
    }
}

//! [`HyperTransportBuilder`]: timeouts, pooling, trusted roots and the plain-http opt-in.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::{ClientConfig, RootCertStore};

use super::HyperTransport;
use super::connector::TimedConnector;
use super::pool::Pool;
use crate::TransportError;

/// How long connecting (TCP and TLS together) may take, unless set otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take from start to the last byte of its response, unless set
/// otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an idle pooled connection is kept, unless set otherwise.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How many idle connections are kept per host, unless set otherwise.
///
/// Set well above the concurrency Discord's limits make useful (50 requests a second per
/// bot): a cap below the number of requests in flight closes connections as their answers
/// arrive only for the next requests to open new ones, a TCP connect and a TLS handshake
/// each. Idle connections never outnumber the peak of requests in flight, and the idle
/// timeout closes them after a burst.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 256;

/// The certificates a [`HyperTransport`] trusts.
#[derive(Clone)]
enum Roots {
    /// Mozilla's roots, bundled through webpki-roots.
    Webpki,
    /// The operating system's roots.
    #[cfg(feature = "native-roots")]
    Native,
    /// Exactly the given roots.
    Custom(RootCertStore),
}

impl fmt::Debug for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Webpki => f.write_str("Webpki"),
            #[cfg(feature = "native-roots")]
            Self::Native => f.write_str("Native"),
            Self::Custom(store) => write!(f, "Custom({} roots)", store.len()),
        }
    }
}

/// Builds a [`HyperTransport`]; start from [`HyperTransport::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    allow_plain_http: bool,
    roots: Roots,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            allow_plain_http: false,
            #[cfg(feature = "native-roots")]
            roots: Roots::Native,
            #[cfg(not(feature = "native-roots"))]
            roots: Roots::Webpki,
        }
    }
}

impl HyperTransportBuilder {
    /// How long connecting (DNS, TCP and the TLS handshake together) may take; `None`
    /// waits as long as the request timeout allows. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take, from the start of `send` to the last byte of the
    /// response body; `None` waits for ever. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept open; `None` keeps it until the server
    /// closes it. Default [`DEFAULT_POOL_IDLE_TIMEOUT`].
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections are kept per host (0 turns keep-alive pooling off).
    /// Default [`DEFAULT_POOL_MAX_IDLE_PER_HOST`].
    pub fn pool_max_idle_per_host(mut self, max_idle: usize) -> Self {
        self.pool_max_idle_per_host = max_idle;
        self
    }

    /// Whether `http://` URIs may be sent (default `false`). Allow them only for a local
    /// proxy or test server: without TLS, a token travels in clear text.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Trusts exactly the certificates in `roots` (a private CA, or a test server's),
    /// instead of the default roots.
    pub fn root_store(mut self, roots: RootCertStore) -> Self {
        self.roots = Roots::Custom(roots);
        self
    }

    /// Trusts Mozilla's roots bundled through webpki-roots (the default without the
    /// `native-roots` feature).
    pub fn webpki_roots(mut self) -> Self {
        self.roots = Roots::Webpki;
        self
    }

    /// Trusts the operating system's roots (the default with the `native-roots` feature).
    #[cfg(feature = "native-roots")]
    pub fn native_roots(mut self) -> Self {
        self.roots = Roots::Native;
        self
    }

    /// Builds the transport. It must be used inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind [`Tls`](crate::TransportErrorKind::Tls) when the TLS
    /// configuration cannot be made, e.g. the operating system has no usable root
    /// certificates.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let tls = self.tls_config()?;
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        let pool = Pool::new(
            TimedConnector::new(https, self.connect_timeout),
            self.pool_idle_timeout,
            self.pool_max_idle_per_host,
        );
        Ok(HyperTransport {
            pool,
            request_timeout: self.request_timeout,
            allow_plain_http: self.allow_plain_http,
        })
    }

    /// rustls with the ring provider, TLS 1.3 and 1.2 only, and the chosen roots.
    fn tls_config(&self) -> Result<ClientConfig, TransportError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| {
                TransportError::tls("the tls provider does not support tls 1.2 and 1.3")
                    .with_source(e)
            })?;
        let builder = match &self.roots {
            Roots::Webpki => {
                use hyper_rustls::ConfigBuilderExt as _;
                builder.with_webpki_roots()
            }
            #[cfg(feature = "native-roots")]
            Roots::Native => {
                use hyper_rustls::ConfigBuilderExt as _;
                builder.with_native_roots().map_err(|e| {
                    TransportError::tls(
                        "no usable root certificates were found in the operating system; \
                         use webpki roots or a custom root store",
                    )
                    .with_source(e)
                })?
            }
            Roots::Custom(store) => builder.with_root_certificates(store.clone()),
        };
        Ok(builder.with_no_client_auth())
    }
}

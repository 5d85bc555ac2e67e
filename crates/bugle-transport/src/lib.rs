#![doc = include_str!("../README.md")]

mod error;
#[cfg(feature = "hyper")]
mod hyper_transport;
mod route;
mod transport;

pub use error::{TransportError, TransportErrorKind};
#[cfg(feature = "hyper")]
pub use hyper_transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_REQUEST_TIMEOUT, HyperTransport, HyperTransportBuilder,
};
pub use route::RouteTemplate;
#[cfg(feature = "hyper")]
pub use rustls::RootCertStore;
pub use transport::{Transport, TransportFuture, TransportRequest, TransportResponse};

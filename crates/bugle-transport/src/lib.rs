#![doc = include_str!("../README.md")]

mod error;
mod transport;

pub use error::{TransportError, TransportErrorKind};
pub use transport::{Transport, TransportFuture, TransportRequest, TransportResponse};

//! Turning connector and hyper errors into [`TransportError`]s.
//!
//! The rule for `request_may_have_been_sent`: a failure while connecting (TCP, TLS, the
//! connect timeout) sent nothing; a request hyper gave back unsent (`is_canceled`) sent
//! nothing; anything after the request started on an established connection may have
//! reached the server. (A request timeout is decided in `mod.rs`: a request with a body
//! counts as sent once hyper starts reading the body, one without once it is handed to a
//! connection.)

use std::error::Error as StdError;
use std::io;

use super::connector::{ConnectFailure, ConnectStage};
use super::origin::Origin;
use crate::{TransportError, TransportErrorKind};

/// Maps a failed connection attempt: nothing of the request was sent.
pub(crate) fn connect_error(failure: ConnectFailure, origin: &Origin) -> TransportError {
    let error = match failure.stage() {
        ConnectStage::Tcp => TransportError::connect(format!("could not connect to {origin}")),
        ConnectStage::Tls => TransportError::tls(format!(
            "tls handshake with {origin} failed; check that its certificate is trusted"
        )),
        ConnectStage::Timeout => {
            TransportError::timeout(false, format!("connecting to {origin} timed out"))
        }
    };
    error.with_source(failure)
}

/// Maps a failed HTTP handshake on a new connection (an HTTP/2 preface the server
/// refused): nothing of the request was sent.
pub(crate) fn handshake_error(error: hyper::Error, origin: &Origin) -> TransportError {
    TransportError::connect(format!("the http handshake with {origin} failed")).with_source(error)
}

/// Maps a connection that closed before the request was written on it: nothing was
/// sent.
pub(crate) fn closed_before_write(error: hyper::Error, origin: &Origin) -> TransportError {
    TransportError::new(
        TransportErrorKind::Io,
        false,
        format!("the connection to {origin} closed before the request was written"),
    )
    .with_source(error)
}

/// Maps an error from sending the request on a connection and reading its head.
pub(crate) fn send_error(error: hyper::Error, origin: &Origin) -> TransportError {
    if error.is_canceled() {
        // hyper cancels a request it did not write when its connection closed first.
        return closed_before_write(error, origin);
    }
    let (kind, message) = if error.is_timeout() {
        (TransportErrorKind::Timeout, "timed out waiting for")
    } else if error.is_parse() || error.is_parse_status() {
        (
            TransportErrorKind::Protocol,
            "received an invalid http response from",
        )
    } else if error.is_incomplete_message() || error.is_closed() {
        (
            TransportErrorKind::Protocol,
            "the connection closed before a full response from",
        )
    } else if find::<io::Error>(&error).is_some() {
        (
            TransportErrorKind::Io,
            "reading or writing the connection failed with",
        )
    } else {
        (
            TransportErrorKind::Protocol,
            "the http exchange failed with",
        )
    };
    TransportError::new(kind, true, format!("{message} {origin}")).with_source(error)
}

/// Maps an error met while reading the response body.
pub(crate) fn body_error(error: hyper::Error, origin: &Origin) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if find::<io::Error>(&error).is_some() {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Protocol
    };
    TransportError::new(
        kind,
        true,
        format!("reading the response body from {origin} failed"),
    )
    .with_source(error)
}

/// The first error of type `E` in `error`'s source chain, `error` included.
fn find<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

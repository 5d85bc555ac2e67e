//! Errors a transport reports when it has no response to give.

use std::error::Error as StdError;
use std::fmt;

/// What went wrong in a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, refused, unreachable): nothing was sent.
    Connect,
    /// A connect or request timeout fired.
    Timeout,
    /// The TLS handshake failed or the peer's certificate was not trusted.
    Tls,
    /// Reading or writing the connection failed after it was established.
    Io,
    /// The peer broke the HTTP protocol, or closed the connection before a full response.
    Protocol,
    /// The request itself cannot be sent as given (a bad URI, a scheme that is not allowed).
    InvalidRequest,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Tls => "tls",
            Self::Io => "i/o",
            Self::Protocol => "protocol",
            Self::InvalidRequest => "invalid request",
        })
    }
}

/// A transport failed to produce a response.
///
/// The message never contains request headers or the full URL, so a token or webhook
/// secret cannot leak through it.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    may_have_been_sent: bool,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// A new error of `kind`; `may_have_been_sent` says whether the server may have
    /// received enough of the request to act on it.
    pub fn new(
        kind: TransportErrorKind,
        may_have_been_sent: bool,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            may_have_been_sent,
            message: message.into(),
            source: None,
        }
    }

    /// The request cannot be sent as given (bad URI, scheme not allowed): nothing was sent.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::InvalidRequest, false, message)
    }

    /// No connection could be made: nothing was sent.
    pub fn connect(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Connect, false, message)
    }

    /// A timeout fired; `may_have_been_sent` is `false` only when it fired before the
    /// request could be acted on: while connecting, or before any of its body was sent.
    pub fn timeout(may_have_been_sent: bool, message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Timeout, may_have_been_sent, message)
    }

    /// The TLS handshake failed or the certificate was not trusted: nothing was sent.
    pub fn tls(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Tls, false, message)
    }

    /// Attaches the underlying error.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the server may have received (and acted on) the request.
    ///
    /// `false` means retrying cannot duplicate it: the connection was never made, the
    /// request was refused before any byte was written, or (for a request with a body)
    /// none of its body was sent, so the server, which waits for the whole body, could
    /// not have acted on it.
    pub fn request_may_have_been_sent(&self) -> bool {
        self.may_have_been_sent
    }

    /// The underlying error, if any.
    pub fn into_source(self) -> Option<Box<dyn StdError + Send + Sync>> {
        self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error: {}", self.kind, self.message)?;
        if self.may_have_been_sent {
            f.write_str(" (the request may have reached the server)")
        } else {
            f.write_str(" (the request was not sent)")
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

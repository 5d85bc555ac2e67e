//! The one error type every bugle operation returns.
//!
//! [`DiscordError`] is a [`kind`](DiscordError::kind) (what happened, as data a
//! caller can match on) plus an optional source (the lower-level error that
//! caused it). Kinds fall into the categories of [`ErrorCategory`]; the
//! predicates [`is_retryable`](DiscordError::is_retryable) and
//! [`is_rate_limited`](DiscordError::is_rate_limited) answer the common
//! questions without a `match`.
//!
//! Every message says what happened and what to do about it, and none of them
//! ever contains a bot token, a webhook token or a webhook URL.

mod classify;
mod convert;
mod kind;

use std::error::Error as StdError;
use std::fmt;

/// One field Discord rejected in a 50035 "invalid form body" answer, with
/// its path (e.g. `embeds[0].title`); the model's type, re-exported.
pub use bugle_model::error::FieldError;
/// Discord's numeric JSON error code, as [`DiscordError::discord_code`]
/// returns it; the model's type, re-exported.
pub use bugle_model::error::JsonErrorCode;
/// The report of a body bugle's validation refused: every violation with its
/// field path and limit; the model's types, re-exported.
pub use bugle_model::validate::{ValidationError, Violation, ViolationKind};
pub(crate) use convert::transport_failure;
pub use kind::{Credential, ErrorCategory, ErrorKind};

/// A boxed error that caused a [`DiscordError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in bugle, with what to do about it.
///
/// ```
/// use bugle::{DiscordError, ErrorKind};
///
/// let error = DiscordError::new(ErrorKind::ServerError { status: 502 });
/// assert!(error.is_retryable());
/// assert_eq!(error.status(), Some(502));
/// assert!(error.to_string().starts_with("discord had a server error (502)"));
/// ```
#[derive(Debug)]
pub struct DiscordError {
    kind: ErrorKind,
    /// The model's report behind an [`ErrorKind::Validation`]; boxed so an
    /// error stays small on the success path's futures.
    validation: Option<Box<ValidationError>>,
    source: Option<BoxError>,
}

impl DiscordError {
    /// An error of `kind` with no underlying cause.
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            validation: None,
            source: None,
        }
    }

    /// The error for a body the model's validation refused:
    /// [`ErrorKind::Validation`] whose message lists every violation, with
    /// the report itself kept for [`validation`](Self::validation).
    pub fn from_validation(report: ValidationError) -> Self {
        Self {
            kind: ErrorKind::Validation {
                message: report.to_string(),
            },
            validation: Some(Box::new(report)),
            source: None,
        }
    }

    /// Attaches the lower-level error that caused this one.
    ///
    /// The source's own `Display` must not contain a secret either; bugle only
    /// attaches errors of its own crates, whose messages are checked for that.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What happened, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The lower-level error that caused this one, if any.
    pub fn into_source(self) -> Option<BoxError> {
        self.source
    }

    /// The validation report, when bugle's validation refused the body:
    /// every violation, each with its field path (e.g.
    /// `embeds[0].fields[3].value`) and the limit it broke.
    ///
    /// `Some` for every [`ErrorKind::Validation`] the model's checks produced;
    /// `None` for other kinds, and for the few local refusals that are not
    /// about a field of the body (an unsupported HTTP method, say).
    ///
    /// ```
    /// use bugle::DiscordError;
    /// use bugle::error::ViolationKind;
    /// use bugle::model::request::CreateMessage;
    /// use bugle::model::validate::Validate;
    ///
    /// let report = CreateMessage::new().content("x".repeat(2001)).validate().unwrap_err();
    /// let error = DiscordError::from(report);
    /// let violation = &error.validation().expect("a validation error").violations()[0];
    /// assert_eq!(violation.path, "content");
    /// assert_eq!(violation.kind, ViolationKind::TooLong { max: 2000, actual: 2001 });
    /// ```
    pub fn validation(&self) -> Option<&ValidationError> {
        self.validation.as_deref()
    }

    /// The kind and the source, by value.
    pub fn into_parts(self) -> (ErrorKind, Option<BoxError>) {
        (self.kind, self.source)
    }

    /// Which family of failure this is.
    pub fn category(&self) -> ErrorCategory {
        self.kind.category()
    }

    /// Whether trying again later may succeed: a rate limit, a server error or
    /// a network failure.
    ///
    /// bugle's own retry policy has already retried what it safely could
    /// before returning such an error.
    pub fn is_retryable(&self) -> bool {
        self.category() == ErrorCategory::Retryable
    }

    /// Whether the failure came from a rate limit: Discord answered 429, or
    /// the wait for a rate-limit permit would have been longer than allowed.
    pub fn is_rate_limited(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited { .. } | ErrorKind::RateLimitTimeout { .. }
        )
    }

    /// The HTTP status Discord answered with, when the error comes from a
    /// response.
    pub fn status(&self) -> Option<u16> {
        self.kind.status()
    }

    /// Discord's JSON error code (e.g. [`JsonErrorCode::MISSING_PERMISSIONS`],
    /// 50013), when the response carried one; Discord's generic `0` counts as
    /// none.
    pub fn discord_code(&self) -> Option<JsonErrorCode> {
        self.kind.discord_code()
    }
}

impl fmt::Display for DiscordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}

impl StdError for DiscordError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

impl From<ErrorKind> for DiscordError {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

/// A transport failure is a [`ErrorKind::Network`] error that keeps whether
/// the request may have been sent, with the transport error as its source.
impl From<bugle_transport::TransportError> for DiscordError {
    fn from(error: bugle_transport::TransportError) -> Self {
        Self::new(ErrorKind::Network {
            request_may_have_been_sent: error.request_may_have_been_sent(),
        })
        .with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn retryable_kinds_are_retryable_and_others_are_not() {
        let retryable = [
            ErrorKind::RateLimited {
                retry_after: Duration::from_secs(1),
                global: false,
            },
            ErrorKind::ServerError { status: 500 },
            ErrorKind::Network {
                request_may_have_been_sent: false,
            },
        ];
        for kind in retryable {
            assert!(DiscordError::new(kind).is_retryable());
        }
        let not_retryable = [
            ErrorKind::Unauthorized { code: None },
            ErrorKind::QueueFull { capacity: 10 },
            ErrorKind::MayHaveBeenDelivered,
            ErrorKind::NoAuthentication {
                needed: Credential::BotToken,
            },
        ];
        for kind in not_retryable {
            assert!(!DiscordError::new(kind).is_retryable());
        }
    }

    #[test]
    fn rate_limit_timeout_counts_as_rate_limited() {
        let error = DiscordError::new(ErrorKind::RateLimitTimeout {
            predicted_wait: Duration::from_secs(30),
            max_wait: Duration::from_secs(5),
        });
        assert!(error.is_rate_limited());
        assert!(!error.is_retryable());
        assert!(!DiscordError::new(ErrorKind::ServerError { status: 503 }).is_rate_limited());
    }

    #[test]
    fn source_is_kept_and_returned() {
        let io = std::io::Error::other("connection reset");
        let error = DiscordError::new(ErrorKind::Network {
            request_may_have_been_sent: true,
        })
        .with_source(io);
        assert_eq!(
            StdError::source(&error).map(ToString::to_string).as_deref(),
            Some("connection reset")
        );
        let source = error.into_source().expect("source");
        assert_eq!(source.to_string(), "connection reset");
    }

    #[test]
    fn transport_errors_become_network_errors() {
        use bugle_transport::{TransportError, TransportErrorKind};

        let refused = TransportError::new(TransportErrorKind::Connect, false, "connection refused");
        let error = DiscordError::from(refused);
        assert_eq!(
            error.kind(),
            &ErrorKind::Network {
                request_may_have_been_sent: false
            }
        );
        assert!(error.is_retryable());
        let source = StdError::source(&error).expect("source kept");
        assert!(source.to_string().contains("connection refused"));

        let reset = TransportError::new(TransportErrorKind::Io, true, "reset");
        assert_eq!(
            DiscordError::from(reset).kind(),
            &ErrorKind::Network {
                request_may_have_been_sent: true
            }
        );
    }

    #[test]
    fn display_is_the_kind_message() {
        let kind = ErrorKind::QueueFull { capacity: 3 };
        let expected = kind.to_string();
        assert_eq!(DiscordError::from(kind).to_string(), expected);
    }
}

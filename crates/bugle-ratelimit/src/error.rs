//! The errors the engine returns instead of sending a request.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

/// Which queue was full.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueScope {
    /// The queue of the request's bucket.
    Bucket,
    /// All queues together.
    Total,
}

/// Why a request was refused.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bucket's queue, or all queues together, hold as many requests as configured.
    QueueFull {
        /// Which bound was reached.
        scope: QueueScope,
        /// The bound.
        capacity: usize,
    },
    /// The request could not be sent before its deadline; decided as soon as the
    /// predicted wait exceeded it.
    RateLimitTimeout {
        /// How long the engine predicted the request would have to wait.
        predicted_wait: Duration,
    },
    /// Discord (or Cloudflare in front of it) banned this client; every request fails
    /// until the ban ends.
    Banned {
        /// When the ban is expected to end.
        until: Instant,
    },
    /// The invalid-request count of the last 10 minutes reached the configured ceiling.
    InvalidRequestCeiling {
        /// When the count drops below the ceiling again.
        until: Instant,
    },
    /// Discord answered 401 for the bot token; bot requests fail until the token is
    /// replaced and [`crate::RateLimiter::clear_token_invalid`] is called.
    TokenInvalid,
    /// The webhook answered 404; Discord asks clients to stop using it.
    WebhookDead {
        /// When the engine will allow the webhook to be tried again.
        until: Instant,
    },
}

/// A request refused by the rate limiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitError {
    kind: ErrorKind,
}

impl RateLimitError {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// Whether trying again later can succeed (everything but an invalid token).
    pub fn is_retryable(&self) -> bool {
        !matches!(self.kind, ErrorKind::TokenInvalid)
    }

    /// The earliest instant at which a retry could succeed, when known.
    pub fn retry_at(&self) -> Option<Instant> {
        match self.kind {
            ErrorKind::Banned { until }
            | ErrorKind::InvalidRequestCeiling { until }
            | ErrorKind::WebhookDead { until } => Some(until),
            _ => None,
        }
    }
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::QueueFull { scope: QueueScope::Bucket, capacity } => {
                write!(f, "rate-limit queue for this bucket is full ({capacity} waiting); retry later or raise the per-bucket bound")
            }
            ErrorKind::QueueFull { scope: QueueScope::Total, capacity } => {
                write!(f, "rate-limit queues are full ({capacity} waiting in total); retry later or raise the total bound")
            }
            ErrorKind::RateLimitTimeout { predicted_wait } => write!(
                f,
                "request would wait about {:.3}s for its rate limit, past its deadline; retry later or extend the deadline",
                predicted_wait.as_secs_f64()
            ),
            ErrorKind::Banned { .. } => {
                f.write_str("discord or cloudflare banned this client (429 without rate-limit scope); wait for the ban to end")
            }
            ErrorKind::InvalidRequestCeiling { .. } => f.write_str(
                "too many invalid requests (401, 403, 429) in the last 10 minutes; requests are refused locally to avoid a ban",
            ),
            ErrorKind::TokenInvalid => {
                f.write_str("discord rejected the bot token (401); replace the token and reset the rate limiter")
            }
            ErrorKind::WebhookDead { .. } => {
                f.write_str("this webhook returned 404 and must not be used again; check that it still exists")
            }
        }
    }
}

impl StdError for RateLimitError {}

//! What happened to a request after it was sent.

use tokio::time::Instant;

use crate::headers::RateLimitHeaders;

/// What the engine concluded from a completed request, returned by
/// [`crate::Permit::complete`]: whether the answer tripped a breaker that will refuse
/// later requests, so the caller can report the same thing for this one.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing beyond the usual bookkeeping.
    Normal,
    /// The answer was a ban (a 429 without Discord's scope, a non-JSON page, or a wait
    /// past the ban threshold): every request fails until `until`.
    Banned {
        /// When the ban is expected to end.
        until: Instant,
    },
    /// A 401 for the bot token: bot requests fail until it is replaced.
    TokenInvalid,
    /// A 404 for a webhook: it is refused until `until`.
    WebhookDead {
        /// When the webhook may be tried again.
        until: Instant,
    },
}

/// The result of sending a request, handed back with [`crate::Permit::complete`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub(crate) status: Option<u16>,
    pub(crate) headers: RateLimitHeaders,
}

impl Outcome {
    /// A response arrived with HTTP `status` and the parsed rate-limit `headers` (parse
    /// the body into them too when the status is 404 or 429).
    pub fn response(status: u16, headers: RateLimitHeaders) -> Self {
        Self {
            status: Some(status),
            headers,
        }
    }

    /// The request was sent but no response arrived (timeout, connection reset). The
    /// capacity it reserved stays used, since Discord may have counted it.
    pub fn no_response() -> Self {
        Self {
            status: None,
            headers: RateLimitHeaders::default(),
        }
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The parsed rate-limit headers.
    pub fn headers(&self) -> &RateLimitHeaders {
        &self.headers
    }
}

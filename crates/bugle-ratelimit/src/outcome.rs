//! What happened to a request after it was sent.

use crate::headers::RateLimitHeaders;

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

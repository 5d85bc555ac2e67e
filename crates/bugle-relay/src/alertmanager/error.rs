//! Why a silence was not created.

use http::StatusCode;

/// Why a silence was not created. Messages never hold the relay's
/// credentials, nor credentials written into the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SilenceError {
    /// Alertmanager (or its proxy) answered 401 or 403.
    #[error(
        "alertmanager refused the relay's credentials: check [alertmanager] bearer_token or basic"
    )]
    Unauthorized,
    /// Alertmanager refused the silence (another 4xx, or a redirect), with
    /// its own words.
    #[error("alertmanager refused the silence ({status}): {message}")]
    Refused {
        /// The status it answered.
        status: StatusCode,
        /// Its answer's text, shortened to about 300 characters.
        message: String,
    },
    /// Alertmanager could not be reached, did not answer in time, answered
    /// 5xx, or answered in a way the relay does not understand; trying
    /// again later may work.
    #[error("alertmanager is unavailable: {0}")]
    Unavailable(String),
    /// The alert group has no labels to build matchers from.
    #[error("the alert group has no labels to silence by")]
    NoLabels,
}

impl SilenceError {
    /// Whether the same silence may be created by trying again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

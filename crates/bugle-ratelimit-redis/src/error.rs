//! Errors of connecting to the store.

/// The store could not be set up. Its text never carries the URL's password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedisStoreError {
    /// The URL does not parse as a Redis URL.
    #[error("shared limits: the Redis URL {url} is not valid: {reason}")]
    InvalidUrl {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The key prefix is empty or holds characters keys should not.
    #[error(
        "shared limits: the key prefix {prefix:?} is not valid: use 1 to 64 letters, digits, '-', '_' or '.'"
    )]
    InvalidPrefix {
        /// The refused prefix.
        prefix: String,
    },
    /// Redis did not answer, or refused the connection.
    #[error("shared limits: cannot reach Redis at {url}: {reason}")]
    Unreachable {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// What the client said.
        reason: String,
    },
}

//! When to try a failed request again, and after how long.
//!
//! The client asks a [`RetryPolicy`] after every failed attempt whose failure
//! may be transient (a 429, a 5xx, or no response at all). The policy sees a
//! [`RetryContext`]: what failed, how many times, and whether repeating the
//! request could create a duplicate. [`DefaultRetryPolicy`] is the default.
//!
//! A request can be repeated without risk of a duplicate when any of these
//! holds:
//! - the failure shows the request had no effect (429; 502 and 503, which
//!   Discord's edge sends when no backend took the request; a connection that
//!   failed before any byte was sent);
//! - the method is idempotent (GET, PUT, DELETE: repeating has the same
//!   effect as doing it once), or the operation is: a message edit (a
//!   `PATCH` of a channel's or a webhook's message) sets the fields it
//!   carries, so repeating it leaves the message as doing it once does
//!   (`PATCH` in general is not idempotent, and is not treated as such);
//! - the request is dedupe-safe: a message create carrying a nonce with
//!   `enforce_nonce`, which Discord itself drops if it already saw it.
//!
//! Anything else (a webhook execute that timed out after sending, say) is not
//! repeated blindly: the client reports that it may have been delivered.

mod default;
mod jitter;

use std::fmt::Debug;
use std::time::Duration;

pub use default::DefaultRetryPolicy;
pub use jitter::{FixedJitter, Jitter, RandomJitter};

use crate::error::ErrorKind;

/// Decides whether to retry a failed attempt.
///
/// Implementations must be cheap and must not block: the client calls
/// [`decide`](Self::decide) between attempts.
pub trait RetryPolicy: Send + Sync + Debug {
    /// What to do after the failure described by `context`.
    fn decide(&self, context: &RetryContext) -> RetryDecision;
}

/// The outcome of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send the request again after waiting this long.
    RetryAfter(Duration),
    /// Stop and return the failure to the caller.
    GiveUp,
}

/// A failure the retry policy is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// Discord answered 429.
    RateLimited {
        /// How long Discord asked to wait.
        retry_after: Duration,
        /// Whether the global limit was hit.
        global: bool,
    },
    /// Discord answered with a 5xx status.
    ServerError {
        /// The status.
        status: u16,
        /// The `Retry-After` the answer carried, if any.
        retry_after: Option<Duration>,
    },
    /// No response: connect failure, reset, per-attempt timeout.
    Network {
        /// Whether the request may have reached Discord.
        request_may_have_been_sent: bool,
    },
}

impl Failure {
    /// The failure a retryable [`ErrorKind`] stands for; `None` for kinds no
    /// retry can fix.
    pub fn from_kind(kind: &ErrorKind) -> Option<Self> {
        match *kind {
            ErrorKind::RateLimited {
                retry_after,
                global,
            } => Some(Self::RateLimited {
                retry_after,
                global,
            }),
            ErrorKind::ServerError { status } => Some(Self::ServerError {
                status,
                retry_after: None,
            }),
            ErrorKind::Network {
                request_may_have_been_sent,
            } => Some(Self::Network {
                request_may_have_been_sent,
            }),
            _ => None,
        }
    }

    /// Whether the request may have taken effect despite the failure.
    ///
    /// `false` for 429 (Discord refused it), 502 and 503 (no backend took it)
    /// and network failures before anything was sent; `true` otherwise.
    pub fn may_have_taken_effect(&self) -> bool {
        match *self {
            Self::RateLimited { .. } => false,
            Self::ServerError { status, .. } => !matches!(status, 502 | 503),
            Self::Network {
                request_may_have_been_sent,
            } => request_may_have_been_sent,
        }
    }

    fn is_rate_limit(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }
}

/// What a [`RetryPolicy`] knows about a failed attempt.
///
/// Built by [`RetryState::record`], which keeps the counts across attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryContext {
    /// Attempts made so far, this one included (1 after the first failure).
    pub attempt: u32,
    /// What went wrong this time.
    pub failure: Failure,
    /// 429 answers so far, this one included.
    pub rate_limits: u32,
    /// 5xx answers and network failures so far, this one included.
    pub backoff_failures: u32,
    /// Whether repeating the request has the same effect as sending it
    /// once: its method is idempotent (GET, PUT, DELETE, …), or the
    /// operation is (a message edit).
    pub method_idempotent: bool,
    /// Whether Discord drops a repeat of this request by itself (a message
    /// create with a nonce and `enforce_nonce`).
    pub dedupe_safe: bool,
}

impl RetryContext {
    /// Marks the request as idempotent (or not), by its method or by what
    /// the operation does.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.method_idempotent = idempotent;
        self
    }

    /// Marks the request as deduplicated by Discord (or not).
    #[must_use]
    pub fn dedupe_safe(mut self, dedupe_safe: bool) -> Self {
        self.dedupe_safe = dedupe_safe;
        self
    }

    /// Whether sending the request again cannot produce a duplicate.
    pub fn safe_to_repeat(&self) -> bool {
        !self.failure.may_have_taken_effect() || self.method_idempotent || self.dedupe_safe
    }
}

/// Counts the failures of one operation, to build each [`RetryContext`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryState {
    attempts: u32,
    rate_limits: u32,
    backoff_failures: u32,
}

impl RetryState {
    /// No attempts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that the latest attempt failed with `failure` and returns the
    /// context to ask the policy with. The context says the request is
    /// neither idempotent nor dedupe-safe until told otherwise.
    pub fn record(&mut self, failure: Failure) -> RetryContext {
        self.attempts = self.attempts.saturating_add(1);
        if failure.is_rate_limit() {
            self.rate_limits = self.rate_limits.saturating_add(1);
        } else {
            self.backoff_failures = self.backoff_failures.saturating_add(1);
        }
        RetryContext {
            attempt: self.attempts,
            failure,
            rate_limits: self.rate_limits,
            backoff_failures: self.backoff_failures,
            method_idempotent: false,
            dedupe_safe: false,
        }
    }

    /// Attempts recorded so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// Whether repeating a request with `method` has the same effect as sending
/// it once (RFC 9110 §9.2.2).
pub fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::OPTIONS
            | http::Method::TRACE
    )
}

/// A policy that never retries: every failure goes straight to the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct NeverRetry;

impl RetryPolicy for NeverRetry {
    fn decide(&self, _context: &RetryContext) -> RetryDecision {
        RetryDecision::GiveUp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENT: Failure = Failure::Network {
        request_may_have_been_sent: true,
    };
    const NOT_SENT: Failure = Failure::Network {
        request_may_have_been_sent: false,
    };

    fn server(status: u16) -> Failure {
        Failure::ServerError {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn state_counts_rate_limits_and_backoff_failures_apart() {
        let mut state = RetryState::new();
        let limited = Failure::RateLimited {
            retry_after: Duration::from_secs(1),
            global: false,
        };
        state.record(limited);
        state.record(server(500));
        let context = state.record(limited);
        assert_eq!(context.attempt, 3);
        assert_eq!(context.rate_limits, 2);
        assert_eq!(context.backoff_failures, 1);
        assert_eq!(state.attempts(), 3);
    }

    #[test]
    fn only_failures_that_may_have_taken_effect_are_unsafe() {
        let mut state = RetryState::new();
        assert!(state.record(NOT_SENT).safe_to_repeat());
        assert!(state.record(server(502)).safe_to_repeat());
        assert!(state.record(server(503)).safe_to_repeat());
        assert!(!state.record(server(500)).safe_to_repeat());
        assert!(!state.record(server(504)).safe_to_repeat());
        assert!(!state.record(SENT).safe_to_repeat());
        assert!(state.record(SENT).idempotent(true).safe_to_repeat());
        assert!(state.record(SENT).dedupe_safe(true).safe_to_repeat());
    }

    #[test]
    fn failures_come_from_retryable_kinds_only() {
        assert_eq!(
            Failure::from_kind(&ErrorKind::ServerError { status: 500 }),
            Some(server(500))
        );
        assert_eq!(
            Failure::from_kind(&ErrorKind::Network {
                request_may_have_been_sent: true
            }),
            Some(SENT)
        );
        assert_eq!(
            Failure::from_kind(&ErrorKind::Unauthorized { code: None }),
            None
        );
    }

    #[test]
    fn idempotent_methods_follow_the_rfc() {
        assert!(is_idempotent(&http::Method::DELETE));
        assert!(is_idempotent(&http::Method::PUT));
        assert!(is_idempotent(&http::Method::GET));
        assert!(!is_idempotent(&http::Method::POST));
        assert!(!is_idempotent(&http::Method::PATCH));
    }

    #[test]
    fn never_retry_gives_up() {
        let context = RetryState::new().record(NOT_SENT);
        assert_eq!(NeverRetry.decide(&context), RetryDecision::GiveUp);
    }
}

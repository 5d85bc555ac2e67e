//! [`DefaultRetryPolicy`]: 429s as Discord says, 5xx and network failures
//! with capped exponential backoff and full jitter.

use std::sync::Arc;
use std::time::Duration;

use super::{Failure, Jitter, RandomJitter, RetryContext, RetryDecision, RetryPolicy};

/// The retry policy bugle uses unless told otherwise.
///
/// - **429:** wait what Discord (or the rate limiter) says, up to
///   [`max_rate_limit_wait`](Self::max_rate_limit_wait) (60 s by default);
///   a longer wait is returned to the caller as an error. A 429 means the
///   request had no effect, so it is repeated as long as the operation's
///   deadline allows: [`max_rate_limit_retries`](Self::max_rate_limit_retries)
///   sets no count by default. Something else using the same token (another
///   replica, a script) can make one request meet 429 after 429; from the
///   fourth of one operation on, the wait is also at least a backoff with
///   full jitter (as for 5xx below), so senders that keep colliding spread
///   out and an operation spends few invalid requests.
/// - **5xx and network failures:** only when repeating cannot duplicate the
///   request (see [`RetryContext::safe_to_repeat`]); at most
///   [`max_retries`](Self::max_retries) times (3), after a random delay in
///   `[0, min(max_delay, base_delay × 2ⁿ⁻¹)]` for the n-th such failure
///   ("full jitter", base 250 ms, cap 10 s), and never sooner than a
///   `Retry-After` the answer carried.
///
/// ```
/// use std::time::Duration;
/// use bugle::retry::{DefaultRetryPolicy, Failure, FixedJitter, RetryDecision, RetryPolicy, RetryState};
///
/// let policy = DefaultRetryPolicy::new().jitter(FixedJitter::new(1.0));
/// let mut state = RetryState::new();
/// let context = state.record(Failure::ServerError { status: 502, retry_after: None });
/// assert_eq!(policy.decide(&context), RetryDecision::RetryAfter(Duration::from_millis(250)));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct DefaultRetryPolicy {
    max_retries: u32,
    max_rate_limit_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_rate_limit_wait: Duration,
    jitter: Arc<dyn Jitter>,
}

impl Default for DefaultRetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultRetryPolicy {
    /// Retries after 5xx and network failures by default.
    pub const DEFAULT_MAX_RETRIES: u32 = 3;
    /// Retries after 429 answers by default: no count, the operation's
    /// deadline bounds them.
    pub const DEFAULT_MAX_RATE_LIMIT_RETRIES: u32 = u32::MAX;
    /// 429s of one operation waited out exactly as told; later ones also back
    /// off with jitter.
    pub const RATE_LIMITS_WITHOUT_BACKOFF: u32 = 3;
    /// The first backoff's upper bound.
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(250);
    /// The largest backoff.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);
    /// The longest 429 wait sat out before giving up.
    pub const DEFAULT_MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

    /// The defaults listed above, with random jitter.
    pub fn new() -> Self {
        Self {
            max_retries: Self::DEFAULT_MAX_RETRIES,
            max_rate_limit_retries: Self::DEFAULT_MAX_RATE_LIMIT_RETRIES,
            base_delay: Self::DEFAULT_BASE_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            max_rate_limit_wait: Self::DEFAULT_MAX_RATE_LIMIT_WAIT,
            jitter: Arc::new(RandomJitter),
        }
    }

    /// How many times to retry after 5xx answers and network failures.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// How many times to retry after 429 answers.
    pub fn max_rate_limit_retries(mut self, retries: u32) -> Self {
        self.max_rate_limit_retries = retries;
        self
    }

    /// The upper bound of the first backoff; each later one doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff upper bound.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest wait (429 `retry_after`, or a 5xx `Retry-After`) the
    /// policy sits out; a longer one goes back to the caller.
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = wait;
        self
    }

    /// Where backoff randomness comes from ([`RandomJitter`] by default).
    pub fn jitter(mut self, jitter: impl Jitter + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// The backoff upper bound for the n-th 5xx or network failure (n ≥ 1).
    fn backoff_ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }
}

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(&self, context: &RetryContext) -> RetryDecision {
        match context.failure {
            Failure::RateLimited { retry_after, .. } => {
                if context.rate_limits > self.max_rate_limit_retries
                    || retry_after > self.max_rate_limit_wait
                {
                    return RetryDecision::GiveUp;
                }
                let repeated = context
                    .rate_limits
                    .saturating_sub(Self::RATE_LIMITS_WITHOUT_BACKOFF);
                if repeated == 0 {
                    return RetryDecision::RetryAfter(retry_after);
                }
                let jittered = self.jitter.sample(self.backoff_ceiling(repeated));
                RetryDecision::RetryAfter(jittered.max(retry_after))
            }
            Failure::ServerError { .. } | Failure::Network { .. } => {
                if !context.safe_to_repeat() || context.backoff_failures > self.max_retries {
                    return RetryDecision::GiveUp;
                }
                let jittered = self
                    .jitter
                    .sample(self.backoff_ceiling(context.backoff_failures));
                let asked = match context.failure {
                    Failure::ServerError { retry_after, .. } => retry_after.unwrap_or_default(),
                    _ => Duration::ZERO,
                };
                if asked > self.max_rate_limit_wait {
                    return RetryDecision::GiveUp;
                }
                RetryDecision::RetryAfter(jittered.max(asked))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FixedJitter, RetryState};
    use super::*;

    fn exact() -> DefaultRetryPolicy {
        DefaultRetryPolicy::new().jitter(FixedJitter::new(1.0))
    }

    fn server(status: u16) -> Failure {
        Failure::ServerError {
            status,
            retry_after: None,
        }
    }

    fn limited(seconds: u64) -> Failure {
        Failure::RateLimited {
            retry_after: Duration::from_secs(seconds),
            global: false,
        }
    }

    const NOT_SENT: Failure = Failure::Network {
        request_may_have_been_sent: false,
    };
    const SENT: Failure = Failure::Network {
        request_may_have_been_sent: true,
    };

    #[test]
    fn rate_limits_wait_as_told() {
        let context = RetryState::new().record(limited(3));
        assert_eq!(
            exact().decide(&context),
            RetryDecision::RetryAfter(Duration::from_secs(3))
        );
    }

    #[test]
    fn rate_limit_waits_over_the_cap_give_up() {
        let policy = exact();
        assert_eq!(
            policy.decide(&RetryState::new().record(limited(60))),
            RetryDecision::RetryAfter(Duration::from_secs(60))
        );
        assert_eq!(
            policy.decide(&RetryState::new().record(limited(61))),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn rate_limit_retries_are_capped() {
        let policy = exact().max_rate_limit_retries(2);
        let mut state = RetryState::new();
        assert!(matches!(
            policy.decide(&state.record(limited(1))),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            policy.decide(&state.record(limited(1))),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            policy.decide(&state.record(limited(1))),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn rate_limits_repeat_while_the_deadline_allows_and_back_off_when_they_keep_coming() {
        let policy = exact();
        let mut state = RetryState::new();
        let waits: Vec<RetryDecision> = (0..40)
            .map(|_| policy.decide(&state.record(limited(0))))
            .collect();
        let ms = |n| RetryDecision::RetryAfter(Duration::from_millis(n));
        assert_eq!(
            waits[..6],
            [ms(0), ms(0), ms(0), ms(250), ms(500), ms(1_000)]
        );
        assert_eq!(waits[39], ms(10_000), "capped, and never given up");
        // Discord's own wait still wins when it is longer.
        assert_eq!(
            policy.decide(&state.record(limited(30))),
            RetryDecision::RetryAfter(Duration::from_secs(30))
        );
    }

    #[test]
    fn server_errors_back_off_exponentially_then_give_up() {
        let policy = exact();
        let mut state = RetryState::new();
        let delays: Vec<RetryDecision> = (0..4)
            .map(|_| policy.decide(&state.record(server(502))))
            .collect();
        assert_eq!(
            delays,
            [
                RetryDecision::RetryAfter(Duration::from_millis(250)),
                RetryDecision::RetryAfter(Duration::from_millis(500)),
                RetryDecision::RetryAfter(Duration::from_secs(1)),
                RetryDecision::GiveUp,
            ]
        );
    }

    #[test]
    fn backoff_is_capped_at_max_delay() {
        let policy = exact().max_retries(20);
        let mut state = RetryState::new();
        let mut last = RetryDecision::GiveUp;
        for _ in 0..20 {
            last = policy.decide(&state.record(server(503)));
        }
        assert_eq!(last, RetryDecision::RetryAfter(Duration::from_secs(10)));
    }

    #[test]
    fn full_jitter_scales_the_ceiling() {
        let policy = DefaultRetryPolicy::new().jitter(FixedJitter::new(0.5));
        let mut state = RetryState::new();
        state.record(server(502));
        let context = state.record(server(502));
        assert_eq!(
            policy.decide(&context),
            RetryDecision::RetryAfter(Duration::from_millis(250))
        );
        let zero = DefaultRetryPolicy::new().jitter(FixedJitter::new(0.0));
        assert_eq!(
            zero.decide(&context),
            RetryDecision::RetryAfter(Duration::ZERO)
        );
    }

    #[test]
    fn random_jitter_stays_under_the_ceiling() {
        let policy = DefaultRetryPolicy::new();
        for _ in 0..200 {
            let context = RetryState::new().record(server(502));
            let RetryDecision::RetryAfter(delay) = policy.decide(&context) else {
                panic!("should retry");
            };
            assert!(delay <= Duration::from_millis(250));
        }
    }

    #[test]
    fn server_retry_after_is_a_floor() {
        let failure = Failure::ServerError {
            status: 503,
            retry_after: Some(Duration::from_secs(2)),
        };
        let context = RetryState::new().record(failure);
        assert_eq!(
            exact().decide(&context),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
        let too_long = Failure::ServerError {
            status: 503,
            retry_after: Some(Duration::from_secs(600)),
        };
        assert_eq!(
            exact().decide(&RetryState::new().record(too_long)),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn unsent_requests_are_retried_whatever_the_method() {
        let context = RetryState::new().record(NOT_SENT);
        assert_eq!(
            exact().decide(&context),
            RetryDecision::RetryAfter(Duration::from_millis(250))
        );
    }

    #[test]
    fn possibly_sent_requests_are_retried_only_when_no_duplicate_can_result() {
        let policy = exact();
        let context = RetryState::new().record(SENT);
        assert_eq!(policy.decide(&context), RetryDecision::GiveUp);
        assert!(matches!(
            policy.decide(&context.idempotent(true)),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            policy.decide(&context.dedupe_safe(true)),
            RetryDecision::RetryAfter(_)
        ));
    }

    #[test]
    fn ambiguous_server_errors_are_not_repeated_for_unsafe_requests() {
        let policy = exact();
        for status in [500, 504] {
            let context = RetryState::new().record(server(status));
            assert_eq!(policy.decide(&context), RetryDecision::GiveUp);
            assert!(matches!(
                policy.decide(&context.dedupe_safe(true)),
                RetryDecision::RetryAfter(_)
            ));
        }
    }

    #[test]
    fn rate_limits_do_not_use_up_backoff_retries() {
        let policy = exact().max_retries(1);
        let mut state = RetryState::new();
        for _ in 0..3 {
            assert!(matches!(
                policy.decide(&state.record(limited(1))),
                RetryDecision::RetryAfter(_)
            ));
        }
        assert!(matches!(
            policy.decide(&state.record(NOT_SENT)),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            policy.decide(&state.record(NOT_SENT)),
            RetryDecision::GiveUp
        );
    }
}

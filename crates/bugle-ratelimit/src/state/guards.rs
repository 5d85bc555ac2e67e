//! The breakers that refuse requests outright: a ban, the invalid-request ceiling, an
//! invalid bot token and dead webhooks.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{ErrorKind, RateLimitError};
use crate::hash::FastMap;
use crate::key::{GlobalPool, Major, RequestKey};

/// Discord counts invalid requests over 10 minutes.
pub(crate) const INVALID_WINDOW: Duration = Duration::from_secs(600);

/// Invalid requests (401, 403, non-shared 429) in a rolling 10 minutes, in one-second
/// slots.
#[derive(Debug, Clone)]
pub(crate) struct InvalidCounter {
    origin: Instant,
    slots: VecDeque<(u64, u32)>,
    total: u32,
}

impl InvalidCounter {
    fn new(origin: Instant) -> Self {
        Self {
            origin,
            slots: VecDeque::new(),
            total: 0,
        }
    }

    fn second(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.origin).as_secs()
    }

    fn prune(&mut self, now: Instant) {
        let current = self.second(now);
        while let Some(&(second, count)) = self.slots.front() {
            if second + INVALID_WINDOW.as_secs() > current {
                break;
            }
            self.total -= count;
            self.slots.pop_front();
        }
    }

    pub(crate) fn record(&mut self, now: Instant) {
        self.prune(now);
        let second = self.second(now);
        match self.slots.back_mut() {
            Some((s, count)) if *s == second => *count += 1,
            _ => self.slots.push_back((second, 1)),
        }
        self.total += 1;
    }

    pub(crate) fn count(&mut self, now: Instant) -> u32 {
        self.prune(now);
        self.total
    }

    /// When the count will be below `ceiling` again.
    fn below_at(&self, ceiling: u32) -> Instant {
        let mut total = self.total;
        for &(second, count) in &self.slots {
            total -= count;
            if total < ceiling {
                return self.origin + Duration::from_secs(second) + INVALID_WINDOW;
            }
        }
        self.origin
    }
}

/// The breakers.
#[derive(Debug, Clone)]
pub(crate) struct Guards {
    pub(crate) banned_until: Option<Instant>,
    pub(crate) token_invalid: bool,
    pub(crate) dead_webhooks: FastMap<u64, Instant>,
    pub(crate) invalid: InvalidCounter,
    ceiling: u32,
}

impl Guards {
    pub(crate) fn new(ceiling: u32, now: Instant) -> Self {
        Self {
            banned_until: None,
            token_invalid: false,
            dead_webhooks: FastMap::default(),
            invalid: InvalidCounter::new(now),
            ceiling,
        }
    }

    /// Refuses the request if a breaker is tripped.
    pub(crate) fn check(&mut self, key: &RequestKey, now: Instant) -> Result<(), RateLimitError> {
        if let Some(until) = self.banned_until {
            if until > now {
                return Err(RateLimitError::new(ErrorKind::Banned { until }));
            }
            self.banned_until = None;
        }
        if self.invalid.count(now) >= self.ceiling {
            let until = self.invalid.below_at(self.ceiling);
            return Err(RateLimitError::new(ErrorKind::InvalidRequestCeiling {
                until,
            }));
        }
        if self.token_invalid && key.pool == GlobalPool::Bot {
            return Err(RateLimitError::new(ErrorKind::TokenInvalid));
        }
        if let (Major::Webhook { id, .. }, false) = (key.major, key.pool == GlobalPool::Exempt) {
            if let Some(&until) = self.dead_webhooks.get(&id) {
                if until > now {
                    return Err(RateLimitError::new(ErrorKind::WebhookDead { until }));
                }
                self.dead_webhooks.remove(&id);
            }
        }
        Ok(())
    }

    /// Whether no breaker can refuse any request until the state changes: no ban, a
    /// valid token, no dead webhook and no invalid request counted under a non-zero
    /// ceiling.
    pub(crate) fn is_quiet(&self) -> bool {
        self.banned_until.is_none()
            && !self.token_invalid
            && self.dead_webhooks.is_empty()
            && self.invalid.total == 0
            && self.ceiling > 0
    }

    pub(crate) fn ban(&mut self, until: Instant) {
        self.banned_until = Some(self.banned_until.map_or(until, |b| b.max(until)));
    }

    pub(crate) fn evict(&mut self, now: Instant) {
        self.dead_webhooks.retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Method;

    #[test]
    fn invalid_counter_rolls_over_ten_minutes() {
        let start = Instant::now();
        let mut c = InvalidCounter::new(start);
        c.record(start);
        c.record(start + Duration::from_secs(100));
        assert_eq!(c.count(start + Duration::from_secs(599)), 2);
        assert_eq!(c.count(start + Duration::from_secs(600)), 1);
        assert_eq!(c.count(start + Duration::from_secs(700)), 0);
    }

    #[test]
    fn ceiling_refuses_until_the_count_drops() {
        let start = Instant::now();
        let mut g = Guards::new(2, start);
        let key = RequestKey::new(Method::Get, "/x", Major::None);
        g.invalid.record(start);
        assert!(g.check(&key, start).is_ok());
        g.invalid.record(start + Duration::from_secs(5));
        let err = g.check(&key, start + Duration::from_secs(6)).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::InvalidRequestCeiling {
                until: start + Duration::from_secs(600)
            }
        );
        assert!(g.check(&key, start + Duration::from_secs(600)).is_ok());
    }
}

//! A global pool: at most N dispatches in any rolling window, charged at dispatch.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// A sliding log of dispatch instants for one global pool.
#[derive(Debug, Clone)]
pub(crate) struct GlobalWindow {
    limit: u32,
    /// One second plus the safety margin (absorbs latency jitter between dispatch and
    /// arrival at Discord).
    window: Duration,
    log: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl GlobalWindow {
    pub(crate) fn new(limit: u32, margin: Duration) -> Self {
        let limit = limit.max(1);
        Self {
            limit,
            window: Duration::from_secs(1) + margin,
            log: VecDeque::with_capacity(limit.min(1_024) as usize),
            paused_until: None,
        }
    }

    fn prune(&mut self, now: Instant) {
        while self.log.front().is_some_and(|&t| t + self.window <= now) {
            self.log.pop_front();
        }
        if self.paused_until.is_some_and(|p| p <= now) {
            self.paused_until = None;
        }
    }

    /// `Ok` if one more request may go now, else the instant a slot frees.
    pub(crate) fn check(&mut self, now: Instant) -> Result<(), Instant> {
        self.prune(now);
        if let Some(until) = self.paused_until {
            return Err(until);
        }
        if self.log.len() < self.limit as usize {
            Ok(())
        } else {
            Err(self.log[self.log.len() - self.limit as usize] + self.window)
        }
    }

    pub(crate) fn charge(&mut self, now: Instant) {
        self.log.push_back(now);
    }

    /// Gives back the slot charged at `at` (the request was never sent).
    pub(crate) fn refund(&mut self, at: Instant) {
        if let Some(i) = self.log.iter().rposition(|&t| t == at) {
            self.log.remove(i);
        }
    }

    /// A global 429: nothing from this pool before `until`.
    pub(crate) fn pause(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    pub(crate) fn used(&mut self, now: Instant) -> u32 {
        self.prune(now);
        u32::try_from(self.log.len()).unwrap_or(u32::MAX)
    }

    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }

    pub(crate) fn paused_until(&self) -> Option<Instant> {
        self.paused_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_limit_in_a_rolling_window() {
        let start = Instant::now();
        let mut g = GlobalWindow::new(3, Duration::ZERO);
        for i in 0..3 {
            let t = start + Duration::from_millis(i * 100);
            assert!(g.check(t).is_ok());
            g.charge(t);
        }
        let t = start + Duration::from_millis(300);
        assert_eq!(g.check(t), Err(start + Duration::from_secs(1)));
        assert!(g.check(start + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn refund_and_pause() {
        let now = Instant::now();
        let mut g = GlobalWindow::new(1, Duration::ZERO);
        g.charge(now);
        assert!(g.check(now).is_err());
        g.refund(now);
        assert!(g.check(now).is_ok());
        g.pause(now + Duration::from_secs(2));
        assert_eq!(g.check(now), Err(now + Duration::from_secs(2)));
        assert!(g.check(now + Duration::from_secs(2)).is_ok());
    }
}

//! A global pool: at most N dispatches in any rolling window, charged at dispatch.
//!
//! The log keeps runs of dispatches rather than one entry per dispatch: a dispatch less
//! than [`GRAIN`] after the first of the newest run joins it, and a run counts as
//! dispatched at its latest instant. A dispatch therefore leaves the window at most one
//! grain later than it really would (never earlier, so the limit still holds in every
//! rolling window), and the log holds at most one run per grain of the window however
//! high the rate: charging and checking are O(1) amortised and memory is bounded. A pool
//! that is full is asked when it frees by walking its runs, at most one per grain.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// The longest span of one run of dispatches.
pub(crate) const GRAIN: Duration = Duration::from_millis(1);

/// Dispatches that left within one grain, counted at the latest of them.
#[derive(Debug, Clone, Copy)]
struct Run {
    first: Instant,
    last: Instant,
    count: u32,
}

/// A sliding log of dispatch runs for one global pool.
#[derive(Debug, Clone)]
pub(crate) struct GlobalWindow {
    limit: u32,
    /// One second plus the safety margin (absorbs latency jitter between dispatch and
    /// arrival at Discord).
    window: Duration,
    log: VecDeque<Run>,
    /// Dispatches in the log.
    total: u64,
    paused_until: Option<Instant>,
}

impl GlobalWindow {
    pub(crate) fn new(limit: u32, margin: Duration) -> Self {
        let limit = limit.max(1);
        Self {
            limit,
            window: Duration::from_secs(1) + margin,
            log: VecDeque::new(),
            total: 0,
            paused_until: None,
        }
    }

    fn prune(&mut self, now: Instant) {
        while let Some(run) = self.log.front() {
            if run.last + self.window > now {
                break;
            }
            self.total -= u64::from(run.count);
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
        let limit = u64::from(self.limit);
        if self.total < limit {
            return Ok(());
        }
        // The oldest runs leave first: a slot frees when the count falls below the limit.
        let mut remaining = self.total;
        for run in &self.log {
            remaining -= u64::from(run.count);
            if remaining < limit {
                return Err(run.last + self.window);
            }
        }
        Err(now)
    }

    pub(crate) fn charge(&mut self, now: Instant) {
        self.total += 1;
        if let Some(run) = self.log.back_mut() {
            if now >= run.last && now < run.first + GRAIN {
                run.last = now;
                run.count += 1;
                return;
            }
        }
        self.log.push_back(Run {
            first: now,
            last: now,
            count: 1,
        });
    }

    /// Gives back the slot charged at `at` (the request was never sent).
    pub(crate) fn refund(&mut self, at: Instant) {
        let Some(i) = self
            .log
            .iter()
            .rposition(|run| run.first <= at && at <= run.last)
        else {
            return;
        };
        self.total -= 1;
        self.log[i].count -= 1;
        if self.log[i].count == 0 {
            self.log.remove(i);
        }
    }

    /// A global 429: nothing from this pool before `until`.
    pub(crate) fn pause(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    pub(crate) fn used(&mut self, now: Instant) -> u32 {
        self.prune(now);
        u32::try_from(self.total).unwrap_or(u32::MAX)
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

    #[test]
    fn a_run_counts_at_its_latest_dispatch_and_memory_stays_bounded() {
        let start = Instant::now();
        let mut g = GlobalWindow::new(1_000_000, Duration::ZERO);
        // 10,000 dispatches 10 µs apart: 100 runs of one grain each.
        for i in 0..10_000 {
            let t = start + Duration::from_micros(i * 10);
            assert!(g.check(t).is_ok());
            g.charge(t);
        }
        assert_eq!(g.log.len(), 100);
        assert_eq!(g.used(start + Duration::from_millis(100)), 10_000);
        // The first run (dispatches at 0..990 µs) leaves one second after its last.
        let first_last = start + Duration::from_micros(990);
        assert_eq!(g.used(first_last + Duration::from_secs(1)), 9_900);
    }

    #[test]
    fn a_full_pool_frees_when_the_oldest_runs_leave() {
        let start = Instant::now();
        let mut g = GlobalWindow::new(3, Duration::ZERO);
        g.charge(start);
        g.charge(start);
        g.charge(start + Duration::from_millis(500));
        assert_eq!(g.check(start), Err(start + Duration::from_secs(1)));
        g.refund(start);
        assert!(g.check(start).is_ok());
        g.charge(start + Duration::from_millis(600));
        assert_eq!(
            g.check(start + Duration::from_millis(700)),
            Err(start + Duration::from_secs(1))
        );
    }
}

//! How many senders use this token, as far as the answers show.
//!
//! Processes that share a token without sharing state (replicas before the Redis store,
//! a cron script, the same bot in another language) see each other only in Discord's
//! answers. A bucket answer's `X-RateLimit-Remaining` counts every request the bucket
//! took in its window, this process's and the others'; the engine knows how many of
//! them were its own, so the rest were someone else's. When a window's first request of
//! this process finds `k` requests of others ahead of it, at least `k + 1` senders use
//! the bucket. The estimate here is the highest such count among the answers of the last
//! two epochs (about two bucket windows), so that it falls again when the others stop.
//!
//! **Starting.** A process that has just started does not know yet whether others
//! started with it (replicas rolled out together do). Until [`STARTING_FOR`] after its
//! first answer it keeps to a quarter of the global limit, and a bucket whose first
//! answer found no one ahead keeps the rest of its window for as long (see
//! [`crate::state::bucket`]): by then the answers of its other buckets show whether it
//! is alone. A process alone thus pays that short hold once, at start.
//!
//! The estimate only ever errs upwards: a rank counts every foreign request ahead,
//! which is a sender's first request or, sometimes, one of its later ones. Too high an
//! estimate costs a few slots of a window that the first sender claims back later (see
//! [`crate::state::bucket`]); too low would cost 429s.

use std::time::Duration;

use tokio::time::Instant;

/// How long one epoch of the estimate lasts; the estimate spans the current and the
/// previous one.
const EPOCH: Duration = Duration::from_secs(6);

/// How long other senders count as present after the last answer that showed one.
pub(crate) const PRESENT_FOR: Duration = Duration::from_secs(30);

/// How many senders a starting process assumes for the global limit: it keeps to a
/// quarter of it.
pub(crate) const STARTING_SENDERS: u32 = 4;

/// How long after its first answer a process counts as starting.
pub(crate) const STARTING_FOR: Duration = Duration::from_millis(100);

/// What the answers say of the other senders on the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// Too early to tell: no answer yet, or the first came less than [`STARTING_FOR`]
    /// ago (`until` then says when that ends).
    Starting { until: Option<Instant> },
    /// No other sender showed lately.
    Alone,
    /// Other senders showed: `senders` in all (at least 2), until `until`.
    Others { until: Instant, senders: u32 },
}

/// The estimate of senders on the token. See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct Senders {
    /// When the first answer came.
    first_answer: Option<Instant>,
    /// Until when other senders count as present.
    until: Option<Instant>,
    epoch_start: Instant,
    /// Highest count of senders seen in the current epoch, and in the previous one.
    current: u32,
    previous: u32,
    /// The global pool's part last set from a view (see [`View::pool_part`]).
    applied: Option<(u32, bool)>,
}

impl Senders {
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            first_answer: None,
            until: None,
            epoch_start: now,
            current: 1,
            previous: 1,
            applied: None,
        }
    }

    fn advance(&mut self, now: Instant) {
        if now >= self.epoch_start + EPOCH {
            // Two epochs or more without an answer forget everything.
            self.previous = if now >= self.epoch_start + 2 * EPOCH {
                1
            } else {
                self.current
            };
            self.current = 1;
            self.epoch_start = now;
        }
        if self.until.is_some_and(|until| now >= until) {
            self.until = None;
        }
    }

    /// An answer showed that at least `senders` use one bucket (this process included;
    /// 1 when it found none of the others' requests).
    pub(crate) fn observe(&mut self, senders: u32, now: Instant) {
        self.advance(now);
        self.first_answer.get_or_insert(now);
        self.current = self.current.max(senders);
        if senders > 1 {
            self.until = Some(now + PRESENT_FOR);
        }
    }

    /// What the answers say at `now`, and whether the global pool's part it implies
    /// differs from the one last returned so (then the caller sets it).
    pub(crate) fn view_changed(&mut self, now: Instant) -> (View, bool) {
        let view = self.view(now);
        let part = view.pool_part();
        let changed = self.applied != Some(part);
        self.applied = Some(part);
        (view, changed)
    }

    /// What the answers say at `now`.
    pub(crate) fn view(&mut self, now: Instant) -> View {
        self.advance(now);
        if let Some(until) = self.until {
            return View::Others {
                until,
                senders: self.current.max(self.previous).max(2),
            };
        }
        match self.first_answer {
            None => View::Starting { until: None },
            Some(first) if now < first + STARTING_FOR => View::Starting {
                until: Some(first + STARTING_FOR),
            },
            Some(_) => View::Alone,
        }
    }
}

impl View {
    /// The senders the global pool is shared among in this view, and whether that is
    /// a starting process's guess.
    pub(crate) fn pool_part(self) -> (u32, bool) {
        match self {
            Self::Starting { .. } => (STARTING_SENDERS, true),
            Self::Alone => (1, false),
            Self::Others { senders, .. } => (senders, false),
        }
    }
}

/// This process's part of a window of `limit` requests shared by `senders`, when its
/// first request of the window found `rank` requests of others ahead of it: an even
/// part each, the remainder going to the first ranks. At least one (the request that
/// learned the rank was sent already).
pub(crate) fn quota(limit: u32, senders: u32, rank: u32) -> u32 {
    let senders = senders.max(rank + 1).max(1);
    (limit / senders + u32::from(rank < limit % senders)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn quotas_add_up_to_the_window() {
        for limit in 1..=10 {
            for senders in 1..=limit {
                let total: u32 = (0..senders).map(|rank| quota(limit, senders, rank)).sum();
                assert_eq!(total, limit, "limit {limit}, senders {senders}");
            }
        }
        // Four processes on five: the first gets two.
        assert_eq!(
            (0..4).map(|r| quota(5, 4, r)).collect::<Vec<_>>(),
            [2, 1, 1, 1]
        );
        // A rank above the estimate raises it.
        assert_eq!(quota(5, 2, 3), 1);
    }

    #[test]
    fn the_estimate_follows_the_latest_answers_and_forgets() {
        let t0 = Instant::now();
        let mut senders = Senders::new(t0);
        assert_eq!(senders.view(t0), View::Starting { until: None });
        senders.observe(1, t0);
        assert_eq!(
            senders.view(t0),
            View::Starting {
                until: Some(t0 + STARTING_FOR)
            }
        );
        assert_eq!(senders.view(t0 + STARTING_FOR), View::Alone);
        let others = |until: Duration, n| View::Others {
            until: t0 + until,
            senders: n,
        };
        senders.observe(4, t0 + S);
        assert_eq!(senders.view(t0 + S), others(S + PRESENT_FOR, 4));
        // The next epoch still remembers the previous one.
        senders.observe(2, t0 + 7 * S);
        assert_eq!(senders.view(t0 + 7 * S), others(7 * S + PRESENT_FOR, 4));
        // Two epochs later only the latest answers count.
        senders.observe(2, t0 + 14 * S);
        assert_eq!(senders.view(t0 + 14 * S), others(14 * S + PRESENT_FOR, 2));
        // Once nobody else showed for a while, this process is alone again.
        assert_eq!(senders.view(t0 + 14 * S + PRESENT_FOR), View::Alone);
    }
}

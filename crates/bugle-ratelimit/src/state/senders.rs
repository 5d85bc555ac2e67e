//! How many senders use this token, as far as the answers show.
//!
//! Processes that share a token without sharing state (replicas before the Redis store,
//! a cron script, the same bot in another language) see each other only in Discord's
//! answers. A bucket answer's `X-RateLimit-Remaining` counts every request the bucket
//! took in its window, this process's and the others'; the engine knows how many of
//! them were its own, so the rest were someone else's. When a window's first request of
//! this process finds `k` requests of others ahead of it, at least `k + 1` senders use
//! the bucket, if those were the others' first requests: that holds when it reached the
//! server as the window opened; one that came later counts `k` (the others may have sent
//! a second). Over the last two epochs (about two bucket windows, so that it falls again
//! when the others stop), the estimate is the highest count that came often enough: with
//! `n` senders each is the last to arrive about once in `n` windows, so `n` must show in
//! at least one first answer in `2n` (and twice), while a count that shows more rarely is
//! a first request that found a second request of another sender ahead, not one more
//! sender. (Taking the highest count however rare made two processes count three, a
//! part of two requests in five each, and a sixth window for some channels.)
//!
//! **Starting.** A process that has just started does not know yet whether others
//! started with it (replicas rolled out together do). Until [`STARTING_FOR`] after its
//! first answer it keeps to a quarter of the global limit, and a bucket whose first
//! answer found no one ahead keeps the rest of its window for as long, beyond its part
//! as the first of [`MOST_SENDERS`] ([`starting_part`]: one request of a bucket of up to
//! 16; see [`crate::state::bucket`]): by then the answers of its other buckets show
//! whether it is alone. A process alone thus pays that short hold once, at start, and
//! only on small buckets.
//!
//! Too high an estimate costs a few slots of a window that the first sender claims back
//! later (see [`crate::state::bucket`]), and a slower global pool; too low costs a 429
//! now and then, which the bucket's answers then correct.

use std::time::Duration;

use tokio::time::Instant;

use crate::name::Name;

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

/// How soon after its window opened a first request must have reached the server for
/// every request ahead of it to count as another sender.
const PROMPT_RANK: Duration = Duration::from_millis(100);

/// How many bucket hashes keep their window length (Discord has a few dozen).
const PERIODS_KEPT: usize = 64;

/// The most senders the estimate tells apart; more count as this many.
const MOST_SENDERS: usize = 16;

/// The ranks that the first answers of one epoch showed.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// First answers counted.
    answers: u32,
    /// `at_least[k]`: those that showed at least `k + 2` senders.
    at_least: [u32; MOST_SENDERS - 1],
}

impl Tally {
    fn add(&mut self, senders: u32) {
        self.answers += 1;
        let senders = usize::try_from(senders).unwrap_or(MOST_SENDERS);
        for count in self.at_least.iter_mut().take(senders.min(MOST_SENDERS) - 1) {
            *count += 1;
        }
    }

    /// The most senders that the answers of `self` and `other` show often enough: with
    /// `n` senders, the last to arrive in a window is each of them about as often, so
    /// about one first answer in `n` shows `n`. A rarer count is a first request
    /// that found a second request of another sender ahead (its window had begun
    /// earlier than this process saw), not one more sender: it counts only if it
    /// comes in at least one answer in `2n`, and twice.
    fn senders(&self, other: &Self) -> u32 {
        let answers = self.answers + other.answers;
        let mut most = 1;
        for (k, (a, b)) in self.at_least.iter().zip(&other.at_least).enumerate() {
            let senders = u32::try_from(k).unwrap_or(u32::MAX) + 2;
            let seen = a + b;
            if seen >= 2 && seen * 2 * senders >= answers {
                most = senders;
            }
        }
        most
    }
}

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
    /// The ranks of the current epoch's first answers, and of the previous one's.
    current: Tally,
    previous: Tally,
    /// The global pool's part last set from a view (see [`View::pool_part`]).
    applied: Option<(u32, bool)>,
    /// The longest Reset-After seen per bucket hash, newest last: the window length
    /// of every bucket with that hash, known before a new bucket's answers show it.
    periods: Vec<(Name, Duration)>,
}

impl Senders {
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            first_answer: None,
            until: None,
            epoch_start: now,
            current: Tally::default(),
            previous: Tally::default(),
            applied: None,
            periods: Vec::new(),
        }
    }

    /// How long the windows of buckets with `hash` last, as far as any of their
    /// answers showed, this one's `reset_after` included.
    fn window_period(&mut self, hash: &Name, reset_after: Duration) -> Duration {
        if let Some(i) = self.periods.iter().position(|(h, _)| h == hash) {
            let period = &mut self.periods[i].1;
            *period = (*period).max(reset_after);
            return *period;
        }
        if self.periods.len() == PERIODS_KEPT {
            self.periods.remove(0);
        }
        self.periods.push((hash.clone(), reset_after));
        reset_after
    }

    fn advance(&mut self, now: Instant) {
        if now >= self.epoch_start + EPOCH {
            // Two epochs or more without an answer forget everything.
            self.previous = if now >= self.epoch_start + 2 * EPOCH {
                Tally::default()
            } else {
                self.current
            };
            self.current = Tally::default();
            self.epoch_start = now;
        }
        if self.until.is_some_and(|until| now >= until) {
            self.until = None;
        }
    }

    /// The answer to this process's first request of a window of a bucket with `hash`
    /// (`None`: not known yet) found `others` requests of other senders ahead.
    ///
    /// A first request that reached the server as its window opened finds only the
    /// others' first requests ahead, so `others + 1` senders; one that came later may
    /// find a second one too, so it counts one sender fewer (at least two; the estimate
    /// keeps only counts that come often, see the module docs). The window's age when it
    /// answered is its length (the longest Reset-After of its hash) less `reset_after`,
    /// and includes the answer's way back, at most the `round_trip`. (The end of this
    /// process's previous window is no measure of it: at first contact there is none,
    /// and the global limit spreads the first requests over a second.)
    pub(crate) fn observe_first(
        &mut self,
        hash: Option<&Name>,
        reset_after: Duration,
        round_trip: Duration,
        others: u32,
        now: Instant,
    ) {
        let age = hash.map_or(Duration::ZERO, |hash| {
            self.window_period(hash, reset_after)
                .saturating_sub(reset_after)
        });
        let senders = if others == 0 || age <= PROMPT_RANK + round_trip {
            others + 1
        } else {
            others.max(2)
        };
        self.observe(senders, now);
    }

    /// A window's first answer showed that `senders` use one bucket (this process
    /// included; 1 when it found none of the others' requests ahead).
    fn observe(&mut self, senders: u32, now: Instant) {
        self.advance(now);
        self.first_answer.get_or_insert(now);
        self.current.add(senders);
        if senders > 1 {
            self.until = Some(now + PRESENT_FOR);
        }
    }

    /// An answer showed that someone else uses the token, without saying how many.
    pub(crate) fn present(&mut self, now: Instant) {
        self.advance(now);
        self.first_answer.get_or_insert(now);
        self.until = Some(now + PRESENT_FOR);
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
                senders: self.current.senders(&self.previous).max(2),
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

/// The part of a new bucket's window that a starting process takes at once when its
/// first answer found nobody ahead, before it knows whether others started with it: the
/// first sender's part of the window shared by the most senders the estimate tells
/// apart. One request of Discord's buckets of up to 16; with up to that many processes
/// started together, the parts still add up to the window.
pub(crate) fn starting_part(limit: u32) -> u32 {
    quota(limit, u32::try_from(MOST_SENDERS).unwrap_or(u32::MAX), 0)
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
        // Four senders: each process is the last of four about once in four windows.
        for senders_seen in [1, 2, 3, 4, 1, 2, 3, 4] {
            senders.observe(senders_seen, t0 + S);
        }
        assert_eq!(senders.view(t0 + S), others(S + PRESENT_FOR, 4));
        // The next epoch still remembers the previous one.
        senders.observe(2, t0 + 7 * S);
        assert_eq!(senders.view(t0 + 7 * S), others(7 * S + PRESENT_FOR, 4));
        // Two epochs later only the latest answers count.
        senders.observe(2, t0 + 14 * S);
        senders.observe(2, t0 + 14 * S);
        assert_eq!(senders.view(t0 + 14 * S), others(14 * S + PRESENT_FOR, 2));
        // Once nobody else showed for a while, this process is alone again.
        assert_eq!(senders.view(t0 + 14 * S + PRESENT_FOR), View::Alone);
    }

    #[test]
    fn a_rare_high_count_is_not_one_more_sender() {
        let t0 = Instant::now();
        let mut senders = Senders::new(t0);
        // Two processes: half the first answers find the other's first request ahead,
        // and now and then one finds its second too.
        for i in 0..40 {
            let seen = match i % 20 {
                0 | 10 => 3,
                n if n % 2 == 0 => 1,
                _ => 2,
            };
            senders.observe(seen, t0);
        }
        assert_eq!(senders.view(t0).pool_part(), (2, false));
        // Once in a time, once only, however high: not enough either.
        let mut senders = Senders::new(t0);
        for seen in [2, 1, 2, 5, 1, 2] {
            senders.observe(seen, t0);
        }
        assert_eq!(senders.view(t0).pool_part(), (2, false));
        // Someone else shows without a count: two senders at least.
        let mut senders = Senders::new(t0);
        senders.present(t0);
        assert_eq!(senders.view(t0).pool_part(), (2, false));
    }

    #[test]
    fn a_first_request_that_came_late_counts_one_sender_fewer() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let hash = Name::from("h");
        let ranked_two = |age_ms: u64| {
            let mut senders = Senders::new(t0);
            // The window's length, from a first answer that found nobody ahead.
            senders.observe_first(Some(&hash), ms(5_000), ms(1), 0, t0);
            for _ in 0..2 {
                senders.observe_first(Some(&hash), ms(5_000 - age_ms), ms(1), 2, t0);
            }
            senders.view(t0).pool_part().0
        };
        // Two answers that found two requests ahead as their windows opened: three.
        assert_eq!(ranked_two(50), 3);
        // A second after the windows opened, the two may be one sender's: two.
        assert_eq!(ranked_two(1_000), 2);
    }

    #[test]
    fn a_hash_keeps_the_longest_window_its_buckets_showed() {
        let mut senders = Senders::new(Instant::now());
        let messages = Name::from("abc");
        let reactions = Name::from("def");
        let ms = Duration::from_millis;
        assert_eq!(senders.window_period(&messages, ms(4_990)), ms(4_990));
        // A later answer from another channel of the same hash: its window had run.
        assert_eq!(senders.window_period(&messages, ms(4_700)), ms(4_990));
        assert_eq!(senders.window_period(&messages, ms(5_000)), ms(5_000));
        assert_eq!(senders.window_period(&reactions, ms(250)), ms(250));
        assert_eq!(senders.window_period(&messages, ms(1)), ms(5_000));
    }
}

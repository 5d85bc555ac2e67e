//! A global pool: at most N requests in any rolling window, as Discord counts them.
//!
//! Discord counts a request when it arrives, at some unknown instant between our dispatch
//! and our reading of its answer. A slot is therefore taken at dispatch and given back one
//! window (1 s plus the safety margin) after the answer: a request dispatched then cannot
//! arrive within a window of one already counted, whatever the latency, and the wait
//! added to each window is the round trip actually measured (a millisecond on loopback,
//! tens of milliseconds over the internet) rather than a fixed guess. A request still
//! unanswered [`LATEST_ARRIVAL`] after dispatch is taken to have arrived by then, so that
//! a few hung requests cannot hold the pool.
//!
//! Both logs keep runs of requests rather than one entry each: a request less than
//! [`GRAIN`] after the first of the newest run joins it, and a run counts at its latest
//! instant. A slot is therefore given back at most one grain late (never early, so the
//! limit holds in every rolling window), and each log holds at most one run per grain of
//! its span however high the rate: charging and checking are O(1) amortised and memory
//! is bounded. A pool that is full is asked when it frees by walking its runs.
//!
//! The pool assumes this process owns the token's whole limit until a global 429 says
//! otherwise: the engine never sends more than the limit in any window, so such a 429
//! means something else uses the same token (another replica, a cron script, the same
//! bot in another language) or the real limit is lower than configured. The pool then
//! keeps to a *share* of the limit: on a global 429 the share drops to three quarters of
//! what this process had in the window (at most once a window, however many 429s the
//! requests in flight bring back), and while requests wait on a full share it grows by
//! a tenth of the limit each window without a global 429, back up to the limit. (Growing
//! by a part of the share instead starved a process whose share a 429 had cut while it
//! was still ramping up: a few requests a second, for many seconds.)
//! While the share is below the limit it is also spent evenly, one request every
//! window ÷ share, since the other senders' requests come in bursts of their own (every
//! bucket's window opening at once) and an even pace meets them a few at a time.
//! Processes that share a token without sharing state thus settle near their part of the
//! limit instead of pausing and bursting together; sharing the state itself is the
//! Redis store's job.
//!
//! When bucket answers show how many senders use the token (see
//! [`crate::state::senders`]), the share is also capped at an even part of the limit
//! ([`GlobalWindow::set_senders`]) before any global 429 comes: every bucket's window
//! opens at the same instant for all of them, and each sending its whole pool into it
//! would meet the limit together.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::senders::STARTING_FOR;

/// The longest span of one run of requests.
pub(crate) const GRAIN: Duration = Duration::from_millis(1);

/// How long after dispatch an unanswered request is taken to have reached Discord.
pub(crate) const LATEST_ARRIVAL: Duration = Duration::from_secs(1);

/// Requests within one grain, counted at the latest of them.
#[derive(Debug, Clone, Copy)]
struct Run {
    first: Instant,
    last: Instant,
    count: u32,
}

/// Runs in time order, with their total.
#[derive(Debug, Clone, Default)]
struct Log {
    runs: VecDeque<Run>,
    total: u64,
}

impl Log {
    /// Adds one request at `at`, into the run whose grain holds it.
    fn add(&mut self, at: Instant) {
        self.total += 1;
        // Answers come nearly in order: look from the back for the run to join or to
        // follow.
        let i = self.runs.iter().rposition(|run| run.first <= at);
        if let Some(run) = i.map(|i| &mut self.runs[i]) {
            if at < run.first + GRAIN {
                run.last = run.last.max(at);
                run.count += 1;
                return;
            }
        }
        let run = Run {
            first: at,
            last: at,
            count: 1,
        };
        self.runs.insert(i.map_or(0, |i| i + 1), run);
    }

    /// Takes away one request made at `at`; false if no run holds it (it left already).
    fn remove(&mut self, at: Instant) -> bool {
        let Some(i) = self
            .runs
            .iter()
            .rposition(|run| run.first <= at && at <= run.last)
        else {
            return false;
        };
        self.total -= 1;
        self.runs[i].count -= 1;
        if self.runs[i].count == 0 {
            self.runs.remove(i);
        }
        true
    }

    /// Drops the runs whose latest request is at or before `cutoff`.
    fn drop_until(&mut self, cutoff: Instant) {
        while let Some(run) = self.runs.front() {
            if run.last > cutoff {
                break;
            }
            self.total -= u64::from(run.count);
            self.runs.pop_front();
        }
    }
}

/// The requests of one global pool that still hold a slot.
#[derive(Debug, Clone)]
pub(crate) struct GlobalWindow {
    limit: u32,
    /// This process's share of the limit: `limit` until a global 429 lowers it.
    share: u32,
    /// An even part of the limit among the senders the answers show (`limit` alone).
    cap: u32,
    /// The cap is a starting process's guess: a request it holds asks again soon.
    cap_starting: bool,
    /// When a global 429 last lowered the share.
    lowered_at: Option<Instant>,
    /// When the share last changed (lowered, or grown one step).
    share_changed: Option<Instant>,
    /// Since when every check has found the share full (`None` once one found room).
    full_since: Option<Instant>,
    /// While the share is below the limit, the earliest instant of the next dispatch:
    /// a lowered share is spent evenly over the window, not in one burst.
    paced_next: Option<Instant>,
    /// One second plus the safety margin.
    window: Duration,
    /// Dispatched and not answered yet, by dispatch instant.
    sent: Log,
    /// Answered, by the instant the slot's window starts (the answer, or dispatch +
    /// [`LATEST_ARRIVAL`] if that came first).
    answered: Log,
    paused_until: Option<Instant>,
}

impl GlobalWindow {
    pub(crate) fn new(limit: u32, margin: Duration) -> Self {
        Self {
            limit: limit.max(1),
            share: limit.max(1),
            cap: limit.max(1),
            cap_starting: false,
            lowered_at: None,
            share_changed: None,
            full_since: None,
            paced_next: None,
            window: Duration::from_secs(1) + margin,
            sent: Log::default(),
            answered: Log::default(),
            paused_until: None,
        }
    }

    fn prune(&mut self, now: Instant) {
        if let Some(cutoff) = now.checked_sub(self.window) {
            self.answered.drop_until(cutoff);
            if let Some(cutoff) = cutoff.checked_sub(LATEST_ARRIVAL) {
                self.sent.drop_until(cutoff);
            }
        }
        if self.paused_until.is_some_and(|p| p <= now) {
            self.paused_until = None;
        }
    }

    fn total(&self) -> u64 {
        self.sent.total + self.answered.total
    }

    /// `Ok` if one more request may go now, else the earliest instant a slot can free.
    pub(crate) fn check(&mut self, now: Instant) -> Result<(), Instant> {
        self.prune(now);
        if let Some(until) = self.paused_until {
            return Err(until);
        }
        if let Some(next) = self.paced_next.filter(|&next| now < next) {
            if self.part() < self.limit {
                return Err(next);
            }
        }
        let remaining = self.total();
        // Seven eighths full or more (a paced share is never quite full): demand meets
        // the share.
        if remaining * 8 >= u64::from(self.part()) * 7 {
            self.grow_share(now);
        } else {
            self.full_since = None;
        }
        let limit = u64::from(self.part());
        if remaining < limit {
            return Ok(());
        }
        if self.cap_starting && self.cap < self.share {
            // Held by a guess that the first answers will soon replace.
            return Err(self.frees(remaining, limit, now).min(now + STARTING_FOR));
        }
        Err(self.frees(remaining, limit, now))
    }

    /// When enough of the `remaining` slots taken free for fewer than `limit` to be.
    fn frees(&self, mut remaining: u64, limit: u64, now: Instant) -> Instant {
        // Each run frees its slots a window after its start: an answered run's is known,
        // an unanswered run's is at the soonest now (if answered this instant). Walk both
        // logs in order of that instant until enough slots have freed.
        let window = self.window;
        let mut answered = (self.answered.runs.iter())
            .map(|run| (run.last + window, run.count))
            .peekable();
        let mut sent = (self.sent.runs.iter())
            .map(|run| (now.min(run.last + LATEST_ARRIVAL) + window, run.count))
            .peekable();
        loop {
            let next = match (answered.peek(), sent.peek()) {
                (Some(a), Some(s)) if a.0 <= s.0 => answered.next(),
                (Some(_), None) => answered.next(),
                _ => sent.next(),
            };
            // The runs hold `total` ≥ `limit` ≥ 1 slots, so the walk ends inside them.
            let Some((frees, count)) = next else {
                return now + window;
            };
            remaining -= u64::from(count);
            if remaining < limit {
                return frees;
            }
        }
    }

    /// Takes a slot for a request dispatched at `now`.
    pub(crate) fn charge(&mut self, now: Instant) {
        self.sent.add(now);
        let part = self.part();
        if part < self.limit {
            // Other senders fill the rest of the pool in bursts of their own: requests
            // spread over the window meet them a few at a time, not all at once.
            let gap = self.window / part;
            self.paced_next = Some(self.paced_next.map_or(now, |next| next.max(now)) + gap);
        } else {
            self.paced_next = None;
        }
    }

    /// The request dispatched at `sent_at` was answered at `now`: its slot frees a window
    /// after the earlier of `now` and `sent_at` + [`LATEST_ARRIVAL`].
    pub(crate) fn answer(&mut self, sent_at: Instant, now: Instant) {
        if self.sent.remove(sent_at) {
            self.answered.add(now.min(sent_at + LATEST_ARRIVAL));
        }
    }

    /// Gives back the slot taken at `sent_at` (the request was never sent).
    pub(crate) fn refund(&mut self, sent_at: Instant) {
        self.sent.remove(sent_at);
    }

    /// A global 429 answered at `now`: nothing from this pool before `until`, and the
    /// share drops to three quarters of what this process used in the window (at most
    /// once a window).
    pub(crate) fn pause(&mut self, until: Instant, now: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        self.prune(now);
        if self.lowered_at.is_some_and(|at| now < at + self.window) {
            // The requests in flight with the one that brought the first 429 of this
            // window bring theirs too: one decrease is enough.
            return;
        }
        let used = u32::try_from(self.total()).unwrap_or(u32::MAX);
        let base = self.share.min(used.max(1));
        // A process that had sent little when the 429 came (it was still starting) keeps
        // half of its share rather than a part of that little.
        self.share = (base - base / 4).max(self.share / 2).max(1);
        self.lowered_at = Some(now);
        self.share_changed = Some(now);
    }

    /// One increase step of a lowered share, at most once a window: called when a
    /// request finds the share full, and taken only once the share has been full for a
    /// whole window. A process that sends little does not grow a share it never tests,
    /// and one whose requests come in bursts (every bucket's window opening at once) does
    /// not grow it at the start of each burst, into the other senders' bursts.
    fn grow_share(&mut self, now: Instant) {
        if self.share >= self.limit || self.paused_until.is_some() {
            return;
        }
        let full_since = *self.full_since.get_or_insert(now);
        if now < full_since + self.window
            || self.share_changed.is_some_and(|at| now < at + self.window)
        {
            return;
        }
        self.share = (self.share + (self.limit / 10).max(self.share / 2).max(1)).min(self.limit);
        self.share_changed = Some(now);
    }

    /// This process's share of the limit (the limit unless global 429s lowered it).
    pub(crate) fn share(&self) -> u32 {
        self.share
    }

    /// What this process may use of the limit: its share, at most an even part among
    /// the senders the answers show.
    fn part(&self) -> u32 {
        self.share.min(self.cap)
    }

    /// Bucket answers show `senders` senders on the token (1: this process alone): the
    /// share is capped at an even part of the limit.
    /// `starting`: the count is a starting process's guess (see
    /// [`crate::state::senders`]), so a request it holds asks again within
    /// [`STARTING_FOR`].
    pub(crate) fn set_senders(&mut self, senders: u32, starting: bool) {
        self.cap = (self.limit / senders.max(1)).max(1);
        self.cap_starting = starting;
    }

    /// Slots taken now (in flight or answered within the window).
    pub(crate) fn used(&mut self, now: Instant) -> u32 {
        self.prune(now);
        u32::try_from(self.total()).unwrap_or(u32::MAX)
    }

    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }

    pub(crate) fn paused_until(&self) -> Option<Instant> {
        self.paused_until
    }
}

#[cfg(test)]
mod tests;

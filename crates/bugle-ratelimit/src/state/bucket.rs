//! One rate-limit bucket's capacity: limit, unreserved capacity, in-flight requests and
//! the window it belongs to, reconciled when responses arrive out of order.

use std::time::Duration;

use tokio::time::Instant;

/// Whether a bucket can take one more request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capacity {
    /// Yes.
    Ready,
    /// Not before this instant.
    Until(Instant),
    /// Not until a request in flight completes.
    Event,
}

/// The capacity state of one bucket.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    /// `X-RateLimit-Limit`; 0 while unknown (one request in flight at a time).
    pub(crate) limit: u32,
    /// Capacity neither used nor reserved in the current window.
    pub(crate) available: u32,
    /// Requests dispatched from this bucket and not yet completed.
    pub(crate) in_flight: u32,
    /// End of the current window (response arrival + Reset-After + margin), or of a
    /// 429's Retry-After. `None` when the window rolled locally and no response of the
    /// new window has arrived yet.
    pub(crate) window_end: Option<Instant>,
    /// End of the previous window, to recognise late responses from it.
    pub(crate) prev_end: Option<Instant>,
    /// Lowest `remaining` reported in the current window: the server's count after the
    /// latest request it processed among those that completed.
    pub(crate) min_remaining: u32,
    /// Longest Reset-After seen, in milliseconds: the window length estimate.
    pub(crate) period_ms: u32,
    /// Last dispatch or completion.
    pub(crate) last_used: Instant,
    /// Until when the bucket is known to be shared with another sender (a user-scope
    /// 429 that this process's own accounting did not predict): each window then
    /// starts with one request, whose answer says what the others left.
    pub(crate) contended_until: Option<Instant>,
    /// While contended: how many processes share the bucket evenly (1: no even share,
    /// only one request at a time). Set while a shared store does not answer.
    share_of: u32,
    /// Requests this process dispatched in the current window (for the even share).
    window_sent: u32,
}

impl Bucket {
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            limit: 0,
            available: 0,
            in_flight: 0,
            window_end: None,
            prev_end: None,
            min_remaining: 0,
            period_ms: 0,
            last_used: now,
            contended_until: None,
            share_of: 1,
            window_sent: 0,
        }
    }

    fn period(&self) -> Duration {
        Duration::from_millis(u64::from(self.period_ms))
    }

    /// Starts a new window locally once the current one has ended.
    fn roll(&mut self, now: Instant) {
        if let Some(end) = self.window_end {
            if now >= end {
                self.prev_end = Some(end);
                self.window_end = None;
                // Requests still in flight may land in the new window: count them there.
                self.available = self.limit.saturating_sub(self.in_flight);
                self.min_remaining = self.limit;
                self.window_sent = self.in_flight;
                if self.contended_until.is_some_and(|until| now < until) {
                    // Another sender shares the bucket: what it leaves is known only
                    // from an answer, so the window starts with one request (or with
                    // the answers of those in flight).
                    self.available = self.available.min(u32::from(self.in_flight == 0));
                } else {
                    self.contended_until = None;
                    self.share_of = 1;
                }
            }
        }
    }

    /// Whether one more request may be dispatched now.
    ///
    /// Never [`Capacity::Event`] with nothing in flight: no completion could end that
    /// wait. A known bucket can get there when its window rolled while requests were in
    /// flight and they came back saying nothing of the bucket (global 429s, answers
    /// without headers); one request then goes to learn the window again.
    pub(crate) fn capacity(&mut self, now: Instant) -> Capacity {
        self.roll(now);
        self.unwedge();
        if self.limit == 0 {
            if let Some(end) = self.window_end {
                return Capacity::Until(end);
            }
            return if self.in_flight == 0 {
                Capacity::Ready
            } else {
                Capacity::Event
            };
        }
        if self.over_share(now) {
            // Its even share of this window is spent: the rest is the other processes'.
            if let Some(end) = self.window_end {
                return Capacity::Until(end);
            }
            if self.in_flight > 0 {
                return Capacity::Event;
            }
        }
        if self.available > 0 && self.in_flight > 0 && self.is_contended(now) {
            // Another sender uses the bucket: each answer says what is left after both,
            // so one request at a time, to spend what is left without racing them.
            Capacity::Event
        } else if self.available > 0 {
            Capacity::Ready
        } else if let Some(end) = self.window_end {
            Capacity::Until(end)
        } else {
            Capacity::Event
        }
    }

    /// When the request at queue `position` (0 = head) is expected to be dispatched.
    pub(crate) fn predict(&mut self, position: usize, now: Instant) -> Instant {
        self.roll(now);
        self.unwedge();
        if self.limit == 0 {
            return self.window_end.unwrap_or(now);
        }
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        if position < self.available {
            return now;
        }
        let Some(end) = self.window_end else {
            return now;
        };
        let windows = (position - self.available) / self.limit;
        end + self.period() * windows
    }

    /// Reserves capacity for one dispatched request.
    pub(crate) fn reserve(&mut self, now: Instant) {
        self.in_flight += 1;
        self.window_sent = self.window_sent.saturating_add(1);
        self.available = self.available.saturating_sub(1);
        self.last_used = now;
    }

    /// A dispatched request completed (its reservation ends; the capacity stays used).
    pub(crate) fn finish(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.last_used = now;
    }

    /// A dispatched request was never sent: its capacity comes back.
    pub(crate) fn unsend(&mut self, now: Instant) {
        self.finish(now);
        self.window_sent = self.window_sent.saturating_sub(1);
        if self.limit > 0 {
            self.available = (self.available + 1).min(self.limit);
        }
    }

    /// A completed request turned out not to have counted (a 5xx that no rate limiter
    /// answered): its capacity comes back.
    pub(crate) fn refund(&mut self) {
        if self.limit > 0 {
            self.available = (self.available + 1).min(self.limit);
        }
    }

    /// A request completed without rate-limit headers. If that leaves a known bucket
    /// with nothing in flight, no capacity and no window to wait for, one request may go
    /// to learn the window again (otherwise nothing would ever wake the queue).
    pub(crate) fn no_info(&mut self) {
        self.unwedge();
    }

    /// A known bucket with nothing in flight, no capacity and no window to wait for lets
    /// one request go to learn the window again: otherwise its queue would wait for a
    /// completion that cannot come.
    fn unwedge(&mut self) {
        if self.limit > 0 && self.window_end.is_none() && self.in_flight == 0 && self.available == 0
        {
            self.available = 1;
        }
    }

    /// Applies a response's Limit / Remaining / Reset-After, measured at `now` (the
    /// response's arrival). Call after [`Bucket::finish`] for the completing request.
    pub(crate) fn observe(
        &mut self,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        margin: Duration,
        now: Instant,
    ) {
        let limit = limit.max(1);
        let end = now + reset_after + margin;
        let reset_ms = u32::try_from(reset_after.as_millis()).unwrap_or(u32::MAX);
        self.period_ms = self.period_ms.max(reset_ms);
        let remaining = remaining.min(limit);
        let tolerance = self.period() / 2;
        self.last_used = now;

        if self.limit == 0 {
            self.limit = limit;
            self.min_remaining = remaining;
            self.window_end = Some(end.max(self.window_end.unwrap_or(end)));
            // Learned from this process's own request, sent in this window (a bucket
            // found through its hash is new here, with nothing counted yet).
            self.window_sent = self.window_sent.max(1);
        } else {
            self.limit = limit;
            match self.window_end {
                Some(current) if end > current + tolerance => {
                    // The server is already in a later window than the one tracked.
                    self.prev_end = Some(current);
                    self.window_end = Some(end);
                    self.min_remaining = remaining;
                }
                // A late response from an older window says nothing about this one.
                Some(current) if end + tolerance < current => return,
                None if self.prev_end.is_some_and(|prev| end < prev + tolerance) => return,
                Some(current) => {
                    self.min_remaining = self.min_remaining.min(remaining);
                    self.window_end = Some(current.max(end));
                }
                None => {
                    self.min_remaining = self.min_remaining.min(remaining);
                    self.window_end = Some(end);
                }
            }
        }
        // The lowest remaining is the server's count after the latest processed request;
        // requests still in flight may not be in it yet, so they are subtracted. This is
        // never above the truth, and exact once nothing is in flight.
        self.available = self.min_remaining.saturating_sub(self.in_flight);
    }

    /// A 429 for this bucket: nothing may be sent before `until`.
    pub(crate) fn exhaust(&mut self, until: Instant, now: Instant) {
        self.available = 0;
        self.window_end = Some(self.window_end.map_or(until, |end| end.max(until)));
        self.last_used = now;
    }

    fn is_contended(&self, now: Instant) -> bool {
        self.contended_until.is_some_and(|until| now < until)
    }

    /// A user-scope 429 this process's accounting did not predict: another sender uses
    /// the bucket too. Nothing may be sent before `until`, and until `contended_until`
    /// each window starts with a single request.
    pub(crate) fn contend(&mut self, until: Instant, contended_until: Instant, now: Instant) {
        self.exhaust(until, now);
        self.contended_until = Some(
            self.contended_until
                .map_or(contended_until, |c| c.max(contended_until)),
        );
    }

    /// Counts the bucket as used by `share_of` processes in all until
    /// `contended_until`: one request at a time, each window starting with one, and
    /// at most an even share of each window (`limit / share_of`, at least one).
    pub(crate) fn share(&mut self, contended_until: Instant, share_of: u32) {
        self.contended_until = Some(
            self.contended_until
                .map_or(contended_until, |c| c.max(contended_until)),
        );
        if self.share_of == 1 && share_of > 1 {
            // What the others sent in this window is unknown: it counts as spent, and
            // the share starts with the next one.
            self.window_sent = self.window_sent.max(self.limit);
        }
        self.share_of = share_of.max(1);
    }

    /// Whether this process spent its even share of the current window.
    fn over_share(&self, now: Instant) -> bool {
        self.share_of > 1
            && self.limit > 0
            && self.is_contended(now)
            && self.window_sent >= (self.limit / self.share_of).max(1)
    }

    /// Whether the bucket holds nothing worth keeping at `now` with eviction `ttl`.
    pub(crate) fn is_idle(&self, now: Instant, ttl: Duration) -> bool {
        let last = self
            .window_end
            .map_or(self.last_used, |end| end.max(self.last_used));
        self.in_flight == 0 && now >= last + ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARGIN: Duration = Duration::ZERO;

    #[test]
    fn bucket_state_stays_small() {
        // Part of the per-bucket memory budget (docs/benchmarks.md): the map key and the
        // hash table's own overhead come on top.
        assert!(
            std::mem::size_of::<Bucket>() <= 96,
            "{}",
            std::mem::size_of::<Bucket>()
        );
        assert!(std::mem::size_of::<crate::state::store::BucketKey>() <= 48);
    }

    #[test]
    fn unknown_bucket_allows_one_in_flight() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        assert_eq!(b.capacity(now), Capacity::Ready);
        b.reserve(now);
        assert_eq!(b.capacity(now), Capacity::Event);
        b.finish(now);
        assert_eq!(b.capacity(now), Capacity::Ready);
    }

    #[test]
    fn known_bucket_allows_remaining_in_flight() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(5, 4, Duration::from_secs(5), MARGIN, now);
        for _ in 0..4 {
            assert_eq!(b.capacity(now), Capacity::Ready);
            b.reserve(now);
        }
        assert_eq!(
            b.capacity(now),
            Capacity::Until(now + Duration::from_secs(5))
        );
    }

    #[test]
    fn out_of_order_completion_never_raises_capacity_in_a_window() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(5, 4, Duration::from_secs(5), MARGIN, now);
        // Two go out; the server processes A (remaining 3) then B (remaining 2), but B's
        // response arrives first.
        b.reserve(now);
        b.reserve(now);
        assert_eq!(b.available, 2);
        b.finish(now);
        b.observe(5, 2, Duration::from_secs(5), MARGIN, now); // B, A still in flight
        assert_eq!(b.available, 1);
        b.finish(now);
        b.observe(5, 3, Duration::from_secs(5), MARGIN, now); // A, late
        assert_eq!(
            b.available, 2,
            "exact once nothing is in flight, never the stale 3"
        );
    }

    #[test]
    fn window_rolls_at_reset_and_counts_in_flight_requests() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(3, 0, Duration::from_secs(1), MARGIN, now);
        let later = now + Duration::from_secs(1);
        assert_eq!(b.capacity(later), Capacity::Ready);
        assert_eq!(b.available, 3);
        b.reserve(later);
        // A late response from the old window does not change the new one.
        b.observe(3, 0, Duration::ZERO, MARGIN, later);
        assert_eq!(b.available, 2);
    }

    #[test]
    fn unsent_request_returns_its_capacity() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(2, 1, Duration::from_secs(5), MARGIN, now);
        b.reserve(now);
        assert_eq!(b.available, 0);
        b.unsend(now);
        assert_eq!(b.available, 1);
        assert_eq!(b.in_flight, 0);
    }

    #[test]
    fn a_contended_bucket_starts_each_window_with_one_request() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(5, 4, Duration::from_secs(5), MARGIN, now);
        b.reserve(now);
        b.finish(now);
        let until = now + Duration::from_secs(5);
        b.contend(until, now + Duration::from_secs(60), now);
        assert_eq!(b.capacity(now), Capacity::Until(until));
        assert_eq!(b.capacity(until), Capacity::Ready);
        assert_eq!(b.available, 1, "one request learns what the others left");
        b.reserve(until);
        assert_eq!(b.capacity(until), Capacity::Event);
        b.finish(until);
        // The others left two of five: one at a time, to spend them without racing.
        b.observe(5, 2, Duration::from_secs(5), MARGIN, until);
        assert_eq!(b.available, 2);
        assert_eq!(b.capacity(until), Capacity::Ready);
        b.reserve(until);
        assert_eq!(b.capacity(until), Capacity::Event, "one in flight");
        b.finish(until);
        // Once the contention is over, windows start full again.
        let later = now + Duration::from_secs(61);
        b.observe(5, 0, Duration::ZERO, MARGIN, later);
        assert_eq!(
            b.capacity(later + Duration::from_millis(1)),
            Capacity::Ready
        );
        assert_eq!(b.available, 5);
    }

    #[test]
    fn prediction_counts_whole_windows() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        b.observe(5, 2, Duration::from_secs(5), MARGIN, now);
        assert_eq!(b.predict(1, now), now);
        assert_eq!(b.predict(2, now), now + Duration::from_secs(5));
        assert_eq!(
            b.predict(7, now),
            now + Duration::from_secs(6) + Duration::from_secs(4)
        );
    }
}

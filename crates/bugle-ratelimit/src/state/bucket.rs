//! One rate-limit bucket's capacity: limit, unreserved capacity, in-flight requests and
//! the window it belongs to, reconciled when responses arrive out of order.
//!
//! **A window shared with other senders.** When other processes use the same bucket
//! (see [`crate::state::senders`]), each window is shared by rank, without any message
//! between the processes: every sender's first request of the window is answered with
//! the bucket's remaining count, which ranks it among the window's requests (`rank` =
//! the others' requests ahead of it). A sender of rank `k` among `n` takes its even part
//! of the window ([`quota`]) and no more. The first sender (rank 0, the one whose request
//! opened the window) keeps the last request of its part until a quarter of the window
//! has passed (three quarters at first contact, when every bucket opens at once and the
//! global limit spreads the others' first requests); by then the others have taken
//! theirs, so that request's answer says exactly what they left, and the first sender
//! spends it, one request at a time. Every sender
//! thus gets at least one request into every window (its first), no window's capacity is
//! lost to a sender that had nothing more to send, and the processes never race for the
//! last requests of a window. A first contact with a bucket that finds no one ahead and
//! no other sender yet keeps the rest of the window beyond [`starting_part`] (one request
//! of a small bucket) for [`STARTING_FOR`], long enough for the answers of other buckets
//! to show whether others started at the same moment.

use std::time::Duration;

use tokio::time::Instant;

use super::senders::{STARTING_FOR, quota, starting_part};
use super::tick::Tick;

/// A rank as the senders' estimate allows: a first request sent late in its window can
/// find a later request of another sender ahead, which would rank it past the last
/// sender; it counts as the last.
fn rank_within(rank: u32, senders: u32) -> u32 {
    if senders >= 2 {
        rank.min(senders - 1)
    } else {
        rank
    }
}

/// Moves `until` to `t` if that is later (or sets it).
fn later(until: &mut Option<Tick>, t: Instant) {
    let t = Tick::from(t);
    *until = Some(until.map_or(t, |u| u.max(t)));
}

/// What an answer showed about the other senders on its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    /// Requests of others the bucket counted in this window, as far as this answer shows.
    pub(crate) others: u32,
    /// Whether the answer was this process's first of the window (then `others` is its
    /// rank: the others' requests ahead of its first).
    pub(crate) first: bool,
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    window_end: Option<Instant>,
    /// End of the previous window, to recognise late responses from it.
    prev_end: Option<Tick>,
    /// Lowest `remaining` reported in the current window: the server's count after the
    /// latest request it processed among those that completed.
    pub(crate) min_remaining: u32,
    /// Longest Reset-After seen, in milliseconds: the window length estimate.
    pub(crate) period_ms: u32,
    /// Last dispatch or completion. (This and `window_end` are read or written on
    /// every request, so they stay instants; the other instants are [`Tick`]s.)
    last_used: Instant,
    /// Until when the bucket is known to be shared with another sender (a user-scope
    /// 429 that this process's own accounting did not predict): each window then
    /// starts with one request, whose answer says what the others left.
    contended_until: Option<Tick>,
    /// While contended: how many processes share the bucket evenly (1: no even share,
    /// only one request at a time). Set while a shared store does not answer.
    share_of: u32,
    /// Requests this process dispatched in the current window (for the even share).
    window_sent: u32,
    /// Arrival of this process's first answer in the current window.
    opened: Option<Tick>,
    /// The others' requests ahead of this process's first in the current window.
    rank: u32,
    /// This process's part of the current window while it is shared (`u32::MAX`: all).
    quota: u32,
    /// The current window is this process's first contact with the bucket.
    first_contact: bool,
    /// ... and it came while the process was starting.
    starting: bool,
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
            opened: None,
            rank: 0,
            quota: u32::MAX,
            first_contact: false,
            starting: false,
        }
    }

    /// The bucket at rest, if it is: nothing in flight, its window over, no other
    /// sender known to share it. All such a bucket holds is its limit, its window
    /// length and two instants; the rest is what a new window starts with, so it is
    /// rebuilt exactly from a [`Rested`]. The window is rolled here rather than at the
    /// next request, as that request would find it: with nothing in flight and the
    /// window's end and any contention past, the roll does not depend on when it runs.
    /// (A bucket still contended is left as it is: rolled now, its new window would
    /// start with one request even if the contention had ended by its next request.)
    pub(crate) fn rest(&mut self, now: Instant) -> Option<Rested> {
        if self.in_flight > 0 || self.is_contended(now) {
            return None;
        }
        self.roll(now);
        let rested = Rested {
            limit: self.limit,
            period_ms: self.period_ms,
            prev_end: self.prev_end,
            last_used: Tick::from(self.last_used),
        };
        (Self::from(rested) == *self).then_some(rested)
    }

    /// Forgets what the current window's answers said of the other senders.
    fn new_window(&mut self) {
        self.opened = None;
        self.rank = 0;
        self.quota = u32::MAX;
        self.first_contact = false;
        self.starting = false;
    }

    fn period(&self) -> Duration {
        Duration::from_millis(u64::from(self.period_ms))
    }

    /// Starts a new window locally once the current one has ended.
    fn roll(&mut self, now: Instant) {
        if let Some(end) = self.window_end {
            if now >= end {
                self.prev_end = Some(Tick::from(end));
                self.window_end = None;
                // Requests still in flight may land in the new window: count them there.
                self.available = self.limit.saturating_sub(self.in_flight);
                self.min_remaining = self.limit;
                self.window_sent = self.in_flight;
                self.new_window();
                if self.is_contended(now) {
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
        if let Some(wait) = self.part_spent(now) {
            return wait;
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

    /// A request dispatched from another bucket (a probe of a route whose bucket was
    /// unknown) turned out to be in this one: it counts among this window's own.
    pub(crate) fn count_own(&mut self) {
        self.window_sent = self.window_sent.saturating_add(1);
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
    /// answered, a global 429): its capacity comes back.
    pub(crate) fn refund(&mut self) {
        self.window_sent = self.window_sent.saturating_sub(1);
        if self.limit > 0 {
            self.available = (self.available + 1).min(self.limit);
        }
    }

    /// When the rank-0 sender of a shared window may spend its last request and what
    /// the others left; for a first contact not (yet) known to be shared, when the hold
    /// ends.
    fn claim_at(&self, shared: bool) -> Option<Instant> {
        let wait = if shared {
            // The others' first requests of a window come within moments of its opening,
            // once their windows are staggered; at first contact every bucket opens at
            // once and their global limit spreads them over a second or two.
            if self.rank != 0 || self.quota < 2 {
                return None;
            }
            if self.first_contact {
                self.period() * 3 / 4
            } else {
                self.period() / 4
            }
        } else if self.starting && self.rank == 0 {
            STARTING_FOR
        } else {
            return None;
        };
        Some(self.opened?.instant() + wait)
    }

    /// Whether this process spent its part of a window it shares (see the module docs),
    /// and what to wait for then.
    fn part_spent(&self, now: Instant) -> Option<Capacity> {
        let shared = self.is_contended(now);
        let claim = self.claim_at(shared).filter(|&at| now < at);
        let allowed = match (shared, claim) {
            // Before the claim, the first sender keeps the last request of its part
            // (a starting first contact keeps all but its starting part).
            (true, Some(_)) => self.quota - 1,
            (false, Some(_)) => starting_part(self.limit),
            // The first sender, after the claim: what the answers say is left.
            (true, None) if self.rank == 0 && self.quota >= 2 => u32::MAX,
            (true, None) if self.opened.is_some() => self.quota,
            _ => return None,
        };
        if self.window_sent < allowed {
            return None;
        }
        Some(match (claim, self.window_end) {
            (Some(at), _) => Capacity::Until(at),
            (None, Some(end)) => Capacity::Until(end),
            (None, None) if self.in_flight > 0 => Capacity::Event,
            // Nothing to wait for: the window is over as far as this process knows.
            (None, None) => return None,
        })
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
    ///
    /// `senders` is the token's estimate of senders (1: alone; 0: the process is
    /// starting and cannot tell yet). Returns what the answer
    /// showed of the others' requests, unless it is a late answer from an older window.
    pub(crate) fn observe(
        &mut self,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        margin: Duration,
        senders: u32,
        now: Instant,
    ) -> Option<Seen> {
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
            self.new_window();
            // While the process is starting, nobody ahead does not mean nobody else.
            self.first_contact = true;
            self.starting = senders == 0;
        } else {
            self.limit = limit;
            match self.window_end {
                Some(current) if end > current + tolerance => {
                    // The server is already in a later window than the one tracked.
                    self.prev_end = Some(Tick::from(current));
                    self.window_end = Some(end);
                    self.min_remaining = remaining;
                    self.new_window();
                }
                // A late response from an older window says nothing about this one.
                Some(current) if end + tolerance < current => return None,
                None if self
                    .prev_end
                    .is_some_and(|prev| end < prev.instant() + tolerance) =>
                {
                    return None;
                }
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
        // The window counted `limit - remaining` requests up to this one; at most
        // `window_sent` of them were this process's.
        let others = (limit - remaining).saturating_sub(self.window_sent);
        let first = self.opened.is_none();
        if first {
            self.opened = Some(Tick::from(now));
            self.rank = others;
            self.quota = quota(limit, senders, rank_within(others, senders));
        }
        Some(Seen { others, first })
    }

    /// Other senders use this bucket until `until` (the token's answers show them): its
    /// windows are shared by rank from now on.
    pub(crate) fn shared_with_others(&mut self, until: Instant, senders: u32) {
        later(&mut self.contended_until, until);
        if self.opened.is_some() {
            // The estimate may have risen since the window's first answer.
            self.quota = quota(self.limit.max(1), senders, rank_within(self.rank, senders));
        }
    }

    /// A 429 for this bucket: nothing may be sent before `until`.
    pub(crate) fn exhaust(&mut self, until: Instant, now: Instant) {
        self.available = 0;
        self.window_end = Some(self.window_end.map_or(until, |end| end.max(until)));
        self.last_used = now;
    }

    fn is_contended(&self, now: Instant) -> bool {
        self.contended_until
            .is_some_and(|until| now < until.instant())
    }

    /// A user-scope 429 this process's accounting did not predict: another sender uses
    /// the bucket too. Nothing may be sent before `until`, and until `contended_until`
    /// each window starts with a single request.
    pub(crate) fn contend(&mut self, until: Instant, contended_until: Instant, now: Instant) {
        self.exhaust(until, now);
        later(&mut self.contended_until, contended_until);
    }

    /// Counts the bucket as used by `share_of` processes in all until
    /// `contended_until`: one request at a time, each window starting with one, and
    /// at most an even share of each window (`limit / share_of`, at least one).
    pub(crate) fn share(&mut self, contended_until: Instant, share_of: u32) {
        later(&mut self.contended_until, contended_until);
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

    /// Whether the bucket holds nothing worth keeping at `now` with eviction `ttl`:
    /// nothing in flight, and `ttl` past its last use and its latest reset.
    pub(crate) fn is_idle(&self, now: Instant, ttl: Duration) -> bool {
        let last = [self.window_end, self.prev_end.map(Tick::instant)]
            .into_iter()
            .flatten()
            .fold(self.last_used, Instant::max);
        self.in_flight == 0 && now >= last + ttl
    }
}

/// A bucket at rest (see [`Bucket::rest`]): 24 bytes instead of a bucket's 96.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rested {
    limit: u32,
    period_ms: u32,
    prev_end: Option<Tick>,
    last_used: Tick,
}

impl Rested {
    /// Longest Reset-After seen, in milliseconds (0 while the limit is unknown).
    pub(crate) fn period_ms(&self) -> u32 {
        self.period_ms
    }

    /// [`Bucket::is_idle`] of the bucket it holds, for `cutoff` = now − the TTL: its
    /// last use and its last reset are both at or before the cutoff. (A sweep of the
    /// resting table converts the cutoff once rather than every entry's instants.)
    pub(crate) fn is_idle_by(&self, cutoff: Tick) -> bool {
        self.prev_end
            .map_or(self.last_used, |end| end.max(self.last_used))
            <= cutoff
    }
}

impl From<Rested> for Bucket {
    fn from(rested: Rested) -> Self {
        // A new bucket, with what the rest kept.
        Self {
            limit: rested.limit,
            available: rested.limit,
            min_remaining: rested.limit,
            period_ms: rested.period_ms,
            prev_end: rested.prev_end,
            ..Self::new(rested.last_used.instant())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARGIN: Duration = Duration::ZERO;

    #[test]
    fn bucket_state_stays_small() {
        // Part of the per-bucket memory budget (docs/benchmarks.md): the map key and the
        // hash table's own overhead come on top. (96 before windows were shared by rank,
        // 120 before three of its instants were ticks.)
        assert!(
            std::mem::size_of::<Bucket>() <= 96,
            "{}",
            std::mem::size_of::<Bucket>()
        );
        assert!(std::mem::size_of::<crate::state::store::BucketKey>() <= 48);
        assert!(std::mem::size_of::<Rested>() <= 24);
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
        let _ = b.observe(5, 4, Duration::from_secs(5), MARGIN, 1, now);
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
        let _ = b.observe(5, 4, Duration::from_secs(5), MARGIN, 1, now);
        // Two go out; the server processes A (remaining 3) then B (remaining 2), but B's
        // response arrives first.
        b.reserve(now);
        b.reserve(now);
        assert_eq!(b.available, 2);
        b.finish(now);
        let _ = b.observe(5, 2, Duration::from_secs(5), MARGIN, 1, now); // B, A still in flight
        assert_eq!(b.available, 1);
        b.finish(now);
        let _ = b.observe(5, 3, Duration::from_secs(5), MARGIN, 1, now); // A, late
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
        let _ = b.observe(3, 0, Duration::from_secs(1), MARGIN, 1, now);
        let later = now + Duration::from_secs(1);
        assert_eq!(b.capacity(later), Capacity::Ready);
        assert_eq!(b.available, 3);
        b.reserve(later);
        // A late response from the old window does not change the new one.
        let _ = b.observe(3, 0, Duration::ZERO, MARGIN, 1, later);
        assert_eq!(b.available, 2);
    }

    #[test]
    fn unsent_request_returns_its_capacity() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        let _ = b.observe(2, 1, Duration::from_secs(5), MARGIN, 1, now);
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
        let _ = b.observe(5, 4, Duration::from_secs(5), MARGIN, 1, now);
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
        // Two requests of others came first: with three senders on five, this one's part
        // of the window is that first request.
        let _ = b.observe(5, 2, Duration::from_secs(5), MARGIN, 1, until);
        assert_eq!(b.available, 2);
        let end = until + Duration::from_secs(5);
        assert_eq!(b.capacity(until), Capacity::Until(end));
        b.reserve(end);
        b.finish(end);
        // Once the contention is over, windows start full again.
        let later = now + Duration::from_secs(61);
        let _ = b.observe(5, 0, Duration::ZERO, MARGIN, 1, later);
        assert_eq!(
            b.capacity(later + Duration::from_millis(1)),
            Capacity::Ready
        );
        assert_eq!(b.available, 5);
    }

    #[test]
    fn the_first_sender_of_a_shared_window_claims_what_the_others_left_after_a_quarter() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        let _ = b.observe(5, 4, Duration::from_secs(5), MARGIN, 1, now);
        let t5 = now + Duration::from_secs(5);
        b.shared_with_others(now + Duration::from_secs(60), 4);
        // The next window starts with one request; its answer says nobody came first.
        assert_eq!(b.capacity(t5), Capacity::Ready);
        b.reserve(t5);
        b.finish(t5);
        let seen = b.observe(5, 4, Duration::from_secs(5), MARGIN, 4, t5);
        assert_eq!(seen.map(|s| (s.others, s.first)), Some((0, true)));
        // Its part among four is two: the second waits for a quarter of the window,
        // while the others take theirs.
        let quarter = t5 + Duration::from_millis(1_250);
        assert_eq!(b.capacity(t5), Capacity::Until(quarter));
        // Two others came, a third had nothing to send: the answer to the second says
        // two are left, and this sender spends them one at a time.
        assert_eq!(b.capacity(quarter), Capacity::Ready);
        b.reserve(quarter);
        assert_eq!(b.capacity(quarter), Capacity::Event, "one at a time");
        b.finish(quarter);
        let seen = b.observe(5, 1, Duration::from_millis(2_500), MARGIN, 4, quarter);
        assert_eq!(seen.map(|s| (s.others, s.first)), Some((2, false)));
        assert_eq!(b.capacity(quarter), Capacity::Ready);
        b.reserve(quarter);
        b.finish(quarter);
        let _ = b.observe(5, 0, Duration::from_millis(3_750), MARGIN, 4, quarter);
        assert_eq!(
            b.capacity(quarter),
            Capacity::Until(t5 + Duration::from_secs(5))
        );
    }

    #[test]
    fn a_later_sender_of_a_shared_window_takes_its_part_at_once() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        // Two senders on five: the first request found one of the other's ahead, so
        // its part is two (the first sender's is three).
        let seen = b.observe(5, 3, Duration::from_secs(5), MARGIN, 2, now);
        assert_eq!(seen.map(|s| (s.others, s.first)), Some((1, true)));
        b.shared_with_others(now + Duration::from_secs(60), 2);
        assert_eq!(b.capacity(now), Capacity::Ready);
        b.reserve(now);
        let end = now + Duration::from_secs(5);
        assert_eq!(b.capacity(now), Capacity::Until(end));
    }

    #[test]
    fn prediction_counts_whole_windows() {
        let now = Instant::now();
        let mut b = Bucket::new(now);
        b.reserve(now);
        b.finish(now);
        let _ = b.observe(5, 2, Duration::from_secs(5), MARGIN, 1, now);
        assert_eq!(b.predict(1, now), now);
        assert_eq!(b.predict(2, now), now + Duration::from_secs(5));
        assert_eq!(
            b.predict(7, now),
            now + Duration::from_secs(6) + Duration::from_secs(4)
        );
    }
}

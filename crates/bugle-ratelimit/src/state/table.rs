//! The in-process store's buckets: those in use, and those at rest kept small.
//!
//! A bucket is kept for the eviction TTL after its reset, so that a resource used again
//! soon starts with its limit known. For most of that time it is at rest: nothing in
//! flight and its window over, holding only its limit, its window length and two
//! instants ([`Rested`]). A process that touches many resources holds far more buckets
//! at rest than in use (with the default TTL of five minutes and five-second windows,
//! sixty times more), so at rest a bucket moves to a second table at a third of the
//! size: 72 bytes with its key instead of 144. The next request on it moves it back,
//! rebuilt exactly, so nothing a request sees depends on which table held its bucket.
//!
//! Both tables are rebuilt rather than filtered in place when they lose entries: a table
//! that only removes in place keeps its deleted slots, and once they run out it doubles
//! even though the set did not grow; a fresh table sized for the set stays at that size
//! while the set is steady.
//!
//! Buckets move to rest at every sweep ([`REST_EVERY`] at most, so that the first table
//! holds the buckets of about the last window only); the resting table is swept for
//! buckets past the TTL a quarter TTL apart, since a sweep walks the whole table.

use std::hash::BuildHasherDefault;
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::{Bucket, Rested};
use super::store::BucketKey;
use super::tick::Tick;
use crate::hash::FastMap;

/// The longest time between two sweeps that move buckets to rest.
const REST_EVERY: Duration = Duration::from_secs(1);

/// The shortest time between two sweeps of a table for idle state.
const SWEEP_AT_LEAST: Duration = Duration::from_millis(100);

/// How often a store with eviction `ttl` sweeps: moves buckets to rest, and looks for
/// idle state if that is due.
pub(crate) fn sweep_every(ttl: Duration) -> Duration {
    (ttl / 4).clamp(SWEEP_AT_LEAST, REST_EVERY)
}

/// The buckets of one store. See the module docs.
#[derive(Debug)]
pub(crate) struct BucketTable {
    live: FastMap<BucketKey, Bucket>,
    rested: FastMap<BucketKey, Rested>,
    ttl: Duration,
    /// When the resting table was last swept for buckets past the TTL.
    rested_swept: Option<Instant>,
}

impl BucketTable {
    /// An empty table whose buckets are evicted `ttl` after their reset.
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            live: FastMap::default(),
            rested: FastMap::default(),
            ttl,
            rested_swept: None,
        }
    }

    /// Applies `f` to the key's bucket, created at `now` if it is not tracked.
    pub(crate) fn update_or_insert<R>(
        &mut self,
        key: &BucketKey,
        now: Instant,
        f: impl FnOnce(&mut Bucket) -> R,
    ) -> R {
        if let Some(bucket) = self.live.get_mut(key) {
            return f(bucket);
        }
        let bucket = self
            .rested
            .remove(key)
            .map_or_else(|| Bucket::new(now), Bucket::from);
        f(self.live.entry(key.clone()).or_insert(bucket))
    }

    /// Applies `f` to the key's bucket, if it is tracked.
    pub(crate) fn update<R>(
        &mut self,
        key: &BucketKey,
        f: impl FnOnce(&mut Bucket) -> R,
    ) -> Option<R> {
        if let Some(bucket) = self.live.get_mut(key) {
            return Some(f(bucket));
        }
        let (key, rested) = self.rested.remove_entry(key)?;
        Some(f(self.live.entry(key).or_insert(Bucket::from(rested))))
    }

    /// Requests in flight from the key's bucket (none from a bucket at rest).
    pub(crate) fn in_flight(&self, key: &BucketKey) -> u32 {
        self.live.get(key).map_or(0, |b| b.in_flight)
    }

    /// The key's window length estimate in milliseconds (0 or `None` while unknown).
    pub(crate) fn period_ms(&self, key: &BucketKey) -> Option<u32> {
        self.live
            .get(key)
            .map(|b| b.period_ms)
            .or_else(|| self.rested.get(key).map(Rested::period_ms))
    }

    /// Drops the key's bucket if nothing is in flight from it.
    pub(crate) fn remove_idle(&mut self, key: &BucketKey) {
        if self.in_flight(key) == 0 {
            self.live.remove(key);
            self.rested.remove(key);
        }
    }

    /// Buckets tracked, in use or at rest.
    pub(crate) fn len(&self) -> usize {
        self.live.len() + self.rested.len()
    }

    /// Requests in flight from all buckets.
    pub(crate) fn in_flight_total(&self) -> u64 {
        self.live.values().map(|b| u64::from(b.in_flight)).sum()
    }

    /// Moves buckets at rest to the resting table and, when that is due, drops those
    /// idle past the TTL; `keep` protects buckets with local waiters. Returns how many
    /// buckets were dropped.
    pub(crate) fn sweep(&mut self, now: Instant, keep: &dyn Fn(&BucketKey) -> bool) -> usize {
        let ttl = self.ttl;
        let before = self.len();
        if self
            .rested_swept
            .is_none_or(|at| now >= at + (ttl / 4).max(SWEEP_AT_LEAST))
        {
            self.rested_swept = Some(now);
            // Nothing is idle before the clock has run for a TTL.
            if let Some(cutoff) = now.checked_sub(ttl).map(Tick::from) {
                let kept = self
                    .rested
                    .values()
                    .filter(|r| !r.is_idle_by(cutoff))
                    .count();
                let mut rested =
                    FastMap::with_capacity_and_hasher(kept, BuildHasherDefault::default());
                rested.extend(self.rested.drain().filter(|(_, r)| !r.is_idle_by(cutoff)));
                self.rested = rested;
            }
        }
        // Resting a bucket rolls its window; a second call gives the same answer.
        let stays = |key: &BucketKey, bucket: &mut Bucket| {
            keep(key) || !bucket.is_idle(now, ttl) && bucket.rest(now).is_none()
        };
        let mut staying = 0;
        for (key, bucket) in &mut self.live {
            staying += usize::from(stays(key, bucket));
        }
        if staying < self.live.len() {
            let mut live =
                FastMap::with_capacity_and_hasher(staying, BuildHasherDefault::default());
            for (key, mut bucket) in self.live.drain() {
                if stays(&key, &mut bucket) {
                    live.insert(key, bucket);
                } else if !bucket.is_idle(now, ttl)
                    && let Some(rested) = bucket.rest(now)
                {
                    self.rested.insert(key, rested);
                }
            }
            self.live = live;
        }
        before - self.len()
    }

    /// Slots allocated in both tables (for tests of their size under churn).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.live.capacity() + self.rested.capacity()
    }

    /// Buckets in use and at rest.
    #[cfg(test)]
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.live.len(), self.rested.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Major;
    use crate::name::Name;

    const TTL: Duration = Duration::from_secs(10);
    const WINDOW: Duration = Duration::from_secs(5);

    fn key(channel: u64) -> BucketKey {
        BucketKey::Hash(Name::from("h"), Major::Channel(channel))
    }

    /// One request on `key`'s bucket at `now`, answered with a 5-per-`WINDOW` window.
    fn request(table: &mut BucketTable, key: &BucketKey, now: Instant) {
        table.update_or_insert(key, now, |b| b.reserve(now));
        table.update(key, |b| {
            b.finish(now);
            b.observe(5, 4, WINDOW, Duration::ZERO, 1, now)
        });
    }

    /// A table after one request on channel 1's bucket.
    fn one_request() -> (BucketTable, BucketKey, Instant) {
        let start = Instant::now();
        let mut table = BucketTable::new(TTL);
        let k = key(1);
        request(&mut table, &k, start);
        (table, k, start)
    }

    fn snapshot(table: &mut BucketTable, key: &BucketKey) -> Option<Bucket> {
        table.update(key, |b| b.clone())
    }

    #[test]
    fn a_bucket_rests_once_its_window_is_over_and_comes_back_as_it_was() {
        let (mut table, k, start) = one_request();
        table.sweep(start + Duration::from_secs(1), &|_| false);
        assert_eq!(table.counts(), (1, 0), "its window is not over");

        let after = start + WINDOW + Duration::from_secs(1);
        let mut expected = snapshot(&mut table, &k).expect("tracked");
        // What the next request finds: the window rolled.
        let _ = expected.capacity(after);
        table.sweep(after, &|_| false);
        assert_eq!(table.counts(), (0, 1));
        assert_eq!(table.in_flight(&k), 0);
        assert_eq!(table.period_ms(&k), Some(5_000));
        assert_eq!(snapshot(&mut table, &k), Some(expected));
        assert_eq!(table.counts(), (1, 0), "a request moves it back");
    }

    #[test]
    fn at_rest_a_bucket_is_idle_exactly_when_it_would_be_in_use() {
        let (mut table, k, start) = one_request();
        let mut bucket = snapshot(&mut table, &k).expect("tracked");
        let rested = bucket.rest(start + WINDOW).expect("at rest");
        let idle_from = start + WINDOW + TTL;
        for now in [
            idle_from - Duration::from_nanos(1),
            idle_from,
            idle_from + Duration::from_nanos(1),
        ] {
            let cutoff = Tick::from(now - TTL);
            assert_eq!(
                rested.is_idle_by(cutoff),
                Bucket::from(rested).is_idle(now, TTL),
                "{:?}",
                now - idle_from.min(now)
            );
        }
        assert!(!rested.is_idle_by(Tick::from(idle_from - TTL - Duration::from_nanos(1))));
        assert!(rested.is_idle_by(Tick::from(idle_from - TTL)));
    }

    #[test]
    fn buckets_in_flight_shared_or_waited_on_stay_in_use() {
        let start = Instant::now();
        let mut table = BucketTable::new(TTL);
        let (flying, shared, waited) = (key(1), key(2), key(3));
        for k in [&flying, &shared, &waited] {
            request(&mut table, k, start);
        }
        table.update(&flying, |b| b.reserve(start));
        let later = start + Duration::from_secs(60);
        table.update(&shared, |b| b.contend(start + WINDOW, later, start));
        table.sweep(start + WINDOW * 2, &|k| *k == waited);
        assert_eq!(table.counts(), (3, 0));
    }

    #[test]
    fn a_sweep_leaves_a_contended_window_for_its_next_request_to_roll() {
        let (mut table, k, start) = one_request();
        let contention_ends = start + WINDOW + Duration::from_secs(3);
        table.update(&k, |b| b.contend(start + WINDOW, contention_ends, start));
        // The window is over, the contention is not.
        table.sweep(start + WINDOW + Duration::from_secs(1), &|_| false);
        // By the next request it is: that window is the process's alone, all five.
        let next = contention_ends + Duration::from_secs(1);
        for _ in 0..5 {
            let ready = table.update(&k, |b| {
                let capacity = b.capacity(next);
                b.reserve(next);
                capacity
            });
            assert_eq!(ready, Some(super::super::bucket::Capacity::Ready));
        }
    }

    #[test]
    fn a_bucket_at_rest_is_dropped_a_ttl_after_its_reset_and_not_before() {
        let (mut table, _, start) = one_request();
        let reset = start + WINDOW;
        let mut gone = None;
        for step in 1..=60 {
            let now = reset + Duration::from_millis(500) * step;
            table.sweep(now, &|_| false);
            if gone.is_none() && table.len() == 0 {
                gone = Some(now - reset);
            }
        }
        let gone = gone.expect("dropped");
        // Swept for idle buckets a quarter TTL apart.
        assert!(gone >= TTL && gone <= TTL + TTL / 4, "{gone:?}");
    }

    #[test]
    fn both_tables_stay_sized_for_their_sets_under_churn() {
        // A new channel every millisecond, each bucket resting after its 5 s window and
        // dropped 10 s after it; swept every second as a store sweeps.
        let start = Instant::now();
        let mut table = BucketTable::new(TTL);
        for ms in 0..60_000_u64 {
            let now = start + Duration::from_millis(ms);
            request(&mut table, &key(ms), now);
            if ms % 1_000 == 0 && ms >= 20_000 {
                table.sweep(now, &|_| false);
                let (live, rested) = table.counts();
                assert!(live <= 6_001, "{live} in use at {ms} ms");
                assert!(
                    (10_000..=13_501).contains(&rested),
                    "{rested} at rest at {ms} ms"
                );
                assert!(
                    table.capacity() <= 2 * (live + rested),
                    "{}",
                    table.capacity()
                );
            } else if ms % 1_000 == 0 {
                table.sweep(now, &|_| false);
            }
        }
    }
}

//! The boundary between the engine's local logic (queues, waiters, wakeups) and the
//! state that a shared backend would hold: route → bucket-hash mappings, bucket
//! capacity, learned sublimits and the global pools.
//!
//! [`State`](super::State) touches that state only through [`BucketStore`]. Every
//! method is one atomic step keyed by a bucket, route or pool, so a Redis backend can
//! implement each as one script call (see `docs/rate-limiting.md`).

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::{Bucket, Capacity, Seen};
use super::global::GlobalWindow;
use super::shared::Shared;
use super::sublimit::{RECENT_PER_ROUTE, Sublimit};
use super::table::BucketTable;
use crate::config::RateLimitConfig;
use crate::hash::FastMap;
use crate::key::{GlobalPool, Major, RouteName};
use crate::name::Name;
use crate::snapshot::{PoolSnapshot, SublimitSnapshot};

/// Where a request's capacity is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum BucketKey {
    /// The route's bucket hash is not known yet: a private probe bucket per route.
    Route(RouteName, Major),
    /// A known bucket: Discord's hash plus the major parameter.
    Hash(Name, Major),
}

impl BucketKey {
    pub(crate) fn major(&self) -> Major {
        match self {
            Self::Route(_, major) | Self::Hash(_, major) => *major,
        }
    }

    /// The bucket hash, for a known bucket.
    pub(crate) fn hash(&self) -> Option<&Name> {
        match self {
            Self::Hash(hash, _) => Some(hash),
            Self::Route(..) => None,
        }
    }

    pub(crate) fn is_probe(&self) -> bool {
        matches!(self, Self::Route(..))
    }
}

impl fmt::Display for BucketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Route(route, major) => write!(f, "{route} {major:?}"),
            Self::Hash(hash, major) => write!(f, "{hash} {major:?}"),
        }
    }
}

/// What learning a route's hash changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HashUpdate {
    /// The route already had this hash.
    Same(Name),
    /// The route's hash was unknown.
    Discovered(Name),
    /// The route moved from one hash to another.
    Changed { old: Name, new: Name },
}

/// Counts the store reports for a snapshot.
#[derive(Debug, Clone)]
pub(crate) struct StoreStats {
    pub(crate) buckets: usize,
    pub(crate) routes: usize,
    pub(crate) in_flight: u64,
    pub(crate) bot: PoolSnapshot,
    pub(crate) unauthenticated: PoolSnapshot,
    pub(crate) sublimits: Vec<SublimitSnapshot>,
}

/// The shared-state boundary. See the module docs.
pub(crate) trait BucketStore: fmt::Debug + Send {
    /// The route's current bucket hash (marks the route used).
    fn route_hash(&mut self, route: &RouteName, now: Instant) -> Option<Name>;
    /// Records the hash a response named for the route.
    fn learn_hash(&mut self, route: &RouteName, hash: &str, now: Instant) -> HashUpdate;
    /// Every distinct known hash.
    fn known_hashes(&self) -> Vec<Name>;
    /// Whether one more request may go from the bucket now (creates it if needed).
    fn capacity(&mut self, key: &BucketKey, now: Instant) -> Capacity;
    /// Like `capacity`, and `None` for a bucket that is not tracked.
    fn peek_capacity(&mut self, key: &BucketKey, now: Instant) -> Option<Capacity>;
    /// When the request at queue `position` of the bucket should go.
    fn predict(&mut self, key: &BucketKey, position: usize, now: Instant) -> Instant;
    /// Requests in flight from the bucket.
    fn in_flight(&self, key: &BucketKey) -> u32;
    /// Reserves one request's capacity at dispatch.
    fn reserve(&mut self, key: &BucketKey, now: Instant);
    /// Ends a completed request's reservation.
    fn finish(&mut self, key: &BucketKey, now: Instant);
    /// Gives an unsent request's capacity back.
    fn unsend(&mut self, key: &BucketKey, now: Instant);
    /// Applies a response's limit headers; `senders` is the token's estimate of
    /// senders. Returns what the answer showed of other senders' requests.
    fn observe(
        &mut self,
        key: &BucketKey,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        senders: u32,
        now: Instant,
    ) -> Option<Seen>;
    /// A request dispatched from another bucket was answered by this one: it counts
    /// among the window's own requests.
    fn count_own(&mut self, key: &BucketKey, now: Instant);
    /// Other senders use the token until `until`: the bucket's windows are shared by
    /// rank among `senders`.
    fn shared_with_others(&mut self, key: &BucketKey, until: Instant, senders: u32, now: Instant);
    /// A completion without limit headers.
    fn no_info(&mut self, key: &BucketKey);
    /// A completed request that did not count after all: its capacity comes back.
    fn refund(&mut self, key: &BucketKey);
    /// A 429: the bucket is empty until `until`.
    fn exhaust(&mut self, key: &BucketKey, until: Instant, now: Instant);
    /// A user-scope 429 the bucket's own count did not predict: empty until `until`,
    /// and shared with another sender until `contended_until`.
    fn contend(&mut self, key: &BucketKey, until: Instant, contended_until: Instant, now: Instant);
    /// Counts the bucket as used by `share_of` processes until `contended_until` (a
    /// shared store stopped answering): one request at a time, an even share of each
    /// window.
    fn share(&mut self, key: &BucketKey, contended_until: Instant, share_of: u32, now: Instant);
    /// The bucket's window length estimate.
    fn period(&self, key: &BucketKey) -> Option<Duration>;
    /// Drops a probe bucket that has nothing in flight.
    fn drop_probe(&mut self, key: &BucketKey);
    /// Whether the route itself lets one more request on `major` go: a learned
    /// sublimit, or a hold after a shared-scope 429 (see [`BucketStore::hold_route`]).
    /// A request refused here waits on its route, not on its bucket.
    fn route_check(&mut self, route: &RouteName, major: Major, now: Instant)
    -> Result<(), Instant>;
    /// Holds the route on `major` until `until` (a shared-scope 429: that resource's
    /// shared limit is full for this route; the rest of the bucket may still go).
    fn hold_route(&mut self, route: &RouteName, major: Major, until: Instant, now: Instant);
    /// A success on the route for a request on `major` dispatched at `sent_at` (marked in
    /// the recent history, so a first learn counts it even if it left after the request
    /// whose 429 teaches the limit): the new sublimit shape if it shows that a first
    /// learn already made missed a request the server counted.
    fn confirm_dispatch(
        &mut self,
        route: &RouteName,
        major: Major,
        sent_at: Instant,
    ) -> Option<(u32, Duration, Instant)>;
    /// Records a dispatch on the route (recent history and sublimit logs).
    fn record_dispatch(&mut self, route: &RouteName, major: Major, now: Instant);
    /// Forgets a dispatch that was never sent.
    fn unrecord_dispatch(&mut self, route: &RouteName, major: Major, at: Instant);
    /// Learns a sublimit from a 429 on the route; returns (limit, period).
    fn learn_sublimit(
        &mut self,
        route: &RouteName,
        major: Major,
        retry_after: Duration,
        sent_at: Instant,
        now: Instant,
    ) -> (u32, Duration, Instant);
    /// Applies a sublimit another shard learned for the route (limit, period, expiry);
    /// `exact` when that shard corrected its own estimate upwards, which replaces the
    /// limit here rather than only lowering it.
    fn adopt_sublimit(
        &mut self,
        route: &RouteName,
        limit: u32,
        period: Duration,
        expires_at: Instant,
        exact: bool,
        now: Instant,
    );
    /// Whether the pool lets one more request go now, else when.
    fn global_check(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant>;
    /// Charges the pool at dispatch if it lets one more request go now, else says when
    /// it will; one atomic step, so that shards dispatching at once never overcharge.
    fn global_try_charge(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant>;
    /// Refunds an unsent request dispatched at `sent_at`.
    fn global_refund(&mut self, pool: GlobalPool, sent_at: Instant);
    /// The request dispatched at `sent_at` was answered at `now` (or failed in a way
    /// that may have reached Discord): its slot frees a window later.
    fn global_answer(&mut self, pool: GlobalPool, sent_at: Instant, now: Instant);
    /// A global 429 answered at `now`: the pool pauses until `until`, and lowers this
    /// process's share of it.
    fn global_pause(&mut self, pool: GlobalPool, until: Instant, now: Instant);
    /// Evicts idle buckets and routes (`keep` protects buckets with local waiters);
    /// returns how many entries were removed.
    fn evict(&mut self, now: Instant, keep: &dyn Fn(&BucketKey) -> bool) -> usize;
    /// Counts for a snapshot.
    fn stats(&mut self, now: Instant) -> StoreStats;
    /// Buckets and routes tracked (what a sweep reports; cheaper than `stats`).
    fn counts(&self) -> (usize, usize);
    /// The names of the tracked routes (`METHOD template`).
    fn route_names(&self) -> Vec<String>;
}

/// One recent dispatch of a route.
#[derive(Debug, Clone, Copy)]
struct Dispatch {
    major: Major,
    at: Instant,
    /// A success came back for it.
    succeeded: bool,
}

#[derive(Debug, Clone)]
struct RouteEntry {
    hash: Option<Name>,
    last_used: Instant,
    /// Recent dispatches, oldest first (at most [`RECENT_PER_ROUTE`]).
    recent: VecDeque<Dispatch>,
    sublimit: Option<Box<Sublimit>>,
    /// Majors held after a shared-scope 429, with the hold's end (few, short-lived).
    held: Vec<(Major, Instant)>,
}

impl RouteEntry {
    fn new(now: Instant) -> Self {
        Self {
            hash: None,
            last_used: now,
            recent: VecDeque::new(),
            sublimit: None,
            held: Vec::new(),
        }
    }
}

/// The in-process store.
#[derive(Debug)]
pub(crate) struct MemoryStore {
    buckets: BucketTable,
    routes: FastMap<RouteName, RouteEntry>,
    shared: Arc<Shared>,
    margin: Duration,
    ttl: Duration,
    sublimit_ttl: Duration,
}

impl MemoryStore {
    /// Buckets in use and at rest.
    #[cfg(test)]
    pub(crate) fn bucket_counts(&self) -> (usize, usize) {
        self.buckets.counts()
    }

    /// A store whose global pools are those of `shared`.
    pub(crate) fn new(config: &RateLimitConfig, shared: Arc<Shared>) -> Self {
        Self {
            buckets: BucketTable::new(config.eviction_ttl),
            routes: FastMap::default(),
            shared,
            margin: config.safety_margin,
            ttl: config.eviction_ttl,
            sublimit_ttl: config.sublimit_ttl,
        }
    }

    fn route(&mut self, route: &RouteName, now: Instant) -> &mut RouteEntry {
        if !self.routes.contains_key(route) {
            self.routes.insert(route.clone(), RouteEntry::new(now));
        }
        self.routes.get_mut(route).expect("inserted above")
    }
}

impl BucketStore for MemoryStore {
    fn route_hash(&mut self, route: &RouteName, now: Instant) -> Option<Name> {
        let entry = self.routes.get_mut(route)?;
        entry.last_used = now;
        entry.hash.clone()
    }

    fn learn_hash(&mut self, route: &RouteName, hash: &str, now: Instant) -> HashUpdate {
        if let Some(entry) = self.routes.get_mut(route) {
            entry.last_used = now;
            if let Some(current) = entry.hash.as_ref().filter(|h| &***h == hash) {
                return HashUpdate::Same(current.clone());
            }
        }
        // Share one allocation per distinct hash among routes (a route's hash is new or
        // changed here, which is rare: the scan is off the hot path).
        let shared = self
            .routes
            .values()
            .find_map(|r| r.hash.as_ref().filter(|h| &***h == hash).cloned());
        let entry = self.route(route, now);
        entry.last_used = now;
        match &entry.hash {
            Some(current) if &**current == hash => HashUpdate::Same(current.clone()),
            current => {
                let old = current.clone();
                let new: Name = shared.unwrap_or_else(|| Name::from(hash));
                entry.hash = Some(new.clone());
                match old {
                    Some(old) => HashUpdate::Changed { old, new },
                    None => HashUpdate::Discovered(new),
                }
            }
        }
    }

    fn known_hashes(&self) -> Vec<Name> {
        let mut hashes: Vec<Name> = self
            .routes
            .values()
            .filter_map(|r| r.hash.clone())
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    fn capacity(&mut self, key: &BucketKey, now: Instant) -> Capacity {
        self.buckets.update_or_insert(key, now, |b| b.capacity(now))
    }

    fn peek_capacity(&mut self, key: &BucketKey, now: Instant) -> Option<Capacity> {
        self.buckets.update(key, |b| b.capacity(now))
    }

    fn predict(&mut self, key: &BucketKey, position: usize, now: Instant) -> Instant {
        self.buckets
            .update(key, |b| b.predict(position, now))
            .unwrap_or(now)
    }

    fn in_flight(&self, key: &BucketKey) -> u32 {
        self.buckets.in_flight(key)
    }

    fn reserve(&mut self, key: &BucketKey, now: Instant) {
        self.buckets.update_or_insert(key, now, |b| b.reserve(now));
    }

    fn finish(&mut self, key: &BucketKey, now: Instant) {
        self.buckets.update(key, |b| b.finish(now));
    }

    fn unsend(&mut self, key: &BucketKey, now: Instant) {
        self.buckets.update(key, |b| b.unsend(now));
    }

    fn observe(
        &mut self,
        key: &BucketKey,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        senders: u32,
        now: Instant,
    ) -> Option<Seen> {
        let margin = self.margin;
        self.buckets.update_or_insert(key, now, |b| {
            b.observe(limit, remaining, reset_after, margin, senders, now)
        })
    }

    fn count_own(&mut self, key: &BucketKey, now: Instant) {
        self.buckets.update_or_insert(key, now, Bucket::count_own);
    }

    fn shared_with_others(&mut self, key: &BucketKey, until: Instant, senders: u32, now: Instant) {
        self.buckets
            .update_or_insert(key, now, |b| b.shared_with_others(until, senders));
    }

    fn no_info(&mut self, key: &BucketKey) {
        self.buckets.update(key, Bucket::no_info);
    }

    fn refund(&mut self, key: &BucketKey) {
        self.buckets.update(key, Bucket::refund);
    }

    fn exhaust(&mut self, key: &BucketKey, until: Instant, now: Instant) {
        self.buckets
            .update_or_insert(key, now, |b| b.exhaust(until, now));
    }

    fn contend(&mut self, key: &BucketKey, until: Instant, contended_until: Instant, now: Instant) {
        self.buckets
            .update_or_insert(key, now, |b| b.contend(until, contended_until, now));
    }

    fn share(&mut self, key: &BucketKey, contended_until: Instant, share_of: u32, now: Instant) {
        self.buckets
            .update_or_insert(key, now, |b| b.share(contended_until, share_of));
    }

    fn period(&self, key: &BucketKey) -> Option<Duration> {
        self.buckets
            .period_ms(key)
            .filter(|&ms| ms > 0)
            .map(|ms| Duration::from_millis(u64::from(ms)))
    }

    fn drop_probe(&mut self, key: &BucketKey) {
        if key.is_probe() {
            self.buckets.remove_idle(key);
        }
    }

    fn route_check(
        &mut self,
        route: &RouteName,
        major: Major,
        now: Instant,
    ) -> Result<(), Instant> {
        let Some(entry) = self.routes.get_mut(route) else {
            return Ok(());
        };
        if !entry.held.is_empty() {
            entry.held.retain(|&(_, until)| until > now);
            if let Some(&(_, until)) = entry.held.iter().find(|&&(m, _)| m == major) {
                return Err(until);
            }
        }
        let Some(sub) = entry.sublimit.as_mut() else {
            return Ok(());
        };
        if sub.expires_at <= now {
            entry.sublimit = None;
            return Ok(());
        }
        sub.check(major, now)
    }

    fn hold_route(&mut self, route: &RouteName, major: Major, until: Instant, now: Instant) {
        let entry = self.route(route, now);
        entry.held.retain(|&(_, end)| end > now);
        match entry.held.iter_mut().find(|(m, _)| *m == major) {
            Some((_, end)) => *end = (*end).max(until),
            None => entry.held.push((major, until)),
        }
    }

    fn record_dispatch(&mut self, route: &RouteName, major: Major, now: Instant) {
        let entry = self.route(route, now);
        entry.last_used = now;
        if entry.recent.len() == RECENT_PER_ROUTE {
            entry.recent.pop_front();
        }
        entry.recent.push_back(Dispatch {
            major,
            at: now,
            succeeded: false,
        });
        if let Some(sub) = entry.sublimit.as_mut() {
            sub.record(major, now);
        }
    }

    fn unrecord_dispatch(&mut self, route: &RouteName, major: Major, at: Instant) {
        let Some(entry) = self.routes.get_mut(route) else {
            return;
        };
        if let Some(i) = entry
            .recent
            .iter()
            .rposition(|d| d.major == major && d.at == at)
        {
            entry.recent.remove(i);
        }
        if let Some(sub) = entry.sublimit.as_mut() {
            sub.unrecord(major, at);
        }
    }

    fn learn_sublimit(
        &mut self,
        route: &RouteName,
        major: Major,
        retry_after: Duration,
        sent_at: Instant,
        now: Instant,
    ) -> (u32, Duration, Instant) {
        let (margin, ttl) = (self.margin, self.sublimit_ttl);
        let entry = self.route(route, now);
        let mut recent: Vec<Instant> = entry
            .recent
            .iter()
            // Requests dispatched after the one that got the 429 were in flight with
            // it: no evidence that the window had room for them, unless a success
            // came back for one already (the server took it first).
            .filter(|d| d.major == major && (d.at <= sent_at || d.succeeded))
            .map(|d| d.at)
            .collect();
        // The request that got the 429 did not count.
        if let Some(i) = recent.iter().rposition(|&t| t == sent_at) {
            recent.remove(i);
        }
        if entry.sublimit.as_ref().is_some_and(|s| s.expires_at <= now) {
            entry.sublimit = None;
        }
        let fresh = entry.sublimit.is_none();
        if let Some(previous) = entry.sublimit.as_deref_mut() {
            previous.stretch(major, sent_at, retry_after, margin, now);
        }
        let previous = entry.sublimit.as_deref();
        let mut learned = Sublimit::learn(previous, major, retry_after, &recent, margin, ttl, now);
        if fresh {
            learned.seed(entry.recent.iter().map(|d| (d.major, d.at)), now);
            learned.counted = Some((major, sent_at, now));
        } else {
            learned.uncount(major, sent_at);
        }
        let shape = (learned.limit(), learned.period, learned.expires_at);
        entry.sublimit = Some(Box::new(learned));
        shape
    }

    fn confirm_dispatch(
        &mut self,
        route: &RouteName,
        major: Major,
        sent_at: Instant,
    ) -> Option<(u32, Duration, Instant)> {
        let entry = self.routes.get_mut(route)?;
        if let Some(dispatch) =
            (entry.recent.iter_mut().rev()).find(|d| d.major == major && d.at == sent_at)
        {
            dispatch.succeeded = true;
        }
        let sub = entry.sublimit.as_mut()?;
        sub.confirm(major, sent_at)
            .then_some((sub.limit(), sub.period, sub.expires_at))
    }

    fn adopt_sublimit(
        &mut self,
        route: &RouteName,
        limit: u32,
        period: Duration,
        expires_at: Instant,
        exact: bool,
        now: Instant,
    ) {
        let entry = self.route(route, now);
        if let Some(sub) = entry.sublimit.as_mut().filter(|s| s.expires_at > now) {
            if exact {
                sub.replace_limit(limit);
            }
            sub.tighten(limit, period, expires_at);
        } else {
            let mut adopted = Sublimit::adopted(limit, period, expires_at);
            adopted.seed(entry.recent.iter().map(|d| (d.major, d.at)), now);
            entry.sublimit = Some(Box::new(adopted));
        }
    }

    fn global_check(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant> {
        self.shared
            .pools
            .with(pool, |g| g.check(now))
            .unwrap_or(Ok(()))
    }

    fn global_try_charge(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant> {
        self.shared
            .pools
            .with(pool, |g| {
                g.check(now)?;
                g.charge(now);
                Ok(())
            })
            .unwrap_or(Ok(()))
    }

    fn global_refund(&mut self, pool: GlobalPool, sent_at: Instant) {
        self.shared.pools.with(pool, |g| g.refund(sent_at));
    }

    fn global_answer(&mut self, pool: GlobalPool, sent_at: Instant, now: Instant) {
        self.shared.pools.with(pool, |g| g.answer(sent_at, now));
    }

    fn global_pause(&mut self, pool: GlobalPool, until: Instant, now: Instant) {
        self.shared.pools.with(pool, |g| g.pause(until, now));
    }

    fn evict(&mut self, now: Instant, keep: &dyn Fn(&BucketKey) -> bool) -> usize {
        let ttl = self.ttl;
        let before = self.routes.len();
        let buckets = self.buckets.sweep(now, keep);
        self.routes.retain(|_, route| {
            if let Some(sub) = route.sublimit.as_mut() {
                if sub.expires_at <= now {
                    route.sublimit = None;
                } else {
                    sub.evict(now);
                }
            }
            route.sublimit.is_some() || now < route.last_used + ttl
        });
        buckets + before - self.routes.len()
    }

    fn route_names(&self) -> Vec<String> {
        self.routes.keys().map(ToString::to_string).collect()
    }

    fn counts(&self) -> (usize, usize) {
        (self.buckets.len(), self.routes.len())
    }

    fn stats(&mut self, now: Instant) -> StoreStats {
        let pool = |pool| {
            self.shared
                .pools
                .with(pool, |g: &mut GlobalWindow| PoolSnapshot {
                    limit_per_second: g.limit(),
                    share_per_second: g.share(),
                    used_in_window: g.used(now),
                    paused_until: g.paused_until(),
                })
                .expect("not the exempt pool")
        };
        let sublimits = self
            .routes
            .iter()
            .filter_map(|(name, r)| {
                r.sublimit
                    .as_ref()
                    .filter(|s| s.expires_at > now)
                    .map(|s| SublimitSnapshot {
                        route: name.to_string(),
                        limit: s.limit(),
                        period: s.period,
                        expires_at: s.expires_at,
                    })
            })
            .collect();
        StoreStats {
            buckets: self.buckets.len(),
            routes: self.routes.len(),
            in_flight: self.buckets.in_flight_total(),
            bot: pool(GlobalPool::Bot),
            unauthenticated: pool(GlobalPool::Unauthenticated),
            sublimits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_table_stays_sized_for_the_live_set_under_churn() {
        // A new bucket every millisecond, idle after a 6 s TTL, swept every 1.5 s: the
        // live set stays between 6,000 and 7,500 buckets. Filtered in place, the table
        // would keep its deleted slots and double once they ran out; rebuilt, it never
        // holds more than twice the live set after a sweep.
        let config = RateLimitConfig::default().with_eviction_ttl(Duration::from_secs(6));
        let start = Instant::now();
        let mut store = MemoryStore::new(&config, Arc::new(Shared::new(&config, start)));
        let hash = Name::from("h");
        for ms in 0..60_000_u64 {
            let now = start + Duration::from_millis(ms);
            let key = BucketKey::Hash(hash.clone(), Major::Channel(ms));
            store.reserve(&key, now);
            store.finish(&key, now);
            if ms % 1_500 == 0 {
                store.evict(now, &|_| false);
                let live = store.buckets.len();
                assert!(live <= 7_501, "{live}");
                assert!(
                    store.buckets.capacity() <= 2 * live.max(8),
                    "at {ms} ms: capacity {} for {live} live buckets",
                    store.buckets.capacity()
                );
            }
        }
    }
}

//! The boundary between the engine's local logic (queues, waiters, wakeups) and the
//! state that a shared backend would hold: route → bucket-hash mappings, bucket
//! capacity, learned sublimits and the global pools.
//!
//! [`State`](super::State) touches that state only through [`BucketStore`]. Every
//! method is one atomic step keyed by a bucket, route or pool, so a Redis backend can
//! implement each as one script call (see `docs/rate-limiting.md`).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::bucket::{Bucket, Capacity};
use super::global::GlobalWindow;
use super::sublimit::{RECENT_PER_ROUTE, Sublimit};
use crate::config::RateLimitConfig;
use crate::key::{GlobalPool, Major, RouteName};
use crate::snapshot::{PoolSnapshot, SublimitSnapshot};

/// Where a request's capacity is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum BucketKey {
    /// The route's bucket hash is not known yet: a private probe bucket per route.
    Route(RouteName, Major),
    /// A known bucket: Discord's hash plus the major parameter.
    Hash(Arc<str>, Major),
}

impl BucketKey {
    pub(crate) fn major(&self) -> Major {
        match self {
            Self::Route(_, major) | Self::Hash(_, major) => *major,
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
    Same(Arc<str>),
    /// The route's hash was unknown.
    Discovered(Arc<str>),
    /// The route moved from one hash to another.
    Changed { old: Arc<str>, new: Arc<str> },
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
    fn route_hash(&mut self, route: &RouteName, now: Instant) -> Option<Arc<str>>;
    /// Records the hash a response named for the route.
    fn learn_hash(&mut self, route: &RouteName, hash: &str, now: Instant) -> HashUpdate;
    /// Every distinct known hash.
    fn known_hashes(&self) -> Vec<Arc<str>>;
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
    /// Applies a response's limit headers.
    fn observe(
        &mut self,
        key: &BucketKey,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        now: Instant,
    );
    /// A completion without limit headers.
    fn no_info(&mut self, key: &BucketKey);
    /// A 429: the bucket is empty until `until`.
    fn exhaust(&mut self, key: &BucketKey, until: Instant, now: Instant);
    /// The bucket's window length estimate.
    fn period(&self, key: &BucketKey) -> Option<Duration>;
    /// Drops a probe bucket that has nothing in flight.
    fn drop_probe(&mut self, key: &BucketKey);
    /// Whether a learned sublimit of the route lets one more request on `major` go.
    fn sublimit_check(
        &mut self,
        route: &RouteName,
        major: Major,
        now: Instant,
    ) -> Result<(), Instant>;
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
    ) -> (u32, Duration);
    /// Whether the pool lets one more request go now, else when.
    fn global_check(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant>;
    /// Charges the pool at dispatch.
    fn global_charge(&mut self, pool: GlobalPool, now: Instant);
    /// Refunds an unsent request.
    fn global_refund(&mut self, pool: GlobalPool, at: Instant);
    /// A global 429.
    fn global_pause(&mut self, pool: GlobalPool, until: Instant);
    /// Evicts idle buckets and routes (`keep` protects buckets with local waiters);
    /// returns how many entries were removed.
    fn evict(&mut self, now: Instant, keep: &dyn Fn(&BucketKey) -> bool) -> usize;
    /// Counts for a snapshot.
    fn stats(&mut self, now: Instant) -> StoreStats;
}

#[derive(Debug, Clone)]
struct RouteEntry {
    hash: Option<Arc<str>>,
    last_used: Instant,
    recent: VecDeque<(Major, Instant)>,
    sublimit: Option<Box<Sublimit>>,
}

impl RouteEntry {
    fn new(now: Instant) -> Self {
        Self {
            hash: None,
            last_used: now,
            recent: VecDeque::new(),
            sublimit: None,
        }
    }
}

/// The in-process store.
#[derive(Debug)]
pub(crate) struct MemoryStore {
    buckets: HashMap<BucketKey, Bucket>,
    routes: HashMap<RouteName, RouteEntry>,
    bot: GlobalWindow,
    unauthenticated: GlobalWindow,
    margin: Duration,
    ttl: Duration,
    sublimit_ttl: Duration,
}

impl MemoryStore {
    pub(crate) fn new(config: &RateLimitConfig) -> Self {
        Self {
            buckets: HashMap::new(),
            routes: HashMap::new(),
            bot: GlobalWindow::new(config.global_per_second, config.safety_margin),
            unauthenticated: GlobalWindow::new(
                config.unauthenticated_per_second,
                config.safety_margin,
            ),
            margin: config.safety_margin,
            ttl: config.eviction_ttl,
            sublimit_ttl: config.sublimit_ttl,
        }
    }

    fn bucket(&mut self, key: &BucketKey, now: Instant) -> &mut Bucket {
        if !self.buckets.contains_key(key) {
            self.buckets.insert(key.clone(), Bucket::new(now));
        }
        self.buckets.get_mut(key).expect("inserted above")
    }

    fn pool(&mut self, pool: GlobalPool) -> Option<&mut GlobalWindow> {
        match pool {
            GlobalPool::Bot => Some(&mut self.bot),
            GlobalPool::Unauthenticated => Some(&mut self.unauthenticated),
            GlobalPool::Exempt => None,
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
    fn route_hash(&mut self, route: &RouteName, now: Instant) -> Option<Arc<str>> {
        let entry = self.routes.get_mut(route)?;
        entry.last_used = now;
        entry.hash.clone()
    }

    fn learn_hash(&mut self, route: &RouteName, hash: &str, now: Instant) -> HashUpdate {
        // Share one allocation per distinct hash among routes.
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
                let new: Arc<str> = shared.unwrap_or_else(|| Arc::from(hash));
                entry.hash = Some(new.clone());
                match old {
                    Some(old) => HashUpdate::Changed { old, new },
                    None => HashUpdate::Discovered(new),
                }
            }
        }
    }

    fn known_hashes(&self) -> Vec<Arc<str>> {
        let mut hashes: Vec<Arc<str>> = self
            .routes
            .values()
            .filter_map(|r| r.hash.clone())
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    fn capacity(&mut self, key: &BucketKey, now: Instant) -> Capacity {
        self.bucket(key, now).capacity(now)
    }

    fn peek_capacity(&mut self, key: &BucketKey, now: Instant) -> Option<Capacity> {
        self.buckets.get_mut(key).map(|b| b.capacity(now))
    }

    fn predict(&mut self, key: &BucketKey, position: usize, now: Instant) -> Instant {
        self.buckets
            .get_mut(key)
            .map_or(now, |b| b.predict(position, now))
    }

    fn in_flight(&self, key: &BucketKey) -> u32 {
        self.buckets.get(key).map_or(0, |b| b.in_flight)
    }

    fn reserve(&mut self, key: &BucketKey, now: Instant) {
        self.bucket(key, now).reserve(now);
    }

    fn finish(&mut self, key: &BucketKey, now: Instant) {
        if let Some(b) = self.buckets.get_mut(key) {
            b.finish(now);
        }
    }

    fn unsend(&mut self, key: &BucketKey, now: Instant) {
        if let Some(b) = self.buckets.get_mut(key) {
            b.unsend(now);
        }
    }

    fn observe(
        &mut self,
        key: &BucketKey,
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        now: Instant,
    ) {
        let margin = self.margin;
        self.bucket(key, now)
            .observe(limit, remaining, reset_after, margin, now);
    }

    fn no_info(&mut self, key: &BucketKey) {
        if let Some(b) = self.buckets.get_mut(key) {
            b.no_info();
        }
    }

    fn exhaust(&mut self, key: &BucketKey, until: Instant, now: Instant) {
        self.bucket(key, now).exhaust(until, now);
    }

    fn period(&self, key: &BucketKey) -> Option<Duration> {
        self.buckets
            .get(key)
            .filter(|b| b.period_ms > 0)
            .map(|b| Duration::from_millis(u64::from(b.period_ms)))
    }

    fn drop_probe(&mut self, key: &BucketKey) {
        if key.is_probe() && self.buckets.get(key).is_some_and(|b| b.in_flight == 0) {
            self.buckets.remove(key);
        }
    }

    fn sublimit_check(
        &mut self,
        route: &RouteName,
        major: Major,
        now: Instant,
    ) -> Result<(), Instant> {
        let Some(entry) = self.routes.get_mut(route) else {
            return Ok(());
        };
        let Some(sub) = entry.sublimit.as_mut() else {
            return Ok(());
        };
        if sub.expires_at <= now {
            entry.sublimit = None;
            return Ok(());
        }
        sub.check(major, now)
    }

    fn record_dispatch(&mut self, route: &RouteName, major: Major, now: Instant) {
        let entry = self.route(route, now);
        entry.last_used = now;
        if entry.recent.len() == RECENT_PER_ROUTE {
            entry.recent.pop_front();
        }
        entry.recent.push_back((major, now));
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
            .rposition(|&(m, t)| m == major && t == at)
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
    ) -> (u32, Duration) {
        let (margin, ttl) = (self.margin, self.sublimit_ttl);
        let entry = self.route(route, now);
        let mut recent: Vec<Instant> = entry
            .recent
            .iter()
            .filter(|&&(m, _)| m == major)
            .map(|&(_, t)| t)
            .collect();
        // The request that got the 429 did not count.
        if let Some(i) = recent.iter().rposition(|&t| t == sent_at) {
            recent.remove(i);
        }
        let learned = Sublimit::learn(
            entry.sublimit.as_deref(),
            major,
            retry_after,
            &recent,
            margin,
            ttl,
            now,
        );
        let shape = (learned.limit, learned.period);
        entry.sublimit = Some(Box::new(learned));
        shape
    }

    fn global_check(&mut self, pool: GlobalPool, now: Instant) -> Result<(), Instant> {
        self.pool(pool).map_or(Ok(()), |g| g.check(now))
    }

    fn global_charge(&mut self, pool: GlobalPool, now: Instant) {
        if let Some(g) = self.pool(pool) {
            g.charge(now);
        }
    }

    fn global_refund(&mut self, pool: GlobalPool, at: Instant) {
        if let Some(g) = self.pool(pool) {
            g.refund(at);
        }
    }

    fn global_pause(&mut self, pool: GlobalPool, until: Instant) {
        if let Some(g) = self.pool(pool) {
            g.pause(until);
        }
    }

    fn evict(&mut self, now: Instant, keep: &dyn Fn(&BucketKey) -> bool) -> usize {
        let ttl = self.ttl;
        let before = self.buckets.len() + self.routes.len();
        self.buckets
            .retain(|key, bucket| keep(key) || !bucket.is_idle(now, ttl));
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
        before - self.buckets.len() - self.routes.len()
    }

    fn stats(&mut self, now: Instant) -> StoreStats {
        let pool = |g: &mut GlobalWindow| PoolSnapshot {
            limit_per_second: g.limit(),
            used_in_window: g.used(now),
            paused_until: g.paused_until(),
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
                        limit: s.limit,
                        period: s.period,
                        expires_at: s.expires_at,
                    })
            })
            .collect();
        StoreStats {
            buckets: self.buckets.len(),
            routes: self.routes.len(),
            in_flight: self.buckets.values().map(|b| u64::from(b.in_flight)).sum(),
            bot: pool(&mut self.bot),
            unauthenticated: pool(&mut self.unauthenticated),
            sublimits,
        }
    }
}

//! The rate-limit logic as a plain, synchronous state machine.
//!
//! A caller asks [`State::try_acquire`]; the answer is go (with a [`Ticket`]), wait (as a
//! queued waiter, until an instant or an event) or fail. A waiter asks again with
//! [`State::poll_waiter`]; a dispatched request reports back with [`State::complete`] or
//! [`State::release`]. Nothing here sleeps or spawns: the async layer
//! ([`crate::RateLimiter`]) only sleeps and wakes tasks, and tests drive this directly.

pub(crate) mod bucket;
mod complete;
pub(crate) mod global;
pub(crate) mod guards;
pub(crate) mod senders;
pub(crate) mod shared;
pub(crate) mod store;
pub(crate) mod sublimit;
pub(crate) mod table;
mod tick;

#[cfg(test)]
mod foreign_tests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use tokio::time::Instant;
use tracing::debug;

use self::bucket::Capacity;
use self::senders::View;
use self::shared::Shared;
use self::store::{BucketKey, BucketStore, HashUpdate, MemoryStore};
use crate::config::RateLimitConfig;
use crate::error::{ErrorKind, QueueScope, RateLimitError};
use crate::hash::FastMap;
use crate::key::{GlobalPool, Major, RequestKey, RouteName};
use crate::name::Name;
use crate::snapshot::{QueueSnapshot, RateLimitSnapshot};

/// How far back in a bucket's queue a request may be and still go before requests held
/// by their own route's limit (see `State::ahead_all_held`).
const MAX_OVERTAKE: usize = 32;

/// Identifies a queued request; also its arrival order.
pub(crate) type WaiterId = u64;

/// A dispatched request: what completing or releasing it needs to know.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub(crate) route: RouteName,
    pub(crate) major: Major,
    pub(crate) pool: GlobalPool,
    pub(crate) bucket: BucketKey,
    pub(crate) sent_at: Instant,
}

/// The answer to "may this request go?".
#[derive(Debug)]
pub(crate) enum Step {
    /// Send it now.
    Go(Ticket),
    /// It is queued as `waiter`; ask again at `until`, or when woken.
    Wait {
        waiter: WaiterId,
        until: Option<Instant>,
    },
    /// Refused.
    Fail(RateLimitError),
}

#[derive(Debug)]
struct Waiter {
    key: RequestKey,
    route: RouteName,
    bucket: BucketKey,
    waker: Option<Waker>,
    queued_at: Instant,
}

/// Per major parameter: what is in flight, and the probes (requests on routes whose
/// bucket is not known yet). A probe goes only when nothing else on its major parameter
/// is in flight, and nothing else goes while a probe is out, because until the
/// response names the bucket, any other bucket of that resource might be the same one.
#[derive(Debug, Default)]
struct Gate {
    in_flight: u32,
    probing: u32,
    probes: BTreeSet<WaiterId>,
    blocked: Vec<WaiterId>,
}

impl Gate {
    fn is_empty(&self) -> bool {
        self.in_flight == 0
            && self.probing == 0
            && self.probes.is_empty()
            && self.blocked.is_empty()
    }
}

/// Route knowledge one shard learned that the others must apply too (see
/// [`State::adopt`]).
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// A response named the route's bucket hash (new or changed).
    Hash(RouteName, Name),
    /// A hidden sublimit was learned for the route.
    Sublimit {
        route: RouteName,
        limit: u32,
        period: Duration,
        expires_at: Instant,
        /// The learning shard corrected its estimate upwards: replace, not lower.
        exact: bool,
    },
}

#[derive(Debug)]
enum Eval {
    Go,
    /// Not yet: until an instant or an event; `gate` if held by its major parameter's
    /// gate, `held` if by its own route's limit (see [`BucketStore::route_check`]).
    Wait {
        until: Option<Instant>,
        gate: bool,
        held: bool,
    },
    Fail(RateLimitError),
}

/// The engine's whole state.
#[derive(Debug)]
pub(crate) struct State<S: BucketStore = MemoryStore> {
    config: RateLimitConfig,
    store: S,
    queues: FastMap<BucketKey, VecDeque<WaiterId>>,
    waiters: FastMap<WaiterId, Waiter>,
    gates: FastMap<Major, Gate>,
    shared: Arc<Shared>,
    next_id: WaiterId,
    queued: usize,
    wakes: Vec<Waker>,
    /// Route knowledge to pass to the other shards; `None` for a state that is not
    /// sharded.
    notices: Option<Vec<Notice>>,
    /// Buckets counted at the last sweep (this shard's part of the shared gauge).
    swept_buckets: usize,
    last_sweep: Instant,
    sweep_every: Duration,
}

fn later(until: &mut Option<Instant>, t: Instant) {
    *until = Some(until.map_or(t, |u| u.max(t)));
}

impl State<MemoryStore> {
    /// The whole engine in one state.
    #[cfg(test)]
    pub(crate) fn new(config: RateLimitConfig, now: Instant) -> Self {
        let shared = Arc::new(Shared::new(&config, now));
        let store = MemoryStore::new(&config, shared.clone());
        Self::with_store(config, store, shared, now)
    }

    /// One shard of a sharded engine: `shared` is common to all shards, and route
    /// knowledge it learns is collected for [`State::take_notices`].
    pub(crate) fn shard(config: RateLimitConfig, shared: Arc<Shared>, now: Instant) -> Self {
        let store = MemoryStore::new(&config, shared.clone());
        let mut state = Self::with_store(config, store, shared, now);
        state.notices = Some(Vec::new());
        state
    }
}

impl<S: BucketStore> State<S> {
    pub(crate) fn with_store(
        config: RateLimitConfig,
        store: S,
        shared: Arc<Shared>,
        now: Instant,
    ) -> Self {
        Self {
            shared,
            notices: None,
            swept_buckets: 0,
            sweep_every: table::sweep_every(config.eviction_ttl),
            config,
            store,
            queues: FastMap::default(),
            waiters: FastMap::default(),
            gates: FastMap::default(),
            next_id: 0,
            queued: 0,
            wakes: Vec::new(),
            last_sweep: now,
        }
    }

    pub(crate) fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    /// Wakers of tasks to wake once the lock around the state is released.
    pub(crate) fn take_wakes(&mut self) -> Vec<Waker> {
        std::mem::take(&mut self.wakes)
    }

    /// Spreads the shards' sweeps over the sweep interval: shard `part` of `of` sweeps
    /// `part / of` of an interval earlier than it otherwise would, so that no acquire
    /// sweeps more than about one shard.
    pub(crate) fn stagger_sweep(&mut self, part: u32, of: u32) {
        let early = self.sweep_every * part / of.max(1);
        self.last_sweep = self
            .last_sweep
            .checked_sub(early)
            .unwrap_or(self.last_sweep);
    }

    /// Route knowledge learned since the last call, for the other shards.
    pub(crate) fn take_notices(&mut self) -> Vec<Notice> {
        self.notices
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn notify(&mut self, notice: Notice) {
        if let Some(notices) = self.notices.as_mut() {
            notices.push(notice);
        }
    }

    /// Applies route knowledge another shard learned: a route's new bucket hash (queued
    /// requests of the route follow it, in order) or a learned sublimit.
    pub(crate) fn adopt(&mut self, notice: &Notice, now: Instant) {
        match notice {
            Notice::Hash(route, hash) => {
                if let HashUpdate::Changed { old, new } = self.store.learn_hash(route, hash, now) {
                    self.move_route(route, &old, &new);
                }
            }
            Notice::Sublimit {
                route,
                limit,
                period,
                expires_at,
                exact,
            } => self
                .store
                .adopt_sublimit(route, *limit, *period, *expires_at, *exact, now),
        }
    }

    /// A new request: go now, queue, or fail.
    pub(crate) fn try_acquire(&mut self, key: &RequestKey, now: Instant) -> Step {
        self.maybe_sweep(now);
        let route = RouteName {
            method: key.method,
            template: key.route.clone(),
        };
        let bucket = match self.store.route_hash(&route, now) {
            Some(hash) => BucketKey::Hash(hash, key.major),
            None => BucketKey::Route(route.clone(), key.major),
        };
        let id = self.next_id;
        self.next_id += 1;

        let mut head_wait = None;
        if self.queues.contains_key(&bucket) {
            if let Err(error) = self.shared.guards.check(key, now) {
                return Self::fail(error);
            }
        } else {
            match self.evaluate(key, &route, &bucket, id, now) {
                Eval::Go => return Step::Go(self.dispatch(key, route, bucket, now)),
                Eval::Fail(error) => return Self::fail(error),
                Eval::Wait { until, .. } => head_wait = Some(until.unwrap_or(now)),
            }
        }

        let position = self.queues.get(&bucket).map_or(0, VecDeque::len);
        if position >= self.config.bucket_queue_capacity {
            let capacity = self.config.bucket_queue_capacity;
            return Self::fail(RateLimitError::new(ErrorKind::QueueFull {
                scope: QueueScope::Bucket,
                capacity,
            }));
        }
        if !self.shared.enqueue(self.config.total_queue_capacity) {
            let capacity = self.config.total_queue_capacity;
            return Self::fail(RateLimitError::new(ErrorKind::QueueFull {
                scope: QueueScope::Total,
                capacity,
            }));
        }
        if let Some(deadline) = key.deadline {
            let predicted = head_wait.unwrap_or_else(|| self.store.predict(&bucket, position, now));
            if predicted > deadline {
                self.shared.dequeue();
                return Self::fail(RateLimitError::new(ErrorKind::RateLimitTimeout {
                    predicted_wait: predicted.saturating_duration_since(now),
                }));
            }
        }

        debug!(bucket = %bucket, position, "rate limit: request queued");
        if bucket.is_probe() {
            self.gates.entry(key.major).or_default().probes.insert(id);
        }
        self.queues.entry(bucket.clone()).or_default().push_back(id);
        self.queued += 1;
        self.waiters.insert(
            id,
            Waiter {
                key: key.clone(),
                route,
                bucket,
                waker: None,
                queued_at: now,
            },
        );
        self.poll_waiter(id, now, None)
    }

    /// Asks again for a queued request; `waker` is woken when something changes.
    pub(crate) fn poll_waiter(
        &mut self,
        id: WaiterId,
        now: Instant,
        waker: Option<&Waker>,
    ) -> Step {
        let Some(waiter) = self.waiters.get(&id) else {
            // Only the owner removes its waiter; nothing to do but wait to be dropped.
            return Step::Wait {
                waiter: id,
                until: None,
            };
        };
        if waiter.bucket.is_probe() {
            let bucket = waiter.bucket.clone();
            self.settle_probe(&bucket, now);
        }
        let waiter = &self.waiters[&id];
        let (key, route, bucket) = (
            waiter.key.clone(),
            waiter.route.clone(),
            waiter.bucket.clone(),
        );
        let position = self
            .queues
            .get(&bucket)
            .and_then(|q| q.binary_search(&id).ok())
            .unwrap_or(0);

        let evaluated = position == 0 || self.ahead_all_held(&bucket, id, &route, now);
        let eval = if evaluated {
            self.evaluate(&key, &route, &bucket, id, now)
        } else {
            Eval::Wait {
                until: None,
                gate: false,
                held: self.store.route_check(&route, key.major, now).is_err(),
            }
        };
        match eval {
            Eval::Go => {
                if position > 0 {
                    // It went ahead of held requests: the next behind may go too.
                    self.wake_behind(&bucket, id);
                }
                let waiter = self.remove_waiter(id).expect("waiter present");
                let queued_for = now.saturating_duration_since(waiter.queued_at);
                debug!(bucket = %bucket, waited_ms = u64::try_from(queued_for.as_millis()).unwrap_or(u64::MAX), "rate limit: wait over");
                crate::metrics::dispatched(queued_for);
                Step::Go(self.dispatch(&key, route, bucket, now))
            }
            Eval::Fail(error) => {
                self.remove_waiter(id);
                Self::fail(error)
            }
            Eval::Wait { until, gate, held } => {
                if held {
                    // Held by its own route (or behind one of its route that is): the
                    // next in the queue may be free to go.
                    self.wake_behind(&bucket, id);
                }
                let predicted = if evaluated {
                    until.unwrap_or(now)
                } else {
                    self.store.predict(&bucket, position, now)
                };
                if let Some(deadline) = key.deadline {
                    if predicted > deadline || now >= deadline {
                        self.remove_waiter(id);
                        return Self::fail(RateLimitError::new(ErrorKind::RateLimitTimeout {
                            predicted_wait: predicted.saturating_duration_since(now),
                        }));
                    }
                }
                if gate {
                    self.gates.entry(key.major).or_default().blocked.push(id);
                }
                if let (Some(waker), Some(w)) = (waker, self.waiters.get_mut(&id)) {
                    if !w.waker.as_ref().is_some_and(|old| old.will_wake(waker)) {
                        w.waker = Some(waker.clone());
                    }
                }
                let until = match (until, key.deadline) {
                    (Some(u), Some(d)) => Some(u.min(d)),
                    (u, d) => u.or(d),
                };
                Step::Wait { waiter: id, until }
            }
        }
    }

    /// A queued request was dropped: its place goes to the next one.
    pub(crate) fn cancel(&mut self, id: WaiterId) {
        self.remove_waiter(id);
    }

    fn fail(error: RateLimitError) -> Step {
        crate::metrics::rejected(match error.kind() {
            ErrorKind::QueueFull { .. } => "queue_full",
            ErrorKind::RateLimitTimeout { .. } => "timeout",
            ErrorKind::Banned { .. } => "banned",
            ErrorKind::InvalidRequestCeiling { .. } => "invalid_ceiling",
            ErrorKind::TokenInvalid => "token_invalid",
            ErrorKind::WebhookDead { .. } => "webhook_dead",
        });
        debug!(error = %error, "rate limit: request refused");
        Step::Fail(error)
    }

    /// Whether the request `id` (at the head of `bucket`, or about to be) may go now.
    fn evaluate(
        &mut self,
        key: &RequestKey,
        route: &RouteName,
        bucket: &BucketKey,
        id: WaiterId,
        now: Instant,
    ) -> Eval {
        if let Err(error) = self.shared.guards.check(key, now) {
            return Eval::Fail(error);
        }
        let major = key.major;
        let probe = bucket.is_probe();
        let mut until = None;
        let mut gate = false;
        if let Some(g) = self.gates.get(&major) {
            let earlier_probe = g.probes.first().is_some_and(|&p| p < id);
            gate = earlier_probe || (probe && g.in_flight > 0) || (!probe && g.probing > 0);
        }
        if probe && !gate {
            // The probe might land in any bucket of this resource: wait until none of
            // them is exhausted or has an earlier request queued.
            for hash in self.store.known_hashes() {
                let other = BucketKey::Hash(hash, major);
                // Requests queued there earlier go first, unless their own routes hold
                // them (see `ahead_all_held`).
                if !self.ahead_all_held(&other, id, route, now) {
                    gate = true;
                    break;
                }
                match self.store.peek_capacity(&other, now) {
                    Some(Capacity::Until(t)) => later(&mut until, t),
                    Some(Capacity::Event) => gate = true,
                    _ => {}
                }
            }
        }
        let mut event = false;
        if let Some((until, share_of)) = self.shared.all_contended(now) {
            self.store.share(bucket, until, share_of, now);
        }
        if self.config.count_senders {
            if let View::Others { until, senders } = self.shared.senders_view(now) {
                self.store.shared_with_others(bucket, until, senders, now);
            }
        }
        match self.store.capacity(bucket, now) {
            Capacity::Ready => {}
            Capacity::Until(t) => later(&mut until, t),
            Capacity::Event => event = true,
        }
        let held = match self.store.route_check(route, major, now) {
            Ok(()) => false,
            Err(t) => {
                later(&mut until, t);
                true
            }
        };
        if gate || event || until.is_some() {
            if let Err(t) = self.store.global_check(key.pool, now) {
                later(&mut until, t);
            }
            Eval::Wait { until, gate, held }
        } else {
            // Charged here, in the same step as the check: `Go` always dispatches.
            match self.store.global_try_charge(key.pool, now) {
                Ok(()) => Eval::Go,
                Err(t) => Eval::Wait {
                    until: Some(t),
                    gate: false,
                    held: false,
                },
            }
        }
    }

    fn dispatch(
        &mut self,
        key: &RequestKey,
        route: RouteName,
        bucket: BucketKey,
        now: Instant,
    ) -> Ticket {
        // The global pool was charged by `evaluate`.
        self.store.reserve(&bucket, now);
        self.store.record_dispatch(&route, key.major, now);
        let gate = self.gates.entry(key.major).or_default();
        gate.in_flight += 1;
        if bucket.is_probe() {
            gate.probing += 1;
        }
        Ticket {
            route,
            major: key.major,
            pool: key.pool,
            bucket,
            sent_at: now,
        }
    }

    /// Removes a waiter from its queue and the gate; wakes whoever that lets move.
    fn remove_waiter(&mut self, id: WaiterId) -> Option<Waiter> {
        let waiter = self.waiters.remove(&id)?;
        self.queued -= 1;
        self.shared.dequeue();
        let mut was_head = false;
        if let Some(queue) = self.queues.get_mut(&waiter.bucket) {
            if let Ok(i) = queue.binary_search(&id) {
                was_head = i == 0;
                queue.remove(i);
            }
            if queue.is_empty() {
                self.queues.remove(&waiter.bucket);
            }
        }
        let major = waiter.key.major;
        if waiter.bucket.is_probe() {
            if let Some(gate) = self.gates.get_mut(&major) {
                gate.probes.remove(&id);
            }
            self.wake_gate(major);
        }
        if was_head {
            self.wake_head(&waiter.bucket);
        }
        Some(waiter)
    }

    fn wake_waiter(&mut self, id: WaiterId) {
        if let Some(waker) = self.waiters.get_mut(&id).and_then(|w| w.waker.take()) {
            self.wakes.push(waker);
        }
    }

    /// Whether every request queued in `bucket` before `id` is held by its own route's
    /// limit (a learned sublimit or a shared-scope hold), so that none of them could use
    /// the bucket's capacity now, and none is on `route` (order within a route is kept).
    /// Then `id` may go before them. Only the first [`MAX_OVERTAKE`] places look.
    fn ahead_all_held(
        &mut self,
        bucket: &BucketKey,
        id: WaiterId,
        route: &RouteName,
        now: Instant,
    ) -> bool {
        let Some(queue) = self.queues.get(bucket) else {
            return true;
        };
        let (waiters, store) = (&self.waiters, &mut self.store);
        let mut ahead = queue.iter().take_while(|&&w| w < id);
        ahead.by_ref().take(MAX_OVERTAKE).all(|w| {
            waiters.get(w).is_some_and(|w| {
                w.route != *route && store.route_check(&w.route, w.key.major, now).is_err()
            })
        }) && ahead.next().is_none()
    }

    /// Wakes the waiter right behind `id` in `bucket`'s queue.
    fn wake_behind(&mut self, bucket: &BucketKey, id: WaiterId) {
        let next = self.queues.get(bucket).and_then(|queue| {
            let i = queue.binary_search(&id).ok()?;
            queue.get(i + 1).copied()
        });
        if let Some(next) = next {
            self.wake_waiter(next);
        }
    }

    fn wake_head(&mut self, bucket: &BucketKey) {
        if let Some(&id) = self.queues.get(bucket).and_then(VecDeque::front) {
            self.wake_waiter(id);
        }
    }

    /// Wakes the requests that waited on the major parameter's gate.
    fn wake_gate(&mut self, major: Major) {
        let Some(gate) = self.gates.get_mut(&major) else {
            return;
        };
        let mut ids = std::mem::take(&mut gate.blocked);
        ids.extend(gate.probes.first().copied());
        if gate.is_empty() {
            self.gates.remove(&major);
        }
        for id in ids {
            self.wake_waiter(id);
        }
    }

    /// Moves the queue of a probe bucket to the route's known bucket once the route's
    /// hash is known and the probe is back; order is kept by arrival.
    fn settle_probe(&mut self, probe: &BucketKey, now: Instant) {
        let BucketKey::Route(route, major) = probe else {
            return;
        };
        if self.store.in_flight(probe) > 0 {
            return;
        }
        let Some(hash) = self.store.route_hash(route, now) else {
            return;
        };
        let major = *major;
        let dest = BucketKey::Hash(hash, major);
        if let Some(queue) = self.queues.remove(probe) {
            if let Some(gate) = self.gates.get_mut(&major) {
                for id in &queue {
                    gate.probes.remove(id);
                }
            }
            self.merge_into(&dest, queue.into_iter().collect());
        }
        self.store.drop_probe(probe);
        self.wake_head(&dest);
        self.wake_gate(major);
    }

    /// Inserts waiters into `dest`'s queue in arrival order.
    fn merge_into(&mut self, dest: &BucketKey, ids: Vec<WaiterId>) {
        let queue = self.queues.entry(dest.clone()).or_default();
        for id in ids {
            if let Err(i) = queue.binary_search(&id) {
                queue.insert(i, id);
            }
            if let Some(w) = self.waiters.get_mut(&id) {
                w.bucket = dest.clone();
            }
        }
    }

    /// A route moved from bucket `old` to `new`: its queued requests follow, in order.
    fn move_route(&mut self, route: &RouteName, old: &str, new: &Name) {
        let sources: Vec<BucketKey> = self
            .queues
            .keys()
            .filter(|k| k.hash().is_some_and(|h| &**h == old))
            .cloned()
            .collect();
        for source in sources {
            let Some(queue) = self.queues.get_mut(&source) else {
                continue;
            };
            let waiters = &self.waiters;
            let (moving, staying): (Vec<WaiterId>, Vec<WaiterId>) = queue
                .iter()
                .partition(|id| waiters.get(id).is_some_and(|w| &w.route == route));
            if moving.is_empty() {
                continue;
            }
            if staying.is_empty() {
                self.queues.remove(&source);
            } else {
                *queue = staying.into_iter().collect();
            }
            let dest = BucketKey::Hash(new.clone(), source.major());
            self.merge_into(&dest, moving);
            self.wake_head(&dest);
            self.wake_head(&source);
        }
    }

    fn maybe_sweep(&mut self, now: Instant) {
        if now < self.last_sweep + self.sweep_every {
            return;
        }
        self.last_sweep = now;
        let queues = &self.queues;
        let removed = self.store.evict(now, &|key| queues.contains_key(key));
        let invalid = self.shared.guards.with(|g| {
            g.evict(now);
            g.invalid.count(now)
        });
        // (Counts only: a sweep runs every second or so, and a full snapshot walks the
        // buckets and takes the global pools' locks.)
        let (tracked, routes) = self.store.counts();
        let total = &self.shared.buckets;
        total.fetch_add(tracked, std::sync::atomic::Ordering::Relaxed);
        let buckets = total.fetch_sub(self.swept_buckets, std::sync::atomic::Ordering::Relaxed)
            - self.swept_buckets;
        self.swept_buckets = tracked;
        crate::metrics::gauges(buckets, self.shared.queued(), invalid);
        if removed > 0 {
            debug!(
                removed,
                buckets = tracked,
                routes,
                "rate limit: evicted idle state"
            );
        }
    }

    /// Forgets a 401 on the bot token.
    pub(crate) fn clear_token_invalid(&mut self) {
        self.shared.guards.with(|g| g.token_invalid = false);
    }

    /// The names of the routes this state tracks (to count routes across shards).
    pub(crate) fn route_names(&self) -> Vec<String> {
        self.store.route_names()
    }

    pub(crate) fn snapshot(&mut self, now: Instant) -> RateLimitSnapshot {
        let stats = self.store.stats(now);
        let mut queues: Vec<QueueSnapshot> = self
            .queues
            .iter()
            .map(|(key, q)| QueueSnapshot {
                bucket: key.to_string(),
                depth: q.len(),
            })
            .collect();
        queues.sort_by(|a, b| b.depth.cmp(&a.depth).then_with(|| a.bucket.cmp(&b.bucket)));
        queues.truncate(RateLimitSnapshot::MAX_QUEUES);
        let (dead_webhooks, invalid_requests, banned_until, token_invalid) =
            self.shared.guards.with(|g| {
                let dead = g
                    .dead_webhooks
                    .values()
                    .filter(|&&until| until > now)
                    .count();
                let banned = g.banned_until.filter(|&until| until > now);
                (dead, g.invalid.count(now), banned, g.token_invalid)
            });
        RateLimitSnapshot {
            buckets: stats.buckets,
            routes: stats.routes,
            in_flight: stats.in_flight,
            queued: self.queued,
            queues,
            bot: stats.bot,
            unauthenticated: stats.unauthenticated,
            invalid_requests,
            invalid_request_ceiling: self.config.invalid_request_ceiling,
            banned_until,
            token_invalid,
            dead_webhooks,
            sublimits: stats.sublimits,
        }
    }
}

//! The async layer: the engine's shards (each a mutex around a [`State`]), tokio sleeps
//! and wakers.
//!
//! Requests are spread over [`SHARDS`] shards by major parameter. Everything one major
//! parameter's requests touch (its buckets, queues and gate) lives in its shard, so
//! requests on different resources rarely wait for the same lock. What all requests
//! share (the global pools, the breakers, the total queue count) is in
//! [`Shared`](crate::state::shared::Shared), behind locks of its own. Route knowledge
//! (a route's bucket hash, a learned sublimit) is learned in one shard and passed to the
//! others right after, outside any lock.

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

use tokio::time::{Instant, Sleep};

use crate::config::RateLimitConfig;
use crate::error::RateLimitError;
use crate::hash::FastHasher;
use crate::key::{Major, RequestKey};
use crate::outcome::{Outcome, Verdict};
use crate::shared::gate::{Pass, SharedGate};
use crate::shared::{SharedLimitsConfig, SharedStore};
use crate::snapshot::{RateLimitSnapshot, SublimitSnapshot};
use crate::state::shared::Shared;
use crate::state::{Notice, State, Step, Ticket, WaiterId};

/// How many shards the engine's state is split into. A power of two well above the
/// number of cores that contend, so that two requests on different resources rarely
/// meet on one lock; an empty shard costs a few hundred bytes.
pub(crate) const SHARDS: usize = 64;

/// One shard: a lock around a [`State`], and the way to its siblings.
struct Shard {
    state: Mutex<State>,
    /// Every shard of the engine (weak, so shards do not keep each other alive).
    siblings: Arc<OnceLock<Box<[Weak<Shard>]>>>,
    index: usize,
}

impl fmt::Debug for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shard")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Shard {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` under the lock, then (with no lock held) wakes the tasks it made ready
    /// and passes the route knowledge it learned to the other shards.
    fn run<R>(&self, f: impl FnOnce(&mut State, Instant) -> R) -> R {
        let (out, wakes, notices) = {
            let mut state = self.lock();
            let out = f(&mut state, Instant::now());
            (out, state.take_wakes(), state.take_notices())
        };
        wakes.into_iter().for_each(Waker::wake);
        if !notices.is_empty() {
            self.broadcast(&notices);
        }
        out
    }

    fn broadcast(&self, notices: &[Notice]) {
        let Some(siblings) = self.siblings.get() else {
            return;
        };
        for (index, sibling) in siblings.iter().enumerate() {
            if index == self.index {
                continue;
            }
            if let Some(sibling) = sibling.upgrade() {
                let wakes = {
                    let mut state = sibling.lock();
                    let now = Instant::now();
                    for notice in notices {
                        state.adopt(notice, now);
                    }
                    state.take_wakes()
                };
                wakes.into_iter().for_each(Waker::wake);
            }
        }
    }

    fn finish(&self, ticket: Ticket, outcome: Option<Outcome>) -> Verdict {
        self.run(|state, now| {
            if let Some(outcome) = outcome {
                state.complete(ticket, &outcome, now)
            } else {
                state.release(ticket, now);
                Verdict::Normal
            }
        })
    }
}

/// The rate limiter. Cheap to clone (clones share state); `Send + Sync`; needs no
/// background task and can be built outside a tokio runtime.
#[derive(Clone)]
pub struct RateLimiter {
    shards: Arc<[Arc<Shard>]>,
    /// What the shards share (the gate marks every bucket contended through it).
    shared: Arc<Shared>,
    /// The shared store every request also passes, when one is configured.
    gate: Option<Arc<SharedGate>>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("shards", &self.shards.len())
            .field("shared", &self.gate.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(RateLimitConfig::default())
    }
}

impl RateLimiter {
    /// A rate limiter with `config`.
    // Taken by value since the first release; every shard keeps a copy.
    #[allow(clippy::needless_pass_by_value)]
    pub fn new(config: RateLimitConfig) -> Self {
        let now = Instant::now();
        let shared = Arc::new(Shared::new(&config, now));
        let siblings = Arc::new(OnceLock::new());
        let shards: Arc<[Arc<Shard>]> = (0..SHARDS)
            .map(|index| {
                let mut state = State::shard(config.clone(), shared.clone(), now);
                // Lossless: both are at most SHARDS.
                #[allow(clippy::cast_possible_truncation)]
                state.stagger_sweep(index as u32, SHARDS as u32);
                Arc::new(Shard {
                    state: Mutex::new(state),
                    siblings: siblings.clone(),
                    index,
                })
            })
            .collect();
        let weak: Box<[Weak<Shard>]> = shards.iter().map(Arc::downgrade).collect();
        // The cell is new: setting it cannot fail.
        let _ = siblings.set(weak);
        Self {
            shards,
            shared,
            gate: None,
        }
    }

    /// A rate limiter whose limits are shared with every other process using `store`
    /// (see [`crate::shared`]): each request is ordered in process as usual, then
    /// passes the store's decision before it goes. Hidden sublimits are then learned by
    /// the store, from every process's dispatches; a process only holds the resource
    /// that met one until the 429's wait ends.
    pub fn with_shared_store(
        config: RateLimitConfig,
        store: Arc<dyn SharedStore>,
        shared: SharedLimitsConfig,
    ) -> Self {
        let mut local = config.clone();
        local.learn_sublimits = false;
        local.count_senders = false;
        let mut limiter = Self::new(local);
        limiter.gate = Some(Arc::new(SharedGate::new(
            store,
            shared,
            config,
            limiter.shared.clone(),
        )));
        limiter
    }

    /// Waits (at most `timeout`) until the shared store has every completion this
    /// limiter handed it; call it before the process exits, so that no reservation of
    /// this process holds its place for other processes until its lease ends. Without
    /// a store it returns at once. True when everything reached the store.
    pub async fn flush_shared(&self, timeout: std::time::Duration) -> bool {
        let Some(gate) = self.gate.as_deref() else {
            return true;
        };
        matches!(
            tokio::time::timeout(timeout, gate.store().flush()).await,
            Ok(Ok(()))
        )
    }

    /// How limits are shared, when a store is configured.
    pub fn shared_config(&self) -> Option<&SharedLimitsConfig> {
        self.gate.as_deref().map(SharedGate::config)
    }

    fn shard(&self, major: Major) -> &Arc<Shard> {
        let hash = BuildHasherDefault::<FastHasher>::default().hash_one(major);
        // Lossless: the remainder is below SHARDS.
        #[allow(clippy::cast_possible_truncation)]
        let index = (hash % SHARDS as u64) as usize;
        &self.shards[index]
    }

    /// Waits until the request described by `key` may be sent, or fails at once when it
    /// cannot be (queue full, deadline unreachable, ban, invalid token, dead webhook).
    ///
    /// Cancellation-safe: dropping the future gives its place in the queue back.
    pub fn acquire(&self, key: RequestKey) -> Acquire {
        Acquire {
            shard: self.shard(key.major).clone(),
            key,
            waiter: None,
            sleep: None,
            gate: self.gate.clone(),
            shared: None,
        }
    }

    /// What the engine is tracking now.
    pub fn snapshot(&self) -> RateLimitSnapshot {
        let read = |shard: &Shard| {
            let mut state = shard.lock();
            (state.snapshot(Instant::now()), state.route_names())
        };
        let (mut total, mut routes) = read(&self.shards[0]);
        for shard in &self.shards[1..] {
            let (snap, names) = read(shard);
            routes.extend(names);
            total = merge(total, snap);
        }
        routes.sort_unstable();
        routes.dedup();
        total.routes = routes.len();
        total
            .queues
            .sort_by(|a, b| b.depth.cmp(&a.depth).then_with(|| a.bucket.cmp(&b.bucket)));
        total.queues.truncate(RateLimitSnapshot::MAX_QUEUES);
        // Every shard holds the sublimits it learned or adopted: keep one per route.
        total.sublimits.sort_by(|a, b| {
            a.route
                .cmp(&b.route)
                .then_with(|| b.expires_at.cmp(&a.expires_at))
        });
        total.sublimits.dedup_by(|a, b| a.route == b.route);
        total
    }

    /// Lets bot requests through again after a 401 (call after replacing the token).
    pub fn clear_token_invalid(&self) {
        // The breakers are shared by every shard.
        self.shards[0].lock().clear_token_invalid();
    }

    /// The configuration.
    pub fn config(&self) -> RateLimitConfig {
        self.shards[0].lock().config().clone()
    }
}

/// Adds a shard's snapshot to the total of the others. The global pools and breakers
/// are shared, so every shard reports the same values for them; queues and sublimits
/// are sorted and deduplicated by the caller.
fn merge(mut total: RateLimitSnapshot, shard: RateLimitSnapshot) -> RateLimitSnapshot {
    total.buckets += shard.buckets;
    total.in_flight += shard.in_flight;
    total.queued += shard.queued;
    total.queues.extend(shard.queues);
    total
        .sublimits
        .extend::<Vec<SublimitSnapshot>>(shard.sublimits);
    total.bot = shard.bot;
    total.unauthenticated = shard.unauthenticated;
    total
}

/// The future returned by [`RateLimiter::acquire`].
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire {
    shard: Arc<Shard>,
    key: RequestKey,
    waiter: Option<WaiterId>,
    sleep: Option<Pin<Box<Sleep>>>,
    gate: Option<Arc<SharedGate>>,
    /// Let go in process, and now passing the shared store.
    // Boxed, like the permit's, so that a limiter without a store moves no more than
    // a pointer for it.
    shared: Option<Box<SharedStage>>,
}

type PassFuture = Pin<Box<dyn Future<Output = Result<Pass, RateLimitError>> + Send>>;

/// A request the in-process engine let go, waiting for the shared store.
struct SharedStage {
    ticket: Option<Ticket>,
    pass: PassFuture,
}

impl fmt::Debug for Acquire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("key", &self.key)
            .field("queued", &self.waiter.is_some())
            .finish_non_exhaustive()
    }
}

impl Future for Acquire {
    type Output = Result<Permit, RateLimitError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(stage) = this.shared.as_mut() {
            let polled = stage_poll(stage, cx);
            if let Some(ready) = this.shared_pass(polled) {
                return ready;
            }
            // Sent back to the engine (the store went down): evaluated again below.
        }
        loop {
            let waiter = this.waiter;
            let step = this.shard.run(|state, now| {
                let step = match waiter {
                    None => state.try_acquire(&this.key, now),
                    Some(id) => state.poll_waiter(id, now, Some(cx.waker())),
                };
                // A fresh waiter registers its waker now.
                if let (None, Step::Wait { waiter, .. }) = (waiter, &step) {
                    state.poll_waiter(*waiter, now, Some(cx.waker()));
                }
                step
            });
            match step {
                Step::Go(ticket) => {
                    this.waiter = None;
                    if let Some(gate) = this.gate.clone() {
                        let mut stage = Box::new(SharedStage {
                            ticket: Some(ticket),
                            pass: Box::pin(gate.pass(this.key.clone())),
                        });
                        let polled = stage_poll(&mut stage, cx);
                        this.shared = Some(stage);
                        match this.shared_pass(polled) {
                            Some(ready) => return ready,
                            None => continue,
                        }
                    }
                    return Poll::Ready(Ok(Permit {
                        shard: this.shard.clone(),
                        ticket: Some(ticket),
                        shared: None,
                    }));
                }
                Step::Fail(error) => {
                    this.waiter = None;
                    return Poll::Ready(Err(error));
                }
                Step::Wait { waiter, until } => {
                    this.waiter = Some(waiter);
                    let Some(until) = until else {
                        this.sleep = None;
                        return Poll::Pending;
                    };
                    match this.sleep.as_mut() {
                        Some(sleep) => sleep.as_mut().reset(until),
                        None => this.sleep = Some(Box::pin(tokio::time::sleep_until(until))),
                    }
                    let sleep = this.sleep.as_mut().expect("set above");
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

fn stage_poll(stage: &mut SharedStage, cx: &mut Context<'_>) -> Poll<Result<Pass, RateLimitError>> {
    stage.pass.as_mut().poll(cx)
}

impl Acquire {
    /// Turns the shared store's answer into a permit holding both the in-process ticket
    /// and the shared pass; a refusal gives the in-process ticket back. `None`: the
    /// request goes back to the engine (its ticket given back), to be let go again by
    /// the rules of a store that is down.
    fn shared_pass(
        &mut self,
        polled: Poll<Result<Pass, RateLimitError>>,
    ) -> Option<Poll<Result<Permit, RateLimitError>>> {
        let Poll::Ready(result) = polled else {
            return Some(Poll::Pending);
        };
        let mut stage = self.shared.take().expect("a shared stage is being polled");
        let ticket = stage.ticket.take();
        if matches!(result, Ok(Pass::Recheck)) {
            if let Some(ticket) = ticket {
                let _ = self.shard.finish(ticket, None);
            }
            return None;
        }
        Some(match result {
            Ok(pass) => Poll::Ready(Ok(Permit {
                shard: self.shard.clone(),
                ticket,
                shared: Some(Box::new((
                    self.gate.clone().expect("a gate made the stage"),
                    pass,
                ))),
            })),
            Err(error) => {
                if let Some(ticket) = ticket {
                    let _ = self.shard.finish(ticket, None);
                }
                Poll::Ready(Err(error))
            }
        })
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        if let Some(id) = self.waiter.take() {
            self.shard.run(|state, _| state.cancel(id));
        }
        if let Some(ticket) = self.shared.take().and_then(|mut stage| stage.ticket.take()) {
            let _ = self.shard.finish(ticket, None);
        }
    }
}

/// Permission to send one request. Report what happened with [`Permit::complete`];
/// dropping it uncompleted means the request was not sent, and gives back everything it
/// reserved.
#[must_use = "complete the permit with the response, or drop it if the request was not sent"]
pub struct Permit {
    shard: Arc<Shard>,
    ticket: Option<Ticket>,
    /// The shared store's pass, reported with the same outcome.
    shared: Option<Box<(Arc<SharedGate>, Pass)>>,
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bucket = self.ticket.as_ref().map(|t| t.bucket.to_string());
        f.debug_struct("Permit")
            .field("bucket", &bucket)
            .finish_non_exhaustive()
    }
}

impl Permit {
    /// Reports the response (or its absence, [`Outcome::no_response`]), and returns
    /// what the engine concluded from it: a ban, an invalid token or a dead webhook
    /// that will refuse later requests, so the caller can report the same for this
    /// one without asking for a snapshot.
    pub fn complete(mut self, outcome: Outcome) -> Verdict {
        if let Some((gate, pass)) = self.shared.take().map(|shared| *shared) {
            gate.report(pass, Some(&outcome));
        }
        match self.ticket.take() {
            Some(ticket) => self.shard.finish(ticket, Some(outcome)),
            None => Verdict::Normal,
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some((gate, pass)) = self.shared.take().map(|shared| *shared) {
            gate.report(pass, None);
        }
        if let Some(ticket) = self.ticket.take() {
            let _ = self.shard.finish(ticket, None);
        }
    }
}

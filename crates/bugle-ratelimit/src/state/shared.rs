//! The state every shard of the engine shares: the global pools, the breakers and the
//! total queue count.
//!
//! The engine keeps its buckets, queues and gates in shards keyed by major parameter
//! (see [`crate::RateLimiter`]); a major parameter's requests never leave their shard.
//! What limits requests of every major parameter at once lives here, each part behind
//! its own small lock or in atomics, on its own cache line, so that shards working in
//! parallel do not serialise on anything but what they really share. Locks here are
//! always taken after a shard's lock and never held while taking another.

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::global::GlobalWindow;
use super::guards::Guards;
use super::senders::{Senders, View};
use crate::config::RateLimitConfig;
use crate::error::RateLimitError;
use crate::key::{GlobalPool, RequestKey};
use crate::name::Name;

/// Keeps a value on its own cache line, so that writes to it do not slow readers of its
/// neighbours on other cores.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The breakers, with a lock-free answer for the common case that none is tripped.
#[derive(Debug)]
pub(crate) struct SharedGuards {
    /// True while no breaker can refuse any request (no ban, valid token, no invalid
    /// request counted, no dead webhook): [`SharedGuards::check`] then takes no lock.
    quiet: Padded<AtomicBool>,
    inner: Padded<Mutex<Guards>>,
}

impl SharedGuards {
    fn new(config: &RateLimitConfig, now: Instant) -> Self {
        let guards = Guards::new(config.invalid_request_ceiling, now);
        Self {
            quiet: Padded(AtomicBool::new(guards.is_quiet())),
            inner: Padded(Mutex::new(guards)),
        }
    }

    /// Runs `f` on the breakers under their lock.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Guards) -> R) -> R {
        let mut guards = lock(&self.inner);
        let out = f(&mut guards);
        self.quiet.store(guards.is_quiet(), Ordering::Release);
        out
    }

    /// Refuses the request if a breaker is tripped.
    pub(crate) fn check(&self, key: &RequestKey, now: Instant) -> Result<(), RateLimitError> {
        if self.quiet.load(Ordering::Acquire) {
            return Ok(());
        }
        self.with(|g| g.check(key, now))
    }
}

/// The two global pools.
#[derive(Debug)]
pub(crate) struct Pools {
    bot: Padded<Mutex<GlobalWindow>>,
    unauthenticated: Padded<Mutex<GlobalWindow>>,
}

impl Pools {
    pub(crate) fn new(config: &RateLimitConfig) -> Self {
        let window = |limit| Padded(Mutex::new(GlobalWindow::new(limit, config.safety_margin)));
        Self {
            bot: window(config.global_per_second),
            unauthenticated: window(config.unauthenticated_per_second),
        }
    }

    /// Runs `f` on the pool's window under its lock; `None` for an exempt request.
    pub(crate) fn with<R>(
        &self,
        pool: GlobalPool,
        f: impl FnOnce(&mut GlobalWindow) -> R,
    ) -> Option<R> {
        let window = match pool {
            GlobalPool::Bot => &self.bot,
            GlobalPool::Unauthenticated => &self.unauthenticated,
            GlobalPool::Exempt => return None,
        };
        Some(f(&mut lock(window)))
    }
}

/// Everything the shards share. See the module docs.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) guards: SharedGuards,
    pub(crate) pools: Pools,
    /// Requests queued in all shards.
    queued: Padded<AtomicUsize>,
    /// Buckets tracked by all shards, as of each shard's last sweep (for the gauge).
    pub(crate) buckets: Padded<AtomicUsize>,
    /// Whether every bucket counts as used by other senders too (`contended_until`):
    /// while a shared store does not answer, each process keeps to its own view of
    /// buckets the others use as well.
    all_contended: Padded<AtomicBool>,
    /// Until when, and by how many processes.
    contended_until: Padded<Mutex<Option<(Instant, u32)>>>,
    /// Whether the answers show this process alone on the token: one atomic load
    /// answers the common case.
    alone: Padded<AtomicBool>,
    senders: Padded<Mutex<Senders>>,
}

impl Shared {
    pub(crate) fn new(config: &RateLimitConfig, now: Instant) -> Self {
        let shared = Self {
            guards: SharedGuards::new(config, now),
            pools: Pools::new(config),
            queued: Padded(AtomicUsize::new(0)),
            buckets: Padded(AtomicUsize::new(0)),
            all_contended: Padded(AtomicBool::new(false)),
            contended_until: Padded(Mutex::new(None)),
            alone: Padded(AtomicBool::new(!config.count_senders)),
            senders: Padded(Mutex::new(Senders::new(now))),
        };
        if config.count_senders {
            shared.apply(View::Starting { until: None });
        }
        shared
    }

    /// What the answers say of the other senders on the token (see
    /// [`super::senders`]). One atomic load while this process is alone.
    pub(crate) fn senders_view(&self, now: Instant) -> View {
        if self.alone() {
            return View::Alone;
        }
        let (view, changed) = lock(&self.senders).view_changed(now);
        if changed {
            self.apply(view);
        }
        view
    }

    /// Whether the answers show this process alone on the token (one atomic load).
    fn alone(&self) -> bool {
        self.alone.load(Ordering::Acquire)
    }

    /// The answer to this process's first request of a window (see
    /// [`Senders::observe_first`]). A process alone takes no lock for one that found
    /// nobody ahead.
    pub(crate) fn first_answer(
        &self,
        hash: Option<&Name>,
        reset_after: Duration,
        round_trip: Duration,
        others: u32,
        now: Instant,
    ) {
        if others == 0 && self.alone() {
            return;
        }
        self.update(now, |state| {
            state.observe_first(hash, reset_after, round_trip, others, now);
        });
    }

    /// A 429 this process's own accounting did not predict, or a later answer that
    /// counted others' requests: someone else uses the token.
    pub(crate) fn seen_other(&self, now: Instant) {
        self.update(now, |state| state.present(now));
    }

    /// Changes the estimate of senders, and the global pool's part if the view changed.
    fn update(&self, now: Instant, change: impl FnOnce(&mut Senders)) {
        let (view, changed) = {
            let mut state = lock(&self.senders);
            change(&mut state);
            state.view_changed(now)
        };
        if changed {
            self.apply(view);
        }
    }

    /// Keeps the fast path's flag and the bot pool's even part in step with `view`.
    /// Called only when the part changes, not on every request.
    fn apply(&self, view: View) {
        self.alone.store(view == View::Alone, Ordering::Release);
        let (senders, starting) = view.pool_part();
        self.pools
            .with(GlobalPool::Bot, |g| g.set_senders(senders, starting));
    }

    /// Every bucket counts as shared evenly by `share_of` processes until `until`: a
    /// shared store stopped answering, and each process decides from its own view.
    pub(crate) fn contend_all(&self, until: Instant, share_of: u32) {
        let mut contended = lock(&self.contended_until);
        let until = contended.map_or(until, |(c, _)| c.max(until));
        *contended = Some((until, share_of));
        self.all_contended.store(true, Ordering::Release);
    }

    /// Until when every bucket counts as shared, and by how many, if it does at `now`.
    /// One atomic load when it does not.
    pub(crate) fn all_contended(&self, now: Instant) -> Option<(Instant, u32)> {
        if !self.all_contended.load(Ordering::Acquire) {
            return None;
        }
        let mut contended = lock(&self.contended_until);
        match *contended {
            Some((until, share_of)) if until > now => Some((until, share_of)),
            _ => {
                *contended = None;
                self.all_contended.store(false, Ordering::Release);
                None
            }
        }
    }

    /// Takes one place in the total queue, unless all `capacity` places are taken.
    pub(crate) fn enqueue(&self, capacity: usize) -> bool {
        self.queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |q| {
                (q < capacity).then_some(q + 1)
            })
            .is_ok()
    }

    /// Gives a place in the total queue back.
    pub(crate) fn dequeue(&self) {
        self.queued.fetch_sub(1, Ordering::AcqRel);
    }

    /// Requests queued in all shards.
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }
}

//! The gate a request passes after the in-process engine let it go: the shared store's
//! decision, or the fallback's while the store does not answer.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::fallback::{Fallback, FallbackPass};
use super::{
    Refusal, Reservation, SharedDecision, SharedLimitsConfig, SharedReport, SharedRequest,
    SharedStore,
};
use crate::config::RateLimitConfig;
use crate::error::{ErrorKind, RateLimitError};
use crate::key::RequestKey;
use crate::metrics;
use crate::outcome::Outcome;
use crate::state::shared::Shared;

/// How long after the next probe buckets still count as shared with other senders: a
/// store that keeps failing keeps them so; one that answers again decides for everyone
/// once the answers of the fallback's requests have come back.
const CONTENDED_AFTER_FALLBACK: Duration = Duration::from_secs(5);

/// For how many store deadlines (from the first ask that got no answer in time) the
/// store may answer nothing in time before it counts as down. Shorter stalls send the
/// requests they catch by the fallback limits, one by one, without the fallback's
/// first-window wait and without treating every bucket as contended.
const SLOW_FOR: u32 = 3;

/// Whether the store is answering.
#[derive(Debug, Clone, Copy)]
enum Health {
    Answering,
    /// Unreachable since a failure; ask it again at `probe_at`.
    Down {
        probe_at: Instant,
    },
}

/// The store, its health and the fallback limits.
#[derive(Debug)]
pub(crate) struct SharedGate {
    store: Arc<dyn SharedStore>,
    config: SharedLimitsConfig,
    limits: Arc<RateLimitConfig>,
    health: Mutex<Health>,
    /// When the asks that time out began, since the store last answered in time.
    slow_since: Mutex<Option<Instant>>,
    fallback: Fallback,
    /// The in-process engine's shared state: while the store does not answer, every
    /// bucket counts as used by the other processes too.
    engine: Arc<Shared>,
}

/// What a request that passed the gate holds until it completes.
#[derive(Debug)]
pub(crate) enum Pass {
    /// A reservation in the store.
    Store(SharedRequest, Reservation),
    /// A place in the fallback limits (given back when dropped).
    Fallback(FallbackPass),
}

impl SharedGate {
    pub(crate) fn new(
        store: Arc<dyn SharedStore>,
        config: SharedLimitsConfig,
        limits: RateLimitConfig,
        engine: Arc<Shared>,
    ) -> Self {
        let fallback = Fallback::new(config.fallback_global_per_second);
        Self {
            store,
            config,
            limits: Arc::new(limits),
            health: Mutex::new(Health::Answering),
            slow_since: Mutex::new(None),
            fallback,
            engine,
        }
    }

    pub(crate) fn config(&self) -> &SharedLimitsConfig {
        &self.config
    }

    pub(crate) fn store(&self) -> &dyn SharedStore {
        &*self.store
    }

    /// Waits until the store (or, while it is down, the fallback) lets `key` go.
    pub(crate) async fn pass(self: Arc<Self>, key: RequestKey) -> Result<Pass, RateLimitError> {
        let request = SharedRequest::for_key(&key, &self.config, &self.limits);
        loop {
            if !self.store_may_answer(Instant::now()) {
                let pass = self.fallback.pass(&key).await?;
                // A store that is slow rather than gone still learns of it.
                self.store.record_fallback(&request);
                return Ok(Pass::Fallback(pass));
            }
            let started = Instant::now();
            let answer =
                tokio::time::timeout(self.config.store_deadline, self.store.acquire(&request))
                    .await;
            metrics::store_latency(started.elapsed());
            let decision = match answer {
                Ok(Ok(decision)) => {
                    self.answered();
                    decision
                }
                Ok(Err(error)) => {
                    // The script may have run before the failure: a grant it made
                    // would hold its capacity for a whole lease.
                    self.store.abandon(&request);
                    self.failed(&error.to_string());
                    continue;
                }
                Err(_) => {
                    self.store.abandon(&request);
                    if self.slow_for_long(started) {
                        self.failed("no answer within the store deadline for a while");
                        continue;
                    }
                    // A slow answer or two (a loaded machine stalls now and then) is not
                    // an outage: this request goes by the fallback's limits, and the
                    // next one asks the store again.
                    metrics::store_fallback();
                    debug!(
                        "shared rate-limit store slow; this request goes by the fallback limits"
                    );
                    let pass = self.fallback.pass(&key).await?;
                    self.store.record_fallback(&request);
                    return Ok(Pass::Fallback(pass));
                }
            };
            match decision {
                SharedDecision::Grant(reservation) => return Ok(Pass::Store(request, reservation)),
                SharedDecision::Refuse(refusal) => return Err(refused(refusal)),
                SharedDecision::Wait { after, woken } => {
                    if let Some(deadline) = key.deadline {
                        if Instant::now() + after > deadline {
                            metrics::rejected("timeout");
                            return Err(RateLimitError::new(ErrorKind::RateLimitTimeout {
                                predicted_wait: after,
                            }));
                        }
                    }
                    let sleep = tokio::time::sleep(after);
                    match woken {
                        Some(woken) => {
                            tokio::select! {
                                () = sleep => {}
                                () = woken => {}
                            }
                        }
                        None => sleep.await,
                    }
                }
            }
        }
    }

    /// Reports what became of a request that passed (`None`: it was not sent).
    pub(crate) fn report(&self, pass: Pass, outcome: Option<&Outcome>) {
        match pass {
            Pass::Store(request, reservation) => {
                self.store
                    .complete(SharedReport::new(request, reservation, outcome.cloned()));
            }
            Pass::Fallback(pass) => drop(pass),
        }
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn store_may_answer(&self, now: Instant) -> bool {
        match *self.health() {
            Health::Answering => true,
            Health::Down { probe_at } => now >= probe_at,
        }
    }

    /// Whether the store has answered nothing in time since before
    /// [`SLOW_FOR`] store deadlines ago, counting from the ask that started at `asked`.
    fn slow_for_long(&self, asked: Instant) -> bool {
        let mut slow = self
            .slow_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let since = *slow.get_or_insert(asked);
        Instant::now().saturating_duration_since(since) >= self.config.store_deadline * SLOW_FOR
    }

    fn answered(&self) {
        *self
            .slow_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        let mut health = self.health();
        if let Health::Down { .. } = *health {
            *health = Health::Answering;
            drop(health);
            info!("shared rate-limit store answers again; limits are shared again");
            metrics::store_recovered();
        }
    }

    fn failed(&self, why: &str) {
        let now = Instant::now();
        let probe_at = now + self.config.probe_interval;
        // The other processes use the same buckets, and each of them now decides from
        // its own view: each window starts with one request, then one at a time, until
        // shortly after the store answers again.
        // Each keeps to an even share of every bucket: as many processes as the
        // fallback's share of the global pool implies.
        let global = self.limits.global_per_second().max(1);
        let processes = global.div_ceil(self.config.fallback_global_per_second.max(1));
        self.engine
            .contend_all(probe_at + CONTENDED_AFTER_FALLBACK, processes);
        let mut health = self.health();
        let was_answering = matches!(*health, Health::Answering);
        *health = Health::Down { probe_at };
        drop(health);
        if was_answering {
            // What the store granted in the last window is still in Discord's: the
            // fallback's first window counts as full.
            self.fallback.assume_full(Instant::now());
            warn!(
                reason = why,
                share = self.config.fallback_global_per_second,
                "shared rate-limit store unreachable; falling back to in-process limits"
            );
        }
        metrics::store_fallback();
    }
}

fn refused(refusal: Refusal) -> RateLimitError {
    let now = Instant::now();
    let kind = match refusal {
        Refusal::TokenInvalid => {
            metrics::rejected("token_invalid");
            ErrorKind::TokenInvalid
        }
        Refusal::WebhookDead { remaining } => {
            metrics::rejected("webhook_dead");
            ErrorKind::WebhookDead {
                until: now + remaining,
            }
        }
        Refusal::Banned { remaining } => {
            metrics::rejected("banned");
            ErrorKind::Banned {
                until: now + remaining,
            }
        }
        Refusal::InvalidRequestCeiling { remaining } => {
            metrics::rejected("invalid_ceiling");
            ErrorKind::InvalidRequestCeiling {
                until: now + remaining,
            }
        }
    };
    RateLimitError::new(kind)
}

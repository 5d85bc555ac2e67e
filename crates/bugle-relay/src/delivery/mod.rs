//! The delivery worker: claims groups from the outbox and shows each on its
//! card, in order within a group and in parallel across groups.

mod discord;
mod group;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

pub use discord::Discord;

use crate::buttons::Interactivity;
use crate::clock::{Clock, millis};
use crate::metrics as m;
use crate::outbox::Outbox;

/// The worker's settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The claim owner's name (unique per replica and start).
    pub owner: String,
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// How many groups are delivered at once.
    pub concurrency: usize,
    /// How often the outbox is polled when nothing wakes the worker (retries
    /// that came due, other replicas' entries).
    pub poll: Duration,
    /// How long shutdown waits for deliveries in flight.
    pub drain: Duration,
}

/// Delivers the outbox.
#[derive(Debug, Clone)]
pub struct Worker {
    outbox: Arc<dyn Outbox>,
    discord: Discord,
    clock: Clock,
    settings: WorkerSettings,
    wake: Arc<Notify>,
    templates: Arc<crate::template::Templates>,
    interactivity: Interactivity,
}

impl Worker {
    /// Renders cards with `templates` (the default rendering where one is
    /// not set).
    #[must_use]
    pub fn with_templates(mut self, templates: crate::template::Templates) -> Self {
        self.templates = Arc::new(templates);
        self
    }

    /// Gives cards the application's buttons where their route has them.
    #[must_use]
    pub fn with_interactivity(mut self, interactivity: Interactivity) -> Self {
        self.interactivity = interactivity;
        self
    }

    /// A worker delivering `outbox` through `discord`; `wake` is notified when
    /// something is enqueued.
    pub fn new(
        outbox: Arc<dyn Outbox>,
        discord: Discord,
        clock: Clock,
        settings: WorkerSettings,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            outbox,
            discord,
            clock,
            settings,
            wake,
            templates: Arc::default(),
            interactivity: Interactivity::default(),
        }
    }

    /// Runs until `stop` turns true; then claims nothing more, waits up to
    /// the drain time for deliveries in flight, abandons the rest (their
    /// entries stay pending, and an unclear post is resolved on the next
    /// start) and releases its claims.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut running: JoinSet<()> = JoinSet::new();
        let concurrency = self.settings.concurrency.max(1);
        loop {
            if *stop.borrow() {
                break;
            }
            while running.try_join_next().is_some() {}
            let free = concurrency.saturating_sub(running.len());
            let mut claimed = 0;
            if free > 0 {
                match self
                    .outbox
                    .claim(
                        &self.settings.owner,
                        self.clock.now_ms(),
                        millis(self.settings.lease),
                        free,
                    )
                    .await
                {
                    Ok(claims) => {
                        claimed = claims.len();
                        for claim in claims {
                            let worker = self.clone();
                            running.spawn(async move { worker.deliver(claim).await });
                        }
                    }
                    Err(error) => {
                        tracing::warn!(error = %error, "cannot claim from the outbox");
                    }
                }
            }
            if claimed > 0 && running.len() < concurrency {
                continue;
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.settings.poll) => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = stop.changed() => {}
            }
        }
        let drained = tokio::time::timeout(self.settings.drain, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                abandoned = running.len(),
                "shutdown: deliveries still running after the drain time stay in the outbox"
            );
            running.abort_all();
            while running.join_next().await.is_some() {}
        }
        if let Err(error) = self.outbox.release(&self.settings.owner).await {
            tracing::warn!(error = %error, "cannot release the claims; they lapse with their lease");
        }
    }

    async fn deliver(&self, claim: crate::outbox::Claim) {
        let group_key = claim.group_key.clone();
        let ctx = group::Ctx {
            outbox: self.outbox.as_ref(),
            discord: &self.discord,
            clock: self.clock,
            lease_ms: millis(self.settings.lease),
            templates: &self.templates,
            interactivity: &self.interactivity,
        };
        // Keeps the claim alive while the delivery waits on Discord (rate
        // limits, retries): a third of the lease at a time.
        let heartbeat = {
            let (outbox, clock, lease) =
                (Arc::clone(&self.outbox), self.clock, self.settings.lease);
            let (key, fence) = (claim.group_key.clone(), claim.fence);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(lease / 3).await;
                    if outbox
                        .renew(&key, fence, clock.now_ms(), millis(lease))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            })
        };
        let report = group::deliver(ctx, claim).await;
        heartbeat.abort();
        m::delivered(report.delivered, report.coalesced, report.dead);
        for latency in &report.latencies_ms {
            m::latency(*latency);
        }
        if let Some(reason) = &report.retry {
            m::retried();
            m::discord_reachable(false);
            tracing::info!(group = %group_key, reason = %reason, "delivery failed; retrying later");
        } else if report.delivered > 0 {
            m::discord_reachable(true);
        }
        if report.fenced {
            tracing::warn!(group = %group_key, "the claim was taken over by another worker; stopped");
        }
        if report.delivered > 0 || report.dead > 0 {
            tracing::debug!(group = %group_key, delivered = report.delivered, coalesced = report.coalesced, dead = report.dead, "delivered");
        }
    }
}

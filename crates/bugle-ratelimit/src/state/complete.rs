//! What a response (or its absence) does to the state.

use std::time::Duration;

use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::senders::View;
use super::store::{BucketKey, BucketStore, HashUpdate};
use super::{Notice, State, Ticket};
use crate::headers::{RateLimitHeaders, Scope};
use crate::key::GlobalPool;
use crate::outcome::{Outcome, Verdict};

/// Discord's JSON code for "Unknown Webhook".
const UNKNOWN_WEBHOOK: u64 = 10_015;
/// Wait assumed for a scoped 429 that gives no Retry-After at all.
const FALLBACK_RETRY: Duration = Duration::from_secs(1);
/// How long after a user-scope 429 a bucket is treated as shared with another sender.
const CONTENDED_FOR: Duration = Duration::from_secs(60);

impl<S: BucketStore> State<S> {
    /// A dispatched request completed with `outcome`, observed at `now`.
    // A ticket is used exactly once: taking it by value rules out completing it twice.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn complete(&mut self, ticket: Ticket, outcome: &Outcome, now: Instant) -> Verdict {
        let headers = &outcome.headers;
        let major = ticket.major;
        self.store.finish(&ticket.bucket, now);
        self.store.global_answer(ticket.pool, ticket.sent_at, now);
        self.leave_gate(&ticket);

        let mut target = ticket.bucket.clone();
        if let Some(hash) = headers.bucket.as_deref() {
            match self.store.learn_hash(&ticket.route, hash, now) {
                HashUpdate::Same(hash) => target = BucketKey::Hash(hash, major),
                HashUpdate::Discovered(hash) => {
                    debug!(route = %ticket.route, bucket = %hash, "rate limit: bucket discovered");
                    crate::metrics::hash_update(false);
                    self.notify(Notice::Hash(ticket.route.clone(), hash.clone()));
                    target = BucketKey::Hash(hash, major);
                }
                HashUpdate::Changed { old, new } => {
                    debug!(route = %ticket.route, from = %old, to = %new, "rate limit: bucket changed");
                    crate::metrics::hash_update(true);
                    self.notify(Notice::Hash(ticket.route.clone(), new.clone()));
                    self.move_route(&ticket.route, &old, &new);
                    target = BucketKey::Hash(new, major);
                }
            }
        }

        let verdict = match outcome.status {
            Some(429) => {
                let verdict = self.on_too_many(&ticket, &target, headers, now);
                // Refused, whatever the scope, so in no count: after the learners have
                // read it, it holds no slot in the route's history or any sublimit log.
                self.store
                    .unrecord_dispatch(&ticket.route, ticket.major, ticket.sent_at);
                verdict
            }
            Some(status) if status >= 500 && !headers.from_a_limiter() => {
                // No rate limiter answered (an edge's 502 page, a 5xx without
                // headers): the request never reached the limits, so it did not
                // count. Its capacity and its place in the route's log come back,
                // rather than a hidden limit's whole window waiting for it.
                debug!(route = %ticket.route, status, "rate limit: 5xx without rate-limit headers; not counted");
                self.store.refund(&ticket.bucket);
                self.store
                    .unrecord_dispatch(&ticket.route, ticket.major, ticket.sent_at);
                self.apply_headers(ticket.sent_at, &ticket.bucket, &target, headers, now);
                Verdict::Normal
            }
            Some(status) => {
                if (200..300).contains(&status) {
                    self.confirm(&ticket);
                }
                self.apply_headers(ticket.sent_at, &ticket.bucket, &target, headers, now);
                self.on_status(&ticket, status, headers, now)
            }
            None => {
                self.store.no_info(&ticket.bucket);
                Verdict::Normal
            }
        };

        if ticket.bucket.is_probe() {
            self.settle_probe(&ticket.bucket, now);
        }
        self.wake_head(&ticket.bucket);
        if target != ticket.bucket {
            self.wake_head(&target);
        }
        self.wake_gate(major);
        verdict
    }

    /// A dispatched request was never sent: everything it reserved comes back.
    // A ticket is used exactly once: taking it by value rules out completing it twice.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn release(&mut self, ticket: Ticket, now: Instant) {
        self.store.unsend(&ticket.bucket, now);
        self.store.global_refund(ticket.pool, ticket.sent_at);
        self.store
            .unrecord_dispatch(&ticket.route, ticket.major, ticket.sent_at);
        self.leave_gate(&ticket);
        if ticket.bucket.is_probe() {
            self.settle_probe(&ticket.bucket, now);
        }
        self.wake_head(&ticket.bucket);
        self.wake_gate(ticket.major);
    }

    /// A success: if it shows that a hidden sublimit's first learn missed a request the
    /// server counted, the corrected estimate goes to the other shards too.
    fn confirm(&mut self, ticket: &Ticket) {
        if let Some((limit, period, expires_at)) =
            self.store
                .confirm_dispatch(&ticket.route, ticket.major, ticket.sent_at)
        {
            debug!(route = %ticket.route, limit, "rate limit: hidden sublimit corrected upwards");
            self.notify(Notice::Sublimit {
                route: ticket.route.clone(),
                limit,
                period,
                expires_at,
                exact: true,
            });
        }
    }

    fn leave_gate(&mut self, ticket: &Ticket) {
        if let Some(gate) = self.gates.get_mut(&ticket.major) {
            gate.in_flight = gate.in_flight.saturating_sub(1);
            if ticket.bucket.is_probe() {
                gate.probing = gate.probing.saturating_sub(1);
            }
        }
    }

    /// Applies a bucket answer's headers to `target`, the bucket the answer names, for
    /// a request dispatched from `sent_from`.
    fn apply_headers(
        &mut self,
        sent_at: Instant,
        sent_from: &BucketKey,
        target: &BucketKey,
        headers: &RateLimitHeaders,
        now: Instant,
    ) {
        let (Some(limit), Some(remaining), Some(reset_after)) =
            (headers.limit, headers.remaining, headers.reset_after)
        else {
            self.store.no_info(target);
            return;
        };
        // 0 while starting: too early to tell.
        let senders = if self.config.count_senders {
            match self.shared.senders_view(now) {
                View::Starting { .. } => 0,
                View::Alone => 1,
                View::Others { senders, .. } => senders,
            }
        } else {
            1
        };
        if sent_from != target {
            // A probe of a route whose bucket was unknown: one of this window's own.
            self.store.count_own(target, now);
        }
        let seen = self
            .store
            .observe(target, limit, remaining, reset_after, senders, now);
        if let (Some(seen), true) = (seen, self.config.count_senders) {
            if seen.first {
                let round_trip = now.saturating_duration_since(sent_at);
                self.shared
                    .first_answer(target.hash(), reset_after, round_trip, seen.others, now);
            } else if seen.others > 0 {
                self.shared.seen_other(now);
            }
            if seen.others > 0 {
                debug!(bucket = %target, others = seen.others, "rate limit: the bucket counted requests of another sender");
            }
        }
    }

    fn on_status(
        &mut self,
        ticket: &Ticket,
        status: u16,
        headers: &RateLimitHeaders,
        now: Instant,
    ) -> Verdict {
        match status {
            401 => {
                self.shared.guards.with(|g| g.invalid.record(now));
                if ticket.pool == GlobalPool::Bot {
                    warn!(route = %ticket.route, "rate limit: 401 for the bot token; bot requests now fail fast");
                    self.shared.guards.with(|g| g.token_invalid = true);
                    return Verdict::TokenInvalid;
                }
                Verdict::Normal
            }
            403 => {
                self.shared.guards.with(|g| g.invalid.record(now));
                Verdict::Normal
            }
            404 => {
                let code = headers.body.as_ref().and_then(|b| b.code);
                // An interaction token (exempt pool) expires after 15 minutes and then
                // answers 404 Unknown Webhook; the id in its path is the application's, so
                // remembering it as dead would refuse every other interaction's followups.
                if let (
                    crate::key::Major::Webhook { id, .. },
                    None | Some(UNKNOWN_WEBHOOK),
                    false,
                ) = (ticket.major, code, ticket.pool == GlobalPool::Exempt)
                {
                    let until = now + self.config.webhook_dead_ttl;
                    warn!(
                        webhook = id,
                        "rate limit: webhook returned 404; refusing it for a while"
                    );
                    self.shared
                        .guards
                        .with(|g| g.dead_webhooks.insert(id, until));
                    return Verdict::WebhookDead { until };
                }
                Verdict::Normal
            }
            _ => Verdict::Normal,
        }
    }

    fn on_too_many(
        &mut self,
        ticket: &Ticket,
        target: &BucketKey,
        headers: &RateLimitHeaders,
        now: Instant,
    ) -> Verdict {
        let retry_after = headers.retry_after();
        let scope = headers.scope;
        let global = headers.is_global();
        if scope != Some(Scope::Shared) {
            self.shared.guards.with(|g| g.invalid.record(now));
        }
        let not_json = headers.body.as_ref().is_some_and(|b| !b.json);
        let huge = retry_after.is_some_and(|r| r > self.config.ban_threshold);
        if not_json || huge || (scope.is_none() && !global) {
            let until = now + retry_after.unwrap_or(self.config.default_ban);
            warn!(
                retry_after_s = retry_after.map(|r| r.as_secs_f64()),
                "rate limit: 429 looks like a ban (no scope, non-json body or huge retry-after); failing all requests until it ends"
            );
            crate::metrics::too_many("ban");
            let until = self.shared.guards.with(|g| {
                g.ban(until);
                g.banned_until.unwrap_or(until)
            });
            return Verdict::Banned { until };
        }
        let retry_after = retry_after
            .or(headers.reset_after)
            .unwrap_or(FALLBACK_RETRY);
        let until = now + retry_after + self.config.safety_margin;
        if global {
            warn!(pool = ?ticket.pool, retry_after_s = retry_after.as_secs_f64(), "rate limit: global 429; pausing the pool");
            crate::metrics::too_many("global");
            match ticket.pool {
                GlobalPool::Exempt => self.store.exhaust(target, until, now),
                pool => {
                    self.store.global_pause(pool, until, now);
                    // Refused before any bucket counted it.
                    self.store.refund(&ticket.bucket);
                }
            }
            return Verdict::Normal;
        }
        let reset = headers.reset_after.or_else(|| self.store.period(target));
        let hidden = scope != Some(Scope::Shared)
            && (headers.remaining.is_some_and(|r| r > 0)
                || reset.is_some_and(|reset| {
                    retry_after > reset * 2 && retry_after > reset + Duration::from_secs(1)
                }));
        if hidden && !self.config.learn_sublimits {
            // A shared store learns the limit from every process's dispatches; here the
            // resource only waits out this 429.
            info!(route = %ticket.route, retry_after_s = retry_after.as_secs_f64(), "rate limit: hidden sublimit 429; holding the route on this resource (the shared store learns the limit)");
            crate::metrics::too_many("sublimit");
            self.store
                .hold_route(&ticket.route, ticket.major, until, now);
            self.apply_headers(ticket.sent_at, target, target, headers, now);
        } else if hidden {
            let (limit, period, expires_at) = self.store.learn_sublimit(
                &ticket.route,
                ticket.major,
                retry_after,
                ticket.sent_at,
                now,
            );
            info!(
                route = %ticket.route,
                limit,
                period_s = period.as_secs_f64(),
                "rate limit: hidden sublimit learned from a 429"
            );
            crate::metrics::too_many("sublimit");
            self.notify(Notice::Sublimit {
                route: ticket.route.clone(),
                limit,
                period,
                expires_at,
                exact: false,
            });
            self.apply_headers(ticket.sent_at, target, target, headers, now);
        } else if scope == Some(Scope::Shared) {
            // The resource's shared limit is full for this route; the bucket's own
            // headers still say what the rest of the bucket may do.
            info!(route = %ticket.route, scope = "shared", retry_after_s = retry_after.as_secs_f64(), "rate limit: 429; holding the route on this resource");
            crate::metrics::too_many("shared");
            self.store
                .hold_route(&ticket.route, ticket.major, until, now);
            self.apply_headers(ticket.sent_at, target, target, headers, now);
        } else {
            // The engine never sends past a bucket's remaining, so another sender
            // used it too (or its window was misjudged): start its windows with one
            // request for a while.
            info!(bucket = %target, scope = "user", retry_after_s = retry_after.as_secs_f64(), "rate limit: 429; the bucket is shared with another sender");
            crate::metrics::too_many("user");
            if self.config.count_senders {
                self.shared.seen_other(now);
            }
            self.store
                .contend(target, until, until + CONTENDED_FOR, now);
        }
        Verdict::Normal
    }
}

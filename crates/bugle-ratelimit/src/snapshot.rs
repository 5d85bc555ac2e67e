//! A point-in-time view of the engine, for dashboards and tests.

use std::time::Duration;

use tokio::time::Instant;

/// The state of one global pool.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSnapshot {
    /// Requests allowed per rolling second.
    pub limit_per_second: u32,
    /// This process's share of the limit: `limit_per_second` unless global 429s showed
    /// that something else uses the same token (see `docs/rate-limiting.md`).
    pub share_per_second: u32,
    /// Requests charged in the current rolling window.
    pub used_in_window: u32,
    /// When a global 429 pause ends, if one is in effect.
    pub paused_until: Option<Instant>,
}

/// A hidden sublimit learned from a 429.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SublimitSnapshot {
    /// `METHOD template`.
    pub route: String,
    /// Requests allowed per period, per major parameter.
    pub limit: u32,
    /// The period.
    pub period: Duration,
    /// When the sublimit is forgotten unless hit again.
    pub expires_at: Instant,
}

/// The depth of one bucket's queue.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSnapshot {
    /// The bucket (hash or route, and the major parameter; tokens appear only hashed).
    pub bucket: String,
    /// Requests waiting.
    pub depth: usize,
}

/// What the engine is tracking right now.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSnapshot {
    /// Buckets tracked (known and probe buckets).
    pub buckets: usize,
    /// Routes with a known bucket hash or a learned sublimit.
    pub routes: usize,
    /// Requests dispatched and not yet completed.
    pub in_flight: u64,
    /// Requests waiting in all queues.
    pub queued: usize,
    /// The deepest queues, deepest first (at most [`RateLimitSnapshot::MAX_QUEUES`]).
    pub queues: Vec<QueueSnapshot>,
    /// The bot token's global pool.
    pub bot: PoolSnapshot,
    /// The per-IP pool of requests without auth.
    pub unauthenticated: PoolSnapshot,
    /// Invalid requests (401, 403, non-shared 429) in the last 10 minutes.
    pub invalid_requests: u32,
    /// The configured ceiling for them.
    pub invalid_request_ceiling: u32,
    /// When a ban ends, if one is in effect.
    pub banned_until: Option<Instant>,
    /// Whether the bot token was rejected with 401.
    pub token_invalid: bool,
    /// Webhooks refused after a 404.
    pub dead_webhooks: usize,
    /// Learned hidden sublimits.
    pub sublimits: Vec<SublimitSnapshot>,
}

impl RateLimitSnapshot {
    /// How many queues [`RateLimitSnapshot::queues`] lists at most.
    pub const MAX_QUEUES: usize = 32;
}

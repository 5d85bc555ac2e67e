//! Configuration of the rate limiter.

use std::time::Duration;

/// Settings of a [`crate::RateLimiter`]. Start from [`RateLimitConfig::default`] and
/// change what you need with the `with_*` methods.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    pub(crate) global_per_second: u32,
    pub(crate) unauthenticated_per_second: u32,
    pub(crate) bucket_queue_capacity: usize,
    pub(crate) total_queue_capacity: usize,
    pub(crate) invalid_request_ceiling: u32,
    pub(crate) eviction_ttl: Duration,
    pub(crate) safety_margin: Duration,
    pub(crate) ban_threshold: Duration,
    pub(crate) default_ban: Duration,
    pub(crate) webhook_dead_ttl: Duration,
    pub(crate) sublimit_ttl: Duration,
    /// Whether hidden sublimits are learned here. Off when a shared store learns them
    /// from every process's dispatches: one process's own history counts only its own
    /// requests, so what it would learn is too low for it and too high for all together.
    pub(crate) learn_sublimits: bool,
    /// Whether bucket answers are watched for other senders on the token, whose windows
    /// are then shared by rank (`state::senders`). Off when a shared store coordinates
    /// the processes itself.
    pub(crate) count_senders: bool,
}

/// Discord's invalid-request limit per 10 minutes, per IP.
pub const DISCORD_INVALID_REQUEST_LIMIT: u32 = 10_000;
/// Discord's default global limit per second, per bot.
pub const DISCORD_GLOBAL_PER_SECOND: u32 = 50;

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            global_per_second: DISCORD_GLOBAL_PER_SECOND,
            unauthenticated_per_second: DISCORD_GLOBAL_PER_SECOND,
            bucket_queue_capacity: 1_024,
            total_queue_capacity: 65_536,
            invalid_request_ceiling: 9_000,
            eviction_ttl: Duration::from_secs(300),
            safety_margin: Duration::from_millis(5),
            ban_threshold: Duration::from_secs(3_600),
            default_ban: Duration::from_secs(3_600),
            webhook_dead_ttl: Duration::from_secs(3_600),
            sublimit_ttl: Duration::from_secs(3_600),
            learn_sublimits: true,
            count_senders: true,
        }
    }
}

impl RateLimitConfig {
    /// How long a learned sublimit is applied after it was last hit.
    pub fn sublimit_ttl(&self) -> Duration {
        self.sublimit_ttl
    }

    /// The bot's global limit per second (default 50; Discord raises it for large bots).
    /// Values below 1 are treated as 1.
    pub fn with_global_per_second(mut self, n: u32) -> Self {
        self.global_per_second = n.max(1);
        self
    }

    /// The per-IP global limit for requests without auth (default 50).
    pub fn with_unauthenticated_per_second(mut self, n: u32) -> Self {
        self.unauthenticated_per_second = n.max(1);
        self
    }

    /// How many requests may wait in one bucket's queue (default 1,024).
    pub fn with_bucket_queue_capacity(mut self, n: usize) -> Self {
        self.bucket_queue_capacity = n;
        self
    }

    /// How many requests may wait in all queues together (default 65,536).
    pub fn with_total_queue_capacity(mut self, n: usize) -> Self {
        self.total_queue_capacity = n;
        self
    }

    /// How many invalid requests (401, 403, non-shared 429) in a rolling 10 minutes make
    /// the engine refuse further requests (default 9,000; Discord bans at 10,000).
    pub fn with_invalid_request_ceiling(mut self, n: u32) -> Self {
        self.invalid_request_ceiling = n.max(1);
        self
    }

    /// How long an idle bucket or route mapping is kept after its reset (default 5 min).
    pub fn with_eviction_ttl(mut self, ttl: Duration) -> Self {
        self.eviction_ttl = ttl;
        self
    }

    /// Time added to every reset and to the global window (default 5 ms). Correctness
    /// does not rest on it: resets count from the answer's arrival and a global slot
    /// frees a window after its answer, so the measured round trip is already waited
    /// for. It covers what latency cannot: Discord rounding `Reset-After` to the
    /// millisecond and the timer's granularity.
    pub fn with_safety_margin(mut self, margin: Duration) -> Self {
        self.safety_margin = margin;
        self
    }

    /// Whether to watch Discord's answers for other senders on the same token (other
    /// replicas, a cron script, the same bot in another language) and share each
    /// bucket's windows and the global limit with them (default on; see
    /// docs/rate-limiting.md, "Other senders on the token"). It costs a process that is
    /// alone one short hold at start: until 100 ms after its first answer it keeps to a
    /// quarter of the global limit and to the first request of each new bucket's window.
    /// Turn it off only when nothing else ever sends with the token. A shared store
    /// ([`crate::RateLimiter::with_shared_store`]) coordinates processes itself and
    /// turns it off.
    pub fn with_sender_detection(mut self, enabled: bool) -> Self {
        self.count_senders = enabled;
        self
    }

    /// A 429 asking to wait longer than this is treated as a ban (default 1 h).
    pub fn with_ban_threshold(mut self, threshold: Duration) -> Self {
        self.ban_threshold = threshold;
        self
    }

    /// How long a ban lasts when the 429 gives no `Retry-After` (default 1 h).
    pub fn with_default_ban(mut self, duration: Duration) -> Self {
        self.default_ban = duration;
        self
    }

    /// How long a webhook that answered 404 is refused (default 1 h).
    pub fn with_webhook_dead_ttl(mut self, ttl: Duration) -> Self {
        self.webhook_dead_ttl = ttl;
        self
    }

    /// How long a learned sublimit is applied after it was last hit (default 1 h).
    pub fn with_sublimit_ttl(mut self, ttl: Duration) -> Self {
        self.sublimit_ttl = ttl;
        self
    }

    /// The bot's global limit per second.
    pub fn global_per_second(&self) -> u32 {
        self.global_per_second
    }

    /// The safety margin added to resets.
    pub fn safety_margin(&self) -> Duration {
        self.safety_margin
    }

    /// The eviction TTL.
    pub fn eviction_ttl(&self) -> Duration {
        self.eviction_ttl
    }

    /// The per-IP global limit for requests without the bot token.
    pub fn unauthenticated_per_second(&self) -> u32 {
        self.unauthenticated_per_second
    }

    /// The invalid-request count (per 10 minutes) at which requests are refused.
    pub fn invalid_request_ceiling(&self) -> u32 {
        self.invalid_request_ceiling
    }

    /// The `Retry-After` from which a 429 is taken as a ban.
    pub fn ban_threshold(&self) -> Duration {
        self.ban_threshold
    }

    /// How long a ban without a `Retry-After` is assumed to last.
    pub fn default_ban(&self) -> Duration {
        self.default_ban
    }

    /// How long a webhook answered 404 is not tried again.
    pub fn webhook_dead_ttl(&self) -> Duration {
        self.webhook_dead_ttl
    }
}

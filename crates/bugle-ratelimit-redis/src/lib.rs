//! Discord rate limits shared exactly by every process that sends with one token,
//! decided inside Redis (or Valkey).
//!
//! Replicas of one service, its cron jobs and CI all send with the same bot token and
//! the same webhooks. Alone, each bugle process believes it owns the whole global pool
//! and every bucket. With a [`RedisStore`], every request also passes one atomic script
//! in Redis that decides for all of them: the global pool as a sliding-window log, each
//! bucket's limit, remaining and reset, in-flight reservations with a lease, learned
//! hidden sublimits and shared-resource holds, a revoked token, dead webhooks, the
//! invalid-request counter and the ban breaker. All times come from Redis's own clock.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//!
//! use bugle_ratelimit::{RateLimitConfig, RateLimiter, SharedLimitsConfig};
//! use bugle_ratelimit_redis::RedisStore;
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379/", "alerts-prod").await?;
//! let limiter = RateLimiter::with_shared_store(
//!     RateLimitConfig::default(),
//!     Arc::new(store),
//!     SharedLimitsConfig::default().with_bot_token("the bot token"),
//! );
//! # let _ = limiter;
//! # Ok(())
//! # }
//! ```
//!
//! The design, what is exact and what is approximate, and how to deploy it are in the
//! workspace's `docs/rate-limiting.md`.

mod completer;
mod error;
mod keys;
mod lazy;
mod redact;
mod reply;
mod report;
mod store;
mod wake;

pub use error::RedisStoreError;
pub use lazy::LazyRedisStore;
pub use store::{RedisStore, RedisStoreBuilder};

/// The version of the key layout and of the scripts; part of every key, so two bugle
/// versions with different layouts can share one Redis during a rolling deploy without
/// reading each other's state.
pub const LAYOUT_VERSION: &str = "v1";

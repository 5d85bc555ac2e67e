#![doc = include_str!("../README.md")]

mod clock;
mod config;
mod error;
mod hash;
mod headers;
mod key;
mod limiter;
mod metrics;
mod name;
mod outcome;
mod path;
pub mod shared;
mod snapshot;
mod state;

pub use config::{DISCORD_GLOBAL_PER_SECOND, DISCORD_INVALID_REQUEST_LIMIT, RateLimitConfig};
pub use error::{ErrorKind, QueueScope, RateLimitError};
pub use headers::{RateLimitBody, RateLimitHeaders, Scope};
pub use key::{GlobalPool, Major, Method, RequestKey, TokenHash};
pub use limiter::{Acquire, Permit, RateLimiter};
pub use outcome::{Outcome, Verdict};
pub use path::{DELETE_OLD_SUFFIX, DELETE_YOUNG_SUFFIX, message_age_suffix, message_age_suffix_at};
pub use shared::{
    BotId, Refusal, Reservation, SharedDecision, SharedLimitsConfig, SharedReport, SharedRequest,
    SharedStore, StoreError, StoreFuture, WakeFuture,
};
pub use snapshot::{PoolSnapshot, QueueSnapshot, RateLimitSnapshot, SublimitSnapshot};

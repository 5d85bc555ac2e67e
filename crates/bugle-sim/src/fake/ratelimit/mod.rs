//! Server-side rate limiting, written for the fake (it does not use bugle-ratelimit, so a
//! client tested against it is not checked against itself).

mod config;
pub(crate) mod headers;
pub(crate) mod limiter;

#[allow(deprecated)]
pub use config::RateLimitConfig;
pub use config::{
    BucketRule, CHANNEL_GET_BUCKET, COMMANDS_BUCKET, CURRENT_USER_BUCKET, DM_BUCKET,
    FakeRateLimits, GATEWAY_BOT_BUCKET, MESSAGE_GET_BUCKET, MESSAGE_LIST_BUCKET, MESSAGES_BUCKET,
    REACTIONS_BUCKET, SharedLimit, Sublimit, THREADS_BUCKET, WEBHOOKS_BUCKET,
};

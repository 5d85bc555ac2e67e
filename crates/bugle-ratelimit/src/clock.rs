//! The one place this crate reads the wall clock.
//!
//! Rate-limit timing uses tokio's monotonic clock only. The wall clock is needed for one
//! thing: telling how old a message is from its snowflake, which decides the bucket of
//! `DELETE /channels/{channel_id}/messages/{message_id}` (Discord treats messages younger than 10 seconds
//! and older than 14 days separately).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, from the system clock (0 if the clock is before 1970).
pub(crate) fn unix_millis() -> u64 {
    // The only wall-clock read in the crate: snowflake ages are wall-clock quantities.
    #[allow(clippy::disallowed_methods)]
    let now = SystemTime::now();
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

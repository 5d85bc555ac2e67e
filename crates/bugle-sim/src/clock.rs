//! The simulation's clock: tokio's monotonic clock anchored to one wall-clock reading.
//!
//! Everything in bugle-sim that needs "now" asks this module, so a test on tokio's paused
//! clock sees deterministic time: the wall clock is read once, when a [`SimClock`] is made,
//! and from then on time advances only as tokio's clock does.

use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

/// A clock that advances with tokio's clock, starting from a fixed wall-clock instant.
#[derive(Debug, Clone, Copy)]
pub struct SimClock {
    base_wall: OffsetDateTime,
    base_instant: Instant,
}

impl SimClock {
    /// A clock whose wall time starts at the real current time.
    #[allow(clippy::disallowed_methods)] // the one wall-clock read of the simulation
    pub fn new() -> Self {
        Self::starting_at(OffsetDateTime::now_utc())
    }

    /// A clock whose wall time starts at `wall` (for fully reproducible runs).
    pub fn starting_at(wall: OffsetDateTime) -> Self {
        Self {
            base_wall: wall,
            base_instant: Instant::now(),
        }
    }

    /// Tokio's monotonic now.
    pub fn instant(&self) -> Instant {
        Instant::now()
    }

    /// Time elapsed on tokio's clock since this clock was made.
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(self.base_instant)
    }

    /// The simulated wall-clock time now.
    pub fn now(&self) -> OffsetDateTime {
        self.base_wall + self.elapsed()
    }

    /// The simulated wall-clock time now, in milliseconds since the Unix epoch.
    pub fn now_unix_millis(&self) -> u64 {
        u64::try_from(self.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::new()
    }
}

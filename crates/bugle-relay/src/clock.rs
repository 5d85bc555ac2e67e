//! The relay's one clock: tokio's monotonic clock anchored to one wall-clock
//! reading, so tests on tokio's paused clock control every timestamp the
//! relay writes (outbox rows, leases, card durations).

use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

/// Wall-clock time that advances with tokio's clock.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base_wall_ms: i64,
    base_instant: Instant,
}

impl Clock {
    /// A clock starting at the real current time.
    #[allow(clippy::disallowed_methods)] // the relay's one wall-clock read
    pub fn system() -> Self {
        Self::starting_at(OffsetDateTime::now_utc())
    }

    /// A clock starting at `wall` (reproducible tests).
    pub fn starting_at(wall: OffsetDateTime) -> Self {
        let ms = wall.unix_timestamp_nanos() / 1_000_000;
        Self {
            base_wall_ms: i64::try_from(ms).unwrap_or(i64::MAX),
            base_instant: Instant::now(),
        }
    }

    /// Milliseconds since the Unix epoch, now.
    pub fn now_ms(&self) -> i64 {
        let elapsed = Instant::now().saturating_duration_since(self.base_instant);
        self.base_wall_ms
            .saturating_add(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
    }

    /// The wall-clock time now.
    pub fn now(&self) -> OffsetDateTime {
        from_ms(self.now_ms())
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

/// The time `ms` milliseconds after the Unix epoch (the epoch when out of range).
pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `duration` in whole milliseconds, saturating.
pub fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// `time` in milliseconds since the Unix epoch, saturating.
pub fn millis_of(time: OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_clock_advances_with_tokio_time() {
        let clock = Clock::starting_at(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(clock.now_ms(), 0);
        tokio::time::advance(Duration::from_secs(90)).await;
        assert_eq!(clock.now_ms(), 90_000);
        assert_eq!(clock.now().unix_timestamp(), 90);
    }
}

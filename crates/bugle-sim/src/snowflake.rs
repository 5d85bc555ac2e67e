//! A deterministic snowflake generator for simulated ids.

use std::sync::atomic::{AtomicU64, Ordering};

/// Discord's epoch, 2015-01-01T00:00:00Z, in milliseconds since the Unix epoch.
pub const DISCORD_EPOCH_MILLIS: u64 = 1_420_070_400_000;

/// Makes Discord-shaped snowflakes: 42 bits of milliseconds since Discord's epoch, 5 bits
/// worker, 5 bits process, 12 bits increment.
///
/// The worker id comes from the seed, so two generators with the same seed and the same
/// clock readings produce the same ids; the increment keeps ids strictly increasing within
/// one generator even when many are made in the same millisecond.
#[derive(Debug)]
pub struct SnowflakeGenerator {
    worker: u64,
    last: AtomicU64,
}

impl SnowflakeGenerator {
    /// A generator whose worker and process bits are derived from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            worker: seed % 1024,
            last: AtomicU64::new(0),
        }
    }

    /// The next id for a moment `unix_millis` milliseconds after the Unix epoch.
    ///
    /// Ids are strictly increasing: a clock that stands still or goes back still yields a
    /// larger id than the previous one.
    pub fn next(&self, unix_millis: u64) -> u64 {
        let since_epoch = unix_millis.saturating_sub(DISCORD_EPOCH_MILLIS);
        let candidate = (since_epoch << 22) | (self.worker << 12);
        let mut prev = self.last.load(Ordering::Relaxed);
        loop {
            let next = if candidate > prev {
                candidate
            } else {
                prev + 1
            };
            match self
                .last
                .compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(actual) => prev = actual,
            }
        }
    }
}

/// The moment a snowflake was made, in milliseconds since the Unix epoch.
pub fn snowflake_unix_millis(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MILLIS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_within_one_millisecond() {
        let generator = SnowflakeGenerator::new(7);
        let a = generator.next(DISCORD_EPOCH_MILLIS + 1000);
        let b = generator.next(DISCORD_EPOCH_MILLIS + 1000);
        assert!(b > a);
        assert_eq!(snowflake_unix_millis(a), DISCORD_EPOCH_MILLIS + 1000);
        assert_eq!(snowflake_unix_millis(b), DISCORD_EPOCH_MILLIS + 1000);
    }

    #[test]
    fn same_seed_same_ids() {
        let a = SnowflakeGenerator::new(3);
        let b = SnowflakeGenerator::new(3);
        assert_eq!(a.next(1_600_000_000_000), b.next(1_600_000_000_000));
    }
}

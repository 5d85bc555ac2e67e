//! Where backoff randomness comes from, so tests can fix it.

use std::fmt::Debug;
use std::time::Duration;

use rand::Rng;

/// Picks a delay in `[0, max]` for "full jitter" backoff.
pub trait Jitter: Send + Sync + Debug {
    /// A delay between zero and `max`, both included.
    fn sample(&self, max: Duration) -> Duration;
}

/// Uniformly random delays from the thread's OS-seeded generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn sample(&self, max: Duration) -> Duration {
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }
}

/// Always the same fraction of the maximum: deterministic, for tests.
///
/// `FixedJitter::new(1.0)` gives plain exponential backoff with no jitter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedJitter {
    fraction: f64,
}

impl FixedJitter {
    /// Delays of `fraction × max`; `fraction` is clamped to `[0, 1]` (NaN
    /// counts as 0).
    pub fn new(fraction: f64) -> Self {
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        Self { fraction }
    }
}

impl Jitter for FixedJitter {
    fn sample(&self, max: Duration) -> Duration {
        max.mul_f64(self.fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_jitter_stays_within_bounds_and_varies() {
        let max = Duration::from_secs(1);
        let samples: Vec<Duration> = (0..1000).map(|_| RandomJitter.sample(max)).collect();
        assert!(samples.iter().all(|sample| *sample <= max));
        let below_half = samples.iter().filter(|s| **s < max / 2).count();
        // Uniform on [0, 1 s]: about half below 500 ms; 1000 samples make
        // anything outside 350..650 astronomically unlikely.
        assert!((350..650).contains(&below_half), "{below_half}");
        assert_eq!(RandomJitter.sample(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn fixed_jitter_is_a_clamped_fraction() {
        let max = Duration::from_secs(4);
        assert_eq!(FixedJitter::new(0.5).sample(max), Duration::from_secs(2));
        assert_eq!(FixedJitter::new(7.0).sample(max), max);
        assert_eq!(FixedJitter::new(-1.0).sample(max), Duration::ZERO);
        assert_eq!(FixedJitter::new(f64::NAN).sample(max), Duration::ZERO);
    }
}

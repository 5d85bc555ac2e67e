//! Fault injection from a seed: server errors before or after processing, dropped
//! connections, delays and outage windows.

use std::time::Duration;

use http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How long the fake waits before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Delay {
    /// Answer at once.
    #[default]
    None,
    /// Always wait this long.
    Fixed(Duration),
    /// Wait a duration drawn uniformly from `min..=max`.
    Uniform {
        /// Shortest wait.
        min: Duration,
        /// Longest wait.
        max: Duration,
    },
}

/// A span of time (measured from the fake's creation on tokio's clock) during which every
/// request is answered with `status` and nothing is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Outage {
    pub(crate) start: Duration,
    pub(crate) end: Duration,
    pub(crate) status: StatusCode,
}

impl Outage {
    /// An outage from `start` until `end` answering `status` (use 502 or 503).
    pub fn new(start: Duration, end: Duration, status: StatusCode) -> Self {
        Self { start, end, status }
    }
}

/// Which faults to inject and how often (rates are probabilities from 0 to 1 per request).
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct FaultConfig {
    pub(crate) error_before: f64,
    pub(crate) error_after: f64,
    pub(crate) drop_before: f64,
    pub(crate) drop_after: f64,
    pub(crate) statuses: Vec<StatusCode>,
    pub(crate) delay: Delay,
    pub(crate) outages: Vec<Outage>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self::none()
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        Self {
            error_before: 0.0,
            error_after: 0.0,
            drop_before: 0.0,
            drop_after: 0.0,
            statuses: vec![
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
            ],
            delay: Delay::None,
            outages: Vec::new(),
        }
    }

    /// Rate of 5xx answers given before processing (nothing changes).
    pub fn error_before(mut self, rate: f64) -> Self {
        self.error_before = rate.clamp(0.0, 1.0);
        self
    }

    /// Rate of 5xx answers given after processing (the change happened).
    pub fn error_after(mut self, rate: f64) -> Self {
        self.error_after = rate.clamp(0.0, 1.0);
        self
    }

    /// Rate of connections dropped before processing.
    pub fn drop_before(mut self, rate: f64) -> Self {
        self.drop_before = rate.clamp(0.0, 1.0);
        self
    }

    /// Rate of connections dropped after processing (the change happened).
    pub fn drop_after(mut self, rate: f64) -> Self {
        self.drop_after = rate.clamp(0.0, 1.0);
        self
    }

    /// The statuses injected errors draw from (default 500, 502, 503).
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        let statuses: Vec<StatusCode> = statuses.into_iter().collect();
        if !statuses.is_empty() {
            self.statuses = statuses;
        }
        self
    }

    /// A delay before every answer.
    pub fn delay(mut self, delay: Delay) -> Self {
        self.delay = delay;
        self
    }

    /// Adds an outage window.
    pub fn outage(mut self, outage: Outage) -> Self {
        self.outages.push(outage);
        self
    }
}

/// A fault to apply at one point of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultAction {
    /// Answer with this status.
    Status(StatusCode),
    /// Close the connection without an answer.
    Drop,
}

/// The faults decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FaultPlan {
    pub(crate) delay: Duration,
    pub(crate) before: Option<FaultAction>,
    pub(crate) after: Option<FaultAction>,
}

/// Draws fault plans from a seeded generator; every request draws the same number of
/// values, so the sequence of plans depends only on the seed and the request count.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    config: FaultConfig,
    rng: StdRng,
}

impl FaultInjector {
    /// An injector for `config`, seeded with `seed`.
    pub(crate) fn new(config: FaultConfig, seed: u64) -> Self {
        Self {
            config,
            rng: StdRng::seed_from_u64(seed ^ 0x6661_756c_7473_2121),
        }
    }

    /// The outage status in force `elapsed` after start, if any.
    pub(crate) fn outage(&self, elapsed: Duration) -> Option<StatusCode> {
        self.config
            .outages
            .iter()
            .find(|o| o.start <= elapsed && elapsed < o.end)
            .map(|o| o.status)
    }

    fn action(&mut self, drop_rate: f64, error_rate: f64) -> Option<FaultAction> {
        let roll: f64 = self.rng.random();
        let pick = self.rng.random_range(0..self.config.statuses.len());
        if roll < drop_rate {
            Some(FaultAction::Drop)
        } else if roll < drop_rate + error_rate {
            Some(FaultAction::Status(self.config.statuses[pick]))
        } else {
            None
        }
    }

    /// The next request's plan.
    pub(crate) fn plan(&mut self) -> FaultPlan {
        let unit: f64 = self.rng.random();
        let delay = match self.config.delay {
            Delay::None => Duration::ZERO,
            Delay::Fixed(d) => d,
            Delay::Uniform { min, max } => {
                let (low, high) = if min <= max { (min, max) } else { (max, min) };
                low + high.saturating_sub(low).mul_f64(unit)
            }
        };
        let before = self.action(self.config.drop_before, self.config.error_before);
        let after = self.action(self.config.drop_after, self.config.error_after);
        FaultPlan {
            delay,
            before,
            after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans(seed: u64) -> Vec<FaultPlan> {
        let config = FaultConfig::none()
            .error_before(0.2)
            .drop_after(0.2)
            .delay(Delay::Uniform {
                min: Duration::from_millis(10),
                max: Duration::from_millis(50),
            });
        let mut injector = FaultInjector::new(config, seed);
        (0..200).map(|_| injector.plan()).collect()
    }

    #[test]
    fn same_seed_same_plans_other_seed_other_plans() {
        assert_eq!(plans(7), plans(7));
        assert_ne!(plans(7), plans(8));
    }

    #[test]
    fn rates_are_roughly_honoured() {
        let plans = plans(1);
        let errors = plans
            .iter()
            .filter(|p| matches!(p.before, Some(FaultAction::Status(_))))
            .count();
        let drops = plans
            .iter()
            .filter(|p| p.after == Some(FaultAction::Drop))
            .count();
        assert!((20..=60).contains(&errors), "{errors}");
        assert!((20..=60).contains(&drops), "{drops}");
        assert!(
            plans
                .iter()
                .all(|p| p.delay >= Duration::from_millis(10)
                    && p.delay <= Duration::from_millis(50))
        );
    }

    #[test]
    fn outage_window_is_half_open() {
        let config = FaultConfig::none().outage(Outage::new(
            Duration::from_secs(10),
            Duration::from_secs(20),
            StatusCode::SERVICE_UNAVAILABLE,
        ));
        let injector = FaultInjector::new(config, 0);
        assert_eq!(injector.outage(Duration::from_secs(9)), None);
        assert_eq!(
            injector.outage(Duration::from_secs(10)),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(injector.outage(Duration::from_secs(20)), None);
    }
}

//! The one place this crate reads the wall clock: the signature timestamp's
//! freshness is a wall-clock question.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Where the verifier gets "now" in Unix seconds.
///
/// [`WallClock::System`] reads the system clock (the default);
/// [`WallClock::anchored`] starts at a given Unix time and advances with
/// tokio's clock, for tests on paused time or against a `FakeDiscord`
/// started at a fixed time.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub enum WallClock {
    /// The system clock.
    #[default]
    System,
    /// `unix_secs` at `at`, advancing with tokio's clock.
    Anchored {
        /// Unix seconds at `at`.
        unix_secs: i64,
        /// The tokio instant the time was read at.
        at: Instant,
    },
}

impl WallClock {
    /// A clock that says `unix_secs` now and advances with tokio's clock.
    pub fn anchored(unix_secs: i64) -> Self {
        Self::Anchored {
            unix_secs,
            at: Instant::now(),
        }
    }

    /// Now, in seconds since the Unix epoch.
    pub fn now_unix(&self) -> i64 {
        match self {
            Self::System => {
                // The only wall-clock read of the crate (see the module doc).
                #[allow(clippy::disallowed_methods)]
                let now = SystemTime::now();
                now.duration_since(UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            }
            Self::Anchored { unix_secs, at } => {
                let elapsed = Instant::now().saturating_duration_since(*at).as_secs();
                unix_secs.saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX))
            }
        }
    }
}

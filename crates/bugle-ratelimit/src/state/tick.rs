//! An instant in eight bytes, for state kept per bucket.
//!
//! A tokio [`Instant`] is sixteen bytes (seconds and nanoseconds), and so is an
//! `Option<Instant>`. A bucket keeps five instants, and a process that touches many
//! channels keeps hundreds of thousands of buckets, so the instants were most of a
//! bucket's state. A [`Tick`] holds the same instant, to the nanosecond, as a count of
//! nanoseconds from one origin fixed for the process; `Option<Tick>` is eight bytes too.
//! Converting costs some tens of instructions each way, so the instants a bucket reads
//! or writes on every request stay [`Instant`]s; those it touches once a window or less,
//! and a bucket at rest, use ticks.
//!
//! The count is offset by 2⁶³ so that instants before the origin (a paused test clock can
//! start earlier) are represented as well: the range is 292 years either side.

use std::num::NonZeroU64;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

/// The origin's count: counts below it are instants before the origin.
const BIAS: u64 = 1 << 63;

/// The process's origin: the first instant converted.
fn origin() -> std::time::Instant {
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    *ORIGIN.get_or_init(|| Instant::now().into_std())
}

/// Whole nanoseconds of `duration`, saturated at 2⁶³ (292 years).
fn nanos(duration: Duration) -> u64 {
    duration
        .as_secs()
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::from(duration.subsec_nanos()))
        .min(BIAS - 1)
}

/// An instant, to the nanosecond, in eight bytes. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Tick(NonZeroU64);

impl Tick {
    /// The instant this tick holds.
    pub(crate) fn instant(self) -> Instant {
        let count = self.0.get();
        let at = if count >= BIAS {
            origin().checked_add(Duration::from_nanos(count - BIAS))
        } else {
            origin().checked_sub(Duration::from_nanos(BIAS - count))
        };
        Instant::from_std(at.unwrap_or_else(origin))
    }
}

impl From<Instant> for Tick {
    fn from(instant: Instant) -> Self {
        let instant = instant.into_std();
        let origin = origin();
        // Saturated 292 years either side of the origin, so never 0: the niche that
        // makes `Option<Tick>` eight bytes.
        let count = match instant.checked_duration_since(origin) {
            Some(after) => BIAS + nanos(after),
            None => BIAS - nanos(origin.duration_since(instant)),
        };
        Self(NonZeroU64::new(count).unwrap_or(NonZeroU64::MIN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_is_eight_bytes_with_or_without_a_value() {
        assert_eq!(std::mem::size_of::<Tick>(), 8);
        assert_eq!(std::mem::size_of::<Option<Tick>>(), 8);
    }

    #[test]
    fn instants_round_trip_to_the_nanosecond_either_side_of_the_origin() {
        let now = Instant::now();
        for offset in [0, 1, 999, 1_000_000_007, 86_400_000_000_000] {
            let offset = Duration::from_nanos(offset);
            for instant in [now + offset, now.checked_sub(offset).unwrap_or(now)] {
                assert_eq!(Tick::from(instant).instant(), instant, "{offset:?}");
            }
        }
    }

    #[test]
    fn ticks_order_as_their_instants_do() {
        let now = Instant::now();
        let earlier = now.checked_sub(Duration::from_secs(3)).unwrap_or(now);
        let later = now + Duration::from_nanos(1);
        assert!(Tick::from(earlier) < Tick::from(now));
        assert!(Tick::from(now) < Tick::from(later));
        assert_eq!(Tick::from(now), Tick::from(now));
    }
}

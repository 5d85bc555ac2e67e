//! Watching one call while it runs: how long it took, and whether it sat in
//! a rate-limit queue (the client's rate limiter reports queued requests).

use std::future::Future;
use std::time::Duration;

use bugle::DiscordClient;
use tokio::time::{Instant, MissedTickBehavior};

/// How often a running call is looked at.
const TICK: Duration = Duration::from_millis(100);

/// What watching a call saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Watched {
    /// How long the call took, on tokio's clock.
    pub(crate) elapsed: Duration,
    /// Whether the call was seen waiting in a rate-limit queue.
    pub(crate) rate_limited: bool,
}

/// Runs `call` to completion, calling `waiting(elapsed)` every tick while the
/// client's rate limiter holds a queued request.
pub(crate) async fn watch<F: Future>(
    client: &DiscordClient,
    call: F,
    mut waiting: impl FnMut(Duration),
) -> (F::Output, Watched) {
    let start = Instant::now();
    let mut ticks = tokio::time::interval_at(start + TICK, TICK);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut rate_limited = false;
    tokio::pin!(call);
    let output = loop {
        tokio::select! {
            output = &mut call => break output,
            _ = ticks.tick() => {
                if client.rate_limiter().snapshot().queued > 0 {
                    rate_limited = true;
                    waiting(start.elapsed());
                }
            }
        }
    };
    let watched = Watched {
        elapsed: start.elapsed(),
        rate_limited,
    };
    (output, watched)
}

/// A duration as seconds with one decimal, e.g. `4.9s`.
pub(crate) fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

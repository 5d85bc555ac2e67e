//! Replay protection: an interaction id seen within the freshness window is refused.
//!
//! A captured request passes the signature check again as long as its timestamp is
//! fresh. Discord sends each interaction once, so a second request with the same id
//! inside the window is a replay (or a proxy retrying), and is refused before its
//! handler runs again. Older ids need no memory: their timestamp is stale by then.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use bugle_model::id::InteractionId;
use tokio::time::Instant;

/// The ids seen recently, each with when it was seen.
#[derive(Debug)]
pub(crate) struct SeenIds {
    window: Duration,
    seen: Mutex<HashMap<InteractionId, Instant>>,
}

impl SeenIds {
    /// Remembers ids for `window` (the verifier's freshness window, both ways: a
    /// timestamp up to `window` ahead stays acceptable for twice as long).
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window: window.saturating_mul(2),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Records `id`; `false` when it was already seen within the window.
    pub(crate) fn first_time(&self, id: InteractionId) -> bool {
        let now = Instant::now();
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= 1024 && seen.len().is_power_of_two() {
            seen.retain(|_, at| now.saturating_duration_since(*at) < self.window);
        }
        match seen.get(&id) {
            Some(at) if now.saturating_duration_since(*at) < self.window => false,
            _ => {
                seen.insert(id, now);
                true
            }
        }
    }
}

//! The limits a process keeps to while its shared store does not answer: it assumes the
//! other processes are still sending, so it takes only its configured share of the
//! global pool (a sliding log over one second), and sends one request at a time per
//! route and resource, so that no bucket another process also uses is raced. Its first
//! window counts as full: what the store granted just before is still in Discord's.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::error::{ErrorKind, RateLimitError};
use crate::hash::FastMap;
use crate::key::{GlobalPool, Major, RequestKey, RouteName};
use crate::metrics;

const WINDOW: Duration = Duration::from_secs(1);

/// The fallback limits. See the module docs.
#[derive(Debug)]
pub(super) struct Fallback {
    share: usize,
    /// When each of the last `share` fallback sends went (oldest first).
    sent: Mutex<VecDeque<Instant>>,
    /// One permit per route and resource.
    lanes: Mutex<FastMap<(RouteName, Major), Arc<Semaphore>>>,
}

/// A request's place in the fallback limits; dropping it lets the next one on its lane go.
#[derive(Debug)]
pub(crate) struct FallbackPass {
    _lane: OwnedSemaphorePermit,
}

impl Fallback {
    pub(super) fn new(share: u32) -> Self {
        Self {
            share: usize::try_from(share.max(1)).unwrap_or(usize::MAX),
            sent: Mutex::new(VecDeque::new()),
            lanes: Mutex::new(FastMap::default()),
        }
    }

    /// Counts the share as used at `now`: on falling back, the requests the store
    /// granted to every process in the last window are still in Discord's, and this
    /// process cannot know how many, so it sends nothing until that window ends.
    pub(super) fn assume_full(&self, now: Instant) {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        sent.clear();
        sent.extend(std::iter::repeat_n(now, self.share));
    }

    /// Waits for the request's lane, then for a place in the share of the global pool.
    pub(super) async fn pass(&self, key: &RequestKey) -> Result<FallbackPass, RateLimitError> {
        let lane = self.lane(key);
        let permit = match key.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, lane.acquire_owned())
                .await
                .map_err(|_| timeout(deadline.saturating_duration_since(Instant::now())))?,
            None => lane.acquire_owned().await,
        }
        .map_err(|_| timeout(Duration::ZERO))?;
        if key.pool != GlobalPool::Exempt {
            self.global(key.deadline).await?;
        }
        Ok(FallbackPass { _lane: permit })
    }

    fn lane(&self, key: &RequestKey) -> Arc<Semaphore> {
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        // Lanes nobody holds or waits on are dropped as new ones come, so a long outage
        // over many resources does not grow the map without bound.
        if lanes.len() > 1_024 {
            lanes.retain(|_, lane| Arc::strong_count(lane) > 1);
        }
        let route = RouteName {
            method: key.method,
            template: key.route.clone(),
        };
        lanes
            .entry((route, key.major))
            .or_insert_with(|| Arc::new(Semaphore::new(1)))
            .clone()
    }

    async fn global(&self, deadline: Option<Instant>) -> Result<(), RateLimitError> {
        loop {
            let now = Instant::now();
            let free_at = {
                let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
                while sent.front().is_some_and(|&at| at + WINDOW <= now) {
                    sent.pop_front();
                }
                if sent.len() < self.share {
                    sent.push_back(now);
                    return Ok(());
                }
                sent[0] + WINDOW
            };
            if deadline.is_some_and(|deadline| free_at > deadline) {
                metrics::rejected("timeout");
                return Err(timeout(free_at - now));
            }
            tokio::time::sleep_until(free_at).await;
        }
    }
}

fn timeout(predicted_wait: Duration) -> RateLimitError {
    RateLimitError::new(ErrorKind::RateLimitTimeout { predicted_wait })
}

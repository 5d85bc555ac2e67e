//! The shared store's fallbacks, recoveries and latency reach the `metrics` facade
//! (feature `metrics`), recorded by a `DebuggingRecorder` for this thread only.

#![cfg(feature = "metrics")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bugle_ratelimit::{
    Major, Method, RateLimitConfig, RateLimiter, RequestKey, Reservation, SharedDecision,
    SharedLimitsConfig, SharedReport, SharedRequest, SharedStore, StoreError, StoreFuture,
};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

/// Answers when `up`, fails otherwise.
#[derive(Debug, Default)]
struct Flaky {
    up: AtomicBool,
}

impl SharedStore for Flaky {
    fn acquire<'a>(&'a self, _: &'a SharedRequest) -> StoreFuture<'a, SharedDecision> {
        let up = self.up.load(Ordering::SeqCst);
        Box::pin(async move {
            if up {
                Ok(SharedDecision::Grant(Reservation::new(1, "slot")))
            } else {
                Err(StoreError::new("connection refused"))
            }
        })
    }

    fn complete(&self, _: SharedReport) {}
}

#[test]
fn fallbacks_recoveries_and_store_latency_are_counted() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("runtime")
            .block_on(async {
                let store = Arc::new(Flaky::default());
                let shared =
                    SharedLimitsConfig::default().with_probe_interval(Duration::from_millis(100));
                let limiter = RateLimiter::with_shared_store(
                    RateLimitConfig::default(),
                    store.clone(),
                    shared,
                );
                let key = |channel| {
                    RequestKey::new(
                        Method::Post,
                        "/channels/{channel_id}/messages",
                        Major::Channel(channel),
                    )
                };
                drop(
                    limiter
                        .acquire(key(1))
                        .await
                        .expect("granted by the fallback"),
                );
                store.up.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                drop(limiter.acquire(key(2)).await.expect("granted by the store"));
            });
    });
    let mut fallbacks = None;
    let mut recoveries = None;
    let mut latencies = 0;
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        match (key.key().name(), value) {
            ("discord_ratelimit_store_fallback_total", DebugValue::Counter(n)) => {
                fallbacks = Some(n);
            }
            ("discord_ratelimit_store_recovered_total", DebugValue::Counter(n)) => {
                recoveries = Some(n);
            }
            ("discord_ratelimit_store_latency_seconds", DebugValue::Histogram(values)) => {
                latencies = values.len();
            }
            _ => {}
        }
    }
    assert_eq!(fallbacks, Some(1), "one failed store call");
    assert_eq!(recoveries, Some(1), "one recovery");
    assert_eq!(latencies, 2, "both store calls are timed");
}

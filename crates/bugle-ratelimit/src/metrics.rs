//! Counters, gauges and histograms through the `metrics` facade (feature `metrics`);
//! without the feature every function is an empty inline call.

use std::time::Duration;

/// A request was dispatched after waiting `waited`.
#[inline]
pub(crate) fn dispatched(waited: Duration) {
    #[cfg(feature = "metrics")]
    {
        metrics::counter!("bugle_ratelimit_dispatched_total").increment(1);
        metrics::histogram!("bugle_ratelimit_wait_seconds").record(waited.as_secs_f64());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = waited;
}

/// A request was refused locally for `reason`.
#[inline]
pub(crate) fn rejected(reason: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("bugle_ratelimit_rejected_total", "reason" => reason).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = reason;
}

/// Discord answered 429 with `scope`.
#[inline]
pub(crate) fn too_many(scope: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("bugle_ratelimit_429_total", "scope" => scope).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = scope;
}

/// A route's bucket hash was discovered or changed.
#[inline]
pub(crate) fn hash_update(changed: bool) {
    #[cfg(feature = "metrics")]
    metrics::counter!("bugle_ratelimit_hash_updates_total", "kind" => if changed { "changed" } else { "discovered" })
        .increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = changed;
}

/// Current sizes, reported after each eviction sweep.
#[inline]
pub(crate) fn gauges(buckets: usize, queued: usize, invalid: u32) {
    #[cfg(feature = "metrics")]
    {
        #[allow(clippy::cast_precision_loss)]
        {
            metrics::gauge!("bugle_ratelimit_buckets").set(buckets as f64);
            metrics::gauge!("bugle_ratelimit_queued").set(queued as f64);
        }
        metrics::gauge!("bugle_ratelimit_invalid_requests").set(f64::from(invalid));
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (buckets, queued, invalid);
}

/// A shared-store call took `elapsed` (answered, failed or timed out).
#[inline]
pub(crate) fn store_latency(elapsed: Duration) {
    #[cfg(feature = "metrics")]
    metrics::histogram!("discord_ratelimit_store_latency_seconds").record(elapsed.as_secs_f64());
    #[cfg(not(feature = "metrics"))]
    let _ = elapsed;
}

/// A shared-store call failed, and the request went by the fallback limits.
#[inline]
pub(crate) fn store_fallback() {
    #[cfg(feature = "metrics")]
    metrics::counter!("discord_ratelimit_store_fallback_total").increment(1);
}

/// The shared store answered again after failing.
#[inline]
pub(crate) fn store_recovered() {
    #[cfg(feature = "metrics")]
    metrics::counter!("discord_ratelimit_store_recovered_total").increment(1);
}

//! Memory per tracked bucket and resident memory while touching 1,000,000 distinct
//! channels, read from `/proc/self/statm` (Linux). Runs on tokio's paused clock: one
//! request per virtual millisecond, each bucket reporting a 1-second window (a window
//! of a million seconds for the buckets measured in use, whose windows never end).
//!
//! Run with `cargo bench -p bugle-ratelimit --bench memory`.

#![allow(missing_docs)]

use std::time::Duration;

use bugle_ratelimit::{
    Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter, RequestKey,
};

const CHANNELS: u64 = 1_000_000;
const PAGE: u64 = 4_096;

fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * PAGE)
}

fn headers(reset_after: &str) -> RateLimitHeaders {
    RateLimitHeaders::parse(
        [
            ("X-RateLimit-Limit", "5"),
            ("X-RateLimit-Remaining", "4"),
            ("X-RateLimit-Reset-After", reset_after),
            ("X-RateLimit-Bucket", "0123456789abcdef0123456789abcdef"),
        ],
        None,
    )
}

/// Touches `count` distinct channels, one per virtual millisecond, each answered with a
/// window of `reset_after` seconds; calls `report` every `every` touches.
async fn touch(
    limiter: &RateLimiter,
    count: u64,
    reset_after: &str,
    every: u64,
    mut report: impl FnMut(u64),
) {
    for channel in 0..count {
        let key = RequestKey::from_path(
            Method::Post,
            &format!("/channels/{}/messages", 10_000 + channel),
        );
        let permit = limiter.acquire(key).await.expect("no local failure");
        permit.complete(Outcome::response(200, headers(reset_after)));
        tokio::time::advance(Duration::from_millis(1)).await;
        if (channel + 1) % every == 0 {
            report(channel + 1);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return; // `cargo bench -- --list` probes every bench binary.
    }
    // Each measurement runs in a fresh process so freed memory of one does not hide
    // the growth of the other.
    let phase = args
        .iter()
        .find_map(|a| a.strip_prefix("--phase="))
        .map(str::to_owned);
    let Some(phase) = phase else {
        for phase in ["in-use", "per-bucket", "eviction"] {
            let status = std::process::Command::new(&args[0])
                .arg(format!("--phase={phase}"))
                .status();
            assert!(status.is_ok_and(|s| s.success()), "phase {phase} failed");
        }
        return;
    };
    let channels = args
        .iter()
        .find_map(|a| a.strip_prefix("--channels=")?.parse().ok())
        .unwrap_or(CHANNELS);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime");
    let config = RateLimitConfig::default().with_global_per_second(1_000_000);
    rt.block_on(async {
        if phase == "in-use" {
            per_bucket(config, "1000000", "in use (windows not over)").await;
        } else if phase == "per-bucket" {
            per_bucket(config, "1", "at rest (windows over), no eviction").await;
        } else {
            eviction(config, channels).await;
        }
    });
}

/// Bytes per bucket: no eviction, 200,000 buckets whose windows last `reset_after`
/// seconds, resident growth divided by count.
async fn per_bucket(config: RateLimitConfig, reset_after: &str, label: &str) {
    let n = 200_000;
    let before = resident_bytes().unwrap_or(0);
    let limiter = RateLimiter::new(config.with_eviction_ttl(Duration::from_secs(1_000_000)));
    touch(&limiter, n, reset_after, n, |_| {}).await;
    let after = resident_bytes().unwrap_or(0);
    let buckets = limiter.snapshot().buckets as u64;
    println!(
        "{label}: {buckets} buckets tracked, resident +{} KiB, {} bytes per bucket",
        (after - before) / 1024,
        (after - before) / buckets.max(1)
    );
}

/// A million channels (or `--channels=N`) with a 60 s eviction TTL; resident memory every 100,000.
async fn eviction(config: RateLimitConfig, channels: u64) {
    let limiter = RateLimiter::new(config.with_eviction_ttl(Duration::from_secs(60)));
    let mut samples = Vec::new();
    touch(&limiter, channels, "1", 100_000, |done| {
        let rss = resident_bytes().unwrap_or(0);
        let buckets = limiter.snapshot().buckets;
        println!(
            "touched {done:>9} channels: {buckets:>6} buckets tracked, resident {:>7} KiB",
            rss / 1024
        );
        samples.push(rss);
    })
    .await;
    let steady = samples[1];
    let peak = samples[1..].iter().copied().max().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let drift = (peak as f64 - steady as f64) / steady as f64 * 100.0;
    println!(
        "steady state (after 200k) {} KiB, peak after {} KiB, growth {drift:.1}%",
        steady / 1024,
        peak / 1024
    );
}

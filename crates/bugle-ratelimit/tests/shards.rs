//! The engine's state is split into shards by major parameter; these tests check that
//! what must hold across resources still does when they land in different shards:
//! route knowledge (bucket hashes, learned sublimits), the global pool, the breakers,
//! the total queue bound and the snapshot. Forty channels spread over many shards.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bugle_ratelimit::{
    Acquire, ErrorKind, Method, Outcome, Permit, QueueScope, RateLimitBody, RateLimitConfig,
    RateLimitError, RateLimitHeaders, RateLimiter, RequestKey,
};
use tokio::time::Instant;

const CHANNELS: u64 = 40;

fn post(channel: u64) -> RequestKey {
    RequestKey::from_path(Method::Post, &format!("/channels/{channel}/messages"))
}

fn rename(channel: u64) -> RequestKey {
    RequestKey::from_path(Method::Patch, &format!("/channels/{channel}"))
}

fn headers(bucket: &str, limit: u32, remaining: u32, reset_after: &str) -> RateLimitHeaders {
    let (l, r) = (limit.to_string(), remaining.to_string());
    RateLimitHeaders::parse(
        [
            ("X-RateLimit-Limit", l.as_str()),
            ("X-RateLimit-Remaining", r.as_str()),
            ("X-RateLimit-Reset-After", reset_after),
            ("X-RateLimit-Bucket", bucket),
        ],
        None,
    )
}

/// One process alone on its token: these tests are about the shards' accounting.
fn limiter(config: RateLimitConfig) -> RateLimiter {
    RateLimiter::new(
        config
            .with_safety_margin(Duration::ZERO)
            .with_sender_detection(false),
    )
}

/// Polls once: `Some` if the acquire finished at once, `None` if it waits (the future is
/// then dropped, which gives its place back).
fn poll_once(acquire: Acquire) -> Option<Result<Permit, RateLimitError>> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(acquire).poll(&mut cx) {
        Poll::Ready(result) => Some(result),
        Poll::Pending => None,
    }
}

#[tokio::test(start_paused = true)]
async fn a_hash_learned_on_one_channel_is_used_on_every_other() {
    let limiter = limiter(RateLimitConfig::default());
    let permit = limiter.acquire(post(1)).await.unwrap();
    permit.complete(Outcome::response(200, headers("h", 5, 4, "5")));
    // On every other channel the route's bucket is already known by its hash: the
    // second request queues in bucket `h`, not in a probe bucket of the route.
    let mut held = Vec::new();
    let mut waiting = Vec::new();
    for channel in 2..=CHANNELS {
        held.push(limiter.acquire(post(channel)).await.unwrap());
        let mut second = Box::pin(limiter.acquire(post(channel)));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        waiting.push(second);
    }
    let snapshot = limiter.snapshot();
    assert_eq!(snapshot.queued, usize::try_from(CHANNELS - 1).unwrap());
    assert!(
        snapshot.queues.iter().all(|q| q.bucket.starts_with("h ")),
        "{:?}",
        snapshot.queues
    );
    assert_eq!(snapshot.routes, 1, "one route, however many shards know it");
    drop(waiting);
    drop(held);
    assert_eq!(limiter.snapshot().queued, 0);
    assert_eq!(limiter.snapshot().in_flight, 0);
}

#[tokio::test(start_paused = true)]
async fn a_hash_change_moves_queued_requests_of_other_channels() {
    let limiter = limiter(RateLimitConfig::default());
    for channel in 1..=CHANNELS {
        let permit = limiter.acquire(post(channel)).await.unwrap();
        permit.complete(Outcome::response(200, headers("old", 1, 0, "10")));
    }
    // Every channel's bucket `old` is empty for 10 s: one request each waits there.
    let mut waiting: Vec<_> = (2..=CHANNELS)
        .map(|channel| Box::pin(limiter.acquire(post(channel))))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for acquire in &mut waiting {
        assert!(acquire.as_mut().poll(&mut cx).is_pending());
    }
    // Channel 1's next response names a new hash for the route; the waiting requests
    // of every channel follow the route to it.
    tokio::time::advance(Duration::from_secs(10)).await;
    let permit = limiter.acquire(post(1)).await.unwrap();
    permit.complete(Outcome::response(200, headers("new", 1, 0, "10")));
    let snapshot = limiter.snapshot();
    assert_eq!(snapshot.queued, waiting.len());
    assert!(
        snapshot.queues.iter().all(|q| q.bucket.starts_with("new ")),
        "{:?}",
        snapshot.queues
    );
}

#[tokio::test(start_paused = true)]
async fn a_sublimit_learned_on_one_channel_limits_every_other() {
    // The global pool is raised so that no request here waits for it.
    let limiter = limiter(
        RateLimitConfig::default()
            .with_sublimit_ttl(Duration::from_secs(60))
            .with_global_per_second(10_000),
    );
    let t0 = Instant::now();
    let normal = |channel| {
        let limiter = limiter.clone();
        async move {
            let permit = limiter.acquire(rename(channel)).await.unwrap();
            permit.complete(Outcome::response(200, headers("chan", 5, 4, "5")));
        }
    };
    normal(1).await;
    tokio::time::advance(Duration::from_secs(60)).await;
    normal(1).await;
    tokio::time::advance(Duration::from_secs(60)).await;
    // The third rename in 10 minutes: a 429 with capacity left, retry after 8 minutes.
    let permit = limiter.acquire(rename(1)).await.unwrap();
    let mut h = RateLimitHeaders::parse(
        [
            ("X-RateLimit-Limit", "5"),
            ("X-RateLimit-Remaining", "4"),
            ("X-RateLimit-Reset-After", "5"),
            ("X-RateLimit-Bucket", "chan"),
            ("X-RateLimit-Scope", "user"),
            ("Retry-After", "480"),
        ],
        Some(
            br#"{"message": "You are being rate limited.", "retry_after": 480.0, "global": false}"#,
        ),
    );
    h.body = h.body.or(Some(RateLimitBody::default()));
    permit.complete(Outcome::response(429, h));
    assert_eq!(limiter.snapshot().sublimits.len(), 1, "listed once");
    // Every other channel gets two renames, then a third that would wait ten minutes
    // fails at once against a one-minute deadline.
    let t3 = Instant::now();
    for channel in 2..=CHANNELS {
        normal(channel).await;
        normal(channel).await;
        let deadline = t3 + Duration::from_secs(60);
        let err = limiter
            .acquire(rename(channel).with_deadline(deadline))
            .await
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::RateLimitTimeout { predicted_wait } if *predicted_wait == Duration::from_secs(600)),
            "channel {channel}: {err:?}"
        );
    }
    assert!(t3 - t0 >= Duration::from_secs(120));
}

#[tokio::test(start_paused = true)]
async fn the_global_pool_counts_every_channel() {
    let limiter = limiter(RateLimitConfig::default().with_global_per_second(5));
    let mut permits = Vec::new();
    let mut waiting = 0;
    for channel in 1..=CHANNELS {
        match poll_once(limiter.acquire(post(channel))) {
            Some(result) => permits.push(result.unwrap()),
            None => waiting += 1,
        }
    }
    assert_eq!(permits.len(), 5);
    assert_eq!(waiting, CHANNELS - 5);
    assert_eq!(limiter.snapshot().bot.used_in_window, 5);
    // Unsent permits give their charge back to the shared pool.
    drop(permits);
    assert_eq!(limiter.snapshot().bot.used_in_window, 0);
}

#[tokio::test(start_paused = true)]
async fn the_total_queue_bound_counts_every_channel() {
    let limiter = limiter(RateLimitConfig::default().with_total_queue_capacity(3));
    let mut held = Vec::new();
    let mut queued = Vec::new();
    let mut full = 0;
    let mut cx = Context::from_waker(Waker::noop());
    for channel in 1..=CHANNELS {
        held.push(limiter.acquire(post(channel)).await.unwrap());
        let mut second = Box::pin(limiter.acquire(post(channel)));
        match second.as_mut().poll(&mut cx) {
            Poll::Pending => queued.push(second),
            Poll::Ready(Err(e)) => {
                assert_eq!(
                    e.kind(),
                    &ErrorKind::QueueFull {
                        scope: QueueScope::Total,
                        capacity: 3
                    }
                );
                full += 1;
            }
            Poll::Ready(Ok(_)) => panic!("an unknown bucket sends one request at a time"),
        }
    }
    assert_eq!(queued.len(), 3);
    assert_eq!(full, CHANNELS - 3);
    // Places given back in one shard are free for another.
    queued.clear();
    let mut again = Box::pin(limiter.acquire(post(CHANNELS)));
    assert!(again.as_mut().poll(&mut cx).is_pending());
    assert_eq!(limiter.snapshot().queued, 1);
}

#[tokio::test(start_paused = true)]
async fn a_ban_seen_on_one_channel_refuses_every_other() {
    let limiter = limiter(RateLimitConfig::default());
    let permit = limiter.acquire(post(1)).await.unwrap();
    let banned = RateLimitHeaders::parse([("Retry-After", "3600")], Some(b"<html>banned</html>"));
    permit.complete(Outcome::response(429, banned));
    for channel in 2..=CHANNELS {
        let err = limiter.acquire(post(channel)).await.unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Banned { .. }), "{err:?}");
    }
    tokio::time::advance(Duration::from_secs(3600)).await;
    for channel in 2..=CHANNELS {
        drop(limiter.acquire(post(channel)).await.unwrap());
    }
}

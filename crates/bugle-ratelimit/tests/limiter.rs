//! The async layer: wakeups, cancellation safety and deadlines on tokio's paused clock.

use std::time::Duration;

use bugle_ratelimit::{
    ErrorKind, Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter, RequestKey,
};
use tokio::time::Instant;

fn key() -> RequestKey {
    RequestKey::from_path(Method::Post, "/channels/1/messages")
}

fn headers(limit: u32, remaining: u32, reset_after: &str) -> RateLimitHeaders {
    let (l, r) = (limit.to_string(), remaining.to_string());
    RateLimitHeaders::parse(
        [
            ("X-RateLimit-Limit", l.as_str()),
            ("X-RateLimit-Remaining", r.as_str()),
            ("X-RateLimit-Reset-After", reset_after),
            ("X-RateLimit-Bucket", "b"),
        ],
        None,
    )
}

async fn warm(limiter: &RateLimiter, limit: u32, remaining: u32, reset_after: &str) {
    let permit = limiter.acquire(key()).await.unwrap();
    permit.complete(Outcome::response(
        200,
        headers(limit, remaining, reset_after),
    ));
}

fn limiter() -> RateLimiter {
    RateLimiter::new(RateLimitConfig::default().with_safety_margin(Duration::ZERO))
}

#[test]
fn builds_outside_a_runtime_and_is_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<RateLimiter>();
    let limiter = RateLimiter::new(RateLimitConfig::default());
    assert_eq!(limiter.snapshot().buckets, 0);
}

#[tokio::test(start_paused = true)]
async fn waiters_are_woken_when_the_window_resets() {
    let limiter = limiter();
    warm(&limiter, 1, 0, "2").await;
    let start = Instant::now();
    let permit = limiter.acquire(key()).await.unwrap();
    assert_eq!(Instant::now() - start, Duration::from_secs(2));
    permit.complete(Outcome::response(200, headers(1, 0, "2")));
}

#[tokio::test(start_paused = true)]
async fn waiters_are_woken_by_a_completion() {
    let limiter = limiter();
    // Past its start (when the rest of a first window waits a moment for other
    // senders to show): another channel's answer came a while ago.
    let other = RequestKey::from_path(Method::Post, "/channels/2/messages");
    let permit = limiter.acquire(other).await.unwrap();
    permit.complete(Outcome::response(200, headers(5, 4, "5")));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first = limiter.acquire(key()).await.unwrap();
    let waiting = tokio::spawn({
        let limiter = limiter.clone();
        async move { limiter.acquire(key()).await.map(drop) }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !waiting.is_finished(),
        "an unknown bucket sends one request at a time"
    );
    first.complete(Outcome::response(200, headers(5, 4, "5")));
    tokio::time::timeout(Duration::from_millis(1), waiting)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn dropping_a_waiting_acquire_gives_its_place_back() {
    let limiter = limiter();
    warm(&limiter, 1, 0, "1").await;
    let first = tokio::spawn({
        let limiter = limiter.clone();
        async move { limiter.acquire(key()).await.map(drop) }
    });
    let second = tokio::spawn({
        let limiter = limiter.clone();
        async move { limiter.acquire(key()).await.map(drop) }
    });
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(limiter.snapshot().queued, 2);
    first.abort();
    let _ = first.await;
    assert_eq!(limiter.snapshot().queued, 1);
    let start = Instant::now();
    second.await.unwrap().unwrap();
    assert!(Instant::now() - start <= Duration::from_secs(1));
    assert_eq!(limiter.snapshot().queued, 0);
}

#[tokio::test(start_paused = true)]
async fn dropping_an_unused_permit_returns_its_capacity() {
    let limiter = limiter();
    warm(&limiter, 1, 1, "10").await;
    let permit = limiter.acquire(key()).await.unwrap();
    drop(permit);
    let again = tokio::time::timeout(Duration::from_millis(1), limiter.acquire(key())).await;
    assert!(again.is_ok(), "the returned capacity is usable at once");
}

#[tokio::test(start_paused = true)]
async fn a_deadline_missed_while_waiting_fails_at_the_deadline() {
    let limiter = limiter();
    warm(&limiter, 5, 1, "1").await;
    // A 429 with a long retry-after arrives while a second request is queued.
    let permit = limiter.acquire(key()).await.unwrap();
    let start = Instant::now();
    let waiting = tokio::spawn({
        let limiter = limiter.clone();
        async move {
            limiter
                .acquire(key().with_deadline(Instant::now() + Duration::from_secs(3)))
                .await
                .map(drop)
        }
    });
    tokio::task::yield_now().await;
    let mut h = headers(5, 0, "1");
    h.scope = Some(bugle_ratelimit::Scope::User);
    h.retry_after = Some(Duration::from_secs(2));
    permit.complete(Outcome::response(429, h));
    // Known to finish at 2 s: fine for a 3 s deadline.
    waiting.await.unwrap().unwrap();
    assert_eq!(Instant::now() - start, Duration::from_secs(2));
    // Now a request whose wait is predicted past its deadline fails at once.
    let p = limiter.acquire(key()).await.unwrap();
    let mut h = headers(5, 0, "1");
    h.scope = Some(bugle_ratelimit::Scope::User);
    h.retry_after = Some(Duration::from_secs(30));
    p.complete(Outcome::response(429, h));
    let err = limiter
        .acquire(key().with_deadline(Instant::now() + Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::RateLimitTimeout { predicted_wait } if *predicted_wait == Duration::from_secs(30))
    );
    assert!(err.to_string().contains("deadline"));
}

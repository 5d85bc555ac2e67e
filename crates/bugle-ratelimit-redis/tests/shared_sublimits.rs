//! Hidden sublimits learned in Redis from every process's dispatches, asks that got
//! no answer in time, sends under the fallback, and the flush before exit, against a
//! real redis-server on real time (Redis's clock cannot be paused). Each limiter is a separate engine with its own connection, as a process is.

mod common;

use std::time::Duration;

use bugle_ratelimit::{
    GlobalPool, Major, RateLimitConfig, RateLimiter, SharedDecision, SharedLimitsConfig,
    SharedRequest, SharedStore,
};
use bugle_ratelimit_redis::RedisStore;
use common::{Redis, create, limiter, ok, prefix, settle, too_many};
use redis::AsyncCommands;
use tokio::time::Instant;

/// An engine with the default limits, sharing them through `redis` under `prefix`.
async fn default_limiter(redis: &Redis, prefix: &str) -> RateLimiter {
    limiter(
        redis,
        prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await
}

/// A create-message request on `channel`, as the store sees it (a fresh ticket each).
fn create_request(channel: u64) -> SharedRequest {
    SharedRequest::new(
        "POST /channels/{channel_id}/messages",
        Major::Channel(channel),
        GlobalPool::Bot,
    )
    .with_bot(bugle_ratelimit::BotId::of("token"))
    .with_limits(RateLimitConfig::default())
}

/// The learned (limit, period ms) of the create route, read straight from Redis.
async fn learned(redis: &Redis, prefix: &str) -> Option<(u32, u64)> {
    let mut connection = redis.connection().await;
    let keys: Vec<String> = connection
        .keys(format!("{prefix}:*:sub:*"))
        .await
        .expect("keys");
    let key = keys.first()?;
    let (limit, period): (Option<u32>, Option<u64>) = redis::cmd("HMGET")
        .arg(key)
        .arg("limit")
        .arg("period")
        .query_async(&mut connection)
        .await
        .expect("hmget");
    Some((limit?, period?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_hidden_limit_is_learned_from_every_process_and_kept_by_all_of_them() {
    let redis = Redis::start().await;
    let prefix = prefix("learn");
    let config = RateLimitConfig::default();
    let a = limiter(
        &redis,
        &prefix,
        config.clone(),
        SharedLimitsConfig::default(),
    )
    .await;
    let b = limiter(&redis, &prefix, config, SharedLimitsConfig::default()).await;

    // Two processes send two each on one channel; the fifth meets a hidden limit of four
    // (the bucket still has room: 45 of 50).
    for client in [&a, &b, &a, &b] {
        client
            .acquire(create(41))
            .await
            .expect("granted")
            .complete(ok("b-create", 50, 46, 5.0));
    }
    a.acquire(create(41))
        .await
        .expect("granted")
        .complete(too_many(45, 0.8));
    settle().await;
    let (limit, period) = learned(&redis, &prefix)
        .await
        .expect("the store learned the sublimit");
    assert_eq!(
        limit, 4,
        "the count holds both processes' dispatches, not one's own"
    );
    assert!(
        (800..2_000).contains(&period),
        "the window ends where the 429 said: {period} ms"
    );

    // Another channel of the route: four go, from either process, and the fifth waits
    // for the first to leave the window; no process counts only its own.
    let started = Instant::now();
    for client in [&a, &a, &a, &b] {
        client
            .acquire(create(43))
            .await
            .expect("granted")
            .complete(ok("b-create", 50, 40, 5.0));
    }
    let quick = started.elapsed();
    b.acquire(create(43))
        .await
        .expect("granted once the window moved")
        .complete(ok("b-create", 50, 39, 5.0));
    let waited = started.elapsed();
    assert!(
        quick < Duration::from_millis(400),
        "the four the limit allows were held ({quick:?}): a count learned in process?"
    );
    assert!(
        waited >= Duration::from_millis(700),
        "the fifth went after {waited:?}, inside the learned window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_later_429_of_a_wholly_logged_window_lowers_the_count() {
    let redis = Redis::start().await;
    let prefix = prefix("relearn");
    let a = default_limiter(&redis, &prefix).await;
    // Learned: four per window.
    for _ in 0..4 {
        a.acquire(create(51))
            .await
            .expect("granted")
            .complete(ok("b-create", 50, 46, 5.0));
    }
    a.acquire(create(51))
        .await
        .expect("granted")
        .complete(too_many(45, 0.5));
    settle().await;
    assert_eq!(learned(&redis, &prefix).await.map(|l| l.0), Some(4));
    // On another channel the third already meets it: the limit is lower than learned.
    for _ in 0..2 {
        a.acquire(create(52))
            .await
            .expect("granted")
            .complete(ok("b-create", 50, 40, 5.0));
    }
    a.acquire(create(52))
        .await
        .expect("granted")
        .complete(too_many(39, 0.5));
    settle().await;
    assert_eq!(learned(&redis, &prefix).await.map(|l| l.0), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn an_abandoned_ask_gives_back_what_it_was_granted() {
    let redis = Redis::start().await;
    let store = RedisStore::connect(redis.url(), &prefix("abandon"))
        .await
        .expect("the store connects");
    // Each request has a ticket of its own.
    let request = || create_request(61);
    // A bucket nobody knows yet lets one request go at a time, to discover it.
    let first = request();
    let second = request();
    assert!(matches!(
        store.acquire(&first).await.expect("answers"),
        SharedDecision::Grant(_)
    ));
    assert!(
        matches!(
            store.acquire(&second).await.expect("answers"),
            SharedDecision::Wait { .. }
        ),
        "the discoverer is in flight"
    );
    // The first ask's caller never saw the grant (its store deadline passed).
    store.abandon(&first);
    settle().await;
    assert!(
        matches!(
            store.acquire(&second).await.expect("answers"),
            SharedDecision::Grant(_)
        ),
        "the abandoned grant still held the bucket: it would until its lease ended"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn requests_refused_with_the_one_that_taught_the_limit_are_not_counted() {
    let redis = Redis::start().await;
    let prefix = prefix("uncount");
    let a = default_limiter(&redis, &prefix).await;
    for _ in 0..4 {
        a.acquire(create(71))
            .await
            .expect("granted")
            .complete(ok("b-create", 50, 46, 5.0));
    }
    // Three go together; the server refuses all three, and the last one's 429 is the
    // first to be applied: it counts the two before it, which were refused too.
    let mut flying = Vec::new();
    for _ in 0..3 {
        flying.push(a.acquire(create(71)).await.expect("granted"));
    }
    let last = flying.pop().expect("three");
    last.complete(too_many(45, 0.8));
    settle().await;
    assert_eq!(learned(&redis, &prefix).await.map(|l| l.0), Some(6));
    for permit in flying {
        permit.complete(too_many(45, 0.8));
    }
    settle().await;
    assert_eq!(
        learned(&redis, &prefix).await.map(|l| l.0),
        Some(4),
        "each refused request the first learn counted is taken off"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_flush_returns_once_every_completion_is_in_redis() {
    let redis = Redis::start().await;
    let prefix = prefix("flush");
    let a = limiter(
        &redis,
        &prefix,
        // A large bot's global pool, so that the burst below is not paced by it.
        RateLimitConfig::default().with_global_per_second(2_000),
        SharedLimitsConfig::default(),
    )
    .await;
    // Many answers come back at once; their completions queue behind one another.
    let mut permits = Vec::new();
    for channel in 1_000..1_200 {
        permits.push(a.acquire(create(channel)).await.expect("granted"));
    }
    for permit in permits {
        permit.complete(ok("b-create", 5, 4, 5.0));
    }
    // What a process does before it exits: nothing of its may stay reserved.
    assert!(a.flush_shared(Duration::from_secs(2)).await);
    let mut connection = redis.connection().await;
    let flying: Vec<String> = connection
        .keys(format!("{prefix}:*:fly"))
        .await
        .expect("keys");
    for key in flying {
        let members: u64 = connection.zcard(&key).await.expect("zcard");
        assert_eq!(
            members, 0,
            "{key} still holds a reservation after the flush"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_request_sent_under_the_fallback_is_counted_by_a_slow_store() {
    let redis = Redis::start().await;
    let prefix = prefix("fallback-record");
    let store = RedisStore::connect(redis.url(), &prefix)
        .await
        .expect("the store connects");
    let request = create_request(91);
    store.record_fallback(&request);
    store.flush().await.expect("flushed");
    let mut connection = redis.connection().await;
    let globals: Vec<String> = connection
        .keys(format!("{prefix}:*:global"))
        .await
        .expect("keys");
    assert_eq!(globals.len(), 1, "{globals:?}");
    let counted: u64 = connection.zcard(&globals[0]).await.expect("zcard");
    assert_eq!(
        counted, 1,
        "the fallback's send is in the global pool every process counts"
    );
}

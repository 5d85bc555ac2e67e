//! One test per shared semantic, against a real redis-server, on real time with short
//! windows (Redis's clock cannot be paused). Each limiter is a separate engine with its
//! own store connection, as separate processes would be.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bugle_ratelimit::{
    ErrorKind, GlobalPool, Major, Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter,
    RequestKey, SharedDecision, SharedLimitsConfig, SharedRequest, SharedStore, TokenHash,
};
use bugle_ratelimit_redis::{LazyRedisStore, RedisStore};
use common::{CREATE, Redis, TOKEN, create, limiter, ok, prefix, settle, too_many};
use redis::AsyncCommands;
use tokio::time::Instant;

const NO_REDIS: &str = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL";
const NO_SERVER: &str = "needs redis-server on PATH (the test stops and restarts it)";
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn four_clients_share_one_global_pool() {
    let _ = NO_REDIS;
    let redis = Redis::start().await;
    let prefix = prefix("global");
    let config = RateLimitConfig::default().with_global_per_second(10);
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(
            limiter(
                &redis,
                &prefix,
                config.clone(),
                SharedLimitsConfig::default(),
            )
            .await,
        );
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, client) in clients.iter().enumerate() {
        for i in 0..8u64 {
            let client = client.clone();
            // Every request on its own channel: only the global pool binds.
            let channel = 1_000 + (c as u64) * 100 + i;
            tasks.push(tokio::spawn(async move {
                let permit = client.acquire(create(channel)).await.expect("granted");
                let at = Instant::now();
                permit.complete(ok(&format!("b{channel}"), 5, 4, 5.0));
                at
            }));
        }
    }
    let mut grants = Vec::new();
    for task in tasks {
        grants.push(task.await.expect("task"));
    }
    grants.sort();
    // 32 requests at 10 per (1 s + margin): no second holds more than 10 of them.
    for (i, first) in grants.iter().enumerate() {
        let in_window = grants[i..]
            .iter()
            .take_while(|at| **at < *first + Duration::from_secs(1))
            .count();
        assert!(
            in_window <= 10,
            "{in_window} grants within one second of grant {i}"
        );
    }
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "32 requests at 10/s across 4 clients cannot finish in {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_bucket_learned_by_one_client_holds_another() {
    let redis = Redis::start().await;
    let prefix = prefix("bucket");
    let a = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let b = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;

    // A learns the route's bucket, and that it is spent for 600 ms.
    a.acquire(create(7))
        .await
        .expect("granted")
        .complete(ok("b-create", 5, 0, 0.6));
    settle().await;
    let mut connection = redis.connection().await;
    let keys: Vec<String> = connection
        .keys(format!("{prefix}:v1:*:route:*"))
        .await
        .expect("keys");
    assert_eq!(keys.len(), 1, "the route's bucket hash is shared: {keys:?}");

    // B has never sent on it, and still waits for the window A saw.
    let started = Instant::now();
    let permit = b.acquire(create(7)).await.expect("granted after the reset");
    let waited = started.elapsed();
    permit.complete(ok("b-create", 5, 4, 5.0));
    assert!(
        waited >= Duration::from_millis(300),
        "B went after {waited:?}, inside A's window"
    );
    assert!(waited < Duration::from_secs(5), "B waited {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_reservation_ends_with_its_lease_when_its_client_dies() {
    let redis = Redis::start().await;
    let prefix = prefix("lease");
    let shared = SharedLimitsConfig::default().with_lease(Duration::from_millis(400));
    let a = limiter(&redis, &prefix, RateLimitConfig::default(), shared.clone()).await;
    let b = limiter(&redis, &prefix, RateLimitConfig::default(), shared).await;

    // A discovers the route (the only request allowed while its bucket is unknown) and
    // dies mid-request: its permit is never completed nor dropped.
    let permit = a.acquire(create(9)).await.expect("granted");
    std::mem::forget(permit);
    drop(a);

    let started = Instant::now();
    let permit = b
        .acquire(create(9))
        .await
        .expect("granted once the lease ends");
    let waited = started.elapsed();
    permit.complete(ok("b-create", 5, 4, 5.0));
    assert!(
        waited >= Duration::from_millis(300),
        "B went after {waited:?}, while A's lease held"
    );
    assert!(waited < Duration::from_secs(5), "B waited {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_completion_wakes_a_waiting_client_before_the_lease_ends() {
    let redis = Redis::start().await;
    let prefix = prefix("wake");
    // A lease far longer than the test: only the completion's wake can end B's wait.
    let shared = SharedLimitsConfig::default().with_lease(Duration::from_secs(30));
    let a = limiter(&redis, &prefix, RateLimitConfig::default(), shared.clone()).await;
    let b = limiter(&redis, &prefix, RateLimitConfig::default(), shared).await;
    let permit = a.acquire(create(11)).await.expect("granted");
    let waiter = tokio::spawn(async move {
        let permit = b.acquire(create(11)).await.expect("granted");
        permit.complete(ok("b-create", 5, 3, 5.0));
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiter.is_finished(),
        "B went while A discovered the bucket"
    );
    permit.complete(ok("b-create", 5, 4, 5.0));
    tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("B is woken by A's completion, not by the 30 s lease")
        .expect("task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_sublimit_seen_by_one_client_holds_every_client() {
    let redis = Redis::start().await;
    let prefix = prefix("sublimit");
    let a = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let b = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    // The bucket had room (remaining 3) and still Discord said 429: a hidden limit.
    a.acquire(create(21))
        .await
        .expect("granted")
        .complete(too_many(3, 0.6));
    settle().await;
    let started = Instant::now();
    let permit = b.acquire(create(21)).await.expect("granted after the hold");
    let waited = started.elapsed();
    permit.complete(ok("b-create", 5, 2, 5.0));
    assert!(
        waited >= Duration::from_millis(300),
        "B went after {waited:?}, inside the sublimit's hold"
    );
    // Another channel is not held.
    let started = Instant::now();
    b.acquire(create(22))
        .await
        .expect("granted")
        .complete(ok("b-create", 5, 4, 5.0));
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "another resource was held"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_401_seen_by_one_client_stops_every_client() {
    let redis = Redis::start().await;
    let prefix = prefix("token");
    let a = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let b = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    a.acquire(create(31))
        .await
        .expect("granted")
        .complete(Outcome::response(401, RateLimitHeaders::default()));
    settle().await;
    let error = b.acquire(create(32)).await.expect_err("refused");
    assert_eq!(error.kind(), &ErrorKind::TokenInvalid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_dead_webhook_seen_by_one_client_is_refused_by_every_client() {
    let redis = Redis::start().await;
    let prefix = prefix("webhook");
    let a = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let b = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let webhook = |token: &str| {
        RequestKey::new(
            Method::Post,
            "/webhooks/{webhook_id}/{webhook_token}",
            Major::Webhook {
                id: 77,
                token: Some(TokenHash::of(token)),
            },
        )
        .with_pool(GlobalPool::Unauthenticated)
    };
    a.acquire(webhook("hook-token"))
        .await
        .expect("granted")
        .complete(Outcome::response(404, RateLimitHeaders::default()));
    settle().await;
    let error = b.acquire(webhook("hook-token")).await.expect_err("refused");
    assert!(
        matches!(error.kind(), ErrorKind::WebhookDead { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(bugle_redis_server),
    ignore = "needs redis-server on PATH (the test stops and restarts it)"
)]
async fn falls_back_while_redis_is_down_and_returns_when_it_answers() {
    let _ = NO_SERVER;
    let mut redis = Redis::spawn().await;
    let prefix = prefix("fallback");
    let shared = SharedLimitsConfig::default()
        .with_store_deadline(Duration::from_millis(100))
        .with_probe_interval(Duration::from_millis(200))
        .with_fallback_global_per_second(3);
    let client = limiter(&redis, &prefix, RateLimitConfig::default(), shared).await;
    client
        .acquire(create(41))
        .await
        .expect("granted")
        .complete(ok("b41", 50, 49, 5.0));

    redis.stop();
    // Down: requests still go, by the fallback limits: 3 per second in all...
    let started = Instant::now();
    for channel in 50..56 {
        let permit = tokio::time::timeout(Duration::from_secs(10), client.acquire(create(channel)))
            .await
            .expect("the fallback never blocks for good")
            .expect("granted by the fallback");
        permit.complete(ok("b", 50, 49, 5.0));
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "6 requests at a fallback share of 3/s went in {:?}",
        started.elapsed()
    );
    // ...and one at a time per route and resource.
    let first = client.acquire(create(60)).await.expect("granted");
    let second = tokio::time::timeout(Duration::from_millis(400), client.acquire(create(60))).await;
    assert!(
        second.is_err(),
        "a second request on one resource went while the first was out"
    );
    drop(first);

    // Back: the next request is decided in Redis again.
    redis.restart().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut decided_in_redis = false;
    for _ in 0..20 {
        client
            .acquire(create(70))
            .await
            .expect("granted")
            .complete(ok("b70", 50, 49, 5.0));
        let mut connection = redis.connection().await;
        let keys: Vec<String> = connection
            .keys(format!("{prefix}:v1:*"))
            .await
            .expect("keys");
        if !keys.is_empty() {
            decided_in_redis = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(decided_in_redis, "the client never went back to Redis");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(bugle_redis_server),
    ignore = "needs redis-server on PATH (the test stops and restarts it)"
)]
async fn scripts_are_loaded_again_after_a_restart() {
    let mut redis = Redis::spawn().await;
    let prefix = prefix("noscript");
    let store = RedisStore::connect(redis.url(), &prefix)
        .await
        .expect("connects");
    let request = SharedRequest::new(format!("POST {CREATE}"), Major::Channel(1), GlobalPool::Bot);
    let decision = store.acquire(&request).await.expect("answers");
    assert!(matches!(decision, SharedDecision::Grant(_)), "{decision:?}");

    // A restart empties the script cache: EVALSHA answers NOSCRIPT, and the store loads
    // the script again instead of failing.
    redis.restart().await;
    let mut answered = None;
    for _ in 0..40 {
        if let Ok(decision) = store.acquire(&request).await {
            answered = Some(decision);
            break;
        }
        // The connection manager reconnects in the background.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let decision = answered.expect("the store answers after the restart");
    assert!(matches!(decision, SharedDecision::Grant(_)), "{decision:?}");

    // SCRIPT FLUSH on a running server: the same.
    let mut connection = redis.connection().await;
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut connection)
        .await
        .expect("flush");
    let request = SharedRequest::new(format!("POST {CREATE}"), Major::Channel(2), GlobalPool::Bot);
    let decision = store
        .acquire(&request)
        .await
        .expect("answers after SCRIPT FLUSH");
    assert!(matches!(decision, SharedDecision::Grant(_)), "{decision:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn no_token_is_in_any_key_or_value() {
    let redis = Redis::start().await;
    let prefix = prefix("secrets");
    let client = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    let hook_token = "WebhookSecretTokenValue_abcdefghijklmnopqrstuvwxyz0123456789";
    client
        .acquire(create(81))
        .await
        .expect("granted")
        .complete(ok("b81", 5, 4, 5.0));
    client
        .acquire(create(82))
        .await
        .expect("granted")
        .complete(too_many(2, 0.2));
    let webhook = RequestKey::new(
        Method::Post,
        "/webhooks/{webhook_id}/{webhook_token}",
        Major::Webhook {
            id: 5,
            token: Some(TokenHash::of(hook_token)),
        },
    )
    .with_pool(GlobalPool::Unauthenticated);
    client
        .acquire(webhook.clone())
        .await
        .expect("granted")
        .complete(ok("w5", 5, 4, 2.0));
    client
        .acquire(webhook)
        .await
        .expect("granted")
        .complete(Outcome::response(404, RateLimitHeaders::default()));
    settle().await;

    let mut connection = redis.connection().await;
    let keys: Vec<String> = connection.keys(format!("{prefix}:*")).await.expect("keys");
    assert!(keys.len() >= 5, "the store wrote state: {keys:?}");
    let secrets = [
        TOKEN,
        "SecretBotTokenPart",
        hook_token,
        "WebhookSecretTokenValue",
    ];
    for key in &keys {
        let kind: String = redis::cmd("TYPE")
            .arg(key)
            .query_async(&mut connection)
            .await
            .expect("type");
        let dump: Vec<String> = match kind.as_str() {
            "string" => vec![connection.get(key).await.expect("get")],
            "hash" => connection
                .hgetall::<_, Vec<String>>(key)
                .await
                .expect("hgetall"),
            "zset" => connection.zrange(key, 0, -1).await.expect("zrange"),
            other => panic!("unexpected key type {other} for {key}"),
        };
        for secret in secrets {
            assert!(!key.contains(secret), "a token in the key {key}");
            for value in &dump {
                assert!(!value.contains(secret), "a token in the value of {key}");
            }
        }
        let ttl: i64 = connection.pttl(key).await.expect("pttl");
        assert!(
            ttl > 0,
            "{key} has no TTL ({ttl}), so it would outlive its bucket"
        );
    }
}

#[tokio::test]
async fn a_password_in_the_url_is_never_shown() {
    // Nothing listens on port 9 of loopback: connecting fails, and neither the error
    // nor the builder's Debug may show the password.
    let url = "redis://user:hunter2-very-secret@127.0.0.1:9/0";
    let builder = RedisStore::builder(url).connect_timeout(Duration::from_millis(300));
    assert!(!format!("{builder:?}").contains("hunter2-very-secret"));
    let error = builder.connect().await.expect_err("nothing listens there");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("hunter2-very-secret"), "{shown}");
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(bugle_redis_server),
    ignore = "needs redis-server on PATH (the test starts it late)"
)]
async fn a_lazy_store_starts_while_redis_is_down_and_connects_when_it_comes() {
    let port = Redis::free_port();
    let prefix = prefix("lazy");
    let store = LazyRedisStore::new(format!("redis://127.0.0.1:{port}/"), &prefix).expect("valid");
    let shared = SharedLimitsConfig::default()
        .with_probe_interval(Duration::from_millis(100))
        .with_bot_token(TOKEN);
    let client =
        RateLimiter::with_shared_store(RateLimitConfig::default(), Arc::new(store.clone()), shared);
    // Nothing listens yet: the fallback lets the request go.
    client
        .acquire(create(1))
        .await
        .expect("granted by the fallback")
        .complete(ok("b1", 5, 4, 5.0));
    assert!(store.connected().is_none());

    let redis = Redis::spawn_on(port).await;
    let mut connected = false;
    for _ in 0..50 {
        client
            .acquire(create(2))
            .await
            .expect("granted")
            .complete(ok("b2", 5, 4, 5.0));
        if store.connected().is_some() {
            connected = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(connected, "the lazy store never connected");
    client
        .acquire(create(3))
        .await
        .expect("granted")
        .complete(ok("b3", 5, 4, 5.0));
    let mut connection = redis.connection().await;
    let keys: Vec<String> = connection
        .keys(format!("{prefix}:v1:*"))
        .await
        .expect("keys");
    assert!(
        !keys.is_empty(),
        "requests are decided in Redis once it answers"
    );
}

#[test]
fn a_lazy_store_refuses_a_bad_prefix_or_url_at_once() {
    assert!(LazyRedisStore::new("redis://127.0.0.1:6379/", "bad prefix!").is_err());
    assert!(LazyRedisStore::new("http://:secretpw@127.0.0.1:6379/", "ok").is_err());
    let error = LazyRedisStore::new("notaurl:secretpw@", "ok").expect_err("refused");
    assert!(!error.to_string().contains("secretpw"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(any(bugle_redis_server, bugle_redis_url)),
    ignore = "needs redis-server on PATH or BUGLE_TEST_REDIS_URL"
)]
async fn a_bucket_serves_waiting_clients_in_the_order_they_asked() {
    let redis = Redis::start().await;
    let prefix = prefix("fifo");
    let holder = limiter(
        &redis,
        &prefix,
        RateLimitConfig::default(),
        SharedLimitsConfig::default(),
    )
    .await;
    // The holder discovers the bucket; everyone else queues behind it, 60 ms apart.
    let permit = holder.acquire(create(51)).await.expect("granted");
    let (order, mut turns) = tokio::sync::mpsc::unbounded_channel();
    let mut waiters = Vec::new();
    for name in ["first", "second", "third", "fourth"] {
        let client = limiter(
            &redis,
            &prefix,
            RateLimitConfig::default(),
            SharedLimitsConfig::default(),
        )
        .await;
        let order = order.clone();
        waiters.push(tokio::spawn(async move {
            let permit = client.acquire(create(51)).await.expect("granted");
            order.send(name).expect("the test listens");
            // One request per 150 ms window: the next waits for the next window.
            permit.complete(ok("b-fifo", 1, 0, 0.15));
        }));
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    permit.complete(ok("b-fifo", 1, 0, 0.15));
    for waiter in waiters {
        tokio::time::timeout(Duration::from_secs(10), waiter)
            .await
            .expect("every waiter goes")
            .expect("task");
    }
    let mut seen = Vec::new();
    while let Ok(name) = turns.try_recv() {
        seen.push(name);
    }
    assert_eq!(seen, ["first", "second", "third", "fourth"]);
}

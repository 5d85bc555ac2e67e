//! The gate in front of a shared store, on paused time: what the engine does with each
//! of a store's answers, and without any (the fallback). The stores here are scripted
//! stand-ins for a remote one; the Redis store's own tests are in bugle-ratelimit-redis.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bugle_ratelimit::{
    ErrorKind, Major, Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter, Refusal,
    RequestKey, Reservation, SharedDecision, SharedLimitsConfig, SharedReport, SharedRequest,
    SharedStore, StoreError, StoreFuture,
};
use tokio::time::Instant;

/// What a scripted store answers.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Grant,
    Fail,
    Hang,
    Wait(Duration),
    Refuse(Refusal),
}

#[derive(Debug)]
struct Scripted {
    answer: Mutex<Answer>,
    asked: AtomicUsize,
    abandoned: AtomicUsize,
    recorded: AtomicUsize,
    reports: Mutex<Vec<SharedReport>>,
}

impl Scripted {
    fn new(answer: Answer) -> Arc<Self> {
        Arc::new(Self {
            answer: Mutex::new(answer),
            asked: AtomicUsize::new(0),
            abandoned: AtomicUsize::new(0),
            recorded: AtomicUsize::new(0),
            reports: Mutex::new(Vec::new()),
        })
    }

    fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }
}

impl SharedStore for Scripted {
    fn acquire<'a>(&'a self, request: &'a SharedRequest) -> StoreFuture<'a, SharedDecision> {
        let n = self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = *self.answer.lock().unwrap();
        let slot = request.major_key();
        Box::pin(async move {
            match answer {
                Answer::Grant => Ok(SharedDecision::Grant(Reservation::new(n as u64, slot))),
                Answer::Fail => Err(StoreError::new("connection refused")),
                Answer::Hang => std::future::pending().await,
                Answer::Wait(after) => Ok(SharedDecision::Wait { after, woken: None }),
                Answer::Refuse(refusal) => Ok(SharedDecision::Refuse(refusal)),
            }
        })
    }

    fn complete(&self, report: SharedReport) {
        self.reports.lock().unwrap().push(report);
    }

    fn abandon(&self, _request: &SharedRequest) {
        self.abandoned.fetch_add(1, Ordering::SeqCst);
    }

    fn record_fallback(&self, _request: &SharedRequest) {
        self.recorded.fetch_add(1, Ordering::SeqCst);
    }
}

fn limiter(store: &Arc<Scripted>, shared: SharedLimitsConfig) -> RateLimiter {
    RateLimiter::with_shared_store(RateLimitConfig::default(), store.clone(), shared)
}

/// A 200 from the `create` bucket: `limit` per 5 s, `remaining` left.
fn ok(limit: &str, remaining: &str) -> Outcome {
    Outcome::response(
        200,
        RateLimitHeaders::parse(
            [
                ("x-ratelimit-bucket", "create"),
                ("x-ratelimit-limit", limit),
                ("x-ratelimit-remaining", remaining),
                ("x-ratelimit-reset-after", "5"),
            ],
            None,
        ),
    )
}

fn create(channel: u64) -> RequestKey {
    RequestKey::new(
        Method::Post,
        "/channels/{channel_id}/messages",
        Major::Channel(channel),
    )
}

#[tokio::test(start_paused = true)]
async fn a_grant_is_reported_with_its_outcome_and_a_drop_as_unsent() {
    let store = Scripted::new(Answer::Grant);
    let limiter = limiter(&store, SharedLimitsConfig::default().with_bot_token("t"));
    limiter
        .acquire(create(1))
        .await
        .expect("granted")
        .complete(Outcome::response(204, RateLimitHeaders::default()));
    drop(limiter.acquire(create(2)).await.expect("granted"));
    let reports = store.reports.lock().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].outcome().and_then(Outcome::status), Some(204));
    assert_eq!(
        reports[0].request().route(),
        "POST /channels/{channel_id}/messages"
    );
    assert_eq!(reports[0].request().major_key(), "channel:1");
    assert!(reports[0].request().bot().is_some());
    assert!(
        reports[1].outcome().is_none(),
        "a dropped permit was never sent"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wait_past_the_deadline_fails_at_once() {
    let store = Scripted::new(Answer::Wait(Duration::from_secs(10)));
    let limiter = limiter(&store, SharedLimitsConfig::default());
    let started = Instant::now();
    let error = limiter
        .acquire(create(1).with_deadline(Instant::now() + Duration::from_secs(1)))
        .await
        .expect_err("the store's wait is past the deadline");
    assert!(
        matches!(error.kind(), ErrorKind::RateLimitTimeout { .. }),
        "{error:?}"
    );
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "it failed without waiting"
    );
    // Its in-process place was given back: the next request on the bucket is not held.
    store.set(Answer::Grant);
    let permit = tokio::time::timeout(Duration::from_millis(1), limiter.acquire(create(1))).await;
    assert!(
        permit.is_ok(),
        "the refused request's in-process ticket was kept"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wait_is_slept_and_asked_again() {
    let store = Scripted::new(Answer::Wait(Duration::from_millis(700)));
    let limiter = limiter(&store, SharedLimitsConfig::default());
    let waiter = tokio::spawn({
        let limiter = limiter.clone();
        async move { limiter.acquire(create(1)).await.map(|_| Instant::now()) }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    store.set(Answer::Grant);
    let started = Instant::now() - Duration::from_millis(100);
    let granted = waiter.await.expect("task").expect("granted");
    assert_eq!(granted - started, Duration::from_millis(700));
    assert_eq!(
        store.asked.load(Ordering::SeqCst),
        2,
        "asked once, then once after the wait"
    );
}

#[tokio::test(start_paused = true)]
async fn refusals_become_the_engines_errors() {
    for (refusal, check) in [
        (
            Refusal::TokenInvalid,
            (|k: &ErrorKind| matches!(k, ErrorKind::TokenInvalid)) as fn(&ErrorKind) -> bool,
        ),
        (
            Refusal::WebhookDead {
                remaining: Duration::from_secs(5),
            },
            |k| matches!(k, ErrorKind::WebhookDead { .. }),
        ),
        (
            Refusal::Banned {
                remaining: Duration::from_secs(5),
            },
            |k| matches!(k, ErrorKind::Banned { .. }),
        ),
        (
            Refusal::InvalidRequestCeiling {
                remaining: Duration::from_secs(5),
            },
            |k| matches!(k, ErrorKind::InvalidRequestCeiling { .. }),
        ),
    ] {
        let store = Scripted::new(Answer::Refuse(refusal));
        let error = limiter(&store, SharedLimitsConfig::default())
            .acquire(create(1))
            .await
            .expect_err("refused");
        assert!(check(error.kind()), "{refusal:?} became {error:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn without_the_store_the_fallback_keeps_its_share_and_one_per_resource() {
    let store = Scripted::new(Answer::Fail);
    let shared = SharedLimitsConfig::default()
        .with_fallback_global_per_second(2)
        .with_probe_interval(Duration::from_secs(60));
    let limiter = limiter(&store, shared);
    let started = Instant::now();
    let mut sent = Vec::new();
    for channel in 1..=5 {
        let permit = limiter
            .acquire(create(channel))
            .await
            .expect("granted by the fallback");
        sent.push(started.elapsed());
        permit.complete(Outcome::response(200, RateLimitHeaders::default()));
    }
    // Two per second, after a first window counted as full (what the store granted
    // just before is still in Discord's): 1, 1, 2, 2, 3 s.
    assert_eq!(
        sent,
        [1_000, 1_000, 2_000, 2_000, 3_000]
            .map(Duration::from_millis)
            .to_vec()
    );
    assert_eq!(
        store.asked.load(Ordering::SeqCst),
        1,
        "the store is not asked again before the probe"
    );
    assert!(
        store.reports.lock().unwrap().is_empty(),
        "fallback passes are not reported to the store as grants"
    );
    assert_eq!(
        store.recorded.load(Ordering::SeqCst),
        5,
        "each fallback send is recorded, for a store that is slow rather than gone"
    );

    // One in flight per route and resource.
    let first = limiter.acquire(create(9)).await.expect("granted");
    let second = tokio::time::timeout(Duration::from_secs(5), limiter.acquire(create(9))).await;
    assert!(
        second.is_err(),
        "a second request on one resource went while the first was out"
    );
    drop(first);
    drop(
        tokio::time::timeout(Duration::from_secs(5), limiter.acquire(create(9)))
            .await
            .expect("the lane is free once the first is done")
            .expect("granted"),
    );
}

#[tokio::test(start_paused = true)]
async fn a_store_that_does_not_answer_in_time_is_left_for_the_fallback() {
    let store = Scripted::new(Answer::Hang);
    let shared = SharedLimitsConfig::default().with_store_deadline(Duration::from_millis(50));
    let limiter = limiter(&store, shared);
    let started = Instant::now();
    let mut went = Vec::new();
    for channel in 1..=3 {
        drop(
            limiter
                .acquire(create(channel))
                .await
                .expect("granted by the fallback"),
        );
        went.push(started.elapsed());
    }
    // The first two slow answers send their requests by the fallback limits at once; from
    // three deadlines without an answer the store counts as down, and the fallback's first
    // window counts as full (what the store granted just before is still in Discord's).
    assert_eq!(went, [50, 100, 1_150].map(Duration::from_millis).to_vec());
    assert_eq!(
        store.abandoned.load(Ordering::SeqCst),
        3,
        "each ask with no answer in time is abandoned, so a grant it got is given back"
    );
    assert_eq!(store.recorded.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn the_store_is_asked_again_after_the_probe_interval_and_used_when_it_answers() {
    let store = Scripted::new(Answer::Fail);
    let shared = SharedLimitsConfig::default().with_probe_interval(Duration::from_secs(5));
    let limiter = limiter(&store, shared);
    drop(limiter.acquire(create(1)).await.expect("fallback"));
    store.set(Answer::Grant);
    drop(
        limiter
            .acquire(create(2))
            .await
            .expect("fallback, before the probe"),
    );
    assert_eq!(store.asked.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_secs(5)).await;
    limiter
        .acquire(create(3))
        .await
        .expect("granted by the store")
        .complete(Outcome::response(200, RateLimitHeaders::default()));
    assert_eq!(store.asked.load(Ordering::SeqCst), 2);
    assert_eq!(
        store.reports.lock().unwrap().len(),
        1,
        "the store's grant is reported to it"
    );
}

#[tokio::test(start_paused = true)]
async fn a_refusal_by_the_fallback_deadline_is_a_timeout() {
    let store = Scripted::new(Answer::Fail);
    let shared = SharedLimitsConfig::default().with_fallback_global_per_second(1);
    let limiter = limiter(&store, shared);
    drop(limiter.acquire(create(1)).await.expect("granted"));
    let error = limiter
        .acquire(create(2).with_deadline(Instant::now() + Duration::from_millis(200)))
        .await
        .expect_err("the share is spent for a second");
    assert!(
        matches!(error.kind(), ErrorKind::RateLimitTimeout { .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn with_a_store_a_hidden_limit_holds_its_resource_but_is_learned_by_the_store() {
    let store = Scripted::new(Answer::Grant);
    let limiter = limiter(&store, SharedLimitsConfig::default().with_bot_token("t"));
    let room = || ok("50", "40");
    for _ in 0..3 {
        limiter
            .acquire(create(1))
            .await
            .expect("granted")
            .complete(room());
    }
    // Room left in the bucket, and still a 429 that says to wait 2 s: a hidden limit.
    let body = br#"{"message":"You are being rate limited.","retry_after":2,"global":false}"#;
    let hidden = Outcome::response(
        429,
        RateLimitHeaders::parse(
            [
                ("x-ratelimit-bucket", "create"),
                ("x-ratelimit-limit", "50"),
                ("x-ratelimit-remaining", "39"),
                ("x-ratelimit-reset-after", "5"),
                ("x-ratelimit-scope", "user"),
                ("retry-after", "2"),
            ],
            Some(&body[..]),
        ),
    );
    limiter
        .acquire(create(1))
        .await
        .expect("granted")
        .complete(hidden);

    // This process alone would learn "3 per 2 s" from its own history, which counts only
    // its own requests; with a store, the store learns it from every process's.
    let started = Instant::now();
    for _ in 0..5 {
        limiter
            .acquire(create(2))
            .await
            .expect("granted")
            .complete(room());
    }
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "another resource was limited by a count learned in process"
    );
    // The resource that met the limit waits out the 429.
    limiter
        .acquire(create(1))
        .await
        .expect("granted")
        .complete(room());
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn without_the_store_each_process_keeps_to_an_even_share_of_each_bucket() {
    let store = Scripted::new(Answer::Fail);
    // A share of 10 of the global 50: five processes, so one of each 5-request window.
    let shared = SharedLimitsConfig::default()
        .with_fallback_global_per_second(10)
        .with_probe_interval(Duration::from_secs(60));
    let limiter = limiter(&store, shared);
    let window = |remaining| ok("5", remaining);
    let started = Instant::now();
    limiter
        .acquire(create(1))
        .await
        .expect("the fallback lets one go")
        .complete(window("4"));
    let first = started.elapsed();
    // The bucket says 4 are left, but the other processes see the same 4.
    limiter
        .acquire(create(1))
        .await
        .expect("granted in the next window")
        .complete(window("4"));
    let second = started.elapsed();
    assert!(
        second >= first + Duration::from_secs(5),
        "the second request of a window went at {second:?} (the first at {first:?})"
    );
}

#[tokio::test(start_paused = true)]
async fn on_falling_back_the_current_window_of_each_bucket_counts_as_spent() {
    let store = Scripted::new(Answer::Grant);
    // Two processes (a share of 25 of 50): two of each 5-request window are this one's.
    let shared = SharedLimitsConfig::default()
        .with_fallback_global_per_second(25)
        .with_probe_interval(Duration::from_secs(60));
    let limiter = limiter(&store, shared);
    let window = ok("5", "4");
    let started = Instant::now();
    limiter
        .acquire(create(1))
        .await
        .expect("granted by the store")
        .complete(window);
    // The store fails. The bucket said 4 were left, but the other processes may have
    // taken them since: this process waits for the bucket's next window.
    // The engine lets the request go by the store's rules; the store fails; the request
    // goes back to the engine, which now counts the bucket as shared.
    store.set(Answer::Fail);
    drop(
        limiter
            .acquire(create(1))
            .await
            .expect("granted by the fallback"),
    );
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "went at {:?}, inside a window the others may have spent",
        started.elapsed()
    );
}

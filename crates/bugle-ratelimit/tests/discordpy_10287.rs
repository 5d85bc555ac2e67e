//! The scenario of discord.py #10287: 50 messages sent at once to one channel whose
//! bucket allows 5 per 5 s. discord.py's handler got 86 429s; bugle must get none and
//! finish within 5% of the ideal time.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bugle_ratelimit::{Method, Outcome, RateLimitConfig, RateLimiter, RequestKey};
use common::{Limit, SimServer};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn fifty_concurrent_creates_get_no_429_and_finish_near_the_ideal_time() {
    let server = Arc::new(Mutex::new(SimServer::new(50)));
    let limit = Limit {
        limit: 5,
        period: Duration::from_secs(5),
    };
    server
        .lock()
        .unwrap()
        .route("POST /channels/{channel_id}/messages", "msgs", limit);
    let limiter = RateLimiter::new(RateLimitConfig::default());
    let one_way = Duration::from_millis(10);
    let start = Instant::now();

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (limiter, server) = (limiter.clone(), server.clone());
            tokio::spawn(async move {
                let key = RequestKey::from_path(Method::Post, "/channels/42/messages");
                let permit = limiter
                    .acquire(key.clone())
                    .await
                    .expect("no local failure");
                tokio::time::sleep(one_way).await;
                let (status, headers) = server.lock().unwrap().handle(&key, Instant::now());
                tokio::time::sleep(one_way).await;
                permit.complete(Outcome::response(status, headers));
                Instant::now()
            })
        })
        .collect();
    let mut last = start;
    for task in tasks {
        last = last.max(task.await.unwrap());
    }

    let server = server.lock().unwrap();
    assert_eq!(server.user_429 + server.global_429, 0, "no 429 at all");
    assert_eq!(server.ok, 50);
    // Ten windows of five: the last batch can start 9 periods after the first.
    let ideal = Duration::from_secs(45);
    let took = last - start;
    assert!(took >= ideal, "faster than the limit allows: {took:?}");
    assert!(
        took.as_secs_f64() <= ideal.as_secs_f64() * 1.05,
        "took {took:?}, ideal {ideal:?}"
    );
}

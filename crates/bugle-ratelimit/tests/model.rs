//! Model test: random workloads against a simulated server that enforces static
//! per-bucket limits (with routes sharing a bucket hash) and the global limit. Whatever
//! the interleaving and latencies, the engine must cause zero 429s and dispatch every
//! server-side bucket's requests in arrival order.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bugle_ratelimit::{Method, Outcome, RateLimitConfig, RateLimiter, RequestKey};
use common::{Limit, SimServer};
use proptest::prelude::*;
use tokio::time::Instant;

const ROUTES: [(Method, &str); 5] = [
    (Method::Post, "/channels/{c}/messages"),
    (Method::Put, "/channels/{c}/pins/7"),
    (Method::Patch, "/channels/{c}/messages/8"),
    (Method::Post, "/webhooks/{c}/token-{c}"),
    (Method::Delete, "/channels/{c}/messages/8/reactions/x/@me"),
];
const GLOBAL: u32 = 8;

fn server() -> SimServer {
    let mut s = SimServer::new(GLOBAL);
    let fast = Limit {
        limit: 5,
        period: Duration::from_secs(2),
    };
    let slow = Limit {
        limit: 2,
        period: Duration::from_secs(3),
    };
    let hook = Limit {
        limit: 3,
        period: Duration::from_secs(1),
    };
    // Message create and pin share one bucket hash, as routes can on Discord.
    s.route("POST /channels/{channel_id}/messages", "shared", fast);
    s.route(
        "PUT /channels/{channel_id}/pins/{message_id}",
        "shared",
        fast,
    );
    s.route(
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "edit",
        slow,
    );
    s.route("POST /webhooks/{webhook_id}/{webhook_token}", "hook", hook);
    s.route(
        "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
        "react",
        Limit {
            limit: 1,
            period: Duration::from_millis(250),
        },
    );
    s
}

#[derive(Debug, Clone)]
struct Req {
    route: usize,
    resource: u64,
    start_ms: u64,
    up_ms: u64,
    down_ms: u64,
}

/// A request whose trip to the server and back each take up to `max_latency_ms`.
fn req(max_latency_ms: u64) -> impl Strategy<Value = Req> {
    (
        0..ROUTES.len(),
        1..4_u64,
        0..4_000_u64,
        0..max_latency_ms,
        0..max_latency_ms,
    )
        .prop_map(|(route, resource, start_ms, up_ms, down_ms)| Req {
            route,
            resource,
            start_ms,
            up_ms,
            down_ms,
        })
}

fn run(workload: Vec<Req>, margin: Duration) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async move {
        let server = Arc::new(Mutex::new(server()));
        let limiter = RateLimiter::new(
            RateLimitConfig::default()
                .with_global_per_second(GLOBAL)
                .with_unauthenticated_per_second(GLOBAL)
                .with_safety_margin(margin),
        );
        let arrivals = Arc::new(AtomicU64::new(0));
        let grants = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let tasks: Vec<_> = workload
            .into_iter()
            .map(|r| {
                let (limiter, server, arrivals, grants) = (
                    limiter.clone(),
                    server.clone(),
                    arrivals.clone(),
                    grants.clone(),
                );
                tokio::spawn(async move {
                    tokio::time::sleep_until(start + Duration::from_millis(r.start_ms)).await;
                    let (method, template) = ROUTES[r.route];
                    let key = RequestKey::from_path(
                        method,
                        &template.replace("{c}", &r.resource.to_string()),
                    );
                    let seq = arrivals.fetch_add(1, Ordering::SeqCst);
                    let permit = limiter
                        .acquire(key.clone())
                        .await
                        .expect("no local failure");
                    let bucket = server.lock().unwrap().bucket_of(&key);
                    grants.lock().unwrap().push((bucket, seq));
                    tokio::time::sleep(Duration::from_millis(r.up_ms)).await;
                    let (status, headers) = server.lock().unwrap().handle(&key, Instant::now());
                    tokio::time::sleep(Duration::from_millis(r.down_ms)).await;
                    permit.complete(Outcome::response(status, headers));
                })
            })
            .collect();
        let all = async {
            for t in tasks {
                t.await.unwrap();
            }
        };
        tokio::time::timeout(Duration::from_secs(3_600), all)
            .await
            .map_err(|_| TestCaseError::fail("requests hung"))?;

        let server = server.lock().unwrap();
        prop_assert_eq!(server.user_429, 0, "bucket 429s");
        prop_assert_eq!(server.global_429, 0, "global 429s");
        let mut last: HashMap<_, u64> = HashMap::new();
        for (bucket, seq) in grants.lock().unwrap().iter() {
            if let Some(prev) = last.insert(*bucket, *seq) {
                prop_assert!(
                    prev < *seq,
                    "bucket {:?}: request {} dispatched after {}",
                    bucket,
                    seq,
                    prev
                );
            }
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_workloads_get_no_429_and_keep_fifo(workload in prop::collection::vec(req(20), 1..80)) {
        run(workload, RateLimitConfig::default().safety_margin())?;
    }

    /// Resets count from answers and global slots free a window after the answer, so no
    /// margin is needed for correctness, however large and uneven the latencies.
    #[test]
    fn no_margin_is_needed_whatever_the_latency(workload in prop::collection::vec(req(400), 1..80)) {
        run(workload, Duration::ZERO)?;
    }
}

#[test]
fn a_burst_over_the_global_limit_is_spread_without_429() {
    // 40 requests at once on 40 different channels: 5 global windows' worth.
    let workload = (0..40)
        .map(|i| Req {
            route: 0,
            resource: i + 10,
            start_ms: 0,
            up_ms: 5,
            down_ms: 5,
        })
        .collect();
    run(workload, Duration::ZERO).unwrap();
}

//! Issue 13's hard cases, in virtual time against the simulated server: every channel
//! meets a hidden sliding-window limit at once, and several processes (each its own
//! engine) share one token's limits without sharing state, with or without a sender
//! that ignores limits. Each job is repeated after a 429, as the facade does, until it
//! is accepted. Times are tokio's paused clock, so the bounds below are exact
//! properties of the engine, not measurements of this machine.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bugle_ratelimit::{Method, Outcome, RateLimitConfig, RateLimiter, RequestKey};
use common::{Limit, SimServer};
use tokio::sync::Semaphore;
use tokio::time::Instant;

const CREATE: &str = "POST /channels/{channel_id}/messages";
const S: Duration = Duration::from_secs(1);

/// Discord's defaults: creates 5 per 5 s per channel, 50 per second globally.
fn server() -> SimServer {
    let mut server = SimServer::new(50);
    server.route(
        CREATE,
        "create",
        Limit {
            limit: 5,
            period: 5 * S,
        },
    );
    server
}

/// Plus a hidden limit of 12 creates per 15 s per channel, in a sliding window.
fn hidden_server() -> SimServer {
    let mut server = server();
    server.hidden(
        CREATE,
        Limit {
            limit: 12,
            period: 15 * S,
        },
    );
    server
}

/// One-way latency of every trip: from `min_ms` to `max_ms`, spread deterministically.
#[derive(Debug, Clone, Copy)]
struct Latency {
    min_ms: u64,
    max_ms: u64,
}

const LOOPBACK: Latency = Latency {
    min_ms: 1,
    max_ms: 20,
};
const INTERNET: Latency = Latency {
    min_ms: 20,
    max_ms: 50,
};

impl Latency {
    /// The `n`-th leg's latency.
    fn of(self, n: u64) -> Duration {
        let spread = self.max_ms - self.min_ms + 1;
        Duration::from_millis(self.min_ms + (n.wrapping_mul(2_654_435_761) >> 7) % spread)
    }
}

/// A sender on the same token that ignores every limit: `per_second` creates to channel
/// 1,000 for `seconds`, whatever the answers.
#[derive(Debug, Clone, Copy)]
struct Foreign {
    per_second: u32,
    seconds: u64,
}

/// What one process saw.
#[derive(Debug)]
struct Process {
    /// When its last job was accepted, from the start.
    finished: Duration,
    /// Jobs accepted.
    delivered: usize,
}

/// Runs `jobs[p]` (channel ids) through process `p`'s own engine, 50 at a time per
/// process, against one shared server; `foreign` sends alongside.
fn run(
    server: SimServer,
    jobs: Vec<Vec<u64>>,
    latency: Latency,
    foreign: Option<Foreign>,
) -> (Vec<Process>, SimServer) {
    run_with_faults(server, jobs, latency, foreign, 0)
}

/// `run`, with `faults_per_mille` of the requests answered 500: half before the server
/// looks at them (no rate-limit headers, nothing counted), half after (counted, with
/// the headers, and the message stored: its repeat is answered as a duplicate nonce).
fn run_with_faults(
    server: SimServer,
    jobs: Vec<Vec<u64>>,
    latency: Latency,
    foreign: Option<Foreign>,
    faults_per_mille: u64,
) -> (Vec<Process>, SimServer) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async move {
        let server = Arc::new(Mutex::new(server));
        let legs = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        if let Some(foreign) = foreign {
            let server = server.clone();
            tokio::spawn(async move {
                let key = RequestKey::from_path(Method::Post, "/channels/1000/messages");
                let gap = S / foreign.per_second;
                let mut at = start;
                while at < start + S * u32::try_from(foreign.seconds).unwrap() {
                    tokio::time::sleep_until(at).await;
                    let _ = server.lock().unwrap().handle(&key, Instant::now());
                    at += gap;
                }
            });
        }
        let mut processes = Vec::new();
        for channels in jobs {
            let limiter = RateLimiter::new(RateLimitConfig::default());
            let slots = Arc::new(Semaphore::new(50));
            let tasks: Vec<_> = channels
                .into_iter()
                .map(|channel| {
                    let (limiter, server, legs, slots) =
                        (limiter.clone(), server.clone(), legs.clone(), slots.clone());
                    tokio::spawn(async move {
                        let _slot = slots.acquire_owned().await.unwrap();
                        let path = format!("/channels/{channel}/messages");
                        let key = RequestKey::from_path(Method::Post, &path);
                        loop {
                            let permit = limiter.acquire(key.clone()).await.unwrap();
                            let leg = legs.fetch_add(2, Ordering::Relaxed);
                            tokio::time::sleep(latency.of(leg)).await;
                            let draw = (leg.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % 1_000;
                            let (status, headers) = if draw < faults_per_mille / 2 {
                                (500, bugle_ratelimit::RateLimitHeaders::default())
                            } else {
                                let (status, headers) =
                                    server.lock().unwrap().handle(&key, Instant::now());
                                if status == 200 && draw < faults_per_mille {
                                    (500, headers)
                                } else {
                                    (status, headers)
                                }
                            };
                            tokio::time::sleep(latency.of(leg + 1)).await;
                            let retry_after = headers.retry_after();
                            permit.complete(Outcome::response(status, headers));
                            if status == 200 {
                                return Instant::now() - start;
                            }
                            // A 429 waits as told; a 500 is repeated at once (the nonce
                            // makes the repeat of a stored message harmless).
                            tokio::time::sleep(retry_after.unwrap_or_default()).await;
                        }
                    })
                })
                .collect();
            processes.push(tasks);
        }
        let mut out = Vec::new();
        for tasks in processes {
            let mut finished = Duration::ZERO;
            let mut delivered = 0;
            for task in tasks {
                finished = finished.max(task.await.unwrap());
                delivered += 1;
            }
            out.push(Process {
                finished,
                delivered,
            });
        }
        let server = Arc::try_unwrap(server).unwrap().into_inner().unwrap();
        (out, server)
    })
}

/// 20 channels × 20 creates, round robin, split between `processes` as bugle-bench
/// splits it: each process takes a contiguous run of the jobs, so every process posts
/// to every channel and they race for each channel's window. (Split job by job, each
/// process had channels of its own, and no bucket was ever raced for.)
fn workload(processes: usize) -> Vec<Vec<u64>> {
    let mut jobs = vec![Vec::new(); processes];
    for i in 0..400_usize {
        jobs[i * processes / 400].push(1 + u64::try_from(i % 20).unwrap());
    }
    jobs
}

/// Case (a): every channel meets the hidden 12-per-15-s sliding limit at the same
/// moment. The ideal is 21 s: the global limit sends the first 100 creates over two
/// seconds, then each channel's 12 go by 10–11 s, 5 more when the first 5 leave the
/// window at 15–16 s, the last 3 at 20–21 s.
#[test]
fn a_hidden_sliding_limit_met_by_every_channel_at_once() {
    for latency in [LOOPBACK, INTERNET] {
        let (processes, server) = run(hidden_server(), workload(1), latency, None);
        let p = &processes[0];
        let worst = server.hidden_429_by_major.values().max().copied();
        eprintln!(
            "hidden-all, {latency:?}: {:?}, hidden 429s {} (at most {worst:?} per channel)",
            p.finished, server.hidden_429
        );
        assert_eq!((p.delivered, server.ok), (400, 400));
        // 0.95 of the ideal.
        assert!(
            p.finished <= Duration::from_millis(22_100),
            "took {:?}",
            p.finished
        );
        assert_eq!(server.user_429 + server.global_429, 0);
        // The limit is met once, by every channel together: one 429 each, and one more
        // for the channel that taught it (two of its requests were on the way).
        assert!(server.hidden_429 <= 25, "{} hidden 429s", server.hidden_429);
        assert!(worst <= Some(2), "{:?}", server.hidden_429_by_major);
    }
}

/// Case (d): two and four processes on one token, no shared state, Discord's default
/// limits; 400 creates over 20 channels split between them. Every message is delivered
/// and no process takes more than 1.5 times the 16 s ideal.
#[test]
fn processes_sharing_a_token_without_sharing_state_all_deliver() {
    for latency in [LOOPBACK, INTERNET] {
        for count in [2, 4] {
            let (processes, server) = run(server(), workload(count), latency, None);
            eprintln!(
                "{count} processes, {latency:?}: {:?}; user 429s {}, global {}",
                processes.iter().map(|p| p.finished).collect::<Vec<_>>(),
                server.user_429,
                server.global_429
            );
            assert_eq!(server.ok, 400);
            for p in &processes {
                assert_eq!(p.delivered, 400 / count);
                assert!(p.finished <= 24 * S, "{count} processes: {:?}", p.finished);
            }
            // Issue 13's target is a tenth of twilight's 429s; twilight has about 350
            // with two processes and 1,000 with four in bugle-bench. Before windows were
            // shared by rank: 56–166 user and 28–107 global 429s over the four runs.
            // Now 0, 66, 1 and 71 (two and four processes, 1–20 ms, then 20–50 ms): an
            // estimate of senders that keeps only counts that come often lets four
            // processes count three now and then, and meet the limit a few times more
            // than when every count raised it (0, 40, 3, 26), which made two processes
            // count three and a few channels wait a window longer.
            let bound = if count == 2 { 20 } else { 100 };
            assert!(
                server.user_429 + server.global_429 <= bound,
                "{} user 429s, {} global",
                server.user_429,
                server.global_429
            );
        }
    }
}

/// A sender that ignores limits takes 40 of the 50 global requests a second for ten
/// seconds: everything is still delivered, and no request waits for ever.
#[test]
fn a_sender_that_ignores_limits_slows_delivery_but_loses_nothing() {
    let foreign = Foreign {
        per_second: 40,
        seconds: 10,
    };
    let (processes, server) = run(server(), workload(1), LOOPBACK, Some(foreign));
    let p = &processes[0];
    eprintln!(
        "foreign sender: {:?}; user 429s {}, global {}",
        p.finished, server.user_429, server.global_429
    );
    assert_eq!(p.delivered, 400);
    assert!(p.finished <= 30 * S, "took {:?}", p.finished);
}

/// Case (b): case (a) plus a shared-scope limit of 15 creates per 20 s per channel and
/// 2% of answers 500 (half of them after the message was stored). With every job free
/// to go, the ideal would be 21 s again (the shared limit lets 3 go at 15 s, the hidden
/// one 5 at 20 s). With 50 jobs in flight over 20 channels it is about 25 s: the global
/// limit delays some channels' first creates to the second second, their later ones
/// are admitted late, and the shared window then bars their last create until the
/// fifth second's creates leave it. Without faults the engine takes 25.1 s here.
#[test]
fn hidden_and_shared_limits_with_server_errors() {
    for latency in [LOOPBACK, INTERNET] {
        let mut server = hidden_server();
        server.shared(
            CREATE,
            Limit {
                limit: 15,
                period: 20 * S,
            },
        );
        let (processes, server) = run_with_faults(server, workload(1), latency, None, 20);
        let p = &processes[0];
        eprintln!(
            "hostile-all, {latency:?}: {:?}; hidden 429s {}, shared {}, user {}, global {}",
            p.finished, server.hidden_429, server.shared_429, server.user_429, server.global_429
        );
        assert_eq!(p.delivered, 400);
        // 0.93 of that ideal, faults included.
        assert!(p.finished <= 27 * S, "took {:?}", p.finished);
        assert!(server.hidden_429 + server.user_429 + server.global_429 <= 25);
    }
}

//! Throughput of acquire + complete: uncontended, and two threads over 1, 100 and 10,000
//! buckets. Every bucket is known and far from its limit, so this measures the engine's
//! own cost, not waiting.
//!
//! `two_threads_cpu/N` runs the same loop as `two_threads/N` but reports the CPU time
//! both threads spent (from `/proc/thread-self/schedstat`, Linux) instead of wall time:
//! its throughput is operations per CPU-second, i.e. per core, whatever else the machine
//! is running (to within the kernel's scheduler tick, a few ms per sample). It is
//! skipped where that file cannot be read.

#![allow(missing_docs)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bugle_ratelimit::{
    Method, Outcome, Permit, RateLimitConfig, RateLimitHeaders, RateLimiter, RequestKey,
};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

fn limiter() -> RateLimiter {
    RateLimiter::new(RateLimitConfig::default().with_global_per_second(1_000_000_000))
}

fn headers() -> RateLimitHeaders {
    RateLimitHeaders::parse(
        [
            ("X-RateLimit-Limit", "1000000000"),
            ("X-RateLimit-Remaining", "999999999"),
            ("X-RateLimit-Reset-After", "86400"),
            ("X-RateLimit-Bucket", "0123456789abcdef0123456789abcdef"),
        ],
        None,
    )
}

fn keys(n: u64) -> Vec<RequestKey> {
    (0..n)
        .map(|c| RequestKey::from_path(Method::Post, &format!("/channels/{}/messages", 1_000 + c)))
        .collect()
}

/// Acquires without a runtime: a known bucket with capacity is ready on the first poll.
fn acquire_now(limiter: &RateLimiter, key: RequestKey) -> Permit {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(limiter.acquire(key)).poll(&mut cx) {
        Poll::Ready(permit) => permit.expect("no local failure"),
        Poll::Pending => panic!("benchmark bucket unexpectedly had to wait"),
    }
}

/// Learns every bucket, then lets the limiter's start pass: for 100 ms after its first
/// answer a limiter cannot tell whether other processes started with it on the token,
/// and holds each new bucket's window (docs/rate-limiting.md, "Other senders on the
/// token"). What is measured here is the steady state of a process alone.
fn warm(limiter: &RateLimiter, keys: &[RequestKey]) {
    for key in keys {
        acquire_now(limiter, key.clone()).complete(Outcome::response(200, headers()));
    }
    std::thread::sleep(Duration::from_millis(150));
}

fn uncontended(c: &mut Criterion) {
    let limiter = limiter();
    let key = keys(1).remove(0);
    warm(&limiter, std::slice::from_ref(&key));
    let outcome = Outcome::response(200, headers());
    let mut group = c.benchmark_group("uncontended");
    group.throughput(Throughput::Elements(1));
    group.bench_function("acquire_complete", |b| {
        b.iter(|| acquire_now(&limiter, black_box(key.clone())).complete(outcome.clone()));
    });
    group.finish();
}

fn two_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("two_threads");
    for buckets in [1_u64, 100, 10_000] {
        let limiter = limiter();
        let keys = keys(buckets);
        warm(&limiter, &keys);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::from_parameter(buckets), &buckets, |b, _| {
            b.iter_custom(|iters| {
                // Benchmarks measure real time; tokio's clock is for the engine.
                #[allow(clippy::disallowed_methods)]
                let start = std::time::Instant::now();
                std::thread::scope(|s| {
                    for thread in 0..2_u64 {
                        let (limiter, keys) = (&limiter, &keys);
                        s.spawn(move || {
                            let outcome = Outcome::response(200, headers());
                            let len = keys.len();
                            for i in 0..iters / 2 {
                                let index =
                                    usize::try_from((i * 2 + thread) % len as u64).unwrap_or(0);
                                acquire_now(limiter, keys[index].clone()).complete(outcome.clone());
                            }
                        });
                    }
                });
                start.elapsed()
            });
        });
    }
    group.finish();
}

/// Nanoseconds the calling thread has spent on a CPU.
fn thread_cpu_nanos() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn two_threads_cpu(c: &mut Criterion) {
    if thread_cpu_nanos().is_none() {
        return;
    }
    let mut group = c.benchmark_group("two_threads_cpu");
    // The kernel updates a running thread's CPU time at scheduler ticks (a few ms): ten
    // equal samples of a few hundred ms each keep that error near 1%.
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for buckets in [1_u64, 10_000] {
        let limiter = limiter();
        let keys = keys(buckets);
        warm(&limiter, &keys);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::from_parameter(buckets), &buckets, |b, _| {
            b.iter_custom(|iters| {
                let nanos: u64 = std::thread::scope(|s| {
                    let workers: Vec<_> = (0..2_u64)
                        .map(|thread| {
                            let (limiter, keys) = (&limiter, &keys);
                            s.spawn(move || {
                                let outcome = Outcome::response(200, headers());
                                let len = keys.len() as u64;
                                let start = thread_cpu_nanos().unwrap_or(0);
                                for i in 0..iters / 2 {
                                    let index =
                                        usize::try_from((i * 2 + thread) % len).unwrap_or(0);
                                    acquire_now(limiter, keys[index].clone())
                                        .complete(outcome.clone());
                                }
                                thread_cpu_nanos().unwrap_or(start) - start
                            })
                        })
                        .collect();
                    workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
                });
                Duration::from_nanos(nanos)
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = uncontended, two_threads, two_threads_cpu
}
criterion_main!(benches);

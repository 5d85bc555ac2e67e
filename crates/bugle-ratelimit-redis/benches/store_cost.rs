//! What sharing limits through Redis costs per request on loopback: the latency an
//! acquire gains (p50 and p99, the engine alone against the engine plus the store), and
//! the Redis commands each request makes (from `INFO commandstats`).
//!
//! Runs against a redis-server of its own on a free port (or `BUGLE_TEST_REDIS_URL`):
//! `cargo bench -p bugle-ratelimit-redis --bench store_cost`.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use bugle_ratelimit::{
    Major, Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter, RequestKey,
    SharedLimitsConfig,
};
use bugle_ratelimit_redis::RedisStore;

const REQUESTS: usize = 5_000;
const CHANNELS: u64 = 100;

struct Server(Option<Child>, String);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn server() -> Server {
    if let Ok(url) = std::env::var("BUGLE_TEST_REDIS_URL") {
        return Server(None, url);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server on PATH, or BUGLE_TEST_REDIS_URL");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Server(Some(child), format!("redis://127.0.0.1:{port}/"))
}

fn ok() -> Outcome {
    Outcome::response(
        200,
        RateLimitHeaders::parse(
            [
                ("x-ratelimit-bucket", "b"),
                ("x-ratelimit-limit", "1000000"),
                ("x-ratelimit-remaining", "999999"),
                ("x-ratelimit-reset-after", "60"),
            ],
            None,
        ),
    )
}

/// Acquires and completes `REQUESTS` requests one at a time; the latency of each acquire.
async fn run(limiter: &RateLimiter) -> Vec<Duration> {
    let mut took = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        let key = RequestKey::new(
            Method::Post,
            "/channels/{channel_id}/messages",
            Major::Channel(1 + (i as u64 % CHANNELS)),
        );
        let started = Instant::now();
        let permit = limiter.acquire(key).await.expect("granted");
        took.push(started.elapsed());
        permit.complete(ok());
    }
    took
}

/// The `per_mille`th of a sorted sample (500 for the median).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    sorted[(sorted.len() - 1) * per_mille / 1_000]
}

async fn commands(url: &str) -> u64 {
    let client = redis::Client::open(url).expect("url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connects");
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut connection)
        .await
        .expect("info");
    info.lines()
        .filter(|line| {
            line.starts_with("cmdstat_evalsha")
                || line.starts_with("cmdstat_eval:")
                || line.starts_with("cmdstat_script")
        })
        .filter_map(|line| {
            line.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

async fn reset_stats(url: &str) {
    let client = redis::Client::open(url).expect("url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connects");
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(&mut connection)
        .await
        .expect("resetstat");
}

fn report(name: &str, mut took: Vec<Duration>) {
    took.sort_unstable();
    println!(
        "{name:<28} p50 {:>8.1} µs   p99 {:>8.1} µs   max {:>8.1} µs",
        percentile(&took, 500).as_secs_f64() * 1e6,
        percentile(&took, 990).as_secs_f64() * 1e6,
        took.last().expect("some").as_secs_f64() * 1e6,
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = server();
    runtime.block_on(async {
        let config = RateLimitConfig::default().with_global_per_second(1_000_000);
        let local = RateLimiter::new(config.clone());
        let _ = run(&local).await;
        report("engine alone", run(&local).await);

        let store = RedisStore::connect(server.1.as_str(), &format!("cost-{}", std::process::id()))
            .await
            .expect("the store connects");
        let shared = RateLimiter::with_shared_store(
            config,
            Arc::new(store),
            SharedLimitsConfig::default().with_bot_token("a token for the benchmark"),
        );
        let _ = run(&shared).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        reset_stats(&server.1).await;
        let took = run(&shared).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let scripts = commands(&server.1).await;
        report("engine + Redis store", took);
        println!(
            "Redis script calls: {scripts} for {REQUESTS} requests (one acquire on the path, one complete off it)"
        );
    });
}

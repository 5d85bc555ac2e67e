//! A Redis for the tests: a `redis-server` of their own on a free loopback port (stopped
//! when dropped), or the one `BUGLE_TEST_REDIS_URL` names. Each test uses its own key
//! prefix, since tests run in parallel on one server.

#![allow(dead_code, unreachable_pub)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bugle_ratelimit::{
    Major, Method, Outcome, RateLimitConfig, RateLimitHeaders, RateLimiter, RequestKey,
    SharedLimitsConfig,
};
use bugle_ratelimit_redis::RedisStore;

/// A running Redis.
pub struct Redis {
    url: String,
    port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts a `redis-server` when one is on PATH, or else uses `BUGLE_TEST_REDIS_URL`.
    pub async fn start() -> Self {
        if which_redis_server() {
            return Self::spawn().await;
        }
        let url = std::env::var("BUGLE_TEST_REDIS_URL")
            .expect("the test is ignored unless redis-server or BUGLE_TEST_REDIS_URL is available");
        Self {
            url,
            port: 0,
            child: None,
        }
    }

    /// Starts a `redis-server` of the test's own (for tests that stop and restart it).
    pub async fn spawn() -> Self {
        Self::spawn_on(free_port()).await
    }

    /// A free port for a server started later with [`Redis::spawn_on`].
    pub fn free_port() -> u16 {
        free_port()
    }

    /// Starts a `redis-server` of the test's own on `port`.
    pub async fn spawn_on(port: u16) -> Self {
        let mut redis = Self {
            url: format!("redis://127.0.0.1:{port}/"),
            port,
            child: None,
        };
        redis.launch().await;
        redis
    }

    async fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
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
            .expect("redis-server starts");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("redis-server did not listen on port {}", self.port);
    }

    /// The URL to connect to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops the server (the test's own only).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty: scripts and state are gone.
    pub async fn restart(&mut self) {
        self.stop();
        self.launch().await;
    }

    /// A plain connection, to look at what the store wrote.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .expect("valid url")
            .get_multiplexed_async_connection()
            .await
            .expect("redis answers")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn which_redis_server() -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| dir.join("redis-server").is_file())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A key prefix no other test (or run) uses.
pub fn prefix(test: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "t-{test}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A bot token for the tests (never to be seen in Redis).
pub const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.SecretBotTokenPart.xyzXYZ0123456789";
/// The create-message route.
pub const CREATE: &str = "/channels/{channel_id}/messages";

/// An engine sharing its limits through its own connection to `redis`, as a process would.
pub async fn limiter(
    redis: &Redis,
    prefix: &str,
    config: RateLimitConfig,
    shared: SharedLimitsConfig,
) -> RateLimiter {
    let store = RedisStore::connect(redis.url(), prefix)
        .await
        .expect("the store connects");
    RateLimiter::with_shared_store(config, Arc::new(store), shared.with_bot_token(TOKEN))
}

/// A create-message request on `channel`.
pub fn create(channel: u64) -> RequestKey {
    RequestKey::new(Method::Post, CREATE, Major::Channel(channel))
}

/// A 200 with the bucket's headers.
pub fn ok(bucket: &str, limit: u32, remaining: u32, reset_after: f64) -> Outcome {
    let reset = reset_after.to_string();
    let (limit, remaining) = (limit.to_string(), remaining.to_string());
    Outcome::response(
        200,
        RateLimitHeaders::parse(
            [
                ("x-ratelimit-bucket", bucket),
                ("x-ratelimit-limit", limit.as_str()),
                ("x-ratelimit-remaining", remaining.as_str()),
                ("x-ratelimit-reset-after", reset.as_str()),
            ],
            None,
        ),
    )
}

/// A 429 of scope user on the create bucket, with `remaining` left in it.
pub fn too_many(remaining: u32, retry_after: f64) -> Outcome {
    let remaining = remaining.to_string();
    let retry = retry_after.to_string();
    let body = format!(
        r#"{{"message":"You are being rate limited.","retry_after":{retry_after},"global":false}}"#
    );
    Outcome::response(
        429,
        RateLimitHeaders::parse(
            [
                ("x-ratelimit-bucket", "b-create"),
                ("x-ratelimit-limit", "5"),
                ("x-ratelimit-remaining", remaining.as_str()),
                ("x-ratelimit-reset-after", "5"),
                ("x-ratelimit-scope", "user"),
                ("retry-after", retry.as_str()),
            ],
            Some(body.as_bytes()),
        ),
    )
}

/// Waits (bounded) for the completions the store sends in the background.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

//! The relay under test: a `FakeDiscord` (in process, or served on loopback),
//! a relay config, an outbox file in a temporary directory.

#![allow(dead_code, unreachable_pub)]

pub mod alertmanager;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bugle::DiscordClient;
use bugle_relay::clock::Clock;
use bugle_relay::{LoadOptions, Relay, RelayConfig, discord_config};
use bugle_sim::fake::ServeHandle;
use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder};
use secrecy::SecretString;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub const BOT_TOKEN: &str = "relay-test-bot-token-secret";
pub const INGEST_TOKEN: &str = "relay-test-ingest-secret";
pub const BASIC_PASSWORD: &str = "relay-test-basic-secret";
pub const HMAC_SECRET: &str = "relay-test-hmac-secret";
pub const HOOK_TOKEN: &str = "relay-test-webhook-token-secret";
pub const GUILD: u64 = 1_400_000_000_000_000_000;
pub const ALERTS: u64 = 1_400_000_000_000_000_001;
pub const PAGER: u64 = 1_400_000_000_000_000_002;
pub const HOOK_CHANNEL: u64 = 1_400_000_000_000_000_003;
pub const HOOK_ID: u64 = 1_400_000_000_000_000_100;

pub const SECRETS: [&str; 5] = [
    BOT_TOKEN,
    INGEST_TOKEN,
    BASIC_PASSWORD,
    HMAC_SECRET,
    HOOK_TOKEN,
];

/// A `FakeDiscord` with the test channels and webhook.
pub fn fake() -> FakeDiscordBuilder {
    FakeDiscord::builder()
        .bot_token(BOT_TOKEN)
        .bot_user(1_400_000_000_000_000_300, "relay")
        .guild(GUILD)
        .text_channel(ALERTS)
        .text_channel(PAGER)
        .text_channel(HOOK_CHANNEL)
        .webhook(HOOK_CHANNEL, HOOK_ID, HOOK_TOKEN)
}

pub fn env(name: &str) -> Option<String> {
    match name {
        "BOT" => Some(BOT_TOKEN.to_owned()),
        "INGEST" => Some(INGEST_TOKEN.to_owned()),
        "BASIC" => Some(BASIC_PASSWORD.to_owned()),
        "HMAC" => Some(HMAC_SECRET.to_owned()),
        "HOOK" => Some(format!(
            "https://discord.com/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
        )),
        _ => None,
    }
}

/// The standard config: auth by all three methods, `alerts`/`pager`
/// channels, the `ops` webhook; `rules` and more appended.
pub fn config_text(outbox: &Path, api_base: Option<&str>, rules: &str) -> String {
    let api = api_base
        .map(|base| format!("api_base = \"{base}\""))
        .unwrap_or_default();
    format!(
        r#"
[server]
body_limit_bytes = 65536
drain_seconds = 2
[auth]
bearer_token = {{ env = "INGEST" }}
basic = {{ username = "alertmanager", password = {{ env = "BASIC" }} }}
grafana_hmac = {{ secret = {{ env = "HMAC" }}, timestamp_header = "X-Grafana-Alerting-Timestamp" }}
[discord]
bot_token = {{ env = "BOT" }}
{api}
[channels]
alerts = "{ALERTS}"
pager = "{PAGER}"
[webhooks.ops]
url = {{ env = "HOOK" }}
lookup_channel = "{HOOK_CHANNEL}"
[outbox]
sqlite = "{}"
lease_seconds = 30
{rules}
"#,
        outbox.display().to_string().replace('\\', "/")
    )
}

pub fn load(text: &str) -> RelayConfig {
    RelayConfig::from_toml_with_env(text, LoadOptions::default(), &env).expect("config loads")
}

/// A temporary directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "bugle-relay-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A relay whose worker runs, with Discord in process (no server: tests
/// call `relay.accept`). Works on tokio's paused clock.
pub struct InProcess {
    pub relay: Relay,
    pub fake: FakeDiscord,
    pub dir: TempDir,
    stop: watch::Sender<bool>,
    worker: Option<JoinHandle<()>>,
}

impl InProcess {
    pub async fn start(fake: FakeDiscord, rules: &str) -> Self {
        let dir = TempDir::new();
        let config = load(&config_text(&dir.file("outbox.sqlite3"), None, rules));
        Self::with(fake, config, dir).await
    }

    pub async fn with(fake: FakeDiscord, config: RelayConfig, dir: TempDir) -> Self {
        Self::through(fake.clone(), fake, config, dir).await
    }

    /// Calls Discord through `transport` (wrapping `fake`).
    pub async fn through(
        transport: impl bugle::transport::Transport + 'static,
        fake: FakeDiscord,
        config: RelayConfig,
        dir: TempDir,
    ) -> Self {
        let client = DiscordClient::with_transport(
            discord_config(&config).build().expect("discord config"),
            transport,
        );
        let relay = Relay::open(config, client, Clock::system())
            .await
            .expect("relay opens");
        let (stop, stop_rx) = watch::channel(false);
        let worker = tokio::spawn(relay.worker("test-worker").run(stop_rx));
        Self {
            relay,
            fake,
            dir,
            stop,
            worker: Some(worker),
        }
    }

    pub async fn stop(mut self) -> (FakeDiscord, TempDir) {
        let _ = self.stop.send(true);
        if let Some(worker) = self.worker.take() {
            worker.await.expect("worker ends");
        }
        (
            self.fake.clone(),
            std::mem::replace(&mut self.dir, TempDir(PathBuf::new())),
        )
    }
}

/// A relay serving HTTP on loopback, with `FakeDiscord` served on loopback too.
pub struct Served {
    pub relay: Relay,
    pub fake: FakeDiscord,
    pub base: String,
    pub dir: TempDir,
    fake_server: Option<ServeHandle>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Served {
    pub async fn start(fake: FakeDiscord, rules: &str) -> Self {
        let server = fake
            .serve(([127, 0, 0, 1], 0).into())
            .await
            .expect("bind fake");
        let api = format!("http://{}/api", server.local_addr());
        let dir = TempDir::new();
        let config = load(&config_text(&dir.file("outbox.sqlite3"), Some(&api), rules));
        let client = DiscordClient::new(discord_config(&config).build().expect("discord config"))
            .expect("client");
        let relay = Relay::open(config, client, Clock::system())
            .await
            .expect("relay opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind relay");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let running = relay.clone();
        let task = tokio::spawn(async move {
            running
                .run(listener, "test-served", async {
                    let _ = rx.await;
                })
                .await
                .expect("relay runs");
        });
        Self {
            relay,
            fake,
            base,
            dir,
            fake_server: Some(server),
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> bugle_relay::sender::Answer {
        let token = SecretString::from(INGEST_TOKEN);
        bugle_relay::sender::post(
            &format!("{}{path}", self.base),
            Some(&token),
            body.to_string().as_bytes(),
        )
        .await
        .expect("relay reachable")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> bugle_relay::sender::Answer {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        bugle_relay::sender::post_with_headers(&format!("{}{path}", self.base), &headers, body)
            .await
            .expect("relay reachable")
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("relay stops");
        }
        if let Some(server) = self.fake_server.take() {
            server.shutdown().await;
        }
    }
}

/// Waits (up to 15 s of tokio time) until `probe` returns something.
pub async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(value) = probe() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("gave up waiting for {what}");
}

/// The messages of `channel` that are cards (have an embed).
pub fn cards(fake: &FakeDiscord, channel: u64) -> Vec<bugle::model::message::Message> {
    fake.messages(channel)
        .into_iter()
        .filter(|message| !message.embeds.is_empty())
        .collect()
}

pub fn title(message: &bugle::model::message::Message) -> String {
    message.embeds[0].title.clone().unwrap_or_default()
}

/// An Alertmanager payload (see `bugle_relay::sender::alertmanager_sample`).
pub fn am(group: &str, status: &str, alerts: usize, started: &str) -> serde_json::Value {
    bugle_relay::sender::alertmanager_sample(group, status, alerts, started, "2026-01-01T10:30:00Z")
}

pub fn shared<T>(value: T) -> Arc<T> {
    Arc::new(value)
}

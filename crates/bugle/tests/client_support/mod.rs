//! Shared helpers for the client tests: a `FakeDiscord` with known channels,
//! webhooks and users, a client configured for it, and a transport that keeps
//! a copy of every request the client sends.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex, PoisonError};

use bugle::retry::FixedJitter;
use bugle::{DefaultRetryPolicy, DiscordClient, DiscordConfig, DiscordConfigBuilder, WebhookUrl};
use bugle_model::id::ChannelId;
use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder};
use bugle_transport::{RouteTemplate, Transport, TransportFuture, TransportRequest};
use bytes::Bytes;
use http::{HeaderMap, Method};
use secrecy::SecretString;

/// The bot token.
pub const TOKEN: &str = "client-test-bot-token.S3CRET";
/// A text channel.
pub const TEXT: u64 = 100;
/// A second text channel.
pub const OTHER: u64 = 101;
/// A forum channel.
pub const FORUM: u64 = 102;
/// A webhook on the text channel.
pub const HOOK: u64 = 200;
/// A webhook on the forum channel.
pub const FORUM_HOOK: u64 = 201;
/// The webhooks' token.
pub const HOOK_TOKEN: &str = "hook-S3CRET-token-0123456789";
/// A user to DM.
pub const FRIEND: u64 = 300;

/// A fake with the channels, webhooks and user above.
pub fn fake_builder() -> FakeDiscordBuilder {
    FakeDiscord::builder()
        .bot_token(TOKEN)
        .seed(7)
        .guild(1)
        .text_channel(TEXT)
        .text_channel(OTHER)
        .forum_channel(FORUM)
        .webhook(TEXT, HOOK, HOOK_TOKEN)
        .webhook(FORUM, FORUM_HOOK, HOOK_TOKEN)
        .user(FRIEND, "friend")
}

/// The URL of a webhook of the fake.
pub fn hook_url(id: u64) -> String {
    format!("https://discord.com/api/webhooks/{id}/{HOOK_TOKEN}")
}

/// A configuration for the fake: token, default webhook, a `forum` named
/// webhook, routes `alerts` → TEXT and `deploys` → OTHER, and backoff with
/// fixed jitter (each retry waits its full ceiling: 250 ms, 500 ms, 1 s).
pub fn config_builder() -> DiscordConfigBuilder {
    DiscordConfig::builder()
        .bot_token(TOKEN)
        .webhook_url(&hook_url(HOOK))
        .named_webhook_url("forum", &hook_url(FORUM_HOOK))
        .route("alerts", ChannelId::new(TEXT))
        .route("deploys", ChannelId::new(OTHER))
        .retry_policy(DefaultRetryPolicy::new().jitter(FixedJitter::new(1.0)))
}

/// One request as the client sent it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: Method,
    /// Path and query, exactly as sent (webhook tokens included).
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The route template the request carried for cassettes, if any.
    pub route: Option<RouteTemplate>,
}

impl Sent {
    /// The JSON body (the `payload_json` part is not parsed here).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not json ({e}): {:?}", self.body))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A transport that copies every request, then sends it on.
#[derive(Debug, Clone)]
pub struct Spy<T> {
    inner: T,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl<T> Spy<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            sent: Arc::default(),
        }
    }

    /// Every request sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The last request sent.
    pub fn last(&self) -> Sent {
        self.sent().pop().expect("a request was sent")
    }
}

impl<T: Transport> Transport for Spy<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let path_and_query = request
            .uri()
            .path_and_query()
            .map(ToString::to_string)
            .unwrap_or_default();
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Sent {
                method: request.method().clone(),
                path_and_query,
                headers: request.headers().clone(),
                body: request.body().clone(),
                route: RouteTemplate::of(&request),
            });
        self.inner.send(request)
    }
}

/// A fake, a client for it with [`config_builder`], and the spy between them.
pub fn setup() -> (DiscordClient, FakeDiscord, Spy<FakeDiscord>) {
    setup_with(fake_builder(), config_builder())
}

/// [`setup`] with the given fake and configuration.
pub fn setup_with(
    fake: FakeDiscordBuilder,
    config: DiscordConfigBuilder,
) -> (DiscordClient, FakeDiscord, Spy<FakeDiscord>) {
    let fake = fake.build();
    let spy = Spy::new(fake.clone());
    let client = DiscordClient::with_transport(config.build().expect("valid config"), spy.clone());
    (client, fake, spy)
}

/// A webhook URL value for the fake's webhook `id`.
pub fn webhook(id: u64) -> WebhookUrl {
    WebhookUrl::parse(&hook_url(id)).expect("valid url")
}

/// The bot token as a secret.
pub fn token() -> SecretString {
    SecretString::from(TOKEN)
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "bugle-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

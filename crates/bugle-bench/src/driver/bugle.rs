//! The bugle side: `DiscordClient` over `HyperTransport`, configured as a user would.

use std::sync::Arc;
use std::time::Duration;

use bugle::client::WebhookTarget;
use bugle::{DiscordClient, DiscordConfig, ExecuteWebhookParams, WebhookUrl};
use bugle_model::id::{ChannelId, MessageId, WebhookId};
use bugle_model::request::{CreateMessage, EditMessage, ExecuteWebhook};
use bugle_ratelimit::{RateLimitConfig, SharedLimitsConfig};
use bugle_ratelimit_redis::RedisStore;
use bugle_transport::HyperTransport;
use secrecy::SecretString;

use crate::observe::{Observer, ObservingTransport};
use crate::scenario::Spec;
use crate::server::BENCH_BOT_TOKEN;

/// The client's configuration for `spec`, as a user would write it; with `shared`, its
/// limits are shared through that Redis store (default [`SharedLimitsConfig`]: a fallback
/// share of 12 per second of the global pool, a quarter of 50, for four processes).
fn config(spec: &Spec, port: u16, shared: Option<RedisStore>) -> Result<DiscordConfig, String> {
    let mut limits = RateLimitConfig::default();
    if let Some(global) = spec.client_global_per_second {
        limits = limits
            .with_global_per_second(global)
            .with_unauthenticated_per_second(global);
    }
    if let Some(ttl) = spec.client_eviction_ttl {
        limits = limits.with_eviction_ttl(ttl);
    }
    let mut builder = DiscordConfig::builder()
        .bot_token(BENCH_BOT_TOKEN)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .allow_plain_http(true)
        .rate_limit(limits);
    if let Some(store) = shared {
        let mut shared_config = SharedLimitsConfig::default();
        if let Some(deadline) = store_deadline_override()? {
            shared_config = shared_config.with_store_deadline(deadline);
        }
        builder = builder
            .shared_limits(store)
            .shared_limits_config(shared_config);
    }
    builder.build().map_err(|e| e.to_string())
}

/// The environment variable that sets the shared store's deadline, in milliseconds (a
/// diagnostic: a deadline shorter than Redis's answer makes store calls time out).
/// Unset: `SharedLimitsConfig`'s default (50 ms).
pub const STORE_DEADLINE_ENV: &str = "BUGLE_BENCH_STORE_DEADLINE_MS";

fn store_deadline_override() -> Result<Option<Duration>, String> {
    match std::env::var(STORE_DEADLINE_ENV) {
        Err(_) => Ok(None),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(|ms| Some(Duration::from_millis(ms)))
            .map_err(|_| format!("{STORE_DEADLINE_ENV}: milliseconds, such as 50")),
    }
}

/// bugle's client, pointed at `FakeDiscord` on `127.0.0.1:port`.
#[derive(Debug)]
pub struct BugleDriver {
    client: DiscordClient,
    webhooks: Vec<WebhookUrl>,
}

impl BugleDriver {
    /// A client with the scenario's client-side settings (a raised global limit where the
    /// server's is lifted, a short eviction TTL for `many-buckets`), plain http to the
    /// loopback port, and the scenario's webhooks.
    ///
    /// # Errors
    ///
    /// When the configuration or the client cannot be built.
    pub fn new(spec: &Spec, port: u16) -> Result<Self, String> {
        let config = config(spec, port, None)?;
        let client = DiscordClient::new(config).map_err(|e| e.to_string())?;
        Self::with_client(spec, client)
    }

    /// The same client, its answers noted by `observer` (the 429s this process saw):
    /// `HyperTransport` built as the client builds it, wrapped in an
    /// [`ObservingTransport`]. With `shared`, its limits are shared through that store.
    ///
    /// # Errors
    ///
    /// When the configuration or the transport cannot be built.
    pub fn observed(
        spec: &Spec,
        port: u16,
        observer: Arc<Observer>,
        shared: Option<RedisStore>,
    ) -> Result<Self, String> {
        let config = config(spec, port, shared)?;
        let transport = HyperTransport::builder()
            .request_timeout(Some(config.request_timeout()))
            .allow_plain_http(true)
            .build()
            .map_err(|e| e.to_string())?;
        let transport = ObservingTransport::new(transport, observer);
        Self::with_client(spec, DiscordClient::with_transport(config, transport))
    }

    fn with_client(spec: &Spec, client: DiscordClient) -> Result<Self, String> {
        let webhooks = (0..spec.webhooks)
            .map(|n| {
                let (id, token, _) = Spec::webhook(n);
                WebhookUrl::from_parts(WebhookId::new(id), SecretString::from(token))
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { client, webhooks })
    }

    /// See [`DiscordClient::flush`].
    pub async fn flush(&self) {
        self.client.flush().await;
    }

    /// Creates a message; its id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn create(&self, channel: u64, content: String) -> Result<u64, String> {
        let message = CreateMessage::new().content(content);
        self.client
            .send_message(ChannelId::new(channel), message)
            .await
            .map(|m| m.id.get())
            .map_err(|e| e.to_string())
    }

    /// Edits a message's content.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn edit(&self, channel: u64, message: u64, content: String) -> Result<(), String> {
        let edit = EditMessage::new().content(content);
        self.client
            .edit_message(ChannelId::new(channel), MessageId::new(message), edit)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Deletes a message.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn delete(&self, channel: u64, message: u64) -> Result<(), String> {
        self.client
            .delete_message(ChannelId::new(channel), MessageId::new(message))
            .await
            .map_err(|e| e.to_string())
    }

    /// Executes webhook number `webhook` (waiting for the saved message); its id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn execute(&self, webhook: usize, content: String) -> Result<u64, String> {
        let url = self.webhooks.get(webhook).ok_or("no such webhook")?.clone();
        let params = ExecuteWebhookParams::new(ExecuteWebhook::new().content(content))
            .target(WebhookTarget::url(url));
        match self.client.execute_webhook(params).await {
            Ok(Some(message)) => Ok(message.id.get()),
            Ok(None) => Err("the execute returned no message".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    }
}

//! [`DiscordConfigBuilder`]: set what you need, then [`build`](DiscordConfigBuilder::build).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bugle_model::id::ChannelId;
use bugle_model::validate::{REQUEST_MAX_BYTES, ValidationContext};
use bugle_ratelimit::{RateLimitConfig, SharedLimitsConfig, SharedStore};
use secrecy::{ExposeSecret, SecretString};

use super::env::{self, EnvLayer};
use super::{
    DEFAULT_API_VERSION, DEFAULT_BASE_URL, DEFAULT_OPERATION_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
    DiscordConfig, SharedLimits, Simulation, check, default_user_agent,
};
use crate::error::{DiscordError, ErrorKind};
use crate::retry::{DefaultRetryPolicy, RetryPolicy};
use crate::routing::ChannelRoutes;
use crate::webhook_url::{WebhookUrl, WebhookUrlError};

/// Builds a [`DiscordConfig`]. Every setter is optional; invalid values are
/// reported by [`build`](Self::build), naming the field.
#[must_use]
// Debug is derived: secrets are `SecretString`s (Debug prints `[REDACTED]`).
#[derive(Default, Debug)]
pub struct DiscordConfigBuilder {
    bot_token: Option<SecretString>,
    webhook: Option<Result<WebhookUrl, WebhookUrlError>>,
    webhooks: BTreeMap<String, Result<WebhookUrl, WebhookUrlError>>,
    api_version: Option<u8>,
    base_url: Option<String>,
    user_agent: Option<String>,
    request_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    max_rate_limit_wait: Option<Duration>,
    retry_policy: Option<Arc<dyn RetryPolicy>>,
    rate_limit: Option<RateLimitConfig>,
    routes: Vec<(String, ChannelId)>,
    simulation: Option<Simulation>,
    allow_plain_http: bool,
    max_file_size: Option<u64>,
    shared_store: Option<Arc<dyn SharedStore>>,
    shared_limits: Option<SharedLimitsConfig>,
    redis_url: Option<SecretString>,
    redis_prefix: Option<String>,
    env: Option<EnvLayer>,
}

impl DiscordConfigBuilder {
    /// A builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The bot token, as the developer portal shows it (a leading `Bot ` is
    /// accepted and dropped).
    pub fn bot_token(mut self, token: impl Into<SecretString>) -> Self {
        self.bot_token = Some(token.into());
        self
    }

    /// The default webhook.
    pub fn webhook(mut self, webhook: WebhookUrl) -> Self {
        self.webhook = Some(Ok(webhook));
        self
    }

    /// The default webhook, from its URL; a malformed URL is reported by
    /// [`build`](Self::build) without repeating it.
    pub fn webhook_url(mut self, url: &str) -> Self {
        self.webhook = Some(WebhookUrl::parse(url));
        self
    }

    /// A webhook reachable by `name`.
    pub fn named_webhook(mut self, name: impl Into<String>, webhook: WebhookUrl) -> Self {
        self.webhooks.insert(name.into(), Ok(webhook));
        self
    }

    /// A webhook reachable by `name`, from its URL.
    pub fn named_webhook_url(mut self, name: impl Into<String>, url: &str) -> Self {
        self.webhooks.insert(name.into(), WebhookUrl::parse(url));
        self
    }

    /// The API version: 10 (the default) or 9.
    pub fn api_version(mut self, version: u8) -> Self {
        self.api_version = Some(version);
        self
    }

    /// The API base URL without the version (default
    /// `https://discord.com/api`), e.g. a local proxy or test server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `User-Agent`; Discord requires it to start with
    /// `DiscordBot (url, version)`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// The time one attempt may take (default 15 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The time a whole operation may take, queueing and retries included
    /// (default 120 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The longest a request may wait for a rate-limit permit (default: only
    /// the operation deadline limits it).
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = Some(wait);
        self
    }

    /// The largest file one upload may carry, in bytes (default 10 MiB, Discord's
    /// limit for servers without a boost; boosted servers allow more). A larger file
    /// is refused before anything is sent, naming the file and the limit. A whole
    /// request's files may then reach this size too, if it is above Discord's 25 MiB.
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = Some(bytes);
        self
    }

    /// The retry policy (default [`DefaultRetryPolicy`]).
    pub fn retry_policy(mut self, policy: impl RetryPolicy + 'static) -> Self {
        self.retry_policy = Some(Arc::new(policy));
        self
    }

    /// The rate limiter's settings (default [`RateLimitConfig::default`]).
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = Some(config);
        self
    }

    /// Shares rate limits with every other process that uses `store` with the same
    /// token: the global pool, buckets, learned limits, a revoked token, dead webhooks
    /// and the invalid-request count (see `bugle-ratelimit-redis`'s `RedisStore`).
    pub fn shared_limits(mut self, store: impl SharedStore) -> Self {
        self.shared_store = Some(Arc::new(store));
        self
    }

    /// How limits are shared: the egress name, the lease, the store deadline and the
    /// fallback share (see [`SharedLimitsConfig`]). The bot token is filled in by the
    /// client.
    pub fn shared_limits_config(mut self, config: SharedLimitsConfig) -> Self {
        self.shared_limits = Some(config);
        self
    }

    /// Shares rate limits through the Redis at `url` (connected on first use; while it
    /// does not answer, the client keeps to the fallback share). Needs the `redis`
    /// feature; without it [`build`](Self::build) refuses the setting.
    pub fn redis_url(mut self, url: impl Into<SecretString>) -> Self {
        self.redis_url = Some(url.into());
        self
    }

    /// The key prefix in that Redis (default `bugle`).
    pub fn redis_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.redis_prefix = Some(prefix.into());
        self
    }

    /// A channel route: `name` stands for `channel` wherever a
    /// [`ChannelTarget`](crate::ChannelTarget) is taken.
    pub fn route(mut self, name: impl Into<String>, channel: ChannelId) -> Self {
        self.routes.push((name.into(), channel));
        self
    }

    /// The simulation mode (default [`Simulation::Disabled`]).
    pub fn simulation(mut self, simulation: Simulation) -> Self {
        self.simulation = Some(simulation);
        self
    }

    /// Allows a plain `http` base URL, for a local proxy or test server.
    /// Never needed for Discord itself.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Fills what the builder leaves unset from the process environment (see
    /// [`env`](super::env) for the variables). Values set on the builder win,
    /// before or after this call.
    pub fn with_env(self) -> Self {
        self.with_env_from(|name| std::env::var(name).ok())
    }

    /// Like [`with_env`](Self::with_env), reading variables through `lookup`
    /// instead of the process environment (for tests, or a secrets store).
    pub fn with_env_from(mut self, lookup: impl FnMut(&str) -> Option<String>) -> Self {
        self.env = Some(EnvLayer::read(lookup));
        self
    }

    /// Checks every value and builds the configuration.
    ///
    /// # Errors
    ///
    /// The first invalid value, as [`ErrorKind::InvalidConfig`] or
    /// [`ErrorKind::InvalidWebhookUrl`] naming the builder field or the
    /// environment variable it came from.
    pub fn build(self) -> Result<DiscordConfig, DiscordError> {
        let env = self.env.unwrap_or_default();
        let allow_plain_http = self.allow_plain_http;

        let bot_token = match (&self.bot_token, &env.bot_token) {
            (Some(token), _) => Some(check::bot_token("bot_token", token)?),
            (None, Some(token)) => Some(check::bot_token(env::DISCORD_BOT_TOKEN, token)?),
            (None, None) => None,
        };
        let webhook = match (self.webhook, &env.webhook_url) {
            (Some(parsed), _) => Some(parsed.map_err(|reason| bad_webhook("webhook_url", reason))?),
            (None, Some(url)) => Some(
                WebhookUrl::parse(url.expose_secret())
                    .map_err(|reason| bad_webhook(env::DISCORD_WEBHOOK_URL, reason))?,
            ),
            (None, None) => None,
        };
        let mut webhooks = BTreeMap::new();
        for (name, parsed) in self.webhooks {
            check::name("named_webhook", &name)?;
            let url = parsed.map_err(|reason| bad_webhook(&format!("webhooks.{name}"), reason))?;
            webhooks.insert(name, url);
        }
        let api_version = match (self.api_version, &env.api_version) {
            (Some(version), _) => check::api_version("api_version", version)?,
            (None, Some(text)) => check::api_version_text(env::DISCORD_API_VERSION, text)?,
            (None, None) => DEFAULT_API_VERSION,
        };
        let base_url = match (&self.base_url, &env.api_base) {
            (Some(url), _) => check::base_url("base_url", url, allow_plain_http)?,
            (None, Some(url)) => check::base_url(env::DISCORD_API_BASE, url, allow_plain_http)?,
            (None, None) => DEFAULT_BASE_URL.to_owned(),
        };
        let simulation = match (self.simulation, &env.simulation) {
            (Some(simulation), _) => simulation,
            (None, Some(text)) => Simulation::parse(text)
                .map_err(|problem| check::invalid(env::BUGLE_SIMULATION, problem))?,
            (None, None) => Simulation::Disabled,
        };
        let user_agent = match self.user_agent {
            Some(agent) => check::user_agent("user_agent", &agent)?,
            None => default_user_agent(),
        };
        let request_timeout = check::positive(
            "request_timeout",
            self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
        )?;
        let operation_timeout = check::positive(
            "operation_timeout",
            self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
        )?;
        if request_timeout > operation_timeout {
            return Err(check::invalid(
                "request_timeout",
                "must not be longer than operation_timeout; shorten it or raise operation_timeout",
            ));
        }
        let validation = match self.max_file_size {
            Some(bytes) => {
                check::positive_bytes("max_file_size", bytes)?;
                ValidationContext::new()
                    .with_max_file_bytes(bytes)
                    .with_max_request_bytes(bytes.max(REQUEST_MAX_BYTES))
            }
            None => ValidationContext::new(),
        };
        let shared_limits = shared_limits(
            self.shared_store,
            self.shared_limits,
            self.redis_url,
            self.redis_prefix,
            &env,
        )?;
        let mut routes = ChannelRoutes::new();
        for (name, channel) in self.routes {
            check::name("route", &name)?;
            routes.insert(name, channel);
        }
        Ok(DiscordConfig {
            bot_token,
            webhook,
            webhooks,
            api_version,
            base_url,
            user_agent,
            request_timeout,
            operation_timeout,
            max_rate_limit_wait: self.max_rate_limit_wait,
            retry_policy: self
                .retry_policy
                .unwrap_or_else(|| Arc::new(DefaultRetryPolicy::new())),
            rate_limit: self.rate_limit.unwrap_or_default(),
            routes,
            simulation,
            allow_plain_http,
            validation,
            shared_limits,
        })
    }
}

/// The shared store, if any: one given to the builder, or else a Redis URL from the
/// builder or the environment.
fn shared_limits(
    store: Option<Arc<dyn SharedStore>>,
    config: Option<SharedLimitsConfig>,
    redis_url: Option<SecretString>,
    redis_prefix: Option<String>,
    env: &EnvLayer,
) -> Result<Option<SharedLimits>, DiscordError> {
    let config = config.unwrap_or_default();
    if let Some(store) = store {
        return Ok(Some(SharedLimits { store, config }));
    }
    let (url, field) = match (redis_url, &env.redis_url) {
        (Some(url), _) => (url, "redis_url"),
        (None, Some(url)) => (url.clone(), env::BUGLE_REDIS_URL),
        (None, None) => return Ok(None),
    };
    let prefix = redis_prefix
        .or_else(|| env.redis_prefix.clone())
        .unwrap_or_else(|| "bugle".to_owned());
    redis_store(&url, &prefix, field).map(|store| Some(SharedLimits { store, config }))
}

#[cfg(feature = "redis")]
fn redis_store(
    url: &SecretString,
    prefix: &str,
    field: &str,
) -> Result<Arc<dyn SharedStore>, DiscordError> {
    match bugle_ratelimit_redis::LazyRedisStore::new(url.clone(), prefix) {
        Ok(store) => Ok(Arc::new(store)),
        Err(error) => Err(check::invalid(field, error.to_string())),
    }
}

#[cfg(not(feature = "redis"))]
fn redis_store(
    _url: &SecretString,
    _prefix: &str,
    field: &str,
) -> Result<Arc<dyn SharedStore>, DiscordError> {
    Err(check::invalid(
        field,
        "shared limits on Redis need bugle's `redis` feature; build with it, or unset the Redis URL",
    ))
}

fn bad_webhook(field: &str, reason: WebhookUrlError) -> DiscordError {
    DiscordError::new(ErrorKind::InvalidWebhookUrl {
        field: Some(field.to_owned()),
        reason,
    })
}

//! Client configuration: credentials, endpoints, timeouts, retries, rate
//! limits, channel routes and simulation mode.
//!
//! Build one with [`DiscordConfig::builder`]. Values set on the builder win
//! over the environment; [`DiscordConfigBuilder::with_env`] fills only what
//! the builder leaves unset, whatever the order of the calls:
//!
//! ```
//! use std::collections::HashMap;
//! use bugle::DiscordConfig;
//! use bugle_model::id::ChannelId;
//!
//! let env = HashMap::from([
//!     ("DISCORD_API_VERSION", "9"),
//!     ("BUGLE_SIMULATION", "fake"),
//! ]);
//! let config = DiscordConfig::builder()
//!     .api_version(10)
//!     .route("alerts", ChannelId::new(123))
//!     .with_env_from(|name| env.get(name).map(|value| value.to_string()))
//!     .build()?;
//! assert_eq!(config.api_version(), 10); // the builder wins
//! assert_eq!(config.simulation(), &bugle::Simulation::Fake); // the environment fills the rest
//! # Ok::<(), bugle::DiscordError>(())
//! ```
//!
//! `Debug` of a configuration (and of its builder) never shows a token or a
//! webhook URL.

mod builder;
mod check;
pub mod env;
mod simulation;

use std::sync::Arc;
use std::time::Duration;

use bugle_model::id::ChannelId;
use bugle_model::validate::ValidationContext;
use bugle_ratelimit::RateLimitConfig;
use secrecy::SecretString;

pub use builder::DiscordConfigBuilder;
pub use simulation::Simulation;

use crate::error::{Credential, DiscordError, ErrorKind};
use crate::retry::RetryPolicy;
use crate::routing::{ChannelRoutes, ChannelTarget};
use crate::webhook_url::WebhookUrl;

/// The default API base URL (the version is appended).
pub const DEFAULT_BASE_URL: &str = "https://discord.com/api";
/// The default API version.
pub const DEFAULT_API_VERSION: u8 = 10;
/// The default time one attempt (connect, send, read the answer) may take.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The default time a whole operation (queueing, every attempt, every
/// backoff) may take.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// The default `User-Agent`: `DiscordBot (https://github.com/bugle-rs/bugle, <version>)`.
pub fn default_user_agent() -> String {
    format!(
        "DiscordBot (https://github.com/bugle-rs/bugle, {})",
        env!("CARGO_PKG_VERSION")
    )
}

/// A checked client configuration. Cheap to clone.
// Debug is derived: the token is a `SecretString`, whose Debug prints `[REDACTED]`, and
// webhook URLs redact their own token.
#[derive(Clone, Debug)]
pub struct DiscordConfig {
    bot_token: Option<SecretString>,
    webhook: Option<WebhookUrl>,
    webhooks: std::collections::BTreeMap<String, WebhookUrl>,
    api_version: u8,
    base_url: String,
    user_agent: String,
    request_timeout: Duration,
    operation_timeout: Duration,
    max_rate_limit_wait: Option<Duration>,
    retry_policy: Arc<dyn RetryPolicy>,
    rate_limit: RateLimitConfig,
    routes: ChannelRoutes,
    simulation: Simulation,
    allow_plain_http: bool,
    validation: ValidationContext,
    shared_limits: Option<SharedLimits>,
}

/// Rate limits shared with other processes: the store, and how it is used.
#[derive(Clone, Debug)]
pub struct SharedLimits {
    /// The store every process on the token asks.
    pub store: Arc<dyn bugle_ratelimit::SharedStore>,
    /// How it is used (the client fills in its bot token).
    pub config: bugle_ratelimit::SharedLimitsConfig,
}

impl DiscordConfig {
    /// A builder with every default.
    pub fn builder() -> DiscordConfigBuilder {
        DiscordConfigBuilder::new()
    }

    /// The configuration the process environment describes
    /// (`DISCORD_BOT_TOKEN`, `DISCORD_WEBHOOK_URL`, `DISCORD_API_VERSION`,
    /// `DISCORD_API_BASE`, `BUGLE_SIMULATION`, `BUGLE_REDIS_URL`, `BUGLE_REDIS_PREFIX`),
    /// defaults elsewhere.
    ///
    /// # Errors
    ///
    /// A configuration error naming the variable whose value is invalid.
    pub fn from_env() -> Result<Self, DiscordError> {
        Self::builder().with_env().build()
    }

    /// The bot token, if configured.
    pub fn bot_token(&self) -> Option<&SecretString> {
        self.bot_token.as_ref()
    }

    /// The bot token, for operations that need one.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoAuthentication`] when none is configured.
    pub fn require_bot_token(&self) -> Result<&SecretString, DiscordError> {
        self.bot_token.as_ref().ok_or_else(|| {
            DiscordError::new(ErrorKind::NoAuthentication {
                needed: Credential::BotToken,
            })
        })
    }

    /// The default webhook, if configured.
    pub fn webhook(&self) -> Option<&WebhookUrl> {
        self.webhook.as_ref()
    }

    /// The webhook called `name`, if configured.
    pub fn named_webhook(&self, name: &str) -> Option<&WebhookUrl> {
        self.webhooks.get(name)
    }

    /// The names of the named webhooks, sorted.
    pub fn webhook_names(&self) -> Vec<String> {
        self.webhooks.keys().cloned().collect()
    }

    /// The webhook called `name`, or the default webhook when `name` is `None`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoAuthentication`] when no default webhook is configured,
    /// [`ErrorKind::UnknownWebhook`] when no webhook has that name.
    pub fn require_webhook(&self, name: Option<&str>) -> Result<&WebhookUrl, DiscordError> {
        match name {
            None => self.webhook.as_ref().ok_or_else(|| {
                DiscordError::new(ErrorKind::NoAuthentication {
                    needed: Credential::Webhook,
                })
            }),
            Some(name) => self.webhooks.get(name).ok_or_else(|| {
                DiscordError::new(ErrorKind::UnknownWebhook {
                    name: name.to_owned(),
                    known: self.webhook_names(),
                })
            }),
        }
    }

    /// The API version (10 or 9).
    pub fn api_version(&self) -> u8 {
        self.api_version
    }

    /// The API base URL, without the version and without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The versioned API root requests are made under, e.g.
    /// `https://discord.com/api/v10`.
    pub fn api_root(&self) -> String {
        format!("{}/v{}", self.base_url, self.api_version)
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The largest file one upload may carry, in bytes (see
    /// [`DiscordConfigBuilder::max_file_size`]).
    pub fn max_file_size(&self) -> u64 {
        self.validation.max_file_bytes()
    }

    /// What bodies are validated against before they are sent (the file sizes).
    pub fn validation(&self) -> &ValidationContext {
        &self.validation
    }

    /// The time one attempt may take.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The time a whole operation may take, queueing and retries included.
    pub fn operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// The longest a request may wait for a rate-limit permit before it fails
    /// with [`ErrorKind::RateLimitTimeout`]; `None` leaves only the operation
    /// deadline.
    pub fn max_rate_limit_wait(&self) -> Option<Duration> {
        self.max_rate_limit_wait
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &Arc<dyn RetryPolicy> {
        &self.retry_policy
    }

    /// The rate limiter's settings.
    pub fn rate_limit(&self) -> &RateLimitConfig {
        &self.rate_limit
    }

    /// The store rate limits are shared through, when one is configured.
    pub fn shared_limits(&self) -> Option<&SharedLimits> {
        self.shared_limits.as_ref()
    }

    /// The channel routes.
    pub fn routes(&self) -> &ChannelRoutes {
        &self.routes
    }

    /// The channel `target` stands for.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownChannelRoute`] for a route name not configured.
    pub fn resolve_channel(&self, target: &ChannelTarget) -> Result<ChannelId, DiscordError> {
        self.routes.resolve(target)
    }

    /// The simulation mode.
    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// Whether plain `http` base URLs are allowed.
    pub fn allow_plain_http(&self) -> bool {
        self.allow_plain_http
    }
}

#[cfg(test)]
mod tests;

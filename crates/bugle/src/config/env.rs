//! The environment variables the configuration reads.

use std::fmt;

use secrecy::SecretString;

/// Bot token.
pub const DISCORD_BOT_TOKEN: &str = "DISCORD_BOT_TOKEN";
/// Default webhook URL.
pub const DISCORD_WEBHOOK_URL: &str = "DISCORD_WEBHOOK_URL";
/// API version (10 or 9).
pub const DISCORD_API_VERSION: &str = "DISCORD_API_VERSION";
/// API base URL, without the version (e.g. a local proxy).
pub const DISCORD_API_BASE: &str = "DISCORD_API_BASE";
/// Simulation mode: `fake`, `record:PATH`, `replay:PATH` or `off`.
pub const BUGLE_SIMULATION: &str = "BUGLE_SIMULATION";
/// A Redis URL (`redis://[:password@]host[:port][/db]`): share rate limits with every
/// process on the same token through it (needs the `redis` feature).
pub const BUGLE_REDIS_URL: &str = "BUGLE_REDIS_URL";
/// The key prefix in that Redis (default `bugle`), so several bots or environments can
/// share one Redis.
pub const BUGLE_REDIS_PREFIX: &str = "BUGLE_REDIS_PREFIX";

/// The raw values read from the environment; empty values count as unset
/// (CI systems often define a secret variable as empty when it is missing).
#[derive(Default, Clone)]
pub(crate) struct EnvLayer {
    pub(crate) bot_token: Option<SecretString>,
    pub(crate) webhook_url: Option<SecretString>,
    pub(crate) api_version: Option<String>,
    pub(crate) api_base: Option<String>,
    pub(crate) simulation: Option<String>,
    pub(crate) redis_url: Option<SecretString>,
    pub(crate) redis_prefix: Option<String>,
}

impl EnvLayer {
    /// Reads every variable through `lookup`.
    pub(crate) fn read(mut lookup: impl FnMut(&str) -> Option<String>) -> Self {
        let mut get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        Self {
            bot_token: get(DISCORD_BOT_TOKEN).map(SecretString::from),
            webhook_url: get(DISCORD_WEBHOOK_URL).map(SecretString::from),
            api_version: get(DISCORD_API_VERSION),
            api_base: get(DISCORD_API_BASE),
            simulation: get(BUGLE_SIMULATION),
            redis_url: get(BUGLE_REDIS_URL).map(SecretString::from),
            redis_prefix: get(BUGLE_REDIS_PREFIX),
        }
    }
}

impl fmt::Debug for EnvLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvLayer")
            .field("bot_token", &self.bot_token.as_ref().map(|_| "[redacted]"))
            .field(
                "webhook_url",
                &self.webhook_url.as_ref().map(|_| "[redacted]"),
            )
            .field("api_version", &self.api_version)
            .field("api_base", &self.api_base.as_ref().map(|_| "[set]"))
            .field("simulation", &self.simulation)
            .field("redis_url", &self.redis_url.as_ref().map(|_| "[redacted]"))
            .field("redis_prefix", &self.redis_prefix)
            .finish()
    }
}

//! [`DiscordClient`]: every operation, on one request path.
//!
//! An operation resolves its target, validates its body (nothing is sent
//! for invalid input), takes a rate-limit permit, sends through the
//! transport with a per-attempt timeout, reports the answer to the rate
//! limiter, classifies it, retries what can be retried without creating a
//! duplicate, and decodes the answer — all inside the configuration's
//! whole-operation deadline. The transport is whatever the configuration's
//! [`Simulation`](crate::Simulation) asks for, so the path is the same against real Discord, a
//! recording, a replay or a `FakeDiscord`.

mod body;
mod command;
mod dm;
mod headers;
mod interaction;
mod message;
mod reaction;
mod read;
mod request;
mod route;
mod simulation;
mod thread;
mod webhook;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bugle_model::id::{ChannelId, UserId};
use bugle_ratelimit::RateLimiter;
#[cfg(feature = "sim")]
use bugle_sim::fake::FakeDiscord;
use bugle_transport::Transport;
use secrecy::ExposeSecret;

pub use interaction::{INTERACTION_TOKEN_LIFETIME, InteractionWebhook};
pub use reaction::ReactionEmoji;
pub use request::NONCE_DEDUPE_WINDOW;
pub use thread::NewThread;
pub use webhook::{ExecuteWebhookParams, WebhookTarget};

use crate::config::DiscordConfig;
use crate::error::DiscordError;
use crate::telemetry::LabelCache;
use headers::FixedHeaders;
use simulation::Backend;

/// The Discord client: webhooks, channel messages, threads, DMs and
/// reactions, with Discord's rate limits honoured and safe retries.
///
/// Cheap to clone (clones share the transport, the rate limiter and the DM
/// channel cache); `Send + Sync`.
///
/// ```
/// use bugle::{DiscordClient, DiscordConfig, Simulation};
/// use bugle_model::id::ChannelId;
/// use bugle_model::request::CreateMessage;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), bugle::DiscordError> {
/// let config = DiscordConfig::builder().simulation(Simulation::Fake).build()?;
/// let client = DiscordClient::new(config)?;
/// let sent = client
///     .send_message(ChannelId::new(42), CreateMessage::new().content("deploy finished"))
///     .await?;
/// assert_eq!(sent.content, "deploy finished");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DiscordClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: DiscordConfig,
    api_root: String,
    /// The `User-Agent`, and the `Authorization` bot routes are sent with:
    /// the configured token, or in fake and replay modes the fake's token
    /// when none is configured. Built once, for every request.
    headers: FixedHeaders,
    transport: Arc<dyn Transport>,
    backend: Backend,
    limiter: RateLimiter,
    dm_channels: Mutex<HashMap<UserId, ChannelId>>,
    /// The metric labels of each kind of operation, built on first use.
    labels: LabelCache,
}

impl DiscordClient {
    /// A client for `config`, with the transport its [`Simulation`](crate::Simulation) mode asks
    /// for: [`Simulation::Disabled`](crate::Simulation::Disabled) sends to Discord over HTTPS
    /// (`HyperTransport`); [`Simulation::Fake`](crate::Simulation::Fake) answers from an in-process
    /// `FakeDiscord` that creates channels and webhooks on first use;
    /// [`Simulation::Record`](crate::Simulation::Record) sends to Discord and records every exchange
    /// without secrets (write it with [`save_recording`](Self::save_recording));
    /// [`Simulation::Replay`](crate::Simulation::Replay) answers from a cassette and sends nothing.
    ///
    /// In fake and replay modes a missing bot token is not an error: the fake's
    /// own token is used.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) when the HTTPS
    /// transport cannot be built,
    /// [`ErrorKind::SimulationLoad`](crate::ErrorKind::SimulationLoad) when the replay
    /// cassette cannot be read.
    pub fn new(config: DiscordConfig) -> Result<Self, DiscordError> {
        let (transport, backend) = simulation::build(&config)?;
        Ok(Self::assemble(config, transport, backend))
    }

    /// A client that sends through `transport` instead of the one the
    /// configuration's simulation mode names: a `FakeDiscord` a test built, a
    /// proxy, a transport of your own.
    pub fn with_transport(config: DiscordConfig, transport: impl Transport + 'static) -> Self {
        Self::assemble(config, Arc::new(transport), Backend::Custom)
    }

    fn assemble(config: DiscordConfig, transport: Arc<dyn Transport>, backend: Backend) -> Self {
        let bot_token = config
            .bot_token()
            .cloned()
            .or_else(|| backend.fallback_bot_token());
        let limiter = match config.shared_limits() {
            None => RateLimiter::new(config.rate_limit().clone()),
            Some(shared) => {
                let mut sharing = shared.config.clone();
                if let Some(token) = &bot_token {
                    sharing = sharing.with_bot_token(token.expose_secret());
                }
                RateLimiter::with_shared_store(
                    config.rate_limit().clone(),
                    shared.store.clone(),
                    sharing,
                )
            }
        };
        let api_root = config.api_root();
        let headers = FixedHeaders::new(config.user_agent(), bot_token.as_ref());
        Self {
            inner: Arc::new(Inner {
                config,
                api_root,
                headers,
                transport,
                backend,
                limiter,
                dm_channels: Mutex::new(HashMap::new()),
                labels: LabelCache::default(),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DiscordConfig {
        &self.inner.config
    }

    /// Sends what this client still owes a shared rate-limit store (the completions of
    /// its last requests, queued off the request path) and waits for them, at most two
    /// seconds. Call it before the process exits when limits are shared: a completion
    /// lost at exit holds its request's place in its bucket, for every other process,
    /// until the reservation's lease ends (15 s by default). Without shared limits it
    /// returns at once. True when everything reached the store.
    pub async fn flush(&self) -> bool {
        (self.inner.limiter)
            .flush_shared(std::time::Duration::from_secs(2))
            .await
    }

    /// The rate limiter (for [`snapshot`](RateLimiter::snapshot)s of buckets,
    /// queues and global pools).
    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.inner.limiter
    }

    /// The in-process `FakeDiscord` the client answers from, in
    /// [`Simulation::Fake`](crate::Simulation::Fake) mode (to inspect what it received).
    #[cfg(feature = "sim")]
    pub fn fake_discord(&self) -> Option<&FakeDiscord> {
        self.inner.backend.fake()
    }

    /// Writes the exchanges recorded so far to the cassette path of
    /// [`Simulation::Record`](crate::Simulation::Record) (atomically; tokens never reach the file) and
    /// returns the path; `None` in every other mode.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SimulationLoad`](crate::ErrorKind::SimulationLoad) when the file
    /// cannot be written, or when it would still hold a secret (then nothing is written).
    pub fn save_recording(&self) -> Result<Option<PathBuf>, DiscordError> {
        self.inner.backend.save()
    }

    /// In [`Simulation::Replay`](crate::Simulation::Replay) mode, checks that every
    /// interaction of the cassette was replayed: the end of a replay test, which
    /// otherwise would not notice that the code under test stopped sending something it
    /// used to. Always `Ok` in the other modes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SimulationLoad`](crate::ErrorKind::SimulationLoad) naming the recorded
    /// interactions that were never replayed.
    pub fn check_replay_complete(&self) -> Result<(), DiscordError> {
        self.inner.backend.check_replayed()
    }

    /// The channel a target names.
    fn channel(&self, target: &crate::ChannelTarget) -> Result<ChannelId, DiscordError> {
        self.inner.config.resolve_channel(target)
    }
}

/// Shows the configuration (secrets redacted) and the simulation backend;
/// never the transport, whose `Debug` a caller's own transport controls.
impl fmt::Debug for DiscordClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("DiscordClient")
            .field("config", &inner.config)
            .field("api_root", &inner.api_root)
            .field("backend", &inner.backend)
            .finish_non_exhaustive()
    }
}

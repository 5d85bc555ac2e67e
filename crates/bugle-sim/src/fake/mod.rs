//! `FakeDiscord`: an in-memory Discord that implements bugle's [`Transport`].
//!
//! It keeps guilds, channels, threads, DMs, messages, reactions and webhooks; validates
//! bodies the way Discord's servers do and answers with Discord's error bodies; enforces a
//! configurable rate-limit table with real headers and 429s; injects faults from a seed;
//! and can be served over loopback HTTP ([`FakeDiscord::serve`]). Time comes from tokio's
//! clock, so under a paused clock and a fixed seed every run is the same.
//!
//! ```
//! # async fn demo() {
//! use bugle_sim::fake::FakeDiscord;
//! use bugle_transport::Transport;
//! use bytes::Bytes;
//!
//! let discord = FakeDiscord::builder().bot_token("t0ken").text_channel(42).build();
//! let request = http::Request::post("https://discord.com/api/v10/channels/42/messages")
//!     .header("authorization", "Bot t0ken")
//!     .header("content-type", "application/json")
//!     .body(Bytes::from_static(br#"{"content":"hello"}"#))
//!     .unwrap();
//! let response = discord.send(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(discord.messages(42)[0].content, "hello");
//! # }
//! ```

mod app;
mod config;
mod engine;
mod faults;
mod handlers;
mod inspect;
mod moderate;
mod ratelimit;
mod render;
mod reply;
mod request;
mod route;
mod serve;
mod state;
mod validation;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bugle_transport::{
    Transport, TransportError, TransportErrorKind, TransportFuture, TransportRequest,
};

use crate::clock::SimClock;
use crate::snowflake::SnowflakeGenerator;

pub use app::{ANSWER_DEADLINE, InteractionFailure, InteractionOutcome, ProbeFailure, ShownModal};
pub use config::{ChannelSeed, DEFAULT_BOT_TOKEN, FakeDiscordBuilder, WebhookSeed};
pub use faults::{Delay, FaultConfig, Outage};
pub use inspect::{Counters, RequestRecord};
#[allow(deprecated)]
pub use ratelimit::RateLimitConfig;
pub use ratelimit::{
    BucketRule, CHANNEL_GET_BUCKET, COMMANDS_BUCKET, CURRENT_USER_BUCKET, DM_BUCKET,
    FakeRateLimits, GATEWAY_BOT_BUCKET, MESSAGE_GET_BUCKET, MESSAGE_LIST_BUCKET, MESSAGES_BUCKET,
    REACTIONS_BUCKET, SharedLimit, Sublimit, THREADS_BUCKET, WEBHOOKS_BUCKET,
};
pub use route::RouteKind;
pub use serve::ServeHandle;

use faults::FaultInjector;
use handlers::Settings;
use inspect::RequestRecord as Record;
use ratelimit::limiter::Limiter;
use state::State;

/// Everything that changes, behind one lock (never held across an await).
#[derive(Debug)]
struct World {
    state: State,
    limiter: Limiter,
    faults: FaultInjector,
    counters: Counters,
    log: Vec<Record>,
}

struct Inner {
    settings: Settings,
    clock: SimClock,
    ids: SnowflakeGenerator,
    world: Mutex<World>,
    /// The application's Ed25519 key, which signs the interactions the driver sends.
    signing_key: ed25519_dalek::SigningKey,
    /// The channel interactions happen in, once known.
    interactions_channel: Mutex<Option<u64>>,
}

/// An in-memory Discord. Cheap to clone: clones share one Discord.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
}

impl fmt::Debug for FakeDiscord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeDiscord")
            .field("bot_user_id", &self.inner.settings.bot_id)
            .field("bot_token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl FakeDiscord {
    /// A builder with Discord's default limits, no faults and no channels.
    pub fn builder() -> FakeDiscordBuilder {
        FakeDiscordBuilder::default()
    }

    /// The bot's own user id (the author of bot messages).
    pub fn bot_user_id(&self) -> u64 {
        self.inner.settings.bot_id
    }

    /// The clock the fake runs on.
    pub fn clock(&self) -> SimClock {
        self.inner.clock
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.inner
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Transport for FakeDiscord {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let ip = self.inner.settings.client_ip;
        Box::pin(async move {
            self.handle(request, ip).await.map_err(|engine::Dropped| {
                TransportError::new(
                    TransportErrorKind::Io,
                    true,
                    "the simulated server closed the connection without a response",
                )
            })
        })
    }

    /// `false`: the fake routes by the request's path, as Discord does.
    fn reads_route_template(&self) -> bool {
        false
    }
}

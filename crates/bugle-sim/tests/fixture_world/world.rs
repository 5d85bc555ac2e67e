//! `FakeDiscord` set up with the fixture world, served on loopback, and the `HyperTransport`
//! that talks to it.
//!
//! Shared through `#[path]` by bugle-sim's loopback tests and by the facade's recording
//! program (`crates/bugle/tests/record_fixtures`), so both use the same world. It needs
//! only bugle-sim, bugle-transport, `http` and `time`, and a sibling `constants` module.

use std::net::{Ipv4Addr, SocketAddr};

use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder, ServeHandle};
use bugle_transport::HyperTransport;
use time::OffsetDateTime;

use crate::constants::{
    BOT_TOKEN, FORUM_CHANNEL, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, FRIEND, GUILD, SEED,
    START_UNIX_SECONDS, TEXT_CHANNEL, WEBHOOK, WEBHOOK_TOKEN,
};

/// What can go wrong while setting the world up.
pub(crate) type WorldError = Box<dyn std::error::Error + Send + Sync>;

/// When the fixture world starts.
pub(crate) fn start_time() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(START_UNIX_SECONDS).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A `FakeDiscord` builder with the fixture world: the bot token, a fixed seed and start
/// time, one guild with a text and a forum channel, a webhook on each, and a user to DM.
pub(crate) fn fixture_discord() -> FakeDiscordBuilder {
    FakeDiscord::builder()
        .bot_token(BOT_TOKEN)
        .bot_user(1_200_000_000_000_000_001, "bugle-fixture-bot")
        .seed(SEED)
        .start_time(start_time())
        .guild(GUILD)
        .text_channel(TEXT_CHANNEL)
        .forum_channel(FORUM_CHANNEL)
        .webhook(TEXT_CHANNEL, WEBHOOK, WEBHOOK_TOKEN)
        .webhook(FORUM_CHANNEL, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN)
        .user(FRIEND, "fixture-friend")
}

/// A `HyperTransport` for loopback: plain http allowed, and no timeouts, so that it can run
/// on tokio's paused clock (a paused clock jumps to the next timer whenever the runtime
/// waits, which would fire a timeout while a loopback answer is on its way).
pub(crate) fn loopback_transport() -> Result<HyperTransport, WorldError> {
    Ok(HyperTransport::builder()
        .allow_plain_http(true)
        .connect_timeout(None)
        .request_timeout(None)
        .pool_idle_timeout(None)
        .build()?)
}

/// A `FakeDiscord` served on `127.0.0.1` (any free port).
#[derive(Debug)]
pub(crate) struct Served {
    /// The fake, for inspection.
    pub(crate) discord: FakeDiscord,
    server: ServeHandle,
}

impl Served {
    /// Builds the fake and serves it on loopback.
    pub(crate) async fn start(builder: FakeDiscordBuilder) -> Result<Self, WorldError> {
        let discord = builder.build();
        let server = discord
            .serve(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await?;
        Ok(Self { discord, server })
    }

    /// The API base without a version, `http://127.0.0.1:<port>/api`.
    pub(crate) fn api_base(&self) -> String {
        format!("http://{}/api", self.server.local_addr())
    }

    /// The versioned API base, `http://127.0.0.1:<port>/api/v10`.
    pub(crate) fn base_url(&self) -> String {
        format!("{}/v10", self.api_base())
    }

    /// Stops the server.
    pub(crate) async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

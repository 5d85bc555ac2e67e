//! `FakeDiscord` set up with the fixture world, served on loopback, and the `HyperTransport`
//! that talks to it.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use bugle_sim::fake::{
    BucketRule, FakeDiscord, FakeDiscordBuilder, FaultConfig, MESSAGES_BUCKET, Outage,
    RateLimitConfig, RouteKind, ServeHandle,
};
use bugle_transport::HyperTransport;
use http::StatusCode;
use time::OffsetDateTime;

use crate::client::BoxError;
use crate::constants::{
    BOT_TOKEN, FORUM_CHANNEL, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, FRIEND, GUILD, SEED,
    START_UNIX_SECONDS, TEXT_CHANNEL, WEBHOOK, WEBHOOK_TOKEN,
};

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
pub(crate) fn loopback_transport() -> Result<HyperTransport, BoxError> {
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
    pub(crate) async fn start(builder: FakeDiscordBuilder) -> Result<Self, BoxError> {
        let discord = builder.build();
        let server = discord
            .serve(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await?;
        Ok(Self { discord, server })
    }

    /// The API base, `http://127.0.0.1:<port>/api/v10`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}/api/v10", self.server.local_addr())
    }

    /// Stops the server.
    pub(crate) async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// The fixture world adjusted for the scenario of cassette `name`: a bucket of two
/// messages for the 429 cassette, an outage for the 5xx one.
pub(crate) fn configure(name: &str, builder: FakeDiscordBuilder) -> FakeDiscordBuilder {
    match name {
        "rate_limited_429_then_200" => {
            builder.rate_limits(RateLimitConfig::discord_defaults().bucket(BucketRule::new(
                MESSAGES_BUCKET,
                2,
                Duration::from_secs(2),
                [
                    RouteKind::CreateMessage,
                    RouteKind::EditMessage,
                    RouteKind::DeleteMessage,
                ],
            )))
        }
        "server_error_5xx_then_200" => builder.faults(FaultConfig::none().outage(Outage::new(
            Duration::ZERO,
            Duration::from_millis(500),
            StatusCode::SERVICE_UNAVAILABLE,
        ))),
        _ => builder,
    }
}

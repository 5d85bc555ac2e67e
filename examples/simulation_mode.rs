//! Record a session, then replay it with nothing sent: the way to turn one
//! real run into a test that runs offline, in CI, without a token.
//!
//! Without a token the session is recorded against an in-process
//! `FakeDiscord`; with `DISCORD_BOT_TOKEN` and `DISCORD_CHANNEL_ID` set it is
//! recorded against Discord itself. The cassette goes to a temporary
//! directory and never holds the token.
//!
//! ```sh
//! cargo run -p bugle --example simulation_mode
//! ```

use std::path::Path;
use std::sync::Arc;

use bugle::{DiscordClient, DiscordConfig, DiscordError, Simulation};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, EditMessage};
use bugle_sim::cassette::Recorder;
use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord};

/// The code under test: a deploy notice, updated when the deploy finishes.
async fn announce_deploy(
    client: &DiscordClient,
    channel: ChannelId,
) -> Result<String, DiscordError> {
    let notice = client
        .send_message(
            channel,
            CreateMessage::new().content("deploying web-app v2.14.0"),
        )
        .await?;
    let done = client
        .edit_message(
            channel,
            notice.id,
            EditMessage::new().content("deployed web-app v2.14.0"),
        )
        .await?;
    Ok(done.content)
}

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let dir = std::env::temp_dir().join(format!("bugle-simulation-example-{}", std::process::id()));
    let cassette = dir.join("deploy.json");
    let live_channel = std::env::var("DISCORD_CHANNEL_ID")
        .ok()
        .and_then(|id| id.parse().ok())
        .and_then(ChannelId::new_checked)
        .filter(|_| std::env::var_os("DISCORD_BOT_TOKEN").is_some());
    let channel = live_channel.unwrap_or(ChannelId::new(1_200_000_000_000_000_001));

    // 1. Record.
    if live_channel.is_some() {
        // Against Discord: the client records every exchange, redacted.
        let config = DiscordConfig::builder()
            .with_env()
            .simulation(Simulation::Record(cassette.clone()))
            .build()?;
        let client = DiscordClient::new(config)?;
        println!(
            "recorded against discord: {}",
            announce_deploy(&client, channel).await?
        );
        client.save_recording()?;
    } else {
        // Against an in-process FakeDiscord wrapped in a Recorder.
        let fake = FakeDiscord::builder().text_channel(channel.get()).build();
        let recorder = Arc::new(Recorder::new(fake).with_secret(DEFAULT_BOT_TOKEN));
        let config = DiscordConfig::builder()
            .bot_token(DEFAULT_BOT_TOKEN)
            .build()?;
        let client = DiscordClient::with_transport(config, Arc::clone(&recorder));
        println!(
            "recorded against a simulated discord: {}",
            announce_deploy(&client, channel).await?
        );
        recorder.save(&cassette).map_err(DiscordError::from)?;
    }
    report(&cassette);

    // 2. Replay: the same calls, answered from the cassette. No token, no network.
    let config = DiscordConfig::builder()
        .simulation(Simulation::Replay(cassette.clone()))
        .build()?;
    let replay = DiscordClient::new(config)?;
    println!("replayed: {}", announce_deploy(&replay, channel).await?);

    // A call the cassette never saw fails with SimulationNoMatch, naming the
    // nearest recorded interactions.
    let error = replay
        .send_dm(
            bugle_model::id::UserId::new(77),
            CreateMessage::new().content("hi"),
        )
        .await
        .expect_err("the cassette holds no DM");
    println!("an unrecorded call: {error}");

    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn report(cassette: &Path) {
    let text = std::fs::read_to_string(cassette).unwrap_or_default();
    println!(
        "cassette: {} bytes, holds the bot token: {}",
        text.len(),
        text.contains(DEFAULT_BOT_TOKEN)
    );
}

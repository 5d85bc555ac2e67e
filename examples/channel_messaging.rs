//! Channel messages with a bot token: send, reply, react, edit, send long
//! text over several messages, and delete.
//!
//! Runs against a simulated Discord unless `DISCORD_BOT_TOKEN` and
//! `DISCORD_CHANNEL_ID` are set:
//!
//! ```sh
//! cargo run -p bugle --example channel_messaging
//! DISCORD_BOT_TOKEN=... DISCORD_CHANNEL_ID=123... cargo run -p bugle --example channel_messaging
//! ```

use std::fmt::Write as _;

use bugle::{DiscordClient, DiscordConfig, DiscordError, Simulation};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, EditMessage};

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let channel = std::env::var("DISCORD_CHANNEL_ID")
        .ok()
        .and_then(|id| id.parse().ok())
        .and_then(ChannelId::new_checked);
    let live = channel.is_some() && std::env::var_os("DISCORD_BOT_TOKEN").is_some();
    let mut config = DiscordConfig::builder().with_env();
    if !live {
        // The simulated Discord accepts any channel id and needs no token.
        config = config.simulation(Simulation::Fake);
    }
    let client = DiscordClient::new(config.build()?)?;
    let channel = channel
        .filter(|_| live)
        .unwrap_or(ChannelId::new(1_100_000_000_000_000_001));
    println!(
        "channel {channel} on {}",
        if live {
            "discord"
        } else {
            "a simulated discord"
        }
    );

    // Each send carries a nonce with enforce_nonce, so a retry after a lost
    // answer cannot post the message twice.
    let first = client
        .send_message(
            channel,
            CreateMessage::new().content("bugle example: deploy started"),
        )
        .await?;
    println!("sent {}", first.id);

    let reply = client
        .reply(
            channel,
            first.id,
            CreateMessage::new().content("build step passed"),
        )
        .await?;
    println!("replied {}", reply.id);

    client.add_reaction(channel, first.id, "\u{1F680}").await?;
    println!("reacted to {}", first.id);

    let edited = client
        .edit_message(
            channel,
            first.id,
            EditMessage::new().content("bugle example: deploy finished"),
        )
        .await?;
    println!("edited {}: {}", edited.id, edited.content);

    // Text longer than 2000 characters goes out as several messages, cut at
    // line boundaries.
    let mut log = String::new();
    for n in 1..=200 {
        let _ = writeln!(log, "step {n:03}: ok");
    }
    let parts = client
        .send_long_message(channel, &log, CreateMessage::new())
        .await?;
    println!(
        "sent a {}-character log as {} messages",
        log.chars().count(),
        parts.len()
    );

    // Deleting is idempotent: deleting a message already gone succeeds.
    client.delete_message(channel, reply.id).await?;
    client.delete_message(channel, reply.id).await?;
    println!("deleted {} (twice, both fine)", reply.id);

    if let Some(fake) = client.fake_discord() {
        println!(
            "the simulated channel now holds {} messages",
            fake.messages(channel.get()).len()
        );
    }
    Ok(())
}

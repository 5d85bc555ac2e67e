//! How to test your own code against `FakeDiscord`: build a simulated
//! Discord with the channels your code expects, hand it to the client as its
//! transport, run your code, then inspect what Discord would hold.
//!
//! `main` walks through it; the `tests` module below is the same thing as
//! tests (`cargo test -p bugle --example testing_with_fakediscord`), on
//! tokio's paused clock so rate-limit waits take no real time.
//!
//! ```sh
//! cargo run -p bugle --example testing_with_fakediscord
//! ```
//!
//! This example never talks to Discord: it is about testing without it.

use bugle::{DiscordClient, DiscordConfig, DiscordError, ErrorKind};
use bugle_model::id::ChannelId;
use bugle_model::request::CreateMessage;
use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord, FaultConfig};

const DEPLOYS: u64 = 1_500_000_000_000_000_001;

/// The code under test: announces a deploy in the `deploys` route.
async fn announce(
    client: &DiscordClient,
    service: &str,
    version: &str,
) -> Result<(), DiscordError> {
    client
        .send_message(
            "deploys",
            CreateMessage::new().content(format!("{service} {version} deployed")),
        )
        .await?;
    Ok(())
}

/// A client for `fake`, configured the way the application configures its own.
fn client_for(fake: &FakeDiscord) -> DiscordClient {
    let config = DiscordConfig::builder()
        .bot_token(DEFAULT_BOT_TOKEN)
        .route("deploys", ChannelId::new(DEPLOYS))
        .build()
        .expect("a valid configuration");
    DiscordClient::with_transport(config, fake.clone())
}

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    // 1. The happy path: the message lands in the channel the route names.
    let fake = FakeDiscord::builder().text_channel(DEPLOYS).build();
    let client = client_for(&fake);
    announce(&client, "web-app", "v2.14.0").await?;
    let stored = fake.messages(DEPLOYS);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].content, "web-app v2.14.0 deployed");
    println!("1. stored in #deploys: {:?}", stored[0].content);

    // 2. Discord's errors: a channel that does not exist answers 404.
    let empty = FakeDiscord::builder().build();
    let error = announce(&client_for(&empty), "web-app", "v2.14.1")
        .await
        .expect_err("no such channel");
    assert!(matches!(error.kind(), ErrorKind::NotFound { .. }));
    println!("2. unknown channel: {error}");

    // 3. Faults: server errors and dropped connections from a seed. Every
    //    message still arrives exactly once (retries carry a nonce that
    //    Discord, and the fake, use to drop duplicates).
    let flaky = FakeDiscord::builder()
        .text_channel(DEPLOYS)
        .seed(7)
        .faults(FaultConfig::none().error_before(0.2).drop_after(0.1))
        .build();
    let client = client_for(&flaky);
    for n in 0..10 {
        announce(&client, "worker", &format!("v1.0.{n}")).await?;
    }
    let counters = flaky.counters();
    assert_eq!(flaky.messages(DEPLOYS).len(), 10);
    println!(
        "3. 10 messages stored once each, through {} injected faults ({} duplicates dropped by nonce)",
        counters.faults_injected, counters.duplicates_prevented
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn announce_posts_to_the_deploys_route() {
        let fake = FakeDiscord::builder().text_channel(DEPLOYS).build();
        announce(&client_for(&fake), "api", "v3")
            .await
            .expect("sent");
        let stored = fake.messages(DEPLOYS);
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].content, "api v3 deployed");
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_waits_for_the_rate_limit_instead_of_drawing_429s() {
        // Discord's default: 5 messages per 5 s per channel. On the paused
        // clock the waits pass instantly.
        let fake = FakeDiscord::builder().text_channel(DEPLOYS).build();
        let client = client_for(&fake);
        for n in 0..12 {
            announce(&client, "batch", &n.to_string())
                .await
                .expect("sent");
        }
        let counters = fake.counters();
        assert_eq!(fake.messages(DEPLOYS).len(), 12);
        assert_eq!(counters.rate_limited_user, 0);
        assert_eq!(counters.invalid_requests, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn unknown_channels_are_not_found() {
        let fake = FakeDiscord::builder().build();
        let error = announce(&client_for(&fake), "api", "v3")
            .await
            .expect_err("404");
        assert!(matches!(error.kind(), ErrorKind::NotFound { .. }));
        assert_eq!(fake.counters().messages_created, 0);
    }
}

//! A `FakeDiscord`, a client on it, and the endpoint under test served on loopback.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};

use bugle::{DiscordClient, DiscordConfig};
use bugle_interactions::{Interactions, InteractionsBuilder};
use bugle_model::command::{CommandDefinition, CommandOptionDefinition, CommandSet};
use bugle_model::id::ApplicationId;
use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder};
use tokio::net::TcpListener;

pub const TOKEN: &str = "Bot-token-for-tests";
pub const CHANNEL: u64 = 1_100_000_000_000_000_001;
pub const USER: u64 = 1_200_000_000_000_000_002;

pub struct Harness {
    pub fake: FakeDiscord,
    pub client: DiscordClient,
    pub errors: Arc<Mutex<Vec<String>>>,
    pub url: String,
}

impl Harness {
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap().clone()
    }
}

pub fn commands() -> CommandSet {
    CommandSet::new([
        CommandDefinition::slash("ping", "Answers pong"),
        CommandDefinition::slash("status", "Slow status"),
        CommandDefinition::slash("silence", "Opens a modal"),
        CommandDefinition::slash("card", "Posts a card with buttons"),
        CommandDefinition::slash("deploy", "Deploys").option(
            CommandOptionDefinition::string("service", "Which")
                .required()
                .autocomplete(),
        ),
        CommandDefinition::slash("nobody", "Has no handler"),
        CommandDefinition::slash("late-modal", "Opens a modal too late"),
        CommandDefinition::slash("secret", "Answers privately, late"),
    ])
}

/// Serves the endpoint `build` makes, registers [`commands`], and points the fake at it.
pub async fn start(build: impl FnOnce(InteractionsBuilder) -> InteractionsBuilder) -> Harness {
    start_with(|fake| fake, build).await
}

/// As [`start`], with the fake's builder adjusted by `fake`.
pub async fn start_with(
    fake: impl FnOnce(FakeDiscordBuilder) -> FakeDiscordBuilder,
    build: impl FnOnce(InteractionsBuilder) -> InteractionsBuilder,
) -> Harness {
    let fake = fake(
        FakeDiscord::builder()
            .bot_token(TOKEN)
            .text_channel(CHANNEL)
            .user(USER, "ana"),
    )
    .build();
    let config = DiscordConfig::builder().bot_token(TOKEN).build().unwrap();
    let client = DiscordClient::with_transport(config, fake.clone());
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = errors.clone();
    let builder = Interactions::builder(&fake.application_public_key(), client.clone())
        .unwrap()
        .on_error(move |error| sink.lock().unwrap().push(error.to_string()));
    let app = build(builder).build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.router("/interactions"))
            .await
            .unwrap();
    });
    let url = format!("http://{addr}/interactions");
    fake.set_interactions_endpoint(&url);
    client
        .overwrite_global_commands(ApplicationId::new(fake.application_id()), &commands())
        .await
        .unwrap();
    Harness {
        fake,
        client,
        errors,
        url,
    }
}

//! Record mode through the configuration: `DiscordClient::new` with
//! `Simulation::Record` sends over its own `HyperTransport` (here to
//! `FakeDiscord` served on loopback) and `save_recording` writes a cassette
//! that holds no token and replays through `Simulation::Replay`.

mod client_support;

use bugle::{DiscordClient, ErrorKind, Simulation};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, ExecuteWebhook};
use client_support::{HOOK_TOKEN, TEXT, TOKEN, config_builder, fake_builder, temp_dir};

#[tokio::test]
async fn record_mode_saves_a_cassette_without_tokens_that_replays() {
    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let dir = temp_dir("record");
    let path = dir.join("session.json");
    let config = config_builder()
        .base_url(format!("http://{}/api", server.local_addr()))
        .allow_plain_http(true)
        .simulation(Simulation::Record(path.clone()))
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("client");
    assert!(
        client.fake_discord().is_none(),
        "record mode sends over http"
    );

    let sent = client
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new().content("recorded"),
        )
        .await
        .expect("sent");
    client
        .execute_webhook(ExecuteWebhook::new().content("recorded hook"))
        .await
        .expect("executed");
    server.shutdown().await;
    assert_eq!(
        fake.messages(TEXT).len(),
        2,
        "the requests reached the server"
    );

    let saved = client.save_recording().expect("saved");
    assert_eq!(saved.as_deref(), Some(path.as_path()));
    let text = std::fs::read_to_string(&path).expect("the cassette was written");
    assert!(!text.contains(TOKEN), "the bot token was recorded");
    assert!(!text.contains(HOOK_TOKEN), "the webhook token was recorded");
    assert!(!text.to_ascii_lowercase().contains("authorization"));
    assert!(text.contains("{webhook_token}"));

    // The cassette answers the same calls in replay mode, sending nothing.
    let replay = DiscordClient::new(
        config_builder()
            .simulation(Simulation::Replay(path))
            .build()
            .expect("config"),
    )
    .expect("the cassette loads");
    let replayed = replay
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new().content("recorded"),
        )
        .await
        .expect("replayed");
    assert_eq!(replayed.content, sent.content);
    replay
        .execute_webhook(ExecuteWebhook::new().content("recorded hook"))
        .await
        .expect("replayed");
    replay
        .check_replay_complete()
        .expect("every interaction used");
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[tokio::test]
async fn save_recording_is_none_outside_record_mode() {
    let client = DiscordClient::new(
        config_builder()
            .simulation(Simulation::Fake)
            .build()
            .expect("config"),
    )
    .expect("client");
    assert_eq!(client.save_recording().expect("nothing to save"), None);
}

#[tokio::test]
async fn a_replay_of_a_missing_cassette_fails_to_load() {
    let dir = temp_dir("missing");
    let error = DiscordClient::new(
        config_builder()
            .simulation(Simulation::Replay(dir.join("absent.json")))
            .build()
            .expect("config"),
    )
    .expect_err("no cassette");
    assert!(
        matches!(error.kind(), ErrorKind::SimulationLoad { .. }),
        "{error:?}"
    );
    std::fs::remove_dir_all(dir).expect("clean up");
}

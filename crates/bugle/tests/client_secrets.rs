//! No token and no webhook token ever reaches a log line, a span, or the
//! `Debug`/`Display` of a configuration, client or error — while operations
//! run, succeed and fail.

mod client_support;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use bugle::{DiscordError, ErrorKind, ExecuteWebhookParams};
use bugle_model::id::{ChannelId, MessageId, UserId};
use bugle_model::request::{CreateMessage, EditWebhookMessage, ExecuteWebhook};
use bugle_sim::fake::FaultConfig;
use client_support::{
    FRIEND, HOOK, HOOK_TOKEN, TEXT, TOKEN, config_builder, fake_builder, setup_with,
};
use tracing_subscriber::fmt::MakeWriter;

/// A tracing writer into a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn assert_clean(what: &str, shown: &str) {
    for secret in [TOKEN, HOOK_TOKEN, "S3CRET"] {
        assert!(!shown.contains(secret), "{what} leaked {secret:?}: {shown}");
    }
}

fn renderings(error: &DiscordError) -> Vec<String> {
    let mut shown = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push(cause.to_string());
        shown.push(format!("{cause:?}"));
        source = cause.source();
    }
    shown
}

#[tokio::test(start_paused = true)]
async fn operations_at_trace_level_never_show_a_secret() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (client, errors) = run_operations().await;
    assert!(errors.len() >= 5, "failures happened: {}", errors.len());
    assert!(
        errors
            .iter()
            .any(|e| matches!(e.kind(), ErrorKind::NotFound { .. })),
        "{errors:?}"
    );
    for error in &errors {
        for shown in renderings(error) {
            assert_clean("error", &shown);
        }
    }
    assert_clean("client debug", &format!("{client:?}"));
    assert_clean("client debug", &format!("{client:#?}"));
    assert_clean("config debug", &format!("{:#?}", client.config()));

    let logs = buffer.text();
    assert!(
        logs.contains("discord.request"),
        "spans were recorded: {logs}"
    );
    assert!(
        logs.contains("/webhooks/{webhook_id}"),
        "webhook routes were traced"
    );
    assert!(
        !logs.contains(&format!("/webhooks/{HOOK}/")),
        "no concrete webhook path in logs"
    );
    assert_clean("trace output", &logs);
}

/// Runs operations that succeed, retry and fail in every family; returns the
/// client and the errors.
async fn run_operations() -> (bugle::DiscordClient, Vec<DiscordError>) {
    let faults = FaultConfig::none().error_before(0.2).drop_after(0.1);
    let (client, _fake, _spy) = setup_with(fake_builder().seed(3).faults(faults), config_builder());
    let mut errors = Vec::new();
    let text = ChannelId::new(TEXT);
    let mut record = |result: Result<(), DiscordError>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    for n in 0..10 {
        record(
            client
                .send_message(text, CreateMessage::new().content(format!("m{n}")))
                .await
                .map(drop),
        );
        let hooked = client
            .execute_webhook(ExecuteWebhook::new().content(format!("w{n}")))
            .await;
        if let Ok(Some(message)) = &hooked {
            record(
                client
                    .edit_webhook_message(
                        bugle::WebhookTarget::default(),
                        message.id,
                        EditWebhookMessage::new().content("edited"),
                    )
                    .await
                    .map(drop),
            );
        }
        record(hooked.map(drop));
    }
    record(
        client
            .send_dm(UserId::new(FRIEND), CreateMessage::new().content("dm"))
            .await
            .map(drop),
    );
    // Failures of every family.
    record(
        client
            .delete_message(ChannelId::new(9_999), MessageId::new(1))
            .await,
    );
    record(
        client
            .send_message("nowhere", CreateMessage::new().content("x"))
            .await
            .map(drop),
    );
    record(
        client
            .send_message(text, CreateMessage::new().content("x".repeat(3000)))
            .await
            .map(drop),
    );
    record(
        client
            .execute_webhook(
                ExecuteWebhookParams::new(ExecuteWebhook::new().content("x")).target("none"),
            )
            .await
            .map(drop),
    );
    let (wrong, _fake, _spy) =
        setup_with(fake_builder(), config_builder().bot_token("wrong.token.x"));
    record(
        wrong
            .send_message(text, CreateMessage::new().content("x"))
            .await
            .map(drop),
    );

    (client, errors)
}

/// The same over the network: the client's own `HyperTransport` to
/// `FakeDiscord` served on loopback, so hyper, the connection pool and the
/// transport run under the TRACE subscriber too (one thread, so every task
/// logs into it).
#[tokio::test]
async fn the_hyper_transport_at_trace_level_never_shows_a_secret() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let config = config_builder()
        .base_url(format!("http://{}/api", server.local_addr()))
        .allow_plain_http(true)
        .build()
        .expect("config");
    let client = bugle::DiscordClient::new(config).expect("client");
    client
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new().content("over http"),
        )
        .await
        .expect("sent");
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("hook over http"))
        .await
        .expect("executed")
        .expect("message");
    client
        .delete_webhook_message(bugle::WebhookTarget::default(), hooked.id)
        .await
        .expect("deleted");
    let error = client
        .send_message(ChannelId::new(4_040), CreateMessage::new().content("x"))
        .await
        .expect_err("unknown channel");
    server.shutdown().await;

    for shown in renderings(&error) {
        assert_clean("error", &shown);
    }
    let logs = buffer.text();
    assert!(
        logs.contains("discord.request"),
        "spans were recorded: {logs}"
    );
    assert_clean("trace output", &logs);
}

//! End to end over loopback HTTP: the client's own `HyperTransport` (built
//! from the configuration) talking to `FakeDiscord` served on 127.0.0.1.

mod client_support;

use bugle::{DiscordClient, ErrorKind};
use bugle_model::id::{ChannelId, UserId};
use bugle_model::request::{AttachmentFile, CreateMessage, ExecuteWebhook};
use client_support::{FRIEND, TEXT, config_builder, fake_builder};

#[tokio::test]
async fn operations_work_over_loopback_http() {
    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let addr = server.local_addr();
    // The webhook URL keeps Discord's shape; requests go to the base URL
    // with its id and token.
    let config = config_builder()
        .base_url(format!("http://{addr}/api"))
        .allow_plain_http(true)
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("client");
    let text = ChannelId::new(TEXT);

    let sent = client
        .send_message(
            text,
            CreateMessage::new()
                .content("over the wire")
                .file(AttachmentFile::new("a.txt", b"bytes".to_vec())),
        )
        .await
        .expect("sent");
    assert_eq!(sent.content, "over the wire");
    assert_eq!(sent.attachments.len(), 1);

    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("via webhook"))
        .await
        .expect("executed")
        .expect("message");
    client
        .add_reaction(text, hooked.id, "🚀")
        .await
        .expect("reacted");
    client
        .send_dm(UserId::new(FRIEND), CreateMessage::new().content("psst"))
        .await
        .expect("dm");
    client.delete_message(text, sent.id).await.expect("deleted");

    let error = client
        .send_message(ChannelId::new(4_040), CreateMessage::new().content("x"))
        .await
        .expect_err("unknown channel");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );

    let contents: Vec<String> = fake.messages(TEXT).into_iter().map(|m| m.content).collect();
    assert_eq!(contents, ["via webhook"]);
    assert_eq!(fake.reactions(TEXT, hooked.id.get()).len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn plain_http_needs_the_opt_in() {
    let error = config_builder()
        .base_url("http://127.0.0.1:9/api")
        .build()
        .expect_err("plain http refused");
    assert!(
        matches!(error.kind(), ErrorKind::InvalidConfig { .. }),
        "{error:?}"
    );
}

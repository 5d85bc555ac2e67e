//! Webhook operations against `FakeDiscord`.

mod client_support;

use bugle::{DiscordClient, DiscordConfig, ErrorKind, ExecuteWebhookParams, WebhookTarget};
use bugle_model::id::ChannelId;
use bugle_model::request::{AttachmentFile, CreateThread, EditWebhookMessage, ExecuteWebhook};
use client_support::{FORUM, FORUM_HOOK, HOOK, HOOK_TOKEN, TEXT, fake_builder, setup, webhook};

#[tokio::test(start_paused = true)]
async fn execute_waits_by_default_and_sends_no_authorization() {
    let (client, fake, spy) = setup();
    let message = client
        .execute_webhook(ExecuteWebhook::new().content("disk full on db-1"))
        .await
        .expect("sent")
        .expect("wait=true returns the message");
    assert_eq!(message.content, "disk full on db-1");
    assert_eq!(message.webhook_id.map(bugle_model::id::Id::get), Some(HOOK));
    let request = spy.last();
    assert_eq!(
        request.path_and_query,
        format!("/api/v10/webhooks/{HOOK}/{HOOK_TOKEN}?wait=true")
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(
        request.json()["allowed_mentions"],
        serde_json::json!({"parse": []})
    );
    assert_eq!(fake.messages(TEXT).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn fire_and_forget_returns_none() {
    let (client, fake, spy) = setup();
    let result = client
        .execute_webhook(
            ExecuteWebhookParams::new(ExecuteWebhook::new().content("ping")).fire_and_forget(),
        )
        .await
        .expect("sent");
    assert!(result.is_none());
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/webhooks/{HOOK}/{HOOK_TOKEN}")
    );
    assert_eq!(fake.messages(TEXT)[0].content, "ping");
}

#[tokio::test(start_paused = true)]
async fn username_avatar_and_files_are_sent() {
    let (client, fake, spy) = setup();
    let message = client
        .execute_webhook(
            ExecuteWebhook::new()
                .content("nightly")
                .username("ci-bot")
                .avatar_url("https://example.com/ci.png")
                .file(AttachmentFile::new("log.txt", b"ok".to_vec())),
        )
        .await
        .expect("sent")
        .expect("message");
    assert_eq!(message.author.username, "ci-bot");
    assert_eq!(
        fake.webhook_avatar_url(message.id.get()).as_deref(),
        Some("https://example.com/ci.png")
    );
    assert_eq!(message.attachments.len(), 1);
    assert!(
        spy.last()
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("multipart/form-data"))
    );
}

#[tokio::test(start_paused = true)]
async fn thread_id_posts_into_a_thread() {
    let (client, fake, spy) = setup();
    let thread = client
        .create_thread(ChannelId::new(TEXT), CreateThread::public("incident 42"))
        .await
        .expect("thread");
    client
        .execute_webhook(
            ExecuteWebhookParams::new(ExecuteWebhook::new().content("update")).in_thread(thread.id),
        )
        .await
        .expect("sent");
    assert!(
        spy.last()
            .path_and_query
            .ends_with(&format!("?wait=true&thread_id={}", thread.id))
    );
    assert_eq!(fake.thread_messages(thread.id.get())[0].content, "update");
}

#[tokio::test(start_paused = true)]
async fn thread_name_creates_a_forum_post_through_a_named_webhook() {
    let (client, fake, _spy) = setup();
    let message = client
        .execute_webhook(
            ExecuteWebhookParams::new(
                ExecuteWebhook::new()
                    .content("login fails on safari")
                    .thread_name("bug: login"),
            )
            .target("forum"),
        )
        .await
        .expect("sent")
        .expect("message");
    let posts = fake.threads(FORUM);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].name.as_deref(), Some("bug: login"));
    assert_eq!(message.channel_id, posts[0].id);
    assert_eq!(
        message.webhook_id.map(bugle_model::id::Id::get),
        Some(FORUM_HOOK)
    );
}

#[tokio::test(start_paused = true)]
async fn edit_and_delete_a_webhook_message() {
    let (client, fake, spy) = setup();
    let message = client
        .execute_webhook(ExecuteWebhook::new().content("deploying"))
        .await
        .expect("sent")
        .expect("message");
    let edited = client
        .edit_webhook_message(
            WebhookTarget::default(),
            message.id,
            EditWebhookMessage::new().content("deployed"),
        )
        .await
        .expect("edited");
    assert_eq!(edited.content, "deployed");
    assert_eq!(spy.last().method, http::Method::PATCH);
    assert_eq!(spy.last().header("authorization"), None);

    client
        .delete_webhook_message(webhook(HOOK), message.id)
        .await
        .expect("deleted");
    assert_eq!(spy.last().method, http::Method::DELETE);
    assert!(fake.messages(TEXT).is_empty());
}

#[tokio::test(start_paused = true)]
async fn missing_webhooks_are_configuration_errors() {
    let fake = fake_builder().build();
    let config = DiscordConfig::builder().build().expect("config");
    let client = DiscordClient::with_transport(config, fake.clone());
    let error = client
        .execute_webhook(ExecuteWebhook::new().content("x"))
        .await
        .expect_err("no webhook");
    assert!(
        matches!(error.kind(), ErrorKind::NoAuthentication { .. }),
        "{error:?}"
    );
    let error = client
        .execute_webhook(
            ExecuteWebhookParams::new(ExecuteWebhook::new().content("x")).target("ops"),
        )
        .await
        .expect_err("unknown webhook");
    assert!(
        matches!(error.kind(), ErrorKind::UnknownWebhook { .. }),
        "{error:?}"
    );
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn invalid_webhook_messages_are_not_sent() {
    let (client, fake, _spy) = setup();
    let error = client
        .execute_webhook(
            ExecuteWebhook::new()
                .content("x")
                .username("discord helper"),
        )
        .await
        .expect_err("invalid username");
    let ErrorKind::Validation { message } = error.kind() else {
        panic!("wrong kind: {error:?}");
    };
    assert!(message.contains("username"), "{message}");
    let error = client
        .execute_webhook(ExecuteWebhook::new())
        .await
        .expect_err("empty");
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
    assert_eq!(fake.counters().requests, 0);
}

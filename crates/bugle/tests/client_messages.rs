//! Channel messages against `FakeDiscord`: what is sent, what comes back.

mod client_support;

use bugle::ErrorKind;
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::{AllowedMentions, AttachmentFile, CreateMessage, EditMessage};
use client_support::{OTHER, TEXT, TOKEN, setup};

#[tokio::test(start_paused = true)]
async fn send_message_sends_bot_auth_nonce_and_no_pings() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new().content("hello @everyone"),
        )
        .await
        .expect("sent");

    assert_eq!(sent.content, "hello @everyone");
    assert_eq!(sent.channel_id, ChannelId::new(TEXT));
    let request = spy.last();
    assert_eq!(request.method, http::Method::POST);
    assert_eq!(
        request.path_and_query,
        format!("/api/v10/channels/{TEXT}/messages")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bot {TOKEN}").as_str())
    );
    assert!(
        request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("DiscordBot ("))
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body = request.json();
    assert_eq!(body["allowed_mentions"], serde_json::json!({"parse": []}));
    assert_eq!(body["enforce_nonce"], true);
    assert!(
        body["nonce"]
            .as_str()
            .is_some_and(|n| !n.is_empty() && n.len() <= 25)
    );
    assert_eq!(fake.messages(TEXT).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn caller_mentions_and_nonce_are_kept() {
    let (client, _fake, spy) = setup();
    client
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new()
                .content("hi")
                .allowed_mentions(AllowedMentions::all())
                .nonce("my-nonce", true),
        )
        .await
        .expect("sent");
    let body = spy.last().json();
    assert_eq!(body["nonce"], "my-nonce");
    assert_ne!(body["allowed_mentions"], serde_json::json!({"parse": []}));
}

#[tokio::test(start_paused = true)]
async fn route_names_resolve_to_their_channels() {
    let (client, fake, _spy) = setup();
    client
        .send_message("deploys", CreateMessage::new().content("v1.2 shipped"))
        .await
        .expect("sent");
    assert_eq!(fake.messages(OTHER)[0].content, "v1.2 shipped");
    assert!(fake.messages(TEXT).is_empty());
}

#[tokio::test(start_paused = true)]
async fn unknown_route_names_the_known_ones_and_sends_nothing() {
    let (client, fake, _spy) = setup();
    let error = client
        .send_message("general", CreateMessage::new().content("x"))
        .await
        .expect_err("unknown route");
    let ErrorKind::UnknownChannelRoute { name, known } = error.kind() else {
        panic!("wrong kind: {error:?}");
    };
    assert_eq!(name, "general");
    assert_eq!(known, &["alerts".to_owned(), "deploys".to_owned()]);
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn invalid_messages_are_refused_naming_every_field_and_nothing_is_sent() {
    let (client, fake, _spy) = setup();
    let embed = bugle_model::embed::Embed {
        title: Some("t".repeat(257)),
        ..Default::default()
    };
    let error = client
        .send_message(
            ChannelId::new(TEXT),
            CreateMessage::new().content("x".repeat(2001)).embed(embed),
        )
        .await
        .expect_err("invalid");
    let ErrorKind::Validation { message } = error.kind() else {
        panic!("wrong kind: {error:?}");
    };
    assert!(
        message.contains("content: 2001 chars, at most 2000"),
        "{message}"
    );
    assert!(
        message.contains("embeds[0].title: 257 chars, at most 256"),
        "{message}"
    );
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn reply_references_the_message() {
    let (client, _fake, _spy) = setup();
    let first = client
        .send_message(TEXT_ID, CreateMessage::new().content("question"))
        .await
        .expect("sent");
    let answer = client
        .reply(TEXT_ID, first.id, CreateMessage::new().content("answer"))
        .await
        .expect("sent");
    let reference = answer.message_reference.expect("a reply");
    assert_eq!(reference.message_id, Some(first.id));
}

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

#[tokio::test(start_paused = true)]
async fn edit_message_changes_content_without_pings() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("stage 1"))
        .await
        .expect("sent");
    let edited = client
        .edit_message(
            TEXT_ID,
            sent.id,
            EditMessage::new().content("stage 2 @here"),
        )
        .await
        .expect("edited");
    assert_eq!(edited.content, "stage 2 @here");
    assert_eq!(
        fake.message(sent.id.get()).expect("stored").content,
        "stage 2 @here"
    );
    let request = spy.last();
    assert_eq!(request.method, http::Method::PATCH);
    assert_eq!(
        request.path_and_query,
        format!("/api/v10/channels/{TEXT}/messages/{}", sent.id)
    );
    assert_eq!(
        request.json()["allowed_mentions"],
        serde_json::json!({"parse": []})
    );
}

#[tokio::test(start_paused = true)]
async fn delete_message_is_idempotent() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("oops"))
        .await
        .expect("sent");
    client
        .delete_message(TEXT_ID, sent.id)
        .await
        .expect("deleted");
    assert!(fake.message(sent.id.get()).is_none());
    client
        .delete_message(TEXT_ID, sent.id)
        .await
        .expect("already deleted counts as deleted");
    assert_eq!(spy.last().method, http::Method::DELETE);
    assert_eq!(spy.sent().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn delete_with_reason_sends_the_audit_log_header() {
    let (client, _fake, spy) = setup();
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("spam"))
        .await
        .expect("sent");
    client
        .delete_message_with_reason(TEXT_ID, sent.id, "clean up: spam ✓")
        .await
        .expect("deleted");
    assert_eq!(
        spy.last().header("x-audit-log-reason"),
        Some("clean up%3A spam %E2%9C%93")
    );
    let error = client
        .delete_message_with_reason(TEXT_ID, sent.id, "")
        .await
        .expect_err("empty reason");
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
}

#[tokio::test(start_paused = true)]
async fn deleting_in_an_unknown_channel_is_not_found() {
    let (client, _fake, _spy) = setup();
    let error = client
        .delete_message(ChannelId::new(999), MessageId::new(5))
        .await
        .expect_err("unknown channel");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.discord_code(),
        Some(bugle::JsonErrorCode::UNKNOWN_CHANNEL)
    );
}

#[tokio::test(start_paused = true)]
async fn files_go_as_multipart_with_payload_json() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(
            TEXT_ID,
            CreateMessage::new()
                .content("report attached")
                .file(AttachmentFile::new("report.txt", b"all green".to_vec())),
        )
        .await
        .expect("sent");
    let request = spy.last();
    let content_type = request.header("content-type").expect("content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("name=\"payload_json\""));
    assert!(body.contains("name=\"files[0]\"; filename=\"report.txt\""));
    assert!(body.contains("all green"));
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(fake.messages(TEXT)[0].attachments[0].filename, "report.txt");
}

#[tokio::test(start_paused = true)]
async fn long_text_is_split_over_several_messages_in_order() {
    let (client, fake, _spy) = setup();
    let line = "a line of the build log that is long enough to matter\n";
    let text = line.repeat(100);
    let sent = client
        .send_long_message(TEXT_ID, &text, CreateMessage::new())
        .await
        .expect("sent");
    assert!(sent.len() >= 3, "{} messages", sent.len());
    assert!(sent.iter().all(|m| m.content.chars().count() <= 2000));
    let stored: String = fake
        .messages(TEXT)
        .iter()
        .map(|m| m.content.clone())
        .collect();
    let joined: String = text.lines().collect();
    assert_eq!(stored.replace('\n', ""), joined);
}

#[tokio::test(start_paused = true)]
async fn send_to_thread_posts_in_the_thread() {
    let (client, fake, _spy) = setup();
    let thread = client
        .create_thread(
            TEXT_ID,
            bugle_model::request::CreateThread::public("pipeline #1"),
        )
        .await
        .expect("thread");
    client
        .send_to_thread(thread.id, CreateMessage::new().content("stage 1 done"))
        .await
        .expect("sent");
    assert_eq!(
        fake.thread_messages(thread.id.get())[0].content,
        "stage 1 done"
    );
}

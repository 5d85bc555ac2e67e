//! Threads, DMs and reactions against `FakeDiscord`.

mod client_support;

use bugle::{ErrorKind, NewThread, ReactionEmoji};
use bugle_model::id::{ChannelId, EmojiId, UserId};
use bugle_model::request::{
    CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage, ForumThreadMessage,
};
use client_support::{FORUM, FRIEND, TEXT, setup};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

#[tokio::test(start_paused = true)]
async fn thread_from_a_message() {
    let (client, fake, spy) = setup();
    let message = client
        .send_message(TEXT_ID, CreateMessage::new().content("pipeline #7 started"))
        .await
        .expect("sent");
    let thread = client
        .create_thread(
            TEXT_ID,
            NewThread::from_message(message.id, CreateThreadFromMessage::new("pipeline #7")),
        )
        .await
        .expect("thread");
    assert_eq!(thread.name.as_deref(), Some("pipeline #7"));
    assert_eq!(thread.parent_id, Some(TEXT_ID));
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/channels/{TEXT}/messages/{}/threads", message.id)
    );
    assert_eq!(fake.threads(TEXT).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn standalone_thread() {
    let (client, fake, spy) = setup();
    let thread = client
        .create_thread("alerts", CreateThread::public("incident 12"))
        .await
        .expect("thread");
    assert!(thread.is_thread());
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/channels/{TEXT}/threads")
    );
    assert_eq!(fake.threads(TEXT)[0].id, thread.id);
}

#[tokio::test(start_paused = true)]
async fn forum_post_carries_its_first_message() {
    let (client, fake, spy) = setup();
    let post = client
        .create_thread(
            ChannelId::new(FORUM),
            CreateForumThread::new(
                "bug: login",
                ForumThreadMessage::content("steps to reproduce"),
            ),
        )
        .await
        .expect("post");
    assert_eq!(post.parent_id, Some(ChannelId::new(FORUM)));
    let first = post.message.expect("the starter message");
    assert_eq!(first.content, "steps to reproduce");
    assert_eq!(
        spy.last().json()["message"]["allowed_mentions"],
        serde_json::json!({"parse": []})
    );
    assert_eq!(fake.thread_messages(post.id.get()).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn invalid_thread_names_are_not_sent() {
    let (client, fake, _spy) = setup();
    let error = client
        .create_thread(TEXT_ID, CreateThread::public("n".repeat(101)))
        .await
        .expect_err("too long");
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
    assert!(
        error.to_string().contains("name: 101 chars, at most 100"),
        "{error}"
    );
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn send_dm_opens_the_channel_once() {
    let (client, fake, spy) = setup();
    let user = UserId::new(FRIEND);
    let first = client
        .send_dm(user, CreateMessage::new().content("your build failed"))
        .await
        .expect("sent");
    let second = client
        .send_dm(user, CreateMessage::new().content("and now it passed"))
        .await
        .expect("sent");
    assert_eq!(first.channel_id, second.channel_id);
    let opens = spy
        .sent()
        .iter()
        .filter(|r| r.path_and_query == "/api/v10/users/@me/channels")
        .count();
    assert_eq!(opens, 1);
    assert_eq!(spy.sent()[0].json()["recipient_id"], FRIEND.to_string());
    let dm = fake.channel(first.channel_id.get()).expect("dm channel");
    assert_eq!(dm.recipients[0].id, user);
    assert_eq!(fake.messages(first.channel_id.get()).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn create_dm_returns_the_channel() {
    let (client, _fake, _spy) = setup();
    let channel = client.create_dm(UserId::new(FRIEND)).await.expect("dm");
    assert_eq!(channel.recipients.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn unicode_reactions_are_percent_encoded() {
    let (client, fake, spy) = setup();
    let message = client
        .send_message(TEXT_ID, CreateMessage::new().content("deployed"))
        .await
        .expect("sent");
    client
        .add_reaction(TEXT_ID, message.id, "✅")
        .await
        .expect("reacted");
    assert_eq!(
        spy.last().path_and_query,
        format!(
            "/api/v10/channels/{TEXT}/messages/{}/reactions/%E2%9C%85/@me",
            message.id
        )
    );
    assert_eq!(spy.last().method, http::Method::PUT);
    let reactions = fake.reactions(TEXT, message.id.get());
    assert_eq!(reactions.len(), 1);
    assert_eq!(reactions[0].emoji.name.as_deref(), Some("✅"));
    assert!(reactions[0].me);
}

#[tokio::test(start_paused = true)]
async fn custom_reactions_use_name_and_id() {
    let (client, _fake, spy) = setup();
    let message = client
        .send_message(TEXT_ID, CreateMessage::new().content("shipped"))
        .await
        .expect("sent");
    let emoji = ReactionEmoji::Custom {
        name: "shipit".into(),
        id: EmojiId::new(41_771_983_429_993_937),
    };
    // The fake may not know the guild's custom emoji; only the request shape is checked.
    let _ = client.add_reaction(TEXT_ID, message.id, emoji).await;
    assert!(
        spy.last()
            .path_and_query
            .ends_with("/reactions/shipit:41771983429993937/@me")
    );
}

#[tokio::test(start_paused = true)]
async fn empty_emoji_is_refused_locally() {
    let (client, fake, _spy) = setup();
    let error = client
        .add_reaction(TEXT_ID, bugle_model::id::MessageId::new(1), " ")
        .await
        .expect_err("empty");
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
    let report = error.validation().expect("the report is kept");
    assert_eq!(
        report.at("emoji").map(ToString::to_string).as_deref(),
        Some("emoji: 0 chars, at least 1")
    );
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn every_thread_route_sends_the_audit_log_reason() {
    let (client, fake, spy) = setup();
    let message = client
        .send_message(TEXT_ID, CreateMessage::new().content("incident #12"))
        .await
        .expect("sent");
    let threads: [(ChannelId, NewThread); 3] = [
        (
            TEXT_ID,
            NewThread::from_message(message.id, CreateThreadFromMessage::new("incident #12")),
        ),
        (TEXT_ID, CreateThread::public("postmortem").into()),
        (
            ChannelId::new(FORUM),
            CreateForumThread::new("incident #12", ForumThreadMessage::content("timeline")).into(),
        ),
    ];
    for (channel, thread) in threads {
        client
            .create_thread_with_reason(channel, thread, "incident: on-call ✓")
            .await
            .expect("thread");
        let sent = spy.last();
        assert!(
            sent.path_and_query.ends_with("/threads"),
            "{}",
            sent.path_and_query
        );
        assert_eq!(
            sent.header("x-audit-log-reason"),
            Some("incident%3A on-call %E2%9C%93")
        );
    }
    assert_eq!(fake.threads(TEXT).len(), 2);

    let requests = spy.sent().len();
    let error = client
        .create_thread_with_reason(TEXT_ID, CreateThread::public("x"), &"r".repeat(513))
        .await
        .expect_err("reason too long");
    assert!(
        matches!(error.kind(), ErrorKind::Validation { .. }),
        "{error:?}"
    );
    assert_eq!(spy.sent().len(), requests, "nothing was sent");
    client
        .create_thread(TEXT_ID, CreateThread::public("no reason"))
        .await
        .expect("thread");
    assert_eq!(spy.last().header("x-audit-log-reason"), None);
}

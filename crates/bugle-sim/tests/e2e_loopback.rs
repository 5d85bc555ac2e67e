//! Every `FakeDiscord` route end to end: `FakeDiscord` served on `127.0.0.1:0`, bugle's
//! `HyperTransport` (plain http allowed) in front of it, hand-built requests from
//! bugle-model bodies, answers decoded into bugle-model types and checked against
//! `FakeDiscord`'s inspection API.
//!
//! The request-building client and the fixture world live in `tests/fixture_world/`
//! (the world is shared with the facade's fixture recorder through `#[path]`). Tests run on tokio's paused clock; the transport has no
//! timeouts, so the clock only moves when a test sleeps.

#[allow(dead_code)]
#[path = "fixture_world/client.rs"]
mod client;
#[allow(dead_code)]
#[path = "fixture_world/constants.rs"]
mod constants;
#[allow(dead_code)]
#[path = "fixture_world/world.rs"]
mod world;

use std::time::Duration;

use bugle_model::channel::{Channel, ChannelType};
use bugle_model::embed::Embed;
use bugle_model::id::{ChannelId, UserId};
use bugle_model::message::Message;
use bugle_model::request::{
    AttachmentFile, CreateDm, CreateForumThread, CreateMessage, CreateThread,
    CreateThreadFromMessage, EditMessage, EditWebhookMessage, EditWebhookMessageQuery,
    ExecuteWebhook, ExecuteWebhookQuery, ForumThreadMessage,
};
use bugle_sim::fake::RouteKind;
use bugle_transport::HyperTransport;
use http::StatusCode;

use client::{Client, custom_emoji, unicode_emoji};
use constants::{
    CUSTOM_EMOJI_ID, CUSTOM_EMOJI_NAME, FORUM_CHANNEL, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, FRIEND,
    TEXT_CHANNEL, UPLOAD_BYTES, UPLOAD_FILENAME, WEBHOOK, WEBHOOK_TOKEN,
};
use world::{Served, fixture_discord, loopback_transport};

/// The fixture `FakeDiscord` on loopback and a `HyperTransport` pointed at it.
async fn start() -> (Served, HyperTransport) {
    let served = Served::start(fixture_discord()).await.unwrap();
    (served, loopback_transport().unwrap())
}

async fn post(client: &Client<'_>, content: &str) -> Message {
    client
        .create_message(TEXT_CHANNEL, &CreateMessage::new().content(content))
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn webhook_execute_with_and_without_wait() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;

    let quiet = client
        .execute_webhook(
            WEBHOOK,
            WEBHOOK_TOKEN,
            &ExecuteWebhook::new().content("fire and forget"),
            &ExecuteWebhookQuery::new(),
        )
        .await
        .unwrap()
        .expect(StatusCode::NO_CONTENT)
        .unwrap();
    assert!(quiet.body.is_empty());
    assert_eq!(discord.messages(TEXT_CHANNEL)[0].content, "fire and forget");

    let body = ExecuteWebhook::new()
        .content("confirmed")
        .username("CI")
        .avatar_url("https://example.com/ci.png");
    let waited: Message = client
        .execute_webhook(
            WEBHOOK,
            WEBHOOK_TOKEN,
            &body,
            &ExecuteWebhookQuery::new().wait(true),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(waited.channel_id, ChannelId::new(TEXT_CHANNEL));
    assert_eq!(
        waited.webhook_id.map(bugle_model::id::Id::get),
        Some(WEBHOOK)
    );
    assert_eq!(waited.author.username, "CI");
    assert_eq!(
        discord.webhook_avatar_url(waited.id.get()).as_deref(),
        Some("https://example.com/ci.png")
    );
    assert_eq!(discord.messages(TEXT_CHANNEL).len(), 2);
    let log = discord.request_log();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r.route == Some(RouteKind::ExecuteWebhook) && !r.path.contains(WEBHOOK_TOKEN))
    );
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn webhook_execute_into_a_thread_and_as_a_forum_post() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let thread: Channel = client
        .create_thread(TEXT_CHANNEL, &CreateThread::public("deploys"))
        .await
        .unwrap()
        .expect(StatusCode::CREATED)
        .unwrap()
        .decode()
        .unwrap();
    let in_thread: Message = client
        .execute_webhook(
            WEBHOOK,
            WEBHOOK_TOKEN,
            &ExecuteWebhook::new().content("in the thread"),
            &ExecuteWebhookQuery::new().wait(true).thread_id(thread.id),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(in_thread.channel_id, thread.id);
    let thread_messages = discord.thread_messages(thread.id.get());
    assert_eq!(thread_messages.len(), 1);
    assert_eq!(thread_messages[0].id, in_thread.id);
    assert!(
        discord.messages(TEXT_CHANNEL).is_empty(),
        "not in the parent"
    );

    let forum_post: Message = client
        .execute_webhook(
            FORUM_WEBHOOK,
            FORUM_WEBHOOK_TOKEN,
            &ExecuteWebhook::new()
                .content("what changed")
                .thread_name("release notes"),
            &ExecuteWebhookQuery::new().wait(true),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    let posts = discord.threads(FORUM_CHANNEL);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].name.as_deref(), Some("release notes"));
    assert_eq!(forum_post.channel_id, posts[0].id);
    assert_eq!(
        discord.thread_messages(posts[0].id.get())[0].id,
        forum_post.id
    );

    let log = discord.request_log();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|r| !r.path.contains(WEBHOOK_TOKEN) && !r.path.contains(FORUM_WEBHOOK_TOKEN))
    );
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn webhook_message_edit_and_delete() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let message: Message = client
        .execute_webhook(
            WEBHOOK,
            WEBHOOK_TOKEN,
            &ExecuteWebhook::new().content("deploy started"),
            &ExecuteWebhookQuery::new().wait(true),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();

    let edited: Message = client
        .edit_webhook_message(
            WEBHOOK,
            WEBHOOK_TOKEN,
            message.id.get(),
            &EditWebhookMessage::new().content("deploy finished"),
            &EditWebhookMessageQuery::new(),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(edited.id, message.id);
    assert!(edited.edited_timestamp.is_some());
    let stored = discord.message(message.id.get()).unwrap();
    assert_eq!(stored.content, "deploy finished");

    client
        .delete_webhook_message(WEBHOOK, WEBHOOK_TOKEN, message.id.get())
        .await
        .unwrap()
        .expect(StatusCode::NO_CONTENT)
        .unwrap();
    assert!(discord.message(message.id.get()).is_none());
    assert!(discord.messages(TEXT_CHANNEL).is_empty());
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn message_create_reply_edit_and_delete() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let embed = Embed::builder()
        .title("build #418")
        .field("duration", "4m 12s")
        .build();
    let created: Message = client
        .create_message(
            TEXT_CHANNEL,
            &CreateMessage::new().content("hello").embed(embed),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(created.author.id.get(), discord.bot_user_id());
    assert_eq!(created.embeds.len(), 1);
    assert_eq!(created.embeds[0].title.as_deref(), Some("build #418"));

    let reply: Message = client
        .create_message(
            TEXT_CHANNEL,
            &CreateMessage::new().content("a reply").reply_to(created.id),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(
        reply.message_reference.and_then(|r| r.message_id),
        Some(created.id)
    );
    assert_eq!(discord.messages(TEXT_CHANNEL).len(), 2);

    let edited: Message = client
        .edit_message(
            TEXT_CHANNEL,
            created.id.get(),
            &EditMessage::new().content("hello, edited"),
        )
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(edited.content, "hello, edited");
    assert_eq!(
        discord.message(created.id.get()).unwrap().content,
        "hello, edited"
    );

    let deleted = client
        .delete_message(TEXT_CHANNEL, reply.id.get())
        .await
        .unwrap()
        .expect(StatusCode::NO_CONTENT)
        .unwrap();
    assert!(deleted.body.is_empty());
    let left = discord.messages(TEXT_CHANNEL);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, created.id);
    assert_eq!(discord.counters().messages_created, 2);
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn reactions_unicode_and_custom() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let message = post(&client, "react to this").await;

    client
        .add_reaction(TEXT_CHANNEL, message.id.get(), &unicode_emoji("👍"))
        .await
        .unwrap()
        .expect(StatusCode::NO_CONTENT)
        .unwrap();
    // Reactions share a bucket of one per 250 ms per channel.
    tokio::time::sleep(Duration::from_millis(250)).await;
    client
        .add_reaction(
            TEXT_CHANNEL,
            message.id.get(),
            &custom_emoji(CUSTOM_EMOJI_NAME, CUSTOM_EMOJI_ID),
        )
        .await
        .unwrap()
        .expect(StatusCode::NO_CONTENT)
        .unwrap();

    let reactions = discord.reactions(TEXT_CHANNEL, message.id.get());
    assert_eq!(reactions.len(), 2);
    assert_eq!(reactions[0].emoji.name.as_deref(), Some("👍"));
    assert_eq!(reactions[0].emoji.id, None);
    assert_eq!(reactions[1].emoji.name.as_deref(), Some(CUSTOM_EMOJI_NAME));
    assert_eq!(
        reactions[1].emoji.id.map(bugle_model::id::Id::get),
        Some(CUSTOM_EMOJI_ID)
    );
    assert!(reactions.iter().all(|r| r.count == 1 && r.me));
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn threads_from_a_message_standalone_and_forum_posts() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let message = post(&client, "let's discuss").await;

    let from_message: Channel = client
        .create_thread_from_message(
            TEXT_CHANNEL,
            message.id.get(),
            &CreateThreadFromMessage::new("discussion"),
        )
        .await
        .unwrap()
        .expect(StatusCode::CREATED)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(from_message.id.get(), message.id.get());
    assert_eq!(from_message.kind, ChannelType::PublicThread);
    assert_eq!(from_message.parent_id, Some(ChannelId::new(TEXT_CHANNEL)));

    let standalone: Channel = client
        .create_thread(TEXT_CHANNEL, &CreateThread::private("standalone"))
        .await
        .unwrap()
        .expect(StatusCode::CREATED)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(standalone.kind, ChannelType::PrivateThread);
    let threads: Vec<ChannelId> = discord.threads(TEXT_CHANNEL).iter().map(|t| t.id).collect();
    assert_eq!(threads, [from_message.id, standalone.id]);

    let post: Channel = client
        .create_forum_thread(
            FORUM_CHANNEL,
            &CreateForumThread::new("crash on start", ForumThreadMessage::content("steps")),
        )
        .await
        .unwrap()
        .expect(StatusCode::CREATED)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(post.parent_id, Some(ChannelId::new(FORUM_CHANNEL)));
    let starter = post.message.expect("a post carries its first message");
    assert_eq!(starter.id.get(), post.id.get());
    let in_post = discord.thread_messages(post.id.get());
    assert_eq!(in_post.len(), 1);
    assert_eq!(in_post[0].content, "steps");
    assert_eq!(discord.threads(FORUM_CHANNEL).len(), 1);
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn dm_channel_create_and_send() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let open = || async {
        client
            .create_dm(&CreateDm::new(UserId::new(FRIEND)))
            .await
            .unwrap()
            .expect(StatusCode::OK)
            .unwrap()
            .decode::<Channel>()
            .unwrap()
    };
    let dm = open().await;
    assert_eq!(dm.kind, ChannelType::Dm);
    assert_eq!(
        dm.recipients.iter().map(|u| u.id.get()).collect::<Vec<_>>(),
        [FRIEND]
    );
    assert_eq!(open().await.id, dm.id, "the same DM for the same recipient");

    let sent: Message = client
        .create_message(dm.id.get(), &CreateMessage::new().content("hi there"))
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(sent.channel_id, dm.id);
    let stored = discord.messages(dm.id.get());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].content, "hi there");
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn multipart_upload_with_payload_json_and_a_file() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    let file = AttachmentFile::new(UPLOAD_FILENAME, UPLOAD_BYTES).description("the log");
    let request = client
        .create_message_request(
            TEXT_CHANNEL,
            &CreateMessage::new().content("log attached").file(file),
        )
        .unwrap();
    let content_type = request.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="));

    let message: Message = client
        .send(request)
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!(message.content, "log attached");
    let [attachment] = message.attachments.as_slice() else {
        panic!("one attachment expected: {:?}", message.attachments);
    };
    assert_eq!(attachment.filename, UPLOAD_FILENAME);
    assert_eq!(attachment.size, UPLOAD_BYTES.len() as u64);
    assert_eq!(attachment.description.as_deref(), Some("the log"));
    assert_eq!(attachment.content_type.as_deref(), Some("text/plain"));
    let stored = discord.message(message.id.get()).unwrap();
    assert_eq!(stored.attachments, message.attachments);
    served.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn rate_limit_headers_and_a_429_arrive_over_the_wire() {
    let (served, transport) = start().await;
    let client = Client::new(&transport, served.base_url());
    let discord = &served.discord;
    for i in 0..5 {
        let reply = client
            .create_message(TEXT_CHANNEL, &CreateMessage::new().content(format!("m{i}")))
            .await
            .unwrap()
            .expect(StatusCode::OK)
            .unwrap();
        assert_eq!(reply.headers["x-ratelimit-limit"], "5");
        assert_eq!(
            reply.headers["x-ratelimit-remaining"],
            (4 - i).to_string().as_str()
        );
    }
    let limited = client
        .create_message(TEXT_CHANNEL, &CreateMessage::new().content("m5"))
        .await
        .unwrap()
        .expect(StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    assert_eq!(limited.headers["x-ratelimit-scope"], "user");
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(discord.counters().rate_limited_user, 1);
    assert_eq!(discord.messages(TEXT_CHANNEL).len(), 5);

    tokio::time::sleep(Duration::from_secs(5)).await;
    client
        .create_message(TEXT_CHANNEL, &CreateMessage::new().content("m5"))
        .await
        .unwrap()
        .expect(StatusCode::OK)
        .unwrap();
    assert_eq!(discord.messages(TEXT_CHANNEL).len(), 6);
    served.shutdown().await;
}

//! One scenario per cassette: the requests a client makes for one operation (and what it
//! needs first, e.g. a message to edit), with checks that hold whether the answers come from
//! `FakeDiscord` or from a replayed cassette.
//!
//! The checks use only what a real client could: statuses, decoded bodies, and ids taken
//! from earlier answers (never an id the answer might have replaced with a fresh one).

use bugle_model::channel::{AutoArchiveDuration, Channel, ChannelType};
use bugle_model::embed::Embed;
use bugle_model::id::{ChannelId, UserId};
use bugle_model::message::Message;
use bugle_model::request::{
    AttachmentFile, CreateDm, CreateForumThread, CreateMessage, CreateThread,
    CreateThreadFromMessage, EditMessage, EditWebhookMessage, EditWebhookMessageQuery,
    ExecuteWebhook, ExecuteWebhookQuery, ForumThreadMessage,
};
use http::StatusCode;

use crate::client::{BoxError, Client, Reply, custom_emoji, unicode_emoji};
use crate::constants::{
    CUSTOM_EMOJI_ID, CUSTOM_EMOJI_NAME, FORUM_CHANNEL, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, FRIEND,
    TEXT_CHANNEL, UPLOAD_BYTES, UPLOAD_FILENAME, WEBHOOK, WEBHOOK_TOKEN,
};

/// Runs the scenario of cassette `name` through `client`.
pub(crate) async fn run(name: &str, client: &Client<'_>) -> Result<(), BoxError> {
    match name {
        "webhook_execute" => webhook_execute(client).await,
        "webhook_execute_no_wait" => webhook_execute_no_wait(client).await,
        "webhook_execute_thread" => webhook_execute_thread(client).await,
        "webhook_forum_post" => webhook_forum_post(client).await,
        "webhook_edit" => webhook_edit(client).await,
        "webhook_delete" => webhook_delete(client).await,
        "message_create" => message_create(client).await,
        "message_reply" => message_reply(client).await,
        "message_edit" => message_edit(client).await,
        "message_delete" => message_delete(client).await,
        "reaction_unicode" => reaction(client, &unicode_emoji("👍")).await,
        "reaction_custom" => {
            reaction(client, &custom_emoji(CUSTOM_EMOJI_NAME, CUSTOM_EMOJI_ID)).await
        }
        "thread_from_message" => thread_from_message(client).await,
        "thread_standalone" => thread_standalone(client).await,
        "forum_post" => forum_post(client).await,
        "dm_create_and_send" => dm_create_and_send(client).await,
        "multipart_upload" => multipart_upload(client).await,
        "rate_limited_429_then_200" => rate_limited_then_ok(client).await,
        "server_error_5xx_then_200" => server_error_then_ok(client).await,
        other => Err(format!("no scenario is named {other}").into()),
    }
}

/// Fails with `what` unless `holds`.
fn check(holds: bool, what: &str) -> Result<(), BoxError> {
    if holds {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

/// The statuses of a retried request, e.g. `[429, 200]`.
fn statuses(replies: &[Reply]) -> Vec<u16> {
    replies.iter().map(|r| r.status.as_u16()).collect()
}

/// Posts a plain message to the text channel and returns it.
async fn post(client: &Client<'_>, content: &str) -> Result<Message, BoxError> {
    let body = CreateMessage::new().content(content);
    client
        .create_message(TEXT_CHANNEL, &body)
        .await?
        .expect(StatusCode::OK)?
        .decode()
}

/// Executes the text channel's webhook with `?wait=true` and returns the message.
async fn execute_and_wait(client: &Client<'_>, content: &str) -> Result<Message, BoxError> {
    let body = ExecuteWebhook::new().content(content);
    let query = ExecuteWebhookQuery::new().wait(true);
    client
        .execute_webhook(WEBHOOK, WEBHOOK_TOKEN, &body, &query)
        .await?
        .expect(StatusCode::OK)?
        .decode()
}

async fn webhook_execute(client: &Client<'_>) -> Result<(), BoxError> {
    let body = ExecuteWebhook::new()
        .content("deploy 1.4.2 finished")
        .username("CI")
        .avatar_url("https://example.com/ci.png");
    let query = ExecuteWebhookQuery::new().wait(true);
    let message: Message = client
        .execute_webhook(WEBHOOK, WEBHOOK_TOKEN, &body, &query)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(message.content == "deploy 1.4.2 finished", "content")?;
    check(message.author.username == "CI", "username override")?;
    check(
        message.webhook_id.map(bugle_model::id::Id::get) == Some(WEBHOOK),
        "webhook id",
    )
}

async fn webhook_execute_no_wait(client: &Client<'_>) -> Result<(), BoxError> {
    let body = ExecuteWebhook::new().content("fire and forget");
    let reply = client
        .execute_webhook(WEBHOOK, WEBHOOK_TOKEN, &body, &ExecuteWebhookQuery::new())
        .await?
        .expect(StatusCode::NO_CONTENT)?;
    check(reply.body.is_empty(), "a 204 has no body")
}

async fn webhook_execute_thread(client: &Client<'_>) -> Result<(), BoxError> {
    let thread: Channel = client
        .create_thread(TEXT_CHANNEL, &CreateThread::public("deploys"))
        .await?
        .expect(StatusCode::CREATED)?
        .decode()?;
    let body = ExecuteWebhook::new().content("deploy log in its thread");
    let query = ExecuteWebhookQuery::new().wait(true).thread_id(thread.id);
    let message: Message = client
        .execute_webhook(WEBHOOK, WEBHOOK_TOKEN, &body, &query)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(message.channel_id == thread.id, "posted into the thread")
}

async fn webhook_forum_post(client: &Client<'_>) -> Result<(), BoxError> {
    let body = ExecuteWebhook::new()
        .content("what changed in 1.4.2")
        .thread_name("release notes 1.4.2");
    let query = ExecuteWebhookQuery::new().wait(true);
    let message: Message = client
        .execute_webhook(FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, &body, &query)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(
        message.channel_id.get() == message.id.get(),
        "a post's first message has the thread's id",
    )
}

async fn webhook_edit(client: &Client<'_>) -> Result<(), BoxError> {
    let message = execute_and_wait(client, "deploy 1.4.3 started").await?;
    let edited: Message = client
        .edit_webhook_message(
            WEBHOOK,
            WEBHOOK_TOKEN,
            message.id.get(),
            &EditWebhookMessage::new().content("deploy 1.4.3 finished"),
            &EditWebhookMessageQuery::new(),
        )
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(edited.id == message.id, "same message")?;
    check(edited.content == "deploy 1.4.3 finished", "new content")?;
    check(edited.edited_timestamp.is_some(), "edited timestamp")
}

async fn webhook_delete(client: &Client<'_>) -> Result<(), BoxError> {
    let message = execute_and_wait(client, "this will be deleted").await?;
    client
        .delete_webhook_message(WEBHOOK, WEBHOOK_TOKEN, message.id.get())
        .await?
        .expect(StatusCode::NO_CONTENT)?;
    Ok(())
}

async fn message_create(client: &Client<'_>) -> Result<(), BoxError> {
    let embed = Embed::builder()
        .title("build #418")
        .description("all 312 tests passed")
        .field("duration", "4m 12s")
        .build();
    let body = CreateMessage::new()
        .content("hello from bugle")
        .embed(embed)
        .nonce("fixture-nonce-1", true);
    let message: Message = client
        .create_message(TEXT_CHANNEL, &body)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(message.content == "hello from bugle", "content")?;
    check(message.embeds.len() == 1, "one embed")?;
    check(
        message.channel_id == ChannelId::new(TEXT_CHANNEL),
        "channel",
    )
}

async fn message_reply(client: &Client<'_>) -> Result<(), BoxError> {
    let original = post(client, "is the deploy done?").await?;
    let body = CreateMessage::new()
        .content("yes, 1.4.2 is live")
        .reply_to(original.id);
    let reply: Message = client
        .create_message(TEXT_CHANNEL, &body)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    let referenced = reply.message_reference.and_then(|r| r.message_id);
    check(
        referenced == Some(original.id),
        "the reply references the original",
    )
}

async fn message_edit(client: &Client<'_>) -> Result<(), BoxError> {
    let message = post(client, "deploy 1.4.4 started").await?;
    let edited: Message = client
        .edit_message(
            TEXT_CHANNEL,
            message.id.get(),
            &EditMessage::new().content("deploy 1.4.4 finished"),
        )
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(edited.id == message.id, "same message")?;
    check(edited.content == "deploy 1.4.4 finished", "new content")?;
    check(edited.edited_timestamp.is_some(), "edited timestamp")
}

async fn message_delete(client: &Client<'_>) -> Result<(), BoxError> {
    let message = post(client, "this will be deleted").await?;
    let reply = client
        .delete_message(TEXT_CHANNEL, message.id.get())
        .await?
        .expect(StatusCode::NO_CONTENT)?;
    check(reply.body.is_empty(), "a 204 has no body")
}

async fn reaction(client: &Client<'_>, emoji: &str) -> Result<(), BoxError> {
    let message = post(client, "react to this").await?;
    client
        .add_reaction(TEXT_CHANNEL, message.id.get(), emoji)
        .await?
        .expect(StatusCode::NO_CONTENT)?;
    Ok(())
}

async fn thread_from_message(client: &Client<'_>) -> Result<(), BoxError> {
    let message = post(client, "let's discuss the outage").await?;
    let body = CreateThreadFromMessage::new("outage review")
        .auto_archive_duration(AutoArchiveDuration::Day);
    let thread: Channel = client
        .create_thread_from_message(TEXT_CHANNEL, message.id.get(), &body)
        .await?
        .expect(StatusCode::CREATED)?
        .decode()?;
    check(
        thread.id.get() == message.id.get(),
        "a thread from a message has the message's id",
    )?;
    check(thread.kind == ChannelType::PublicThread, "a public thread")
}

async fn thread_standalone(client: &Client<'_>) -> Result<(), BoxError> {
    let thread: Channel = client
        .create_thread(TEXT_CHANNEL, &CreateThread::public("weekly sync"))
        .await?
        .expect(StatusCode::CREATED)?
        .decode()?;
    check(thread.name.as_deref() == Some("weekly sync"), "name")?;
    check(
        thread.parent_id == Some(ChannelId::new(TEXT_CHANNEL)),
        "parent",
    )
}

async fn forum_post(client: &Client<'_>) -> Result<(), BoxError> {
    let body = CreateForumThread::new(
        "crash on start with an empty config",
        ForumThreadMessage::content("steps to reproduce: run `bugle` with an empty file"),
    );
    let post: Channel = client
        .create_forum_thread(FORUM_CHANNEL, &body)
        .await?
        .expect(StatusCode::CREATED)?
        .decode()?;
    let starter = post
        .message
        .ok_or("a forum post carries its first message")?;
    check(
        starter.id.get() == post.id.get(),
        "the first message has the post's id",
    )
}

async fn dm_create_and_send(client: &Client<'_>) -> Result<(), BoxError> {
    let dm: Channel = client
        .create_dm(&CreateDm::new(UserId::new(FRIEND)))
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(dm.kind == ChannelType::Dm, "a DM channel")?;
    let message: Message = client
        .create_message(
            dm.id.get(),
            &CreateMessage::new().content("your report is ready"),
        )
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    check(message.channel_id == dm.id, "sent into the DM")
}

async fn multipart_upload(client: &Client<'_>) -> Result<(), BoxError> {
    let file = AttachmentFile::new(UPLOAD_FILENAME, UPLOAD_BYTES).description("the build log");
    let body = CreateMessage::new()
        .content("build log attached")
        .file(file);
    let message: Message = client
        .create_message(TEXT_CHANNEL, &body)
        .await?
        .expect(StatusCode::OK)?
        .decode()?;
    let [attachment] = message.attachments.as_slice() else {
        return Err("expected exactly one attachment".into());
    };
    check(attachment.filename == UPLOAD_FILENAME, "file name")?;
    check(attachment.size == UPLOAD_BYTES.len() as u64, "file size")?;
    check(
        attachment.description.as_deref() == Some("the build log"),
        "description",
    )
}

/// Two messages fill a bucket of two; the third gets a 429 and, after waiting as asked, a 200.
async fn rate_limited_then_ok(client: &Client<'_>) -> Result<(), BoxError> {
    post(client, "burst 1").await?;
    post(client, "burst 2").await?;
    let body = CreateMessage::new().content("burst 3");
    let replies = client
        .send_retrying(|| client.create_message_request(TEXT_CHANNEL, &body))
        .await?;
    check(statuses(&replies) == [429, 200], "a 429, then a 200")?;
    let limited = &replies[0];
    check(
        limited
            .headers
            .get("x-ratelimit-scope")
            .map(http::HeaderValue::as_bytes)
            == Some(b"user".as_slice()),
        "scope user",
    )?;
    let message: Message = replies[1].decode()?;
    check(
        message.content == "burst 3",
        "the retry created the message",
    )
}

/// The first attempt lands in an outage (503); the retry a second later succeeds.
async fn server_error_then_ok(client: &Client<'_>) -> Result<(), BoxError> {
    let body = CreateMessage::new().content("sent through an outage");
    let replies = client
        .send_retrying(|| client.create_message_request(TEXT_CHANNEL, &body))
        .await?;
    check(statuses(&replies) == [503, 200], "a 503, then a 200")?;
    let message: Message = replies[1].decode()?;
    check(
        message.content == "sent through an outage",
        "the retry created the message",
    )
}

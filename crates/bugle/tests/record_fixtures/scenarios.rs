//! One scenario per cassette: the client operations a program makes for one operation (and
//! what it needs first, e.g. a message to edit), with checks on what the client returns.
//!
//! Message creates carry a nonce given here (with `enforce_nonce`), so re-recording gives
//! the same files; without one the client adds a random nonce, and the request is otherwise
//! the same.

use bugle::{DiscordClient, ExecuteWebhookParams, NewThread, WebhookTarget};
use bugle_model::channel::{AutoArchiveDuration, ChannelType};
use bugle_model::embed::Embed;
use bugle_model::id::{ChannelId, UserId, WebhookId};
use bugle_model::message::Message;
use bugle_model::request::{
    AttachmentFile, CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage,
    EditMessage, EditWebhookMessage, ExecuteWebhook, ForumThreadMessage,
};

use crate::BoxError;
use crate::constants::{
    CUSTOM_EMOJI_ID, CUSTOM_EMOJI_NAME, FORUM_CHANNEL, FRIEND, TEXT_CHANNEL, UPLOAD_BYTES,
    UPLOAD_FILENAME, WEBHOOK,
};

/// Runs the scenario of cassette `name` through `client`.
pub(crate) async fn run(name: &str, client: &DiscordClient) -> Result<(), BoxError> {
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
        "reaction_unicode" => reaction(client, "👍").await,
        "reaction_custom" => {
            reaction(client, &format!("{CUSTOM_EMOJI_NAME}:{CUSTOM_EMOJI_ID}")).await
        }
        "thread_from_message" => thread_from_message(client).await,
        "thread_standalone" => thread_standalone(client).await,
        "forum_post" => forum_post(client).await,
        "dm_create_and_send" => dm_create_and_send(client).await,
        "multipart_upload" => multipart_upload(client).await,
        "rate_limited_429_then_200" => rate_limited_then_ok(client).await,
        "server_error_5xx_then_200" => server_error_then_ok(client).await,
        "components_message" => crate::component_scenarios::message(client).await,
        "components_v2" => crate::component_scenarios::v2(client).await,
        "components_webhook" => crate::component_scenarios::webhook(client).await,
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

fn text() -> ChannelId {
    ChannelId::new(TEXT_CHANNEL)
}

/// A message with `content` and the fixed nonce `nonce`.
fn message(content: &str, nonce: &str) -> CreateMessage {
    CreateMessage::new().content(content).nonce(nonce, true)
}

/// Posts a plain message to the text channel and returns it.
async fn post(client: &DiscordClient, content: &str, nonce: &str) -> Result<Message, BoxError> {
    Ok(client.send_message(text(), message(content, nonce)).await?)
}

/// Executes the default webhook, waiting for the message.
async fn execute_and_wait(client: &DiscordClient, content: &str) -> Result<Message, BoxError> {
    client
        .execute_webhook(ExecuteWebhook::new().content(content))
        .await?
        .ok_or_else(|| "a waited execute returns the message".into())
}

async fn webhook_execute(client: &DiscordClient) -> Result<(), BoxError> {
    let body = ExecuteWebhook::new()
        .content("deploy 1.4.2 finished")
        .username("CI")
        .avatar_url("https://example.com/ci.png");
    let message = client
        .execute_webhook(body)
        .await?
        .ok_or("a waited execute returns the message")?;
    check(message.content == "deploy 1.4.2 finished", "content")?;
    check(message.author.username == "CI", "username override")?;
    check(
        message.webhook_id == Some(WebhookId::new(WEBHOOK)),
        "webhook id",
    )
}

async fn webhook_execute_no_wait(client: &DiscordClient) -> Result<(), BoxError> {
    let params = ExecuteWebhookParams::new(ExecuteWebhook::new().content("fire and forget"))
        .fire_and_forget();
    let answer = client.execute_webhook(params).await?;
    check(answer.is_none(), "fire and forget returns no message")
}

async fn webhook_execute_thread(client: &DiscordClient) -> Result<(), BoxError> {
    let thread = client
        .create_thread(text(), CreateThread::public("deploys"))
        .await?;
    let params =
        ExecuteWebhookParams::new(ExecuteWebhook::new().content("deploy log in its thread"))
            .in_thread(thread.id);
    let message = client
        .execute_webhook(params)
        .await?
        .ok_or("a waited execute returns the message")?;
    check(message.channel_id == thread.id, "posted into the thread")
}

async fn webhook_forum_post(client: &DiscordClient) -> Result<(), BoxError> {
    let body = ExecuteWebhook::new()
        .content("what changed in 1.4.2")
        .thread_name("release notes 1.4.2");
    let message = client
        .execute_webhook(ExecuteWebhookParams::new(body).target("forum"))
        .await?
        .ok_or("a waited execute returns the message")?;
    check(
        message.channel_id.get() == message.id.get(),
        "a post's first message has the thread's id",
    )
}

async fn webhook_edit(client: &DiscordClient) -> Result<(), BoxError> {
    let message = execute_and_wait(client, "deploy 1.4.3 started").await?;
    let edited = client
        .edit_webhook_message(
            WebhookTarget::default(),
            message.id,
            EditWebhookMessage::new().content("deploy 1.4.3 finished"),
        )
        .await?;
    check(edited.id == message.id, "same message")?;
    check(edited.content == "deploy 1.4.3 finished", "new content")?;
    check(edited.edited_timestamp.is_some(), "edited timestamp")
}

async fn webhook_delete(client: &DiscordClient) -> Result<(), BoxError> {
    let message = execute_and_wait(client, "this will be deleted").await?;
    client
        .delete_webhook_message(WebhookTarget::default(), message.id)
        .await?;
    Ok(())
}

async fn message_create(client: &DiscordClient) -> Result<(), BoxError> {
    let embed = Embed::builder()
        .title("build #418")
        .description("all 312 tests passed")
        .field("duration", "4m 12s")
        .build();
    let sent = client
        .send_message(
            text(),
            message("hello from bugle", "fixture-nonce-1").embed(embed),
        )
        .await?;
    check(sent.content == "hello from bugle", "content")?;
    check(sent.embeds.len() == 1, "one embed")?;
    check(sent.channel_id == text(), "channel")
}

async fn message_reply(client: &DiscordClient) -> Result<(), BoxError> {
    let original = post(client, "is the deploy done?", "fixture-nonce-2").await?;
    let reply = client
        .reply(
            text(),
            original.id,
            message("yes, 1.4.2 is live", "fixture-nonce-3"),
        )
        .await?;
    let referenced = reply.message_reference.and_then(|r| r.message_id);
    check(
        referenced == Some(original.id),
        "the reply references the original",
    )
}

async fn message_edit(client: &DiscordClient) -> Result<(), BoxError> {
    let sent = post(client, "deploy 1.4.4 started", "fixture-nonce-4").await?;
    let edited = client
        .edit_message(
            text(),
            sent.id,
            EditMessage::new().content("deploy 1.4.4 finished"),
        )
        .await?;
    check(edited.id == sent.id, "same message")?;
    check(edited.content == "deploy 1.4.4 finished", "new content")?;
    check(edited.edited_timestamp.is_some(), "edited timestamp")
}

async fn message_delete(client: &DiscordClient) -> Result<(), BoxError> {
    let sent = post(client, "this will be deleted", "fixture-nonce-5").await?;
    client.delete_message(text(), sent.id).await?;
    Ok(())
}

async fn reaction(client: &DiscordClient, emoji: &str) -> Result<(), BoxError> {
    let sent = post(client, "react to this", "fixture-nonce-6").await?;
    client.add_reaction(text(), sent.id, emoji).await?;
    Ok(())
}

async fn thread_from_message(client: &DiscordClient) -> Result<(), BoxError> {
    let sent = post(client, "let's discuss the outage", "fixture-nonce-7").await?;
    let body = CreateThreadFromMessage::new("outage review")
        .auto_archive_duration(AutoArchiveDuration::Day);
    let thread = client
        .create_thread(text(), NewThread::from_message(sent.id, body))
        .await?;
    check(
        thread.id.get() == sent.id.get(),
        "a thread from a message has the message's id",
    )?;
    check(thread.kind == ChannelType::PublicThread, "a public thread")
}

async fn thread_standalone(client: &DiscordClient) -> Result<(), BoxError> {
    let thread = client
        .create_thread(text(), CreateThread::public("weekly sync"))
        .await?;
    check(thread.name.as_deref() == Some("weekly sync"), "name")?;
    check(thread.parent_id == Some(text()), "parent")
}

async fn forum_post(client: &DiscordClient) -> Result<(), BoxError> {
    let body = CreateForumThread::new(
        "crash on start with an empty config",
        ForumThreadMessage::content("steps to reproduce: run `bugle` with an empty file"),
    );
    let post = client
        .create_thread(ChannelId::new(FORUM_CHANNEL), body)
        .await?;
    let starter = post
        .message
        .ok_or("a forum post carries its first message")?;
    check(
        starter.id.get() == post.id.get(),
        "the first message has the post's id",
    )
}

async fn dm_create_and_send(client: &DiscordClient) -> Result<(), BoxError> {
    let friend = UserId::new(FRIEND);
    let dm = client.create_dm(friend).await?;
    check(dm.kind == ChannelType::Dm, "a DM channel")?;
    let sent = client
        .send_dm(friend, message("your report is ready", "fixture-nonce-8"))
        .await?;
    check(
        sent.channel_id == dm.id,
        "sent into the DM (the channel was cached)",
    )
}

async fn multipart_upload(client: &DiscordClient) -> Result<(), BoxError> {
    let file = AttachmentFile::new(UPLOAD_FILENAME, UPLOAD_BYTES).description("the build log");
    let sent = client
        .send_message(
            text(),
            message("build log attached", "fixture-nonce-9").file(file),
        )
        .await?;
    let [attachment] = sent.attachments.as_slice() else {
        return Err("expected exactly one attachment".into());
    };
    check(attachment.filename == UPLOAD_FILENAME, "file name")?;
    check(attachment.size == UPLOAD_BYTES.len() as u64, "file size")?;
    check(
        attachment.description.as_deref() == Some("the build log"),
        "description",
    )
}

/// Two creates use up the hidden sublimit; the third gets a 429 the client could not
/// foresee, and the client's own retry, after waiting as told, gets a 200.
async fn rate_limited_then_ok(client: &DiscordClient) -> Result<(), BoxError> {
    post(client, "burst 1", "fixture-nonce-10").await?;
    post(client, "burst 2", "fixture-nonce-11").await?;
    let third = post(client, "burst 3", "fixture-nonce-12").await?;
    check(third.content == "burst 3", "the retry created the message")
}

/// The first attempt lands in an outage (503); the client's retry succeeds.
async fn server_error_then_ok(client: &DiscordClient) -> Result<(), BoxError> {
    let sent = post(client, "sent through an outage", "fixture-nonce-13").await?;
    check(
        sent.content == "sent through an outage",
        "the retry created the message",
    )
}

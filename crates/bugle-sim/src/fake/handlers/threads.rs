//! Threads: from a message, without a message, and forum/media posts.

use http::StatusCode;
use serde_json::{Map, Value};

use super::{Ctx, FORUM_FLAGS, new_message};
use crate::fake::render::{self, MessageView};
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::{Incoming, Payload};
use crate::fake::state::{Author, ChannelRec, HAS_THREAD, REQUIRE_TAG, ThreadMeta, kind};
use crate::fake::validation::tree::{ErrorTree, Seg, max_length, required};
use crate::fake::validation::{BodyKind, check_message, check_thread_fields};

/// Most tags one post may apply.
const MAX_APPLIED_TAGS: usize = 5;

fn snowflakes(value: Option<&Value>) -> Vec<u64> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| {
                    v.as_str()
                        .and_then(|s| s.parse().ok())
                        .or_else(|| v.as_u64())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A new thread record under `parent`.
fn thread_rec(
    ctx: &Ctx<'_>,
    id: u64,
    parent: &ChannelRec,
    thread_kind: u8,
    body: &Map<String, Value>,
) -> ChannelRec {
    let now = ctx.timestamp();
    let mut thread = ChannelRec::new(id, thread_kind);
    thread.guild_id = parent.guild_id;
    thread.parent_id = Some(parent.id);
    thread.owner_id = Some(ctx.settings.bot_id);
    thread.name = body
        .get("name")
        .and_then(Value::as_str)
        .map(|n| n.trim().to_owned());
    thread.rate_limit_per_user = body
        .get("rate_limit_per_user")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    thread.thread = Some(ThreadMeta {
        archived: false,
        locked: false,
        auto_archive_duration: body
            .get("auto_archive_duration")
            .and_then(Value::as_u64)
            .unwrap_or(4320),
        archive_timestamp: now,
        create_timestamp: now,
        invitable: (thread_kind == kind::PRIVATE_THREAD).then(|| {
            body.get("invitable")
                .and_then(Value::as_bool)
                .unwrap_or(true)
        }),
    });
    thread
}

/// `POST /channels/{channel.id}/messages/{message.id}/threads`
pub(super) fn from_message(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let channel_id = req.route.channel_id.unwrap_or_default();
    let message_id = req.route.message_id.unwrap_or_default();
    let parent = ctx.channel(channel_id)?;
    let thread_kind = match parent.kind {
        kind::TEXT => kind::PUBLIC_THREAD,
        kind::ANNOUNCEMENT => kind::ANNOUNCEMENT_THREAD,
        _ => return Err(reply::wrong_channel_type()),
    };
    if ctx.state.message_in(channel_id, message_id).is_none() {
        return Err(reply::unknown_message());
    }
    let payload = req.payload()?;
    let mut tree = ErrorTree::new();
    check_thread_fields(&mut tree, &payload.json);
    tree.finish()?;
    if ctx.state.channels.contains_key(&message_id) {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            160_004,
            "A thread has already been created for this message",
        ));
    }
    let thread = thread_rec(ctx, message_id, &parent, thread_kind, &payload.json);
    ctx.state.channels.insert(message_id, thread);
    if let Some(message) = ctx.state.messages.get_mut(&message_id) {
        message.flags |= HAS_THREAD;
    }
    Ok(ctx.channel_reply(StatusCode::CREATED, message_id))
}

/// `POST /channels/{channel.id}/threads`: a thread without a message, or a forum post.
pub(super) fn create(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let channel_id = req.route.channel_id.unwrap_or_default();
    let parent = ctx.channel(channel_id)?;
    let payload = req.payload()?;
    if kind::is_forum(parent.kind) {
        let message = payload.json.get("message").and_then(Value::as_object);
        let Some(message) = message else {
            let mut tree = ErrorTree::new();
            check_thread_fields(&mut tree, &payload.json);
            required(&mut tree, &[Seg::Key("message")]);
            return Err(tree.finish().expect_err("the tree has an error"));
        };
        let message = Payload {
            json: message.clone(),
            files: payload.files.clone(),
        };
        let author = Author::User(ctx.settings.bot_id);
        let id = forum_post(
            ctx,
            &parent,
            &payload.json,
            author,
            &message,
            BodyKind::ForumMessage,
        )?;
        return Ok(forum_post_reply(ctx, id));
    }
    let thread_kind = match payload.json.get("type") {
        None | Some(Value::Null) => kind::PRIVATE_THREAD,
        Some(value) => match value.as_u64() {
            Some(10) => kind::ANNOUNCEMENT_THREAD,
            Some(11) => kind::PUBLIC_THREAD,
            Some(12) => kind::PRIVATE_THREAD,
            _ => {
                let mut tree = ErrorTree::new();
                tree.push(
                    &[Seg::Key("type")],
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {10, 11, 12}.",
                );
                return Err(tree.finish().expect_err("the tree has an error"));
            }
        },
    };
    let allowed = match parent.kind {
        kind::TEXT => thread_kind != kind::ANNOUNCEMENT_THREAD,
        kind::ANNOUNCEMENT => thread_kind == kind::ANNOUNCEMENT_THREAD,
        _ => false,
    };
    if !allowed {
        return Err(reply::wrong_channel_type());
    }
    let mut tree = ErrorTree::new();
    check_thread_fields(&mut tree, &payload.json);
    tree.finish()?;
    let id = ctx.next_id();
    let thread = thread_rec(ctx, id, &parent, thread_kind, &payload.json);
    ctx.state.channels.insert(id, thread);
    Ok(ctx.channel_reply(StatusCode::CREATED, id))
}

/// The 201 reply of a forum post: the thread with its first `message` nested.
pub(super) fn forum_post_reply(ctx: &Ctx<'_>, id: u64) -> Reply {
    let bot = ctx.settings.bot_id;
    let mut channel = render::channel(ctx.state, &ctx.state.channels[&id], bot);
    channel.message = ctx
        .state
        .messages
        .get(&id)
        .map(|m| Box::new(render::message(ctx.state, m, bot, MessageView::SENT)));
    Reply::json(
        StatusCode::CREATED,
        serde_json::to_value(channel).unwrap_or_default(),
    )
}

/// Creates a post in forum or media channel `parent`: a public thread named by
/// `thread_body["name"]` (or `thread_name`) whose first message has the thread's id.
pub(super) fn forum_post(
    ctx: &mut Ctx<'_>,
    parent: &ChannelRec,
    thread_body: &Map<String, Value>,
    author: Author,
    message: &Payload,
    body_kind: BodyKind,
) -> Result<u64, Reply> {
    let mut tree = ErrorTree::new();
    check_thread_fields(&mut tree, thread_body);
    let tags = snowflakes(thread_body.get("applied_tags"));
    if tags.len() > MAX_APPLIED_TAGS {
        max_length(&mut tree, &[Seg::Key("applied_tags")], MAX_APPLIED_TAGS);
    }
    tree.finish()?;
    check_message(&message.json, body_kind, message.files.len())?;
    if parent.flags & REQUIRE_TAG != 0 && tags.is_empty() {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            40067,
            "A tag is required to create a forum post in this channel",
        ));
    }
    if !parent.available_tags.is_empty()
        && tags
            .iter()
            .any(|t| !parent.available_tags.iter().any(|(id, _)| id == t))
    {
        return Err(Reply::error(StatusCode::BAD_REQUEST, 10087, "Unknown Tag"));
    }
    let id = ctx.next_id();
    let mut thread = thread_rec(ctx, id, parent, kind::PUBLIC_THREAD, thread_body);
    thread.applied_tags = tags;
    let flags = if body_kind == BodyKind::WebhookExecute {
        super::WEBHOOK_FLAGS
    } else {
        FORUM_FLAGS
    };
    let starter = new_message(ctx, id, id, author, message, flags)?;
    ctx.state.channels.insert(id, thread);
    ctx.state.insert_message(starter);
    if let Some(stored) = ctx.state.messages.get_mut(&id) {
        stored.position = Some(0);
    }
    ctx.counters.messages_created += 1;
    Ok(id)
}

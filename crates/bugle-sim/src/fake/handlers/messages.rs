//! Channel messages: create (with replies and nonce dedupe), get, edit, delete.

use bugle_model::message::Nonce;
use http::StatusCode;
use serde_json::{Map, Value};

use super::{CREATE_FLAGS, Ctx, embeds, list, new_message, open_thread, uploads};
use crate::fake::render::MessageView;
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::{Incoming, Payload};
use crate::fake::state::{Author, kind};
use crate::fake::validation::tree::{ErrorTree, Seg};
use crate::fake::validation::{BodyKind, IS_COMPONENTS_V2, check_message};

const SUPPRESS_EMBEDS: u64 = 1 << 2;

fn ids(req: &Incoming) -> (u64, u64) {
    (
        req.route.channel_id.unwrap_or_default(),
        req.route.message_id.unwrap_or_default(),
    )
}

/// The nonce as stored and echoed: a string or a signed 64-bit integer. Validation lets
/// through any integer; one past the signed range still dedupes but is not echoed.
fn stored_nonce(nonce: Value) -> Option<Nonce> {
    match nonce {
        Value::String(s) => Some(Nonce::String(s)),
        Value::Number(n) => n.as_i64().map(Nonce::Integer),
        _ => None,
    }
}

/// The nonce's text, which dedupe compares: `123` and `"123"` are the same nonce.
fn nonce_text(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn reference_error(code: &str, message: &str) -> Reply {
    let mut tree = ErrorTree::new();
    tree.push(&[Seg::Key("message_reference")], code, message);
    tree.finish().expect_err("the tree has an error")
}

/// Resolves `message_reference`: the replied-to message id, `None` for no reply.
fn reply_target(
    ctx: &Ctx<'_>,
    channel_id: u64,
    json: &Map<String, Value>,
) -> Result<Option<u64>, Reply> {
    let Some(reference) = json.get("message_reference").and_then(Value::as_object) else {
        return Ok(None);
    };
    if reference.get("type").and_then(Value::as_u64) == Some(1) {
        return Err(reference_error(
            "MESSAGE_REFERENCE_TYPE_UNSUPPORTED",
            "Forwarding is not simulated by FakeDiscord",
        ));
    }
    let id = reference.get("message_id").and_then(|v| match v {
        Value::String(s) => s.parse::<u64>().ok(),
        other => other.as_u64(),
    });
    let target_channel = reference
        .get("channel_id")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or_else(|| v.as_u64())
        })
        .unwrap_or(channel_id);
    let fail = reference
        .get("fail_if_not_exists")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let Some(id) = id else {
        let mut tree = ErrorTree::new();
        tree.push(
            &[Seg::Key("message_reference"), Seg::Key("message_id")],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
        return Err(tree.finish().expect_err("the tree has an error"));
    };
    if target_channel == channel_id && ctx.state.message_in(channel_id, id).is_some() {
        Ok(Some(id))
    } else if fail {
        Err(reference_error(
            "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
            "Unknown message",
        ))
    } else {
        Ok(None)
    }
}

/// `POST /channels/{channel.id}/messages`
pub(super) fn create(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (channel_id, _) = ids(req);
    let channel = ctx.channel(channel_id)?;
    if kind::is_forum(channel.kind) {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            40058,
            "Cannot send a message in a forum channel",
        ));
    }
    let mut payload = req.payload()?;
    check_message(&payload.json, BodyKind::Create, payload.files.len())?;
    let author = ctx.settings.bot_id;
    let enforce = payload
        .json
        .get("enforce_nonce")
        .is_some_and(|e| e == true || e == "true");
    let sent_nonce = payload.json.remove("nonce");
    let dedupe = sent_nonce
        .as_ref()
        .filter(|_| enforce)
        .and_then(nonce_text)
        .map(|text| (author, text));
    let nonce = sent_nonce.and_then(stored_nonce);
    if let Some(key) = &dedupe {
        if let Some(seen) = ctx.state.nonces.get(key).copied() {
            let fresh = ctx.now.duration_since(seen.at) < ctx.settings.nonce_window;
            if fresh && ctx.state.messages.contains_key(&seen.message_id) {
                ctx.counters.duplicates_prevented += 1;
                return Ok(ctx.message_reply(seen.message_id, MessageView::SENT));
            }
        }
    }
    let target = reply_target(ctx, channel_id, &payload.json)?;
    open_thread(ctx, channel_id)?;
    let id = ctx.next_id();
    let mut message = new_message(
        ctx,
        id,
        channel_id,
        Author::User(author),
        &payload,
        CREATE_FLAGS,
    )?;
    message.nonce = nonce;
    if let Some(target) = target {
        message.kind = 19;
        message.reference = Some(target);
        message.reference_channel = Some(channel_id);
    }
    ctx.state.insert_message(message);
    ctx.counters.messages_created += 1;
    if let Some(key) = dedupe {
        let (now, window) = (ctx.now, ctx.settings.nonce_window);
        ctx.state.remember_nonce(key, id, now, window);
    }
    Ok(ctx.message_reply(id, MessageView::SENT))
}

/// `GET /channels/{channel.id}/messages/{message.id}`
pub(super) fn get(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (channel_id, message_id) = ids(req);
    ctx.channel(channel_id)?;
    if ctx.state.message_in(channel_id, message_id).is_none() {
        return Err(reply::unknown_message());
    }
    Ok(ctx.message_reply(message_id, MessageView::FETCHED))
}

/// The 400 for a Components V2 message that would keep content or embeds.
fn legacy_fields_with_v2() -> Reply {
    let mut tree = ErrorTree::new();
    tree.push(
        &[Seg::Key("content")],
        "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
        "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
    );
    tree.finish().expect_err("the tree has an error")
}

/// Applies an edit body to stored message `id` (shared with webhook message edits).
///
/// A message that is (or becomes) Components V2 may not keep content or embeds: a switch
/// to V2 must clear those the message had, as Discord requires, or it gets a 400.
pub(crate) fn apply_edit(ctx: &mut Ctx<'_>, id: u64, payload: &Payload) -> Result<(), Reply> {
    check_message(&payload.json, BodyKind::Edit, payload.files.len())?;
    let new_files = uploads(ctx, payload)?;
    let timestamp = ctx.timestamp();
    let json = &payload.json;
    let message = ctx
        .state
        .messages
        .get_mut(&id)
        .ok_or_else(reply::unknown_message)?;
    let mut edited = message.clone();
    if let Some(content) = json.get("content") {
        content
            .as_str()
            .unwrap_or_default()
            .clone_into(&mut edited.content);
    }
    if json.contains_key("embeds") {
        edited.embeds = embeds(json);
    }
    if json.contains_key("components") {
        edited.components = list(json, "components");
    }
    if let Some(flags) = json.get("flags").and_then(Value::as_u64) {
        let suppress = flags & SUPPRESS_EMBEDS;
        let v2 = (edited.flags | flags) & IS_COMPONENTS_V2;
        edited.flags = (edited.flags & !(SUPPRESS_EMBEDS | IS_COMPONENTS_V2)) | suppress | v2;
    }
    if edited.flags & IS_COMPONENTS_V2 != 0
        && (!edited.content.is_empty() || !edited.embeds.is_empty())
    {
        // A switch to V2 that leaves the content or embeds the message had: Discord
        // requires the edit to clear them.
        return Err(legacy_fields_with_v2());
    }
    if let Some(keep) = json.get("attachments").and_then(Value::as_array) {
        let kept: Vec<u64> = keep
            .iter()
            .filter_map(|a| a.get("id"))
            .filter_map(|id| {
                id.as_str()
                    .and_then(|s| s.parse().ok())
                    .or_else(|| id.as_u64())
            })
            .collect();
        edited.attachments.retain(|a| kept.contains(&a.id));
    }
    edited.attachments.extend(new_files);
    if edited.attachments.len() > crate::fake::validation::MAX_ATTACHMENTS {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            30015,
            "Maximum number of attachments in a message reached (10)",
        ));
    }
    if edited.content.trim().is_empty()
        && edited.embeds.is_empty()
        && edited.components.is_empty()
        && edited.attachments.is_empty()
    {
        return Err(reply::empty_message());
    }
    edited.edited_timestamp = Some(timestamp);
    *message = edited;
    Ok(())
}

/// `PATCH /channels/{channel.id}/messages/{message.id}`
pub(super) fn edit(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (channel_id, message_id) = ids(req);
    ctx.channel(channel_id)?;
    let message = ctx
        .state
        .message_in(channel_id, message_id)
        .ok_or_else(reply::unknown_message)?;
    if !matches!(message.author, Author::User(id) if id == ctx.settings.bot_id) {
        return Err(Reply::error(
            StatusCode::FORBIDDEN,
            50005,
            "Cannot edit a message authored by another user",
        ));
    }
    let payload = req.payload()?;
    apply_edit(ctx, message_id, &payload)?;
    Ok(ctx.message_reply(message_id, MessageView::FETCHED))
}

/// `DELETE /channels/{channel.id}/messages/{message.id}`
pub(super) fn delete(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (channel_id, message_id) = ids(req);
    ctx.channel(channel_id)?;
    if ctx.state.message_in(channel_id, message_id).is_none() {
        return Err(reply::unknown_message());
    }
    ctx.state.remove_message(message_id);
    Ok(Reply::no_content())
}

//! Webhook-token routes: execute (`wait`, `thread_id`, `thread_name`, overrides), get, edit,
//! delete.

use http::StatusCode;
use serde_json::{Map, Value};

use super::messages::apply_edit;
use super::threads::forum_post;
use super::{Ctx, WEBHOOK_FLAGS, new_message, open_thread};
use crate::fake::render::{MessageView, hex_hash};
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::Incoming;
use crate::fake::state::{Author, ChannelRec, WebhookRec, kind};
use crate::fake::validation::{BodyKind, check_message};

/// The webhook the path names, checking its token.
fn webhook(ctx: &mut Ctx<'_>, req: &Incoming) -> Result<WebhookRec, Reply> {
    let id = req.route.webhook_id.unwrap_or_default();
    let token = req.route.webhook_token.clone().unwrap_or_default();
    match ctx.state.webhooks.get(&id) {
        Some(hook) if hook.token == token => Ok(hook.clone()),
        Some(_) => Err(reply::invalid_webhook_token()),
        None if ctx.settings.auto_create => {
            let channel_id = ctx.next_id();
            let mut channel = ChannelRec::new(channel_id, kind::TEXT);
            channel.guild_id = Some(ctx.settings.default_guild);
            channel.name = Some(format!("channel-{channel_id}"));
            ctx.state.channels.insert(channel_id, channel);
            let hook = WebhookRec {
                id,
                token,
                channel_id,
                name: "Captain Hook".to_owned(),
                application_id: None,
            };
            ctx.state.webhooks.insert(id, hook.clone());
            Ok(hook)
        }
        None => Err(reply::unknown_webhook()),
    }
}

fn forum_error(code: u64, message: &str) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, code, message)
}

/// The thread `thread_id` of the webhook's channel.
fn webhook_thread(ctx: &Ctx<'_>, hook: &WebhookRec, thread_id: u64) -> Result<u64, Reply> {
    ctx.state
        .channels
        .get(&thread_id)
        .filter(|c| c.thread.is_some() && c.parent_id == Some(hook.channel_id))
        .map(|c| c.id)
        .ok_or_else(reply::unknown_channel)
}

/// `GET /webhooks/{webhook.id}/{webhook.token}`: the webhook, as Discord returns it to a
/// token holder (no `user`), and without echoing the token.
pub(super) fn get_webhook(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let hook = webhook(ctx, req)?;
    let guild_id = ctx
        .state
        .channels
        .get(&hook.channel_id)
        .and_then(|c| c.guild_id);
    let mut body = Map::new();
    body.insert("id".to_owned(), Value::String(hook.id.to_string()));
    body.insert("type".to_owned(), Value::from(1));
    body.insert(
        "channel_id".to_owned(),
        Value::String(hook.channel_id.to_string()),
    );
    body.insert(
        "guild_id".to_owned(),
        guild_id.map_or(Value::Null, |g| Value::String(g.to_string())),
    );
    body.insert("name".to_owned(), Value::String(hook.name.clone()));
    body.insert("avatar".to_owned(), Value::Null);
    body.insert(
        "application_id".to_owned(),
        hook.application_id
            .map_or(Value::Null, |a| Value::String(a.to_string())),
    );
    Ok(Reply::json(StatusCode::OK, Value::Object(body)))
}

/// `POST /webhooks/{webhook.id}/{webhook.token}`
pub(super) fn execute(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let hook = webhook(ctx, req)?;
    let wait = req.query_bool("wait")?;
    let thread_id = req.query_snowflake("thread_id")?;
    let with_components = req.query_bool("with_components")?;
    let mut payload = req.payload()?;
    if !with_components && hook.application_id.is_none() {
        payload.json.remove("components");
    }
    check_message(&payload.json, BodyKind::WebhookExecute, payload.files.len())?;
    let channel = ctx.channel(hook.channel_id)?;
    let text = |key: &str| {
        payload
            .json
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let avatar_url = text("avatar_url");
    let author = Author::Webhook {
        id: hook.id,
        username: text("username").map_or_else(|| hook.name.clone(), |u| u.trim().to_owned()),
        avatar: avatar_url.as_deref().map(hex_hash),
        avatar_url,
        application_id: hook.application_id,
    };
    let thread_name = text("thread_name");
    let id = if kind::is_forum(channel.kind) {
        match (thread_id, thread_name) {
            (None, None) => {
                return Err(forum_error(
                    220_001,
                    "Webhooks posted to forum channels must have a thread_name or thread_id",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(forum_error(
                    220_002,
                    "Webhooks posted to forum channels cannot have both a thread_name and thread_id",
                ));
            }
            (None, Some(name)) => {
                let mut thread_body = Map::new();
                thread_body.insert("name".to_owned(), Value::String(name));
                if let Some(tags) = payload.json.get("applied_tags") {
                    thread_body.insert("applied_tags".to_owned(), tags.clone());
                }
                forum_post(
                    ctx,
                    &channel,
                    &thread_body,
                    author,
                    &payload,
                    BodyKind::WebhookExecute,
                )?
            }
            (Some(thread), None) => {
                post(ctx, webhook_thread(ctx, &hook, thread)?, author, &payload)?
            }
        }
    } else {
        if thread_name.is_some() {
            return Err(forum_error(
                220_003,
                "Webhooks can only create threads in forum channels",
            ));
        }
        let target = match thread_id {
            Some(thread) => webhook_thread(ctx, &hook, thread)?,
            None => hook.channel_id,
        };
        post(ctx, target, author, &payload)?
    };
    if wait {
        Ok(ctx.message_reply(id, MessageView::SENT))
    } else {
        Ok(Reply::no_content())
    }
}

fn post(
    ctx: &mut Ctx<'_>,
    channel_id: u64,
    author: Author,
    payload: &crate::fake::request::Payload,
) -> Result<u64, Reply> {
    open_thread(ctx, channel_id)?;
    let id = ctx.next_id();
    let message = new_message(ctx, id, channel_id, author, payload, WEBHOOK_FLAGS)?;
    ctx.state.insert_message(message);
    ctx.counters.messages_created += 1;
    Ok(id)
}

/// The webhook message the path names, in the channel or `thread_id` thread.
fn webhook_message(ctx: &mut Ctx<'_>, req: &Incoming) -> Result<u64, Reply> {
    let hook = webhook(ctx, req)?;
    let thread_id = req.query_snowflake("thread_id")?;
    let channel_id = match thread_id {
        Some(thread) => webhook_thread(ctx, &hook, thread)?,
        None => hook.channel_id,
    };
    let message_id = req.route.message_id.unwrap_or_default();
    ctx.state
        .message_in(channel_id, message_id)
        .filter(|m| matches!(m.author, Author::Webhook { id, .. } if id == hook.id))
        .map(|m| m.id)
        .ok_or_else(reply::unknown_message)
}

/// `GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
pub(super) fn get(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = webhook_message(ctx, req)?;
    Ok(ctx.message_reply(id, MessageView::FETCHED))
}

/// `PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
///
/// As on execute, a webhook not owned by an application has `components` silently ignored
/// unless the query says `with_components=true`.
pub(super) fn edit(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let hook = webhook(ctx, req)?;
    let id = webhook_message(ctx, req)?;
    let with_components = req.query_bool("with_components")?;
    let mut payload = req.payload()?;
    if !with_components && hook.application_id.is_none() {
        payload.json.remove("components");
    }
    apply_edit(ctx, id, &payload)?;
    Ok(ctx.message_reply(id, MessageView::FETCHED))
}

/// `DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
pub(super) fn delete(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = webhook_message(ctx, req)?;
    ctx.state.remove_message(id);
    Ok(Reply::no_content())
}

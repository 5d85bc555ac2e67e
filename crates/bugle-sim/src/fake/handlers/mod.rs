//! Route handlers, one module per operation family, and what they share.

mod applications;
mod channels;
mod dms;
mod gateway;
mod history;
pub(crate) mod interactions;
pub(crate) mod messages;
mod reactions;
mod threads;
mod users;
mod webhooks;

use std::net::IpAddr;
use std::time::Duration;

use http::StatusCode;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::clock::SimClock;
use crate::fake::inspect::Counters;
use crate::fake::render::{self, MessageView};
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::{Incoming, Payload};
use crate::fake::route::RouteKind;
use crate::fake::state::{AttachmentRec, Author, ChannelRec, MessageRec, State, kind};
use crate::fake::validation::MAX_ATTACHMENTS;
use crate::snowflake::SnowflakeGenerator;

/// Fixed settings of one `FakeDiscord`.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) bot_token: String,
    pub(crate) bot_id: u64,
    pub(crate) auto_create: bool,
    pub(crate) default_guild: u64,
    pub(crate) nonce_window: Duration,
    pub(crate) client_ip: IpAddr,
    /// The application's id (interaction webhooks use it in their path).
    pub(crate) application_id: u64,
}

/// What a handler works with.
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) counters: &'a mut Counters,
    pub(crate) settings: &'a Settings,
    pub(crate) clock: &'a SimClock,
    pub(crate) ids: &'a SnowflakeGenerator,
    pub(crate) now: Instant,
}

impl Ctx<'_> {
    /// A fresh snowflake for the current simulated time.
    pub(crate) fn next_id(&self) -> u64 {
        self.ids.next(self.clock.now_unix_millis())
    }

    /// The simulated time now, at Discord's microsecond precision.
    pub(crate) fn timestamp(&self) -> OffsetDateTime {
        let now = self.clock.now();
        now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
            .unwrap_or(now)
    }

    /// The channel `id`, created as a text channel when unknown and auto-create is on.
    pub(crate) fn channel(&mut self, id: u64) -> Result<ChannelRec, Reply> {
        if let Some(channel) = self.state.channels.get(&id) {
            return Ok(channel.clone());
        }
        if !self.settings.auto_create {
            return Err(reply::unknown_channel());
        }
        let mut channel = ChannelRec::new(id, kind::TEXT);
        channel.guild_id = Some(self.settings.default_guild);
        channel.name = Some(format!("channel-{id}"));
        self.state.channels.insert(id, channel.clone());
        Ok(channel)
    }

    /// A 200 reply carrying the stored message `id`.
    pub(crate) fn message_reply(&self, id: u64, view: MessageView) -> Reply {
        let rec = &self.state.messages[&id];
        let body = render::message_body(self.state, rec, self.settings.bot_id, view);
        Reply::encoded_json(StatusCode::OK, body)
    }

    /// A reply carrying the stored channel `id`.
    pub(crate) fn channel_reply(&self, status: StatusCode, id: u64) -> Reply {
        let rec = &self.state.channels[&id];
        let channel = render::channel(self.state, rec, self.settings.bot_id);
        Reply::json(status, serde_json::to_value(channel).unwrap_or_default())
    }
}

/// Runs the handler for the request's route.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    match req.route.kind {
        RouteKind::CreateMessage => messages::create(ctx, req),
        RouteKind::ListMessages => history::list(ctx, req),
        RouteKind::GetMessage => messages::get(ctx, req),
        RouteKind::EditMessage => messages::edit(ctx, req),
        RouteKind::DeleteMessage => messages::delete(ctx, req),
        RouteKind::AddReaction => reactions::add(ctx, req),
        RouteKind::RemoveOwnReaction => reactions::remove(ctx, req),
        RouteKind::CreateThreadFromMessage => threads::from_message(ctx, req),
        RouteKind::CreateThread => threads::create(ctx, req),
        RouteKind::CreateDm => dms::create(ctx, req),
        RouteKind::ExecuteWebhook => webhooks::execute(ctx, req),
        RouteKind::GetWebhookMessage => webhooks::get(ctx, req),
        RouteKind::GetWebhook => webhooks::get_webhook(ctx, req),
        RouteKind::EditWebhookMessage => webhooks::edit(ctx, req),
        RouteKind::DeleteWebhookMessage => webhooks::delete(ctx, req),
        RouteKind::GetChannel => channels::get(ctx, req),
        RouteKind::GetCurrentUser => Ok(users::current(ctx, req)),
        RouteKind::GetGatewayBot => Ok(gateway::bot(ctx, req)),
        RouteKind::CreateFollowup => interactions::followup(ctx, req),
        RouteKind::GetOriginalResponse => interactions::get_original(ctx, req),
        RouteKind::EditOriginalResponse => interactions::edit_original(ctx, req),
        RouteKind::DeleteOriginalResponse => interactions::delete_original(ctx, req),
        RouteKind::EditFollowup => interactions::edit_followup(ctx, req),
        RouteKind::DeleteFollowup => interactions::delete_followup(ctx, req),
        RouteKind::OverwriteGlobalCommands | RouteKind::OverwriteGuildCommands => {
            applications::overwrite(ctx, req)
        }
        RouteKind::ListGlobalCommands | RouteKind::ListGuildCommands => {
            applications::list(ctx, req)
        }
    }
}

/// Message flags a body may set, per route family.
pub(crate) const CREATE_FLAGS: u64 = (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15);
/// Flags a webhook execute may set.
pub(crate) const WEBHOOK_FLAGS: u64 = (1 << 2) | (1 << 12) | (1 << 15);
/// Flags a forum post's message may set.
pub(crate) const FORUM_FLAGS: u64 = (1 << 2) | (1 << 12);

/// Attachment metadata a body gives for upload placeholder `index`.
fn attachment_meta<'a>(
    json: &'a Map<String, Value>,
    index: &str,
) -> Option<&'a Map<String, Value>> {
    json.get("attachments")?.as_array()?.iter().find_map(|a| {
        let a = a.as_object()?;
        let id = match a.get("id")? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (id == index).then_some(a)
    })
}

/// Stores the uploaded files of `payload` as attachments.
pub(crate) fn uploads(ctx: &Ctx<'_>, payload: &Payload) -> Result<Vec<AttachmentRec>, Reply> {
    if payload.files.len() > MAX_ATTACHMENTS {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            30015,
            "Maximum number of attachments in a message reached (10)",
        ));
    }
    Ok(payload
        .files
        .iter()
        .map(|file| {
            let meta = attachment_meta(&payload.json, &file.index);
            let text = |key: &str| meta.and_then(|m| m.get(key)).and_then(Value::as_str);
            AttachmentRec {
                id: ctx.next_id(),
                filename: text("filename").unwrap_or(&file.filename).to_owned(),
                description: text("description").map(str::to_owned),
                content_type: file.content_type.clone(),
                size: file.data.len(),
                issued_unix: ctx.clock.now().unix_timestamp(),
            }
        })
        .collect())
}

/// The array at `key`, empty when absent or null.
pub(crate) fn list(json: &Map<String, Value>, key: &str) -> Vec<Value> {
    json.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Embeds as the server stores them: `type` forced to `rich`.
pub(crate) fn embeds(json: &Map<String, Value>) -> Vec<Value> {
    list(json, "embeds")
        .into_iter()
        .map(|mut e| {
            if let Some(object) = e.as_object_mut() {
                object.insert("type".to_owned(), Value::String("rich".to_owned()));
            }
            e
        })
        .collect()
}

/// A new message in `channel_id` from a validated payload.
pub(crate) fn new_message(
    ctx: &Ctx<'_>,
    id: u64,
    channel_id: u64,
    author: Author,
    payload: &Payload,
    allowed_flags: u64,
) -> Result<MessageRec, Reply> {
    let json = &payload.json;
    let position = ctx
        .state
        .channels
        .get(&channel_id)
        .filter(|c| c.thread.is_some())
        .map(|c| c.total_message_sent);
    Ok(MessageRec {
        id,
        channel_id,
        kind: 0,
        author,
        content: json
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        embeds: embeds(json),
        components: list(json, "components"),
        attachments: uploads(ctx, payload)?,
        timestamp: ctx.timestamp(),
        edited_timestamp: None,
        tts: json.get("tts").is_some_and(|t| t == true || t == "true"),
        flags: json.get("flags").and_then(Value::as_u64).unwrap_or(0) & allowed_flags,
        nonce: None,
        reference: None,
        reference_channel: None,
        reactions: Vec::new(),
        position,
    })
}

/// Checks a thread can take a new message (not locked) and unarchives it.
pub(crate) fn open_thread(ctx: &mut Ctx<'_>, channel_id: u64) -> Result<(), Reply> {
    let timestamp = ctx.timestamp();
    if let Some(thread) = ctx
        .state
        .channels
        .get_mut(&channel_id)
        .and_then(|c| c.thread.as_mut())
    {
        if thread.locked {
            return Err(Reply::error(
                StatusCode::FORBIDDEN,
                160_005,
                "Thread is locked",
            ));
        }
        if thread.archived {
            thread.archived = false;
            thread.archive_timestamp = timestamp;
        }
    }
    Ok(())
}

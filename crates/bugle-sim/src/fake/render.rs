//! Turns stored records into bugle-model types, the bodies the fake sends.

use bugle_model::channel::{
    AutoArchiveDuration, Channel, ChannelFlags, ChannelType, ForumTag, ThreadMember, ThreadMetadata,
};
use bugle_model::component::Component;
use bugle_model::embed::Embed;
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::Id;
use bugle_model::message::{
    Attachment, Message, MessageFlags, MessageReference, MessageType, Reaction,
    ReactionCountDetails,
};
use bugle_model::user::User;
use serde_json::Value;

use crate::fake::state::{AttachmentRec, Author, ChannelRec, MessageRec, ReactionRec, State};

/// A deterministic 32-hex-digit "hash" for a string (avatar hashes, URL signatures).
pub(crate) fn hex_hash(input: &str) -> String {
    let fnv = |seed: u64| {
        input.bytes().fold(seed, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}

/// The stored user `id` as a model [`User`].
pub(crate) fn user(state: &State, id: u64) -> User {
    let mut user = match state.users.get(&id) {
        Some(rec) => {
            let mut user = User::new(Id::new(id), rec.username.clone());
            user.bot = rec.bot;
            user
        }
        None => User::new(Id::new(id), format!("user{id}")),
    };
    user.public_flags = Some(0);
    user.flags = Some(0);
    user
}

fn author(state: &State, author: &Author) -> User {
    match author {
        Author::User(id) => user(state, *id),
        Author::Webhook {
            id,
            username,
            avatar,
            ..
        } => {
            let mut user = User::new(Id::new(*id), username.clone());
            "0000".clone_into(&mut user.discriminator);
            user.avatar.clone_from(avatar);
            user.bot = true;
            user
        }
    }
}

fn attachment(channel_id: u64, rec: &AttachmentRec) -> Attachment {
    let expires = rec.issued_unix + 86_400;
    let signature = hex_hash(&format!("{}:{}:{}", rec.id, rec.filename, rec.issued_unix));
    let query = format!("ex={expires:x}&is={:x}&hm={signature}&", rec.issued_unix);
    let path = format!("attachments/{channel_id}/{}/{}", rec.id, rec.filename);
    Attachment {
        id: Id::new(rec.id),
        filename: rec.filename.clone(),
        title: None,
        description: rec.description.clone(),
        content_type: rec.content_type.clone(),
        size: rec.size as u64,
        url: format!("https://cdn.discordapp.com/{path}?{query}"),
        proxy_url: format!("https://media.discordapp.net/{path}?{query}"),
        height: None,
        width: None,
        placeholder: None,
        placeholder_version: None,
        ephemeral: false,
        duration_secs: None,
        waveform: None,
        flags: None,
        clip_created_at: None,
    }
}

fn reaction(rec: &ReactionRec, bot_id: u64) -> Reaction {
    let count = u32::try_from(rec.users.len()).unwrap_or(u32::MAX);
    Reaction {
        count,
        count_details: ReactionCountDetails {
            burst: 0,
            normal: count,
        },
        me: rec.users.contains(&bot_id),
        me_burst: false,
        emoji: match rec.emoji_id {
            Some(id) => PartialEmoji::custom(Id::new(id), rec.emoji_name.clone(), false),
            None => PartialEmoji::unicode(rec.emoji_name.clone()),
        },
        burst_colors: Vec::new(),
    }
}

/// How much of a message to render.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessageView {
    /// Include the nonce (only the response to the send carries it).
    pub(crate) nonce: bool,
    /// Include `referenced_message` for replies.
    pub(crate) referenced: bool,
}

impl MessageView {
    /// The view of a send's response.
    pub(crate) const SENT: Self = Self {
        nonce: true,
        referenced: true,
    };
    /// The view of a fetched or edited message.
    pub(crate) const FETCHED: Self = Self {
        nonce: false,
        referenced: true,
    };
}

/// A stored message as a model [`Message`].
pub(crate) fn message(state: &State, rec: &MessageRec, bot_id: u64, view: MessageView) -> Message {
    let (webhook_id, application_id) = match &rec.author {
        Author::Webhook {
            id, application_id, ..
        } => (Some(Id::new(*id)), application_id.map(Id::new)),
        Author::User(_) => (None, None),
    };
    let reference = rec.reference.map(|id| MessageReference {
        kind: None,
        message_id: Some(Id::new(id)),
        channel_id: Some(Id::new(rec.reference_channel.unwrap_or(rec.channel_id))),
        guild_id: state
            .channels
            .get(&rec.channel_id)
            .and_then(|c| c.guild_id)
            .map(Id::new),
        fail_if_not_exists: None,
    });
    let referenced_message = match (rec.reference, view.referenced) {
        (Some(id), true) => Some(state.messages.get(&id).map(|m| {
            let inner = MessageView {
                nonce: false,
                referenced: false,
            };
            Box::new(message(state, m, bot_id, inner))
        })),
        _ => None,
    };
    let thread = state
        .channels
        .get(&rec.id)
        .filter(|c| c.thread.is_some() && c.parent_id == Some(rec.channel_id))
        .map(|c| Box::new(channel(state, c, bot_id)));
    Message {
        id: Id::new(rec.id),
        channel_id: Id::new(rec.channel_id),
        author: author(state, &rec.author),
        content: rec.content.clone(),
        timestamp: rec.timestamp,
        edited_timestamp: rec.edited_timestamp,
        tts: rec.tts,
        mention_everyone: false,
        mentions: Vec::new(),
        mention_roles: Vec::new(),
        mention_channels: Vec::new(),
        attachments: rec
            .attachments
            .iter()
            .map(|a| attachment(rec.channel_id, a))
            .collect(),
        embeds: rec
            .embeds
            .iter()
            .filter_map(|e| serde_json::from_value::<Embed>(e.clone()).ok())
            .collect(),
        reactions: rec.reactions.iter().map(|r| reaction(r, bot_id)).collect(),
        nonce: rec.nonce.clone().filter(|_| view.nonce),
        pinned: false,
        webhook_id,
        kind: MessageType::from(rec.kind),
        application_id,
        flags: MessageFlags::from(rec.flags),
        message_reference: reference,
        message_snapshots: Vec::new(),
        referenced_message,
        thread,
        components: rec
            .components
            .iter()
            .filter_map(|c| serde_json::from_value::<Component>(c.clone()).ok())
            .collect(),
        sticker_items: Vec::new(),
        position: rec.position.and_then(|p| u32::try_from(p).ok()),
        poll: None,
    }
}

fn saturating_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A stored channel as a model [`Channel`].
pub(crate) fn channel(state: &State, rec: &ChannelRec, bot_id: u64) -> Channel {
    let thread_metadata = rec.thread.as_ref().map(|t| ThreadMetadata {
        archived: t.archived,
        auto_archive_duration: AutoArchiveDuration::from(
            u16::try_from(t.auto_archive_duration).unwrap_or(u16::MAX),
        ),
        archive_timestamp: Some(t.archive_timestamp),
        locked: t.locked,
        invitable: t.invitable,
        create_timestamp: Some(t.create_timestamp),
    });
    let member = rec.thread.as_ref().map(|t| ThreadMember {
        id: Some(Id::new(rec.id)),
        user_id: Some(Id::new(bot_id)),
        join_timestamp: t.create_timestamp,
        flags: 1,
    });
    let is_thread = rec.thread.is_some();
    let is_guild_channel = rec.guild_id.is_some();
    Channel {
        id: Id::new(rec.id),
        kind: ChannelType::from(rec.kind),
        guild_id: rec.guild_id.map(Id::new),
        position: (is_guild_channel && !is_thread).then_some(0),
        permission_overwrites: Vec::new(),
        name: rec.name.clone(),
        topic: None,
        nsfw: (is_guild_channel && !is_thread).then_some(false),
        last_message_id: rec.last_message_id.map(Id::new),
        bitrate: None,
        user_limit: None,
        rate_limit_per_user: is_guild_channel.then(|| saturating_u32(rec.rate_limit_per_user)),
        recipients: rec.recipients.iter().map(|id| user(state, *id)).collect(),
        icon: None,
        owner_id: rec.owner_id.map(Id::new),
        application_id: None,
        managed: None,
        parent_id: rec.parent_id.map(Id::new),
        last_pin_timestamp: None,
        rtc_region: None,
        video_quality_mode: None,
        message_count: is_thread.then(|| saturating_u32(rec.message_count)),
        member_count: is_thread.then_some(1),
        thread_metadata,
        member,
        default_auto_archive_duration: None,
        permissions: None,
        flags: Some(ChannelFlags::from(rec.flags)),
        total_message_sent: is_thread.then(|| saturating_u32(rec.total_message_sent)),
        available_tags: rec
            .available_tags
            .iter()
            .map(|(id, name)| ForumTag {
                id: Id::new(*id),
                name: name.clone(),
                moderated: false,
                emoji_id: None,
                emoji_name: None,
            })
            .collect(),
        applied_tags: rec.applied_tags.iter().map(|id| Id::new(*id)).collect(),
        default_reaction_emoji: None,
        default_thread_rate_limit_per_user: None,
        default_sort_order: None,
        default_forum_layout: None,
        message: None,
    }
}

/// The bot user as `GET /users/@me` returns it: the user object plus the fields only the
/// current user sees (`mfa_enabled`, `locale`, `verified`, `email`), and the nullable
/// profile fields Discord sends as `null` rather than leaving out.
pub(crate) fn current_user(state: &State, bot_id: u64) -> Value {
    let mut user = user(state, bot_id);
    user.mfa_enabled = Some(false);
    user.locale = Some("en-US".to_owned());
    user.verified = Some(true);
    user.premium_type = Some(0);
    let mut value = serde_json::to_value(user).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        for key in [
            "global_name",
            "avatar",
            "banner",
            "accent_color",
            "avatar_decoration_data",
            "collectibles",
            "primary_guild",
            "email",
        ] {
            object.entry(key).or_insert(Value::Null);
        }
    }
    value
}

/// A stored message as the JSON body Discord sends: [`message`], with `components`
/// present even when empty (Discord always sends it; the model leaves an empty list out).
/// Encoded straight to bytes, without building a `Value` first: this is the body of
/// every send, fetch and edit.
pub(crate) fn message_body(
    state: &State,
    rec: &MessageRec,
    bot_id: u64,
    view: MessageView,
) -> Vec<u8> {
    let message = message(state, rec, bot_id, view);
    let mut body = Vec::with_capacity(MESSAGE_BODY_CAPACITY);
    if serde_json::to_writer(&mut body, &message).is_err() {
        return b"{}".to_vec();
    }
    // The object always has an id, so `components` follows a comma before its brace.
    if message.components.is_empty() && body.last() == Some(&b'}') {
        body.pop();
        body.extend_from_slice(b",\"components\":[]}");
    }
    body
}

/// [`message_body`] as a JSON value, for a body that embeds a message.
pub(crate) fn message_json(
    state: &State,
    rec: &MessageRec,
    bot_id: u64,
    view: MessageView,
) -> Value {
    serde_json::from_slice(&message_body(state, rec, bot_id, view)).unwrap_or_default()
}

/// Room for a plain message's body (under 500 bytes) without growing the buffer.
const MESSAGE_BODY_CAPACITY: usize = 1024;

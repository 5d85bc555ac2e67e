//! Messages: the [`Message`] object Discord returns and its parts.

mod kind;
mod parts;
mod poll;

pub use kind::{MessageFlags, MessageType};
pub use parts::{
    Attachment, AttachmentFlags, ChannelMention, MessageReference, MessageReferenceType, Nonce,
    Reaction, ReactionCountDetails, StickerFormatType, StickerItem,
};
pub use poll::{Poll, PollAnswer, PollAnswerCount, PollLayoutType, PollMedia, PollResults};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::channel::Channel;
use crate::component::Component;
use crate::embed::Embed;
use crate::id::{ApplicationId, ChannelId, MessageId, RoleId, WebhookId};
use crate::support::double_option;
use crate::user::User;

/// A message in a channel, as Discord returns it.
///
/// Without the `MESSAGE_CONTENT` intent an app sees empty `content`,
/// `embeds`, `attachments` and `components`, and no `poll`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::struct_excessive_bools)] // mirrors Discord's object
pub struct Message {
    /// The message's id.
    pub id: MessageId,
    /// The channel it was sent in.
    pub channel_id: ChannelId,
    /// Its author. For a webhook message this is the webhook (id, name,
    /// avatar), not a real user: check `webhook_id`.
    pub author: User,
    /// The text.
    #[serde(default)]
    pub content: String,
    /// When it was sent.
    #[serde(with = "crate::timestamp")]
    pub timestamp: OffsetDateTime,
    /// When it was last edited; `None` if never.
    #[serde(default, with = "crate::timestamp::option")]
    pub edited_timestamp: Option<OffsetDateTime>,
    /// Whether it was sent as text-to-speech.
    #[serde(default)]
    pub tts: bool,
    /// Whether it mentions everyone.
    #[serde(default)]
    pub mention_everyone: bool,
    /// The users it mentions.
    #[serde(default)]
    pub mentions: Vec<User>,
    /// The roles it mentions.
    #[serde(default)]
    pub mention_roles: Vec<RoleId>,
    /// The channels it mentions (crossposts only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mention_channels: Vec<ChannelMention>,
    /// Its attached files.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Its embeds.
    #[serde(default)]
    pub embeds: Vec<Embed>,
    /// Its reactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// The nonce it was sent with (only in the response to the send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<Nonce>,
    /// Whether it is pinned.
    #[serde(default)]
    pub pinned: bool,
    /// The webhook that sent it, if a webhook did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<WebhookId>,
    /// Its type.
    #[serde(rename = "type", default)]
    pub kind: MessageType,
    /// The application that sent it (interaction responses, app webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// Its flags.
    #[serde(default)]
    pub flags: MessageFlags,
    /// What it replies to, forwards or was crossposted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_reference: Option<MessageReference>,
    /// The forwarded message(s), for forwards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_snapshots: Vec<MessageSnapshot>,
    /// The message this one replies to: `None` when Discord did not send it
    /// (not fetched), `Some(None)` when it was deleted (sent as `null`),
    /// `Some(Some(m))` when present. Only on types 19, 21 and 23.
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[allow(clippy::option_option)] // absent vs null is the point
    pub referenced_message: Option<Option<Box<Message>>>,
    /// The thread started from this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Box<Channel>>,
    /// Its components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Its stickers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sticker_items: Vec<StickerItem>,
    /// Its approximate position in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Its poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<Poll>,
}

impl Message {
    /// Whether a webhook sent this message (its `author` is then the webhook).
    pub fn is_webhook_message(&self) -> bool {
        self.webhook_id.is_some()
    }

    /// Whether the message uses Components V2.
    pub fn is_components_v2(&self) -> bool {
        self.flags.contains(MessageFlags::IS_COMPONENTS_V2)
    }

    /// The message this one replies to, if Discord sent it and it still exists.
    pub fn replied_to(&self) -> Option<&Message> {
        self.referenced_message.as_ref().and_then(Option::as_deref)
    }

    /// Whether Discord said the replied-to message was deleted (`null`).
    pub fn referenced_message_deleted(&self) -> bool {
        matches!(self.referenced_message, Some(None))
    }
}

/// A forwarded message's copy, inside the forward.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageSnapshot {
    /// The copied fields of the forwarded message.
    pub message: SnapshotMessage,
}

/// The fields of a message that a forward copies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotMessage {
    /// Its type.
    #[serde(rename = "type", default)]
    pub kind: MessageType,
    /// Its text.
    #[serde(default)]
    pub content: String,
    /// Its embeds.
    #[serde(default)]
    pub embeds: Vec<Embed>,
    /// Its files.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When it was sent.
    #[serde(with = "crate::timestamp")]
    pub timestamp: OffsetDateTime,
    /// When it was last edited.
    #[serde(default, with = "crate::timestamp::option")]
    pub edited_timestamp: Option<OffsetDateTime>,
    /// Its flags.
    #[serde(default)]
    pub flags: MessageFlags,
    /// The users it mentions.
    #[serde(default)]
    pub mentions: Vec<User>,
    /// The roles it mentions.
    #[serde(default)]
    pub mention_roles: Vec<RoleId>,
    /// Its stickers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sticker_items: Vec<StickerItem>,
    /// Its components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

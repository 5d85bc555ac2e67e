//! The parts of a message: attachments, reactions, references, sticker
//! items, channel mentions and the nonce.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::channel::ChannelType;
use crate::emoji::PartialEmoji;
use crate::id::{AttachmentId, ChannelId, GuildId, MessageId, StickerId};
use crate::support::{define_flags, is_false, open_int_enum};

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// The attachment's id.
    pub id: AttachmentId,
    /// The file's name.
    pub filename: String,
    /// The file's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Alt text (at most 1024 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The media type, e.g. `image/png`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The size in bytes.
    #[serde(default)]
    pub size: u64,
    /// The signed CDN URL (it expires).
    #[serde(default)]
    pub url: String,
    /// Discord's proxied URL.
    #[serde(default)]
    pub proxy_url: String,
    /// Height in pixels, for images and videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Width in pixels, for images and videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// A thumbhash placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The placeholder's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder_version: Option<u32>,
    /// Whether the attachment is ephemeral.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ephemeral: bool,
    /// A voice message's length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// A voice message's waveform, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waveform: Option<String>,
    /// The attachment's flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<AttachmentFlags>,
    /// When a clip was made.
    #[serde(
        default,
        with = "crate::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub clip_created_at: Option<OffsetDateTime>,
}

define_flags! {
    /// Flags of an attachment.
    pub struct AttachmentFlags: int {
        /// The attachment is a clip from a stream.
        const IS_CLIP = 1 << 0;
        /// The attachment is a media channel post's thumbnail.
        const IS_THUMBNAIL = 1 << 1;
        /// The attachment was edited with the remix feature.
        const IS_REMIX = 1 << 2;
        /// The attachment is a spoiler.
        const IS_SPOILER = 1 << 3;
        /// The attachment is an animated image.
        const IS_ANIMATED = 1 << 5;
    }
}

/// A reaction on a message: one emoji and who used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// Times this emoji was used, normal and super reactions together.
    pub count: u32,
    /// The count split by normal and super reactions.
    #[serde(default)]
    pub count_details: ReactionCountDetails,
    /// Whether the current user reacted with it.
    #[serde(default)]
    pub me: bool,
    /// Whether the current user super-reacted with it.
    #[serde(default)]
    pub me_burst: bool,
    /// The emoji.
    pub emoji: PartialEmoji,
    /// The colours of super reactions, as `#rrggbb` strings.
    #[serde(default)]
    pub burst_colors: Vec<String>,
}

/// A reaction's count by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionCountDetails {
    /// Super reactions.
    #[serde(default)]
    pub burst: u32,
    /// Normal reactions.
    #[serde(default)]
    pub normal: u32,
}

open_int_enum! {
    /// What a message reference does.
    pub enum MessageReferenceType: u8 {
        /// A reply (the default when unset).
        Default = 0,
        /// A forward.
        Forward = 1,
    }
}

/// A pointer from a message to another: a reply, a forward, a crosspost's
/// source or a thread's starter message. Also the request form that makes a
/// message a reply or a forward.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageReference {
    /// Reply or forward; unset means a reply.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MessageReferenceType>,
    /// The referenced message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// Its channel (always present on received data; needed for forwards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    /// Its guild.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<GuildId>,
    /// On send: whether a missing referenced message is an error (default
    /// true) or the message is sent as a normal one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_if_not_exists: Option<bool>,
}

impl MessageReference {
    /// A reference that makes a message a reply to `message_id`.
    pub fn reply(message_id: MessageId) -> Self {
        Self {
            message_id: Some(message_id),
            ..Self::default()
        }
    }

    /// A reference that forwards `message_id` from `channel_id`.
    pub fn forward(channel_id: ChannelId, message_id: MessageId) -> Self {
        Self {
            kind: Some(MessageReferenceType::Forward),
            message_id: Some(message_id),
            channel_id: Some(channel_id),
            ..Self::default()
        }
    }
}

open_int_enum! {
    /// The file format of a sticker.
    pub enum StickerFormatType: u8 {
        /// PNG.
        Png = 1,
        /// Animated PNG.
        Apng = 2,
        /// Lottie JSON.
        Lottie = 3,
        /// GIF.
        Gif = 4,
    }
}

/// The smallest form of a sticker, as messages carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StickerItem {
    /// The sticker's id.
    pub id: StickerId,
    /// The sticker's name.
    pub name: String,
    /// The sticker's format.
    pub format_type: StickerFormatType,
}

/// A channel mentioned in a crossposted message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMention {
    /// The channel's id.
    pub id: ChannelId,
    /// Its guild's id.
    pub guild_id: GuildId,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// Its name.
    pub name: String,
}

/// A nonce: an integer or a string of at most 25 chars that Discord echoes
/// back, and with `enforce_nonce` uses to drop duplicate sends.
///
/// Read from JSON by its type: a number in the signed 64-bit range is an
/// [`Integer`](Self::Integer), a string (even of digits) a
/// [`String`](Self::String); anything else is an error.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Nonce {
    /// An integer nonce (Discord accepts the signed 64-bit range).
    Integer(i64),
    /// A string nonce (at most 25 chars).
    String(String),
}

/// Decodes by looking at the JSON type once, rather than the way
/// `#[serde(untagged)]` does (buffer the value, try each variant, build and
/// drop an error for each miss): every message answer carries a nonce.
impl<'de> Deserialize<'de> for Nonce {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NonceVisitor)
    }
}

struct NonceVisitor;

impl serde::de::Visitor<'_> for NonceVisitor {
    type Value = Nonce;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a nonce: a signed 64-bit integer or a string")
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Nonce, E> {
        Ok(Nonce::Integer(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Nonce, E> {
        i64::try_from(value)
            .map(Nonce::Integer)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Nonce, E> {
        Ok(Nonce::String(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Nonce, E> {
        Ok(Nonce::String(value))
    }
}

impl From<i64> for Nonce {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<String> for Nonce {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<&str> for Nonce {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Nonce;

    fn parse(json: &str) -> Result<Nonce, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_number_is_an_integer_nonce_and_a_string_a_string_nonce() {
        assert_eq!(parse("42").unwrap(), Nonce::Integer(42));
        assert_eq!(parse("-7").unwrap(), Nonce::Integer(-7));
        assert_eq!(
            parse(&i64::MAX.to_string()).unwrap(),
            Nonce::Integer(i64::MAX)
        );
        assert_eq!(parse("\"42\"").unwrap(), Nonce::String("42".to_owned()));
        assert_eq!(
            parse("\"a\\\"b\"").unwrap(),
            Nonce::String("a\"b".to_owned())
        );
    }

    #[test]
    fn other_json_is_not_a_nonce() {
        let too_big = (u64::try_from(i64::MAX).unwrap() + 1).to_string();
        for json in [too_big.as_str(), "1.5", "true", "null", "[]", "{}"] {
            assert!(parse(json).is_err(), "{json} was read as a nonce");
        }
    }

    #[test]
    fn a_nonce_survives_a_round_trip() {
        for nonce in [Nonce::Integer(-3), Nonce::String("123".to_owned())] {
            let json = serde_json::to_string(&nonce).unwrap();
            assert_eq!(parse(&json).unwrap(), nonce);
        }
    }
}

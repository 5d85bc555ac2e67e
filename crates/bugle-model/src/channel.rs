//! Channels: guild text channels, DMs, threads and forum posts.

mod thread;

pub use thread::{AutoArchiveDuration, ThreadMember, ThreadMetadata};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::id::{ApplicationId, ChannelId, EmojiId, GenericId, GuildId, MessageId, TagId, UserId};
use crate::message::Message;
use crate::support::{define_flags, open_int_enum};
use crate::user::User;

/// A channel of any type: guild channel, DM, thread or forum post.
///
/// Which fields are present depends on the type. A forum post created by
/// `POST /channels/{id}/threads` also carries its first `message`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// The channel's id.
    pub id: ChannelId,
    /// The channel's type.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// The guild it belongs to (absent for DMs, sometimes absent in events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<GuildId>,
    /// Its sort position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// Explicit permission overwrites for members and roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission_overwrites: Vec<PermissionOverwrite>,
    /// The name (1–100 chars); `None` for DMs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Whether the channel is age-restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// The id of the last message sent (it may no longer exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_id: Option<MessageId>,
    /// The bitrate of a voice channel, in bits per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u32>,
    /// The user limit of a voice channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_limit: Option<u32>,
    /// Slow mode: seconds a user waits between messages (0–21600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_user: Option<u32>,
    /// The recipients of a DM.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<User>,
    /// The icon hash of a group DM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The creator of a group DM or thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<UserId>,
    /// The application that created a group DM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// Whether an application manages the group DM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// The category of a guild channel, or the parent channel of a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ChannelId>,
    /// When the last message was pinned.
    #[serde(
        default,
        with = "crate::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_pin_timestamp: Option<OffsetDateTime>,
    /// The voice region; `None` for automatic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtc_region: Option<String>,
    /// The camera video quality mode (1 auto, 2 full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_quality_mode: Option<u8>,
    /// Messages in a thread, not counting the starter message or deleted ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_count: Option<u32>,
    /// About how many users are in a thread (stops counting at 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_count: Option<u32>,
    /// Thread-only details: archive state and lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_metadata: Option<ThreadMetadata>,
    /// The current user's membership of a thread, if it joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<ThreadMember>,
    /// The archive duration new threads get, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_auto_archive_duration: Option<AutoArchiveDuration>,
    /// The current user's computed permissions here (in interaction payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    /// The channel's flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<ChannelFlags>,
    /// Messages ever sent in a thread (does not go down on deletes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_message_sent: Option<u32>,
    /// The tags a forum or media channel offers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub available_tags: Vec<ForumTag>,
    /// The tags applied to a forum or media post.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_tags: Vec<TagId>,
    /// The emoji shown on the add-reaction button of forum posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_reaction_emoji: Option<DefaultReaction>,
    /// The slow mode new threads get, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_thread_rate_limit_per_user: Option<u32>,
    /// How a forum sorts its posts (0 latest activity, 1 creation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_sort_order: Option<u8>,
    /// How a forum lays out its posts (0 unset, 1 list, 2 gallery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_forum_layout: Option<u8>,
    /// The first message of a forum or media post, in its create response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Box<Message>>,
}

impl Channel {
    /// Whether this channel is a thread (types 10, 11 and 12).
    pub fn is_thread(&self) -> bool {
        self.kind.is_thread()
    }
}

open_int_enum! {
    /// The type of a channel.
    pub enum ChannelType: u8 {
        /// A text channel in a guild.
        GuildText = 0,
        /// A direct message between two users.
        Dm = 1,
        /// A voice channel in a guild.
        GuildVoice = 2,
        /// A direct message between several users.
        GroupDm = 3,
        /// A category holding up to 50 channels.
        GuildCategory = 4,
        /// A channel others can follow into their servers.
        GuildAnnouncement = 5,
        /// A thread in an announcement channel.
        AnnouncementThread = 10,
        /// A public thread in a text or forum channel.
        PublicThread = 11,
        /// A private thread in a text channel.
        PrivateThread = 12,
        /// A voice channel for hosting events with an audience.
        GuildStageVoice = 13,
        /// The channel of a student hub's server directory.
        GuildDirectory = 14,
        /// A channel holding only threads (posts).
        GuildForum = 15,
        /// A channel holding only threads, laid out as media.
        GuildMedia = 16,
    }
}

impl ChannelType {
    /// Whether channels of this type are threads.
    pub fn is_thread(self) -> bool {
        matches!(
            self,
            Self::AnnouncementThread | Self::PublicThread | Self::PrivateThread
        )
    }
}

define_flags! {
    /// Flags of a channel.
    pub struct ChannelFlags: int {
        /// The thread is pinned to the top of its forum or media channel.
        const PINNED = 1 << 1;
        /// A tag is required on posts in this forum or media channel.
        const REQUIRE_TAG = 1 << 4;
        /// The media channel hides its embedded media download options.
        const HIDE_MEDIA_DOWNLOAD_OPTIONS = 1 << 15;
        /// The channel is a spoiler channel.
        const IS_SPOILER_CHANNEL = 1 << 21;
    }
}

define_flags! {
    /// A permission set. Sent as a decimal string, as Discord does.
    ///
    /// Only the bits bugle's operations touch are named; the rest are kept.
    pub struct Permissions: string {
        /// Add new reactions.
        const ADD_REACTIONS = 1 << 6;
        /// See the channel and read its messages.
        const VIEW_CHANNEL = 1 << 10;
        /// Send messages (not in threads).
        const SEND_MESSAGES = 1 << 11;
        /// Send text-to-speech messages.
        const SEND_TTS_MESSAGES = 1 << 12;
        /// Delete or flag others' messages.
        const MANAGE_MESSAGES = 1 << 13;
        /// Links posted auto-embed.
        const EMBED_LINKS = 1 << 14;
        /// Upload files.
        const ATTACH_FILES = 1 << 15;
        /// Read past messages (needed to reply and to react).
        const READ_MESSAGE_HISTORY = 1 << 16;
        /// Ping @everyone, @here and every role.
        const MENTION_EVERYONE = 1 << 17;
        /// Use emoji from other guilds.
        const USE_EXTERNAL_EMOJIS = 1 << 18;
        /// Create, edit and delete webhooks.
        const MANAGE_WEBHOOKS = 1 << 29;
        /// Delete, archive and lock threads.
        const MANAGE_THREADS = 1 << 34;
        /// Create public and announcement threads.
        const CREATE_PUBLIC_THREADS = 1 << 35;
        /// Create private threads.
        const CREATE_PRIVATE_THREADS = 1 << 36;
        /// Send messages in threads.
        const SEND_MESSAGES_IN_THREADS = 1 << 38;
        /// Send voice messages.
        const SEND_VOICE_MESSAGES = 1 << 46;
        /// Create polls.
        const SEND_POLLS = 1 << 49;
        /// Pin and unpin messages.
        const PIN_MESSAGES = 1 << 51;
        /// Ignore slow mode.
        const BYPASS_SLOWMODE = 1 << 52;
    }
}

open_int_enum! {
    /// Whom a permission overwrite applies to.
    pub enum PermissionOverwriteType: u8 {
        /// A role.
        Role = 0,
        /// A member.
        Member = 1,
    }
}

/// Permissions allowed and denied to one role or member in a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionOverwrite {
    /// The role or user id; [`cast`](crate::id::Id::cast) it by `kind`.
    pub id: GenericId,
    /// Whether `id` is a role or a member.
    #[serde(rename = "type")]
    pub kind: PermissionOverwriteType,
    /// The permissions granted.
    #[serde(default)]
    pub allow: Permissions,
    /// The permissions taken away.
    #[serde(default)]
    pub deny: Permissions,
}

/// A tag that can be applied to posts in a forum or media channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumTag {
    /// The tag's id.
    pub id: TagId,
    /// The tag's name (0–20 chars).
    pub name: String,
    /// Whether only moderators may apply it.
    #[serde(default)]
    pub moderated: bool,
    /// The custom emoji shown with the tag.
    #[serde(default)]
    pub emoji_id: Option<EmojiId>,
    /// The unicode emoji shown with the tag.
    #[serde(default)]
    pub emoji_name: Option<String>,
}

/// The default reaction emoji of a forum or media channel: one of the two
/// fields is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultReaction {
    /// A custom emoji's id.
    #[serde(default)]
    pub emoji_id: Option<EmojiId>,
    /// A unicode emoji.
    #[serde(default)]
    pub emoji_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_serialise_as_strings_and_parse_either_form() {
        let perms = Permissions::SEND_MESSAGES | Permissions::EMBED_LINKS;
        assert_eq!(serde_json::to_string(&perms).unwrap(), "\"18432\"");
        assert_eq!(
            serde_json::from_str::<Permissions>("\"18432\"").unwrap(),
            perms
        );
        assert_eq!(serde_json::from_str::<Permissions>("18432").unwrap(), perms);
        let big: Permissions = serde_json::from_str("\"6755399441055744\"").unwrap();
        assert!(big.contains(Permissions::BYPASS_SLOWMODE | Permissions::PIN_MESSAGES));
    }

    #[test]
    fn channel_flags_keep_unknown_bits() {
        let flags: ChannelFlags =
            serde_json::from_str(&((1u64 << 4) | (1 << 40)).to_string()).unwrap();
        assert!(flags.contains(ChannelFlags::REQUIRE_TAG));
        assert_eq!(flags.unknown_bits(), 1 << 40);
        assert_eq!(
            serde_json::to_value(flags).unwrap(),
            serde_json::json!((1u64 << 4) | (1 << 40))
        );
        assert_eq!(
            format!("{flags:?}"),
            "ChannelFlags(REQUIRE_TAG | 0x10000000000)"
        );
    }

    #[test]
    fn channel_type_is_open() {
        let kind: ChannelType = serde_json::from_str("99").unwrap();
        assert_eq!(kind, ChannelType::Unknown(99));
        assert_eq!(serde_json::to_string(&kind).unwrap(), "99");
        assert!(ChannelType::from(11).is_thread());
        assert!(!ChannelType::GuildForum.is_thread());
    }
}

//! Thread details: archive metadata, membership and archive durations.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::id::{ChannelId, UserId};
use crate::support::open_int_enum;

open_int_enum! {
    /// Minutes of inactivity after which a thread is archived.
    pub enum AutoArchiveDuration: u16 {
        /// One hour.
        Hour = 60,
        /// One day.
        Day = 1440,
        /// Three days.
        ThreeDays = 4320,
        /// One week.
        Week = 10080,
    }
}

impl AutoArchiveDuration {
    /// Whether Discord accepts this duration (60, 1440, 4320 or 10080).
    pub fn is_valid(self) -> bool {
        !matches!(self, Self::Unknown(_))
    }
}

/// The thread-only fields of a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMetadata {
    /// Whether the thread is archived.
    #[serde(default)]
    pub archived: bool,
    /// Minutes of inactivity before it is archived.
    pub auto_archive_duration: AutoArchiveDuration,
    /// When its archive state last changed.
    #[serde(default, with = "crate::timestamp::option")]
    pub archive_timestamp: Option<OffsetDateTime>,
    /// Whether it is locked: only moderators can unarchive it.
    #[serde(default)]
    pub locked: bool,
    /// Whether non-moderators can add others to a private thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitable: Option<bool>,
    /// When it was created (only threads made after 2022-01-09).
    #[serde(
        default,
        with = "crate::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_timestamp: Option<OffsetDateTime>,
}

/// A user's membership of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMember {
    /// The thread's id (absent in some payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ChannelId>,
    /// The user's id (absent in some payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// When the user last joined.
    #[serde(with = "crate::timestamp")]
    pub join_timestamp: OffsetDateTime,
    /// Notification settings, as raw bits.
    #[serde(default)]
    pub flags: u64,
}

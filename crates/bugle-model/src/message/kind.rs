//! A message's type and flags.

use crate::support::{define_flags, open_int_enum};

open_int_enum! {
    /// The type of a message.
    pub enum MessageType: u8 {
        /// A normal message.
        Default = 0,
        /// A user was added to a group DM.
        RecipientAdd = 1,
        /// A user left or was removed from a group DM.
        RecipientRemove = 2,
        /// A call.
        Call = 3,
        /// The channel's name changed.
        ChannelNameChange = 4,
        /// The channel's icon changed.
        ChannelIconChange = 5,
        /// A message was pinned.
        ChannelPinnedMessage = 6,
        /// A member joined.
        UserJoin = 7,
        /// The guild was boosted.
        GuildBoost = 8,
        /// The guild reached boost tier 1.
        GuildBoostTier1 = 9,
        /// The guild reached boost tier 2.
        GuildBoostTier2 = 10,
        /// The guild reached boost tier 3.
        GuildBoostTier3 = 11,
        /// A channel was followed.
        ChannelFollowAdd = 12,
        /// The guild was removed from discovery.
        GuildDiscoveryDisqualified = 14,
        /// The guild is back in discovery.
        GuildDiscoveryRequalified = 15,
        /// First warning of a discovery grace period.
        GuildDiscoveryGracePeriodInitialWarning = 16,
        /// Final warning of a discovery grace period.
        GuildDiscoveryGracePeriodFinalWarning = 17,
        /// A thread was created.
        ThreadCreated = 18,
        /// A reply to another message.
        Reply = 19,
        /// A slash command's response.
        ChatInputCommand = 20,
        /// The starter message of a thread made from a message.
        ThreadStarterMessage = 21,
        /// A reminder to invite people.
        GuildInviteReminder = 22,
        /// A context menu command's response.
        ContextMenuCommand = 23,
        /// An auto-moderation action.
        AutoModerationAction = 24,
        /// A role subscription was bought.
        RoleSubscriptionPurchase = 25,
        /// An upsell for a premium interaction.
        InteractionPremiumUpsell = 26,
        /// A stage started.
        StageStart = 27,
        /// A stage ended.
        StageEnd = 28,
        /// A stage got a speaker.
        StageSpeaker = 29,
        /// A stage's topic changed.
        StageTopic = 31,
        /// An application subscription was bought in the guild.
        GuildApplicationPremiumSubscription = 32,
        /// Incident alert mode was turned on.
        GuildIncidentAlertModeEnabled = 36,
        /// Incident alert mode was turned off.
        GuildIncidentAlertModeDisabled = 37,
        /// A raid was reported.
        GuildIncidentReportRaid = 38,
        /// A raid report was a false alarm.
        GuildIncidentReportFalseAlarm = 39,
        /// A purchase was made.
        PurchaseNotification = 44,
        /// A poll's results.
        PollResult = 46,
    }
}

// The enum comes from a macro, so `#[default]` cannot be put on a variant.
#[allow(clippy::derivable_impls)]
impl Default for MessageType {
    fn default() -> Self {
        Self::Default
    }
}

define_flags! {
    /// Flags of a message.
    ///
    /// Only `SUPPRESS_EMBEDS`, `SUPPRESS_NOTIFICATIONS`, `IS_VOICE_MESSAGE` and
    /// `IS_COMPONENTS_V2` may be set when sending.
    pub struct MessageFlags: int {
        /// The message was published to following channels.
        const CROSSPOSTED = 1 << 0;
        /// The message came from a followed channel.
        const IS_CROSSPOST = 1 << 1;
        /// Do not show embeds for this message.
        const SUPPRESS_EMBEDS = 1 << 2;
        /// The crossposted source message was deleted.
        const SOURCE_MESSAGE_DELETED = 1 << 3;
        /// The message came from the urgent message system.
        const URGENT = 1 << 4;
        /// A thread was started from this message.
        const HAS_THREAD = 1 << 5;
        /// Only the interaction's user sees the message.
        const EPHEMERAL = 1 << 6;
        /// An interaction response that is still "thinking".
        const LOADING = 1 << 7;
        /// Some roles were not mentioned and added to the thread.
        const FAILED_TO_MENTION_SOME_ROLES_IN_THREAD = 1 << 8;
        /// No push or desktop notification is sent.
        const SUPPRESS_NOTIFICATIONS = 1 << 12;
        /// The message is a voice message.
        const IS_VOICE_MESSAGE = 1 << 13;
        /// The message is a forward (has a snapshot).
        const HAS_SNAPSHOT = 1 << 14;
        /// The message uses Components V2; content, embeds, poll and stickers are off.
        const IS_COMPONENTS_V2 = 1 << 15;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_and_test() {
        let flags = MessageFlags::SUPPRESS_EMBEDS | MessageFlags::IS_COMPONENTS_V2;
        assert_eq!(flags.bits(), 32772);
        assert!(flags.contains(MessageFlags::IS_COMPONENTS_V2));
        assert!(!flags.contains(MessageFlags::SUPPRESS_EMBEDS | MessageFlags::EPHEMERAL));
        assert!(flags.intersects(MessageFlags::SUPPRESS_EMBEDS | MessageFlags::EPHEMERAL));
        assert_eq!(
            flags - MessageFlags::SUPPRESS_EMBEDS,
            MessageFlags::IS_COMPONENTS_V2
        );
        let mut grown = MessageFlags::empty();
        grown |= MessageFlags::HAS_THREAD;
        grown.insert(MessageFlags::URGENT);
        grown.remove(MessageFlags::HAS_THREAD);
        assert_eq!(grown, MessageFlags::URGENT);
        assert!(MessageFlags::empty().is_empty());
    }

    #[test]
    fn unknown_flag_bits_survive_a_round_trip() {
        let flags: MessageFlags = serde_json::from_str("1048580").unwrap(); // 1<<20 | 1<<2
        assert!(flags.contains(MessageFlags::SUPPRESS_EMBEDS));
        assert_eq!(flags.unknown_bits(), 1 << 20);
        assert_eq!(serde_json::to_string(&flags).unwrap(), "1048580");
        assert_eq!(
            format!("{flags:?}"),
            "MessageFlags(SUPPRESS_EMBEDS | 0x100000)"
        );
        assert_eq!(format!("{:?}", MessageFlags::empty()), "MessageFlags(0x0)");
    }

    #[test]
    fn flags_from_raw_bits_keep_every_bit() {
        let raw = (1 << 2) | (1 << 40);
        let flags = MessageFlags::from(raw);
        assert_eq!(flags, MessageFlags::from_bits_retain(raw));
        assert_eq!(MessageFlags::from_bits(raw), Some(flags));
        assert_eq!(MessageFlags::from_bits_truncate(raw), flags);
        assert_eq!(u64::from(flags), raw);
        let names: Vec<&str> = flags.iter_names().map(|(name, _)| name).collect();
        assert_eq!(names, ["SUPPRESS_EMBEDS"]);
        assert_eq!(
            (flags - MessageFlags::SUPPRESS_EMBEDS).unknown_bits(),
            1 << 40
        );
    }

    #[test]
    fn message_type_is_open() {
        assert_eq!(MessageType::from(19), MessageType::Reply);
        assert_eq!(MessageType::from(55), MessageType::Unknown(55));
        assert_eq!(MessageType::Unknown(55).value(), 55);
        let parsed: MessageType = serde_json::from_str("250").unwrap();
        assert_eq!(parsed, MessageType::Unknown(250));
    }
}

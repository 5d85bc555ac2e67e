//! Typed Discord ids (snowflakes).
//!
//! Every id is an [`Id<M>`] whose marker type `M` says what it names, so a
//! message id can never be passed where a channel id is wanted:
//!
//! ```compile_fail
//! use bugle_model::id::{ChannelId, MessageId};
//!
//! fn wants_channel(_: ChannelId) {}
//! wants_channel(MessageId::new(1)); // mismatched types
//! ```
//!
//! Ids serialise as JSON strings, the way Discord sends them, and parse from
//! strings or integers (Discord sometimes echoes small ids as integers).
//!
//! Discord ids are never zero, so an `Id` wraps a [`NonZeroU64`]: `"0"` does
//! not parse as an id, and `Option<Id<M>>` costs no extra space.
//! [`Id::new`] panics on zero (meant for literals and constants);
//! [`Id::new_checked`] returns `None` instead.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::num::NonZeroU64;
use std::str::FromStr;

use time::OffsetDateTime;

/// Discord's epoch, 2015-01-01T00:00:00Z, in milliseconds since the Unix epoch.
pub const DISCORD_EPOCH_MILLIS: u64 = 1_420_070_400_000;

/// A Discord id (snowflake) naming a `M`, e.g. `Id<ChannelMarker>`.
///
/// `Copy`, ordered (by creation time, as snowflakes sort), hashable; shown
/// by [`Display`](fmt::Display) as the decimal number.
pub struct Id<M> {
    value: NonZeroU64,
    marker: PhantomData<fn(M) -> M>,
}

macro_rules! markers {
    ($( $(#[$doc:meta])* $marker:ident => $alias:ident; )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub struct $marker;

            #[doc = concat!("The id of a ", stringify!($marker), "'s target: `Id<", stringify!($marker), ">`.")]
            pub type $alias = Id<$marker>;
        )*
    };
}

markers! {
    /// Marks the id of a channel (text, voice, DM, thread, forum, ...).
    ChannelMarker => ChannelId;
    /// Marks the id of a message.
    MessageMarker => MessageId;
    /// Marks the id of a user.
    UserMarker => UserId;
    /// Marks the id of a guild (server).
    GuildMarker => GuildId;
    /// Marks the id of a webhook.
    WebhookMarker => WebhookId;
    /// Marks the id of a custom emoji.
    EmojiMarker => EmojiId;
    /// Marks the id of an application.
    ApplicationMarker => ApplicationId;
    /// Marks the id of an attachment.
    AttachmentMarker => AttachmentId;
    /// Marks the id of a role.
    RoleMarker => RoleId;
    /// Marks the id of a sticker.
    StickerMarker => StickerId;
    /// Marks the id of a forum or media channel tag.
    TagMarker => TagId;
    /// Marks the id of a SKU (a premium button's product).
    SkuMarker => SkuId;
    /// Marks the id of an interaction (a slash command, button press, ...).
    InteractionMarker => InteractionId;
    /// Marks the id of an application command.
    CommandMarker => CommandId;
    /// Marks an id whose kind depends on a sibling field, e.g. a permission
    /// overwrite (role or member) or a select default value (user, role or
    /// channel). Convert it with [`Id::cast`] once the kind is known.
    GenericMarker => GenericId;
}

impl<M> Id<M> {
    /// The id with this value.
    ///
    /// # Panics
    /// If `value` is zero: Discord ids are never zero. Use
    /// [`new_checked`](Self::new_checked) for values that may be.
    #[track_caller]
    pub const fn new(value: u64) -> Self {
        match Self::new_checked(value) {
            Some(id) => id,
            None => panic!("a discord id cannot be zero"),
        }
    }

    /// The id with this value, or `None` if it is zero.
    pub const fn new_checked(value: u64) -> Option<Self> {
        match NonZeroU64::new(value) {
            Some(value) => Some(Self::from_nonzero(value)),
            None => None,
        }
    }

    /// The id with this non-zero value.
    pub const fn from_nonzero(value: NonZeroU64) -> Self {
        Self {
            value,
            marker: PhantomData,
        }
    }

    /// The id as a number.
    pub const fn get(self) -> u64 {
        self.value.get()
    }

    /// The id as a non-zero number.
    pub const fn into_nonzero(self) -> NonZeroU64 {
        self.value
    }

    /// The same number, as an id of another kind.
    ///
    /// Only for the places where Discord deliberately reuses a number: a
    /// thread started from a message has the message's id, a webhook
    /// message's author id is the webhook id, a [`GenericId`] becomes a role
    /// or user id once its `type` is known.
    pub const fn cast<N>(self) -> Id<N> {
        Id::from_nonzero(self.value)
    }

    /// Milliseconds since the Unix epoch at which Discord made this id
    /// (its top 42 bits plus [`DISCORD_EPOCH_MILLIS`]).
    pub const fn timestamp_millis(self) -> u64 {
        (self.get() >> 22) + DISCORD_EPOCH_MILLIS
    }

    /// When Discord made this id, from its timestamp bits.
    pub fn created_at(self) -> OffsetDateTime {
        let nanos = i128::from(self.timestamp_millis()) * 1_000_000;
        // The largest snowflake gives 2^42 ms after 2015, about the year 2154,
        // well inside `OffsetDateTime`'s range, so this cannot fail.
        OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The smallest id Discord could make at `unix_millis` (worker, process
    /// and increment bits zero), e.g. as a pagination bound. `None` at or
    /// before Discord's epoch, or past the 42-bit timestamp range.
    pub const fn from_timestamp_millis(unix_millis: u64) -> Option<Self> {
        if unix_millis <= DISCORD_EPOCH_MILLIS {
            return None;
        }
        let since_epoch = unix_millis - DISCORD_EPOCH_MILLIS;
        if since_epoch >= 1 << 42 {
            return None;
        }
        Self::new_checked(since_epoch << 22)
    }
}

// Hand-written so that no bound is placed on the marker type.
impl<M> Clone for Id<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Id<M> {}

impl<M> PartialEq for Id<M> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<M> Eq for Id<M> {}

impl<M> PartialOrd for Id<M> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<M> Ord for Id<M> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<M> Hash for Id<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<M> fmt::Debug for Id<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let marker = std::any::type_name::<M>();
        let marker = marker.rsplit("::").next().unwrap_or(marker);
        write!(f, "Id<{marker}>({})", self.value)
    }
}

impl<M> fmt::Display for Id<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl<M> From<NonZeroU64> for Id<M> {
    fn from(value: NonZeroU64) -> Self {
        Self::from_nonzero(value)
    }
}

impl<M> From<Id<M>> for u64 {
    fn from(id: Id<M>) -> Self {
        id.get()
    }
}

impl<M> From<Id<M>> for NonZeroU64 {
    fn from(id: Id<M>) -> Self {
        id.value
    }
}

impl<M> TryFrom<u64> for Id<M> {
    type Error = ParseIdError;

    fn try_from(value: u64) -> Result<Self, ParseIdError> {
        Self::new_checked(value).ok_or(ParseIdError {
            kind: ParseIdErrorKind::Zero,
        })
    }
}

/// Why a string is not a Discord id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.kind.describe())]
pub struct ParseIdError {
    kind: ParseIdErrorKind,
}

impl ParseIdError {
    /// What was wrong with the input.
    pub fn kind(&self) -> ParseIdErrorKind {
        self.kind
    }
}

/// The ways a string can fail to be a Discord id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseIdErrorKind {
    /// The input was empty.
    Empty,
    /// The input was not a decimal number that fits in 64 bits.
    NotANumber,
    /// The input was zero; Discord ids are never zero.
    Zero,
}

impl ParseIdErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Empty => {
                "a discord id cannot be empty; expected a decimal number such as 175928847299117063"
            }
            Self::NotANumber => {
                "a discord id must be a decimal number below 2^64, such as 175928847299117063"
            }
            Self::Zero => "a discord id cannot be zero; check where the id came from",
        }
    }
}

impl<M> FromStr for Id<M> {
    type Err = ParseIdError;

    /// Parses the decimal form Discord uses, e.g. `"175928847299117063"`.
    /// No sign, spaces or other bases are accepted.
    fn from_str(s: &str) -> Result<Self, ParseIdError> {
        if s.is_empty() {
            return Err(ParseIdError {
                kind: ParseIdErrorKind::Empty,
            });
        }
        // One pass over the digits: every message answer carries three or more ids,
        // and `str::parse` after a digit check read each of them twice.
        let not_a_number = || ParseIdError {
            kind: ParseIdErrorKind::NotANumber,
        };
        let mut value: u64 = 0;
        for byte in s.bytes() {
            let digit = byte.wrapping_sub(b'0');
            if digit > 9 {
                return Err(not_a_number());
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit)))
                .ok_or_else(not_a_number)?;
        }
        value.try_into()
    }
}

impl<M> serde::Serialize for Id<M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.value)
    }
}

impl<'de, M> serde::Deserialize<'de> for Id<M> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<M>(PhantomData<fn(M) -> M>);

        impl<M> serde::de::Visitor<'_> for Visitor<M> {
            type Value = Id<M>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a discord id as a string or an integer")
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Id<M>, E> {
                Id::try_from(value).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Id<M>, E> {
                let value = u64::try_from(value)
                    .map_err(|_| E::custom("a discord id cannot be negative"))?;
                self.visit_u64(value)
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Id<M>, E> {
                value.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_any(Visitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn created_at_reads_the_timestamp_bits() {
        let id = UserId::new(175_928_847_299_117_063);
        assert_eq!(id.timestamp_millis(), 1_462_015_105_796);
        assert_eq!(id.created_at(), datetime!(2016-04-30 11:18:25.796 UTC));
    }

    #[test]
    fn from_timestamp_millis_inverts_timestamp_millis() {
        let id = MessageId::from_timestamp_millis(1_462_015_105_796).unwrap();
        assert_eq!(id.timestamp_millis(), 1_462_015_105_796);
        assert_eq!(id.get() & 0x3F_FFFF, 0);
        assert!(MessageId::from_timestamp_millis(DISCORD_EPOCH_MILLIS).is_none());
        assert!(MessageId::from_timestamp_millis(DISCORD_EPOCH_MILLIS + (1 << 42)).is_none());
    }

    #[test]
    fn parses_decimal_strings_only() {
        assert_eq!("42".parse::<ChannelId>().unwrap().get(), 42);
        assert_eq!(
            "".parse::<ChannelId>().unwrap_err().kind(),
            ParseIdErrorKind::Empty
        );
        assert_eq!(
            "0".parse::<ChannelId>().unwrap_err().kind(),
            ParseIdErrorKind::Zero
        );
        for bad in [
            "+1",
            "-1",
            " 1",
            "1 ",
            "0x10",
            "abc",
            "18446744073709551616",
        ] {
            assert_eq!(
                bad.parse::<ChannelId>().unwrap_err().kind(),
                ParseIdErrorKind::NotANumber,
                "{bad:?}"
            );
        }
        assert_eq!(
            "18446744073709551615".parse::<ChannelId>().unwrap().get(),
            u64::MAX
        );
    }

    proptest::proptest! {
        #[test]
        fn parses_any_digit_string_as_the_standard_parser_does(text in "[0-9]{1,24}") {
            let ours = text.parse::<ChannelId>().map(ChannelId::get).map_err(|e| e.kind());
            let expected = match text.parse::<u64>() {
                Ok(0) => Err(ParseIdErrorKind::Zero),
                Ok(value) => Ok(value),
                Err(_) => Err(ParseIdErrorKind::NotANumber),
            };
            proptest::prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn parse_error_message_is_lower_case_and_helpful() {
        let message = "x".parse::<ChannelId>().unwrap_err().to_string();
        assert!(message.starts_with("a discord id must be a decimal number"));
        assert!(!message.ends_with('.'));
    }

    #[test]
    fn serialises_as_string_and_parses_string_or_integer() {
        let id = GuildId::new(613_425_648_685_547_541);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"613425648685547541\""
        );
        let from_str: GuildId = serde_json::from_str("\"613425648685547541\"").unwrap();
        let from_int: GuildId = serde_json::from_str("613425648685547541").unwrap();
        assert_eq!(from_str, id);
        assert_eq!(from_int, id);
    }

    #[test]
    fn rejects_zero_negative_and_non_numbers_when_deserialising() {
        for bad in ["0", "\"0\"", "-5", "\"abc\"", "1.5", "null", "true"] {
            assert!(serde_json::from_str::<GuildId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn option_id_is_as_small_as_the_id() {
        assert_eq!(
            std::mem::size_of::<Option<ChannelId>>(),
            std::mem::size_of::<u64>()
        );
    }

    #[test]
    #[should_panic(expected = "cannot be zero")]
    fn new_panics_on_zero() {
        let _ = ChannelId::new(0);
    }

    #[test]
    fn display_debug_and_order() {
        let a = ChannelId::new(5);
        let b = ChannelId::new(40);
        assert_eq!(a.to_string(), "5");
        assert_eq!(format!("{a:?}"), "Id<ChannelMarker>(5)");
        assert!(a < b);
        let thread: ChannelId = MessageId::new(40).cast();
        assert_eq!(thread, b);
    }
}

//! Reactions: add the bot's own reaction to a message.

use std::fmt;

use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{EmojiId, MessageId};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::DiscordClient;
use super::request::Call;
use super::route::Route;
use crate::error::{DiscordError, ValidationError, Violation, ViolationKind};
use crate::routing::ChannelTarget;

/// What stays unencoded in an emoji path segment: unreserved characters,
/// and the `:` of `name:id`.
const EMOJI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b':');

/// An emoji to react with.
///
/// From a string: `<:name:id>`, `<a:name:id>` and `name:id` are custom
/// emoji; anything else is a unicode emoji.
///
/// ```
/// use bugle::client::ReactionEmoji;
/// use bugle_model::id::EmojiId;
///
/// assert_eq!(ReactionEmoji::from("✅"), ReactionEmoji::Unicode("✅".into()));
/// assert_eq!(
///     ReactionEmoji::from("<:shipit:123456>"),
///     ReactionEmoji::Custom { name: "shipit".into(), id: EmojiId::new(123456) },
/// );
/// assert_eq!(ReactionEmoji::from("✅").path_segment(), "%E2%9C%85");
/// assert_eq!(ReactionEmoji::from("shipit:123456").path_segment(), "shipit:123456");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReactionEmoji {
    /// A unicode emoji such as `✅`.
    Unicode(String),
    /// A custom guild emoji.
    Custom {
        /// Its name.
        name: String,
        /// Its id.
        id: EmojiId,
    },
}

impl ReactionEmoji {
    /// The emoji as the reaction routes take it: percent-encoded unicode, or
    /// `name:id`.
    pub fn path_segment(&self) -> String {
        let raw = match self {
            Self::Unicode(emoji) => emoji.clone(),
            Self::Custom { name, id } => format!("{name}:{id}"),
        };
        utf8_percent_encode(&raw, EMOJI_ENCODE).to_string()
    }

    fn check(&self) -> Result<(), DiscordError> {
        let empty = match self {
            Self::Unicode(emoji) => emoji.trim().is_empty(),
            Self::Custom { name, .. } => name.trim().is_empty(),
        };
        if empty {
            // A report like the model's, so `DiscordError::validation` has it.
            let violation = Violation::new("emoji", ViolationKind::TooShort { min: 1, actual: 0 });
            if let Some(report) = ValidationError::from_violations(vec![violation]) {
                return Err(DiscordError::from_validation(report));
            }
        }
        Ok(())
    }
}

impl fmt::Display for ReactionEmoji {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unicode(emoji) => f.write_str(emoji),
            Self::Custom { name, id } => write!(f, "<:{name}:{id}>"),
        }
    }
}

impl From<&str> for ReactionEmoji {
    fn from(text: &str) -> Self {
        let inner = text
            .strip_prefix("<a:")
            .or_else(|| text.strip_prefix("<:"))
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or(text);
        if let Some((name, id)) = inner.rsplit_once(':') {
            if let Some(id) = id.parse::<u64>().ok().and_then(EmojiId::new_checked) {
                if !name.is_empty() && !name.contains(':') {
                    return Self::Custom {
                        name: name.to_owned(),
                        id,
                    };
                }
            }
        }
        Self::Unicode(text.to_owned())
    }
}

impl From<String> for ReactionEmoji {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<&PartialEmoji> for ReactionEmoji {
    fn from(emoji: &PartialEmoji) -> Self {
        match (emoji.id, &emoji.name) {
            (Some(id), Some(name)) => Self::Custom {
                name: name.clone(),
                id,
            },
            (_, name) => Self::Unicode(name.clone().unwrap_or_default()),
        }
    }
}

impl DiscordClient {
    /// Adds the bot's reaction to a message
    /// (`PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me`).
    /// Adding a reaction that is already there succeeds.
    ///
    /// # Errors
    ///
    /// [`Validation`](crate::ErrorKind::Validation) for an empty emoji,
    /// [`UnknownChannelRoute`](crate::ErrorKind::UnknownChannelRoute),
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication), and every error of
    /// Discord's answer (10014 unknown emoji as [`BadRequest`](crate::ErrorKind::BadRequest)).
    pub async fn add_reaction(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
        emoji: impl Into<ReactionEmoji>,
    ) -> Result<(), DiscordError> {
        let emoji = emoji.into();
        emoji.check()?;
        let channel = self.channel(&channel.into())?;
        let call = Call::new(
            "add_reaction",
            Route::add_reaction(channel, message_id, &emoji),
        );
        self.execute(call).await.map(drop)
    }
}

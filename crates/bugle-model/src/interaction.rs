//! Interactions Discord delivers to an app (slash commands, button presses,
//! autocomplete, modal submits) and the responses an app gives.
//!
//! [`Interaction`] parses Discord's payload into typed [`InteractionData`]:
//! an interaction of a type this version does not know parses into
//! [`InteractionData::Unknown`] with its raw `data`, and unknown fields are
//! ignored, so a payload Discord extends next year still parses.
//!
//! ```
//! use bugle_model::interaction::{Interaction, InteractionData};
//!
//! let json = r#"{"id":"1","application_id":"2","type":2,"token":"t","version":1,
//!   "data":{"id":"3","name":"deploy","type":1,
//!           "options":[{"name":"service","type":3,"value":"api"}]},
//!   "channel_id":"4","user":{"id":"5","username":"ana"}}"#;
//! let interaction: Interaction = serde_json::from_str(json).unwrap();
//! let InteractionData::Command(command) = &interaction.data else { panic!() };
//! assert_eq!(command.name, "deploy");
//! assert_eq!(command.string("service"), Some("api"));
//! assert_eq!(interaction.author().unwrap().username, "ana");
//! ```
//!
//! The responses are in [`response`]: one [`InteractionResponse`] variant
//! per callback type, validated against Discord's limits.

mod command;
mod component;
mod modal;
pub mod response;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub use command::{
    CommandData, CommandOption, CommandOptionType, CommandOptionValue, CommandType, ResolvedData,
};
pub use component::ComponentData;
pub use modal::{ModalField, ModalSubmitData};
pub use response::{
    CallbackType, CommandChoice, CommandChoiceValue, InteractionMessage, InteractionResponse, Modal,
};

use crate::channel::Permissions;
use crate::id::{ApplicationId, ChannelId, GuildId, InteractionId, RoleId};
use crate::message::Message;
use crate::support::open_int_enum;
use crate::user::User;

open_int_enum! {
    /// The integer `type` of an interaction.
    pub enum InteractionType: u8 {
        /// Discord checks the endpoint is up; answer with a PONG.
        Ping = 1,
        /// A slash command, or a user or message context-menu command.
        ApplicationCommand = 2,
        /// A button press or a select choice on a message.
        MessageComponent = 3,
        /// A user typing in a command option with autocomplete on.
        Autocomplete = 4,
        /// A modal the app showed was submitted.
        ModalSubmit = 5,
    }
}

open_int_enum! {
    /// Where an interaction was triggered (`context`).
    pub enum InteractionContextType: u8 {
        /// In a server.
        Guild = 0,
        /// In the bot's DM with the user.
        BotDm = 1,
        /// In a group DM or a DM other than the bot's.
        PrivateChannel = 2,
    }
}

/// An interaction token: what authorises the response, its followups and
/// the edits of the original response, for 15 minutes.
///
/// A secret: `Debug` shows `[redacted]` and there is no `Display`; read it
/// with [`expose`](Self::expose) only to write a request path.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InteractionToken(String);

impl InteractionToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InteractionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InteractionToken([redacted])")
    }
}

/// A guild member as an interaction carries it (the user who triggered it
/// in a server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InteractionMember {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The member's nickname in this server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    /// The member's roles.
    #[serde(default)]
    pub roles: Vec<RoleId>,
    /// The member's permissions in the channel, overwrites included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
}

/// One interaction, as Discord POSTs it to the endpoint.
///
/// Fields Discord documents as sometimes absent are `Option`s; unknown
/// fields are ignored.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Interaction {
    /// The interaction's id.
    pub id: InteractionId,
    /// The application it is for.
    pub application_id: ApplicationId,
    /// Its `type` (also told by [`data`](Self::data)'s variant).
    pub kind: InteractionType,
    /// What was invoked, clicked or submitted.
    pub data: InteractionData,
    /// The token for the response, followups and edits (15 minutes).
    pub token: InteractionToken,
    /// Always 1.
    pub version: u8,
    /// The server, if triggered in one.
    pub guild_id: Option<GuildId>,
    /// The channel it was triggered in.
    pub channel_id: Option<ChannelId>,
    /// The member who triggered it, in a server.
    pub member: Option<InteractionMember>,
    /// The user who triggered it, in a DM.
    pub user: Option<User>,
    /// The message a component is on (component interactions, and modal
    /// submits from a component); `None` too if it could not be read.
    pub message: Option<Box<Message>>,
    /// The permissions the app has in the channel.
    pub app_permissions: Option<Permissions>,
    /// The invoking user's language.
    pub locale: Option<String>,
    /// The server's preferred language.
    pub guild_locale: Option<String>,
    /// Where it was triggered.
    pub context: Option<InteractionContextType>,
}

impl Interaction {
    /// The user who triggered the interaction: the member's user in a
    /// server, else `user`.
    pub fn author(&self) -> Option<&User> {
        self.member
            .as_ref()
            .and_then(|m| m.user.as_ref())
            .or(self.user.as_ref())
    }
}

/// What an interaction carries, by type.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum InteractionData {
    /// Type 1: Discord checks the endpoint; answer with a PONG.
    Ping,
    /// Type 2: a command was invoked.
    Command(CommandData),
    /// Type 3: a button was pressed or a select chosen.
    Component(ComponentData),
    /// Type 4: a user is typing in an option with autocomplete on; the
    /// focused option has [`CommandOption::focused`] set.
    Autocomplete(CommandData),
    /// Type 5: a modal was submitted.
    ModalSubmit(ModalSubmitData),
    /// A type this version does not model, with its raw `data` (if any).
    Unknown {
        /// The interaction's `type`.
        kind: u8,
        /// Its `data`, as received.
        data: Option<Value>,
    },
}

/// The payload's shape before `data` is read by type.
#[derive(Deserialize)]
struct Raw {
    id: InteractionId,
    application_id: ApplicationId,
    #[serde(rename = "type")]
    kind: InteractionType,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    token: Option<InteractionToken>,
    #[serde(default = "one")]
    version: u8,
    #[serde(default)]
    guild_id: Option<GuildId>,
    #[serde(default)]
    channel_id: Option<ChannelId>,
    #[serde(default)]
    channel: Option<PartialChannel>,
    #[serde(default)]
    member: Option<InteractionMember>,
    #[serde(default)]
    user: Option<User>,
    /// Read leniently: a message this version cannot read must not make the whole
    /// interaction unreadable.
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    app_permissions: Option<Permissions>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    guild_locale: Option<String>,
    #[serde(default)]
    context: Option<InteractionContextType>,
}

#[derive(Deserialize)]
struct PartialChannel {
    id: ChannelId,
}

fn one() -> u8 {
    1
}

impl<'de> Deserialize<'de> for Interaction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = Raw::deserialize(deserializer)?;
        let typed = |data: Option<Value>| -> Result<Value, D::Error> {
            data.ok_or_else(|| D::Error::missing_field("data"))
        };
        let data = match raw.kind {
            InteractionType::Ping => InteractionData::Ping,
            InteractionType::ApplicationCommand => InteractionData::Command(
                serde_json::from_value(typed(raw.data)?).map_err(D::Error::custom)?,
            ),
            InteractionType::MessageComponent => InteractionData::Component(
                serde_json::from_value(typed(raw.data)?).map_err(D::Error::custom)?,
            ),
            InteractionType::Autocomplete => InteractionData::Autocomplete(
                serde_json::from_value(typed(raw.data)?).map_err(D::Error::custom)?,
            ),
            InteractionType::ModalSubmit => InteractionData::ModalSubmit(
                serde_json::from_value(typed(raw.data)?).map_err(D::Error::custom)?,
            ),
            InteractionType::Unknown(kind) => InteractionData::Unknown {
                kind,
                data: raw.data,
            },
        };
        let token = match (raw.token, &data) {
            (Some(token), _) => token,
            // A PING needs no answer but the PONG, and a new type may not carry one.
            (None, InteractionData::Ping | InteractionData::Unknown { .. }) => {
                InteractionToken::new("")
            }
            (None, _) => return Err(D::Error::missing_field("token")),
        };
        Ok(Self {
            id: raw.id,
            application_id: raw.application_id,
            kind: raw.kind,
            data,
            token,
            version: raw.version,
            guild_id: raw.guild_id,
            channel_id: raw.channel_id.or(raw.channel.map(|c| c.id)),
            member: raw.member,
            user: raw.user,
            message: raw
                .message
                .and_then(|m| serde_json::from_value::<Message>(m).ok())
                .map(Box::new),
            app_permissions: raw.app_permissions,
            locale: raw.locale,
            guild_locale: raw.guild_locale,
            context: raw.context,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Interaction {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_ping_parses() {
        let ping = parse(r#"{"id":"1","application_id":"2","type":1,"token":"t","version":1}"#);
        assert_eq!(ping.data, InteractionData::Ping);
        assert_eq!(ping.kind, InteractionType::Ping);
    }

    #[test]
    fn an_unknown_type_parses_with_its_data() {
        let new = parse(
            r#"{"id":"1","application_id":"2","type":42,"token":"t","data":{"x":1},"brand_new":true}"#,
        );
        assert_eq!(new.kind, InteractionType::Unknown(42));
        assert!(matches!(
            new.data,
            InteractionData::Unknown {
                kind: 42,
                data: Some(_)
            }
        ));
    }

    #[test]
    fn a_button_press_parses_with_its_message() {
        let press = parse(
            r#"{"id":"1","application_id":"2","type":3,"token":"t","channel_id":"9",
                "member":{"user":{"id":"5","username":"bo"},"roles":["7"],"permissions":"2048"},
                "data":{"custom_id":"ack:42","component_type":2},
                "message":{"id":"8","channel_id":"9","author":{"id":"2","username":"app"},
                           "content":"card","timestamp":"2026-01-01T00:00:00+00:00"}}"#,
        );
        let InteractionData::Component(data) = &press.data else {
            panic!("{press:?}")
        };
        assert_eq!(data.custom_id, "ack:42");
        assert_eq!(press.message.as_ref().unwrap().content, "card");
        assert_eq!(press.author().unwrap().username, "bo");
        assert_eq!(press.member.as_ref().unwrap().roles, vec![RoleId::new(7)]);
    }

    #[test]
    fn a_message_this_version_cannot_read_does_not_lose_the_interaction() {
        let press = parse(
            r#"{"id":"1","application_id":"2","type":3,"token":"t",
                "data":{"custom_id":"ack","component_type":2},"message":{"id":"not a snowflake"}}"#,
        );
        assert!(press.message.is_none());
        assert!(matches!(press.data, InteractionData::Component(_)));
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let press = parse(r#"{"id":"1","application_id":"2","type":1,"token":"s3cr3t"}"#);
        assert!(!format!("{press:?}").contains("s3cr3t"));
        assert_eq!(press.token.expose(), "s3cr3t");
    }

    #[test]
    fn a_command_without_data_is_an_error_not_a_panic() {
        let result: Result<Interaction, _> =
            serde_json::from_str(r#"{"id":"1","application_id":"2","type":2,"token":"t"}"#);
        assert!(result.is_err());
    }
}

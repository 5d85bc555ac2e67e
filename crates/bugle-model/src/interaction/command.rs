//! The data of a command invocation (and of an autocomplete request): the
//! command, its options typed by their `type`, and the resolved objects.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::id::{AttachmentId, ChannelId, CommandId, GenericId, GuildId, RoleId, UserId};
use crate::support::open_int_enum;
use crate::user::User;

open_int_enum! {
    /// The integer `type` of an application command.
    pub enum CommandType: u8 {
        /// A slash command.
        ChatInput = 1,
        /// A command in a user's context menu.
        User = 2,
        /// A command in a message's context menu.
        Message = 3,
        /// An Activity's entry point.
        PrimaryEntryPoint = 4,
    }
}

open_int_enum! {
    /// The integer `type` of a command option.
    pub enum CommandOptionType: u8 {
        /// A subcommand (its own options inside).
        SubCommand = 1,
        /// A group of subcommands.
        SubCommandGroup = 2,
        /// Text.
        String = 3,
        /// An integer between -2^53 and 2^53.
        Integer = 4,
        /// True or false.
        Boolean = 5,
        /// A user.
        User = 6,
        /// A channel.
        Channel = 7,
        /// A role.
        Role = 8,
        /// A user or a role.
        Mentionable = 9,
        /// A floating-point number.
        Number = 10,
        /// An uploaded file.
        Attachment = 11,
    }
}

/// A command invocation's `data`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CommandData {
    /// The command's id.
    pub id: CommandId,
    /// The command's name.
    pub name: String,
    /// Slash, user or message command.
    #[serde(rename = "type", default = "chat_input")]
    pub kind: CommandType,
    /// The options given, typed (subcommands hold their own).
    #[serde(default)]
    pub options: Vec<CommandOption>,
    /// The users, members, roles, channels, messages and attachments the
    /// options (or the context-menu target) name.
    #[serde(default)]
    pub resolved: Option<ResolvedData>,
    /// The server of a guild command.
    #[serde(default)]
    pub guild_id: Option<GuildId>,
    /// The user or message a context-menu command was invoked on.
    #[serde(default)]
    pub target_id: Option<GenericId>,
}

fn chat_input() -> CommandType {
    CommandType::ChatInput
}

impl CommandData {
    /// The subcommand path and the options of the leaf: for
    /// `/deploy service start name:api` that is `(["service", "start"], [name])`;
    /// for a command without subcommands, `([], options)`.
    pub fn subcommand(&self) -> (Vec<&str>, &[CommandOption]) {
        let mut path = Vec::new();
        let mut options = self.options.as_slice();
        while let [only] = options {
            match &only.value {
                CommandOptionValue::SubCommand(inner)
                | CommandOptionValue::SubCommandGroup(inner) => {
                    path.push(only.name.as_str());
                    options = inner;
                }
                _ => break,
            }
        }
        (path, options)
    }

    /// The leaf option `name` (inside any subcommand).
    pub fn option(&self, name: &str) -> Option<&CommandOptionValue> {
        self.subcommand()
            .1
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }

    /// The string option `name`.
    pub fn string(&self, name: &str) -> Option<&str> {
        match self.option(name)? {
            CommandOptionValue::String(text) | CommandOptionValue::Partial(text) => Some(text),
            _ => None,
        }
    }

    /// The integer option `name`.
    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.option(name)? {
            CommandOptionValue::Integer(n) => Some(*n),
            _ => None,
        }
    }

    /// The number option `name`.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.option(name)? {
            CommandOptionValue::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean option `name`.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.option(name)? {
            CommandOptionValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The option being typed in, in an autocomplete request.
    pub fn focused(&self) -> Option<&CommandOption> {
        self.subcommand().1.iter().find(|o| o.focused)
    }
}

/// One option given to a command.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CommandOption {
    /// The option's name.
    pub name: String,
    /// Its value, typed by the option's `type`.
    pub value: CommandOptionValue,
    /// In an autocomplete request, whether the user is typing in this one
    /// (its value is then [`CommandOptionValue::Partial`] text).
    pub focused: bool,
}

impl CommandOption {
    /// An option named `name` with `value`.
    pub fn new(name: impl Into<String>, value: CommandOptionValue) -> Self {
        Self {
            name: name.into(),
            value,
            focused: false,
        }
    }
}

/// An option's value, by its `type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CommandOptionValue {
    /// Type 1: a subcommand, with its options.
    SubCommand(Vec<CommandOption>),
    /// Type 2: a subcommand group, with its one subcommand.
    SubCommandGroup(Vec<CommandOption>),
    /// Type 3: text.
    String(String),
    /// Type 4: an integer.
    Integer(i64),
    /// Type 5: a boolean.
    Boolean(bool),
    /// Type 6: a user (see [`ResolvedData::users`]).
    User(UserId),
    /// Type 7: a channel.
    Channel(ChannelId),
    /// Type 8: a role.
    Role(RoleId),
    /// Type 9: a user or role id.
    Mentionable(GenericId),
    /// Type 10: a number.
    Number(f64),
    /// Type 11: an attachment (see [`ResolvedData::attachments`]).
    Attachment(AttachmentId),
    /// The text typed so far in the focused option of an autocomplete
    /// request, whatever the option's type.
    Partial(String),
    /// A type this version does not know, or a value that does not fit
    /// its type, kept as received.
    Unknown {
        /// The option's `type`.
        kind: CommandOptionType,
        /// Its `value`, if any.
        value: Option<Value>,
    },
}

impl CommandOptionValue {
    /// The option `type` this value is sent with.
    pub fn kind(&self) -> CommandOptionType {
        match self {
            Self::SubCommand(_) => CommandOptionType::SubCommand,
            Self::SubCommandGroup(_) => CommandOptionType::SubCommandGroup,
            Self::String(_) | Self::Partial(_) => CommandOptionType::String,
            Self::Integer(_) => CommandOptionType::Integer,
            Self::Boolean(_) => CommandOptionType::Boolean,
            Self::User(_) => CommandOptionType::User,
            Self::Channel(_) => CommandOptionType::Channel,
            Self::Role(_) => CommandOptionType::Role,
            Self::Mentionable(_) => CommandOptionType::Mentionable,
            Self::Number(_) => CommandOptionType::Number,
            Self::Attachment(_) => CommandOptionType::Attachment,
            Self::Unknown { kind, .. } => *kind,
        }
    }
}

#[derive(Deserialize)]
struct RawOption {
    name: String,
    #[serde(rename = "type")]
    kind: CommandOptionType,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    options: Vec<CommandOption>,
    #[serde(default)]
    focused: bool,
}

fn id_of<M>(value: &Value) -> Option<crate::id::Id<M>> {
    let n = match value {
        Value::String(text) => text.parse().ok()?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    crate::id::Id::new_checked(n)
}

impl<'de> Deserialize<'de> for CommandOption {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawOption::deserialize(deserializer)?;
        let v = raw.value.as_ref();
        let typed = match raw.kind {
            _ if raw.focused => match v {
                Some(Value::String(text)) => Some(CommandOptionValue::Partial(text.clone())),
                Some(other) => Some(CommandOptionValue::Partial(other.to_string())),
                None => Some(CommandOptionValue::Partial(String::new())),
            },
            CommandOptionType::SubCommand => {
                Some(CommandOptionValue::SubCommand(raw.options.clone()))
            }
            CommandOptionType::SubCommandGroup => {
                Some(CommandOptionValue::SubCommandGroup(raw.options.clone()))
            }
            CommandOptionType::String => v
                .and_then(Value::as_str)
                .map(|s| CommandOptionValue::String(s.to_owned())),
            CommandOptionType::Integer => {
                v.and_then(Value::as_i64).map(CommandOptionValue::Integer)
            }
            CommandOptionType::Number => v.and_then(Value::as_f64).map(CommandOptionValue::Number),
            CommandOptionType::Boolean => {
                v.and_then(Value::as_bool).map(CommandOptionValue::Boolean)
            }
            CommandOptionType::User => v.and_then(id_of).map(CommandOptionValue::User),
            CommandOptionType::Channel => v.and_then(id_of).map(CommandOptionValue::Channel),
            CommandOptionType::Role => v.and_then(id_of).map(CommandOptionValue::Role),
            CommandOptionType::Mentionable => {
                v.and_then(id_of).map(CommandOptionValue::Mentionable)
            }
            CommandOptionType::Attachment => v.and_then(id_of).map(CommandOptionValue::Attachment),
            CommandOptionType::Unknown(_) => None,
        };
        Ok(Self {
            name: raw.name,
            value: typed.unwrap_or(CommandOptionValue::Unknown {
                kind: raw.kind,
                value: raw.value,
            }),
            focused: raw.focused,
        })
    }
}

impl Serialize for CommandOption {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("type", &self.value.kind())?;
        match &self.value {
            CommandOptionValue::SubCommand(options)
            | CommandOptionValue::SubCommandGroup(options) => {
                map.serialize_entry("options", options)?;
            }
            CommandOptionValue::String(text) | CommandOptionValue::Partial(text) => {
                map.serialize_entry("value", text)?;
            }
            CommandOptionValue::Integer(n) => map.serialize_entry("value", n)?,
            CommandOptionValue::Number(n) => map.serialize_entry("value", n)?,
            CommandOptionValue::Boolean(b) => map.serialize_entry("value", b)?,
            CommandOptionValue::User(id) => map.serialize_entry("value", id)?,
            CommandOptionValue::Channel(id) => map.serialize_entry("value", id)?,
            CommandOptionValue::Role(id) => map.serialize_entry("value", id)?,
            CommandOptionValue::Mentionable(id) => map.serialize_entry("value", id)?,
            CommandOptionValue::Attachment(id) => map.serialize_entry("value", id)?,
            CommandOptionValue::Unknown { value, .. } => {
                if let Some(value) = value {
                    map.serialize_entry("value", value)?;
                }
            }
        }
        if self.focused {
            map.serialize_entry("focused", &true)?;
        }
        map.end()
    }
}

/// The objects a command's options name, keyed by id (as Discord sends
/// them). Users are typed; the others are kept as JSON objects.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ResolvedData {
    /// Users, by id.
    #[serde(default)]
    pub users: HashMap<UserId, User>,
    /// Partial members (no `user`), by user id.
    #[serde(default)]
    pub members: HashMap<UserId, Value>,
    /// Roles, by id.
    #[serde(default)]
    pub roles: HashMap<RoleId, Value>,
    /// Partial channels, by id.
    #[serde(default)]
    pub channels: HashMap<ChannelId, Value>,
    /// Messages (message commands), by id.
    #[serde(default)]
    pub messages: HashMap<String, Value>,
    /// Attachments, by id.
    #[serde(default)]
    pub attachments: HashMap<AttachmentId, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcommand_options_are_found_at_the_leaf() {
        let data: CommandData = serde_json::from_str(
            r#"{"id":"1","name":"deploy","type":1,"options":[{"name":"service","type":2,
                "options":[{"name":"start","type":1,"options":[
                  {"name":"name","type":3,"value":"api"},
                  {"name":"replicas","type":4,"value":3},
                  {"name":"who","type":6,"value":"77"},
                  {"name":"later","type":99,"value":[1]}]}]}]}"#,
        )
        .unwrap();
        let (path, options) = data.subcommand();
        assert_eq!(path, ["service", "start"]);
        assert_eq!(options.len(), 4);
        assert_eq!(data.string("name"), Some("api"));
        assert_eq!(data.integer("replicas"), Some(3));
        assert_eq!(
            data.option("who"),
            Some(&CommandOptionValue::User(UserId::new(77)))
        );
        assert!(matches!(
            data.option("later"),
            Some(CommandOptionValue::Unknown { .. })
        ));
    }

    #[test]
    fn a_focused_option_is_partial_text() {
        let data: CommandData = serde_json::from_str(
            r#"{"id":"1","name":"deploy","options":[{"name":"replicas","type":4,"value":"1","focused":true}]}"#,
        )
        .unwrap();
        let focused = data.focused().unwrap();
        assert_eq!(focused.value, CommandOptionValue::Partial("1".to_owned()));
    }

    #[test]
    fn options_serialise_back_to_discords_shape() {
        let option = CommandOption::new("name", CommandOptionValue::String("api".to_owned()));
        assert_eq!(
            serde_json::to_value(&option).unwrap(),
            serde_json::json!({"name": "name", "type": 3, "value": "api"})
        );
    }
}

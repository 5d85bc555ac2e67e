//! Application command definitions: what an app registers with Discord
//! (slash commands, context-menu commands) and what Discord answers with.
//!
//! Define commands in code (or read them from JSON, the shape Discord
//! takes), check them with [`Validate`](crate::validate::Validate) (names,
//! descriptions, 25 options, 25 choices, the 4000-character total, and the
//! rest), then register the whole set with a bulk overwrite.
//!
//! ```
//! use bugle_model::command::{CommandDefinition, CommandOptionDefinition};
//! use bugle_model::validate::Validate;
//!
//! let deploy = CommandDefinition::slash("deploy", "Deploy a service")
//!     .option(CommandOptionDefinition::string("service", "Which service").required());
//! assert!(deploy.validate().is_ok());
//!
//! let bad = CommandDefinition::slash("Deploy", "");
//! assert_eq!(
//!     bad.validate().unwrap_err().to_string(),
//!     "name: must be lower case; description: 0 chars, at least 1",
//! );
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::channel::Permissions;
use crate::id::{ApplicationId, CommandId, GuildId};
use crate::interaction::{CommandChoice, CommandOptionType, CommandType, InteractionContextType};
use crate::support::{is_false, open_int_enum};

open_int_enum! {
    /// Where an app is installed for a command to be available.
    pub enum IntegrationType: u8 {
        /// Installed to a server.
        GuildInstall = 0,
        /// Installed to a user.
        UserInstall = 1,
    }
}

/// A command as defined by the app: the body of a create or bulk overwrite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct CommandDefinition {
    /// The name: for a slash command 1–32 lower-case letters, digits, `-`,
    /// `_` or `'`; for a context-menu command 1–32 of any characters.
    pub name: String,
    /// Slash (the default), user or message command.
    #[serde(rename = "type", default = "chat_input")]
    pub kind: CommandType,
    /// The name in other languages, by locale.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub name_localizations: HashMap<String, String>,
    /// 1–100 chars for a slash command; empty for context-menu commands.
    #[serde(default)]
    pub description: String,
    /// The description in other languages, by locale.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub description_localizations: HashMap<String, String>,
    /// Up to 25 options (slash commands only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<CommandOptionDefinition>,
    /// The permissions a member needs to see the command by default;
    /// `Some(empty)` (`"0"`) hides it from everyone but administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_member_permissions: Option<Permissions>,
    /// Where the command can be used (global commands only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contexts: Option<Vec<InteractionContextType>>,
    /// Which installs make the command available (global commands only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_types: Option<Vec<IntegrationType>>,
    /// Age-restricted.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nsfw: bool,
}

fn chat_input() -> CommandType {
    CommandType::ChatInput
}

impl CommandDefinition {
    /// A slash command.
    pub fn slash(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self::of_kind(CommandType::ChatInput, name, description.into())
    }

    /// A command in users' context menus.
    pub fn user(name: impl Into<String>) -> Self {
        Self::of_kind(CommandType::User, name, String::new())
    }

    /// A command in messages' context menus.
    pub fn message(name: impl Into<String>) -> Self {
        Self::of_kind(CommandType::Message, name, String::new())
    }

    fn of_kind(kind: CommandType, name: impl Into<String>, description: String) -> Self {
        Self {
            name: name.into(),
            kind,
            name_localizations: HashMap::new(),
            description,
            description_localizations: HashMap::new(),
            options: Vec::new(),
            default_member_permissions: None,
            contexts: None,
            integration_types: None,
            nsfw: false,
        }
    }

    /// Adds an option.
    pub fn option(mut self, option: CommandOptionDefinition) -> Self {
        self.options.push(option);
        self
    }

    /// Sets the permissions needed to see the command by default.
    pub fn default_member_permissions(mut self, permissions: Permissions) -> Self {
        self.default_member_permissions = Some(permissions);
        self
    }

    /// Sets where the command can be used.
    pub fn contexts(mut self, contexts: impl IntoIterator<Item = InteractionContextType>) -> Self {
        self.contexts = Some(contexts.into_iter().collect());
        self
    }

    /// Sets which installs make the command available.
    pub fn integration_types(mut self, types: impl IntoIterator<Item = IntegrationType>) -> Self {
        self.integration_types = Some(types.into_iter().collect());
        self
    }

    /// Adds a localised name.
    pub fn name_localization(mut self, locale: impl Into<String>, name: impl Into<String>) -> Self {
        self.name_localizations.insert(locale.into(), name.into());
        self
    }

    /// Adds a localised description.
    pub fn description_localization(
        mut self,
        locale: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        self.description_localizations
            .insert(locale.into(), description.into());
        self
    }

    /// Marks the command age-restricted.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = nsfw;
        self
    }
}

/// One option of a slash command (or a subcommand, or a group).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct CommandOptionDefinition {
    /// The option's type.
    #[serde(rename = "type")]
    pub kind: CommandOptionType,
    /// 1–32 lower-case chars, unique among its siblings.
    pub name: String,
    /// The name in other languages, by locale.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub name_localizations: HashMap<String, String>,
    /// 1–100 chars.
    pub description: String,
    /// The description in other languages, by locale.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub description_localizations: HashMap<String, String>,
    /// Whether the user must fill it in; required options come first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Up to 25 fixed choices (string, integer and number options).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<CommandChoice>,
    /// A subcommand's options, or a group's subcommands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<CommandOptionDefinition>,
    /// The channel types a channel option offers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_types: Vec<u8>,
    /// The smallest value of an integer or number option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    /// The largest value of an integer or number option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    /// The shortest text of a string option (0–6000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<i64>,
    /// The longest text of a string option (1–6000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<i64>,
    /// Whether the app suggests values as the user types (not with
    /// `choices`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub autocomplete: bool,
}

impl CommandOptionDefinition {
    /// An option of type `kind`.
    pub fn new(
        kind: CommandOptionType,
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            name: name.into(),
            name_localizations: HashMap::new(),
            description: description.into(),
            description_localizations: HashMap::new(),
            required: false,
            choices: Vec::new(),
            options: Vec::new(),
            channel_types: Vec::new(),
            min_value: None,
            max_value: None,
            min_length: None,
            max_length: None,
            autocomplete: false,
        }
    }

    /// A text option.
    pub fn string(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self::new(CommandOptionType::String, name, description)
    }

    /// An integer option.
    pub fn integer(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self::new(CommandOptionType::Integer, name, description)
    }

    /// A boolean option.
    pub fn boolean(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self::new(CommandOptionType::Boolean, name, description)
    }

    /// A user option.
    pub fn user(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self::new(CommandOptionType::User, name, description)
    }

    /// A subcommand with `options`.
    pub fn subcommand(
        name: impl Into<String>,
        description: impl Into<String>,
        options: impl IntoIterator<Item = CommandOptionDefinition>,
    ) -> Self {
        let mut option = Self::new(CommandOptionType::SubCommand, name, description);
        option.options = options.into_iter().collect();
        option
    }

    /// A group of `subcommands`.
    pub fn group(
        name: impl Into<String>,
        description: impl Into<String>,
        subcommands: impl IntoIterator<Item = CommandOptionDefinition>,
    ) -> Self {
        let mut option = Self::new(CommandOptionType::SubCommandGroup, name, description);
        option.options = subcommands.into_iter().collect();
        option
    }

    /// Makes the option required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds a fixed choice.
    pub fn choice(mut self, choice: CommandChoice) -> Self {
        self.choices.push(choice);
        self
    }

    /// Turns autocomplete on.
    pub fn autocomplete(mut self) -> Self {
        self.autocomplete = true;
        self
    }

    /// Sets the length range of a string option.
    pub fn length(mut self, min: i64, max: i64) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }

    /// Sets the value range of an integer or number option.
    pub fn range(mut self, min: f64, max: f64) -> Self {
        self.min_value = Some(min);
        self.max_value = Some(max);
        self
    }
}

/// A registered command, as Discord answers a create, a list or a bulk
/// overwrite: the definition plus its ids and version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApplicationCommand {
    /// The command's id.
    pub id: CommandId,
    /// The app it belongs to.
    pub application_id: ApplicationId,
    /// The server of a guild command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<GuildId>,
    /// Changes whenever the command is updated.
    #[serde(default)]
    pub version: String,
    /// The definition.
    #[serde(flatten)]
    pub definition: CommandDefinition,
}

/// A whole set of commands for one scope, checked together: each command,
/// plus the per-scope caps (100 slash, 15 user, 15 message commands) and
/// unique names per type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
#[must_use]
pub struct CommandSet(pub Vec<CommandDefinition>);

impl CommandSet {
    /// A set of these commands.
    pub fn new(commands: impl IntoIterator<Item = CommandDefinition>) -> Self {
        Self(commands.into_iter().collect())
    }
}

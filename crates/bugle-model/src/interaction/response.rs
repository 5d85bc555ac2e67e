//! The responses an app gives to an interaction: one [`InteractionResponse`]
//! variant per callback type, and their bodies.
//!
//! Every response implements [`Validate`](crate::validate::Validate)
//! against Discord's limits (25 choices, a modal title of 45 chars, 1 to 5
//! modal rows, the message limits, the flags a callback may set):
//!
//! ```
//! use bugle_model::interaction::{CommandChoice, InteractionMessage, InteractionResponse};
//! use bugle_model::validate::Validate;
//!
//! let reply = InteractionResponse::message(InteractionMessage::new().content("pong").ephemeral());
//! assert!(reply.validate().is_ok());
//!
//! let choices = (0..26).map(|i| CommandChoice::string(format!("svc-{i}"), "x"));
//! let error = InteractionResponse::choices(choices).validate().unwrap_err();
//! assert_eq!(error.to_string(), "data.choices: 26 items, at most 25");
//! ```

use serde::ser::SerializeMap as _;
use serde::{Deserialize, Serialize, Serializer};

use crate::component::{ActionRow, Component, TextInput, TextInputStyle};
use crate::embed::Embed;
use crate::message::MessageFlags;
use crate::request::AllowedMentions;
use crate::support::{is_false, open_int_enum};

open_int_enum! {
    /// The integer `type` of an interaction response (callback).
    pub enum CallbackType: u8 {
        /// Answers a PING.
        Pong = 1,
        /// Answers with a message.
        ChannelMessageWithSource = 4,
        /// Acknowledges now, shows "thinking…", and the message comes later
        /// as an edit of `@original`.
        DeferredChannelMessageWithSource = 5,
        /// Components only: acknowledges now; the component's message may be
        /// edited later through `@original`.
        DeferredUpdateMessage = 6,
        /// Components only: edits the message the component is on.
        UpdateMessage = 7,
        /// Autocomplete only: the choices to show.
        ApplicationCommandAutocompleteResult = 8,
        /// Shows a modal (not for a modal submit or a PING).
        Modal = 9,
        /// Deprecated: premium upsell.
        PremiumRequired = 10,
        /// Activities only.
        LaunchActivity = 12,
    }
}

/// A message in a response, a followup, or the eventual answer of a
/// deferred response: content, embeds, components and flags (`EPHEMERAL`
/// among them).
///
/// Files are not supported in responses by this version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct InteractionMessage {
    /// Text-to-speech.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tts: bool,
    /// The text (at most 2000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Up to 10 embeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<Embed>,
    /// Who may be pinged. bugle's followups and responses default to
    /// nobody when this is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_mentions: Option<AllowedMentions>,
    /// `SUPPRESS_EMBEDS`, `EPHEMERAL`, `SUPPRESS_NOTIFICATIONS`,
    /// `IS_COMPONENTS_V2` and `IS_VOICE_MESSAGE` may be set.
    #[serde(default, skip_serializing_if = "MessageFlags::is_empty")]
    pub flags: MessageFlags,
    /// Action rows (or Components V2 components with `IS_COMPONENTS_V2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl InteractionMessage {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Adds an embed.
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.push(embed);
        self
    }

    /// Adds a top-level component (an action row, or a V2 component).
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }

    /// Only the user who triggered the interaction sees it.
    pub fn ephemeral(mut self) -> Self {
        self.flags |= MessageFlags::EPHEMERAL;
        self
    }

    /// Sets the flags.
    pub fn flags(mut self, flags: MessageFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Sets who may be pinged.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Some(mentions);
        self
    }

    /// Sets text-to-speech.
    pub fn tts(mut self, tts: bool) -> Self {
        self.tts = tts;
        self
    }

    /// Whether the message has the `EPHEMERAL` flag.
    pub fn is_ephemeral(&self) -> bool {
        self.flags.contains(MessageFlags::EPHEMERAL)
    }
}

/// One autocomplete (or command-definition) choice: a name shown to the
/// user and the value sent back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandChoice {
    /// What the user sees (1–100 chars).
    pub name: String,
    /// What the command receives.
    pub value: CommandChoiceValue,
}

impl CommandChoice {
    /// A choice with a text value (at most 100 chars).
    pub fn string(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: CommandChoiceValue::String(value.into()),
        }
    }

    /// A choice with an integer value.
    pub fn integer(name: impl Into<String>, value: i64) -> Self {
        Self {
            name: name.into(),
            value: CommandChoiceValue::Integer(value),
        }
    }

    /// A choice with a number value.
    pub fn number(name: impl Into<String>, value: f64) -> Self {
        Self {
            name: name.into(),
            value: CommandChoiceValue::Number(value),
        }
    }
}

/// A choice's value: text, integer or number, by the option's type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CommandChoiceValue {
    /// For a string option.
    String(String),
    /// For an integer option.
    Integer(i64),
    /// For a number option.
    Number(f64),
}

/// A modal: a title and 1 to 5 rows, each one text input (or a label or
/// text display, Discord's newer modal components).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct Modal {
    /// The id sent back on submit (1–100 chars); route by its prefix.
    pub custom_id: String,
    /// The title (1–45 chars).
    pub title: String,
    /// The rows.
    pub components: Vec<Component>,
}

impl Modal {
    /// A modal with no rows yet.
    pub fn new(custom_id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            title: title.into(),
            components: Vec::new(),
        }
    }

    /// Adds a row holding one text input.
    pub fn text_input(mut self, input: TextInput) -> Self {
        self.components.push(Component::ActionRow(ActionRow::new([
            Component::TextInput(input),
        ])));
        self
    }

    /// Adds a one-line text input `custom_id` labelled `label`.
    pub fn short(self, custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        self.text_input(text_input(custom_id, label, TextInputStyle::Short))
    }

    /// Adds a multi-line text input `custom_id` labelled `label`.
    pub fn paragraph(self, custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        self.text_input(text_input(custom_id, label, TextInputStyle::Paragraph))
    }

    /// Adds a component as a row of its own (e.g. a label, Discord's newer
    /// modal component, kept as [`Component::Unknown`]).
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }
}

/// A required text input with nothing else set.
fn text_input(
    custom_id: impl Into<String>,
    label: impl Into<String>,
    style: TextInputStyle,
) -> TextInput {
    TextInput {
        id: None,
        custom_id: custom_id.into(),
        style,
        label: Some(label.into()),
        min_length: None,
        max_length: None,
        required: None,
        value: None,
        placeholder: None,
    }
}

/// An answer to an interaction, one variant per callback type.
///
/// Serialises as Discord's `{"type": n, "data": {...}}`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum InteractionResponse {
    /// Type 1, the answer to a PING.
    Pong,
    /// Type 4: a message.
    Message(InteractionMessage),
    /// Type 5: acknowledge now, answer later by editing `@original`;
    /// `ephemeral` decides who sees the eventual answer.
    DeferredMessage {
        /// Whether only the invoking user sees the answer.
        ephemeral: bool,
    },
    /// Type 6 (components): acknowledge now, maybe edit the message later.
    DeferredUpdate,
    /// Type 7 (components): edit the message the component is on.
    UpdateMessage(InteractionMessage),
    /// Type 8 (autocomplete): up to 25 choices.
    Choices(Vec<CommandChoice>),
    /// Type 9: show a modal.
    Modal(Modal),
}

impl InteractionResponse {
    /// Type 4 with `message`.
    pub fn message(message: InteractionMessage) -> Self {
        Self::Message(message)
    }

    /// Type 7 with `message`.
    pub fn update(message: InteractionMessage) -> Self {
        Self::UpdateMessage(message)
    }

    /// Type 8 with these choices.
    pub fn choices(choices: impl IntoIterator<Item = CommandChoice>) -> Self {
        Self::Choices(choices.into_iter().collect())
    }

    /// Type 9 with `modal`.
    pub fn modal(modal: Modal) -> Self {
        Self::Modal(modal)
    }

    /// The callback type.
    pub fn kind(&self) -> CallbackType {
        match self {
            Self::Pong => CallbackType::Pong,
            Self::Message(_) => CallbackType::ChannelMessageWithSource,
            Self::DeferredMessage { .. } => CallbackType::DeferredChannelMessageWithSource,
            Self::DeferredUpdate => CallbackType::DeferredUpdateMessage,
            Self::UpdateMessage(_) => CallbackType::UpdateMessage,
            Self::Choices(_) => CallbackType::ApplicationCommandAutocompleteResult,
            Self::Modal(_) => CallbackType::Modal,
        }
    }
}

#[derive(Serialize)]
struct Choices<'a> {
    choices: &'a [CommandChoice],
}

#[derive(Serialize)]
struct DeferredFlags {
    flags: MessageFlags,
}

impl Serialize for InteractionResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", &self.kind())?;
        match self {
            Self::Pong | Self::DeferredUpdate | Self::DeferredMessage { ephemeral: false } => {}
            Self::DeferredMessage { ephemeral: true } => map.serialize_entry(
                "data",
                &DeferredFlags {
                    flags: MessageFlags::EPHEMERAL,
                },
            )?,
            Self::Message(message) | Self::UpdateMessage(message) => {
                map.serialize_entry("data", message)?;
            }
            Self::Choices(choices) => map.serialize_entry("data", &Choices { choices })?,
            Self::Modal(modal) => map.serialize_entry("data", modal)?,
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_callback_serialises_with_its_type() {
        let cases = [
            (InteractionResponse::Pong, json!({"type": 1})),
            (
                InteractionResponse::message(InteractionMessage::new().content("hi").ephemeral()),
                json!({"type": 4, "data": {"content": "hi", "flags": 64}}),
            ),
            (
                InteractionResponse::DeferredMessage { ephemeral: false },
                json!({"type": 5}),
            ),
            (
                InteractionResponse::DeferredMessage { ephemeral: true },
                json!({"type": 5, "data": {"flags": 64}}),
            ),
            (InteractionResponse::DeferredUpdate, json!({"type": 6})),
            (
                InteractionResponse::update(InteractionMessage::new().content("done")),
                json!({"type": 7, "data": {"content": "done"}}),
            ),
            (
                InteractionResponse::choices([CommandChoice::integer("one", 1)]),
                json!({"type": 8, "data": {"choices": [{"name": "one", "value": 1}]}}),
            ),
            (
                InteractionResponse::modal(Modal::new("m", "Title").short("f", "Field")),
                json!({"type": 9, "data": {"custom_id": "m", "title": "Title", "components": [
                    {"type": 1, "components": [{"type": 4, "custom_id": "f", "style": 1, "label": "Field"}]}
                ]}}),
            ),
        ];
        for (response, expected) in cases {
            assert_eq!(serde_json::to_value(&response).unwrap(), expected);
        }
    }
}

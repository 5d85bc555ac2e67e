//! Interactive components: buttons, selects and text inputs.

use serde::{Deserialize, Serialize};

use crate::channel::ChannelType;
use crate::emoji::PartialEmoji;
use crate::id::{GenericId, SkuId};
use crate::support::{is_false, open_int_enum, open_str_enum};

open_int_enum! {
    /// How a button looks and what it does.
    pub enum ButtonStyle: u8 {
        /// Blurple; sends an interaction with its `custom_id`.
        Primary = 1,
        /// Grey; sends an interaction.
        Secondary = 2,
        /// Green; sends an interaction.
        Success = 3,
        /// Red; sends an interaction.
        Danger = 4,
        /// Grey, opens `url`; sends no interaction.
        Link = 5,
        /// Buys `sku_id`; sends no interaction.
        Premium = 6,
    }
}

/// A button (type 2).
///
/// Styles 1–4 need `custom_id`; `Link` needs `url`; `Premium` needs `sku_id`
/// (the validation module checks these rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The button's style.
    pub style: ButtonStyle,
    /// The text on the button (at most 80 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The emoji on the button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<PartialEmoji>,
    /// The developer-defined id sent back on click (1–100 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<String>,
    /// The SKU a premium button sells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<SkuId>,
    /// The URL a link button opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether the button is greyed out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

impl Button {
    /// An interactive button (styles 1–4) with this `custom_id` and label.
    pub fn new(style: ButtonStyle, custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            id: None,
            style,
            label: Some(label.into()),
            emoji: None,
            custom_id: Some(custom_id.into()),
            sku_id: None,
            url: None,
            disabled: false,
        }
    }

    /// A link button opening `url`.
    pub fn link(url: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            id: None,
            style: ButtonStyle::Link,
            label: Some(label.into()),
            emoji: None,
            custom_id: None,
            sku_id: None,
            url: Some(url.into()),
            disabled: false,
        }
    }
}

/// One option of a string select.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    /// The text shown (at most 100 chars).
    pub label: String,
    /// The value sent back when chosen (at most 100 chars).
    pub value: String,
    /// A line under the label (at most 100 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The emoji beside the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<PartialEmoji>,
    /// Whether the option starts selected.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
}

impl SelectOption {
    /// An option with this label and value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            ..Self::default()
        }
    }
}

/// A select of text options (type 3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StringSelect {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The developer-defined id sent back on choice (1–100 chars).
    pub custom_id: String,
    /// The choices (1–25).
    #[serde(default)]
    pub options: Vec<SelectOption>,
    /// The text shown when nothing is chosen (at most 150 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The fewest choices (0–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_values: Option<u8>,
    /// The most choices (1–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_values: Option<u8>,
    /// Whether the select is greyed out (messages only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    /// Whether a choice is required (modals only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

open_str_enum! {
    /// What a select default value names.
    pub enum SelectDefaultValueType {
        /// A user.
        User = "user",
        /// A role.
        Role = "role",
        /// A channel.
        Channel = "channel",
    }
}

/// A value pre-selected in a user, role, mentionable or channel select.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectDefaultValue {
    /// The user, role or channel id; [`cast`](crate::id::Id::cast) it by `kind`.
    pub id: GenericId,
    /// What `id` names.
    #[serde(rename = "type")]
    pub kind: SelectDefaultValueType,
}

/// A select of users, roles or both (types 5, 6 and 7); the variant of
/// [`Component`](super::Component) says which.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySelect {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The developer-defined id sent back on choice (1–100 chars).
    pub custom_id: String,
    /// The text shown when nothing is chosen (at most 150 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Values chosen to start with; their count lies between min and max.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_values: Vec<SelectDefaultValue>,
    /// The fewest choices (0–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_values: Option<u8>,
    /// The most choices (1–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_values: Option<u8>,
    /// Whether the select is greyed out (messages only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    /// Whether a choice is required (modals only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// A select of channels (type 8).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSelect {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The developer-defined id sent back on choice (1–100 chars).
    pub custom_id: String,
    /// The channel types offered; empty offers every type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_types: Vec<ChannelType>,
    /// The text shown when nothing is chosen (at most 150 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Channels chosen to start with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_values: Vec<SelectDefaultValue>,
    /// The fewest choices (0–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_values: Option<u8>,
    /// The most choices (1–25, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_values: Option<u8>,
    /// Whether the select is greyed out (messages only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    /// Whether a choice is required (modals only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

open_int_enum! {
    /// The size of a text input.
    pub enum TextInputStyle: u8 {
        /// One line.
        Short = 1,
        /// Several lines.
        Paragraph = 2,
    }
}

/// A text input (type 4; modals only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextInput {
    /// The component's numeric id, unique in the modal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The developer-defined id sent back on submit (1–100 chars).
    pub custom_id: String,
    /// One line or several.
    pub style: TextInputStyle,
    /// The label above the input (deprecated in favour of a Label component).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The fewest chars accepted (0–4000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u16>,
    /// The most chars accepted (1–4000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u16>,
    /// Whether the input must be filled (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// The text filled in to start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The text shown when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

//! Layout components: action rows, and the Components V2 section, text
//! display, separator and container.

use serde::{Deserialize, Serialize};

use super::Component;
use crate::support::{is_false, open_int_enum};

/// A row of up to 5 buttons or exactly one select (type 1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionRow {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The row's buttons or select.
    #[serde(default)]
    pub components: Vec<Component>,
}

impl ActionRow {
    /// A row holding these components.
    pub fn new(components: impl IntoIterator<Item = impl Into<Component>>) -> Self {
        Self {
            id: None,
            components: components.into_iter().map(Into::into).collect(),
        }
    }
}

/// One to three text displays beside an accessory (type 9, V2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// One to three text displays.
    #[serde(default)]
    pub components: Vec<Component>,
    /// A button or thumbnail shown beside the text.
    pub accessory: Box<Component>,
}

/// Markdown text (type 10, V2). Mentions in it ping as `allowed_mentions` says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextDisplay {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The markdown text.
    #[serde(default)]
    pub content: String,
}

impl TextDisplay {
    /// A text display with this markdown.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            id: None,
            content: content.into(),
        }
    }
}

open_int_enum! {
    /// How much space a separator takes.
    pub enum SeparatorSpacing: u8 {
        /// A small gap (the default).
        Small = 1,
        /// A large gap.
        Large = 2,
    }
}

/// Vertical space, with or without a line (type 14, V2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Separator {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// Whether a line is drawn (Discord's default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divider: Option<bool>,
    /// The gap's size (Discord's default: small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing: Option<SeparatorSpacing>,
}

/// A box around other components, with an optional accent colour (type 17, V2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    /// The component's numeric id, unique in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// Action rows, text displays, sections, media galleries, separators and files.
    #[serde(default)]
    pub components: Vec<Component>,
    /// The colour of the left border, `0xRRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<u32>,
    /// Whether the content is blurred until clicked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spoiler: bool,
}

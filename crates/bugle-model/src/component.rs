//! Message components: the legacy action rows, buttons and selects, and the
//! Components V2 layout and content types.
//!
//! [`Component`] is one enum tagged by Discord's integer `type`. Types this
//! version does not know parse into [`Component::Unknown`], which keeps the
//! raw JSON and writes it back unchanged.

mod interactive;
mod layout;
mod media;

pub use interactive::{
    Button, ButtonStyle, ChannelSelect, EntitySelect, SelectDefaultValue, SelectDefaultValueType,
    SelectOption, StringSelect, TextInput, TextInputStyle,
};
pub use layout::{ActionRow, Container, Section, Separator, SeparatorSpacing, TextDisplay};
pub use media::{
    FileComponent, MediaGallery, MediaGalleryItem, Thumbnail, UnfurledMediaItem,
    UnfurledMediaItemFlags,
};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::support::open_int_enum;

open_int_enum! {
    /// The integer `type` of a component.
    pub enum ComponentType: u8 {
        /// A row of up to 5 buttons or one select.
        ActionRow = 1,
        /// A button.
        Button = 2,
        /// A select menu of text options.
        StringSelect = 3,
        /// A text input (modals only).
        TextInput = 4,
        /// A select menu of users.
        UserSelect = 5,
        /// A select menu of roles.
        RoleSelect = 6,
        /// A select menu of users and roles.
        MentionableSelect = 7,
        /// A select menu of channels.
        ChannelSelect = 8,
        /// Text beside an accessory (V2).
        Section = 9,
        /// Markdown text (V2).
        TextDisplay = 10,
        /// A small image (V2).
        Thumbnail = 11,
        /// A gallery of images and videos (V2).
        MediaGallery = 12,
        /// An attached file (V2).
        File = 13,
        /// Vertical space or a divider (V2).
        Separator = 14,
        /// A box grouping other components (V2).
        Container = 17,
        /// A label around a modal field.
        Label = 18,
        /// A file upload field (modals only).
        FileUpload = 19,
    }
}

/// A message component of any type.
///
/// Parses from and serialises to Discord's JSON, where `type` picks the
/// variant. `Unknown` keeps components this version cannot read.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Component {
    /// Type 1: a row of buttons or one select.
    ActionRow(ActionRow),
    /// Type 2: a button.
    Button(Button),
    /// Type 3: a select of text options.
    StringSelect(StringSelect),
    /// Type 4: a text input (modals only).
    TextInput(TextInput),
    /// Type 5: a select of users.
    UserSelect(EntitySelect),
    /// Type 6: a select of roles.
    RoleSelect(EntitySelect),
    /// Type 7: a select of users and roles.
    MentionableSelect(EntitySelect),
    /// Type 8: a select of channels.
    ChannelSelect(ChannelSelect),
    /// Type 9: text displays beside an accessory.
    Section(Section),
    /// Type 10: markdown text.
    TextDisplay(TextDisplay),
    /// Type 11: a small image.
    Thumbnail(Thumbnail),
    /// Type 12: a gallery of media.
    MediaGallery(MediaGallery),
    /// Type 13: an attached file.
    File(FileComponent),
    /// Type 14: space or a divider.
    Separator(Separator),
    /// Type 17: a container of other components.
    Container(Container),
    /// A component of a type this version does not model, kept as received.
    Unknown {
        /// Its `type`.
        kind: u64,
        /// Its whole JSON object, `type` included.
        raw: Value,
    },
}

impl Component {
    /// The component's `type`. For `Unknown` types above 255 this is
    /// `ComponentType::Unknown(255)`; read `kind` from the variant instead.
    pub fn kind(&self) -> ComponentType {
        match self {
            Self::ActionRow(_) => ComponentType::ActionRow,
            Self::Button(_) => ComponentType::Button,
            Self::StringSelect(_) => ComponentType::StringSelect,
            Self::TextInput(_) => ComponentType::TextInput,
            Self::UserSelect(_) => ComponentType::UserSelect,
            Self::RoleSelect(_) => ComponentType::RoleSelect,
            Self::MentionableSelect(_) => ComponentType::MentionableSelect,
            Self::ChannelSelect(_) => ComponentType::ChannelSelect,
            Self::Section(_) => ComponentType::Section,
            Self::TextDisplay(_) => ComponentType::TextDisplay,
            Self::Thumbnail(_) => ComponentType::Thumbnail,
            Self::MediaGallery(_) => ComponentType::MediaGallery,
            Self::File(_) => ComponentType::File,
            Self::Separator(_) => ComponentType::Separator,
            Self::Container(_) => ComponentType::Container,
            Self::Unknown { kind, .. } => {
                ComponentType::from(u8::try_from(*kind).unwrap_or(u8::MAX))
            }
        }
    }

    /// The component's optional numeric `id` (unique in its message).
    /// `None` for `Unknown` components and where the id was not given.
    pub fn id(&self) -> Option<u32> {
        match self {
            Self::ActionRow(c) => c.id,
            Self::Button(c) => c.id,
            Self::StringSelect(c) => c.id,
            Self::TextInput(c) => c.id,
            Self::UserSelect(c) | Self::RoleSelect(c) | Self::MentionableSelect(c) => c.id,
            Self::ChannelSelect(c) => c.id,
            Self::Section(c) => c.id,
            Self::TextDisplay(c) => c.id,
            Self::Thumbnail(c) => c.id,
            Self::MediaGallery(c) => c.id,
            Self::File(c) => c.id,
            Self::Separator(c) => c.id,
            Self::Container(c) => c.id,
            Self::Unknown { .. } => None,
        }
    }

    /// The components nested directly inside this one: an action row's,
    /// section's or container's children, and a section's accessory.
    pub fn children(&self) -> Vec<&Component> {
        match self {
            Self::ActionRow(row) => row.components.iter().collect(),
            Self::Container(container) => container.components.iter().collect(),
            Self::Section(section) => section
                .components
                .iter()
                .chain(std::iter::once(&*section.accessory))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this type is one of the Components V2 types, which need the
    /// message flag `IS_COMPONENTS_V2`.
    pub fn is_v2(&self) -> bool {
        matches!(
            self,
            Self::Section(_)
                | Self::TextDisplay(_)
                | Self::Thumbnail(_)
                | Self::MediaGallery(_)
                | Self::File(_)
                | Self::Separator(_)
                | Self::Container(_)
        )
    }
}

/// Writes a known component as its fields plus `"type"`.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    kind: u8,
    #[serde(flatten)]
    inner: &'a T,
}

fn tagged<T: Serialize, S: Serializer>(
    kind: ComponentType,
    inner: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Tagged {
        kind: kind.value(),
        inner,
    }
    .serialize(serializer)
}

impl Serialize for Component {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kind = self.kind();
        match self {
            Self::ActionRow(c) => tagged(kind, c, serializer),
            Self::Button(c) => tagged(kind, c, serializer),
            Self::StringSelect(c) => tagged(kind, c, serializer),
            Self::TextInput(c) => tagged(kind, c, serializer),
            Self::UserSelect(c) | Self::RoleSelect(c) | Self::MentionableSelect(c) => {
                tagged(kind, c, serializer)
            }
            Self::ChannelSelect(c) => tagged(kind, c, serializer),
            Self::Section(c) => tagged(kind, c, serializer),
            Self::TextDisplay(c) => tagged(kind, c, serializer),
            Self::Thumbnail(c) => tagged(kind, c, serializer),
            Self::MediaGallery(c) => tagged(kind, c, serializer),
            Self::File(c) => tagged(kind, c, serializer),
            Self::Separator(c) => tagged(kind, c, serializer),
            Self::Container(c) => tagged(kind, c, serializer),
            Self::Unknown { kind, raw } => {
                let mut raw = raw.clone();
                if let Value::Object(map) = &mut raw {
                    map.insert("type".to_owned(), Value::from(*kind));
                }
                raw.serialize(serializer)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Component {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fn parse<T: serde::de::DeserializeOwned, E: serde::de::Error>(
            value: Value,
            wrap: fn(T) -> Component,
        ) -> Result<Component, E> {
            serde_json::from_value(value).map(wrap).map_err(E::custom)
        }

        let value = Value::deserialize(deserializer)?;
        let kind = value
            .get("type")
            .ok_or_else(|| D::Error::missing_field("type"))?
            .as_u64()
            .ok_or_else(|| D::Error::custom("a component's type must be a non-negative integer"))?;
        let Ok(known) = u8::try_from(kind) else {
            return Ok(Self::Unknown { kind, raw: value });
        };
        match ComponentType::from(known) {
            ComponentType::ActionRow => parse(value, Self::ActionRow),
            ComponentType::Button => parse(value, Self::Button),
            ComponentType::StringSelect => parse(value, Self::StringSelect),
            ComponentType::TextInput => parse(value, Self::TextInput),
            ComponentType::UserSelect => parse(value, Self::UserSelect),
            ComponentType::RoleSelect => parse(value, Self::RoleSelect),
            ComponentType::MentionableSelect => parse(value, Self::MentionableSelect),
            ComponentType::ChannelSelect => parse(value, Self::ChannelSelect),
            ComponentType::Section => parse(value, Self::Section),
            ComponentType::TextDisplay => parse(value, Self::TextDisplay),
            ComponentType::Thumbnail => parse(value, Self::Thumbnail),
            ComponentType::MediaGallery => parse(value, Self::MediaGallery),
            ComponentType::File => parse(value, Self::File),
            ComponentType::Separator => parse(value, Self::Separator),
            ComponentType::Container => parse(value, Self::Container),
            _ => Ok(Self::Unknown { kind, raw: value }),
        }
    }
}

macro_rules! from_parts {
    ($($ty:ty => $variant:ident),* $(,)?) => {
        $(
            impl From<$ty> for Component {
                fn from(component: $ty) -> Self {
                    Self::$variant(component)
                }
            }
        )*
    };
}

from_parts! {
    ActionRow => ActionRow,
    Button => Button,
    StringSelect => StringSelect,
    TextInput => TextInput,
    ChannelSelect => ChannelSelect,
    Section => Section,
    TextDisplay => TextDisplay,
    Thumbnail => Thumbnail,
    MediaGallery => MediaGallery,
    FileComponent => File,
    Separator => Separator,
    Container => Container,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_type_keeps_its_json() {
        let raw = json!({"type": 21, "id": 4, "custom_id": "r", "options": [{"value": "a"}]});
        let component: Component = serde_json::from_value(raw.clone()).unwrap();
        assert!(matches!(component, Component::Unknown { kind: 21, .. }));
        assert_eq!(component.kind(), ComponentType::Unknown(21));
        assert_eq!(serde_json::to_value(&component).unwrap(), raw);
    }

    #[test]
    fn known_type_writes_type_first_class() {
        let component = Component::from(TextDisplay::new("hello"));
        assert_eq!(
            serde_json::to_value(&component).unwrap(),
            json!({"type": 10, "content": "hello"})
        );
    }

    #[test]
    fn missing_or_bad_type_is_an_error() {
        assert!(serde_json::from_value::<Component>(json!({"content": "x"})).is_err());
        assert!(serde_json::from_value::<Component>(json!({"type": "10"})).is_err());
    }

    #[test]
    fn children_include_section_accessory() {
        let section = Section {
            id: None,
            components: vec![TextDisplay::new("a").into()],
            accessory: Box::new(Thumbnail::new("https://example.com/a.png").into()),
        };
        let component = Component::from(section);
        let kinds: Vec<_> = component.children().iter().map(|c| c.kind()).collect();
        assert_eq!(
            kinds,
            [ComponentType::TextDisplay, ComponentType::Thumbnail]
        );
        assert!(component.is_v2());
    }
}

//! Property tests: serialise → parse is the identity for ids, flags, open
//! enums, embeds and component trees.

use bugle_model::channel::{ChannelType, Permissions};
use bugle_model::component::{
    ActionRow, Button, ButtonStyle, Component, Container, Section, Separator, SeparatorSpacing,
    TextDisplay, Thumbnail,
};
use bugle_model::embed::{Embed, EmbedAuthor, EmbedField, EmbedFooter, EmbedImage};
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{ChannelId, EmojiId, MessageId};
use bugle_model::message::{MessageFlags, MessageType};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

fn identity<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

fn text() -> impl Strategy<Value = String> {
    "[ -~é🔥\n]{0,20}"
}

fn embed() -> impl Strategy<Value = Embed> {
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(0u32..=0x00FF_FFFF),
        proptest::option::of(0i64..4_000_000_000),
        proptest::option::of((text(), proptest::option::of(text()))),
        proptest::option::of(text()),
        proptest::collection::vec((text(), text(), any::<bool>()), 0..4),
    )
        .prop_map(
            |(title, description, color, secs, footer, author, fields)| Embed {
                title,
                description,
                color,
                timestamp: secs.map(|s| OffsetDateTime::from_unix_timestamp(s).unwrap()),
                footer: footer.map(|(text, icon)| EmbedFooter {
                    icon_url: icon,
                    ..EmbedFooter::new(text)
                }),
                author: author.map(EmbedAuthor::new),
                image: Some(EmbedImage::new("attachment://graph.png")),
                fields: fields
                    .into_iter()
                    .map(|(n, v, inline)| EmbedField {
                        name: n,
                        value: v,
                        inline,
                    })
                    .collect(),
                ..Embed::default()
            },
        )
}

fn leaf() -> impl Strategy<Value = Component> {
    prop_oneof![
        text().prop_map(|t| TextDisplay::new(t).into()),
        (
            1u8..=7,
            text(),
            any::<bool>(),
            proptest::option::of(1u64..u64::MAX)
        )
            .prop_map(|(style, label, disabled, emoji)| {
                let mut button = Button::new(ButtonStyle::from(style), "id", label);
                button.disabled = disabled;
                button.emoji = emoji.map(|id| PartialEmoji::custom(EmojiId::new(id), "e", false));
                button.into()
            }),
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(1u8..=3)
        )
            .prop_map(|(divider, spacing)| Separator {
                id: None,
                divider,
                spacing: spacing.map(SeparatorSpacing::from)
            }
            .into()),
        (20u64..1000, any::<u32>()).prop_map(|(kind, n)| Component::Unknown {
            kind,
            raw: serde_json::json!({"type": kind, "n": n})
        }),
    ]
}

fn component() -> impl Strategy<Value = Component> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(|c| ActionRow::new(c).into()),
            (
                proptest::collection::vec(inner.clone(), 0..5),
                proptest::option::of(0u32..0x00FF_FFFF),
                any::<bool>()
            )
                .prop_map(|(components, accent_color, spoiler)| {
                    Container {
                        id: Some(1),
                        components,
                        accent_color,
                        spoiler,
                    }
                    .into()
                }),
            (proptest::collection::vec(inner, 1..3), text()).prop_map(|(components, url)| {
                Section {
                    id: None,
                    components,
                    accessory: Box::new(Thumbnail::new(url).into()),
                }
                .into()
            }),
        ]
    })
}

proptest! {
    #[test]
    fn ids_round_trip_through_strings_json_and_integers(value in 1u64..) {
        let id = ChannelId::new(value);
        prop_assert_eq!(id.to_string().parse::<ChannelId>().unwrap(), id);
        identity(&id);
        let from_int: MessageId = serde_json::from_str(&value.to_string()).unwrap();
        prop_assert_eq!(from_int.get(), value);
    }

    #[test]
    fn flags_keep_every_bit(bits in any::<u64>()) {
        let flags = MessageFlags::from_bits_retain(bits);
        identity(&flags);
        prop_assert_eq!(serde_json::to_string(&flags).unwrap(), bits.to_string());
        let perms = Permissions::from_bits_retain(bits);
        identity(&perms);
        prop_assert_eq!(serde_json::to_string(&perms).unwrap(), format!("\"{bits}\""));
    }

    #[test]
    fn embeds_round_trip(embed in embed()) {
        identity(&embed);
    }

    #[test]
    fn component_trees_round_trip(tree in proptest::collection::vec(component(), 0..4)) {
        identity(&tree);
    }
}

#[test]
fn open_enums_keep_every_value() {
    for n in 0..=u8::MAX {
        assert_eq!(MessageType::from(n).value(), n);
        assert_eq!(ChannelType::from(n).value(), n);
        assert_eq!(ButtonStyle::from(n).value(), n);
        let parsed: ChannelType = serde_json::from_str(&n.to_string()).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), n.to_string());
    }
}

//! Emoji: custom guild emoji ([`Emoji`]) and the partial form used in
//! reactions, buttons and select options ([`PartialEmoji`]).

use serde::{Deserialize, Serialize};

use crate::id::{EmojiId, RoleId};
use crate::support::is_false;
use crate::user::User;

/// A partial emoji: a unicode emoji (`id` null, `name` the emoji itself) or a
/// custom one (`id` set, `name` its name).
///
/// This is the form in reactions, buttons and select options. In a reaction
/// on a deleted custom emoji, `name` may be null.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialEmoji {
    /// The custom emoji's id; `None` for a unicode emoji.
    #[serde(default)]
    pub id: Option<EmojiId>,
    /// The unicode emoji, or the custom emoji's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether the custom emoji is animated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub animated: bool,
}

impl PartialEmoji {
    /// A unicode emoji, e.g. `PartialEmoji::unicode("🔥")`.
    pub fn unicode(emoji: impl Into<String>) -> Self {
        Self {
            id: None,
            name: Some(emoji.into()),
            animated: false,
        }
    }

    /// A custom emoji by id and name.
    pub fn custom(id: EmojiId, name: impl Into<String>, animated: bool) -> Self {
        Self {
            id: Some(id),
            name: Some(name.into()),
            animated,
        }
    }

    /// The form the reaction routes take in their path, before percent
    /// encoding: the unicode emoji itself, or `name:id` for a custom emoji.
    /// `None` for a custom emoji whose name is unknown.
    pub fn reaction_form(&self) -> Option<String> {
        match (&self.id, &self.name) {
            (Some(id), Some(name)) => Some(format!("{name}:{id}")),
            (None, Some(name)) => Some(name.clone()),
            (_, None) => None,
        }
    }
}

/// A custom emoji (or a unicode emoji, when `id` is null) with its details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emoji {
    /// The emoji's id; `None` for a unicode emoji.
    #[serde(default)]
    pub id: Option<EmojiId>,
    /// The emoji's name; null only inside reaction emoji.
    #[serde(default)]
    pub name: Option<String>,
    /// The roles allowed to use it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Who uploaded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Whether it must be wrapped in colons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_colons: Option<bool>,
    /// Whether an integration manages it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Whether it is animated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub animated: Option<bool>,
    /// Whether it can be used (false when the guild lost boosts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<bool>,
}

impl From<Emoji> for PartialEmoji {
    fn from(emoji: Emoji) -> Self {
        Self {
            id: emoji.id,
            name: emoji.name,
            animated: emoji.animated.unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaction_form_of_unicode_and_custom() {
        assert_eq!(
            PartialEmoji::unicode("🔥").reaction_form().as_deref(),
            Some("🔥")
        );
        let custom = PartialEmoji::custom(EmojiId::new(216_154_654_256_398_347), "mmLol", false);
        assert_eq!(
            custom.reaction_form().as_deref(),
            Some("mmLol:216154654256398347")
        );
        let nameless = PartialEmoji {
            id: Some(EmojiId::new(1)),
            name: None,
            animated: false,
        };
        assert_eq!(nameless.reaction_form(), None);
    }

    #[test]
    fn unicode_emoji_serialises_with_null_id() {
        let json = serde_json::to_value(PartialEmoji::unicode("🔥")).unwrap();
        assert_eq!(json, serde_json::json!({"id": null, "name": "🔥"}));
    }
}

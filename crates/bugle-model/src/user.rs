//! Users: the [`User`] object (message authors, mentions, DM recipients).

use serde::{Deserialize, Serialize};

use crate::id::{SkuId, UserId};
use crate::support::is_false;

/// A Discord user, as returned in messages, channels and webhooks.
///
/// In a message sent by a webhook, `author` is not a real user: it holds the
/// webhook's id, name and avatar (check `Message::webhook_id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::struct_excessive_bools)] // mirrors Discord's object
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The unique username (not the display name).
    pub username: String,
    /// The legacy discriminator; `"0"` for users on the new username system.
    #[serde(default = "default_discriminator")]
    pub discriminator: String,
    /// The display name, if the user set one.
    #[serde(default)]
    pub global_name: Option<String>,
    /// The avatar hash.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Whether this is a bot account (or a webhook standing in as author).
    #[serde(default, skip_serializing_if = "is_false")]
    pub bot: bool,
    /// Whether this is Discord's official system user.
    #[serde(default, skip_serializing_if = "is_false")]
    pub system: bool,
    /// Whether two-factor authentication is on (only for the current user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enabled: Option<bool>,
    /// The banner hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    /// The banner colour as `0xRRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<u32>,
    /// The chosen language (only for the current user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Whether the email is verified (only with the `email` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The email (only with the `email` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The account's flags, as raw bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<u64>,
    /// The Nitro subscription type (0 none, 1 classic, 2 nitro, 3 basic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium_type: Option<u8>,
    /// The public flags (badges), as raw bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_flags: Option<u64>,
    /// The avatar decoration, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_decoration_data: Option<AvatarDecorationData>,
}

fn default_discriminator() -> String {
    "0".to_owned()
}

impl User {
    /// The name to show: the display name if set, else the username.
    pub fn display_name(&self) -> &str {
        self.global_name.as_deref().unwrap_or(&self.username)
    }

    /// A minimal user with this id and username (e.g. for simulated payloads).
    pub fn new(id: UserId, username: impl Into<String>) -> Self {
        Self {
            id,
            username: username.into(),
            discriminator: default_discriminator(),
            global_name: None,
            avatar: None,
            bot: false,
            system: false,
            mfa_enabled: None,
            banner: None,
            accent_color: None,
            locale: None,
            verified: None,
            email: None,
            flags: None,
            premium_type: None,
            public_flags: None,
            avatar_decoration_data: None,
        }
    }
}

/// A user's avatar decoration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarDecorationData {
    /// The decoration's asset hash.
    pub asset: String,
    /// The SKU the decoration belongs to.
    pub sku_id: SkuId,
}

//! Webhooks: the [`Webhook`] object, whose token is never shown by `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{ApplicationId, ChannelId, GuildId, WebhookId};
use crate::support::open_int_enum;
use crate::user::User;

open_int_enum! {
    /// The type of a webhook.
    pub enum WebhookType: u8 {
        /// Posts messages to channels with its token.
        Incoming = 1,
        /// Posts an announcement channel's messages into a follower channel.
        ChannelFollower = 2,
        /// Used by interactions.
        Application = 3,
    }
}

/// A webhook, as Discord returns it.
///
/// `token` and `url` hold the webhook's secret; `Debug` redacts both.
/// Never log them, and do not store them where a token would not be stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// The webhook's id.
    pub id: WebhookId,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: WebhookType,
    /// The guild it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<GuildId>,
    /// The channel it posts to.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    /// Who created it (absent when fetched by token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Its default name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its default avatar hash.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Its secure token (incoming webhooks only). Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The application that created it; components render for its messages.
    #[serde(default)]
    pub application_id: Option<ApplicationId>,
    /// The guild of the followed channel (channel follower webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_guild: Option<WebhookGuild>,
    /// The followed channel (channel follower webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_channel: Option<WebhookChannel>,
    /// The execute URL, token included (from `OAuth2` webhook creation). Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Webhook {
    /// Whether an application owns this webhook (so it may send any component).
    pub fn is_application_owned(&self) -> bool {
        self.application_id.is_some()
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("guild_id", &self.guild_id)
            .field("channel_id", &self.channel_id)
            .field("user", &self.user)
            .field("name", &self.name)
            .field("avatar", &self.avatar)
            .field("token", &self.token.as_ref().map(|_| Redacted))
            .field("application_id", &self.application_id)
            .field("source_guild", &self.source_guild)
            .field("source_channel", &self.source_channel)
            .field("url", &self.url.as_ref().map(|_| Redacted))
            .finish()
    }
}

/// Shown by `Debug` in place of a secret.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The partial guild a channel follower webhook follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookGuild {
    /// The guild's id.
    pub id: GuildId,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its icon hash.
    #[serde(default)]
    pub icon: Option<String>,
}

/// The partial channel a channel follower webhook follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookChannel {
    /// The channel's id.
    pub id: ChannelId,
    /// Its name.
    #[serde(default)]
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_token_and_url() {
        let webhook: Webhook = serde_json::from_value(serde_json::json!({
            "id": "223704706495545344",
            "type": 1,
            "channel_id": "199737254929760256",
            "name": "alerts",
            "avatar": null,
            "application_id": null,
            "token": "sekrit-token-value",
            "url": "https://discord.com/api/webhooks/223704706495545344/sekrit-token-value"
        }))
        .unwrap();
        let shown = format!("{webhook:?}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(shown.contains("token: Some([redacted])"), "{shown}");
        assert!(shown.contains("alerts"));
    }
}

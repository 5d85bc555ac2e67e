//! [`AllowedMentions`]: which mentions in a message may ping.

use serde::{Deserialize, Serialize};

use crate::id::{RoleId, UserId};

/// A kind of mention Discord may find in the text by itself (`parse`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MentionType {
    /// User mentions (`<@id>`).
    Users,
    /// Role mentions (`<@&id>`).
    Roles,
    /// `@everyone` and `@here`.
    Everyone,
}

/// Which mentions in a message may ping, the request's `allowed_mentions`.
///
/// Start from [`AllowedMentions::none`] and allow what you need; a mention
/// must still appear in the text to ping. Without `allowed_mentions`, bots
/// ping everything mentioned and webhooks ping users only.
///
/// ```
/// use bugle_model::id::UserId;
/// use bugle_model::request::AllowedMentions;
///
/// let mentions = AllowedMentions::none().users([UserId::new(80351110224678912)]);
/// assert_eq!(
///     serde_json::to_string(&mentions).unwrap(),
///     r#"{"parse":[],"users":["80351110224678912"]}"#,
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct AllowedMentions {
    /// Kinds of mention allowed wherever they appear. Always sent: an empty
    /// list means none.
    #[serde(default)]
    pub parse: Vec<MentionType>,
    /// Users who may be pinged (at most 100). Must be empty when `parse`
    /// has [`MentionType::Users`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserId>,
    /// Roles that may be pinged (at most 100). Must be empty when `parse`
    /// has [`MentionType::Roles`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Whether a reply pings the author of the message replied to.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replied_user: bool,
}

impl AllowedMentions {
    /// No mention pings (`{"parse": []}`).
    pub fn none() -> Self {
        Self::default()
    }

    /// Every user and role mention and `@everyone`/`@here` pings (Discord's
    /// default for bots).
    pub fn all() -> Self {
        Self {
            parse: vec![
                MentionType::Users,
                MentionType::Roles,
                MentionType::Everyone,
            ],
            ..Self::default()
        }
    }

    /// Also lets these users be pinged.
    pub fn users(mut self, users: impl IntoIterator<Item = UserId>) -> Self {
        self.users.extend(users);
        self
    }

    /// Also lets these roles be pinged.
    pub fn roles(mut self, roles: impl IntoIterator<Item = RoleId>) -> Self {
        self.roles.extend(roles);
        self
    }

    /// Lets every user mentioned in the text be pinged.
    pub fn all_users(self) -> Self {
        self.parse(MentionType::Users)
    }

    /// Lets every role mentioned in the text be pinged.
    pub fn all_roles(self) -> Self {
        self.parse(MentionType::Roles)
    }

    /// Lets `@everyone` and `@here` ping.
    pub fn everyone(self) -> Self {
        self.parse(MentionType::Everyone)
    }

    /// Whether a reply pings the author of the message replied to.
    pub fn replied_user(mut self, ping: bool) -> Self {
        self.replied_user = ping;
        self
    }

    fn parse(mut self, kind: MentionType) -> Self {
        if !self.parse.contains(&kind) {
            self.parse.push(kind);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn none_sends_empty_parse() {
        assert_eq!(
            serde_json::to_value(AllowedMentions::none()).unwrap(),
            json!({"parse": []})
        );
    }

    #[test]
    fn builders_combine_without_repeats() {
        let mentions = AllowedMentions::none()
            .everyone()
            .everyone()
            .roles([RoleId::new(7)])
            .all_users()
            .replied_user(true);
        assert_eq!(
            serde_json::to_value(&mentions).unwrap(),
            json!({"parse": ["everyone", "users"], "roles": ["7"], "replied_user": true})
        );
    }

    #[test]
    fn all_parses_every_kind() {
        assert_eq!(
            serde_json::to_value(AllowedMentions::all()).unwrap(),
            json!({"parse": ["users", "roles", "everyone"]})
        );
    }
}

//! Building a [`RequestKey`] from a method and a concrete API path.

use crate::key::{GlobalPool, Major, Method, RequestKey, TokenHash};

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// Messages younger than this are deleted under a separate limit.
const YOUNG_MESSAGE_MS: u64 = 10_000;
/// Messages older than this are deleted under a separate limit.
const OLD_MESSAGE_MS: u64 = 14 * 24 * 60 * 60 * 1000;

/// The template suffix for deleting a message younger than 10 seconds.
pub const DELETE_YOUNG_SUFFIX: &str = "#younger-than-10s";
/// The template suffix for deleting a message older than 14 days.
pub const DELETE_OLD_SUFFIX: &str = "#older-than-14d";
/// The route whose template is split by message age.
const DELETE_MESSAGE_TEMPLATE: &str = "/channels/{channel_id}/messages/{message_id}";

/// What `DELETE /channels/{channel_id}/messages/{message_id}` adds to its route template
/// for message `message_id`, by the message's age read from its snowflake and the system
/// clock: [`DELETE_YOUNG_SUFFIX`] younger than 10 seconds, [`DELETE_OLD_SUFFIX`] older than
/// 14 days, and nothing (`""`) otherwise. Discord limits these three apart.
///
/// Use [`message_age_suffix_at`] to supply the time yourself.
pub fn message_age_suffix(message_id: u64) -> &'static str {
    message_age_suffix_at(message_id, crate::clock::unix_millis())
}

/// Like [`message_age_suffix`], with the current Unix time in milliseconds given by the
/// caller.
pub fn message_age_suffix_at(message_id: u64, now_unix_millis: u64) -> &'static str {
    let created = (message_id >> 22) + DISCORD_EPOCH_MS;
    let age = now_unix_millis.saturating_sub(created);
    if age < YOUNG_MESSAGE_MS {
        DELETE_YOUNG_SUFFIX
    } else if age > OLD_MESSAGE_MS {
        DELETE_OLD_SUFFIX
    } else {
        ""
    }
}

/// The placeholder for the id that follows `collection` (the names cassettes use).
fn id_name(collection: &str) -> &'static str {
    match collection {
        "channels" => "{channel_id}",
        "messages" | "pins" => "{message_id}",
        "guilds" => "{guild_id}",
        "users" | "members" | "thread-members" => "{user_id}",
        "roles" => "{role_id}",
        "webhooks" => "{webhook_id}",
        "applications" => "{application_id}",
        "interactions" => "{interaction_id}",
        "stickers" => "{sticker_id}",
        "emojis" => "{emoji_id}",
        _ => "{id}",
    }
}

impl RequestKey {
    /// Builds the key for `method` on a concrete API `path` such as
    /// `/channels/123/messages` (a leading `/api` or `/api/v10` and a query string are
    /// ignored).
    ///
    /// - Channel, guild and webhook ids right after `channels/`, `guilds/` and `webhooks/`
    ///   at the start of the path are the major parameter; a webhook token after the id is
    ///   part of it, kept only as a [`TokenHash`], and the request is put in the
    ///   [`GlobalPool::Unauthenticated`] pool (token routes are sent without auth).
    /// - Other snowflakes are named by the collection before them, with the names bugle's
    ///   cassettes use (`/messages/{message_id}`, `/members/{user_id}`,
    ///   `/roles/{role_id}`; `{id}` after a collection without a name); the emoji of a
    ///   reaction route is `{emoji}` and a user after it `{user_id}`, an invite code
    ///   `{invite_code}`; any other segment that is not a plain lower-case word (a token, a
    ///   name) becomes `{param}`, so no secret or user text ever reaches the template.
    /// - `/interactions/{interaction_id}/{interaction_token}/…` is exempt from the global
    ///   limit.
    /// - `DELETE /channels/{channel_id}/messages/{message_id}` is split by message age
    ///   ([`message_age_suffix`]), read from the snowflake and the system clock; use
    ///   [`RequestKey::from_path_at`] to supply the time yourself.
    ///
    /// Interaction follow-ups (`/webhooks/{application_id}/{interaction_token}`) look like
    /// webhook routes; set [`GlobalPool::Exempt`] on them with [`RequestKey::with_pool`].
    pub fn from_path(method: Method, path: &str) -> Self {
        Self::from_path_at(method, path, crate::clock::unix_millis())
    }

    /// Like [`RequestKey::from_path`], with the current Unix time in milliseconds given by
    /// the caller (used only to tell a deleted message's age).
    pub fn from_path_at(method: Method, path: &str, now_unix_millis: u64) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.first() == Some(&"api") {
            segments.remove(0);
            if segments.first().is_some_and(|s| {
                s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
            }) {
                segments.remove(0);
            }
        }

        let mut template = String::with_capacity(path.len());
        let mut major = Major::None;
        let mut pool = GlobalPool::Bot;
        let mut index = 0;

        if let (Some(&resource), Some(id)) =
            (segments.first(), segments.get(1).and_then(|s| snowflake(s)))
        {
            match resource {
                "channels" => {
                    template.push_str("/channels/{channel_id}");
                    major = Major::Channel(id);
                    index = 2;
                }
                "guilds" => {
                    template.push_str("/guilds/{guild_id}");
                    major = Major::Guild(id);
                    index = 2;
                }
                "webhooks" => {
                    template.push_str("/webhooks/{webhook_id}");
                    let token = segments.get(2).map(|t| TokenHash::of(t));
                    if token.is_some() {
                        template.push_str("/{webhook_token}");
                        pool = GlobalPool::Unauthenticated;
                    }
                    major = Major::Webhook { id, token };
                    index = if token.is_some() { 3 } else { 2 };
                }
                "interactions" => {
                    template.push_str("/interactions/{interaction_id}");
                    index = 2;
                    if segments.get(2).is_some() {
                        template.push_str("/{interaction_token}");
                        index = 3;
                    }
                    pool = GlobalPool::Exempt;
                }
                _ => {}
            }
        }

        for (i, segment) in segments.iter().enumerate().skip(index) {
            let prev = i.checked_sub(1).map(|j| segments[j]);
            let prev2 = i.checked_sub(2).map(|j| segments[j]);
            template.push('/');
            match (prev2, prev) {
                (_, Some("reactions")) => template.push_str("{emoji}"),
                (Some("reactions"), Some(_)) if *segment != "@me" => template.push_str("{user_id}"),
                (_, Some(collection)) if snowflake(segment).is_some() => {
                    template.push_str(id_name(collection));
                }
                (_, Some("invites")) => template.push_str("{invite_code}"),
                _ if is_literal(segment) => template.push_str(segment),
                _ => template.push_str("{param}"),
            }
        }
        if template.is_empty() {
            template.push('/');
        }

        let message_id = segments.get(3).and_then(|s| snowflake(s));
        if let (Method::Delete, Some(message_id)) = (method, message_id) {
            if template == DELETE_MESSAGE_TEMPLATE {
                template.push_str(message_age_suffix_at(message_id, now_unix_millis));
            }
        }

        RequestKey::new(method, template, major).with_pool(pool)
    }
}

/// A snowflake: 1 to 20 ASCII digits that fit in a `u64`.
fn snowflake(segment: &str) -> Option<u64> {
    if segment.is_empty() || segment.len() > 20 || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// A fixed path word such as `messages`, `@me`, `bulk-delete` or `audit-logs`.
fn is_literal(segment: &str) -> bool {
    let mut bytes = segment.bytes();
    segment.len() <= 40
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'@')
        && bytes.all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_' || b == b'@')
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_750_000_000_000;

    fn key(method: Method, path: &str) -> RequestKey {
        RequestKey::from_path_at(method, path, NOW)
    }

    fn snowflake_at(unix_ms: u64) -> u64 {
        (unix_ms - DISCORD_EPOCH_MS) << 22
    }

    #[test]
    fn channel_id_is_major_and_other_ids_are_minor() {
        let k = key(Method::Patch, "/api/v10/channels/111/messages/222?x=1");
        assert_eq!(k.route(), "/channels/{channel_id}/messages/{message_id}");
        assert_eq!(k.major(), Major::Channel(111));
        assert_eq!(k.pool(), GlobalPool::Bot);
    }

    #[test]
    fn guild_routes_key_by_guild() {
        let k = key(Method::Put, "/guilds/5/members/6/roles/7");
        assert_eq!(
            k.route(),
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
        );
        assert_eq!(k.major(), Major::Guild(5));
    }

    #[test]
    fn webhook_token_is_hashed_and_never_in_the_template() {
        let token = "Zx9-secretTOKENvalue_ABC";
        let k = key(Method::Post, &format!("/webhooks/42/{token}?wait=true"));
        assert_eq!(k.route(), "/webhooks/{webhook_id}/{webhook_token}");
        assert_eq!(
            k.major(),
            Major::Webhook {
                id: 42,
                token: Some(TokenHash::of(token))
            }
        );
        assert_eq!(k.pool(), GlobalPool::Unauthenticated);
        assert!(!format!("{k:?}").contains(token));
        let other = key(Method::Post, "/webhooks/42/another");
        assert_ne!(k.major(), other.major());
    }

    #[test]
    fn webhook_without_token_uses_the_bot_pool() {
        let k = key(Method::Get, "/webhooks/42");
        assert_eq!(
            k.major(),
            Major::Webhook {
                id: 42,
                token: None
            }
        );
        assert_eq!(k.pool(), GlobalPool::Bot);
    }

    #[test]
    fn reaction_routes_hide_the_emoji() {
        let a = key(
            Method::Put,
            "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
        );
        let b = key(Method::Put, "/channels/1/messages/3/reactions/name:123/@me");
        assert_eq!(
            a.route(),
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        );
        assert_eq!(a.route(), b.route());
        assert_eq!(a.major(), b.major());
        let user = key(Method::Delete, "/channels/1/messages/3/reactions/x/44");
        assert_eq!(
            user.route(),
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}"
        );
    }

    #[test]
    fn invite_codes_are_named_whatever_their_case() {
        assert_eq!(
            key(Method::Get, "/invites/abcdef").route(),
            "/invites/{invite_code}"
        );
        assert_eq!(
            key(Method::Get, "/invites/AbC").route(),
            "/invites/{invite_code}"
        );
    }

    #[test]
    fn interaction_callbacks_are_exempt_and_hide_the_token() {
        let k = key(
            Method::Post,
            "/interactions/9/aW50ZXJhY3Rpb246VG9rZW4/callback",
        );
        assert_eq!(
            k.route(),
            "/interactions/{interaction_id}/{interaction_token}/callback"
        );
        assert_eq!(k.pool(), GlobalPool::Exempt);
        assert_eq!(k.major(), Major::None);
    }

    #[test]
    fn unknown_words_become_params() {
        let k = key(Method::Get, "/users/@me/SomeName");
        assert_eq!(k.route(), "/users/@me/{param}");
        assert_eq!(key(Method::Get, "").route(), "/");
    }

    #[test]
    fn delete_message_is_split_by_age() {
        let young = snowflake_at(NOW - 5_000);
        let normal = snowflake_at(NOW - 60 * 60 * 1000);
        let old = snowflake_at(NOW - 15 * 24 * 60 * 60 * 1000);
        let base = "/channels/{channel_id}/messages/{message_id}";
        let route = |id: u64| {
            key(Method::Delete, &format!("/channels/1/messages/{id}"))
                .route()
                .to_owned()
        };
        assert_eq!(route(young), format!("{base}{DELETE_YOUNG_SUFFIX}"));
        assert_eq!(route(normal), base);
        assert_eq!(route(old), format!("{base}{DELETE_OLD_SUFFIX}"));
        // Only DELETE is split.
        assert_eq!(
            key(Method::Patch, &format!("/channels/1/messages/{young}")).route(),
            base
        );
    }
}

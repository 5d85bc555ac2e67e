//! Route templates: `POST /api/v10/channels/123/messages` → `POST /channels/{channel_id}/messages`.

use bugle_transport::RouteTemplate;

/// Placeholder for a webhook token in a recorded path.
pub const WEBHOOK_TOKEN_PLACEHOLDER: &str = "{webhook_token}";
/// Placeholder for an interaction token in a recorded path.
pub const INTERACTION_TOKEN_PLACEHOLDER: &str = "{interaction_token}";

/// Splits `/api/v10/channels/1` into the API version (`Some("10")`) and the route
/// (`/channels/1`). A path without the prefix is all route.
pub(crate) fn split_api_prefix(path: &str) -> (Option<&str>, &str) {
    let Some(rest) = path.strip_prefix("/api") else {
        return (None, path);
    };
    if rest.is_empty() || rest.starts_with('/') {
        if let Some(after_v) = rest.strip_prefix("/v") {
            let digits = after_v
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after_v.len());
            if digits > 0 && (after_v.len() == digits || after_v[digits..].starts_with('/')) {
                return (Some(&after_v[..digits]), &after_v[digits..]);
            }
        }
        return (None, rest);
    }
    (None, path)
}

/// Whether a path segment is a snowflake id.
pub(crate) fn is_id_segment(segment: &str) -> bool {
    !segment.is_empty() && segment.len() <= 20 && segment.bytes().all(|b| b.is_ascii_digit())
}

/// The name of the id that follows a collection segment.
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
        "invites" => "{invite_code}",
        _ => "{id}",
    }
}

/// The route template cassettes name a request by when it carries no
/// [`RouteTemplate`](bugle_transport::RouteTemplate): the path without its API prefix,
/// with ids and tokens replaced by named placeholders
/// (`/api/v10/channels/1/messages/2` → `/channels/{channel_id}/messages/{message_id}`).
///
/// ```
/// use bugle_sim::cassette::route_template;
///
/// assert_eq!(
///     route_template("/api/v10/webhooks/1/secret-token/messages/2"),
///     "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
/// );
/// ```
pub fn route_template(path: &str) -> String {
    let (_, route) = split_api_prefix(path);
    let segments: Vec<&str> = route.split('/').collect();
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| segments[j]);
        let prev2 = i.checked_sub(2).map(|j| segments[j]);
        let templated = match (prev2, prev) {
            (_, Some("reactions")) => "{emoji}",
            (Some("reactions"), Some(_)) if *segment != "@me" => "{user_id}",
            (Some("webhooks"), Some(p)) if is_id_segment(p) && is_token_segment(segment) => {
                WEBHOOK_TOKEN_PLACEHOLDER
            }
            (Some("interactions"), Some(p)) if is_id_segment(p) && *segment != "callback" => {
                INTERACTION_TOKEN_PLACEHOLDER
            }
            (_, Some(collection)) if is_id_segment(segment) => id_name(collection),
            (_, Some("invites")) => "{invite_code}",
            _ => segment,
        };
        out.push(templated);
    }
    out.join("/")
}

/// Whether the segment after `/webhooks/{id}/` is a token (not a sub-resource).
pub(crate) fn is_token_segment(segment: &str) -> bool {
    !matches!(segment, "" | "messages" | "github" | "slack")
}

/// `METHOD /route/template`: `template` when the request carried one, otherwise the
/// [`route_template`] of `path`.
pub(crate) fn operation(method: &str, path: &str, template: Option<RouteTemplate>) -> String {
    match template {
        Some(template) => format!("{method} {template}"),
        None => format!("{method} {}", route_template(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_split() {
        assert_eq!(
            split_api_prefix("/api/v10/channels/1"),
            (Some("10"), "/channels/1")
        );
        assert_eq!(split_api_prefix("/api/channels/1"), (None, "/channels/1"));
        assert_eq!(split_api_prefix("/channels/1"), (None, "/channels/1"));
        assert_eq!(split_api_prefix("/apiary"), (None, "/apiary"));
    }

    #[test]
    fn ids_and_tokens_are_templated() {
        let cases = [
            (
                "/api/v10/channels/1/messages",
                "/channels/{channel_id}/messages",
            ),
            (
                "/api/v10/channels/1/messages/22",
                "/channels/{channel_id}/messages/{message_id}",
            ),
            (
                "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            ),
            (
                "/api/v10/channels/1/messages/2/reactions/x:3/4",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
            ),
            (
                "/api/v10/webhooks/5/tok-en",
                "/webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "/api/v10/webhooks/5/{webhook_token}/messages/6",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            ),
            ("/api/v10/users/@me/channels", "/users/@me/channels"),
            (
                "/api/v10/channels/1/messages/2/threads",
                "/channels/{channel_id}/messages/{message_id}/threads",
            ),
        ];
        for (path, template) in cases {
            assert_eq!(route_template(path), template, "{path}");
        }
    }
}

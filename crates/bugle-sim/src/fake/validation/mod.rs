//! Discord's server-side validation, written independently of bugle-model's client-side
//! validator: what the server rejects, with the 50035 error trees it sends.

mod component;
mod embed;
mod names;
pub(crate) mod tree;

use serde_json::{Map, Value};

use crate::fake::reply::{self, Reply};
pub(crate) use names::{check_thread_fields, check_username};
use tree::{ErrorTree, Seg, chars, max_length, wrong_type};

/// Characters of message `content`.
pub(crate) const MAX_CONTENT: usize = 2000;
/// Characters of a string nonce.
pub(crate) const MAX_NONCE: usize = 25;
/// Sticker ids per message.
pub(crate) const MAX_STICKERS: usize = 3;
/// Attachments (kept and new) per message.
pub(crate) const MAX_ATTACHMENTS: usize = 10;
/// `IS_COMPONENTS_V2` message flag.
pub(crate) const IS_COMPONENTS_V2: u64 = 1 << 15;

/// Which body a message payload came in, since each allows different fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// Channel message create.
    Create,
    /// Channel message edit or webhook message edit (every field optional).
    Edit,
    /// Webhook execute.
    WebhookExecute,
    /// The `message` object of a forum post.
    ForumMessage,
}

/// An array field, or empty when absent or null; a non-array is reported.
pub(crate) fn array<'a>(
    tree: &mut ErrorTree,
    body: &'a Map<String, Value>,
    key: &'a str,
) -> &'a [Value] {
    match body.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            wrong_type(tree, &[Seg::Key(key)], "BASE_TYPE_ARRAY", "an array");
            &[]
        }
    }
}

/// Checks a message payload's fields (lengths, counts, embeds, components, nonce,
/// webhook overrides) and then that it is not empty.
///
/// `files` is the number of uploaded `files[n]` parts. Returns the 50035 reply, a 50006
/// reply for an empty message, or `Ok`.
pub(crate) fn check_message(
    body: &Map<String, Value>,
    kind: BodyKind,
    files: usize,
) -> Result<(), Reply> {
    let mut tree = ErrorTree::new();
    let flags = body.get("flags").and_then(Value::as_u64).unwrap_or(0);
    let v2 = flags & IS_COMPONENTS_V2 != 0;
    let content = match body.get("content") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            wrong_type(
                &mut tree,
                &[Seg::Key("content")],
                "BASE_TYPE_STRING",
                "a string",
            );
            ""
        }
    };
    if chars(content) > MAX_CONTENT {
        max_length(&mut tree, &[Seg::Key("content")], MAX_CONTENT);
    }
    let embeds = array(&mut tree, body, "embeds");
    embed::check_embeds(&mut tree, embeds);
    let components = array(&mut tree, body, "components");
    component::check_components(&mut tree, components, v2);
    let stickers = array(&mut tree, body, "sticker_ids");
    if stickers.len() > MAX_STICKERS {
        max_length(&mut tree, &[Seg::Key("sticker_ids")], MAX_STICKERS);
    }
    let attachments = array(&mut tree, body, "attachments");
    if attachments.len() > MAX_ATTACHMENTS {
        max_length(&mut tree, &[Seg::Key("attachments")], MAX_ATTACHMENTS);
    }
    if v2 && (!content.is_empty() || !embeds.is_empty() || !stickers.is_empty()) {
        tree.push(
            &[Seg::Key("content")],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        );
    }
    check_allowed_mentions(&mut tree, body);
    if kind == BodyKind::Create {
        check_nonce(&mut tree, body);
    }
    if kind == BodyKind::WebhookExecute {
        if let Some(name) = body.get("username").and_then(Value::as_str) {
            check_username(&mut tree, name);
        }
        if body
            .get("avatar_url")
            .and_then(Value::as_str)
            .is_some_and(|url| chars(url) > 2048)
        {
            max_length(&mut tree, &[Seg::Key("avatar_url")], 2048);
        }
        if let Some(name) = body.get("thread_name").and_then(Value::as_str) {
            if chars(name) > 100 {
                max_length(&mut tree, &[Seg::Key("thread_name")], 100);
            }
        }
        if array(&mut tree, body, "applied_tags").len() > 5 {
            max_length(&mut tree, &[Seg::Key("applied_tags")], 5);
        }
    }
    tree.finish()?;
    let has_body = !content.trim().is_empty()
        || !embeds.is_empty()
        || !components.is_empty()
        || !stickers.is_empty()
        || files > 0
        || body.get("poll").is_some_and(|p| !p.is_null());
    let is_forward = body
        .get("message_reference")
        .and_then(|r| r.get("type"))
        .and_then(Value::as_u64)
        == Some(1);
    if kind != BodyKind::Edit && !has_body && !is_forward {
        return Err(reply::empty_message());
    }
    Ok(())
}

fn check_nonce(tree: &mut ErrorTree, body: &Map<String, Value>) {
    match body.get("nonce") {
        Some(Value::String(s)) if chars(s) > MAX_NONCE => {
            max_length(tree, &[Seg::Key("nonce")], MAX_NONCE);
        }
        None | Some(Value::Null | Value::String(_)) => {}
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {}
        Some(_) => wrong_type(
            tree,
            &[Seg::Key("nonce")],
            "BASE_TYPE_NONCE",
            "an integer or a string",
        ),
    }
}

fn check_allowed_mentions(tree: &mut ErrorTree, body: &Map<String, Value>) {
    let Some(mentions) = body.get("allowed_mentions").and_then(Value::as_object) else {
        return;
    };
    let parse: Vec<&str> = mentions
        .get("parse")
        .and_then(Value::as_array)
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (kind, list) in [("users", "users"), ("roles", "roles")] {
        let listed = mentions
            .get(list)
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
        if parse.contains(&kind) && listed {
            tree.push(
                &[Seg::Key("allowed_mentions")],
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                format!("parse:[\"{kind}\"] and {list}: [ids...] are mutually exclusive."),
            );
        }
        if mentions
            .get(list)
            .and_then(Value::as_array)
            .is_some_and(|l| l.len() > 100)
        {
            max_length(tree, &[Seg::Key("allowed_mentions"), Seg::Key(list)], 100);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::reply::ReplyBody;
    use serde_json::json;

    fn check(body: &Value, kind: BodyKind) -> Result<(), Value> {
        check_message(body.as_object().unwrap(), kind, 0).map_err(|r| match r.body {
            ReplyBody::Json(v) => v,
            _ => Value::Null,
        })
    }

    #[test]
    fn content_at_2000_passes_and_2001_fails() {
        assert!(check(&json!({"content": "a".repeat(2000)}), BodyKind::Create).is_ok());
        let err = check(&json!({"content": "a".repeat(2001)}), BodyKind::Create).unwrap_err();
        assert_eq!(err["code"], 50035);
        assert_eq!(
            err["errors"]["content"]["_errors"][0]["code"],
            "BASE_TYPE_MAX_LENGTH"
        );
    }

    #[test]
    fn content_counts_scalar_values_not_bytes() {
        assert!(check(&json!({"content": "é".repeat(2000)}), BodyKind::Create).is_ok());
    }

    #[test]
    fn empty_and_whitespace_messages_are_50006() {
        assert_eq!(
            check(&json!({}), BodyKind::Create).unwrap_err()["code"],
            50006
        );
        assert_eq!(
            check(&json!({"content": "  "}), BodyKind::WebhookExecute).unwrap_err()["code"],
            50006
        );
        assert!(check(&json!({}), BodyKind::Edit).is_ok());
    }

    #[test]
    fn nonce_over_25_chars_fails() {
        let err = check(
            &json!({"content": "x", "nonce": "n".repeat(26)}),
            BodyKind::Create,
        )
        .unwrap_err();
        assert_eq!(
            err["errors"]["nonce"]["_errors"][0]["code"],
            "BASE_TYPE_MAX_LENGTH"
        );
        assert!(check(&json!({"content": "x", "nonce": 12345}), BodyKind::Create).is_ok());
    }

    #[test]
    fn parse_users_with_user_list_is_exclusive() {
        let body =
            json!({"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}});
        let err = check(&body, BodyKind::Create).unwrap_err();
        assert_eq!(
            err["errors"]["allowed_mentions"]["_errors"][0]["code"],
            "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
        );
    }

    #[test]
    fn v2_rejects_content() {
        let body =
            json!({"content": "x", "flags": 32768, "components": [{"type": 10, "content": "t"}]});
        assert!(check(&body, BodyKind::Create).is_err());
    }
}

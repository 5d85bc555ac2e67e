//! Names the server checks: webhook username overrides and thread fields.

use serde_json::{Map, Value};

use super::tree::{ErrorTree, Seg, bad_length, chars, required, wrong_type};

/// Characters of a webhook username override.
pub(crate) const USERNAME_MAX: usize = 80;
/// Characters of a thread name.
pub(crate) const THREAD_NAME_MAX: usize = 100;
/// Allowed `auto_archive_duration` values, in minutes.
pub(crate) const ARCHIVE_DURATIONS: [u64; 4] = [60, 1440, 4320, 10080];
/// Largest `rate_limit_per_user`, in seconds.
pub(crate) const MAX_SLOWMODE: u64 = 21_600;

/// Checks a webhook `username` override the way the server does: 1–80 characters after
/// trimming, no `discord` or `clyde` (any case), not exactly `everyone` or `here`.
pub(crate) fn check_username(tree: &mut ErrorTree, name: &str) {
    let path = [Seg::Key("username")];
    let trimmed = name.trim();
    let len = chars(trimmed);
    if len == 0 || len > USERNAME_MAX {
        bad_length(tree, &path, 1, USERNAME_MAX);
        return;
    }
    let lower = trimmed.to_lowercase();
    for banned in ["discord", "clyde"] {
        if lower.contains(banned) {
            tree.push(
                &path,
                "USERNAME_INVALID_CONTAINS",
                format!("Username cannot contain \"{banned}\""),
            );
            return;
        }
    }
    if lower == "everyone" || lower == "here" {
        tree.push(
            &path,
            "USERNAME_INVALID",
            format!("Username cannot be \"{lower}\""),
        );
    }
}

/// Checks `name` (required, 1–100), `auto_archive_duration` and `rate_limit_per_user` of a
/// thread-creating body.
pub(crate) fn check_thread_fields(tree: &mut ErrorTree, body: &Map<String, Value>) {
    match body.get("name") {
        None | Some(Value::Null) => required(tree, &[Seg::Key("name")]),
        Some(Value::String(name)) => {
            let len = chars(name.trim());
            if len == 0 || len > THREAD_NAME_MAX {
                bad_length(tree, &[Seg::Key("name")], 1, THREAD_NAME_MAX);
            }
        }
        Some(_) => wrong_type(tree, &[Seg::Key("name")], "BASE_TYPE_STRING", "a string"),
    }
    if let Some(duration) = body.get("auto_archive_duration").filter(|v| !v.is_null()) {
        if !duration
            .as_u64()
            .is_some_and(|d| ARCHIVE_DURATIONS.contains(&d))
        {
            tree.push(
                &[Seg::Key("auto_archive_duration")],
                "BASE_TYPE_CHOICES",
                "Value must be one of {60, 1440, 4320, 10080}.",
            );
        }
    }
    if let Some(slowmode) = body.get("rate_limit_per_user").filter(|v| !v.is_null()) {
        if slowmode.as_u64().is_none_or(|s| s > MAX_SLOWMODE) {
            tree.push(
                &[Seg::Key("rate_limit_per_user")],
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {MAX_SLOWMODE}."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn username_errors(name: &str) -> bool {
        let mut tree = ErrorTree::new();
        check_username(&mut tree, name);
        !tree.is_empty()
    }

    #[test]
    fn username_rules() {
        assert!(!username_errors("deploy bot"));
        assert!(!username_errors(&"x".repeat(80)));
        assert!(username_errors(&"x".repeat(81)));
        assert!(username_errors("My Discord Bot"));
        assert!(username_errors("clydesdale"));
        assert!(username_errors("here"));
        assert!(username_errors("   "));
    }

    #[test]
    fn thread_name_and_archive_duration() {
        let mut tree = ErrorTree::new();
        check_thread_fields(
            &mut tree,
            json!({"name": "t", "auto_archive_duration": 1440})
                .as_object()
                .unwrap(),
        );
        assert!(tree.is_empty());
        let mut tree = ErrorTree::new();
        check_thread_fields(
            &mut tree,
            json!({"name": "t".repeat(101), "auto_archive_duration": 30})
                .as_object()
                .unwrap(),
        );
        let reply = tree.finish().unwrap_err();
        let crate::fake::reply::ReplyBody::Json(body) = reply.body else {
            panic!()
        };
        assert_eq!(
            body["errors"]["name"]["_errors"][0]["code"],
            "BASE_TYPE_BAD_LENGTH"
        );
        assert_eq!(
            body["errors"]["auto_archive_duration"]["_errors"][0]["code"],
            "BASE_TYPE_CHOICES"
        );
    }
}

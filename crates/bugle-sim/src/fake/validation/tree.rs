//! Discord's 50035 "Invalid Form Body" error tree.

use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::fake::reply::Reply;

/// One step of a field path: an object key or an array index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    /// An object key.
    Key(&'a str),
    /// An array position (rendered as a string key, the way Discord does).
    Index(usize),
}

/// Collects field errors into the nested `errors` object of a 50035 body.
#[derive(Debug, Default)]
pub(crate) struct ErrorTree {
    root: Map<String, Value>,
    count: usize,
}

impl ErrorTree {
    /// An empty tree.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds an error at `path` (an empty path is a request-level error).
    pub(crate) fn push(&mut self, path: &[Seg<'_>], code: &str, message: impl Into<String>) {
        let mut node = &mut self.root;
        for seg in path {
            let key = match seg {
                Seg::Key(key) => (*key).to_owned(),
                Seg::Index(index) => index.to_string(),
            };
            let entry = node.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            node = entry.as_object_mut().expect("just made an object");
        }
        let errors = node
            .entry("_errors")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = errors {
            list.push(json!({ "code": code, "message": message.into() }));
        }
        self.count += 1;
    }

    /// Whether no error was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `Ok(())` when empty, else the 400 reply carrying the tree.
    pub(crate) fn finish(self) -> Result<(), Reply> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Reply::json(
                StatusCode::BAD_REQUEST,
                json!({ "code": 50035, "errors": Value::Object(self.root), "message": "Invalid Form Body" }),
            ))
        }
    }
}

/// `BASE_TYPE_MAX_LENGTH`: "Must be N or fewer in length."
pub(crate) fn max_length(tree: &mut ErrorTree, path: &[Seg<'_>], max: usize) {
    tree.push(
        path,
        "BASE_TYPE_MAX_LENGTH",
        format!("Must be {max} or fewer in length."),
    );
}

/// `BASE_TYPE_BAD_LENGTH`: "Must be between A and B in length."
pub(crate) fn bad_length(tree: &mut ErrorTree, path: &[Seg<'_>], min: usize, max: usize) {
    tree.push(
        path,
        "BASE_TYPE_BAD_LENGTH",
        format!("Must be between {min} and {max} in length."),
    );
}

/// `BASE_TYPE_REQUIRED`: "This field is required"
pub(crate) fn required(tree: &mut ErrorTree, path: &[Seg<'_>]) {
    tree.push(path, "BASE_TYPE_REQUIRED", "This field is required");
}

/// A type mismatch: the field is not of the kind Discord expects.
pub(crate) fn wrong_type(tree: &mut ErrorTree, path: &[Seg<'_>], code: &str, what: &str) {
    tree.push(path, code, format!("Must be {what}."));
}

/// Length counted the way Discord counts it: Unicode scalar values.
pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::reply::ReplyBody;

    #[test]
    fn builds_discords_nested_shape() {
        let mut tree = ErrorTree::new();
        max_length(
            &mut tree,
            &[
                Seg::Key("embeds"),
                Seg::Index(0),
                Seg::Key("fields"),
                Seg::Index(3),
                Seg::Key("value"),
            ],
            1024,
        );
        let reply = tree.finish().unwrap_err();
        let ReplyBody::Json(body) = reply.body else {
            panic!("json body")
        };
        assert_eq!(
            body,
            json!({"code":50035,"message":"Invalid Form Body","errors":{"embeds":{"0":{"fields":{"3":{"value":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 1024 or fewer in length."}]}}}}}}})
        );
    }

    #[test]
    fn empty_tree_passes() {
        assert!(ErrorTree::new().finish().is_ok());
    }
}

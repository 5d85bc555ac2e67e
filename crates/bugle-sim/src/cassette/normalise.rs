//! The identity a request is matched by, its hash, and a flat view for field diffs.
//!
//! Normalisation: the API version prefix is dropped from the path, query parameters and
//! JSON keys are sorted, volatile fields (`nonce`, `timestamp`, `*_timestamp`) are dropped,
//! multipart bodies are compared by their parsed parts (never their boundary), and text
//! bodies have their surrounding whitespace trimmed.

use std::collections::BTreeMap;

use bugle_transport::RouteTemplate;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::capture::hex;
use super::format::{Body, RecordedRequest};
use super::operation::{operation, split_api_prefix};

/// Body fields whose values change on every run and say nothing about the request.
pub(crate) fn is_volatile_field(key: &str) -> bool {
    key == "nonce" || key == "timestamp" || key.ends_with("_timestamp")
}

/// What two requests must share to match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Identity {
    pub(crate) method: String,
    pub(crate) operation: String,
    /// The path without the API prefix, ids and placeholders as they are.
    pub(crate) route: String,
    pub(crate) query: BTreeMap<String, String>,
    /// The normalised body (`null` when there is none).
    pub(crate) body: Value,
}

impl Identity {
    /// The identity of `request`, named by its path's route template.
    pub(crate) fn of(request: &RecordedRequest) -> Self {
        Self::named(request, None)
    }

    /// The identity of `request`, named by `template` when the request carried one
    /// (otherwise by its path's route template).
    pub(crate) fn named(request: &RecordedRequest, template: Option<RouteTemplate>) -> Self {
        Self::with_operation(request, operation(&request.method, &request.path, template))
    }

    /// The identity of a recorded interaction: its request, named by the operation the
    /// recorder wrote (the template the request carried, or its path's), or by its path
    /// when the operation is missing.
    pub(crate) fn recorded(request: &RecordedRequest, recorded_operation: &str) -> Self {
        let named = recorded_operation
            .strip_prefix(request.method.as_str())
            .is_some_and(|rest| rest.starts_with(' '));
        if named {
            Self::with_operation(request, recorded_operation.to_owned())
        } else {
            Self::of(request)
        }
    }

    fn with_operation(request: &RecordedRequest, operation: String) -> Self {
        let (_, route) = split_api_prefix(&request.path);
        Self {
            method: request.method.clone(),
            operation,
            route: route.to_owned(),
            query: request.query.clone(),
            body: request.body.as_ref().map_or(Value::Null, normalised_body),
        }
    }

    /// The exact key: a hash of everything in the identity.
    pub(crate) fn key(&self) -> String {
        hash(&[
            Value::from(self.method.as_str()),
            Value::from(self.operation.as_str()),
            Value::from(self.route.as_str()),
            serde_json::to_value(&self.query).unwrap_or(Value::Null),
            self.body.clone(),
        ])
    }

    /// The fuzzy key: operation and body, whatever the ids in the path and the query.
    pub(crate) fn fuzzy_key(&self) -> String {
        hash(&[
            Value::from(self.method.as_str()),
            Value::from(self.operation.as_str()),
            self.body.clone(),
        ])
    }

    /// Every leaf of the identity by its field path, for diffs.
    pub(crate) fn flatten(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        out.insert("method".to_owned(), self.method.clone());
        out.insert("operation".to_owned(), self.operation.clone());
        out.insert("path".to_owned(), self.route.clone());
        for (k, v) in &self.query {
            out.insert(format!("query.{k}"), v.clone());
        }
        flatten_value("body", &self.body, &mut out);
        out
    }
}

fn hash(parts: &[Value]) -> String {
    let canonical =
        serde_json::to_string(&canonical(&Value::Array(parts.to_vec()))).unwrap_or_default();
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// `value` with object keys in sorted order, whatever map type `serde_json` was built with.
pub(crate) fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), canonical(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn without_volatile(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !is_volatile_field(k))
                .map(|(k, v)| (k.clone(), without_volatile(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_volatile).collect()),
        other => other.clone(),
    }
}

fn normalised_body(body: &Body) -> Value {
    let normalised = match body {
        Body::Json(value) => Body::Json(without_volatile(value)),
        Body::Multipart(multipart) => {
            let mut multipart = multipart.clone();
            multipart.payload_json = multipart.payload_json.as_ref().map(without_volatile);
            multipart.fields.retain(|k, _| !is_volatile_field(k));
            Body::Multipart(multipart)
        }
        Body::Text(text) => Body::Text(text.trim().to_owned()),
        other => other.clone(),
    };
    canonical(&serde_json::to_value(&normalised).unwrap_or(Value::Null))
}

fn flatten_value(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten_value(&format!("{prefix}.{k}"), v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                flatten_value(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::Null if prefix == "body" => {}
        leaf => {
            out.insert(prefix.to_owned(), leaf.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(body: Value) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: "/api/v10/channels/1/messages".into(),
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
            body: Some(Body::Json(body)),
        }
    }

    #[test]
    fn key_ignores_key_order_nonce_and_timestamps() {
        let a = Identity::of(&request(
            json!({"content": "x", "nonce": "1", "embeds": [{"title": "t", "timestamp": "2020-01-01T00:00:00Z"}]}),
        ));
        let b = Identity::of(&request(
            json!({"embeds": [{"timestamp": "2030-01-01T00:00:00Z", "title": "t"}], "nonce": "2", "content": "x"}),
        ));
        assert_eq!(a.key(), b.key());
        let c = Identity::of(&request(json!({"content": "y"})));
        assert_ne!(a.key(), c.key());
    }

    #[test]
    fn api_version_does_not_change_the_key() {
        let mut a = request(json!({}));
        let b = a.clone();
        a.path = "/api/v9/channels/1/messages".into();
        assert_eq!(Identity::of(&a).key(), Identity::of(&b).key());
    }

    #[test]
    fn fuzzy_key_ignores_path_ids() {
        let a = request(json!({"content": "x"}));
        let mut b = a.clone();
        b.path = "/api/v10/channels/2/messages".into();
        assert_ne!(Identity::of(&a).key(), Identity::of(&b).key());
        assert_eq!(Identity::of(&a).fuzzy_key(), Identity::of(&b).fuzzy_key());
    }

    #[test]
    fn flatten_names_nested_fields() {
        let flat = Identity::of(&request(json!({"embeds": [{"title": "t"}]}))).flatten();
        assert_eq!(
            flat.get("body.json.embeds[0].title").map(String::as_str),
            Some("\"t\"")
        );
        assert_eq!(
            flat.get("operation").map(String::as_str),
            Some("POST /channels/{channel_id}/messages")
        );
    }
}

//! Redaction: what must never reach a cassette, applied before hashing and saving.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use super::operation::{
    INTERACTION_TOKEN_PLACEHOLDER, WEBHOOK_TOKEN_PLACEHOLDER, is_id_segment, is_token_segment,
};

/// What a scrubbed secret is replaced with.
pub const SECRET_PLACEHOLDER: &str = "{redacted}";
/// What the value of a JSON field named `token` is replaced with.
pub const TOKEN_FIELD_PLACEHOLDER: &str = "{token}";

/// Tokens learned from traffic shorter than this are not scrubbed from bodies (a short test
/// token would otherwise mangle unrelated text); they are still cut out of paths.
const MIN_LEARNED_SECRET_LEN: usize = 8;

/// The secrets to scrub: configured ones and those learned from `Authorization` headers and
/// webhook paths.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    configured: BTreeSet<String>,
    learned: BTreeSet<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("configured", &self.configured.len())
            .field("learned", &self.learned.len())
            .finish()
    }
}

impl Redactor {
    /// Adds a secret that must never be recorded (empty strings are ignored).
    pub(crate) fn add_secret(&mut self, secret: impl Into<String>) {
        let secret = secret.into();
        if !secret.is_empty() {
            self.configured.insert(secret);
        }
    }

    fn learn(&mut self, secret: &str) {
        if secret.len() >= MIN_LEARNED_SECRET_LEN && !secret.starts_with('{') {
            self.learned.insert(secret.to_owned());
        }
    }

    /// Learns the token of an `Authorization` header (`Bot x`, `Bearer x` or bare).
    pub(crate) fn learn_authorization(&mut self, value: &str) {
        let token = value
            .split_once(' ')
            .map_or(value, |(_, token)| token)
            .trim();
        self.learn(token);
    }

    /// Every secret a saved cassette must not contain.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        self.configured
            .iter()
            .chain(&self.learned)
            .map(String::as_str)
    }

    /// Replaces webhook and interaction tokens in `path` with placeholders (learning them),
    /// then scrubs every known secret from what is left.
    pub(crate) fn redact_path(&mut self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let mut out: Vec<String> = Vec::with_capacity(segments.len());
        for (i, segment) in segments.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| segments[j]);
            let prev2 = i.checked_sub(2).map(|j| segments[j]);
            let placeholder = match (prev2, prev) {
                (Some("webhooks"), Some(id)) if is_id_segment(id) && is_token_segment(segment) => {
                    Some(WEBHOOK_TOKEN_PLACEHOLDER)
                }
                (Some("interactions"), Some(id))
                    if is_id_segment(id) && !matches!(*segment, "" | "callback") =>
                {
                    Some(INTERACTION_TOKEN_PLACEHOLDER)
                }
                _ => None,
            };
            match placeholder {
                Some(_) if segment.starts_with('{') => out.push((*segment).to_owned()),
                Some(p) => {
                    self.learn(segment);
                    out.push(p.to_owned());
                }
                None => out.push((*segment).to_owned()),
            }
        }
        self.scrub_str(&out.join("/"))
    }

    /// `text` with every known secret replaced by [`SECRET_PLACEHOLDER`].
    pub(crate) fn scrub_str(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets() {
            if out.contains(secret) {
                out = out.replace(secret, SECRET_PLACEHOLDER);
            }
        }
        out
    }

    /// Scrubs secrets from every string and key in `value`, and replaces the value of any
    /// field named `token` (webhook objects carry theirs).
    pub(crate) fn scrub_value(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.scrub_str(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_value(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    if key == "token" && v.is_string() {
                        v = Value::String(TOKEN_FIELD_PLACEHOLDER.to_owned());
                    } else {
                        self.scrub_value(&mut v);
                    }
                    map.insert(self.scrub_str(&key), v);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_token_in_path_becomes_a_placeholder_and_is_learned() {
        let mut redactor = Redactor::default();
        let path = redactor.redact_path("/api/v10/webhooks/123/abcdefghijklmnop/messages/9");
        assert_eq!(path, "/api/v10/webhooks/123/{webhook_token}/messages/9");
        assert_eq!(
            redactor.scrub_str("see abcdefghijklmnop here"),
            "see {redacted} here"
        );
    }

    #[test]
    fn webhook_sub_resources_are_not_tokens() {
        let mut redactor = Redactor::default();
        assert_eq!(
            redactor.redact_path("/api/v10/webhooks/123/messages"),
            "/api/v10/webhooks/123/messages"
        );
    }

    #[test]
    fn configured_secrets_and_token_fields_are_scrubbed_from_json() {
        let mut redactor = Redactor::default();
        redactor.add_secret("hunter2");
        let mut value = serde_json::json!({
            "content": "pw is hunter2",
            "token": "anything",
            "nested": [{"hunter2": 1}]
        });
        redactor.scrub_value(&mut value);
        assert_eq!(
            value,
            serde_json::json!({
                "content": "pw is {redacted}",
                "token": "{token}",
                "nested": [{"{redacted}": 1}]
            })
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut redactor = Redactor::default();
        redactor.add_secret("hunter2");
        redactor.learn_authorization("Bot my-long-bot-token");
        let debug = format!("{redactor:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("my-long-bot-token"));
    }
}

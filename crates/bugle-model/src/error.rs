//! Discord's error bodies: [`ApiError`] (with the 50035 field-error tree
//! flattened into [`FieldError`]s), [`JsonErrorCode`] and the 429 body
//! [`RateLimitedBody`].

mod code;

pub use code::JsonErrorCode;

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON body of a failed request: `{"code", "message", "errors"?}`.
///
/// Parsing is lenient: missing `code` or `message` default to `0` and `""`,
/// and `errors` is kept as raw JSON whatever its shape, so an odd 50035
/// never fails to parse. Read it with [`field_errors`](Self::field_errors).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub struct ApiError {
    /// The JSON error code (not the HTTP status).
    #[serde(default)]
    pub code: JsonErrorCode,
    /// Discord's message, e.g. `"Invalid Form Body"`.
    #[serde(default)]
    pub message: String,
    /// For 50035: a tree mirroring the request, with `_errors` leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Value>,
}

impl ApiError {
    /// Whether this is 50035, invalid form body.
    pub fn is_invalid_form_body(&self) -> bool {
        self.code == JsonErrorCode::INVALID_FORM_BODY
    }

    /// Every error in the `errors` tree, with its field path.
    ///
    /// Object keys join with `.`, array positions (numeric keys) become
    /// `[n]`, so `{"embeds": {"0": {"fields": {"3": {"value": {"_errors":
    /// [...]}}}}}}` gives the path `embeds[0].fields[3].value`. Errors about
    /// the request as a whole (top-level `_errors`) get the path `""`.
    /// Siblings come in a fixed order: `_errors` first, then keys with
    /// numeric keys in numeric order. Shapes the docs do not describe are
    /// read as well as they can be and never cause a failure.
    pub fn field_errors(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if let Some(tree) = &self.errors {
            flatten(tree, &mut String::new(), &mut out);
        }
        out
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Discord's generic answers carry code 0 (GENERAL_ERROR), which names
        // no error.
        if self.code == JsonErrorCode::GENERAL_ERROR {
            write!(f, "discord error: {}", self.message)?;
        } else {
            write!(f, "discord error {}: {}", self.code, self.message)?;
        }
        let fields = self.field_errors();
        for (i, field) in fields.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { "; " })?;
            write!(f, "{field}")?;
        }
        if !fields.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One entry of a flattened 50035 error tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    /// The field, e.g. `embeds[0].fields[3].value`; `""` for the request.
    pub path: String,
    /// Discord's string code, e.g. `BASE_TYPE_MAX_LENGTH` (may be empty).
    pub code: String,
    /// Discord's message for it.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "request"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)?;
        if !self.code.is_empty() {
            write!(f, " [{}]", self.code)?;
        }
        Ok(())
    }
}

fn is_index(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit())
}

fn push_segment(path: &mut String, key: &str) {
    if is_index(key) {
        path.push('[');
        path.push_str(key);
        path.push(']');
    } else {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    }
}

/// Orders keys: `_errors` first, numeric keys by value, then the rest by name.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |k: &str| match k {
        "_errors" => 0,
        k if is_index(k) => 1,
        _ => 2,
    };
    rank(a).cmp(&rank(b)).then_with(|| {
        if is_index(a) && is_index(b) {
            // Compare by length first so "10" comes after "9" whatever the size.
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        } else {
            a.cmp(b)
        }
    })
}

fn flatten(node: &Value, path: &mut String, out: &mut Vec<FieldError>) {
    match node {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| key_order(a, b));
            for key in keys {
                let child = &map[key.as_str()];
                if key == "_errors" {
                    leaf_errors(child, path, out);
                } else {
                    let len = path.len();
                    push_segment(path, key);
                    flatten(child, path, out);
                    path.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                push_segment(path, &i.to_string());
                flatten(item, path, out);
                path.truncate(len);
            }
        }
        Value::Null => {}
        other => out.push(FieldError {
            path: path.clone(),
            code: String::new(),
            message: scalar_text(other),
        }),
    }
}

/// Reads an `_errors` value: normally `[{"code", "message"}, ...]`.
fn leaf_errors(node: &Value, path: &str, out: &mut Vec<FieldError>) {
    let one = |item: &Value| match item {
        Value::Object(map) => FieldError {
            path: path.to_owned(),
            code: map.get("code").map(scalar_text).unwrap_or_default(),
            message: map.get("message").map(scalar_text).unwrap_or_default(),
        },
        other => FieldError {
            path: path.to_owned(),
            code: String::new(),
            message: scalar_text(other),
        },
    };
    match node {
        Value::Array(items) => out.extend(items.iter().filter(|item| !item.is_null()).map(one)),
        Value::Null => {}
        other => out.push(one(other)),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The body of a 429 response.
///
/// Prefer the `Retry-After` and `X-RateLimit-Scope` headers where present;
/// this body carries the same wait with millisecond precision.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitedBody {
    /// Discord's message, e.g. `"You are being rate limited."`.
    #[serde(default)]
    pub message: String,
    /// Seconds to wait before trying again.
    pub retry_after: f64,
    /// Whether the global limit (not a route's) was hit.
    #[serde(default)]
    pub global: bool,
    /// A JSON error code, when Discord gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
}

impl RateLimitedBody {
    /// `retry_after` as a duration; negative, NaN or absurd values (over a
    /// day) are clamped to zero and one day.
    pub fn retry_after_duration(&self) -> Duration {
        const ONE_DAY: f64 = 86_400.0;
        if self.retry_after.is_nan() || self.retry_after <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(self.retry_after.min(ONE_DAY))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(errors: Value) -> Vec<String> {
        let error = ApiError {
            code: JsonErrorCode::INVALID_FORM_BODY,
            message: String::new(),
            errors: Some(errors),
        };
        error.field_errors().into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn numeric_keys_sort_numerically() {
        let leaf = json!({"_errors": [{"code": "X", "message": "m"}]});
        let tree = json!({"embeds": {"10": leaf.clone(), "9": leaf.clone(), "0": leaf}});
        assert_eq!(paths(tree), ["embeds[0]", "embeds[9]", "embeds[10]"]);
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        let tree = json!({
            "content": "plain string",
            "nested": [{"_errors": {"code": 7, "message": "object not array"}}],
            "_errors": ["bare string", null, 3],
            "nothing": null
        });
        let error = ApiError {
            errors: Some(tree),
            ..ApiError::default()
        };
        let got: Vec<_> = error
            .field_errors()
            .into_iter()
            .map(|e| (e.path, e.code, e.message))
            .collect();
        let s = String::from;
        assert_eq!(
            got,
            [
                (s(""), s(""), s("bare string")),
                (s(""), s(""), s("3")),
                (s("content"), s(""), s("plain string")),
                (s("nested[0]"), s("7"), s("object not array")),
            ]
        );
    }

    #[test]
    fn display_lists_field_errors() {
        let error: ApiError = serde_json::from_value(json!({
            "code": 50035,
            "message": "Invalid Form Body",
            "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}
        }))
        .unwrap();
        assert_eq!(
            error.to_string(),
            "discord error 50035: Invalid Form Body (content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH])"
        );
    }

    #[test]
    fn display_prints_no_zero_code() {
        for body in [
            json!({"code": 0, "message": "401: Unauthorized"}),
            json!({"message": "401: Unauthorized"}),
        ] {
            let error: ApiError = serde_json::from_value(body).unwrap();
            assert_eq!(error.to_string(), "discord error: 401: Unauthorized");
        }
    }

    #[test]
    fn missing_code_and_message_default() {
        let error: ApiError = serde_json::from_str("{}").unwrap();
        assert_eq!(error.code, JsonErrorCode::GENERAL_ERROR);
        assert!(error.field_errors().is_empty());
    }

    #[test]
    fn retry_after_duration_is_clamped() {
        let body = |retry_after| RateLimitedBody {
            retry_after,
            ..RateLimitedBody::default()
        };
        assert_eq!(body(0.5).retry_after_duration(), Duration::from_millis(500));
        assert_eq!(body(-1.0).retry_after_duration(), Duration::ZERO);
        assert_eq!(body(f64::NAN).retry_after_duration(), Duration::ZERO);
        assert_eq!(
            body(1e12).retry_after_duration(),
            Duration::from_secs(86_400)
        );
    }
}

//! Discord's JSON error body: `{"code", "message", "errors"}`, and its
//! per-field errors flattened into [`FieldError`]s.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// One field Discord rejected in a 50035 "invalid form body" answer.
///
/// ```text
/// {"errors": {"embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "…"}]}}}}}
/// ```
/// becomes a `FieldError` with path `embeds[0].title`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where in the request, e.g. `embeds[0].title`; empty for an error about
    /// the request as a whole.
    pub path: String,
    /// Discord's string code, e.g. `BASE_TYPE_MAX_LENGTH`.
    pub code: String,
    /// Discord's explanation.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// The error body Discord sends with 4xx and most 5xx answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiErrorBody {
    /// The JSON error code (0 for a general error).
    pub(crate) code: Option<u32>,
    /// The human-readable message.
    pub(crate) message: String,
    /// The flattened `errors` tree.
    pub(crate) field_errors: Vec<FieldError>,
    /// `retry_after` in seconds, on 429 bodies.
    pub(crate) retry_after: Option<f64>,
    /// `global`, on 429 bodies.
    pub(crate) global: bool,
}

#[derive(Deserialize)]
struct RawBody {
    #[serde(default)]
    code: Option<u32>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Option<Value>,
    #[serde(default)]
    retry_after: Option<f64>,
    #[serde(default)]
    global: Option<bool>,
}

/// Discord's messages are short; anything longer is not an error body we know.
const MAX_MESSAGE_CHARS: usize = 500;

impl ApiErrorBody {
    /// Parses `body`; `None` when it is not a JSON object of Discord's shape
    /// (e.g. an HTML page from a proxy).
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        let raw: RawBody = serde_json::from_slice(body).ok()?;
        let mut field_errors = Vec::new();
        if let Some(errors) = &raw.errors {
            flatten(errors, &mut String::new(), &mut field_errors);
        }
        let message = raw
            .message
            .unwrap_or_default()
            .chars()
            .take(MAX_MESSAGE_CHARS)
            .collect();
        Some(Self {
            code: raw.code,
            message,
            field_errors,
            retry_after: raw.retry_after,
            global: raw.global.unwrap_or(false),
        })
    }
}

/// Walks the `errors` tree depth first, appending one [`FieldError`] per
/// entry of every `_errors` array. Object keys become `.name` path parts and
/// numeric keys (array positions) become `[n]`, in numeric order.
fn flatten(node: &Value, path: &mut String, out: &mut Vec<FieldError>) {
    let Value::Object(map) = node else {
        return;
    };
    if let Some(Value::Array(errors)) = map.get("_errors") {
        for error in errors {
            out.push(FieldError {
                path: path.clone(),
                code: text(error.get("code")),
                message: text(error.get("message")),
            });
        }
    }
    let mut children: Vec<(&String, &Value)> =
        map.iter().filter(|(key, _)| *key != "_errors").collect();
    children.sort_by_key(|(key, _)| (key.parse::<u64>().ok(), key.as_str()));
    for (key, child) in children {
        let length = path.len();
        if key.bytes().all(|b| b.is_ascii_digit()) && !key.is_empty() {
            path.push('[');
            path.push_str(key);
            path.push(']');
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        }
        flatten(child, path, out);
        path.truncate(length);
    }
}

/// A JSON string or number as text; empty when absent.
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_form_errors_flatten_to_paths() {
        let body = br#"{
            "code": 50035,
            "message": "Invalid Form Body",
            "errors": {
                "_errors": [{"code": "REQUEST_LEVEL", "message": "Bad."}],
                "embeds": {
                    "10": {"title": {"_errors": [{"code": "B", "message": "ten"}]}},
                    "2": {"fields": {"0": {"name": {"_errors": [{"code": "A", "message": "two"}]}}}}
                },
                "content": {"_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
                ]}
            }
        }"#;
        let parsed = ApiErrorBody::parse(body).expect("parses");
        assert_eq!(parsed.code, Some(50035));
        assert_eq!(parsed.message, "Invalid Form Body");
        let paths: Vec<&str> = parsed
            .field_errors
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "",
                "content",
                "embeds[2].fields[0].name",
                "embeds[10].title"
            ]
        );
        assert_eq!(parsed.field_errors[1].code, "BASE_TYPE_MAX_LENGTH");
        assert_eq!(
            parsed.field_errors[2].to_string(),
            "embeds[2].fields[0].name: two (A)"
        );
        assert_eq!(parsed.field_errors[0].to_string(), "Bad. (REQUEST_LEVEL)");
    }

    #[test]
    fn rate_limit_body_parses() {
        let body = br#"{"message": "You are being rate limited.", "retry_after": 0.52, "global": true, "code": 0}"#;
        let parsed = ApiErrorBody::parse(body).expect("parses");
        assert_eq!(parsed.retry_after, Some(0.52));
        assert!(parsed.global);
        assert_eq!(parsed.code, Some(0));
    }

    #[test]
    fn non_json_is_not_an_error_body() {
        assert_eq!(ApiErrorBody::parse(b"<html>bad gateway</html>"), None);
        assert_eq!(ApiErrorBody::parse(b"[1, 2]"), None);
    }

    #[test]
    fn overlong_messages_are_cut() {
        let body = format!(r#"{{"code": 0, "message": "{}"}}"#, "x".repeat(2000));
        let parsed = ApiErrorBody::parse(body.as_bytes()).expect("parses");
        assert_eq!(parsed.message.chars().count(), MAX_MESSAGE_CHARS);
    }
}

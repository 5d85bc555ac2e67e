//! Turning a non-success Discord answer into an [`ErrorKind`].

use std::time::Duration;

use bugle_model::error::{ApiError, JsonErrorCode, RateLimitedBody};
use http::{HeaderMap, StatusCode};
use serde::Deserialize as _;
use serde_json::Value;

use super::{DiscordError, ErrorKind, FieldError};

/// Used when a 429 carries neither a `retry_after` body field nor a
/// `Retry-After` header (Discord always sends one; a proxy might not).
const FALLBACK_RETRY_AFTER: Duration = Duration::from_secs(1);

/// The longest `retry_after` taken at face value; a larger or malformed value
/// is clamped so a broken answer cannot produce a wait of centuries.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Discord's messages are short; a longer one is cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// What an error answer's body says, read with the model's [`ApiError`] (code,
/// message, the 50035 field errors) and [`RateLimitedBody`] (a 429's wait).
struct ErrorBody {
    /// The JSON error code, when the body has one other than `0`.
    code: Option<JsonErrorCode>,
    /// Discord's message, at most [`MAX_MESSAGE_CHARS`] characters.
    message: String,
    /// The flattened `errors` tree.
    field_errors: Vec<FieldError>,
    /// A 429 body's `retry_after` and `global`.
    rate_limit: Option<RateLimitedBody>,
}

impl ErrorBody {
    /// Parses `body`; `None` unless it is a JSON object of Discord's error
    /// shape (not, say, an HTML page from a proxy).
    fn parse(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        if !value.is_object() {
            return None;
        }
        let api = ApiError::deserialize(&value).ok()?;
        Some(Self {
            // Discord's generic answers (a bare 401 or 404) carry `"code": 0`,
            // which names no error: it is reported as no code at all.
            code: value
                .get("code")
                .map(|_| api.code)
                .filter(|code| *code != JsonErrorCode::GENERAL_ERROR),
            message: api.message.chars().take(MAX_MESSAGE_CHARS).collect(),
            field_errors: api.field_errors(),
            rate_limit: RateLimitedBody::deserialize(&value).ok(),
        })
    }
}

impl DiscordError {
    /// The error a Discord answer stands for, or `None` for a success
    /// (1xx, 2xx or 3xx) status.
    ///
    /// 429 becomes [`ErrorKind::RateLimited`] (the wait from the body's
    /// `retry_after`, else the `Retry-After` header), 401/403/404 their own
    /// kinds, 5xx [`ErrorKind::ServerError`], and every other status
    /// [`ErrorKind::BadRequest`] with Discord's code, message and field errors.
    ///
    /// Whether a 429 is a ban (a Cloudflare page rather than Discord's
    /// answer) is the rate limiter's call, not this function's: the client
    /// reports a 429 the limiter took for a ban as [`ErrorKind::Banned`].
    ///
    /// ```
    /// use bugle::{DiscordError, ErrorKind, JsonErrorCode};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let body = br#"{"code": 10003, "message": "Unknown Channel"}"#;
    /// let error = DiscordError::from_response(StatusCode::NOT_FOUND, &HeaderMap::new(), body)
    ///     .expect("404 is an error");
    /// assert_eq!(error.discord_code(), Some(JsonErrorCode::UNKNOWN_CHANNEL));
    /// assert!(matches!(error.kind(), ErrorKind::NotFound { .. }));
    /// ```
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        if !(status.is_client_error() || status.is_server_error()) {
            return None;
        }
        let parsed = ErrorBody::parse(body);
        let code = parsed.as_ref().and_then(|body| body.code);
        let message = parsed
            .as_ref()
            .map(|body| body.message.clone())
            .filter(|message| !message.is_empty())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
        let kind = match status.as_u16() {
            429 => ErrorKind::RateLimited {
                retry_after: retry_after(parsed.as_ref(), headers),
                global: parsed
                    .as_ref()
                    .and_then(|body| body.rate_limit.as_ref())
                    .is_some_and(|body| body.global)
                    || header_is(headers, "x-ratelimit-global", "true")
                    || header_is(headers, "x-ratelimit-scope", "global"),
            },
            401 => ErrorKind::Unauthorized { code },
            403 => ErrorKind::Forbidden { code, message },
            404 => ErrorKind::NotFound { code, message },
            500..=599 => ErrorKind::ServerError {
                status: status.as_u16(),
            },
            other => ErrorKind::BadRequest {
                status: other,
                code,
                message,
                field_errors: parsed.map(|body| body.field_errors).unwrap_or_default(),
            },
        };
        Some(Self::new(kind))
    }
}

/// The wait a 429 asks for: the body's fractional `retry_after`, else the
/// `Retry-After` header, else [`FALLBACK_RETRY_AFTER`].
fn retry_after(body: Option<&ErrorBody>, headers: &HeaderMap) -> Duration {
    let seconds = body
        .and_then(|body| body.rate_limit.as_ref())
        .map(|body| body.retry_after)
        .or_else(|| {
            headers
                .get(http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<f64>().ok())
        });
    match seconds {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Duration::try_from_secs_f64(seconds)
                .unwrap_or(MAX_RETRY_AFTER)
                .min(MAX_RETRY_AFTER)
        }
        _ => FALLBACK_RETRY_AFTER,
    }
}

fn header_is(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case(expected))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn classify(status: u16, body: &str) -> ErrorKind {
        classify_with(status, &HeaderMap::new(), body)
    }

    fn classify_with(status: u16, headers: &HeaderMap, body: &str) -> ErrorKind {
        DiscordError::from_response(
            StatusCode::from_u16(status).expect("status"),
            headers,
            body.as_bytes(),
        )
        .expect("an error status")
        .into_kind()
    }

    #[test]
    fn success_statuses_are_not_errors() {
        for status in [200, 201, 204, 304] {
            let status = StatusCode::from_u16(status).expect("status");
            assert!(DiscordError::from_response(status, &HeaderMap::new(), b"").is_none());
        }
    }

    #[test]
    fn rate_limit_uses_the_body_wait_and_global_flag() {
        let kind = classify(
            429,
            r#"{"message": "limited", "retry_after": 1.25, "global": true}"#,
        );
        assert_eq!(
            kind,
            ErrorKind::RateLimited {
                retry_after: Duration::from_millis(1250),
                global: true
            }
        );
    }

    #[test]
    fn rate_limit_falls_back_to_the_header_then_to_one_second() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        headers.insert("x-ratelimit-scope", HeaderValue::from_static("global"));
        assert_eq!(
            classify_with(429, &headers, "<html></html>"),
            ErrorKind::RateLimited {
                retry_after: Duration::from_secs(3),
                global: true
            }
        );
        assert_eq!(
            classify(429, ""),
            ErrorKind::RateLimited {
                retry_after: FALLBACK_RETRY_AFTER,
                global: false
            }
        );
    }

    #[test]
    fn absurd_or_negative_waits_are_bounded() {
        let ErrorKind::RateLimited { retry_after, .. } = classify(429, r#"{"retry_after": 1e300}"#)
        else {
            panic!("not rate limited");
        };
        assert_eq!(retry_after, MAX_RETRY_AFTER);
        let ErrorKind::RateLimited { retry_after, .. } = classify(429, r#"{"retry_after": -5}"#)
        else {
            panic!("not rate limited");
        };
        assert_eq!(retry_after, FALLBACK_RETRY_AFTER);
    }

    #[test]
    fn auth_permission_and_missing_resources_have_their_kinds() {
        assert_eq!(
            classify(
                401,
                r#"{"code": 50027, "message": "Invalid Webhook Token"}"#
            ),
            ErrorKind::Unauthorized {
                code: Some(JsonErrorCode::INVALID_WEBHOOK_TOKEN)
            }
        );
        assert_eq!(
            classify(403, r#"{"code": 50013, "message": "Missing Permissions"}"#),
            ErrorKind::Forbidden {
                code: Some(JsonErrorCode::MISSING_PERMISSIONS),
                message: "Missing Permissions".into()
            }
        );
        assert_eq!(
            classify(404, ""),
            ErrorKind::NotFound {
                code: None,
                message: "Not Found".into()
            }
        );
    }

    #[test]
    fn server_errors_keep_their_status() {
        for status in [500, 502, 503, 504] {
            assert_eq!(classify(status, "oops"), ErrorKind::ServerError { status });
        }
    }

    #[test]
    fn other_client_errors_are_bad_requests_with_field_errors() {
        let kind = classify(
            400,
            r#"{"code": 50035, "message": "Invalid Form Body",
                "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Too long."}]}}}"#,
        );
        let ErrorKind::BadRequest {
            status,
            code,
            message,
            field_errors,
        } = kind
        else {
            panic!("not a bad request");
        };
        assert_eq!(
            (status, code),
            (400, Some(JsonErrorCode::INVALID_FORM_BODY))
        );
        assert_eq!(message, "Invalid Form Body");
        assert_eq!(field_errors.len(), 1);
        assert_eq!(field_errors[0].path, "content");
        assert!(matches!(
            classify(413, ""),
            ErrorKind::BadRequest {
                status: 413,
                code: None,
                ..
            }
        ));
    }

    #[test]
    fn nested_form_errors_flatten_to_paths() {
        let body = r#"{
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
        let ErrorKind::BadRequest {
            code,
            message,
            field_errors,
            ..
        } = classify(400, body)
        else {
            panic!("not a bad request");
        };
        assert_eq!(code, Some(JsonErrorCode::INVALID_FORM_BODY));
        assert_eq!(message, "Invalid Form Body");
        let paths: Vec<&str> = field_errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "",
                "content",
                "embeds[2].fields[0].name",
                "embeds[10].title"
            ]
        );
        assert_eq!(field_errors[1].code, "BASE_TYPE_MAX_LENGTH");
        assert_eq!(
            field_errors[2].to_string(),
            "embeds[2].fields[0].name: two [A]"
        );
        assert_eq!(field_errors[0].to_string(), "request: Bad. [REQUEST_LEVEL]");
    }

    #[test]
    fn a_body_without_a_code_has_none() {
        assert_eq!(
            classify(403, r#"{"message": "Forbidden by the proxy"}"#),
            ErrorKind::Forbidden {
                code: None,
                message: "Forbidden by the proxy".into()
            }
        );
        assert_eq!(
            classify(404, r#"{"message": "404: Not Found", "code": 0}"#),
            ErrorKind::NotFound {
                code: None,
                message: "404: Not Found".into()
            }
        );
    }

    #[test]
    fn bodies_that_are_not_json_objects_are_not_read() {
        for body in ["<html>bad gateway</html>", "[1, 2]", r#"["x", "y"]"#] {
            assert_eq!(
                classify(403, body),
                ErrorKind::Forbidden {
                    code: None,
                    message: "Forbidden".into()
                },
                "{body}"
            );
        }
    }

    #[test]
    fn overlong_messages_are_cut() {
        let body = format!(r#"{{"code": 0, "message": "{}"}}"#, "x".repeat(2000));
        let ErrorKind::Forbidden { message, .. } = classify(403, &body) else {
            panic!("not forbidden");
        };
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
    }
}

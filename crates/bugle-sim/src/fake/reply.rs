//! A response under construction, and Discord's error bodies.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

/// What the fake answers: a status, a body and extra headers.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: ReplyBody,
    pub(crate) headers: Vec<(HeaderName, String)>,
}

/// A response body.
#[derive(Debug, Clone)]
pub(crate) enum ReplyBody {
    /// No body (204).
    Empty,
    /// A JSON document.
    Json(Value),
    /// A JSON document already encoded.
    EncodedJson(Bytes),
    /// An HTML page (Cloudflare-style errors).
    Html(String),
}

/// Handlers return their success or their error reply; both are sent as they are.
pub(crate) type HandlerResult = Result<Reply, Reply>;

impl Reply {
    /// A JSON reply.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: ReplyBody::Json(body),
            headers: Vec::new(),
        }
    }

    /// A JSON reply whose body is already encoded.
    pub(crate) fn encoded_json(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            body: ReplyBody::EncodedJson(Bytes::from(body)),
            headers: Vec::new(),
        }
    }

    /// 204 No Content.
    pub(crate) fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: ReplyBody::Empty,
            headers: Vec::new(),
        }
    }

    /// An HTML reply.
    pub(crate) fn html(status: StatusCode, page: String) -> Self {
        Self {
            status,
            body: ReplyBody::Html(page),
            headers: Vec::new(),
        }
    }

    /// Discord's error body: `{"message": ..., "code": ...}`.
    pub(crate) fn error(status: StatusCode, code: u64, message: &str) -> Self {
        Self::json(status, json!({ "message": message, "code": code }))
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Turns the reply into an HTTP response.
    pub(crate) fn into_response(self) -> http::Response<Bytes> {
        let (content_type, body) = match self.body {
            ReplyBody::Empty => (None, Bytes::new()),
            ReplyBody::Json(value) => (
                Some("application/json"),
                Bytes::from(serde_json::to_vec(&value).unwrap_or_default()),
            ),
            ReplyBody::EncodedJson(body) => (Some("application/json"), body),
            ReplyBody::Html(page) => (Some("text/html; charset=UTF-8"), Bytes::from(page)),
        };
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(content_type) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(name, value);
            }
        }
        response
    }
}

/// Discord's generic 401 for a missing or wrong bot token.
pub(crate) fn unauthorized() -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
}

/// Discord's generic 404 for a path no route has.
pub(crate) fn not_found() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 0, "404: Not Found")
}

/// Discord's generic 405.
pub(crate) fn method_not_allowed() -> Reply {
    Reply::error(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed")
}

/// 10003 Unknown Channel.
pub(crate) fn unknown_channel() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 10003, "Unknown Channel")
}

/// 10008 Unknown Message.
pub(crate) fn unknown_message() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message")
}

/// 10013 Unknown User.
pub(crate) fn unknown_user() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 10013, "Unknown User")
}

/// 10014 Unknown Emoji.
pub(crate) fn unknown_emoji() -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, 10014, "Unknown Emoji")
}

/// 10015 Unknown Webhook.
pub(crate) fn unknown_webhook() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook")
}

/// 50027 Invalid Webhook Token.
pub(crate) fn invalid_webhook_token() -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, 50027, "Invalid Webhook Token")
}

/// 50006 Cannot send an empty message.
pub(crate) fn empty_message() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        50006,
        "Cannot send an empty message",
    )
}

/// 50109 The request body contains invalid JSON.
pub(crate) fn invalid_json() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        50109,
        "The request body contains invalid JSON.",
    )
}

/// 50024 Cannot execute action on this channel type.
pub(crate) fn wrong_channel_type() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        50024,
        "Cannot execute action on this channel type",
    )
}

/// 50041 Invalid API version provided.
pub(crate) fn invalid_api_version() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        50041,
        "Invalid API version provided",
    )
}

/// 40005 Request entity too large.
pub(crate) fn entity_too_large() -> Reply {
    Reply::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        40005,
        "Request entity too large",
    )
}

//! A deliberately small hand-built Discord client: bugle-model bodies serialised with
//! `serde_json` (or as `multipart/form-data` when they carry files), sent as
//! `http::Request<Bytes>` through any [`Transport`].
//!
//! bugle-sim's end-to-end tests drive `FakeDiscord` with it (bugle-sim cannot depend on the
//! facade's `DiscordClient`, which is what records the fixture cassettes); it has no retry or
//! rate-limit logic beyond [`Client::send_retrying`].

use std::fmt;
use std::time::Duration;

use bugle_model::request::{
    CreateDm, CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage, EditMessage,
    EditWebhookMessage, EditWebhookMessageQuery, ExecuteWebhook, ExecuteWebhookQuery, RequestBody,
};
use bugle_transport::{Transport, TransportError, TransportRequest};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;

use crate::constants::{BOT_TOKEN, BOUNDARY, USER_AGENT};

/// What can go wrong while driving a scenario.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How many times [`Client::send_retrying`] sends one request at most.
const MAX_ATTEMPTS: usize = 3;
/// How long [`Client::send_retrying`] waits after a 5xx.
pub(crate) const SERVER_ERROR_BACKOFF: Duration = Duration::from_secs(1);

/// A response, split for inspection.
pub(crate) struct Reply {
    /// What the request was, e.g. `POST /channels/1/messages` (no token: webhook paths
    /// are not shown in full).
    pub(crate) what: String,
    /// The status.
    pub(crate) status: StatusCode,
    /// The headers.
    pub(crate) headers: HeaderMap,
    /// The body.
    pub(crate) body: Bytes,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("what", &self.what)
            .field("status", &self.status)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

impl Reply {
    /// The reply itself when its status is `expected`, an error naming both otherwise.
    pub(crate) fn expect(self, expected: StatusCode) -> Result<Self, BoxError> {
        if self.status == expected {
            return Ok(self);
        }
        Err(format!(
            "{} answered {}, expected {expected}: {}",
            self.what,
            self.status,
            String::from_utf8_lossy(&self.body)
        )
        .into())
    }

    /// The body decoded into a bugle-model type.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<T, BoxError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            format!(
                "the body of {} does not decode into {}: {e}",
                self.what,
                std::any::type_name::<T>()
            )
            .into()
        })
    }

    /// How long a 429 asks to wait: the body's `retry_after` (millisecond precision), else
    /// the `Retry-After` header.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        let from_body = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("retry_after").and_then(serde_json::Value::as_f64));
        let from_header = || {
            self.headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        from_body
            .or_else(from_header)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
    }
}

/// Who a request authenticates as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bot <token>`.
    Bot,
    /// No `Authorization` (webhook-token routes).
    None,
}

/// Sends hand-built Discord requests through a transport.
pub(crate) struct Client<'a> {
    transport: &'a dyn Transport,
    /// `scheme://host/api/v10`, without a trailing slash.
    base: String,
}

impl fmt::Debug for Client<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl<'a> Client<'a> {
    /// A client sending to `base` (e.g. `http://127.0.0.1:4000/api/v10`) through
    /// `transport`.
    pub(crate) fn new(transport: &'a dyn Transport, base: impl Into<String>) -> Self {
        Self {
            transport,
            base: base.into().trim_end_matches('/').to_owned(),
        }
    }

    /// A request for `path` (below the base, with any query), with `body` as JSON or
    /// multipart and the headers Discord expects.
    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        auth: Auth,
        body: Option<&dyn Body>,
    ) -> Result<TransportRequest, BoxError> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(http::header::USER_AGENT, USER_AGENT);
        if auth == Auth::Bot {
            builder = builder.header(http::header::AUTHORIZATION, format!("Bot {BOT_TOKEN}"));
        }
        let bytes = match body {
            None => Bytes::new(),
            Some(body) => {
                let (content_type, bytes) = body.encode()?;
                builder = builder.header(http::header::CONTENT_TYPE, content_type);
                bytes
            }
        };
        Ok(builder.body(bytes)?)
    }

    /// Sends `request` once.
    pub(crate) async fn send(&self, request: TransportRequest) -> Result<Reply, TransportError> {
        let what = describe(request.method(), request.uri().path());
        let response = self.transport.send(request).await?;
        let (parts, body) = response.into_parts();
        Ok(Reply {
            what,
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// Sends the request `make` builds, again after a 429 (waiting as long as it asks) or a
    /// 5xx (waiting [`SERVER_ERROR_BACKOFF`]), at most [`MAX_ATTEMPTS`] times. Returns every
    /// reply, the last one last.
    pub(crate) async fn send_retrying(
        &self,
        make: impl Fn() -> Result<TransportRequest, BoxError>,
    ) -> Result<Vec<Reply>, BoxError> {
        let mut replies = Vec::new();
        for _ in 0..MAX_ATTEMPTS {
            let reply = self.send(make()?).await?;
            let wait = if reply.status == StatusCode::TOO_MANY_REQUESTS {
                Some(reply.retry_after().unwrap_or(SERVER_ERROR_BACKOFF))
            } else if reply.status.is_server_error() {
                Some(SERVER_ERROR_BACKOFF)
            } else {
                None
            };
            replies.push(reply);
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => break,
            }
        }
        Ok(replies)
    }

    /// `POST /channels/{channel}/messages`.
    pub(crate) async fn create_message(
        &self,
        channel: u64,
        body: &CreateMessage,
    ) -> Result<Reply, BoxError> {
        let request = self.create_message_request(channel, body)?;
        Ok(self.send(request).await?)
    }

    /// The request [`create_message`](Self::create_message) sends.
    pub(crate) fn create_message_request(
        &self,
        channel: u64,
        body: &CreateMessage,
    ) -> Result<TransportRequest, BoxError> {
        let path = format!("/channels/{channel}/messages");
        self.request(Method::POST, &path, Auth::Bot, Some(body))
    }

    /// `PATCH /channels/{channel}/messages/{message}`.
    pub(crate) async fn edit_message(
        &self,
        channel: u64,
        message: u64,
        body: &EditMessage,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{channel}/messages/{message}");
        let request = self.request(Method::PATCH, &path, Auth::Bot, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `DELETE /channels/{channel}/messages/{message}`.
    pub(crate) async fn delete_message(
        &self,
        channel: u64,
        message: u64,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{channel}/messages/{message}");
        let request = self.request(Method::DELETE, &path, Auth::Bot, None)?;
        Ok(self.send(request).await?)
    }

    /// `PUT /channels/{channel}/messages/{message}/reactions/{emoji}/@me`, where `emoji` is
    /// a path segment from [`unicode_emoji`] or [`custom_emoji`].
    pub(crate) async fn add_reaction(
        &self,
        channel: u64,
        message: u64,
        emoji: &str,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{channel}/messages/{message}/reactions/{emoji}/@me");
        let request = self.request(Method::PUT, &path, Auth::Bot, None)?;
        Ok(self.send(request).await?)
    }

    /// `POST /channels/{channel}/messages/{message}/threads`.
    pub(crate) async fn create_thread_from_message(
        &self,
        channel: u64,
        message: u64,
        body: &CreateThreadFromMessage,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{channel}/messages/{message}/threads");
        let request = self.request(Method::POST, &path, Auth::Bot, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `POST /channels/{channel}/threads` without a message.
    pub(crate) async fn create_thread(
        &self,
        channel: u64,
        body: &CreateThread,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{channel}/threads");
        let request = self.request(Method::POST, &path, Auth::Bot, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `POST /channels/{forum}/threads` with a starter message (a forum post).
    pub(crate) async fn create_forum_thread(
        &self,
        forum: u64,
        body: &CreateForumThread,
    ) -> Result<Reply, BoxError> {
        let path = format!("/channels/{forum}/threads");
        let request = self.request(Method::POST, &path, Auth::Bot, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `POST /users/@me/channels`.
    pub(crate) async fn create_dm(&self, body: &CreateDm) -> Result<Reply, BoxError> {
        let request = self.request(Method::POST, "/users/@me/channels", Auth::Bot, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `POST /webhooks/{webhook}/{token}` with `query`.
    pub(crate) async fn execute_webhook(
        &self,
        webhook: u64,
        token: &str,
        body: &ExecuteWebhook,
        query: &ExecuteWebhookQuery,
    ) -> Result<Reply, BoxError> {
        let path = with_query(
            format!("/webhooks/{webhook}/{token}"),
            &query.to_query_string(),
        );
        let request = self.request(Method::POST, &path, Auth::None, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `PATCH /webhooks/{webhook}/{token}/messages/{message}` with `query`.
    pub(crate) async fn edit_webhook_message(
        &self,
        webhook: u64,
        token: &str,
        message: u64,
        body: &EditWebhookMessage,
        query: &EditWebhookMessageQuery,
    ) -> Result<Reply, BoxError> {
        let path = with_query(
            format!("/webhooks/{webhook}/{token}/messages/{message}"),
            &query.to_query_string(),
        );
        let request = self.request(Method::PATCH, &path, Auth::None, Some(body))?;
        Ok(self.send(request).await?)
    }

    /// `DELETE /webhooks/{webhook}/{token}/messages/{message}`.
    pub(crate) async fn delete_webhook_message(
        &self,
        webhook: u64,
        token: &str,
        message: u64,
    ) -> Result<Reply, BoxError> {
        let path = format!("/webhooks/{webhook}/{token}/messages/{message}");
        let request = self.request(Method::DELETE, &path, Auth::None, None)?;
        Ok(self.send(request).await?)
    }
}

/// A request body: JSON, or multipart when it carries files.
pub(crate) trait Body {
    /// The content type and the bytes.
    fn encode(&self) -> Result<(String, Bytes), BoxError>;
}

impl<T: RequestBody> Body for T {
    fn encode(&self) -> Result<(String, Bytes), BoxError> {
        let json = self.payload_json()?;
        let files = self.files();
        if files.is_empty() {
            return Ok(("application/json".to_owned(), Bytes::from(json)));
        }
        let mut out = Vec::new();
        part_head(&mut out, "payload_json", None, "application/json");
        out.extend_from_slice(&json);
        for file in &files {
            let filename = file.filename();
            part_head(
                &mut out,
                &file.field_name(),
                Some(&filename),
                content_type_of(&filename),
            );
            out.extend_from_slice(file.data());
        }
        out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        Ok((
            format!("multipart/form-data; boundary={BOUNDARY}"),
            Bytes::from(out),
        ))
    }
}

/// Writes the delimiter and headers of one multipart part.
fn part_head(out: &mut Vec<u8>, name: &str, filename: Option<&str>, content_type: &str) {
    if !out.is_empty() {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    let disposition = match filename {
        Some(filename) => format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
            filename.replace('"', "%22")
        ),
        None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
    };
    out.extend_from_slice(disposition.as_bytes());
    out.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
}

/// A content type guessed from a file name's extension.
fn content_type_of(filename: &str) -> &'static str {
    match filename.rsplit_once('.').map(|(_, ext)| ext) {
        Some("txt" | "log") => "text/plain",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// `path?query`, or `path` when the query is empty.
fn with_query(path: String, query: &str) -> String {
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// `METHOD /path` with any webhook token cut out, for error messages.
fn describe(method: &Method, path: &str) -> String {
    let mut segments: Vec<&str> = path.split('/').collect();
    if let Some(i) = segments.iter().position(|s| *s == "webhooks") {
        if let Some(token) = segments.get_mut(i + 2) {
            *token = "{webhook_token}";
        }
    }
    format!("{method} {}", segments.join("/"))
}

/// The reaction path segment of a unicode emoji (percent-encoded).
pub(crate) fn unicode_emoji(emoji: &str) -> String {
    utf8_percent_encode(emoji, NON_ALPHANUMERIC).to_string()
}

/// The reaction path segment of a custom emoji, `name:id`.
pub(crate) fn custom_emoji(name: &str, id: u64) -> String {
    format!("{name}:{id}")
}

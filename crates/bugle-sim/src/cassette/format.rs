//! The cassette file format (version [`FORMAT_VERSION`]).
//!
//! Fields serialise in declaration order and maps are `BTreeMap`s, so re-recording the
//! same traffic gives the same text and git diffs stay small.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

/// The cassette format this version of bugle writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A recording: metadata and the interactions in the order their requests started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cassette {
    /// The format version, [`FORMAT_VERSION`] when written by this bugle.
    pub format_version: u32,
    /// When and with what the cassette was made.
    pub metadata: Metadata,
    /// The recorded request/response pairs.
    pub interactions: Vec<Interaction>,
}

/// When and with what a cassette was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Metadata {
    /// When recording started.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// The Discord API version of the recorded paths (`"10"` for `/api/v10/...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discord_api_version: Option<String>,
    /// The bugle version that recorded it.
    pub bugle_version: String,
}

/// One request and what came back: a response, or a transport error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interaction {
    /// Position in the cassette, from 1.
    pub id: u32,
    /// When the response (or error) arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// Method and route template, e.g. `POST /channels/{channel_id}/messages`.
    pub operation: String,
    /// The redacted request.
    pub request: RecordedRequest,
    /// The response, when one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// The transport error, when no response arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RecordedError>,
    /// The rate-limit headers of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RecordedRateLimit>,
}

/// A redacted request: no `Authorization`, tokens in paths replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path as sent, with tokens replaced (e.g. `/api/v10/webhooks/1/{webhook_token}`).
    pub path: String,
    /// Query parameters, sorted by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// The few headers that are safe and matter (content type, audit-log reason).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body, parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// A recorded response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// The status code.
    pub status: u16,
    /// Rate-limit headers, `retry-after` and `content-type`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body, parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// A transport error recorded instead of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedError {
    /// The error kind: `connect`, `timeout`, `tls`, `io`, `protocol` or `invalid_request`.
    pub kind: String,
    /// Whether the request may have reached the server.
    pub may_have_been_sent: bool,
}

/// A request or response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Body {
    /// A JSON body.
    Json(Value),
    /// A `multipart/form-data` body: `payload_json` parsed, files by fingerprint.
    Multipart(RecordedMultipart),
    /// A UTF-8 body that is not JSON.
    Text(String),
    /// Any other body, by fingerprint.
    Binary(Fingerprint),
}

/// A recorded `multipart/form-data` body, without its boundary.
///
/// Named apart from the facade's encoded `bugle::multipart::MultipartBody`: this is the
/// form as a cassette keeps it (files by fingerprint), not bytes to send.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedMultipart {
    /// The `payload_json` part, parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_json: Option<Value>,
    /// Other text parts without a file name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// File parts, in body order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<RecordedFile>,
}

/// The old name of [`RecordedMultipart`].
#[deprecated(note = "renamed to `RecordedMultipart`")]
pub type MultipartBody = RecordedMultipart;

/// A recorded file part of a multipart body: its metadata and a fingerprint of its bytes.
///
/// Named apart from bugle-model's `request::FilePart`, the file a request body sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedFile {
    /// The part name, e.g. `files[0]`.
    pub name: String,
    /// The file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The part's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Size and hash of the bytes.
    #[serde(flatten)]
    pub fingerprint: Fingerprint,
}

/// The old name of [`RecordedFile`].
#[deprecated(note = "renamed to `RecordedFile`")]
pub type FilePart = RecordedFile;

/// Size and SHA-256 of some bytes that are not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fingerprint {
    /// Length in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// Discord's rate-limit headers on a recorded response.
///
/// Named apart from the client's `bugle_ratelimit::RateLimitSnapshot` (the limiter's view of
/// its buckets): this is what one answer's headers said, as a cassette keeps it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRateLimit {
    /// `X-RateLimit-Bucket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// `X-RateLimit-Limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset-After`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_after: Option<f64>,
    /// `X-RateLimit-Scope`: `user`, `global` or `shared`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `X-RateLimit-Global`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<bool>,
    /// `Retry-After`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
}

/// The old name of [`RecordedRateLimit`], which read the same as the client's
/// `bugle_ratelimit::RateLimitSnapshot`.
#[deprecated(note = "renamed to `RecordedRateLimit`")]
pub type RateLimitSnapshot = RecordedRateLimit;

impl RecordedRateLimit {
    /// Whether no rate-limit header was present.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

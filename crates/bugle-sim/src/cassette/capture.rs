//! Turning live requests and responses into their redacted, recorded form.

use std::collections::BTreeMap;

use bugle_transport::{TransportErrorKind, TransportRequest, TransportResponse};
use http::HeaderMap;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::format::{
    Body, Fingerprint, RecordedFile, RecordedMultipart, RecordedRateLimit, RecordedRequest,
    RecordedResponse,
};
use super::redact::Redactor;
use crate::multipart;

/// Request headers worth keeping: they change what Discord does and hold no secret.
const KEPT_REQUEST_HEADERS: &[&str] = &["content-type", "x-audit-log-reason"];

/// Size and SHA-256 of `bytes`.
pub(crate) fn fingerprint(bytes: &[u8]) -> Fingerprint {
    let digest = Sha256::digest(bytes);
    Fingerprint {
        size: bytes.len() as u64,
        sha256: hex(&digest),
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The redacted form of `request`; learns tokens from its `Authorization` header and path.
pub(crate) fn capture_request(
    redactor: &mut Redactor,
    request: &TransportRequest,
) -> RecordedRequest {
    if let Some(auth) = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        redactor.learn_authorization(auth);
    }
    let path = redactor.redact_path(request.uri().path());
    let query = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (redactor.scrub_str(&k), redactor.scrub_str(&v)))
                .collect()
        })
        .unwrap_or_default();
    let mut headers = BTreeMap::new();
    for name in KEPT_REQUEST_HEADERS {
        if let Some(value) = request.headers().get(*name).and_then(|v| v.to_str().ok()) {
            let value = if *name == "content-type" && multipart::boundary(value).is_some() {
                "multipart/form-data".to_owned()
            } else {
                redactor.scrub_str(value)
            };
            headers.insert((*name).to_owned(), value);
        }
    }
    let body = parse_body(request.headers(), request.body()).map(|b| scrub_body(redactor, b));
    RecordedRequest {
        method: request.method().as_str().to_owned(),
        path,
        query,
        headers,
        body,
    }
}

/// The recorded form of `response`, secrets scrubbed.
pub(crate) fn capture_response(
    redactor: &Redactor,
    response: &TransportResponse,
) -> RecordedResponse {
    let mut headers = BTreeMap::new();
    for (name, value) in response.headers() {
        let name = name.as_str();
        let kept =
            name.starts_with("x-ratelimit-") || name == "retry-after" || name == "content-type";
        if let (true, Ok(value)) = (kept, value.to_str()) {
            headers.insert(name.to_owned(), redactor.scrub_str(value));
        }
    }
    RecordedResponse {
        status: response.status().as_u16(),
        headers,
        body: parse_body(response.headers(), response.body()).map(|b| scrub_body(redactor, b)),
    }
}

/// Discord's rate-limit headers, if any.
pub(crate) fn rate_limit_snapshot(headers: &HeaderMap) -> Option<RecordedRateLimit> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let snapshot = RecordedRateLimit {
        bucket: text("x-ratelimit-bucket").map(str::to_owned),
        limit: text("x-ratelimit-limit").and_then(|v| v.parse().ok()),
        remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
        reset_after: text("x-ratelimit-reset-after").and_then(|v| v.parse().ok()),
        scope: text("x-ratelimit-scope").map(str::to_owned),
        global: text("x-ratelimit-global").map(|v| v.eq_ignore_ascii_case("true")),
        retry_after: text("retry-after").and_then(|v| v.parse().ok()),
    };
    (!snapshot.is_empty()).then_some(snapshot)
}

/// A transport error kind as recorded.
pub(crate) fn error_kind_name(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "connect",
        TransportErrorKind::Timeout => "timeout",
        TransportErrorKind::Tls => "tls",
        TransportErrorKind::Io => "io",
        TransportErrorKind::Protocol => "protocol",
        TransportErrorKind::InvalidRequest => "invalid_request",
        _ => "other",
    }
}

/// The transport error kind a recorded name stands for.
pub(crate) fn error_kind_from_name(name: &str) -> Option<TransportErrorKind> {
    Some(match name {
        "connect" => TransportErrorKind::Connect,
        "timeout" => TransportErrorKind::Timeout,
        "tls" => TransportErrorKind::Tls,
        "io" => TransportErrorKind::Io,
        "protocol" => TransportErrorKind::Protocol,
        "invalid_request" => TransportErrorKind::InvalidRequest,
        _ => return None,
    })
}

/// Parses a body by its content type: multipart, JSON, text or opaque bytes.
fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Option<Body> {
    if bytes.is_empty() {
        return None;
    }
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(boundary) = multipart::boundary(content_type) {
        if let Ok(parts) = multipart::parse(bytes, &boundary) {
            return Some(Body::Multipart(multipart_body(&parts)));
        }
        return Some(Body::Binary(fingerprint(bytes)));
    }
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return Some(Body::Json(value));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(Body::Text(text.to_owned())),
        Err(_) => Some(Body::Binary(fingerprint(bytes))),
    }
}

fn multipart_body(parts: &[multipart::Part<'_>]) -> RecordedMultipart {
    let mut body = RecordedMultipart::default();
    for part in parts {
        let name = part.name.clone().unwrap_or_default();
        let text = std::str::from_utf8(part.data).ok();
        if part.filename.is_none() && name == "payload_json" {
            if let Ok(value) = serde_json::from_slice(part.data) {
                body.payload_json = Some(value);
                continue;
            }
        }
        match (part.filename.is_none(), text) {
            (true, Some(text)) => {
                body.fields.insert(name, text.to_owned());
            }
            _ => body.files.push(RecordedFile {
                name,
                filename: part.filename.clone(),
                content_type: part.content_type.clone(),
                fingerprint: fingerprint(part.data),
            }),
        }
    }
    body
}

fn scrub_body(redactor: &Redactor, body: Body) -> Body {
    match body {
        Body::Json(mut value) => {
            redactor.scrub_value(&mut value);
            Body::Json(value)
        }
        Body::Multipart(mut multipart) => {
            if let Some(value) = multipart.payload_json.as_mut() {
                redactor.scrub_value(value);
            }
            multipart.fields = multipart
                .fields
                .into_iter()
                .map(|(k, v)| (redactor.scrub_str(&k), redactor.scrub_str(&v)))
                .collect();
            for file in &mut multipart.files {
                file.filename = file.filename.as_deref().map(|f| redactor.scrub_str(f));
            }
            Body::Multipart(multipart)
        }
        Body::Text(text) => Body::Text(redactor.scrub_str(&text)),
        other @ Body::Binary(_) => other,
    }
}

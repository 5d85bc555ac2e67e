//! Rate-limit headers and 429 bodies, per scope.

use std::time::Duration;

use http::{HeaderName, StatusCode};
use serde_json::json;
use time::OffsetDateTime;

use super::limiter::{BucketState, Limited, Scope};
use crate::fake::reply::Reply;

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
const RESET_AFTER: HeaderName = HeaderName::from_static("x-ratelimit-reset-after");
const BUCKET: HeaderName = HeaderName::from_static("x-ratelimit-bucket");
const GLOBAL: HeaderName = HeaderName::from_static("x-ratelimit-global");
const SCOPE: HeaderName = HeaderName::from_static("x-ratelimit-scope");
const RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");

/// Seconds with millisecond precision, as Discord formats them.
fn secs(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

/// `Retry-After` as Discord sends it: whole seconds, rounded up.
fn whole_secs(duration: Duration) -> String {
    let millis = duration.as_millis();
    millis.div_ceil(1000).max(1).to_string()
}

/// Adds `X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket` for `state`.
pub(crate) fn with_bucket_headers(
    mut reply: Reply,
    state: &BucketState,
    wall_now: OffsetDateTime,
) -> Reply {
    let reset = wall_now + state.reset_after;
    #[allow(clippy::cast_precision_loss)] // epoch milliseconds fit an f64's 53 bits
    let reset_epoch = (reset.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0;
    reply.headers.push((LIMIT, state.limit.to_string()));
    reply.headers.push((REMAINING, state.remaining.to_string()));
    reply.headers.push((RESET, format!("{reset_epoch:.3}")));
    reply.headers.push((RESET_AFTER, secs(state.reset_after)));
    reply.headers.push((BUCKET, state.hash.clone()));
    reply
}

/// The 429 for `limited`: body and headers per scope.
pub(crate) fn too_many_requests(limited: &Limited, wall_now: OffsetDateTime) -> Reply {
    let retry = (limited.retry_after.as_secs_f64() * 1000.0).round() / 1000.0;
    let global = limited.scope == Scope::Global;
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": retry,
        "global": global,
    });
    let mut reply = Reply::json(StatusCode::TOO_MANY_REQUESTS, body);
    if let Some(state) = &limited.bucket {
        reply = with_bucket_headers(reply, state, wall_now);
    }
    reply = reply.with_header(RETRY_AFTER, whole_secs(limited.retry_after));
    let scope = match limited.scope {
        Scope::Global => {
            reply = reply.with_header(GLOBAL, "true");
            "global"
        }
        Scope::Shared => "shared",
        Scope::User | Scope::Sublimit => "user",
    };
    reply.with_header(SCOPE, scope)
}

/// Cloudflare's answer to a banned IP: an HTML 429 with a long `Retry-After` and no
/// rate-limit or scope headers.
pub(crate) fn cloudflare_ban(remaining: Duration) -> Reply {
    let page = "<!DOCTYPE html>\n<html><head><title>Access denied | error 1015</title></head>\
<body><h1>Error 1015</h1><h2>You are being rate limited</h2>\
<p>This IP address sent too many invalid requests and is temporarily banned.</p></body></html>\n"
        .to_owned();
    Reply::html(StatusCode::TOO_MANY_REQUESTS, page).with_header(RETRY_AFTER, whole_secs(remaining))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
        reply
            .headers
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_hidden_limits_429_is_scope_user_and_describes_the_announced_bucket() {
        let limited = Limited {
            scope: Scope::Sublimit,
            retry_after: Duration::from_millis(6_250),
            bucket: Some(BucketState {
                hash: "b".to_owned(),
                limit: 5,
                remaining: 3,
                reset_after: Duration::from_secs(2),
            }),
        };
        let reply = too_many_requests(&limited, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&reply, "x-ratelimit-scope"), Some("user"));
        assert_eq!(header(&reply, "x-ratelimit-limit"), Some("5"));
        assert_eq!(header(&reply, "x-ratelimit-remaining"), Some("3"));
        assert_eq!(header(&reply, "x-ratelimit-reset-after"), Some("2.000"));
        // Whole seconds, rounded up; the body keeps the milliseconds.
        assert_eq!(header(&reply, "retry-after"), Some("7"));
        assert_eq!(header(&reply, "x-ratelimit-global"), None);
    }
}

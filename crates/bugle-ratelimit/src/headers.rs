//! Parsing Discord's rate-limit headers and the 429 body.

use std::time::Duration;

/// Longest bucket hash kept; anything longer is not a Discord bucket id and is ignored.
const MAX_BUCKET_LEN: usize = 128;
/// Largest number of seconds accepted in `Reset-After`/`Retry-After` (about 31 years).
const MAX_SECONDS: f64 = 1e9;

/// The `X-RateLimit-Scope` of a 429.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The per-route limit of this bot or user.
    User,
    /// The global limit of the bot (or of the IP for unauthenticated requests).
    Global,
    /// A limit on a resource shared with other users; not counted as an invalid request.
    Shared,
    /// A scope value this crate does not know.
    Other,
}

/// What a response body said, as far as rate limiting cares.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateLimitBody {
    /// Whether the body parsed as a JSON object (a Cloudflare ban page does not).
    pub json: bool,
    /// `retry_after` in seconds (fractional).
    pub retry_after: Option<Duration>,
    /// `global`.
    pub global: Option<bool>,
    /// Discord's JSON error `code`.
    pub code: Option<u64>,
}

/// The rate-limit information of one response.
///
/// Build it with [`RateLimitHeaders::parse`]; every field is optional, and a value that
/// does not parse is treated as absent (parsing never panics).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateLimitHeaders {
    /// `X-RateLimit-Limit`.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset` (Unix seconds). Parsed for completeness but never used for
    /// timing: the engine uses `Reset-After` on tokio's clock instead.
    pub reset_unix: Option<f64>,
    /// `X-RateLimit-Reset-After`.
    pub reset_after: Option<Duration>,
    /// `X-RateLimit-Bucket`.
    pub bucket: Option<String>,
    /// `X-RateLimit-Global: true`.
    pub global: bool,
    /// `X-RateLimit-Scope`.
    pub scope: Option<Scope>,
    /// `Retry-After` (integer or fractional seconds).
    pub retry_after: Option<Duration>,
    /// The parsed body, when one was given.
    pub body: Option<RateLimitBody>,
}

impl RateLimitHeaders {
    /// Whether a rate limiter wrote any of these: a bucket, limit, remaining or reset
    /// header, or a scope. An answer without them (an edge's 502 page, say) never
    /// reached Discord's limits.
    pub fn from_a_limiter(&self) -> bool {
        self.bucket.is_some()
            || self.limit.is_some()
            || self.remaining.is_some()
            || self.reset_after.is_some()
            || self.scope.is_some()
            || self.global
    }

    /// Parses the rate-limit headers out of `headers` (name/value pairs: names
    /// case-insensitive, values as bytes or text, trimmed of ASCII whitespace; only
    /// the rate-limit headers' values are read) and, when given, the response body
    /// (only the 429 fields `retry_after`, `global` and `code` are read).
    pub fn parse<'a, I, V>(headers: I, body: Option<&[u8]>) -> Self
    where
        I: IntoIterator<Item = (&'a str, V)>,
        V: AsRef<[u8]>,
    {
        let mut out = Self::default();
        for (name, value) in headers {
            let Some(field) = Field::named(name) else {
                continue;
            };
            // Header values carry ASCII whitespace only (spaces and tabs); one that is
            // not UTF-8 is not a number or a bucket id, so it counts as absent.
            let Ok(value) = std::str::from_utf8(value.as_ref().trim_ascii()) else {
                continue;
            };
            match field {
                Field::Limit => out.limit = value.parse().ok(),
                Field::Remaining => out.remaining = value.parse().ok(),
                Field::Reset => {
                    out.reset_unix = value.parse().ok().filter(|v: &f64| v.is_finite());
                }
                Field::ResetAfter => out.reset_after = seconds(value),
                Field::Bucket => {
                    out.bucket = Some(value)
                        .filter(|v| {
                            !v.is_empty()
                                && v.len() <= MAX_BUCKET_LEN
                                && v.bytes().all(|b| b.is_ascii_graphic())
                        })
                        .map(str::to_owned);
                }
                Field::Global => out.global = value.eq_ignore_ascii_case("true"),
                Field::Scope => out.scope = Some(Scope::named(value)),
                Field::RetryAfter => out.retry_after = seconds(value),
            }
        }
        out.body = body
            .filter(|b| !b.iter().all(u8::is_ascii_whitespace))
            .map(parse_body);
        out
    }

    /// Whether the response says the global limit was hit (header, scope or body).
    pub fn is_global(&self) -> bool {
        self.global
            || self.scope == Some(Scope::Global)
            || self.body.as_ref().and_then(|b| b.global) == Some(true)
    }

    /// How long a 429 says to wait: the body's `retry_after` (more precise) or else the
    /// `Retry-After` header.
    pub fn retry_after(&self) -> Option<Duration> {
        self.body
            .as_ref()
            .and_then(|b| b.retry_after)
            .or(self.retry_after)
    }
}

/// The headers [`RateLimitHeaders::parse`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Limit,
    Remaining,
    Reset,
    ResetAfter,
    Bucket,
    Global,
    Scope,
    RetryAfter,
}

impl Field {
    /// Each field's header, in lowercase.
    const NAMES: [(&'static str, Self); 8] = [
        ("x-ratelimit-limit", Self::Limit),
        ("x-ratelimit-remaining", Self::Remaining),
        ("x-ratelimit-reset", Self::Reset),
        ("x-ratelimit-reset-after", Self::ResetAfter),
        ("x-ratelimit-bucket", Self::Bucket),
        ("x-ratelimit-global", Self::Global),
        ("x-ratelimit-scope", Self::Scope),
        ("retry-after", Self::RetryAfter),
    ];

    /// The field a header `name` carries, in any case; `None` for every other header.
    ///
    /// This runs for each of the dozen headers of every answer, and allocates nothing.
    /// Names from an `http::HeaderMap` are lowercase: they match (or miss) by plain
    /// comparison, which rejects most names on their length alone. Only a name with
    /// capitals is compared again, ignoring case.
    fn named(name: &str) -> Option<Self> {
        let find = |same: fn(&str, &str) -> bool| {
            Self::NAMES
                .iter()
                .find(|(known, _)| same(name, known))
                .map(|&(_, field)| field)
        };
        find(|a, b| a == b).or_else(|| {
            if name.bytes().any(|b| b.is_ascii_uppercase()) {
                find(str::eq_ignore_ascii_case)
            } else {
                None
            }
        })
    }
}

impl Scope {
    /// The scope an `X-RateLimit-Scope` value names, in any case.
    fn named(value: &str) -> Self {
        [
            ("user", Self::User),
            ("global", Self::Global),
            ("shared", Self::Shared),
        ]
        .into_iter()
        .find(|(name, _)| value.eq_ignore_ascii_case(name))
        .map_or(Self::Other, |(_, scope)| scope)
    }
}

/// Parses seconds (integer or fractional, non-negative, finite, at most [`MAX_SECONDS`]).
fn seconds(value: &str) -> Option<Duration> {
    let secs: f64 = value.parse().ok()?;
    if !(0.0..=MAX_SECONDS).contains(&secs) {
        return None;
    }
    Duration::try_from_secs_f64(secs).ok()
}

fn parse_body(bytes: &[u8]) -> RateLimitBody {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(bytes)
    else {
        return RateLimitBody::default();
    };
    RateLimitBody {
        json: true,
        retry_after: map
            .get("retry_after")
            .and_then(serde_json::Value::as_f64)
            .filter(|v| (0.0..=MAX_SECONDS).contains(v))
            .and_then(|v| Duration::try_from_secs_f64(v).ok()),
        global: map.get("global").and_then(serde_json::Value::as_bool),
        code: map.get("code").and_then(serde_json::Value::as_u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_normal_response() {
        let h = RateLimitHeaders::parse(
            [
                ("X-RateLimit-Limit", "5"),
                ("x-ratelimit-remaining", "4"),
                ("X-RateLimit-Reset", "1470173023.123"),
                ("X-RateLimit-Reset-After", "1.25"),
                ("X-RateLimit-Bucket", "abcd1234"),
                ("Content-Type", "application/json"),
            ],
            None,
        );
        assert_eq!(h.limit, Some(5));
        assert_eq!(h.remaining, Some(4));
        assert_eq!(h.reset_after, Some(Duration::from_millis(1250)));
        assert_eq!(h.bucket.as_deref(), Some("abcd1234"));
        assert_eq!(h.reset_unix, Some(1_470_173_023.123));
        assert!(!h.is_global());
        assert_eq!(h.body, None);
    }

    #[test]
    fn parses_a_user_429_with_integer_header_and_fractional_body() {
        let body =
            br#"{"message":"You are being rate limited.","retry_after":64.57,"global":false}"#;
        let h = RateLimitHeaders::parse(
            [("Retry-After", "65"), ("X-RateLimit-Scope", "user")],
            Some(body),
        );
        assert_eq!(h.retry_after, Some(Duration::from_secs(65)));
        assert_eq!(h.retry_after(), Some(Duration::from_secs_f64(64.57)));
        assert_eq!(h.scope, Some(Scope::User));
        assert!(h.body.as_ref().is_some_and(|b| b.json));
    }

    #[test]
    fn parses_a_global_429() {
        let h = RateLimitHeaders::parse(
            [
                ("Retry-After", "0.5"),
                ("X-RateLimit-Global", "true"),
                ("X-RateLimit-Scope", "global"),
            ],
            Some(br#"{"global":true,"retry_after":0.5,"code":0}"#),
        );
        assert!(h.global);
        assert!(h.is_global());
        assert_eq!(h.body.as_ref().and_then(|b| b.code), Some(0));
    }

    #[test]
    fn a_non_json_body_is_flagged() {
        let h =
            RateLimitHeaders::parse([("Retry-After", "66271")], Some(b"<html>error 1015</html>"));
        assert_eq!(h.body.as_ref().map(|b| b.json), Some(false));
        assert_eq!(h.retry_after(), Some(Duration::from_secs(66271)));
    }

    #[test]
    fn bad_values_are_ignored_without_panicking() {
        let h = RateLimitHeaders::parse(
            [
                ("X-RateLimit-Limit", "-1"),
                ("X-RateLimit-Remaining", "lots"),
                ("X-RateLimit-Reset-After", "NaN"),
                ("Retry-After", "-3"),
                ("X-RateLimit-Reset", "inf"),
                ("X-RateLimit-Bucket", "has space"),
            ],
            Some(br#"{"retry_after":1e400,"global":"yes"}"#),
        );
        assert_eq!(h.limit, None);
        assert_eq!(h.remaining, None);
        assert_eq!(h.reset_after, None);
        assert_eq!(h.retry_after, None);
        assert_eq!(h.reset_unix, None);
        assert_eq!(h.bucket, None);
        assert_eq!(h.retry_after(), None);
        for huge in ["1e300", "99999999999", "18446744073709551616"] {
            assert_eq!(
                RateLimitHeaders::parse([("Retry-After", huge)], None).retry_after,
                None
            );
        }
        assert_eq!(
            RateLimitHeaders::parse::<_, &str>([], Some(b"   ")).body,
            None
        );
    }

    #[test]
    fn names_and_scopes_match_in_any_case_and_nothing_else_matches() {
        let h = RateLimitHeaders::parse(
            [
                ("x-RATELIMIT-limit", " 7 "),
                ("X-Ratelimit-Remaining", "6"),
                ("X-RATELIMIT-RESET-AFTER", "2.5"),
                ("x-ratelimit-BUCKET", "b"),
                ("x-ratelimit-global", "TRUE"),
                ("X-RateLimit-Scope", "Shared"),
                ("RETRY-after", "3"),
            ],
            None,
        );
        assert_eq!(
            (h.limit, h.remaining, h.reset_after),
            (Some(7), Some(6), Some(Duration::from_millis(2500)))
        );
        assert_eq!(h.bucket.as_deref(), Some("b"));
        assert!(h.global);
        assert_eq!(h.scope, Some(Scope::Shared));
        assert_eq!(h.retry_after, Some(Duration::from_secs(3)));

        // Near misses: a bare prefix, an unknown suffix, a longer name, non-ASCII.
        let none = RateLimitHeaders::parse(
            [
                ("x-ratelimit-", "1"),
                ("x-ratelimit-limits", "1"),
                ("x-ratelimit-limit-extra", "1"),
                ("x-ratelimit-liмit", "1"),
                ("xx-ratelimit-limit", "1"),
                ("retry-after-ms", "1"),
                ("x-ratelimit-scope-x", "user"),
            ],
            None,
        );
        assert_eq!(none, RateLimitHeaders::default());
        assert_eq!(Scope::named("USER"), Scope::User);
        assert_eq!(Scope::named("GLOBAL"), Scope::Global);
        assert_eq!(Scope::named("users"), Scope::Other);
    }

    #[test]
    fn values_are_read_as_bytes_and_one_that_is_not_utf8_counts_as_absent() {
        let values: [(&str, &[u8]); 3] = [
            ("x-ratelimit-limit", b" 5\t"),
            ("x-ratelimit-remaining", b"\xff4"),
            ("content-type", b"\xff\xfe"),
        ];
        let h = RateLimitHeaders::parse(values, None);
        assert_eq!((h.limit, h.remaining), (Some(5), None));
    }
}

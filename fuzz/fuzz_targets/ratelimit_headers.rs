//! `RateLimitHeaders::parse` on arbitrary header lists and bodies.
//!
//! Invariants: parsing never panics; every parsed value is within the bounds the parser
//! documents; a header the parser skipped or rejected leaves its field empty.

#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use bugle_ratelimit::RateLimitHeaders;
use libfuzzer_sys::fuzz_target;

/// Header names the parser knows, so most inputs exercise a real branch.
const KNOWN: [&str; 8] = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-After",
    "X-RateLimit-Bucket",
    "X-RateLimit-Global",
    "X-RateLimit-Scope",
    "Retry-After",
];

/// The longest wait the parser accepts, in seconds.
const MAX_SECONDS: u64 = 1_000_000_000;

#[derive(Arbitrary, Debug)]
enum Name {
    /// One of [`KNOWN`], with the letter case flipped by the bit mask.
    Known(u8, u32),
    /// Anything.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    headers: Vec<(Name, String)>,
    body: Option<Vec<u8>>,
}

fn name(name: &Name) -> String {
    match name {
        Name::Known(index, case) => KNOWN[usize::from(*index) % KNOWN.len()]
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if case >> (i % 32) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
        Name::Raw(raw) => raw.clone(),
    }
}

fuzz_target!(|input: Input| {
    let names: Vec<String> = input.headers.iter().map(|(n, _)| name(n)).collect();
    let pairs = names
        .iter()
        .zip(&input.headers)
        .map(|(n, (_, v))| (n.as_str(), v.as_str()));
    let parsed = RateLimitHeaders::parse(pairs, input.body.as_deref());

    let max = Duration::from_secs(MAX_SECONDS);
    for wait in [parsed.reset_after, parsed.retry_after, parsed.retry_after()]
        .into_iter()
        .flatten()
    {
        assert!(wait <= max, "wait {wait:?} over the documented ceiling");
    }
    if let Some(reset) = parsed.reset_unix {
        assert!(reset.is_finite(), "reset {reset} is not finite");
    }
    if let Some(bucket) = &parsed.bucket {
        assert!(
            !bucket.is_empty() && bucket.len() <= 128,
            "bucket length {}",
            bucket.len()
        );
        assert!(
            bucket.bytes().all(|b| b.is_ascii_graphic()),
            "bucket {bucket:?}"
        );
    }
    let whitespace_only = input
        .body
        .as_deref()
        .is_none_or(|b| b.iter().all(u8::is_ascii_whitespace));
    assert_eq!(parsed.body.is_none(), whitespace_only, "body presence");
    if let Some(body) = &parsed.body {
        let is_object = matches!(
            serde_json::from_slice::<serde_json::Value>(input.body.as_deref().unwrap_or_default()),
            Ok(serde_json::Value::Object(_))
        );
        assert_eq!(body.json, is_object, "body.json disagrees with serde_json");
    }
    // A response with none of the known headers carries no header information.
    let knows_any = names
        .iter()
        .any(|n| KNOWN.iter().any(|k| n.trim().eq_ignore_ascii_case(k)));
    if !knows_any {
        assert_eq!(parsed.limit, None);
        assert_eq!(parsed.remaining, None);
        assert_eq!(parsed.bucket, None);
        assert!(!parsed.global);
        assert_eq!(parsed.scope, None);
        assert_eq!(parsed.retry_after, None);
    }
});

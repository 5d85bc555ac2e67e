//! Parsing one answer's headers for the limiter: the answer to a message create as
//! `FakeDiscord` (and Discord) sends it, five rate-limit headers among the others, with
//! lowercase names as an `http::HeaderMap` holds them; and the same with the capitals of
//! Discord's documentation, as text from elsewhere may carry them.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use bugle_ratelimit::RateLimitHeaders;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ANSWER: [(&str, &str); 9] = [
    ("content-type", "application/json"),
    ("x-ratelimit-limit", "5"),
    ("x-ratelimit-remaining", "4"),
    ("x-ratelimit-reset", "1796535274.552"),
    ("x-ratelimit-reset-after", "1.000"),
    ("x-ratelimit-bucket", "80c17d2f203122d936070c88c8d10f33"),
    ("content-length", "478"),
    ("date", "Sun, 06 Dec 2026 05:34:33 GMT"),
    ("via", "1.1 google"),
];

fn capitalised() -> Vec<(String, &'static str)> {
    ANSWER
        .iter()
        .map(|&(name, value)| {
            let name = name
                .split('-')
                .map(|part| {
                    let mut chars = part.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect::<Vec<_>>()
                .join("-")
                .replace("Ratelimit", "RateLimit");
            (name, value)
        })
        .collect()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_headers");
    group.throughput(Throughput::Elements(1));
    group.bench_function("lowercase", |b| {
        b.iter(|| RateLimitHeaders::parse(black_box(ANSWER), None));
    });
    let capitalised = capitalised();
    group.bench_function("capitalised", |b| {
        b.iter(|| {
            RateLimitHeaders::parse(
                black_box(&capitalised)
                    .iter()
                    .map(|(n, v)| (n.as_str(), *v)),
                None,
            )
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = parse
}
criterion_main!(benches);

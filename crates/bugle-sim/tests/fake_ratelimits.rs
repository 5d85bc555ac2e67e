//! `FakeDiscord`'s server-side rate limits: headers, 429 per scope, and the ban.

mod fake_support;

use std::time::Duration;

use bugle_sim::fake::{
    BucketRule, FakeRateLimits, MESSAGES_BUCKET, RouteKind, SharedLimit, Sublimit,
};
use fake_support::{HOOK, HOOK_TOKEN, anon, bot, builder, request, send};
use http::{Method, StatusCode};
use serde_json::json;

#[allow(clippy::unnecessary_wraps)] // the request helpers take an optional body
fn create() -> Option<serde_json::Value> {
    Some(json!({"content": "x"}))
}

#[tokio::test(start_paused = true)]
async fn every_response_carries_the_bucket_headers() {
    let discord = builder().build();
    let first = bot(&discord, Method::POST, "/channels/100/messages", create()).await;
    assert_eq!(first.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("4"));
    assert_eq!(first.header("x-ratelimit-reset-after"), Some("5.000"));
    assert_eq!(first.header("x-ratelimit-bucket"), Some(MESSAGES_BUCKET));
    // 2025-06-01T12:00:00Z + 5 s
    assert_eq!(first.header("x-ratelimit-reset"), Some("1748779205.000"));
    tokio::time::advance(Duration::from_millis(1500)).await;
    let id = first.json()["id"].as_str().unwrap().to_owned();
    // Edit shares create's bucket.
    let edit = bot(
        &discord,
        Method::PATCH,
        &format!("/channels/100/messages/{id}"),
        create(),
    )
    .await;
    assert_eq!(edit.header("x-ratelimit-bucket"), Some(MESSAGES_BUCKET));
    assert_eq!(edit.header("x-ratelimit-remaining"), Some("3"));
    assert_eq!(edit.header("x-ratelimit-reset-after"), Some("3.500"));
    // Errors carry them too.
    let missing = bot(&discord, Method::DELETE, "/channels/100/messages/1", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("x-ratelimit-remaining"), Some("2"));
}

#[tokio::test(start_paused = true)]
async fn the_sixth_create_in_five_seconds_is_a_user_429_and_the_window_resets() {
    let discord = builder().build();
    for _ in 0..5 {
        assert_eq!(
            bot(&discord, Method::POST, "/channels/100/messages", create())
                .await
                .status,
            StatusCode::OK
        );
    }
    tokio::time::advance(Duration::from_millis(1200)).await;
    let limited = bot(&discord, Method::POST, "/channels/100/messages", create()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(limited.header("retry-after"), Some("4"));
    assert_eq!(limited.header("x-ratelimit-global"), None);
    assert_eq!(
        limited.json(),
        json!({"message": "You are being rate limited.", "retry_after": 3.8, "global": false})
    );
    let body: bugle_model::error::RateLimitedBody = limited.decode();
    assert_eq!(body.retry_after_duration(), Duration::from_millis(3800));
    // Another channel is another bucket.
    assert_eq!(
        bot(&discord, Method::POST, "/channels/101/messages", create())
            .await
            .status,
        StatusCode::OK
    );
    tokio::time::advance(Duration::from_millis(3800)).await;
    assert_eq!(
        bot(&discord, Method::POST, "/channels/100/messages", create())
            .await
            .status,
        StatusCode::OK
    );
    let counters = discord.counters();
    assert_eq!(counters.rate_limited_user, 1);
    assert_eq!(counters.invalid_requests, 1);
    assert_eq!(counters.messages_created, 7);
}

#[tokio::test(start_paused = true)]
async fn the_global_limit_answers_with_only_global_headers() {
    let limits = FakeRateLimits::discord_defaults().global_per_second(3);
    let discord = builder().rate_limits(limits).build();
    for channel in [100, 101, 100] {
        bot(
            &discord,
            Method::POST,
            &format!("/channels/{channel}/messages"),
            create(),
        )
        .await;
    }
    let limited = bot(&discord, Method::POST, "/channels/101/messages", create()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("x-ratelimit-global"), Some("true"));
    assert_eq!(limited.header("x-ratelimit-scope"), Some("global"));
    assert_eq!(limited.header("x-ratelimit-bucket"), None);
    assert_eq!(limited.header("retry-after"), Some("1"));
    assert_eq!(limited.json()["global"], true);
    assert_eq!(discord.counters().rate_limited_global, 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        bot(&discord, Method::POST, "/channels/101/messages", create())
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn unauthenticated_webhook_requests_share_the_per_ip_global_limit() {
    let limits = FakeRateLimits::discord_defaults()
        .ip_global_per_second(2)
        .global_per_second(50);
    let discord = builder().rate_limits(limits).build();
    let path = format!("/webhooks/{HOOK}/{HOOK_TOKEN}");
    assert_eq!(
        anon(&discord, Method::POST, &path, create()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        anon(&discord, Method::POST, &path, create()).await.status,
        StatusCode::NO_CONTENT
    );
    let limited = anon(&discord, Method::POST, &path, create()).await;
    assert_eq!(limited.header("x-ratelimit-scope"), Some("global"));
    // A bot request is counted against the bot, not the IP.
    assert_eq!(
        bot(&discord, Method::POST, "/channels/100/messages", create())
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn a_hidden_sublimit_429s_while_headers_show_capacity() {
    let limits = FakeRateLimits::discord_defaults()
        .without_sublimits()
        .sublimit(Sublimit::new(
            RouteKind::ExecuteWebhook,
            3,
            Duration::from_secs(60),
        ));
    let discord = builder().rate_limits(limits).build();
    let path = format!("/webhooks/{HOOK}/{HOOK_TOKEN}");
    for _ in 0..3 {
        anon(&discord, Method::POST, &path, create()).await;
        tokio::time::advance(Duration::from_secs(2)).await;
    }
    let limited = anon(&discord, Method::POST, &path, create()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("5"));
    assert_eq!(limited.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(limited.header("retry-after"), Some("54"));
    assert_eq!(discord.counters().rate_limited_sublimit, 1);
}

#[tokio::test(start_paused = true)]
async fn a_shared_limit_429s_with_scope_shared_and_is_not_invalid() {
    let limits = FakeRateLimits::discord_defaults()
        .bucket(BucketRule::new(
            "reactions",
            100,
            Duration::from_secs(1),
            [RouteKind::AddReaction],
        ))
        .shared(SharedLimit::new(
            RouteKind::AddReaction,
            2,
            Duration::from_secs(10),
        ));
    let discord = builder().rate_limits(limits).build();
    let id = bot(&discord, Method::POST, "/channels/100/messages", create())
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |e: &str| format!("/channels/100/messages/{id}/reactions/{e}/@me");
    assert_eq!(
        bot(&discord, Method::PUT, &path("%F0%9F%91%8D"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        bot(&discord, Method::PUT, &path("%F0%9F%94%A5"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let limited = bot(&discord, Method::PUT, &path("%F0%9F%8E%89"), None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("x-ratelimit-scope"), Some("shared"));
    assert_eq!(limited.header("x-ratelimit-bucket"), Some("reactions"));
    assert_eq!(discord.counters().rate_limited_shared, 1);
    assert_eq!(discord.counters().invalid_requests, 0);
}

#[tokio::test(start_paused = true)]
async fn too_many_invalid_requests_get_the_ip_a_cloudflare_ban() {
    let limits = FakeRateLimits::discord_defaults().invalid_request_ban(
        5,
        Duration::from_secs(600),
        Duration::from_secs(3600),
    );
    let discord = builder().rate_limits(limits).build();
    for _ in 0..5 {
        let answer = send(
            &discord,
            request(Method::POST, "/channels/100/messages", false, create()),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let banned = bot(&discord, Method::POST, "/channels/100/messages", create()).await;
    assert_eq!(banned.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(banned.header("x-ratelimit-scope"), None);
    assert_eq!(banned.header("retry-after"), Some("3600"));
    assert!(
        banned
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&banned.body).contains("1015"));
    assert_eq!(discord.counters().banned, 1);
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(
        bot(&discord, Method::POST, "/channels/100/messages", create())
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn disabled_limits_send_no_headers_and_never_429() {
    let discord = builder().rate_limits(FakeRateLimits::disabled()).build();
    for _ in 0..20 {
        let answer = bot(&discord, Method::POST, "/channels/100/messages", create()).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("x-ratelimit-limit"), None);
    }
}

//! `FakeDiscord` fault injection: reproducible from a seed, before or after processing.

mod fake_support;

use std::time::Duration;

use bugle_sim::fake::{Delay, FakeDiscord, FakeRateLimits, FaultConfig, Outage};
use bugle_transport::{Transport, TransportErrorKind};
use fake_support::{TEXT, builder, request};
use http::{Method, StatusCode};
use serde_json::json;

fn create() -> http::Request<bytes::Bytes> {
    request(
        Method::POST,
        "/channels/100/messages",
        true,
        Some(json!({"content": "x"})),
    )
}

/// What each of `n` requests got: a status, or `None` for a dropped connection.
async fn outcomes(discord: &FakeDiscord, n: usize) -> Vec<Option<u16>> {
    let mut seen = Vec::new();
    for _ in 0..n {
        seen.push(
            discord
                .send(create())
                .await
                .ok()
                .map(|r| r.status().as_u16()),
        );
    }
    seen
}

fn faulty(seed: u64) -> FakeDiscord {
    builder()
        .seed(seed)
        .rate_limits(FakeRateLimits::disabled())
        .faults(
            FaultConfig::none()
                .error_before(0.2)
                .error_after(0.1)
                .drop_before(0.05)
                .drop_after(0.05),
        )
        .build()
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_gives_the_same_fault_sequence() {
    let a = outcomes(&faulty(9), 100).await;
    let b = outcomes(&faulty(9), 100).await;
    assert_eq!(a, b);
    assert_ne!(a, outcomes(&faulty(10), 100).await);
    let faults = a.iter().filter(|o| *o != &Some(200)).count();
    assert!(faults > 10, "{faults}");
    assert!(a.contains(&None));
    assert!(a.iter().flatten().any(|s| *s >= 500));
}

#[tokio::test(start_paused = true)]
async fn errors_before_processing_change_nothing() {
    let discord = builder()
        .faults(
            FaultConfig::none()
                .error_before(1.0)
                .statuses([StatusCode::SERVICE_UNAVAILABLE]),
        )
        .build();
    let response = discord.send(create()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(discord.messages(TEXT).is_empty());
    assert_eq!(discord.counters().faults_injected, 1);
}

#[tokio::test(start_paused = true)]
async fn errors_after_processing_keep_the_change() {
    let discord = builder()
        .faults(
            FaultConfig::none()
                .error_after(1.0)
                .statuses([StatusCode::INTERNAL_SERVER_ERROR]),
        )
        .build();
    let response = discord.send(create()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(discord.messages(TEXT).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn dropped_connections_are_io_errors_that_may_have_been_sent() {
    let before = builder()
        .faults(FaultConfig::none().drop_before(1.0))
        .build();
    let error = before.send(create()).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io);
    assert!(error.request_may_have_been_sent());
    assert!(before.messages(TEXT).is_empty());
    let after = builder()
        .faults(FaultConfig::none().drop_after(1.0))
        .build();
    let error = after.send(create()).await.unwrap_err();
    assert!(error.request_may_have_been_sent());
    assert_eq!(after.messages(TEXT).len(), 1);
    assert_eq!(after.counters().dropped_connections, 1);
    assert_eq!(after.request_log()[0].status, None);
}

#[tokio::test(start_paused = true)]
async fn outage_windows_answer_503_then_recover() {
    let outage = Outage::new(
        Duration::from_secs(10),
        Duration::from_secs(20),
        StatusCode::SERVICE_UNAVAILABLE,
    );
    let discord = builder().faults(FaultConfig::none().outage(outage)).build();
    assert_eq!(
        discord.send(create()).await.unwrap().status(),
        StatusCode::OK
    );
    tokio::time::advance(Duration::from_secs(10)).await;
    let during = discord.send(create()).await.unwrap();
    assert_eq!(during.status(), StatusCode::SERVICE_UNAVAILABLE);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(
        discord.send(create()).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(discord.messages(TEXT).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn delays_pass_on_tokios_clock() {
    let discord = builder()
        .faults(FaultConfig::none().delay(Delay::Fixed(Duration::from_millis(750))))
        .build();
    let start = tokio::time::Instant::now();
    discord.send(create()).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(750));
    assert_eq!(discord.request_log()[0].at, Duration::from_millis(750));
}

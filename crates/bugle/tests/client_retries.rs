//! Retries: what is repeated, what is not, and that nothing is delivered twice.

mod client_support;

use std::collections::HashMap;
use std::time::Duration;

use bugle::client::NONCE_DEDUPE_WINDOW;
use bugle::retry::RetryContext;
use bugle::{ErrorKind, ExecuteWebhookParams, RetryDecision, RetryPolicy};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, ExecuteWebhook};
use bugle_sim::fake::{FaultConfig, Outage};
use client_support::{TEXT, config_builder, fake_builder, setup, setup_with};
use http::StatusCode;
use tokio::task::JoinSet;

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

fn outage(until_ms: u64, status: StatusCode) -> FaultConfig {
    FaultConfig::none().outage(Outage::new(
        Duration::ZERO,
        Duration::from_millis(until_ms),
        status,
    ))
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_until_delivered_once() {
    // Fixed jitter: retries at 250 ms and 750 ms; the outage ends at 300 ms.
    let (client, fake, spy) = setup_with(
        fake_builder().faults(outage(300, StatusCode::INTERNAL_SERVER_ERROR)),
        config_builder(),
    );
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("after the outage"))
        .await
        .expect("delivered after retries");
    assert_eq!(spy.sent().len(), 3);
    let nonces: Vec<_> = spy
        .sent()
        .iter()
        .map(|r| r.json()["nonce"].clone())
        .collect();
    assert!(
        nonces.windows(2).all(|pair| pair[0] == pair[1]),
        "one nonce for every attempt"
    );
    let stored = fake.messages(TEXT);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, sent.id);
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_the_policy_limit() {
    let (client, fake, _spy) = setup_with(
        fake_builder().faults(outage(60_000, StatusCode::BAD_GATEWAY)),
        config_builder(),
    );
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("outage outlasts the retries");
    assert_eq!(error.kind(), &ErrorKind::ServerError { status: 502 });
    assert_eq!(fake.counters().requests, 4, "one attempt and three retries");
}

#[tokio::test(start_paused = true)]
async fn a_webhook_execute_that_may_have_been_delivered_is_not_repeated() {
    let faults = FaultConfig::none()
        .error_after(1.0)
        .statuses([StatusCode::INTERNAL_SERVER_ERROR]);
    let (client, fake, _spy) = setup_with(fake_builder().faults(faults), config_builder());
    let error = client
        .execute_webhook(ExecuteWebhook::new().content("alert"))
        .await
        .expect_err("500 after processing");
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    let source = std::error::Error::source(&error).expect("the 500 is kept");
    assert!(source.to_string().contains("(500)"), "{source}");
    assert_eq!(fake.counters().requests, 1);
    assert_eq!(
        fake.messages(TEXT).len(),
        1,
        "it was in fact delivered, once"
    );
}

#[tokio::test(start_paused = true)]
async fn a_webhook_execute_refused_before_processing_is_retried() {
    let (client, fake, _spy) = setup_with(
        fake_builder().faults(outage(100, StatusCode::SERVICE_UNAVAILABLE)),
        config_builder(),
    );
    client
        .execute_webhook(ExecuteWebhookParams::new(
            ExecuteWebhook::new().content("alert"),
        ))
        .await
        .expect("503 means nothing happened, so it is retried");
    assert_eq!(fake.counters().requests, 2);
    assert_eq!(fake.messages(TEXT).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_webhook_connection_is_reported_as_maybe_delivered() {
    let (client, fake, _spy) = setup_with(
        fake_builder().faults(FaultConfig::none().drop_after(1.0)),
        config_builder(),
    );
    let error = client
        .execute_webhook(ExecuteWebhook::new().content("alert"))
        .await
        .expect_err("dropped");
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    assert_eq!(fake.counters().requests, 1);
}

#[tokio::test(start_paused = true)]
async fn a_burst_to_one_channel_meets_no_429() {
    let (client, fake, _spy) = setup();
    let mut tasks = JoinSet::new();
    for n in 0..30 {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .send_message(TEXT_ID, CreateMessage::new().content(format!("burst {n}")))
                .await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("sent");
    }
    let counters = fake.counters();
    assert_eq!(counters.messages_created, 30);
    assert_eq!(
        counters.rate_limited_user
            + counters.rate_limited_sublimit
            + counters.rate_limited_global
            + counters.rate_limited_shared,
        0
    );
    assert_eq!(counters.requests, 30);
}

#[tokio::test(start_paused = true)]
async fn five_hundred_sends_through_faults_are_each_delivered_exactly_once() {
    // 2% server errors and 1% dropped connections, half before and half
    // after Discord processed the request.
    let faults = FaultConfig::none()
        .error_before(0.01)
        .error_after(0.01)
        .drop_before(0.005)
        .drop_after(0.005);
    let (client, fake, _spy) =
        setup_with(fake_builder().seed(2024).faults(faults), config_builder());
    // Ten workers share the 500 sends, as a service's worker pool would.
    let mut tasks = JoinSet::new();
    for worker in 0..10 {
        let client = client.clone();
        tasks.spawn(async move {
            for n in (worker..500).step_by(10) {
                client
                    .send_message(TEXT_ID, CreateMessage::new().content(format!("event {n}")))
                    .await?;
            }
            Ok::<(), bugle::DiscordError>(())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("delivered");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for message in fake.messages(TEXT) {
        *seen.entry(message.content).or_default() += 1;
    }
    assert_eq!(seen.len(), 500, "every message delivered");
    assert!(seen.values().all(|&count| count == 1), "no duplicates");
    let counters = fake.counters();
    assert_eq!(counters.messages_created, 500);
    assert!(counters.faults_injected > 0, "faults were injected");
    assert!(counters.requests > 500, "failed attempts were retried");
}

/// Retries once, after `wait`, whatever the failure.
#[derive(Debug)]
struct RetryOnceAfter(Duration);

impl RetryPolicy for RetryOnceAfter {
    fn decide(&self, context: &RetryContext) -> RetryDecision {
        if context.attempt == 1 {
            RetryDecision::RetryAfter(self.0)
        } else {
            RetryDecision::GiveUp
        }
    }
}

/// A message create whose answer is lost after Discord saved it, retried by
/// a policy that waits `wait`, under a deadline long enough for any wait.
async fn lost_answer_then_retry_after(
    wait: Duration,
) -> (bugle::DiscordError, bugle_sim::fake::FakeDiscord) {
    let (client, fake, _spy) = setup_with(
        fake_builder().faults(FaultConfig::none().drop_after(1.0)),
        config_builder()
            .retry_policy(RetryOnceAfter(wait))
            .operation_timeout(Duration::from_secs(600)),
    );
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("saved, answer lost"))
        .await
        .expect_err("every answer is lost");
    (error, fake)
}

#[tokio::test(start_paused = true)]
async fn a_nonce_create_is_not_resent_once_the_dedupe_window_has_passed() {
    let wait = NONCE_DEDUPE_WINDOW + Duration::from_secs(1);
    let (error, fake) = lost_answer_then_retry_after(wait).await;
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    let source = std::error::Error::source(&error)
        .and_then(|source| source.downcast_ref::<bugle::DiscordError>())
        .expect("the reason is kept");
    assert_eq!(
        source.kind(),
        &ErrorKind::DeadlineExceeded {
            deadline: NONCE_DEDUPE_WINDOW
        }
    );
    assert_eq!(
        fake.counters().requests,
        1,
        "the resend Discord could no longer deduplicate was not sent"
    );
    assert_eq!(fake.messages(TEXT).len(), 1, "the first attempt was saved");
}

#[tokio::test(start_paused = true)]
async fn a_nonce_create_is_resent_within_the_dedupe_window() {
    let wait = NONCE_DEDUPE_WINDOW.saturating_sub(Duration::from_secs(1));
    let (error, fake) = lost_answer_then_retry_after(wait).await;
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    assert_eq!(
        fake.counters().requests,
        2,
        "the resend was safe, so it was sent"
    );
    assert_eq!(
        fake.messages(TEXT).len(),
        1,
        "discord dropped the resend by its nonce"
    );
}

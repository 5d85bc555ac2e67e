//! A Discord that often fails *after* it stored the change (5xx and dropped
//! connections after processing): every card still appears once, on bot
//! routes (nonce, marker) and on webhook routes with a lookup channel
//! (marker), and ends in its group's latest state. Paused clock.

mod common;

use std::time::Duration;

use bugle_relay::Source;
use bugle_sim::fake::{FakeRateLimits, FaultConfig};
use common::{ALERTS, HOOK_CHANNEL, InProcess, am, cards, fake, title};
use http::{HeaderMap, HeaderValue};

#[tokio::test(start_paused = true)]
async fn failures_after_processing_never_duplicate_a_card() {
    let faults = FaultConfig::none().error_after(0.2).drop_after(0.1);
    let fake = fake()
        .seed(11)
        .faults(faults)
        .rate_limits(FakeRateLimits::disabled())
        .build();
    let rules = "[[rules]]\nmatchers = ['service=~\"hook.*\"']\nwebhook = \"ops\"\n[default]\nchannel = \"alerts\"";
    let relay = InProcess::start(fake.clone(), rules).await;
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", common::INGEST_TOKEN)).unwrap(),
    );
    for step in 1..=3 {
        for group in 0..10 {
            for prefix in ["bot", "hook"] {
                let body = am(
                    &format!("{prefix}{group}"),
                    "firing",
                    step,
                    "2026-01-01T10:00:00Z",
                );
                relay
                    .relay
                    .accept(
                        Source::Alertmanager,
                        None,
                        &headers,
                        body.to_string().as_bytes(),
                    )
                    .await
                    .expect("accepted");
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    for _ in 0..120 {
        if relay.relay.outbox().stats().await.unwrap().pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let stats = relay.relay.outbox().stats().await.unwrap();
    assert_eq!((stats.pending, stats.dead), (0, 0), "{stats:?}");
    assert!(
        fake.counters().faults_injected > 10,
        "the faults happened: {:?}",
        fake.counters()
    );
    for (channel, prefix) in [(ALERTS, "bot"), (HOOK_CHANNEL, "hook")] {
        let all = cards(&fake, channel);
        for group in 0..10 {
            let suffix = format!("· {prefix}{group}");
            let mine: Vec<String> = all
                .iter()
                .map(title)
                .filter(|t| t.ends_with(&suffix))
                .collect();
            assert_eq!(mine.len(), 1, "{prefix}{group}: {mine:?}");
            assert!(mine[0].contains("[FIRING:3]"), "{prefix}{group}: {mine:?}");
        }
    }
    relay.stop().await;
}

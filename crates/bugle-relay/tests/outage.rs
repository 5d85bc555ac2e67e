//! A 10-minute Discord outage on tokio's paused clock: every notification
//! is accepted during it, and delivered afterwards coalesced per episode.

mod common;

use std::time::Duration;

use bugle_relay::Source;
use bugle_sim::fake::{FaultConfig, Outage};
use common::{ALERTS, InProcess, am, cards, fake, title};
use http::{HeaderMap, HeaderValue, StatusCode};

fn auth() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", common::INGEST_TOKEN)).unwrap(),
    );
    headers
}

#[tokio::test(start_paused = true)]
async fn a_ten_minute_outage_delays_and_coalesces_but_loses_nothing() {
    let faults = FaultConfig::none().outage(Outage::new(
        Duration::ZERO,
        Duration::from_secs(600),
        StatusCode::SERVICE_UNAVAILABLE,
    ));
    let fake = fake().faults(faults).build();
    let relay = InProcess::start(fake.clone(), "[default]\nchannel = \"alerts\"").await;
    let accept = |body: serde_json::Value| {
        let relay = relay.relay.clone();
        async move {
            relay
                .accept(
                    Source::Alertmanager,
                    None,
                    &auth(),
                    body.to_string().as_bytes(),
                )
                .await
                .expect("accepted during the outage")
        }
    };
    // Started during the outage: the destinations cannot be checked, and
    // that is said, not fatal.
    assert!(
        relay.relay.check_destinations().await,
        "some destination was unchecked"
    );
    let checks = relay.relay.destination_checks();
    let alerts = checks
        .iter()
        .find(|c| c.name == "alerts")
        .expect("alerts checked");
    assert!(
        alerts
            .state
            .starts_with("unchecked: discord did not answer"),
        "{checks:?}"
    );
    relay
        .relay
        .outbox()
        .probe(0)
        .await
        .expect("the outbox is writable: ready");
    let t0 = "2026-01-01T10:00:00Z";
    // Group "checkout": firing, a change, resolved: one resolved card.
    accept(am("checkout", "firing", 2, t0)).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    accept(am("checkout", "firing", 3, t0)).await;
    // Group "payments": firing, resolved, firing again: two episodes.
    accept(am("payments", "firing", 1, t0)).await;
    tokio::time::sleep(Duration::from_secs(60)).await;
    accept(am("checkout", "resolved", 3, t0)).await;
    accept(am("payments", "resolved", 1, t0)).await;
    tokio::time::sleep(Duration::from_secs(60)).await;
    accept(am("payments", "firing", 1, "2026-01-01T10:20:00Z")).await;
    assert!(cards(&fake, ALERTS).is_empty(), "discord is down");
    assert!(relay.relay.outbox().stats().await.unwrap().pending >= 6);

    // Discord comes back at 10 minutes; the backoff is at most a minute.
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_secs(10)).await;
        if relay.relay.outbox().stats().await.unwrap().pending == 0 {
            break;
        }
    }
    let stats = relay.relay.outbox().stats().await.unwrap();
    assert_eq!(stats.pending, 0, "everything delivered: {stats:?}");
    assert_eq!(stats.dead, 0);
    let all = cards(&fake, ALERTS);
    let titles: Vec<String> = all.iter().map(title).collect();
    assert_eq!(all.len(), 3, "{titles:#?}");
    let checkout: Vec<&String> = titles
        .iter()
        .filter(|t| t.contains("HighLatency") && !t.contains("FIRING"))
        .collect();
    assert_eq!(
        checkout.len(),
        2,
        "checkout and the first payments episode resolved: {titles:#?}"
    );
    assert_eq!(
        titles.iter().filter(|t| t.contains("[FIRING:1]")).count(),
        1,
        "{titles:#?}"
    );
    // Coalesced: three creates, no card ever showed a state it did not end in.
    assert_eq!(fake.counters().messages_created, 3);
    let edits = fake
        .request_log()
        .iter()
        .filter(|r| r.method == http::Method::PATCH && r.status.is_some_and(|s| s.is_success()))
        .count();
    assert_eq!(edits, 0, "nothing was edited: the latest state was posted");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_discord_that_comes_back_gets_everything() {
    // Nothing listens on the API's port yet: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port");
    let dir = common::TempDir::new();
    let api = format!("http://127.0.0.1:{port}/api");
    let config = common::load(&common::config_text(
        &dir.file("outbox.sqlite3"),
        Some(&api),
        "[default]\nchannel = \"alerts\"",
    ));
    let client = bugle::DiscordClient::new(
        bugle_relay::discord_config(&config)
            .build()
            .expect("config"),
    )
    .expect("client");
    let relay = bugle_relay::Relay::open(config, client, bugle_relay::clock::Clock::system())
        .await
        .expect("relay");
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(relay.worker("w").run(stop_rx));
    for group in ["a", "b", "c"] {
        let body = am(group, "firing", 1, "2026-01-01T10:00:00Z");
        relay
            .accept(
                Source::Alertmanager,
                None,
                &auth(),
                body.to_string().as_bytes(),
            )
            .await
            .expect("accepted while discord is unreachable");
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(relay.outbox().stats().await.unwrap().pending, 3);
    // Discord comes back on that port.
    let fake = fake().build();
    let server = fake
        .serve(([127, 0, 0, 1], port).into())
        .await
        .expect("bind the api port");
    let mut delivered = false;
    for _ in 0..300 {
        if relay.outbox().stats().await.unwrap().pending == 0 {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "delivered once discord answered");
    assert_eq!(cards(&fake, ALERTS).len(), 3);
    let _ = stop.send(true);
    worker.await.expect("worker");
    server.shutdown().await;
}

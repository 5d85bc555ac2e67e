//! No secret (bot token, webhook token, bearer token, basic password, HMAC
//! secret) in `Debug` output, in the logs of a busy run, or in the outbox
//! file.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bugle_relay::auth::grafana_signature;
use common::{
    BASIC_PASSWORD, HMAC_SECRET, HOOK_CHANNEL, INGEST_TOKEN, SECRETS, Served, am, cards,
    eventually, fake,
};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_debug_logs_or_the_outbox_file() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let relay = Served::start(
        fake().build(),
        "[[rules]]\nmatchers = ['service=\"db\"']\nwebhook = \"ops\"\n[default]\nchannel = \"alerts\"",
    )
    .await;
    // Refused attempts, each near a secret.
    let body = am("db", "firing", 1, "2026-01-01T10:00:00Z").to_string();
    let near = format!("Bearer {INGEST_TOKEN}x");
    relay
        .post_raw("/alertmanager", &[("authorization", near)], body.as_bytes())
        .await;
    let wrong_basic =
        base64::engine::general_purpose::STANDARD.encode(format!("alertmanager:{BASIC_PASSWORD}x"));
    relay
        .post_raw(
            "/alertmanager",
            &[("authorization", format!("Basic {wrong_basic}"))],
            body.as_bytes(),
        )
        .await;
    let secretish =
        format!(r#"{{"version":"4","groupKey":"{HMAC_SECRET}","status":"nope","alerts":[]}}"#);
    relay
        .post_raw(
            "/alertmanager",
            &[("authorization", format!("Bearer {INGEST_TOKEN}"))],
            secretish.as_bytes(),
        )
        .await;
    // Accepted ones, through every method, delivered by bot and by webhook.
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("alertmanager:{BASIC_PASSWORD}"));
    assert_eq!(
        relay
            .post_raw(
                "/alertmanager",
                &[("authorization", format!("Basic {basic}"))],
                body.as_bytes()
            )
            .await
            .status,
        200
    );
    let grafana = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/alerts/grafana-firing.json"
    ))
    .unwrap();
    let ts = (relay.relay.clock().now_ms() / 1000).to_string();
    let signed = [
        (
            "x-grafana-alerting-signature",
            grafana_signature(HMAC_SECRET, Some(&ts), &grafana),
        ),
        ("x-grafana-alerting-timestamp", ts),
    ];
    assert_eq!(
        relay.post_raw("/grafana", &signed, &grafana).await.status,
        200
    );
    let fake = relay.fake.clone();
    eventually("the webhook card", || {
        cards(&fake, HOOK_CHANNEL).into_iter().next()
    })
    .await;
    eventually("the bot card", || {
        cards(&fake, common::ALERTS).into_iter().next()
    })
    .await;

    let debug = format!("{:?} {:?}", relay.relay, relay.relay.config());
    let outbox = std::fs::read(relay.dir.file("outbox.sqlite3")).unwrap();
    let wal = std::fs::read(relay.dir.file("outbox.sqlite3-wal")).unwrap_or_default();
    relay.stop().await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("refused a notification"),
        "the refusals were logged:\n{logs}"
    );
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{secret} in Debug output");
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
        for bytes in [&outbox, &wal] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in the outbox file"
            );
        }
    }
}

//! A crash between a card's post and the commit of its message id: the next
//! worker finds the card by its marker, adopts it instead of posting a
//! second one, and brings it up to the latest state. Paused clock.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bugle::transport::{Transport, TransportFuture, TransportRequest};
use bugle_relay::Source;
use bugle_sim::fake::FakeDiscord;
use common::{ALERTS, InProcess, am, cards, config_text, fake, load, title};
use http::{HeaderMap, HeaderValue, Method};

/// Passes requests to the fake, but the first card post, once Discord has
/// stored it, never answers: the process "dies" there.
#[derive(Debug, Clone)]
struct DiesAfterFirstPost {
    fake: FakeDiscord,
    died: Arc<AtomicBool>,
}

impl Transport for DiesAfterFirstPost {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let is_post = request.method() == Method::POST
            && request
                .uri()
                .path()
                .ends_with(&format!("/channels/{ALERTS}/messages"));
        Box::pin(async move {
            let answer = self.fake.send(request).await;
            if is_post && !self.died.swap(true, Ordering::SeqCst) {
                std::future::pending::<()>().await;
            }
            answer
        })
    }
}

fn auth() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", common::INGEST_TOKEN)).unwrap(),
    );
    headers
}

#[tokio::test(start_paused = true)]
async fn a_post_interrupted_after_discord_stored_it_is_adopted_not_repeated() {
    let fake = fake().build();
    let dir = common::TempDir::new();
    let rules = "[default]\nchannel = \"alerts\"";
    let config = load(&config_text(&dir.file("outbox.sqlite3"), None, rules));
    let dying = DiesAfterFirstPost {
        fake: fake.clone(),
        died: Arc::new(AtomicBool::new(false)),
    };
    let relay = InProcess::through(dying, fake.clone(), config, dir).await;
    let post = |alerts: usize| {
        let relay = relay.relay.clone();
        async move {
            let body = am("checkout", "firing", alerts, "2026-01-01T10:00:00Z");
            relay
                .accept(
                    Source::Alertmanager,
                    None,
                    &auth(),
                    body.to_string().as_bytes(),
                )
                .await
                .expect("accepted");
        }
    };
    post(1).await;
    for _ in 0..100 {
        if !cards(&fake, ALERTS).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        cards(&fake, ALERTS).len(),
        1,
        "Discord stored the first post"
    );
    // A newer state arrives while the worker hangs; then the worker is gone.
    post(2).await;
    let (fake, dir) = relay.stop().await;

    let config = load(&config_text(&dir.file("outbox.sqlite3"), None, rules));
    let relay = InProcess::with(fake.clone(), config, dir).await;
    for _ in 0..200 {
        if relay.relay.outbox().stats().await.unwrap().pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let all = cards(&fake, ALERTS);
    assert_eq!(
        all.len(),
        1,
        "adopted, not posted again: {:?}",
        all.iter().map(title).collect::<Vec<_>>()
    );
    assert!(
        title(&all[0]).contains("[FIRING:2]"),
        "brought up to date: {}",
        title(&all[0])
    );
    relay.stop().await;
}

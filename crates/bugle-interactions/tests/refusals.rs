//! What the endpoint refuses before any handler runs: bad signatures (401),
//! oversized bodies (413), malformed interactions (400).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use bugle::{DiscordClient, DiscordConfig};
use bugle_interactions::{Interactions, Reply, WallClock};
use ed25519_dalek::{Signer, SigningKey};
use http::{Request, StatusCode};
use tower::ServiceExt;

const NOW: i64 = 1_780_000_000;

/// A refused request: what is wrong, its headers, its body.
type Case = (&'static str, Vec<(&'static str, String)>, String);

struct Endpoint {
    router: axum::Router,
    key: SigningKey,
    runs: Arc<AtomicUsize>,
}

fn endpoint() -> Endpoint {
    let key = SigningKey::from_bytes(&[3; 32]);
    let config = DiscordConfig::builder().bot_token("t").build().unwrap();
    let fake = bugle_sim::fake::FakeDiscord::builder().build();
    let client = DiscordClient::with_transport(config, fake);
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let app = Interactions::builder(&hex::encode(key.verifying_key().as_bytes()), client)
        .unwrap()
        .clock(WallClock::anchored(NOW))
        .max_body_bytes(4096)
        .command("ping", move |_ctx| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Reply::text("pong") }
        })
        .build();
    Endpoint {
        router: app.router("/interactions"),
        key,
        runs,
    }
}

fn command(name: &str) -> String {
    format!(
        r#"{{"id":"1","application_id":"2","type":2,"token":"t","version":1,"channel_id":"3",
            "user":{{"id":"4","username":"ana"}},"data":{{"id":"5","name":"{name}","type":1}}}}"#
    )
}

fn request(headers: &[(&str, String)], body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post("/interactions");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.body(body.into()).unwrap()
}

fn signed(key: &SigningKey, timestamp: i64, body: &str) -> Vec<(&'static str, String)> {
    let timestamp = timestamp.to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body.as_bytes());
    vec![
        (
            "x-signature-ed25519",
            hex::encode(key.sign(&message).to_bytes()),
        ),
        ("x-signature-timestamp", timestamp),
    ]
}

async fn status(endpoint: &Endpoint, request: Request<Body>) -> StatusCode {
    endpoint
        .router
        .clone()
        .oneshot(request)
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_good_request_runs_the_handler() {
    let endpoint = endpoint();
    let body = command("ping");
    let ok = request(&signed(&endpoint.key, NOW, &body), body);
    assert_eq!(status(&endpoint, ok).await, StatusCode::OK);
    assert_eq!(endpoint.runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_signature_failure_is_a_401_and_runs_nothing() {
    let endpoint = endpoint();
    let body = command("ping");
    let stranger = SigningKey::from_bytes(&[9; 32]);
    let good = signed(&endpoint.key, NOW, &body);
    let cases: Vec<Case> = vec![
        ("wrong key", signed(&stranger, NOW, &body), body.clone()),
        ("tampered body", good.clone(), body.replace("ping", "pong")),
        (
            "stale",
            signed(&endpoint.key, NOW - 600, &body),
            body.clone(),
        ),
        (
            "future",
            signed(&endpoint.key, NOW + 600, &body),
            body.clone(),
        ),
        ("no headers", vec![], body.clone()),
        ("no timestamp", vec![good[0].clone()], body.clone()),
        ("no signature", vec![good[1].clone()], body.clone()),
        (
            "malformed hex",
            vec![("x-signature-ed25519", "xy".repeat(64)), good[1].clone()],
            body.clone(),
        ),
        (
            "short signature",
            vec![("x-signature-ed25519", "ab".repeat(10)), good[1].clone()],
            body.clone(),
        ),
        (
            "malformed timestamp",
            vec![
                good[0].clone(),
                ("x-signature-timestamp", "soon".to_owned()),
            ],
            body.clone(),
        ),
    ];
    for (case, headers, body) in cases {
        assert_eq!(
            status(&endpoint, request(&headers, body)).await,
            StatusCode::UNAUTHORIZED,
            "{case}"
        );
    }
    assert_eq!(endpoint.runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_before_any_check() {
    let endpoint = endpoint();
    let body = format!("{}{}", command("ping"), " ".repeat(5000));
    let signed_big = request(&signed(&endpoint.key, NOW, &body), body.clone());
    assert_eq!(
        status(&endpoint, signed_big).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Declared too large by its content-length: refused before reading.
    let mut declared = signed(&endpoint.key, NOW, &body);
    declared.push(("content-length", body.len().to_string()));
    assert_eq!(
        status(&endpoint, request(&declared, body)).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(endpoint.runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_interaction_is_a_400() {
    let endpoint = endpoint();
    for body in [
        "{}",
        "not json",
        r#"{"type":2,"id":"1","application_id":"2","token":"t"}"#,
    ] {
        let bad = request(&signed(&endpoint.key, NOW, body), body.to_owned());
        assert_eq!(
            status(&endpoint, bad).await,
            StatusCode::BAD_REQUEST,
            "{body}"
        );
    }
    assert_eq!(endpoint.runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_ping_gets_a_json_pong() {
    let endpoint = endpoint();
    let body = r#"{"type":1,"id":"1","application_id":"2","token":"t","version":1}"#;
    let response = endpoint
        .router
        .clone()
        .oneshot(request(&signed(&endpoint.key, NOW, body), body.to_owned()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&bytes[..], br#"{"type":1}"#);
}

#[tokio::test]
async fn an_unknown_interaction_type_is_refused_without_a_panic() {
    let endpoint = endpoint();
    let body = r#"{"type":99,"id":"1","application_id":"2","token":"t","data":{"new":true}}"#;
    let refused = request(&signed(&endpoint.key, NOW, body), body.to_owned());
    assert_eq!(status(&endpoint, refused).await, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_replayed_interaction_is_refused_and_runs_nothing_twice() {
    let endpoint = endpoint();
    let body = command("ping");
    let headers = signed(&endpoint.key, NOW, &body);
    assert_eq!(
        status(&endpoint, request(&headers, body.clone())).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&endpoint, request(&headers, body)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(endpoint.runs.load(Ordering::SeqCst), 1);
}

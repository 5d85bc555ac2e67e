//! No token reaches a cassette, and a save that would leak a secret is refused.

mod cassette_common;

use bugle_sim::cassette::{Body, CassetteErrorKind, Recorder};
use bugle_transport::Transport as _;
use bytes::Bytes;
use cassette_common::{
    BOT_TOKEN, CHANNEL, TempDir, WEBHOOK_TOKEN, bot_request, mini_discord, webhook_request,
};
use http::Method;
use serde_json::json;

#[tokio::test(start_paused = true)]
async fn no_token_anywhere_in_the_saved_file() {
    let dir = TempDir::new("no-token");
    let path = dir.0.join("c.json");
    let recorder = Recorder::new(mini_discord());
    recorder
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": "hi"})),
        ))
        .await
        .unwrap();
    recorder.send(webhook_request("hook")).await.unwrap();
    // A body that echoes both tokens: they are learned from the header and the path.
    recorder
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": format!("{BOT_TOKEN} {WEBHOOK_TOKEN}")})),
        ))
        .await
        .unwrap();
    recorder.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(BOT_TOKEN), "{text}");
    assert!(!text.contains(WEBHOOK_TOKEN), "{text}");
    assert!(!text.to_ascii_lowercase().contains("authorization"));
    assert!(!text.contains("user-agent"));
    assert!(
        text.contains("/api/v10/webhooks/200000000000000002/{webhook_token}"),
        "{text}"
    );
    assert!(text.contains("{redacted} {redacted}"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn configured_secrets_are_scrubbed_from_bodies_and_queries() {
    let recorder = Recorder::new(mini_discord()).with_secret("s3cr3t-value");
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v10/channels/{CHANNEL}/messages?key=s3cr3t-value"
        ))
        .header("content-type", "application/json")
        .header("x-audit-log-reason", "rotated s3cr3t-value")
        .body(Bytes::from_static(
            br#"{"content":"the s3cr3t-value is here"}"#,
        ))
        .unwrap();
    recorder.send(request).await.unwrap();
    let cassette = recorder.cassette();
    let kept = &cassette.interactions[0].request;
    assert_eq!(
        kept.query.get("key").map(String::as_str),
        Some("{redacted}")
    );
    assert_eq!(
        kept.headers.get("x-audit-log-reason").map(String::as_str),
        Some("rotated {redacted}")
    );
    assert_eq!(
        kept.body,
        Some(Body::Json(json!({"content": "the {redacted} is here"})))
    );
    assert!(!cassette.to_json().contains("s3cr3t-value"));
}

#[tokio::test(start_paused = true)]
async fn save_refuses_a_cassette_that_still_holds_a_secret() {
    let dir = TempDir::new("leak");
    let recorder = Recorder::new(mini_discord());
    recorder
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": "password: swordfish-42"})),
        ))
        .await
        .unwrap();
    // Configured only after the request was kept, so the text still holds it.
    recorder.add_secret("swordfish-42");
    let err = recorder.save(dir.0.join("leak.json")).unwrap_err();
    assert_eq!(err.kind(), CassetteErrorKind::SecretLeak);
    assert!(!err.to_string().contains("swordfish-42"));
    assert!(
        dir.entries().is_empty(),
        "nothing is written: {:?}",
        dir.entries()
    );
}

#[tokio::test(start_paused = true)]
async fn webhook_objects_lose_their_token_field() {
    let transport = cassette_common::ClosureTransport::new(|_| {
        Ok(cassette_common::json_response(
            200,
            &json!({"id": "1", "token": "abc", "name": "hook"}),
        ))
    });
    let recorder = Recorder::new(transport);
    recorder
        .send(bot_request(
            Method::GET,
            &format!("/channels/{CHANNEL}/webhooks"),
            None,
        ))
        .await
        .unwrap();
    let response = recorder.cassette().interactions[0]
        .response
        .clone()
        .unwrap();
    assert_eq!(
        response.body,
        Some(Body::Json(
            json!({"id": "1", "token": "{token}", "name": "hook"})
        ))
    );
}

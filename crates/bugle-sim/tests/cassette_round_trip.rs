//! Record through a `Recorder`, save, load, replay: the same session works without the
//! recorded transport, and every interaction is used.

mod cassette_common;

use bugle_sim::cassette::{Body, Cassette, Recorder, Replayer};
use bugle_transport::Transport as _;
use cassette_common::{CHANNEL, TempDir, body_json, bot_request, mini_discord, webhook_request};
use http::Method;
use serde_json::json;

/// What the recorded session looks like on disk.
fn check_saved_cassette(cassette: &Cassette) {
    assert_eq!(cassette.format_version, bugle_sim::cassette::FORMAT_VERSION);
    assert_eq!(cassette.metadata.discord_api_version.as_deref(), Some("10"));
    let operations: Vec<&str> = cassette
        .interactions
        .iter()
        .map(|i| i.operation.as_str())
        .collect();
    assert_eq!(
        operations,
        [
            "POST /channels/{channel_id}/messages",
            "PATCH /channels/{channel_id}/messages/{message_id}",
            "POST /webhooks/{webhook_id}/{webhook_token}",
        ]
    );
    let first = &cassette.interactions[0];
    assert_eq!(
        first.request.body,
        Some(Body::Json(json!({"content": "hello", "nonce": "n1"})))
    );
    let rate_limit = first.rate_limit.as_ref().unwrap();
    assert_eq!(rate_limit.bucket.as_deref(), Some("abcd1234"));
    assert_eq!(rate_limit.remaining, Some(4));
    let response = first.response.as_ref().unwrap();
    assert!(response.headers.contains_key("x-ratelimit-limit"));
    assert!(
        !response.headers.contains_key("date"),
        "only rate-limit and content headers are kept"
    );
    assert_eq!(
        cassette.interactions[2]
            .request
            .query
            .get("wait")
            .map(String::as_str),
        Some("true")
    );
}

#[tokio::test(start_paused = true)]
async fn record_save_load_replay_round_trip() {
    let dir = TempDir::new("round-trip");
    let path = dir.0.join("session.json");

    let recorder = Recorder::new(mini_discord());
    let created = recorder
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": "hello", "nonce": "n1"})),
        ))
        .await
        .unwrap();
    let message_id = body_json(&created)["id"].as_str().unwrap().to_owned();
    let edited = recorder
        .send(bot_request(
            Method::PATCH,
            &format!("/channels/{CHANNEL}/messages/{message_id}"),
            Some(json!({"content": "edited"})),
        ))
        .await
        .unwrap();
    let hook = recorder.send(webhook_request("from a hook")).await.unwrap();
    recorder.save(&path).unwrap();
    assert_eq!(
        dir.entries(),
        vec!["session.json".to_owned()],
        "no temporary file is left"
    );

    check_saved_cassette(&Cassette::load(&path).unwrap());

    let replayer = Replayer::load(&path).unwrap();
    let answer = replayer
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"nonce": "other", "content": "hello"})),
        ))
        .await
        .unwrap();
    assert_eq!(answer.status(), created.status());
    let answer_body = body_json(&answer);
    assert_eq!(answer_body["content"], json!("hello"));
    assert_eq!(
        answer_body["channel_id"],
        json!(CHANNEL),
        "ids the caller sent are kept"
    );
    let fresh_id = answer_body["id"].as_str().unwrap().to_owned();
    assert_ne!(fresh_id, message_id, "created ids are fresh snowflakes");
    assert_eq!(answer.headers()["x-ratelimit-remaining"], "4");

    let edit_answer = replayer
        .send(bot_request(
            Method::PATCH,
            &format!("/channels/{CHANNEL}/messages/{fresh_id}"),
            Some(json!({"content": "edited"})),
        ))
        .await
        .unwrap();
    assert_eq!(edit_answer.status(), edited.status());
    assert_eq!(body_json(&edit_answer)["id"], json!(fresh_id));

    let hook_answer = replayer.send(webhook_request("from a hook")).await.unwrap();
    assert_eq!(
        body_json(&hook_answer)["content"],
        body_json(&hook)["content"]
    );
    replayer.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn saving_twice_gives_identical_text() {
    let dir = TempDir::new("stable");
    let recorder = Recorder::new(mini_discord());
    recorder
        .send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": "a", "embeds": [{"title": "t", "description": "d"}]})),
        ))
        .await
        .unwrap();
    recorder.save(dir.0.join("a.json")).unwrap();
    recorder.save(dir.0.join("b.json")).unwrap();
    let a = std::fs::read_to_string(dir.0.join("a.json")).unwrap();
    let b = std::fs::read_to_string(dir.0.join("b.json")).unwrap();
    assert_eq!(a, b);
    assert!(a.ends_with('\n'));
    let description = a.find("\"description\"").unwrap();
    let title = a.find("\"title\"").unwrap();
    assert!(description < title, "json keys are sorted");
    assert_eq!(
        Cassette::from_json(&a).unwrap().to_json(),
        a,
        "parse then print is the identity"
    );
}

#[tokio::test(start_paused = true)]
async fn a_newer_format_version_is_refused() {
    let dir = TempDir::new("version");
    let recorder = Recorder::new(mini_discord());
    recorder.save(dir.0.join("c.json")).unwrap();
    let text = std::fs::read_to_string(dir.0.join("c.json"))
        .unwrap()
        .replace("\"format_version\": 1", "\"format_version\": 99");
    let err = Cassette::from_json(&text).unwrap_err();
    assert_eq!(err.kind(), bugle_sim::cassette::CassetteErrorKind::Load);
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn recorded_transport_errors_replay_as_transport_errors() {
    use bugle_transport::{TransportError, TransportErrorKind};
    let failing = cassette_common::ClosureTransport::new(|_| {
        Err(TransportError::new(
            TransportErrorKind::Io,
            true,
            "connection reset",
        ))
    });
    let recorder = Recorder::new(failing);
    let err = recorder.send(webhook_request("x")).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io);
    let replayer = Replayer::new(recorder.cassette());
    let answer = replayer.send(webhook_request("x")).await.unwrap_err();
    assert_eq!(answer.kind(), TransportErrorKind::Io);
    assert!(answer.request_may_have_been_sent());
}

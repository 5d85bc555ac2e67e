//! How replayed requests find their recorded interactions, and what a miss says.

mod cassette_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bugle_sim::cassette::{CassetteError, CassetteErrorKind, Recorder, ReplayOptions, Replayer};
use bugle_transport::{Transport as _, TransportErrorKind};
use bytes::Bytes;
use cassette_common::{CHANNEL, ClosureTransport, bot_request, json_response, mini_discord};
use http::Method;
use serde_json::{Value, json};

fn post(content: &str) -> bugle_transport::TransportRequest {
    bot_request(
        Method::POST,
        &format!("/channels/{CHANNEL}/messages"),
        Some(json!({"content": content})),
    )
}

async fn recorded(
    requests: Vec<bugle_transport::TransportRequest>,
) -> bugle_sim::cassette::Cassette {
    let recorder = Recorder::new(mini_discord());
    for request in requests {
        recorder.send(request).await.unwrap();
    }
    recorder.cassette()
}

fn no_match(err: &bugle_transport::TransportError) -> &CassetteError {
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    assert!(!err.request_may_have_been_sent());
    CassetteError::find_in(err).expect("a cassette error inside")
}

#[tokio::test(start_paused = true)]
async fn no_match_names_the_nearest_interaction_and_the_differing_field() {
    let cassette = recorded(vec![
        post("hello"),
        bot_request(Method::GET, &format!("/channels/{CHANNEL}"), None),
    ])
    .await;
    let replayer = Replayer::new(cassette);
    let err = replayer.send(post("hullo")).await.unwrap_err();
    let cassette_error = no_match(&err);
    assert_eq!(cassette_error.kind(), CassetteErrorKind::NoMatch);
    let diagnostics = cassette_error.no_match().unwrap();
    assert_eq!(
        diagnostics.operation,
        "POST /channels/{channel_id}/messages"
    );
    let nearest = &diagnostics.nearest[0];
    assert_eq!(nearest.id, 1);
    assert_eq!(nearest.differences.len(), 1);
    assert_eq!(nearest.differences[0].field, "body.json.content");
    assert_eq!(
        nearest.differences[0].recorded.as_deref(),
        Some("\"hello\"")
    );
    assert_eq!(
        nearest.differences[0].requested.as_deref(),
        Some("\"hullo\"")
    );
    let message = err.to_string();
    assert!(
        message.contains("#1 POST /channels/{channel_id}/messages"),
        "{message}"
    );
    assert!(message.contains("body.json.content"), "{message}");
    assert!(!message.contains(cassette_common::BOT_TOKEN));
}

#[tokio::test(start_paused = true)]
async fn a_match_already_used_is_reported_as_such() {
    let replayer = Replayer::new(recorded(vec![post("once")]).await);
    replayer.send(post("once")).await.unwrap();
    let err = replayer.send(post("once")).await.unwrap_err();
    let diagnostics = no_match(&err).no_match().unwrap().clone();
    assert_eq!(diagnostics.already_used, Some(1));
    assert_eq!(diagnostics.nearest[0].uses, 1);
    assert!(diagnostics.nearest[0].differences.is_empty());
    assert!(err.to_string().contains("already used"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn identical_requests_replay_429_then_200_in_order() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let limited = ClosureTransport::new(move |_| {
        let response = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut r = json_response(
                429,
                &json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": false}),
            );
            r.headers_mut().insert("retry-after", "1".parse().unwrap());
            r.headers_mut()
                .insert("x-ratelimit-scope", "user".parse().unwrap());
            r
        } else {
            json_response(200, &json!({"id": "555555555555555555", "content": "x"}))
        };
        Ok(response)
    });
    let recorder = Recorder::new(limited);
    assert_eq!(recorder.send(post("x")).await.unwrap().status(), 429);
    assert_eq!(recorder.send(post("x")).await.unwrap().status(), 200);
    let cassette = recorder.cassette();
    let snapshot = cassette.interactions[0].rate_limit.clone().unwrap();
    assert_eq!(snapshot.retry_after, Some(1.0));
    assert_eq!(snapshot.scope.as_deref(), Some("user"));

    let replayer = Replayer::new(cassette);
    let first = replayer.send(post("x")).await.unwrap();
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    assert_eq!(replayer.send(post("x")).await.unwrap().status(), 200);
    replayer.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn ordered_replay_refuses_a_request_recorded_earlier_and_order_free_allows_it() {
    let cassette = recorded(vec![post("a"), post("b")]).await;

    let ordered = Replayer::new(cassette.clone());
    ordered.send(post("b")).await.unwrap();
    let err = ordered.send(post("a")).await.unwrap_err();
    assert_eq!(no_match(&err).no_match().unwrap().out_of_order, Some(1));
    assert_eq!(ordered.unused().len(), 1);
    assert!(ordered.check_all_used().is_err());

    let free = Replayer::with_options(cassette, ReplayOptions::default().order_free(true));
    free.send(post("b")).await.unwrap();
    free.send(post("a")).await.unwrap();
    free.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn repeats_serve_the_last_match_again_when_allowed() {
    let cassette = recorded(vec![post("again")]).await;
    let replayer = Replayer::with_options(cassette, ReplayOptions::default().allow_repeats(true));
    let a: Value =
        serde_json::from_slice(replayer.send(post("again")).await.unwrap().body()).unwrap();
    let b: Value =
        serde_json::from_slice(replayer.send(post("again")).await.unwrap().body()).unwrap();
    assert_eq!(a["content"], b["content"]);
    assert_eq!(
        a["id"], b["id"],
        "the same recorded id maps to the same fresh id"
    );
}

#[tokio::test(start_paused = true)]
async fn fuzzy_matching_accepts_another_channel_unless_turned_off() {
    let cassette = recorded(vec![post("same body")]).await;
    let elsewhere = || {
        bot_request(
            Method::POST,
            "/channels/100000000000000099/messages",
            Some(json!({"content": "same body"})),
        )
    };

    let fuzzy = Replayer::new(cassette.clone());
    assert_eq!(fuzzy.send(elsewhere()).await.unwrap().status(), 200);

    let strict = Replayer::with_options(cassette, ReplayOptions::default().fuzzy(false));
    let err = strict.send(elsewhere()).await.unwrap_err();
    let nearest = &no_match(&err).no_match().unwrap().nearest[0];
    assert_eq!(nearest.differences[0].field, "path");
}

#[tokio::test(start_paused = true)]
async fn nonce_key_order_and_api_version_do_not_matter() {
    let recorded_request = bot_request(
        Method::POST,
        &format!("/channels/{CHANNEL}/messages"),
        Some(json!({"content": "c", "nonce": "111", "tts": false})),
    );
    let replayer = Replayer::new(recorded(vec![recorded_request]).await);
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v9/channels/{CHANNEL}/messages"
        ))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"tts":false,"nonce":"222","content":"c"}"#,
        ))
        .unwrap();
    assert_eq!(replayer.send(request).await.unwrap().status(), 200);
}

fn multipart_request(boundary: &str, content: &str) -> bugle_transport::TransportRequest {
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{{\"content\":\"{content}\",\"attachments\":[{{\"id\":0,\"filename\":\"log.txt\"}}]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\nline one\nline two\r\n\
         --{boundary}--\r\n"
    );
    http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v10/channels/{CHANNEL}/messages"
        ))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Bytes::from(body))
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn multipart_bodies_match_by_parts_not_boundary() {
    let transport = ClosureTransport::new(|_| Ok(json_response(200, &json!({"id": "1"}))));
    let recorder = Recorder::new(transport);
    recorder
        .send(multipart_request("boundary-recorded", "report"))
        .await
        .unwrap();
    let cassette = recorder.cassette();
    let text = cassette.to_json();
    assert!(!text.contains("boundary-recorded"), "{text}");
    assert!(text.contains("\"payload_json\""), "{text}");
    assert!(text.contains("\"sha256\""), "{text}");
    assert!(text.contains("\"filename\": \"log.txt\""), "{text}");

    let replayer = Replayer::new(cassette);
    let err = replayer
        .send(multipart_request("other-boundary", "changed"))
        .await
        .unwrap_err();
    let nearest = &no_match(&err).no_match().unwrap().nearest[0];
    assert_eq!(
        nearest.differences[0].field,
        "body.multipart.payload_json.content"
    );
    assert_eq!(
        replayer
            .send(multipart_request("other-boundary", "report"))
            .await
            .unwrap()
            .status(),
        200
    );
    replayer.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn webhook_replay_works_with_any_token() {
    let recorder = Recorder::new(mini_discord());
    recorder
        .send(cassette_common::webhook_request("hi"))
        .await
        .unwrap();
    let replayer = Replayer::new(recorder.cassette());
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v10/webhooks/{}/a-different-token-in-ci?wait=true",
            cassette_common::WEBHOOK_ID
        ))
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"content":"hi"}"#))
        .unwrap();
    assert_eq!(replayer.send(request).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_request_is_named_by_the_route_template_it_carries() {
    let named = || {
        let mut request = post("x");
        request
            .extensions_mut()
            .insert(bugle_transport::RouteTemplate::new(
                "/channels/{channel_id}/messages#named",
            ));
        request
    };
    let cassette = recorded(vec![named(), post("x")]).await;
    assert_eq!(
        cassette.interactions[0].operation,
        "POST /channels/{channel_id}/messages#named"
    );
    assert_eq!(
        cassette.interactions[1].operation,
        "POST /channels/{channel_id}/messages"
    );

    // The replayer names the request the same way: by its template, or by its path.
    let replayer = Replayer::new(recorded(vec![named()]).await);
    assert!(replayer.send(post("x")).await.is_err(), "named differently");
    replayer
        .send(named())
        .await
        .expect("replayed by its template");
}

//! Fresh ids in answers responses, mapped back when later requests use them.

mod cassette_common;

use bugle_sim::cassette::{Recorder, Replayer};
use bugle_sim::clock::SimClock;
use bugle_transport::{Transport, TransportRequest};
use cassette_common::{CHANNEL, body_json, bot_request, mini_discord};
use http::Method;
use serde_json::{Value, json};
use time::macros::datetime;

/// Create a message, edit it, react to it and start a thread from it, by whatever id the
/// creation returned.
async fn session(transport: &impl Transport) -> Vec<Value> {
    let send = |request: TransportRequest| transport.send(request);
    let created = body_json(
        &send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages"),
            Some(json!({"content": "deploy started"})),
        ))
        .await
        .unwrap(),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let edited = body_json(
        &send(bot_request(
            Method::PATCH,
            &format!("/channels/{CHANNEL}/messages/{id}"),
            Some(json!({"content": "deploy done"})),
        ))
        .await
        .unwrap(),
    );
    let reacted = send(bot_request(
        Method::PUT,
        &format!("/channels/{CHANNEL}/messages/{id}/reactions/%E2%9C%85/@me"),
        None,
    ))
    .await
    .unwrap();
    assert_eq!(reacted.status(), 204);
    let thread = body_json(
        &send(bot_request(
            Method::POST,
            &format!("/channels/{CHANNEL}/messages/{id}/threads"),
            Some(json!({"name": "deploy log"})),
        ))
        .await
        .unwrap(),
    );
    vec![created, edited, thread]
}

#[tokio::test(start_paused = true)]
async fn a_message_created_in_replay_can_be_edited_reacted_to_and_threaded() {
    let recorder = Recorder::new(mini_discord());
    let live = session(&recorder).await;
    let replayer = Replayer::new(recorder.cassette())
        .with_clock(SimClock::starting_at(datetime!(2031-02-03 4:05:06 UTC)))
        .with_seed(42);
    let answers = session(&replayer).await;
    replayer.assert_all_used();

    let recorded_id = &live[0]["id"];
    let fresh_id = &answers[0]["id"];
    assert_ne!(fresh_id, recorded_id);
    assert_eq!(
        &answers[1]["id"], fresh_id,
        "the edit answers with the same fresh id"
    );
    assert_eq!(
        &answers[2]["id"], fresh_id,
        "the thread id is the message id"
    );
    assert_eq!(answers[1]["content"], json!("deploy done"));
    assert_eq!(
        answers[0]["timestamp"],
        json!("2031-02-03T04:05:06Z"),
        "timestamps are current"
    );
    assert_eq!(
        answers[1]["edited_timestamp"],
        json!("2031-02-03T04:05:06Z")
    );
    assert_ne!(
        answers[0]["author"]["id"], live[0]["author"]["id"],
        "ids new to the caller are fresh"
    );
}

#[tokio::test(start_paused = true)]
async fn same_seed_and_clock_give_the_same_fresh_ids() {
    let recorder = Recorder::new(mini_discord());
    session(&recorder).await;
    let cassette = recorder.cassette();
    let clock = SimClock::starting_at(datetime!(2031-02-03 4:05:06 UTC));
    let a = session(
        &Replayer::new(cassette.clone())
            .with_clock(clock)
            .with_seed(7),
    )
    .await;
    let b = session(&Replayer::new(cassette).with_clock(clock).with_seed(7)).await;
    assert_eq!(a, b);
}

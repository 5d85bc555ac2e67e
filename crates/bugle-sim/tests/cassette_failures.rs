//! Failed exchanges are recorded and replayed like any other: a 400 with Discord's error
//! body and a 5xx come back from the cassette as they came from `FakeDiscord`.

use bugle_sim::cassette::{Cassette, Recorder, Replayer};
use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder, FaultConfig};
use bugle_transport::{Transport, TransportRequest, TransportResponse};
use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

const TOKEN: &str = "failed-exchange-bot-token";
const CHANNEL: u64 = 100;

fn fake() -> FakeDiscordBuilder {
    FakeDiscord::builder()
        .bot_token(TOKEN)
        .seed(7)
        .start_time(datetime!(2025-06-01 12:00 UTC))
        .guild(1)
        .text_channel(CHANNEL)
}

fn create_message(body: &Value) -> TransportRequest {
    http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v10/channels/{CHANNEL}/messages"
        ))
        .header("authorization", format!("Bot {TOKEN}"))
        .header("content-type", "application/json")
        .body(Bytes::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// Records one exchange through `discord`, saves and reloads the cassette as text, and
/// replays the same request: the live and the replayed answer.
async fn record_and_replay(
    discord: FakeDiscord,
    body: &Value,
) -> (TransportResponse, TransportResponse) {
    let recorder = Recorder::new(discord).with_secret(TOKEN);
    let live = recorder
        .send(create_message(body))
        .await
        .expect("the fake answers");
    let text = recorder.cassette().to_json();
    assert!(!text.contains(TOKEN), "the token reached the cassette");
    let replayer = Replayer::new(Cassette::from_json(&text).expect("the cassette loads"));
    let answer = replayer
        .send(create_message(body))
        .await
        .expect("the cassette answers");
    replayer.assert_all_used();
    (live, answer)
}

fn json_of(response: &TransportResponse) -> Value {
    serde_json::from_slice(response.body()).expect("a JSON body")
}

#[tokio::test(start_paused = true)]
async fn a_400_with_discords_error_body_replays_as_recorded() {
    // An empty message: Discord answers 400 with code 50006.
    let (live, replayed) = record_and_replay(fake().build(), &json!({})).await;
    assert_eq!(live.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&live)["code"], 50006);
    assert_eq!(replayed.status(), live.status());
    assert_eq!(json_of(&replayed), json_of(&live));
    assert_eq!(
        replayed.headers().get("content-type"),
        live.headers().get("content-type")
    );
}

#[tokio::test(start_paused = true)]
async fn a_500_replays_as_recorded() {
    let failing = fake()
        .faults(
            FaultConfig::none()
                .error_before(1.0)
                .statuses([StatusCode::INTERNAL_SERVER_ERROR]),
        )
        .build();
    let (live, replayed) = record_and_replay(failing, &json!({"content": "x"})).await;
    assert_eq!(live.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(replayed.status(), live.status());
    assert_eq!(replayed.body(), live.body());
}

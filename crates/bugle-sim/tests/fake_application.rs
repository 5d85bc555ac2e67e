//! The fake application's own rules, against hand-written endpoints: only loopback,
//! Discord's 3 seconds, the callback types each interaction type takes, the limits of
//! the answer's data, and the security probes.

use std::time::Duration;

use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord, InteractionFailure, ProbeFailure};
use bugle_transport::Transport;
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CHANNEL: u64 = 1_100_000_000_000_000_001;
const USER: u64 = 1_200_000_000_000_000_002;

/// A fake with a text channel and the command `ping` registered.
async fn fake() -> FakeDiscord {
    let fake = FakeDiscord::builder().text_channel(CHANNEL).build();
    let path = format!(
        "https://discord.com/api/v10/applications/{}/commands",
        fake.application_id()
    );
    let request = http::Request::put(path)
        .header("authorization", format!("Bot {DEFAULT_BOT_TOKEN}"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"[{"name":"ping","description":"pong"}]"#,
        ))
        .unwrap();
    let response = fake.send(request).await.unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.body());
    fake
}

/// An endpoint that answers every request with `status` and `body` (or never, for
/// `None`); its URL.
async fn endpoint(answer: Option<(u16, &'static str)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buffer = vec![0_u8; 64 * 1024];
                let mut read = 0;
                // Read the head, then the body its content-length announces.
                loop {
                    let n = socket.read(&mut buffer[read..]).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    read += n;
                    let text = String::from_utf8_lossy(&buffer[..read]).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if read >= end + 4 + length {
                            break;
                        }
                    }
                }
                let Some((status, body)) = answer else {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                };
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn only_loopback_endpoints_are_called() {
    let fake = fake().await;
    for url in [
        "https://discord.com/interactions",
        "http://example.com/interactions",
        "http://10.0.0.1/x",
    ] {
        fake.set_interactions_endpoint(url);
        assert_eq!(
            fake.invoke("ping", vec![], USER).await.unwrap_err(),
            InteractionFailure::NotLoopback(url.to_owned())
        );
    }
}

#[tokio::test]
async fn an_unregistered_command_cannot_be_invoked() {
    let fake = fake().await;
    fake.set_interactions_endpoint(
        endpoint(Some((200, r#"{"type":4,"data":{"content":"x"}}"#))).await,
    );
    assert_eq!(
        fake.invoke("deploy", vec![], USER).await.unwrap_err(),
        InteractionFailure::UnknownCommand("deploy".to_owned())
    );
}

#[tokio::test(start_paused = true)]
async fn no_answer_within_three_seconds_fails() {
    let fake = fake().await;
    fake.set_interactions_endpoint(endpoint(None).await);
    assert_eq!(
        fake.invoke("ping", vec![], USER).await.unwrap_err(),
        InteractionFailure::TooSlow
    );
}

#[tokio::test]
async fn a_callback_type_the_interaction_does_not_take_is_refused() {
    let fake = fake().await;
    // Choices (8) answer only autocomplete; an update (7) only components.
    for answer in [
        r#"{"type":8,"data":{"choices":[]}}"#,
        r#"{"type":7,"data":{"content":"x"}}"#,
        r#"{"type":6}"#,
        r#"{"type":1}"#,
    ] {
        fake.set_interactions_endpoint(endpoint(Some((200, answer))).await);
        let failure = fake.invoke("ping", vec![], USER).await.unwrap_err();
        assert!(
            matches!(
                failure,
                InteractionFailure::NotAllowed {
                    interaction_type: 2,
                    ..
                }
            ),
            "{answer}: {failure:?}"
        );
    }
}

#[tokio::test]
async fn answers_beyond_discords_limits_are_refused() {
    let fake = fake().await;
    let long: &'static str = Box::leak(
        format!(
            r#"{{"type":4,"data":{{"content":"{}"}}}}"#,
            "x".repeat(2001)
        )
        .into_boxed_str(),
    );
    for answer in [
        long,
        r#"{"type":4,"data":{}}"#,
        r#"{"type":9,"data":{"custom_id":"m","title":"","components":[{"type":1}]}}"#,
        r#"{"type":9,"data":{"custom_id":"m","title":"t","components":[]}}"#,
    ] {
        fake.set_interactions_endpoint(endpoint(Some((200, answer))).await);
        let failure = fake.invoke("ping", vec![], USER).await.unwrap_err();
        assert!(
            matches!(failure, InteractionFailure::Invalid(_)),
            "{failure:?}"
        );
    }
    assert!(
        fake.messages(CHANNEL).is_empty(),
        "nothing refused is applied"
    );
}

#[tokio::test]
async fn a_non_200_or_a_non_json_answer_fails() {
    let fake = fake().await;
    fake.set_interactions_endpoint(endpoint(Some((500, "{}"))).await);
    assert!(matches!(
        fake.invoke("ping", vec![], USER).await.unwrap_err(),
        InteractionFailure::Status { status: 500, .. }
    ));
    fake.set_interactions_endpoint(endpoint(Some((200, "pong"))).await);
    assert!(matches!(
        fake.invoke("ping", vec![], USER).await.unwrap_err(),
        InteractionFailure::NotAResponse(_)
    ));
}

#[tokio::test]
async fn an_endpoint_that_accepts_bad_signatures_fails_the_probe() {
    let fake = fake().await;
    fake.set_interactions_endpoint(endpoint(Some((200, r#"{"type":1}"#))).await);
    assert!(matches!(
        fake.probe_endpoint().await.unwrap_err(),
        ProbeFailure::AcceptedBadSignature { status: 200, .. }
    ));
    fake.set_interactions_endpoint(endpoint(Some((401, "{}"))).await);
    assert!(matches!(
        fake.probe_endpoint().await.unwrap_err(),
        ProbeFailure::NoPong(_)
    ));
}

#[tokio::test]
async fn the_interaction_webhook_needs_a_known_token() {
    let fake = fake().await;
    let path = format!(
        "https://discord.com/api/v10/webhooks/{}/no-such-token?wait=true",
        fake.application_id()
    );
    let request = http::Request::post(path)
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"content":"hi"}"#))
        .unwrap();
    let response = fake.send(request).await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(String::from_utf8_lossy(response.body()).contains("10015"));
}

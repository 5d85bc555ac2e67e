//! Replays every cassette of `fixtures/cassettes` through the client in replay mode
//! (`Simulation::Replay`): each recorded request is turned back into the client operation
//! that sends it (its body parsed into the model type, a multipart upload's file taken from
//! the fixture world's known bytes), the client's request must match the recording, and the
//! recorded answer must decode. Retries the client makes by itself (after a recorded 429 or
//! 5xx) consume the recorded retry. Each replay ends by checking that every recorded
//! interaction was used.
//!
//! The cassettes were recorded through `DiscordClient` itself (`tests/record_fixtures`), so
//! the recorded bodies are exactly what the client sends; nothing is patched here.

#[allow(dead_code)]
#[path = "../../bugle-sim/tests/fixture_world/constants.rs"]
mod constants;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bugle::{
    DiscordClient, DiscordConfig, ExecuteWebhookParams, Simulation, WebhookTarget, WebhookUrl,
};
use bugle_model::id::{ChannelId, MessageId, UserId, WebhookId};
use bugle_model::request::{
    AttachmentFile, CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage,
    EditMessage, EditWebhookMessage, ExecuteWebhook,
};
use secrecy::SecretString;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use constants::UPLOAD_BYTES;

fn cassettes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cassettes");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

fn id(segment: &str) -> u64 {
    segment
        .parse()
        .unwrap_or_else(|_| panic!("not an id: {segment}"))
}

/// The bytes of a recorded file part: cassettes keep only its SHA-256, so the content comes
/// from the files the recording is known to upload.
fn file_bytes(sha256: &str) -> &'static [u8] {
    [UPLOAD_BYTES]
        .into_iter()
        .find(|bytes| {
            let hex = Sha256::digest(bytes)
                .iter()
                .fold(String::new(), |mut hex, byte| {
                    let _ = write!(hex, "{byte:02x}");
                    hex
                });
            hex == sha256
        })
        .unwrap_or_else(|| panic!("no known file has sha256 {sha256}"))
}

/// The message a recorded create sends: its JSON body, or for a multipart upload its
/// `payload_json` with each `files[n]` part attached again as a file (its description
/// taken from the matching `attachments` entry).
fn create_message(request: &Value) -> CreateMessage {
    let Some(multipart) = request["body"].get("multipart") else {
        return body(request);
    };
    let mut payload = multipart["payload_json"].clone();
    let entries = payload
        .as_object_mut()
        .and_then(|object| object.remove("attachments"))
        .unwrap_or_default();
    let mut message: CreateMessage =
        serde_json::from_value(payload).expect("payload_json parses as a message");
    for part in multipart["files"].as_array().into_iter().flatten() {
        let index: u64 = part["name"]
            .as_str()
            .and_then(|name| name.strip_prefix("files[")?.strip_suffix(']')?.parse().ok())
            .expect("a files[n] part");
        let filename = part["filename"].as_str().expect("a file name");
        let mut file = AttachmentFile::new(
            filename,
            file_bytes(part["sha256"].as_str().expect("sha256")),
        );
        let entry = entries
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["id"].as_u64() == Some(index));
        if let Some(description) = entry.and_then(|entry| entry["description"].as_str()) {
            file = file.description(description);
        }
        message = message.file(file);
    }
    message
}

fn body<T: serde::de::DeserializeOwned>(request: &Value) -> T {
    let json = request["body"].get("json").cloned().unwrap_or(Value::Null);
    serde_json::from_value(json).expect("the recorded body parses as the model type")
}

/// Sends the request `request` records through the matching client operation.
async fn replay_one(client: &DiscordClient, request: &Value) -> Result<(), bugle::DiscordError> {
    let method = request["method"].as_str().expect("method");
    let path = request["path"].as_str().expect("path");
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(2).collect();
    match (method, parts.as_slice()) {
        ("POST", ["channels", channel, "messages"]) => client
            .send_message(ChannelId::new(id(channel)), create_message(request))
            .await
            .map(drop),
        ("PATCH", ["channels", channel, "messages", message]) => client
            .edit_message(
                ChannelId::new(id(channel)),
                MessageId::new(id(message)),
                body::<EditMessage>(request),
            )
            .await
            .map(drop),
        ("DELETE", ["channels", channel, "messages", message]) => {
            client
                .delete_message(ChannelId::new(id(channel)), MessageId::new(id(message)))
                .await
        }
        (
            "PUT",
            [
                "channels",
                channel,
                "messages",
                message,
                "reactions",
                emoji,
                "@me",
            ],
        ) => {
            let emoji = percent_encoding::percent_decode_str(emoji)
                .decode_utf8_lossy()
                .into_owned();
            client
                .add_reaction(
                    ChannelId::new(id(channel)),
                    MessageId::new(id(message)),
                    emoji,
                )
                .await
        }
        ("POST", ["channels", channel, "messages", message, "threads"]) => client
            .create_thread(
                ChannelId::new(id(channel)),
                bugle::NewThread::from_message(
                    MessageId::new(id(message)),
                    body::<CreateThreadFromMessage>(request),
                ),
            )
            .await
            .map(drop),
        ("POST", ["channels", channel, "threads"]) => {
            let channel = ChannelId::new(id(channel));
            if request["body"]["json"].get("message").is_some() {
                client
                    .create_thread(channel, body::<CreateForumThread>(request))
                    .await
                    .map(drop)
            } else {
                client
                    .create_thread(channel, body::<CreateThread>(request))
                    .await
                    .map(drop)
            }
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = request["body"]["json"]["recipient_id"]
                .as_str()
                .expect("recipient");
            client.create_dm(UserId::new(id(recipient))).await.map(drop)
        }
        (_, ["webhooks", ..]) => replay_webhook(client, method, &parts, request).await,
        other => panic!("no client operation for {other:?}"),
    }
}

/// The webhook operations of [`replay_one`].
async fn replay_webhook(
    client: &DiscordClient,
    method: &str,
    parts: &[&str],
    request: &Value,
) -> Result<(), bugle::DiscordError> {
    let query = &request["query"];
    let hook = |id_segment: &str| {
        let url = WebhookUrl::from_parts(
            WebhookId::new(id(id_segment)),
            SecretString::from("replayed-token"),
        )
        .expect("webhook");
        WebhookTarget::url(url)
    };
    match (method, parts) {
        ("POST", ["webhooks", webhook, _token]) => {
            // `with_components=true` is not rebuilt here: the client adds it when the body
            // has components, and the replay matches it against the recording.
            let mut params = ExecuteWebhookParams::new(body::<ExecuteWebhook>(request))
                .target(hook(webhook))
                .wait(query["wait"] == "true");
            if let Some(thread) = query["thread_id"].as_str() {
                params = params.in_thread(ChannelId::new(id(thread)));
            }
            client.execute_webhook(params).await.map(drop)
        }
        ("PATCH", ["webhooks", webhook, _token, "messages", message]) => client
            .edit_webhook_message(
                hook(webhook),
                MessageId::new(id(message)),
                body::<EditWebhookMessage>(request),
            )
            .await
            .map(drop),
        ("DELETE", ["webhooks", webhook, _token, "messages", message]) => {
            client
                .delete_webhook_message(hook(webhook), MessageId::new(id(message)))
                .await
        }
        other => panic!("no client operation for {other:?}"),
    }
}

/// The JSON object a recorded request sends: its JSON body, or a multipart upload's
/// `payload_json`.
fn sent_json(request: &Value) -> &Value {
    let body = &request["body"];
    body.get("multipart")
        .map_or(&body["json"], |multipart| &multipart["payload_json"])
}

/// The non-empty `components` a recorded request sends.
fn sent_components(request: &Value) -> Option<&Value> {
    sent_json(request)
        .get("components")
        .filter(|components| components.as_array().is_some_and(|c| !c.is_empty()))
}

/// The `flags` a recorded request sends (0 when none).
fn flags(request: &Value) -> u64 {
    sent_json(request)["flags"].as_u64().unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn every_cassette_replays_through_the_client() {
    let mut cassettes_replayed = 0;
    let mut uploads_replayed = 0;
    let mut components_replayed = 0;
    let mut v2_replayed = 0;
    for path in cassettes() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let value: Value = serde_json::from_str(&text).expect("json");
        let config = DiscordConfig::builder()
            .simulation(Simulation::Replay(path.clone()))
            .build()
            .expect("config");
        let client = DiscordClient::new(config).expect("the cassette loads");
        let interactions = value["interactions"].as_array().expect("interactions");
        let mut previous: Option<&Value> = None;
        for interaction in interactions {
            let retried = previous.is_some_and(|before| {
                let status = before["response"]["status"].as_u64().unwrap_or(0);
                (status == 429 || status >= 500)
                    && before["request"]["path"] == interaction["request"]["path"]
            });
            previous = Some(interaction);
            if retried {
                continue;
            }
            if interaction["request"]["body"].get("multipart").is_some() {
                uploads_replayed += 1;
            }
            if let Some(components) = sent_components(&interaction["request"]) {
                components_replayed += 1;
                if flags(&interaction["request"]) & (1 << 15) != 0 {
                    v2_replayed += 1;
                }
                assert_eq!(
                    interaction["response"]["body"]["json"]["components"],
                    *components,
                    "{}: interaction #{}: the answer carries the components as sent",
                    path.display(),
                    interaction["id"]
                );
            }
            replay_one(&client, &interaction["request"])
                .await
                .unwrap_or_else(|e| {
                    let detail = std::error::Error::source(&e)
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    panic!(
                        "{}: interaction #{}: {e}\n{detail}",
                        path.display(),
                        interaction["id"]
                    )
                });
        }
        client
            .check_replay_complete()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        cassettes_replayed += 1;
    }
    assert_eq!(cassettes_replayed, constants::CASSETTES.len());
    assert!(uploads_replayed >= 1, "the multipart upload was replayed");
    // components_message (2), components_v2 (3) and components_webhook (3).
    assert!(
        components_replayed >= 8,
        "{components_replayed} requests with components"
    );
    // components_v2 (a create, an edit switch) and components_webhook (an execute, a switch).
    assert!(v2_replayed >= 4, "{v2_replayed} Components V2 requests");
}

#[tokio::test(start_paused = true)]
async fn an_unfinished_replay_names_the_interactions_never_used() {
    let path = cassettes()
        .into_iter()
        .find(|path| path.ends_with("message_edit.json"))
        .expect("the message_edit cassette");
    let config = DiscordConfig::builder()
        .simulation(Simulation::Replay(path))
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("the cassette loads");
    let error = client
        .check_replay_complete()
        .expect_err("nothing was replayed");
    assert!(
        matches!(error.kind(), bugle::ErrorKind::SimulationLoad { .. }),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("#1 POST /channels/{channel_id}/messages"),
        "{shown}"
    );
    assert!(shown.contains("#2 PATCH"), "{shown}");
}

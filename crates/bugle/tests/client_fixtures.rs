//! Replays every cassette of `fixtures/cassettes` through the client: each
//! recorded request is turned back into the client operation that sends it
//! (its body parsed into the model type), the client's request must match the
//! recording, and the recorded answer must decode. Retries the client makes
//! by itself (after a recorded 429 or 5xx) consume the recorded retry.
//!
//! The cassettes were recorded from raw requests, without the client's
//! protective defaults (`allowed_mentions` none; a nonce with
//! `enforce_nonce` on message creates); the test adds those fields to the
//! recorded bodies where the client adds them (nonces themselves are not
//! compared), and says so here rather than loosening the replay match.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bugle::{DiscordClient, DiscordConfig, ExecuteWebhookParams, WebhookTarget, WebhookUrl};
use bugle_model::id::{ChannelId, MessageId, UserId, WebhookId};
use bugle_model::request::{
    CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage, EditMessage,
    EditWebhookMessage, ExecuteWebhook,
};
use bugle_sim::cassette::{Cassette, Replayer};
use secrecy::SecretString;
use serde_json::{Value, json};

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

/// Adds `allowed_mentions: none` where the client adds it.
fn add_client_defaults(cassette: &mut Value) {
    let none = json!({"parse": []});
    for interaction in cassette["interactions"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        let method = interaction["request"]["method"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let path = interaction["request"]["path"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let body = &mut interaction["request"]["body"];
        let json = if body.get("json").is_some() {
            &mut body["json"]
        } else if body.get("multipart").is_some() {
            &mut body["multipart"]["payload_json"]
        } else {
            continue;
        };
        let Some(object) = json.as_object_mut() else {
            continue;
        };
        let creates_message =
            method == "POST" && (path.ends_with("/messages") || path.contains("/webhooks/"));
        let edits_content = method == "PATCH" && object.contains_key("content");
        if (creates_message || edits_content) && !object.contains_key("allowed_mentions") {
            object.insert("allowed_mentions".into(), none.clone());
        }
        if method == "POST" && path.ends_with("/messages") && !object.contains_key("nonce") {
            object.insert("enforce_nonce".into(), Value::Bool(true));
        }
        if let Some(message) = object.get_mut("message").and_then(Value::as_object_mut) {
            message.entry("allowed_mentions").or_insert(none.clone());
        }
    }
}

fn id(segment: &str) -> u64 {
    segment
        .parse()
        .unwrap_or_else(|_| panic!("not an id: {segment}"))
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
            .send_message(ChannelId::new(id(channel)), body::<CreateMessage>(request))
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

#[tokio::test(start_paused = true)]
async fn every_cassette_replays_through_the_client() {
    let mut cassettes_replayed = 0;
    for path in cassettes() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut value: Value = serde_json::from_str(&text).expect("json");
        if value["interactions"][0]["request"]["body"]
            .get("multipart")
            .is_some()
        {
            // File parts are kept as fingerprints of bytes this test does not have.
            continue;
        }
        add_client_defaults(&mut value);
        let cassette = Cassette::from_json(&value.to_string()).expect("a cassette");
        let replayer = Arc::new(Replayer::new(cassette));
        let config = DiscordConfig::builder()
            .bot_token("replay.token.x")
            .build()
            .expect("config");
        let client = DiscordClient::with_transport(config, replayer.clone());
        let interactions = value["interactions"]
            .as_array()
            .expect("interactions")
            .clone();
        let mut previous: Option<&Value> = None;
        for interaction in &interactions {
            let retried = previous.is_some_and(|before| {
                let status = before["response"]["status"].as_u64().unwrap_or(0);
                (status == 429 || status >= 500)
                    && before["request"]["path"] == interaction["request"]["path"]
            });
            previous = Some(interaction);
            if retried {
                continue;
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
        replayer
            .check_all_used()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        cassettes_replayed += 1;
    }
    assert!(
        cassettes_replayed >= 10 || cassettes().is_empty(),
        "replayed {cassettes_replayed} cassettes"
    );
}

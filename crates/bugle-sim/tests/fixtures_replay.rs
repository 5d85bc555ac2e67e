//! The fixture cassettes in `fixtures/cassettes/` replay, and hold no secret.
//!
//! They are recorded through the facade's `DiscordClient` by
//! `cargo test -p bugle --test record_fixtures -- --ignored` (see `fixtures/README.md`); the
//! fixture world's constants (tokens, ids, the uploaded file) are shared here through
//! `#[path]`, so these tests look for exactly the tokens the recorder was given. Each recorded
//! request is rebuilt from the cassette itself; the facade's `client_fixtures` test replays
//! the same cassettes through the client's operations.

#[allow(dead_code)]
#[path = "fixture_world/constants.rs"]
mod constants;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bugle_sim::cassette::{
    Body, Cassette, CassetteError, CassetteErrorKind, RecordedRequest, Replayer,
    WEBHOOK_TOKEN_PLACEHOLDER,
};
use bugle_transport::{Transport, TransportRequest};
use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use constants::{CASSETTES, SECRETS, UPLOAD_BYTES};

/// A token sent in replayed requests in place of the real one (never recorded anywhere).
const PLACEHOLDER_TOKEN: &str = "replay-placeholder-token";
/// The multipart boundary of rebuilt uploads: not the recorded one, which must not matter.
const REPLAY_BOUNDARY: &str = "replay-boundary-0";

fn cassette_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cassettes")
}

fn cassette_path(name: &str) -> PathBuf {
    cassette_dir().join(format!("{name}.json"))
}

/// Every `*.json` file in the cassette directory, by stem.
fn cassette_files() -> BTreeSet<String> {
    std::fs::read_dir(cassette_dir())
        .expect("fixtures/cassettes exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The bytes of a recorded file part: cassettes keep only a fingerprint, so the content
/// comes from the files the recorder is known to upload.
fn file_bytes(sha256: &str) -> &'static [u8] {
    [UPLOAD_BYTES]
        .into_iter()
        .find(|bytes| hex_sha256(bytes) == sha256)
        .unwrap_or_else(|| panic!("no known file has sha256 {sha256}"))
}

/// A live request equivalent to a recorded one: its method, path (with a placeholder
/// webhook token), query and body, authenticated with a placeholder bot token.
fn rebuild(recorded: &RecordedRequest) -> TransportRequest {
    let path = recorded
        .path
        .replace(WEBHOOK_TOKEN_PLACEHOLDER, PLACEHOLDER_TOKEN);
    let mut uri = format!("https://discord.com{path}");
    if !recorded.query.is_empty() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&recorded.query)
            .finish();
        uri = format!("{uri}?{query}");
    }
    let builder = http::Request::builder()
        .method(recorded.method.as_str())
        .uri(uri)
        .header("authorization", format!("Bot {PLACEHOLDER_TOKEN}"))
        .header("user-agent", constants::USER_AGENT);
    let (content_type, body) = match &recorded.body {
        None => (None, Bytes::new()),
        Some(Body::Json(value)) => (
            Some("application/json".to_owned()),
            Bytes::from(serde_json::to_vec(value).unwrap()),
        ),
        Some(Body::Multipart(multipart)) => {
            let mut out = String::new().into_bytes();
            let mut part = |head: String, data: &[u8]| {
                out.extend_from_slice(format!("--{REPLAY_BOUNDARY}\r\n{head}\r\n\r\n").as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(b"\r\n");
            };
            if let Some(payload) = &multipart.payload_json {
                part(
                    "Content-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json".to_owned(),
                    &serde_json::to_vec(payload).unwrap(),
                );
            }
            for (name, value) in &multipart.fields {
                part(
                    format!("Content-Disposition: form-data; name=\"{name}\""),
                    value.as_bytes(),
                );
            }
            for file in &multipart.files {
                let mut head = format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"",
                    file.name,
                    file.filename.as_deref().unwrap_or("file")
                );
                if let Some(content_type) = &file.content_type {
                    let _ = write!(head, "\r\nContent-Type: {content_type}");
                }
                part(head, file_bytes(&file.fingerprint.sha256));
            }
            out.extend_from_slice(format!("--{REPLAY_BOUNDARY}--\r\n").as_bytes());
            (
                Some(format!("multipart/form-data; boundary={REPLAY_BOUNDARY}")),
                Bytes::from(out),
            )
        }
        Some(Body::Text(text)) => (Some("text/plain".to_owned()), Bytes::from(text.clone())),
        Some(other) => panic!("cannot rebuild a request body {other:?}"),
    };
    let builder = match content_type {
        Some(content_type) => builder.header("content-type", content_type),
        None => builder,
    };
    builder.body(body).unwrap()
}

#[test]
fn the_cassette_directory_holds_exactly_the_recorded_cassettes() {
    let expected: BTreeSet<String> = CASSETTES.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(cassette_files(), expected);
}

#[tokio::test(start_paused = true)]
async fn every_recorded_request_replays_its_recorded_status() {
    for name in CASSETTES {
        let cassette = Cassette::load(cassette_path(name)).unwrap();
        assert!(!cassette.interactions.is_empty(), "{name} is empty");
        let replayer = Replayer::new(cassette.clone());
        for (i, interaction) in cassette.interactions.iter().enumerate() {
            let response = replayer
                .send(rebuild(&interaction.request))
                .await
                .unwrap_or_else(|e| panic!("{name} #{}: {e}", interaction.id));
            let recorded = interaction.response.as_ref().expect("a recorded response");
            assert_eq!(
                response.status().as_u16(),
                recorded.status,
                "{name} #{} {}",
                interaction.id,
                interaction.operation
            );
            if recorded.body.is_some() {
                let body: serde_json::Value = serde_json::from_slice(response.body())
                    .unwrap_or_else(|e| panic!("{name} #{}: {e}", interaction.id));
                assert!(body.is_object(), "{name} #{}", interaction.id);
                if let (0, Some(Body::Json(recorded_body))) = (i, &recorded.body) {
                    // The first object a cassette creates comes back under a fresh id.
                    if let Some(id) = recorded_body.get("id") {
                        assert_ne!(body.get("id"), Some(id), "{name}: a fresh id");
                        assert!(body["id"].is_string(), "{name}: ids stay strings");
                    }
                }
            } else {
                assert!(response.body().is_empty(), "{name} #{}", interaction.id);
            }
        }
        replayer
            .check_all_used()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn no_cassette_holds_a_token_or_an_authorization_header() {
    for name in CASSETTES {
        let text = std::fs::read_to_string(cassette_path(name)).unwrap();
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{name}.json contains a token the recorder was given"
            );
        }
        assert!(
            !text.to_ascii_lowercase().contains("authorization"),
            "{name}.json mentions an authorization header"
        );
    }
}

#[test]
fn webhook_paths_are_recorded_with_the_token_placeholder() {
    let mut webhook_requests = 0;
    for name in CASSETTES {
        let cassette = Cassette::load(cassette_path(name)).unwrap();
        for interaction in &cassette.interactions {
            let segments: Vec<&str> = interaction.request.path.split('/').collect();
            if let Some(i) = segments.iter().position(|s| *s == "webhooks") {
                webhook_requests += 1;
                assert_eq!(
                    segments.get(i + 2).copied(),
                    Some(WEBHOOK_TOKEN_PLACEHOLDER),
                    "{name} #{}",
                    interaction.id
                );
            }
        }
    }
    assert!(
        webhook_requests >= 6,
        "the webhook cassettes hold {webhook_requests} webhook requests"
    );
}

#[tokio::test(start_paused = true)]
async fn a_changed_request_gets_no_match_naming_the_recorded_one_and_the_field() {
    let cassette = Cassette::load(cassette_path("message_edit")).unwrap();
    let replayer = Replayer::new(cassette.clone());
    let create = &cassette.interactions[0].request;
    replayer.send(rebuild(create)).await.unwrap();
    let mut edit = cassette.interactions[1].request.clone();
    edit.body = Some(Body::Json(
        serde_json::json!({"content": "not what was recorded"}),
    ));
    let error = replayer.send(rebuild(&edit)).await.unwrap_err();
    let cassette_error = CassetteError::find_in(&error).expect("a cassette error inside");
    assert_eq!(cassette_error.kind(), CassetteErrorKind::NoMatch);
    let no_match = cassette_error.no_match().unwrap();
    let nearest = &no_match.nearest[0];
    assert_eq!(nearest.id, 2);
    assert_eq!(
        nearest.operation,
        "PATCH /channels/{channel_id}/messages/{message_id}"
    );
    let content = nearest
        .differences
        .iter()
        .find(|d| d.field == "body.json.content")
        .expect("the content differs");
    assert_eq!(
        content.requested.as_deref(),
        Some("\"not what was recorded\"")
    );
    assert!(!error.to_string().contains(PLACEHOLDER_TOKEN));
    assert!(
        replayer.check_all_used().is_err(),
        "the edit was never replayed"
    );
}

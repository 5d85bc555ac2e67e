//! A tiny in-test Discord for the cassette tests: just enough state to create, edit, react
//! to and thread messages and execute a webhook. The real `FakeDiscord` lives elsewhere;
//! these tests only need some transport to record.

#![allow(dead_code, unreachable_pub)]

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bugle_transport::{
    Transport, TransportError, TransportFuture, TransportRequest, TransportResponse,
};
use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{Value, json};

pub const BOT_TOKEN: &str = "bot-token-that-must-never-be-recorded";
pub const WEBHOOK_TOKEN: &str = "webhook-token-that-must-never-be-recorded";
pub const CHANNEL: &str = "100000000000000001";
pub const WEBHOOK_ID: &str = "200000000000000002";

type Handler = dyn Fn(&TransportRequest) -> Result<TransportResponse, TransportError> + Send + Sync;

/// A transport backed by a closure; counts the requests it sees.
#[derive(Clone)]
pub struct ClosureTransport {
    handler: Arc<Handler>,
    pub sent: Arc<AtomicU64>,
}

impl fmt::Debug for ClosureTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClosureTransport").finish_non_exhaustive()
    }
}

impl ClosureTransport {
    pub fn new(
        handler: impl Fn(&TransportRequest) -> Result<TransportResponse, TransportError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            handler: Arc::new(handler),
            sent: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Transport for ClosureTransport {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready((self.handler)(&request)))
    }
}

pub fn json_response(status: u16, body: &Value) -> TransportResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-ratelimit-bucket", "abcd1234")
        .header("x-ratelimit-limit", "5")
        .header("x-ratelimit-remaining", "4")
        .header("x-ratelimit-reset-after", "1.000")
        .header("x-ratelimit-reset", "1700000000.000")
        .header("date", "Tue, 01 Jan 2030 00:00:00 GMT")
        .body(Bytes::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// A minimal stateful Discord: message ids from a counter, the message body echoed back.
pub fn mini_discord() -> ClosureTransport {
    let next_id = Arc::new(Mutex::new(900_000_000_000_000_000_u64));
    ClosureTransport::new(move |request| {
        let path = request.uri().path().to_owned();
        let segments: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let id = || {
            let mut next = next_id.lock().unwrap();
            *next += 1;
            next.to_string()
        };
        let method = request.method().clone();
        let response = match (method, segments.as_slice()) {
            (Method::POST, ["channels", channel, "messages"]) => json_response(
                200,
                &json!({"id": id(), "channel_id": channel, "content": body["content"],
                        "timestamp": "2024-05-01T10:00:00.000000+00:00", "edited_timestamp": null,
                        "author": {"id": "300000000000000003", "username": "bot"}}),
            ),
            (Method::PATCH, ["channels", channel, "messages", message]) => json_response(
                200,
                &json!({"id": message, "channel_id": channel, "content": body["content"],
                        "timestamp": "2024-05-01T10:00:00.000000+00:00",
                        "edited_timestamp": "2024-05-01T10:00:05.000000+00:00"}),
            ),
            (Method::PUT, ["channels", _, "messages", _, "reactions", _, "@me"]) => {
                http::Response::builder()
                    .status(StatusCode::NO_CONTENT)
                    .body(Bytes::new())
                    .unwrap()
            }
            (Method::POST, ["channels", channel, "messages", message, "threads"]) => json_response(
                201,
                &json!({"id": message, "parent_id": channel, "name": body["name"], "type": 11}),
            ),
            (Method::POST, ["webhooks", webhook, _token]) => json_response(
                200,
                &json!({"id": id(), "channel_id": CHANNEL, "webhook_id": webhook,
                        "content": body["content"], "timestamp": "2024-05-01T10:00:00.000000+00:00"}),
            ),
            _ => json_response(404, &json!({"message": "Unknown", "code": 0})),
        };
        Ok(response)
    })
}

pub fn bot_request(method: Method, path: &str, body: Option<Value>) -> TransportRequest {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("https://discord.com/api/v10{path}"))
        .header("authorization", format!("Bot {BOT_TOKEN}"))
        .header(
            "user-agent",
            "DiscordBot (https://github.com/bugle-rs/bugle, 0.1.0)",
        );
    let bytes = match body {
        Some(body) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(&body).unwrap())
        }
        None => Bytes::new(),
    };
    builder.body(bytes).unwrap()
}

pub fn webhook_request(content: &str) -> TransportRequest {
    http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://discord.com/api/v10/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}?wait=true"
        ))
        .header("content-type", "application/json")
        .body(Bytes::from(
            serde_json::to_vec(&json!({"content": content})).unwrap(),
        ))
        .unwrap()
}

pub fn body_json(response: &TransportResponse) -> Value {
    serde_json::from_slice(response.body()).unwrap()
}

/// A fresh, empty directory for one test, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bugle-sim-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

//! Shared helpers for the `FakeDiscord` tests.

#![allow(dead_code, unreachable_pub)]

use bugle_sim::fake::{FakeDiscord, FakeDiscordBuilder};
use bugle_transport::Transport;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::macros::datetime;

/// The bot token the tests configure.
pub const TOKEN: &str = "test-bot-token";
/// A text channel every test fake has.
pub const TEXT: u64 = 100;
/// An announcement channel.
pub const NEWS: u64 = 101;
/// A forum channel.
pub const FORUM: u64 = 102;
/// A webhook on the text channel.
pub const HOOK: u64 = 200;
/// A webhook on the forum channel.
pub const FORUM_HOOK: u64 = 201;
/// The webhooks' token.
pub const HOOK_TOKEN: &str = "hook-secret-token";
/// A user to DM.
pub const FRIEND: u64 = 300;

/// A fake with the channels and webhooks above and a fixed start time.
pub fn builder() -> FakeDiscordBuilder {
    FakeDiscord::builder()
        .bot_token(TOKEN)
        .seed(42)
        .start_time(datetime!(2025-06-01 12:00 UTC))
        .guild(1)
        .text_channel(TEXT)
        .announcement_channel(NEWS)
        .forum_channel(FORUM)
        .webhook(TEXT, HOOK, HOOK_TOKEN)
        .webhook(FORUM, FORUM_HOOK, HOOK_TOKEN)
        .user(FRIEND, "friend")
}

/// An answer, split for assertions.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not json ({e}): {:?}", self.body))
    }

    /// The body decoded into a model type.
    pub fn decode<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("does not decode ({e}): {:?}", self.body))
    }

    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Builds a request to `https://discord.com/api/v10{path}`.
pub fn request(
    method: Method,
    path: &str,
    auth: bool,
    body: Option<Value>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("https://discord.com/api/v10{path}"));
    if auth {
        builder = builder.header("authorization", format!("Bot {TOKEN}"));
    }
    let body = match body {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(&json).unwrap())
        }
        None => Bytes::new(),
    };
    builder.body(body).unwrap()
}

/// Sends a request and splits the response.
pub async fn send(discord: &FakeDiscord, request: http::Request<Bytes>) -> Answer {
    let response = discord.send(request).await.expect("the fake answers");
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// A bot request.
pub async fn bot(discord: &FakeDiscord, method: Method, path: &str, body: Option<Value>) -> Answer {
    send(discord, request(method, path, true, body)).await
}

/// A request without `Authorization` (webhook-token routes).
pub async fn anon(
    discord: &FakeDiscord,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    send(discord, request(method, path, false, body)).await
}

//! The peer: twilight-http's `Client` with its own rate limiter, pointed at `FakeDiscord`
//! through its proxy option over plain http.
//!
//! twilight retries 429s itself but returns 5xx answers and transport errors to the
//! caller, so this driver retries those (up to five attempts, 250 ms apart), as an
//! application using twilight would. twilight sends no `enforce_nonce`, so a retry after
//! a create that did reach the server makes a duplicate.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use twilight_http::Client;
use twilight_http::client::ClientBuilder;
use twilight_http::error::{Error, ErrorType};
use twilight_http::response::DeserializeBodyError;
use twilight_http_ratelimiting::RateLimiter;
use twilight_model::channel::message::AllowedMentions;
use twilight_model::id::Id;

use crate::scenario::Spec;
use crate::server::BENCH_BOT_TOKEN;

/// Attempts per operation (the first plus retries of 5xx and transport errors).
const ATTEMPTS: u32 = 5;

/// twilight-http's client, pointed at `FakeDiscord` on `127.0.0.1:port`.
#[derive(Debug)]
pub struct TwilightDriver {
    client: Client,
    webhooks: Vec<(u64, String)>,
    /// Whether creates carry a nonce and `allowed_mentions` parsing nothing.
    protective: bool,
}

/// Mentions that ping nobody (serialised as `{"parse":[]}`, as bugle sends them).
static NO_MENTIONS: AllowedMentions = AllowedMentions {
    parse: Vec::new(),
    replied_user: false,
    roles: Vec::new(),
    users: Vec::new(),
};

impl TwilightDriver {
    /// A client through the proxy `127.0.0.1:port` over plain http, with twilight's rate
    /// limiter (its global limit raised where the scenario lifts the server's).
    pub fn new(spec: &Spec, port: u16) -> Self {
        let limiter = match spec.client_global_per_second {
            Some(global) => RateLimiter::new(u16::try_from(global).unwrap_or(u16::MAX)),
            None => RateLimiter::default(),
        };
        let client = ClientBuilder::new()
            .token(BENCH_BOT_TOKEN.to_owned())
            .proxy(format!("127.0.0.1:{port}"), true)
            .ratelimiter(Some(limiter))
            .timeout(Duration::from_secs(120))
            .build();
        let webhooks = (0..spec.webhooks)
            .map(|n| {
                let (id, token, _) = Spec::webhook(n);
                (id, token)
            })
            .collect();
        Self {
            client,
            webhooks,
            protective: false,
        }
    }

    /// The same driver, its creates carrying the fields bugle adds to each (see
    /// [`ClientKind::TwilightNonce`](super::ClientKind::TwilightNonce)).
    #[must_use]
    pub fn with_protective_fields(mut self) -> Self {
        self.protective = true;
        self
    }

    /// Creates a message; its id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn create(&self, channel: u64, content: String) -> Result<u64, String> {
        // One nonce per message, kept across its attempts, as bugle does.
        let nonce = self
            .protective
            .then(|| RandomState::new().hash_one((channel, &content)));
        retry(|| async {
            let mut create = self
                .client
                .create_message(Id::new(channel))
                .content(&content);
            if let Some(nonce) = nonce {
                create = create.nonce(nonce).allowed_mentions(Some(&NO_MENTIONS));
            }
            let response = create.await.map_err(Attempt::from)?;
            Ok(response.model().await.map_err(Attempt::from)?.id.get())
        })
        .await
    }

    /// Edits a message's content.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn edit(&self, channel: u64, message: u64, content: String) -> Result<(), String> {
        retry(|| async {
            self.client
                .update_message(Id::new(channel), Id::new(message))
                .content(Some(&content))
                .await
                .map(drop)
                .map_err(Attempt::from)
        })
        .await
    }

    /// Deletes a message.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn delete(&self, channel: u64, message: u64) -> Result<(), String> {
        retry(|| async {
            self.client
                .delete_message(Id::new(channel), Id::new(message))
                .await
                .map(drop)
                .map_err(Attempt::from)
        })
        .await
    }

    /// Executes webhook number `webhook` with `wait=true`; the message's id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn execute(&self, webhook: usize, content: String) -> Result<u64, String> {
        let (id, token) = self.webhooks.get(webhook).ok_or("no such webhook")?;
        retry(|| async {
            let response = self
                .client
                .execute_webhook(Id::new(*id), token)
                .content(&content)
                .wait()
                .await
                .map_err(Attempt::from)?;
            Ok(response.model().await.map_err(Attempt::from)?.id.get())
        })
        .await
    }
}

/// A failed attempt: worth retrying (5xx, transport) or not.
#[derive(Debug)]
enum Attempt {
    Retry(String),
    Fatal(String),
}

impl From<Error> for Attempt {
    fn from(error: Error) -> Self {
        let retry = match error.kind() {
            ErrorType::Response { status, .. } => status.is_server_error(),
            ErrorType::RequestError | ErrorType::RequestTimedOut => true,
            _ => false,
        };
        if retry {
            Self::Retry(with_sources(&error))
        } else {
            Self::Fatal(with_sources(&error))
        }
    }
}

impl From<DeserializeBodyError> for Attempt {
    fn from(error: DeserializeBodyError) -> Self {
        Self::Fatal(with_sources(&error))
    }
}

/// The error and its sources, `: `-separated.
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn retry<T, F, Fut>(mut attempt: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Attempt>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Attempt::Retry(error)) if tries < ATTEMPTS => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(250)).await;
                tries += 1;
            }
            Err(Attempt::Retry(error) | Attempt::Fatal(error)) => return Err(error),
        }
    }
}

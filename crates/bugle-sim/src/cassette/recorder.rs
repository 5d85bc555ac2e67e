//! [`Recorder`]: a transport that records what passes through it.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bugle_transport::{RouteTemplate, Transport, TransportFuture, TransportRequest};
use time::OffsetDateTime;

use super::capture::{capture_request, capture_response, error_kind_name, rate_limit_snapshot};
use super::error::{CassetteError, CassetteErrorKind};
use super::format::{
    Cassette, FORMAT_VERSION, Interaction, Metadata, RecordedError, RecordedRequest,
};
use super::operation::{operation, split_api_prefix};
use super::redact::Redactor;
use super::store::write_atomic;
use crate::clock::SimClock;

/// A [`Transport`] that sends through `T` and records every exchange, redacted.
///
/// Recording never changes what the caller sees: the inner transport's response or error
/// is returned as is. Nothing is written until [`save`](Self::save) is called (never from
/// `Drop`, where an error could not be reported).
///
/// Redaction, before anything is kept: the `Authorization` header is never recorded (its
/// token is learned and scrubbed wherever else it appears); webhook and interaction tokens
/// in paths become `{webhook_token}` / `{interaction_token}`; secrets given to
/// [`with_secret`](Self::with_secret) are replaced by `{redacted}` in paths, queries, headers
/// and bodies; a JSON field named `token` is replaced by `{token}`.
pub struct Recorder<T> {
    inner: T,
    clock: SimClock,
    created: OffsetDateTime,
    state: Mutex<RecorderState>,
}

#[derive(Debug, Default)]
struct RecorderState {
    redactor: Redactor,
    /// One slot per request, in the order requests started; `None` while in flight (or
    /// when the caller dropped the request before it finished).
    slots: Vec<Option<Interaction>>,
}

impl<T: fmt::Debug> fmt::Debug for Recorder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Recorder")
            .field("inner", &self.inner)
            .field("interactions", &state.slots.iter().flatten().count())
            .field("redactor", &state.redactor)
            .finish_non_exhaustive()
    }
}

impl<T> Recorder<T> {
    /// Records what `inner` sends, timestamped by a [`SimClock`] started now.
    pub fn new(inner: T) -> Self {
        Self::with_clock(inner, SimClock::new())
    }

    /// Records what `inner` sends, timestamped by `clock`.
    pub fn with_clock(inner: T, clock: SimClock) -> Self {
        Self {
            inner,
            created: clock.now(),
            clock,
            state: Mutex::new(RecorderState::default()),
        }
    }

    /// Adds a secret that must never reach the cassette: it is scrubbed from everything
    /// recorded, and [`save`](Self::save) refuses a cassette that still contains it.
    #[must_use]
    pub fn with_secret(self, secret: impl Into<String>) -> Self {
        self.add_secret(secret);
        self
    }

    /// Adds a secret after the recorder was made (see [`with_secret`](Self::with_secret)).
    /// Interactions already recorded are not rewritten, so a save that would leak it fails.
    pub fn add_secret(&self, secret: impl Into<String>) {
        self.lock().redactor.add_secret(secret);
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped transport, consuming the recorder (unsaved interactions are dropped).
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The cassette recorded so far (finished interactions only).
    pub fn cassette(&self) -> Cassette {
        let state = self.lock();
        let interactions: Vec<Interaction> = state
            .slots
            .iter()
            .flatten()
            .zip(1..)
            .map(|(interaction, id)| Interaction {
                id,
                ..interaction.clone()
            })
            .collect();
        let discord_api_version = interactions
            .iter()
            .find_map(|i| split_api_prefix(&i.request.path).0.map(str::to_owned));
        Cassette {
            format_version: FORMAT_VERSION,
            metadata: Metadata {
                created: self.created,
                discord_api_version,
                bugle_version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            interactions,
        }
    }

    /// Writes the cassette to `path` atomically (a temporary file in the same directory,
    /// then a rename), creating the directory if needed.
    ///
    /// # Errors
    ///
    /// [`SecretLeak`](CassetteErrorKind::SecretLeak) when the text still contains a
    /// configured or learned secret (nothing is written);
    /// [`Save`](CassetteErrorKind::Save) when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), CassetteError> {
        let text = self.cassette().to_json();
        let leaked = {
            let state = self.lock();
            state
                .redactor
                .secrets()
                .any(|secret| contains_secret(&text, secret))
        };
        if leaked {
            return Err(CassetteError::new(
                CassetteErrorKind::SecretLeak,
                "the cassette still contains a configured secret, so it was not saved; \
                 record again with the secret configured from the start",
            ));
        }
        write_atomic(path.as_ref(), &text)
    }

    fn lock(&self) -> MutexGuard<'_, RecorderState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start(&self, request: &TransportRequest) -> (usize, RecordedRequest) {
        let mut state = self.lock();
        let recorded = capture_request(&mut state.redactor, request);
        state.slots.push(None);
        (state.slots.len() - 1, recorded)
    }
}

/// Whether `text` (JSON) holds `secret`, raw or JSON-escaped.
fn contains_secret(text: &str, secret: &str) -> bool {
    if text.contains(secret) {
        return true;
    }
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    escaped != secret && text.contains(escaped)
}

impl<T: Transport> Transport for Recorder<T> {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let (slot, recorded_request) = self.start(&request);
            let template = RouteTemplate::of(&request);
            let result = self.inner.send(request).await;
            let mut state = self.lock();
            let (response, error, rate_limit) = match &result {
                Ok(response) => (
                    Some(capture_response(&state.redactor, response)),
                    None,
                    rate_limit_snapshot(response.headers()),
                ),
                Err(e) => (
                    None,
                    Some(RecordedError {
                        kind: error_kind_name(e.kind()).to_owned(),
                        may_have_been_sent: e.request_may_have_been_sent(),
                    }),
                    None,
                ),
            };
            state.slots[slot] = Some(Interaction {
                id: u32::try_from(slot + 1).unwrap_or(u32::MAX),
                recorded_at: self.clock.now(),
                operation: operation(&recorded_request.method, &recorded_request.path, template),
                request: recorded_request,
                response,
                error,
                rate_limit,
            });
            drop(state);
            result
        })
    }

    fn request_timeout(&self) -> Option<Duration> {
        self.inner.request_timeout()
    }
}

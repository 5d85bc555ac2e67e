//! [`Replayer`]: a transport that answers from a cassette.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use bugle_transport::{
    RouteTemplate, Transport, TransportError, TransportErrorKind, TransportFuture,
    TransportRequest, TransportResponse,
};
use bytes::Bytes;

use super::capture::{capture_request, error_kind_from_name};
use super::error::{CassetteError, CassetteErrorKind};
use super::format::{Body, Cassette, Interaction};
use super::ids::IdTranslator;
use super::matching::{Matcher, ReplayOptions};
use super::normalise::Identity;
use super::redact::Redactor;
use crate::clock::SimClock;

/// A [`Transport`] that answers from a [`Cassette`] and never touches the network.
///
/// Each request is redacted exactly as the [`Recorder`](super::Recorder) did, fresh ids it
/// carries are translated back to recorded ones, and it is matched as
/// [`ReplayOptions`] says. The response gets fresh snowflakes for ids the caller has not
/// seen, the [`SimClock`]'s time in its timestamps, and a rate-limit reset relative to now.
/// A recorded transport error is replayed as a [`TransportError`] of the same kind.
///
/// A request that matches nothing fails with a [`TransportError`] of kind
/// [`InvalidRequest`](TransportErrorKind::InvalidRequest) whose source is a
/// [`CassetteError`] of kind [`NoMatch`](CassetteErrorKind::NoMatch); get it with
/// [`CassetteError::find_in`].
pub struct Replayer {
    cassette: Cassette,
    state: Mutex<ReplayState>,
}

#[derive(Debug)]
struct ReplayState {
    redactor: Redactor,
    matcher: Matcher,
    ids: IdTranslator,
    clock: SimClock,
}

impl fmt::Debug for Replayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replayer")
            .field("interactions", &self.cassette.interactions.len())
            .field("unused", &self.unused().len())
            .finish_non_exhaustive()
    }
}

impl Replayer {
    /// Replays `cassette` with default options, seed 0 and a [`SimClock`] started now.
    pub fn new(cassette: Cassette) -> Self {
        Self::with_options(cassette, ReplayOptions::default())
    }

    /// Replays `cassette` matching as `options` say.
    pub fn with_options(cassette: Cassette, options: ReplayOptions) -> Self {
        let clock = SimClock::new();
        let state = ReplayState {
            redactor: Redactor::default(),
            matcher: Matcher::new(&cassette, options),
            ids: IdTranslator::new(0, clock),
            clock,
        };
        Self {
            cassette,
            state: Mutex::new(state),
        }
    }

    /// Loads the cassette at `path` and replays it with default options.
    ///
    /// # Errors
    ///
    /// [`Load`](CassetteErrorKind::Load) when the file cannot be read or parsed.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        Ok(Self::new(Cassette::load(path)?))
    }

    /// Uses `clock` for fresh snowflakes and timestamps (before any request is replayed).
    #[must_use]
    pub fn with_clock(self, clock: SimClock) -> Self {
        self.reseed(clock, None)
    }

    /// Seeds the snowflake generator, so fresh ids repeat from run to run.
    #[must_use]
    pub fn with_seed(self, seed: u64) -> Self {
        let clock = self.lock().clock;
        self.reseed(clock, Some(seed))
    }

    /// Adds a secret to scrub from requests before matching, as the recorder did.
    #[must_use]
    pub fn with_secret(self, secret: impl Into<String>) -> Self {
        self.lock().redactor.add_secret(secret);
        self
    }

    fn reseed(self, clock: SimClock, seed: Option<u64>) -> Self {
        {
            let mut state = self.lock();
            state.clock = clock;
            state.ids = IdTranslator::new(seed.unwrap_or(0), clock);
        }
        self
    }

    /// The cassette being replayed.
    pub fn cassette(&self) -> &Cassette {
        &self.cassette
    }

    /// The recorded interactions never replayed, in cassette order.
    pub fn unused(&self) -> Vec<&Interaction> {
        let unused = self.lock().matcher.unused();
        self.cassette
            .interactions
            .iter()
            .filter(|i| unused.contains(&i.id))
            .collect()
    }

    /// Checks that every recorded interaction was replayed.
    ///
    /// # Errors
    ///
    /// [`Unused`](CassetteErrorKind::Unused), naming the interactions never replayed.
    pub fn check_all_used(&self) -> Result<(), CassetteError> {
        let unused = self.unused();
        if unused.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = unused
            .iter()
            .map(|i| format!("#{} {}", i.id, i.operation))
            .collect();
        Err(CassetteError::new(
            CassetteErrorKind::Unused,
            format!(
                "{} recorded interactions were never replayed: {}; the code under test sent \
                 fewer requests than were recorded",
                unused.len(),
                list.join(", ")
            ),
        ))
    }

    /// Panics unless every recorded interaction was replayed (the end of a replay test).
    ///
    /// # Panics
    ///
    /// When [`check_all_used`](Self::check_all_used) fails, with its message.
    #[track_caller]
    pub fn assert_all_used(&self) {
        if let Err(e) = self.check_all_used() {
            panic!("{e}");
        }
    }

    /// Answers `request` from the cassette.
    ///
    /// # Errors
    ///
    /// [`NoMatch`](CassetteErrorKind::NoMatch) when no interaction matches;
    /// [`Unreplayable`](CassetteErrorKind::Unreplayable) when the matching interaction
    /// cannot be turned back into a response. A recorded transport error is returned as
    /// `Ok(Err(..))`.
    pub fn replay(
        &self,
        request: &TransportRequest,
    ) -> Result<Result<TransportResponse, TransportError>, CassetteError> {
        let mut state = self.lock();
        let state = &mut *state;
        let mut recorded = capture_request(&mut state.redactor, request);
        state.ids.request_to_recorded(&mut recorded);
        let identity = Identity::named(&recorded, RouteTemplate::of(request));
        let index = state
            .matcher
            .take(&identity)
            .map_err(CassetteError::from_no_match)?;
        let interaction = &self.cassette.interactions[index];
        if let Some(error) = &interaction.error {
            let kind = error_kind_from_name(&error.kind).unwrap_or(TransportErrorKind::Io);
            return Ok(Err(TransportError::new(
                kind,
                error.may_have_been_sent,
                format!(
                    "replayed a recorded {} error (interaction #{})",
                    error.kind, interaction.id
                ),
            )));
        }
        let Some(recorded_response) = &interaction.response else {
            return Err(CassetteError::new(
                CassetteErrorKind::Unreplayable,
                format!(
                    "interaction #{} has neither a response nor an error",
                    interaction.id
                ),
            ));
        };
        let body = match &recorded_response.body {
            None => Bytes::new(),
            Some(Body::Json(value)) => {
                let mut value = value.clone();
                state.ids.freshen_response(&mut value);
                Bytes::from(serde_json::to_vec(&value).unwrap_or_default())
            }
            Some(Body::Text(text)) => Bytes::from(text.clone()),
            Some(_) => {
                return Err(CassetteError::new(
                    CassetteErrorKind::Unreplayable,
                    format!(
                        "interaction #{} has a binary or multipart response body, which \
                         cassettes keep only as a fingerprint",
                        interaction.id
                    ),
                ));
            }
        };
        let mut response = http::Response::builder().status(recorded_response.status);
        let now = state.clock.now();
        for (name, value) in &recorded_response.headers {
            let value = if name == "x-ratelimit-reset" {
                recorded_response
                    .headers
                    .get("x-ratelimit-reset-after")
                    .and_then(|after| after.parse::<f64>().ok())
                    .and_then(|after| std::time::Duration::try_from_secs_f64(after).ok())
                    .map_or_else(
                        || value.clone(),
                        |after| {
                            let reset = now + after;
                            format!("{}.{:03}", reset.unix_timestamp(), reset.millisecond())
                        },
                    )
            } else {
                value.clone()
            };
            response = response.header(name, value);
        }
        response.body(body).map(Ok).map_err(|e| {
            CassetteError::new(
                CassetteErrorKind::Unreplayable,
                format!(
                    "interaction #{} has an invalid status or header",
                    interaction.id
                ),
            )
            .with_source(e)
        })
    }

    fn lock(&self) -> MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Transport for Replayer {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let result = match self.replay(&request) {
            Ok(result) => result,
            Err(e) => {
                Err(
                    TransportError::new(TransportErrorKind::InvalidRequest, false, e.to_string())
                        .with_source(e),
                )
            }
        };
        Box::pin(std::future::ready(result))
    }
}

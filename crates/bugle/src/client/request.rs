//! The one path every operation takes: permit → send → report → classify →
//! retry, inside the whole-operation deadline.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use bugle_ratelimit::{Outcome, Permit, RateLimitHeaders, RequestKey, Verdict};
use bugle_transport::{TransportRequest, TransportResponse};
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use http::{Method, StatusCode, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::time::Instant;
use tracing::{Instrument, Span};

use super::DiscordClient;
use super::body::Body;
use super::headers::invalid_config;
use super::route::Route;
use crate::error::{DiscordError, ErrorKind, transport_failure};
use crate::retry::{Failure, RetryDecision, RetryState, is_idempotent};
use crate::telemetry::Labels;

/// The header Discord records in the audit log.
const AUDIT_LOG_REASON: HeaderName = HeaderName::from_static("x-audit-log-reason");

/// How long after an attempt that may have reached Discord a nonce still
/// protects a resend. Discord remembers nonces for "a few minutes"; past
/// this, a resend could create a duplicate, so the operation stops with
/// [`ErrorKind::MayHaveBeenDelivered`] instead.
pub const NONCE_DEDUPE_WINDOW: Duration = Duration::from_secs(120);

/// What the audit-log reason keeps unencoded (Discord decodes the rest).
const REASON_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b' ')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One operation's request, before it is sent.
pub(super) struct Call<'a> {
    operation: &'static str,
    route: Route<'a>,
    query: String,
    body: Body,
    idempotent: bool,
    dedupe_safe: bool,
    audit_reason: Option<String>,
}

impl<'a> Call<'a> {
    /// A request on `route` for `operation`, without a body.
    pub(super) fn new(operation: &'static str, route: Route<'a>) -> Self {
        Self {
            operation,
            route,
            query: String::new(),
            body: Body::Empty,
            idempotent: false,
            dedupe_safe: false,
            audit_reason: None,
        }
    }

    /// Sets the query string (without `?`).
    pub(super) fn query(mut self, query: String) -> Self {
        self.query = query;
        self
    }

    /// Sets the body.
    pub(super) fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Marks the operation as idempotent whatever its method: it sets
    /// resources to the values it carries (a message edit, a `PATCH`), so
    /// sending it twice leaves what sending it once does, and a retry after
    /// a failure that may have taken effect cannot create a duplicate.
    /// Methods idempotent by definition (GET, PUT, DELETE) need no mark.
    pub(super) fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Marks the request as one Discord deduplicates itself (a nonce with
    /// `enforce_nonce`), so a retry cannot create a duplicate.
    pub(super) fn dedupe_safe(mut self, safe: bool) -> Self {
        self.dedupe_safe = safe;
        self
    }

    /// Sets the `X-Audit-Log-Reason`.
    pub(super) fn audit_reason(mut self, reason: Option<String>) -> Self {
        self.audit_reason = reason;
        self
    }
}

/// The future of [`DiscordClient::execute`].
pub(super) type Execution<'a> =
    Pin<Box<dyn Future<Output = Result<TransportResponse, DiscordError>> + Send + 'a>>;

impl DiscordClient {
    /// Runs `call` on the request path and returns Discord's success answer.
    ///
    /// The path's state (permit wait, attempts, timers, retry waits) lives
    /// on the heap: the future an operation returns stays small, so a
    /// caller that moves it (into `tokio::spawn`, a `JoinSet`, a `select!`)
    /// copies a pointer rather than kilobytes.
    pub(super) fn execute<'a>(&'a self, call: Call<'a>) -> Execution<'a> {
        Box::pin(self.run(call))
    }

    async fn run(&self, call: Call<'_>) -> Result<TransportResponse, DiscordError> {
        let key = call.route.rate_limit_key();
        let labels = (self.inner.labels).labels(call.route.operation_kind(call.operation));
        let span = labels.span();
        let started = Instant::now();
        let deadline = started + self.inner.config.operation_timeout();
        // No timer of its own: every wait on the path ends by the deadline. The
        // limiter refuses a permit it cannot grant by then, an attempt's timeout is
        // at most what is left, and a retry waits only when it can start before it.
        let result = match self.prepare(&call) {
            Ok(request) => {
                self.attempts(&call, request, &key, deadline, &labels, &span)
                    .instrument(span.clone())
                    .await
            }
            Err(error) => Err(error),
        };
        labels.finished(started.elapsed(), result.as_ref().err().map(kind_label));
        result
    }

    async fn attempts(
        &self,
        call: &Call<'_>,
        request: TransportRequest,
        key: &RequestKey,
        deadline: Instant,
        labels: &Labels,
        span: &Span,
    ) -> Result<TransportResponse, DiscordError> {
        let config = &self.inner.config;
        let mut progress = Progress::new(call);
        // The first attempt sends the request built before the permit was
        // taken; a retry builds it again (the transport consumed it).
        let mut first = Some(request);
        loop {
            let asked = Instant::now();
            let permit = self
                .permit(key, deadline, labels)
                .await
                .map_err(|error| progress.give_up(error))?;
            let sending = Instant::now();
            progress.check_nonce_window(sending)?;
            labels.attempt(span, progress.retries.attempts() + 1, sending - asked);

            let attempt_timeout = config
                .request_timeout()
                .min(deadline.saturating_duration_since(sending));
            let request = match first.take() {
                Some(request) => request,
                None => self.prepare(call)?,
            };
            match self
                .send_once(request, permit, attempt_timeout, labels, span)
                .await?
            {
                Attempt::Answered(response) => return Ok(response),
                Attempt::Failed(error, failure) => {
                    let wait = progress.after_failure(error, failure, sending, deadline, config)?;
                    tracing::debug!(
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Waits for the rate limiter's permit, within the operation's deadline and
    /// the configured longest rate-limit wait.
    async fn permit(
        &self,
        key: &RequestKey,
        deadline: Instant,
        labels: &Labels,
    ) -> Result<Permit, DiscordError> {
        let now = Instant::now();
        let permit_deadline = (self.inner.config)
            .max_rate_limit_wait()
            .map_or(deadline, |max| deadline.min(now + max));
        let mut acquire = pin!(
            self.inner
                .limiter
                .acquire(key.clone().with_deadline(permit_deadline))
        );
        // Only a request that waits is in the queue: one granted at once (most of them)
        // skips the gauge, whose labels cost two allocations and two key hashes.
        let granted = match poll_fn(|cx| Poll::Ready(acquire.as_mut().poll(cx))).await {
            Poll::Ready(granted) => granted,
            Poll::Pending => {
                let _queued = labels.queued();
                acquire.await
            }
        };
        granted.map_err(|error| {
            // The limiter may refuse after a wait: what it compares with is what is
            // left of the allowed wait then, not the whole of it.
            let left = permit_deadline.saturating_duration_since(Instant::now());
            DiscordError::from_rate_limit(error, left)
        })
    }

    /// Sends one attempt under `permit` and reports the answer to the rate
    /// limiter. `Err` only for failures no retry can change (a cassette with
    /// no recorded answer).
    async fn send_once(
        &self,
        request: TransportRequest,
        permit: Permit,
        timeout: Duration,
        labels: &Labels,
        span: &Span,
    ) -> Result<Attempt, DiscordError> {
        let transport = &self.inner.transport;
        let exchange = transport.send(request);
        // A transport that times out within `timeout` by itself needs no second timer
        // (each costs a registration with the runtime's timer wheel and its removal).
        let sent = if transport
            .request_timeout()
            .is_some_and(|own| own <= timeout)
        {
            Ok(exchange.await)
        } else {
            tokio::time::timeout(timeout, exchange).await
        };
        Ok(match sent {
            Err(_elapsed) => {
                permit.complete(Outcome::no_response());
                labels.no_answer(true);
                Attempt::failed(
                    DiscordError::new(ErrorKind::Network {
                        request_may_have_been_sent: true,
                    }),
                    None,
                )
            }
            Ok(Err(error)) => {
                labels.no_answer(error.request_may_have_been_sent());
                if error.request_may_have_been_sent() {
                    permit.complete(Outcome::no_response());
                } else {
                    // Nothing reached Discord: give the capacity back.
                    drop(permit);
                }
                Attempt::failed(transport_failure(error)?, None)
            }
            Ok(Ok(response)) => {
                let status = response.status();
                let headers = rate_limit_headers(&response);
                labels.answered(span, status.as_u16(), headers.bucket.as_deref());
                let verdict = permit.complete(Outcome::response(status.as_u16(), headers));
                match DiscordError::from_response(status, response.headers(), response.body()) {
                    None => Attempt::Answered(response),
                    Some(error) => {
                        Attempt::failed(ban_of(error, verdict), server_retry_after(&response))
                    }
                }
            }
        })
    }

    /// The HTTP request of `call`, carrying its route's
    /// [`RouteTemplate`](bugle_transport::RouteTemplate)
    /// (what a cassette names it by) unless the transport reads none.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoAuthentication`] for a bot route without a bot token;
    /// [`ErrorKind::InvalidConfig`] when the URL or a header cannot be made.
    fn prepare(&self, call: &Call<'_>) -> Result<TransportRequest, DiscordError> {
        let root = &self.inner.api_root;
        let route = &call.route;
        let mut uri = String::with_capacity(root.len() + route.path_len() + 1 + call.query.len());
        uri.push_str(root);
        route.write_path(&mut uri);
        if !call.query.is_empty() {
            uri.push('?');
            uri.push_str(&call.query);
        }
        // The parser's error would describe the URI, which may hold a
        // webhook token: report only which setting to check.
        let uri = Uri::try_from(uri).map_err(|_| {
            invalid_config(
                "base_url",
                "does not make a valid request url; check the base url and api version",
            )
        })?;
        // Room for what hyper adds (`host`) without growing.
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(USER_AGENT, self.inner.headers.user_agent()?);
        if route.needs_bot_token() {
            headers.insert(AUTHORIZATION, self.inner.headers.bot_authorization()?);
        }
        if let Some(reason) = &call.audit_reason {
            let encoded = utf8_percent_encode(reason, REASON_ENCODE).to_string();
            let value = HeaderValue::try_from(encoded).map_err(|_| {
                invalid_config("audit_log_reason", "has characters a header cannot carry")
            })?;
            headers.insert(AUDIT_LOG_REASON, value);
        }
        let body = match &call.body {
            Body::Empty => Bytes::new(),
            Body::Json(json) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                json.clone()
            }
            Body::Multipart { content_type, body } => {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    invalid_config("multipart", "the content type cannot be a header")
                })?;
                headers.insert(CONTENT_TYPE, value);
                body.clone()
            }
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = route.method();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        if self.inner.transport.reads_route_template() {
            request.extensions_mut().insert(route.template());
        }
        Ok(request)
    }
}

/// What one attempt came to, classified once, where the answer (or its absence) is
/// read.
enum Attempt {
    /// A success answer.
    Answered(TransportResponse),
    /// A failure, with what the retry policy reads of it (`None` when no retry can
    /// help).
    Failed(DiscordError, Option<Failure>),
}

impl Attempt {
    /// A failed attempt: `error` and, with a 5xx answer's `Retry-After`, the retry
    /// policy's view of it.
    fn failed(error: DiscordError, server_retry_after: Option<Duration>) -> Self {
        let failure = match Failure::from_kind(error.kind()) {
            Some(Failure::ServerError { status, .. }) => Some(Failure::ServerError {
                status,
                retry_after: server_retry_after,
            }),
            other => other,
        };
        Self::Failed(error, failure)
    }
}

/// One operation's retries so far: what the policy is told, and whether an attempt
/// may already have taken effect (so that giving up says so).
struct Progress {
    method: Method,
    idempotent: bool,
    dedupe_safe: bool,
    retries: RetryState,
    /// When the first attempt that may have taken effect was sent.
    effect_since: Option<Instant>,
}

impl Progress {
    fn new(call: &Call<'_>) -> Self {
        let method = call.route.method();
        Self {
            idempotent: call.idempotent || is_idempotent(&method),
            method,
            dedupe_safe: call.dedupe_safe,
            retries: RetryState::new(),
            effect_since: None,
        }
    }

    /// `error` as the operation's final error: a create that may have reached
    /// Discord reports [`ErrorKind::MayHaveBeenDelivered`], with `error` as source.
    fn give_up(&self, error: DiscordError) -> DiscordError {
        if self.method == Method::POST && self.effect_since.is_some() {
            DiscordError::new(ErrorKind::MayHaveBeenDelivered).with_source(error)
        } else {
            error
        }
    }

    /// Refuses a resend once Discord would no longer recognise its nonce: it could
    /// duplicate the earlier attempt.
    fn check_nonce_window(&self, sending: Instant) -> Result<(), DiscordError> {
        if self.dedupe_safe
            && (self.effect_since).is_some_and(|since| sending - since >= NONCE_DEDUPE_WINDOW)
        {
            let error = DiscordError::new(ErrorKind::DeadlineExceeded {
                deadline: NONCE_DEDUPE_WINDOW,
            });
            return Err(self.give_up(error));
        }
        Ok(())
    }

    /// The attempt sent at `sending` failed: how long to wait before the next, or
    /// the operation's final error.
    fn after_failure(
        &mut self,
        error: DiscordError,
        failure: Option<Failure>,
        sending: Instant,
        deadline: Instant,
        config: &crate::config::DiscordConfig,
    ) -> Result<Duration, DiscordError> {
        if Instant::now() >= deadline {
            // The attempt was cut short by the operation deadline.
            self.effect_since.get_or_insert(sending);
            let error = DiscordError::new(ErrorKind::DeadlineExceeded {
                deadline: config.operation_timeout(),
            })
            .with_source(error);
            return Err(self.give_up(error));
        }
        let Some(failure) = failure else {
            return Err(self.give_up(error));
        };
        if failure.may_have_taken_effect() {
            self.effect_since.get_or_insert(sending);
        }
        let context = (self.retries.record(failure))
            .idempotent(self.idempotent)
            .dedupe_safe(self.dedupe_safe);
        match config.retry_policy().decide(&context) {
            RetryDecision::RetryAfter(wait) if Instant::now() + wait < deadline => Ok(wait),
            _ => Err(self.give_up(error)),
        }
    }
}

/// `error` as [`ErrorKind::Banned`] when it is a 429 that the rate limiter, just
/// told of it, took for a ban (a page without Discord's rate-limit scope, say, or a
/// wait past its ban threshold); otherwise `error` unchanged. The limiter alone decides
/// what a ban looks like and says so in its verdict, so the call that meets the ban
/// reports what every later call, refused by the limiter, will. The 429 is kept as
/// source.
fn ban_of(error: DiscordError, verdict: Verdict) -> DiscordError {
    match (error.kind(), verdict) {
        (ErrorKind::RateLimited { .. }, Verdict::Banned { until }) => {
            let retry_after = until.saturating_duration_since(Instant::now());
            DiscordError::new(ErrorKind::Banned { retry_after }).with_source(error)
        }
        _ => error,
    }
}

/// The `Retry-After` of a 5xx answer, if it carried one.
fn server_retry_after(response: &TransportResponse) -> Option<Duration> {
    if !response.status().is_server_error() {
        return None;
    }
    response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
}

/// The rate-limit headers of an answer, with the body for the statuses
/// whose body the limiter reads (404 and 429).
fn rate_limit_headers(response: &TransportResponse) -> RateLimitHeaders {
    let pairs = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value));
    let body = matches!(
        response.status(),
        StatusCode::NOT_FOUND | StatusCode::TOO_MANY_REQUESTS
    )
    .then(|| &response.body()[..]);
    RateLimitHeaders::parse(pairs, body)
}

/// A short, stable name for an error kind, for the `kind` metric label.
fn kind_label(error: &DiscordError) -> &'static str {
    match error.kind() {
        ErrorKind::RateLimited { .. } => "rate_limited",
        ErrorKind::ServerError { .. } => "server_error",
        ErrorKind::Network { .. } => "network",
        ErrorKind::Unauthorized { .. } => "unauthorized",
        ErrorKind::Forbidden { .. } => "forbidden",
        ErrorKind::NotFound { .. } => "not_found",
        ErrorKind::BadRequest { .. } => "bad_request",
        ErrorKind::Validation { .. } => "validation",
        ErrorKind::Decode { .. } => "decode",
        ErrorKind::QueueFull { .. } => "queue_full",
        ErrorKind::RateLimitTimeout { .. } => "rate_limit_timeout",
        ErrorKind::DeadlineExceeded { .. } => "deadline_exceeded",
        ErrorKind::SimulationNoMatch { .. } => "simulation_no_match",
        ErrorKind::SimulationLoad { .. } => "simulation_load",
        ErrorKind::MayHaveBeenDelivered => "may_have_been_delivered",
        ErrorKind::Banned { .. } => "banned",
        ErrorKind::InvalidRequestCeiling { .. } => "invalid_request_ceiling",
        _ => "configuration",
    }
}

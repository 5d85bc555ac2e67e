//! Tracing spans and metrics for every request.
//!
//! Each operation runs inside a `discord.request` span with the fields
//! `operation` (e.g. `send_message`), `route` (the rate-limit route template,
//! e.g. `POST /channels/{channel_id}/messages`), `bucket` (Discord's bucket
//! hash, once a response named it), `attempt`, `status` and `waited_ms` (time
//! spent waiting for a rate-limit permit). Route templates never hold a
//! token: webhook tokens appear as `{webhook_token}`. No span or event ever
//! records a header, a URL or a body.
//!
//! Metrics go through the [`metrics`] facade (install any recorder to collect
//! them), each labelled with `operation` and `route`:
//!
//! | metric | type | counts |
//! |---|---|---|
//! | `discord_requests_total` | counter | HTTP attempts sent |
//! | `discord_requests_success` | counter | operations that succeeded |
//! | `discord_requests_failed` | counter | operations that failed (label `kind` too) |
//! | `discord_rate_limits_hit` | counter | 429 answers received |
//! | `discord_request_duration_seconds` | histogram | whole operations, waits and retries included |
//! | `discord_queue_depth` | gauge | requests waiting for a rate-limit permit |

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bugle_ratelimit::Method;
use metrics::{Key, Label, Level, Metadata, SharedString};
use rustc_hash::FxHashMap;
use tracing::Span;
use tracing::field::Empty;

/// Counter: HTTP attempts sent.
pub const REQUESTS_TOTAL: &str = "discord_requests_total";
/// Counter: operations that succeeded.
pub const REQUESTS_SUCCESS: &str = "discord_requests_success";
/// Counter: operations that failed.
pub const REQUESTS_FAILED: &str = "discord_requests_failed";
/// Counter: 429 answers received.
pub const RATE_LIMITS_HIT: &str = "discord_rate_limits_hit";
/// Histogram: seconds per operation.
pub const REQUEST_DURATION_SECONDS: &str = "discord_request_duration_seconds";
/// Gauge: requests waiting for a rate-limit permit.
pub const QUEUE_DEPTH: &str = "discord_queue_depth";

/// What the client's metrics tell a recorder about themselves (as the `metrics` macros
/// would, from this module).
static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// One kind of operation: its name, and its route as a method, a template and the
/// template's rate-limit suffix (all `'static`: literals at the operations' call sites
/// and in the route constructors, so the kinds a client meets are as few as its
/// endpoints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct OperationKind {
    /// The operation's name, e.g. `send_message`.
    pub(crate) operation: &'static str,
    /// The route's method.
    pub(crate) method: Method,
    /// The route's template.
    pub(crate) template: &'static str,
    /// What the rate-limit template adds to `template`, or `""`.
    pub(crate) suffix: &'static str,
}

/// The labels of every kind of operation a client has run, each built once.
///
/// Building each metric's key on every call (its labels in a new vector, the route
/// written out) cost allocations per metric whether or not a recorder was installed; a
/// lookup here is a read lock and `FxHasher` over the kind. The map
/// holds one entry per kind of operation, so it stays as small as the client's list of
/// endpoints.
#[derive(Debug, Default)]
pub(crate) struct LabelCache {
    kinds: RwLock<FxHashMap<OperationKind, Labels>>,
}

impl LabelCache {
    /// The labels of `kind`, built on its first use.
    pub(crate) fn labels(&self, kind: OperationKind) -> Labels {
        let cached = (self.kinds.read().unwrap_or_else(PoisonError::into_inner))
            .get(&kind)
            .cloned();
        cached.unwrap_or_else(|| {
            let mut kinds = self.kinds.write().unwrap_or_else(PoisonError::into_inner);
            kinds
                .entry(kind)
                .or_insert_with(|| Labels::new(kind))
                .clone()
        })
    }
}

/// The labels of one operation's metrics, and their keys.
///
/// The route is written once per kind of operation and shared: each metric's key holds
/// a reference to it rather than a copy. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Labels(Arc<Keys>);

/// The operation's name and route label, and the key of each of its metrics (the
/// failure counter's, which also names the error kind, is built when one happens).
#[derive(Debug)]
struct Keys {
    operation: &'static str,
    route: Arc<str>,
    requests_total: Key,
    requests_success: Key,
    rate_limits_hit: Key,
    duration: Key,
    queue_depth: Key,
}

impl Labels {
    /// Labels for `kind` (its route a template, never a concrete path).
    fn new(kind: OperationKind) -> Self {
        let method = kind.method.as_str();
        let mut label =
            String::with_capacity(method.len() + 1 + kind.template.len() + kind.suffix.len());
        label.push_str(method);
        label.push(' ');
        label.push_str(kind.template);
        label.push_str(kind.suffix);
        let route: Arc<str> = Arc::from(label);
        let key = |name: &'static str| Key::from_parts(name, labels(kind.operation, &route, None));
        Self(Arc::new(Keys {
            operation: kind.operation,
            requests_total: key(REQUESTS_TOTAL),
            requests_success: key(REQUESTS_SUCCESS),
            rate_limits_hit: key(RATE_LIMITS_HIT),
            duration: key(REQUEST_DURATION_SECONDS),
            queue_depth: key(QUEUE_DEPTH),
            route,
        }))
    }

    /// The span an operation runs in.
    pub(crate) fn span(&self) -> Span {
        tracing::debug_span!(
            "discord.request",
            operation = self.0.operation,
            route = &*self.0.route,
            bucket = Empty,
            attempt = Empty,
            status = Empty,
            waited_ms = Empty,
        )
    }

    /// An attempt is about to be sent, after waiting `waited` for its permit.
    pub(crate) fn attempt(&self, span: &Span, attempt: u32, waited: Duration) {
        span.record("attempt", attempt);
        span.record("waited_ms", duration_ms(waited));
        counter(&self.0.requests_total).increment(1);
        if !waited.is_zero() {
            tracing::debug!(
                waited_ms = duration_ms(waited),
                "waited for a rate-limit permit"
            );
        }
    }

    /// An answer arrived with `status` (and Discord's bucket hash, if any).
    pub(crate) fn answered(&self, span: &Span, status: u16, bucket: Option<&str>) {
        span.record("status", status);
        if let Some(bucket) = bucket {
            span.record("bucket", bucket);
        }
        if status == 429 {
            counter(&self.0.rate_limits_hit).increment(1);
            tracing::debug!(status, "discord answered 429");
        }
    }

    /// An attempt got no answer.
    pub(crate) fn no_answer(&self, may_have_been_sent: bool) {
        tracing::debug!(
            operation = self.0.operation,
            may_have_been_sent,
            "no answer from discord"
        );
    }

    /// The operation finished after `elapsed`; `failure` names the error kind.
    pub(crate) fn finished(&self, elapsed: Duration, failure: Option<&'static str>) {
        metrics::with_recorder(|recorder| recorder.register_histogram(&self.0.duration, &METADATA))
            .record(elapsed.as_secs_f64());
        match failure {
            None => counter(&self.0.requests_success).increment(1),
            Some(kind) => {
                // Failures are few: their key, with its `kind`, is built when one happens.
                let extra = Label::from_static_parts("kind", kind);
                let labels = labels(self.0.operation, &self.0.route, Some(extra));
                counter(&Key::from_parts(REQUESTS_FAILED, labels)).increment(1);
            }
        }
    }

    /// Counts this request in `discord_queue_depth` until the guard drops.
    pub(crate) fn queued(&self) -> QueuedGuard {
        let gauge = metrics::with_recorder(|recorder| {
            recorder.register_gauge(&self.0.queue_depth, &METADATA)
        });
        gauge.increment(1.0);
        QueuedGuard { gauge }
    }
}

/// The labels of one metric: `operation` and `route`, and `extra`.
fn labels(operation: &'static str, route: &Arc<str>, extra: Option<Label>) -> Vec<Label> {
    let mut labels = Vec::with_capacity(3);
    labels.push(Label::from_static_parts("operation", operation));
    labels.push(Label::new(
        "route",
        SharedString::from_shared(Arc::clone(route)),
    ));
    labels.extend(extra);
    labels
}

/// The counter `key` of the recorder in use (a no-op one when none is installed).
fn counter(key: &Key) -> metrics::Counter {
    metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA))
}

/// Holds one place in `discord_queue_depth`; gives it back when dropped
/// (also when the waiting request is cancelled).
pub(crate) struct QueuedGuard {
    gauge: metrics::Gauge,
}

impl std::fmt::Debug for QueuedGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedGuard").finish_non_exhaustive()
    }
}

impl Drop for QueuedGuard {
    fn drop(&mut self) {
        self.gauge.decrement(1.0);
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

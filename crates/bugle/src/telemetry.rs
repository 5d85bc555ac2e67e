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

use std::sync::Arc;
use std::time::Duration;

use bugle_ratelimit::Method;
use metrics::{Label, SharedString};
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

/// The labels of one operation's metrics.
///
/// The route is written once per operation and shared: each metric's labels
/// take a reference to it rather than a copy.
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    operation: &'static str,
    route: Arc<str>,
}

impl Labels {
    /// Labels for `operation`, a `method` request on `route` (a template,
    /// never a concrete path).
    pub(crate) fn new(operation: &'static str, method: Method, route: &str) -> Self {
        let method = method.as_str();
        let mut label = String::with_capacity(method.len() + 1 + route.len());
        label.push_str(method);
        label.push(' ');
        label.push_str(route);
        Self {
            operation,
            route: Arc::from(label),
        }
    }

    /// The span an operation runs in.
    pub(crate) fn span(&self) -> Span {
        tracing::debug_span!(
            "discord.request",
            operation = self.operation,
            route = &*self.route,
            bucket = Empty,
            attempt = Empty,
            status = Empty,
            waited_ms = Empty,
        )
    }

    /// The labels of one metric: `operation` and `route`, and `extra`.
    fn labels(&self, extra: Option<Label>) -> Vec<Label> {
        let mut labels = Vec::with_capacity(3);
        labels.push(Label::from_static_parts("operation", self.operation));
        labels.push(Label::new(
            "route",
            SharedString::from_shared(Arc::clone(&self.route)),
        ));
        labels.extend(extra);
        labels
    }

    /// An attempt is about to be sent, after waiting `waited` for its permit.
    pub(crate) fn attempt(&self, span: &Span, attempt: u32, waited: Duration) {
        span.record("attempt", attempt);
        span.record("waited_ms", duration_ms(waited));
        metrics::counter!(REQUESTS_TOTAL, self.labels(None)).increment(1);
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
            metrics::counter!(RATE_LIMITS_HIT, self.labels(None)).increment(1);
            tracing::debug!(status, "discord answered 429");
        }
    }

    /// An attempt got no answer.
    pub(crate) fn no_answer(&self, may_have_been_sent: bool) {
        tracing::debug!(
            operation = self.operation,
            may_have_been_sent,
            "no answer from discord"
        );
    }

    /// The operation finished after `elapsed`; `failure` names the error kind.
    pub(crate) fn finished(&self, elapsed: Duration, failure: Option<&'static str>) {
        metrics::histogram!(REQUEST_DURATION_SECONDS, self.labels(None))
            .record(elapsed.as_secs_f64());
        match failure {
            None => metrics::counter!(REQUESTS_SUCCESS, self.labels(None)).increment(1),
            Some(kind) => {
                let labels = self.labels(Some(Label::from_static_parts("kind", kind)));
                metrics::counter!(REQUESTS_FAILED, labels).increment(1);
            }
        }
    }

    /// Counts this request in `discord_queue_depth` until the guard drops.
    pub(crate) fn queued(&self) -> QueuedGuard {
        let gauge = metrics::gauge!(QUEUE_DEPTH, self.labels(None));
        gauge.increment(1.0);
        QueuedGuard { gauge }
    }
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

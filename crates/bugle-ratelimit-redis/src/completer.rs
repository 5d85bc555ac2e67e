//! The worker that sends completions (and abandoned asks) to Redis off the caller's
//! path, one complete script each, in the order they came. It shares the store's
//! multiplexed connection, so an abandon sent after an ask reaches Redis after it.

use std::time::Duration;

use bugle_ratelimit::{Outcome, SharedReport, SharedRequest};
use redis::aio::ConnectionManager;
use secrecy::SecretString;
use tokio::sync::{mpsc, oneshot};
use tracing::debug;

use crate::keys::{Keys, wake_channel};
use crate::redact::scrub;
use crate::report::{meaning, millis, what};
use crate::store::IDLE;

const COMPLETE: &str = include_str!("scripts/complete.lua");

/// How long one completion may take before it is dropped (its reservation then ends
/// with its lease).
const COMPLETE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the worker sends.
pub(crate) enum Job {
    /// What became of a granted request.
    Report(SharedReport),
    /// An ask whose answer the caller stopped waiting for: whatever it was granted is
    /// given back, wherever it was granted (the script looks in every bucket the route
    /// may have had).
    Abandon(SharedRequest),
    /// A request sent under the fallback limits: counted, if Redis still hears of it.
    Fallback(SharedRequest),
    /// Answered once every job before it was sent.
    Flush(oneshot::Sender<()>),
}

/// Sends completions, one script each, in the order they came.
pub(crate) struct Completer {
    connection: ConnectionManager,
    script: redis::Script,
    base: String,
    url: SecretString,
    window_margin: Duration,
}

impl Completer {
    pub(crate) fn new(
        connection: ConnectionManager,
        base: String,
        url: SecretString,
        window_margin: Duration,
    ) -> Self {
        Self {
            connection,
            script: redis::Script::new(COMPLETE),
            base,
            url,
            window_margin,
        }
    }

    pub(crate) async fn run(self, mut queue: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = queue.recv().await {
            let job = match job {
                Job::Flush(done) => {
                    let _ = done.send(());
                    continue;
                }
                job => job,
            };
            let (result, request) = match &job {
                Job::Report(report) => (self.report(report).await, report.request()),
                Job::Abandon(request) => (self.abandon(request).await, request),
                Job::Fallback(request) => (self.fallback(request).await, request),
                Job::Flush(_) => continue,
            };
            if let Err(error) = result {
                debug!(
                    error = %scrub(&error.to_string(), &self.url),
                    route = request.route(),
                    "shared limits: a completion was not recorded; its reservation ends with its lease"
                );
            }
        }
    }

    async fn report(&self, report: &SharedReport) -> redis::RedisResult<()> {
        let meaning = meaning(report);
        let headers = report.outcome().map(Outcome::headers);
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        let reset_after = headers
            .and_then(|h| h.reset_after)
            .map(|r| millis(r).to_string())
            .unwrap_or_default();
        let args = Args {
            slot: report.reservation().slot(),
            id: report.reservation().id(),
            what: &what(report),
            limit: &number(headers.and_then(|h| h.limit)),
            remaining: &number(headers.and_then(|h| h.remaining)),
            reset_after: &reset_after,
            bucket: headers
                .and_then(|h| h.bucket.as_deref())
                .unwrap_or_default(),
            kind: meaning.kind,
            lasts: meaning.lasts,
        };
        self.send(report.request(), &args).await
    }

    async fn abandon(&self, request: &SharedRequest) -> redis::RedisResult<()> {
        let args = Args {
            // No slot: the script looks wherever the route's grant may be.
            slot: "",
            id: request.ticket(),
            what: "unsent",
            limit: "",
            remaining: "",
            reset_after: "",
            bucket: "",
            kind: "",
            lasts: Duration::ZERO,
        };
        self.send(request, &args).await
    }

    async fn fallback(&self, request: &SharedRequest) -> redis::RedisResult<()> {
        let args = Args {
            slot: "",
            id: request.ticket(),
            what: "fallback",
            limit: "",
            remaining: "",
            reset_after: "",
            bucket: "",
            kind: "",
            // The global log's window, for its expiry.
            lasts: Duration::from_secs(1) + self.window_margin,
        };
        self.send(request, &args).await
    }

    async fn send(&self, request: &SharedRequest, args: &Args<'_>) -> redis::RedisResult<()> {
        let keys = Keys::of(&self.base, request);
        let limits = request.limits();
        let mut connection = self.connection.clone();
        let mut invocation = self.script.prepare_invoke();
        invocation
            .arg(&keys.scope)
            .arg(&keys.egress)
            .arg(request.route())
            .arg(&keys.major)
            .arg(keys.pool)
            .arg(args.slot)
            .arg(args.id)
            .arg(args.what)
            .arg(args.limit)
            .arg(args.remaining)
            .arg(args.reset_after)
            .arg(args.bucket)
            .arg(args.kind)
            .arg(millis(args.lasts))
            .arg(&keys.webhook)
            .arg(millis(IDLE))
            .arg(limits.invalid_request_ceiling())
            .arg(wake_channel(&self.base))
            .arg(millis(limits.safety_margin()))
            .arg(millis(limits.sublimit_ttl()));
        let call = invocation.invoke_async::<()>(&mut connection);
        match tokio::time::timeout(COMPLETE_TIMEOUT, call).await {
            Ok(result) => result,
            Err(_) => Err(redis::RedisError::from((
                redis::ErrorKind::Io,
                "no answer within 2 s",
            ))),
        }
    }
}

/// The per-request arguments of the complete script.
struct Args<'a> {
    slot: &'a str,
    id: u64,
    what: &'a str,
    limit: &'a str,
    remaining: &'a str,
    reset_after: &'a str,
    bucket: &'a str,
    kind: &'a str,
    lasts: Duration,
}

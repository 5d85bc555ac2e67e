//! Limits shared with other processes: the boundary a remote store implements, and the
//! gate that puts it after the in-process engine.
//!
//! Several replicas (and cron jobs, and CI) often send with one bot token. Each
//! in-process engine then believes it owns the whole global pool and every bucket. A
//! [`SharedStore`] decides for all of them at once: the engine first queues and orders a
//! request in process, as it always does, and then asks the store one question,
//! [`SharedStore::acquire`], whose answer is a whole decision (go, wait this long, or
//! refuse). After the response, [`SharedStore::complete`] reports it, off the caller's
//! path. The store is the binding constraint; the in-process engine keeps what it does
//! well (per-bucket FIFO, deadlines, learning hidden limits) and costs no round trip.
//!
//! When the store does not answer within its deadline, the engine falls back to
//! in-process limits that assume other processes are sending too (a configured share of
//! the global pool, one request in flight per route and resource), and goes back to the
//! store as soon as it answers again. It never sends unchecked, and never waits past the
//! request's deadline.
//!
//! `bugle-ratelimit-redis` implements the store on Redis.

mod fallback;
pub(crate) mod gate;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{DISCORD_GLOBAL_PER_SECOND, RateLimitConfig};
use crate::key::{GlobalPool, Major, RequestKey};
use crate::outcome::Outcome;

/// A future a [`SharedStore`] returns: boxed, so the trait can be used as `dyn`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A future that ends when something the waiter waits for may have changed (a
/// reservation completed elsewhere, say). Ending early is harmless: the waiter asks again.
pub type WakeFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A store of rate-limit state shared by every process that sends with the same token.
///
/// Each method is one whole decision, so a remote store can make it in one round trip
/// (on Redis, one script). Implementations decide every limit by their own clock, never
/// by the caller's.
pub trait SharedStore: Send + Sync + fmt::Debug + 'static {
    /// Decides whether `request` may be sent now. A grant reserves its capacity until it
    /// is completed or its lease ends.
    fn acquire<'a>(&'a self, request: &'a SharedRequest) -> StoreFuture<'a, SharedDecision>;

    /// Reports what became of a granted request. Called once per grant, synchronously
    /// from the caller's path, so it must not block: a remote store sends it in the
    /// background (a lost report only holds the capacity until the lease ends).
    fn complete(&self, report: SharedReport);

    /// Gives back whatever an unanswered ask may have reserved: the caller stopped
    /// waiting for [`SharedStore::acquire`] (its store deadline passed), so the store
    /// may have granted `request` without anyone to send it. Must not block, like
    /// [`SharedStore::complete`]; the default does nothing, leaving such a grant to
    /// end with its lease. The request's [`SharedRequest::ticket`] names the grant.
    fn abandon(&self, request: &SharedRequest) {
        let _ = request;
    }

    /// Records a request sent under the fallback limits while the store's answers did
    /// not come in time, so that, if the store is only slow, every other process counts
    /// it too (in the global pool, its resource's dispatches and its bucket). Must not
    /// block, like [`SharedStore::complete`]; the default does nothing.
    fn record_fallback(&self, request: &SharedRequest) {
        let _ = request;
    }

    /// Waits until every completion and abandon handed to the store so far has reached
    /// it (or failed). A process calls it before it exits: a completion still queued
    /// when it exits is lost, and its reservation holds its place, for every process,
    /// until its lease ends. The default has nothing queued.
    fn flush(&self) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A stable, non-reversible identity for a bot token: the same in every process, so it
/// can name shared state; the token itself is never kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BotId(Arc<str>);

impl BotId {
    /// The id of `token`: the first 12 bytes of SHA-256 over a fixed domain prefix and
    /// the token, in hex.
    pub fn of(token: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"bugle bot token v1\0")
            .chain_update(token.as_bytes())
            .finalize();
        Self(Arc::from(hex(&digest[..12])))
    }

    /// The id as text (24 lower-case hex digits).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BotId({})", self.0)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// One request, as a shared store sees it.
#[derive(Debug, Clone)]
pub struct SharedRequest {
    route: Arc<str>,
    major: Major,
    pool: GlobalPool,
    bot: Option<BotId>,
    egress: Arc<str>,
    lease: Duration,
    limits: Arc<RateLimitConfig>,
    ticket: u64,
}

/// A number no other request of any process is likely to have (64 random bits).
fn new_ticket() -> u64 {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    std::collections::hash_map::RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
        >> 1
}

impl SharedRequest {
    /// A request on `route` (method and template, such as
    /// `POST /channels/{channel_id}/messages`) and `major`, counted against `pool`.
    pub fn new(route: impl Into<Arc<str>>, major: Major, pool: GlobalPool) -> Self {
        Self {
            route: route.into(),
            major,
            pool,
            bot: None,
            egress: Arc::from(DEFAULT_EGRESS),
            lease: DEFAULT_LEASE,
            limits: Arc::default(),
            ticket: new_ticket(),
        }
    }

    pub(crate) fn for_key(
        key: &RequestKey,
        config: &SharedLimitsConfig,
        limits: &Arc<RateLimitConfig>,
    ) -> Self {
        Self {
            route: Arc::from(format!("{} {}", key.method, key.route.as_str())),
            major: key.major,
            pool: key.pool,
            bot: config.bot.clone(),
            egress: config.egress.clone(),
            lease: config.lease,
            limits: limits.clone(),
            ticket: new_ticket(),
        }
    }

    /// The request's ticket: the same on every ask until it is granted, so a store can
    /// keep its place in a queue (and name its reservation by it). 63 random bits.
    pub fn ticket(&self) -> u64 {
        self.ticket
    }

    /// Sets the limits the request is decided by (global pools, invalid-request
    /// ceiling, ban threshold, dead-webhook memory).
    #[must_use]
    pub fn with_limits(mut self, limits: RateLimitConfig) -> Self {
        self.limits = Arc::new(limits);
        self
    }

    /// The limits the request is decided by: the engine's own configuration.
    pub fn limits(&self) -> &RateLimitConfig {
        &self.limits
    }

    /// Sets the bot the request is sent as.
    #[must_use]
    pub fn with_bot(mut self, bot: BotId) -> Self {
        self.bot = Some(bot);
        self
    }

    /// Sets the egress the request leaves by.
    #[must_use]
    pub fn with_egress(mut self, egress: impl Into<Arc<str>>) -> Self {
        self.egress = egress.into();
        self
    }

    /// Sets how long a grant holds its capacity if it is never completed.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The method and route template, such as `POST /channels/{channel_id}/messages`.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The major parameter.
    pub fn major(&self) -> Major {
        self.major
    }

    /// The stable text of the major parameter, for naming shared state: `-`,
    /// `channel:ID`, `guild:ID`, `webhook:ID` or `webhook:ID:TOKENHASH`.
    pub fn major_key(&self) -> String {
        match self.major {
            Major::None => "-".to_owned(),
            Major::Channel(id) => format!("channel:{id}"),
            Major::Guild(id) => format!("guild:{id}"),
            Major::Webhook { id, token: None } => format!("webhook:{id}"),
            Major::Webhook {
                id,
                token: Some(token),
            } => format!("webhook:{id}:{:016x}", token.stable()),
        }
    }

    /// The global pool the request counts against.
    pub fn pool(&self) -> GlobalPool {
        self.pool
    }

    /// The bot it is sent as (`None` for requests without the bot token).
    pub fn bot(&self) -> Option<&BotId> {
        self.bot.as_ref()
    }

    /// The egress (outgoing address) it leaves by: the per-IP pool and the
    /// invalid-request counter are per egress.
    pub fn egress(&self) -> &str {
        &self.egress
    }

    /// How long a grant holds its capacity if it is never completed (the process died).
    pub fn lease(&self) -> Duration {
        self.lease
    }
}

/// A grant: what the store needs to find the reservation again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    id: u64,
    slot: Arc<str>,
}

impl Reservation {
    /// A reservation `id` in the store's `slot` (whatever the store needs: the key of
    /// the bucket the capacity was taken from, say).
    pub fn new(id: u64, slot: impl Into<Arc<str>>) -> Self {
        Self {
            id,
            slot: slot.into(),
        }
    }

    /// The reservation's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Where the store took the capacity from.
    pub fn slot(&self) -> &str {
        &self.slot
    }
}

/// A store's answer to [`SharedStore::acquire`].
#[non_exhaustive]
pub enum SharedDecision {
    /// Send now; the capacity is reserved.
    Grant(Reservation),
    /// Not yet: ask again after `after`, or as soon as `woken` ends.
    Wait {
        /// The wait the store computed (until a window rolls, a hold ends, a lease
        /// expires).
        after: Duration,
        /// Ends when the state may have changed earlier (a reservation completed).
        woken: Option<WakeFuture>,
    },
    /// Do not send: every process must refuse.
    Refuse(Refusal),
}

impl fmt::Debug for SharedDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grant(reservation) => f.debug_tuple("Grant").field(reservation).finish(),
            Self::Wait { after, woken } => f
                .debug_struct("Wait")
                .field("after", after)
                .field("woken", &woken.is_some())
                .finish(),
            Self::Refuse(refusal) => f.debug_tuple("Refuse").field(refusal).finish(),
        }
    }
}

/// Why a shared store refuses a request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The bot token was answered 401 (by any process).
    TokenInvalid,
    /// The webhook was answered 404; it may be tried again after `remaining`.
    WebhookDead {
        /// How long the memory lasts.
        remaining: Duration,
    },
    /// A ban (Cloudflare's, or Discord's long 429) on the egress; it ends after
    /// `remaining`.
    Banned {
        /// How long the ban lasts.
        remaining: Duration,
    },
    /// The egress's invalid requests of the last 10 minutes reached the ceiling.
    InvalidRequestCeiling {
        /// Until the count drops below the ceiling.
        remaining: Duration,
    },
}

/// What became of a granted request.
#[derive(Debug, Clone)]
pub struct SharedReport {
    request: SharedRequest,
    reservation: Reservation,
    outcome: Option<Outcome>,
}

impl SharedReport {
    /// The report of `reservation` for `request`: `outcome` is `None` when the request
    /// was never sent, [`Outcome::no_response`] when it was sent and nothing came back.
    pub fn new(request: SharedRequest, reservation: Reservation, outcome: Option<Outcome>) -> Self {
        Self {
            request,
            reservation,
            outcome,
        }
    }

    /// The request.
    pub fn request(&self) -> &SharedRequest {
        &self.request
    }

    /// Its reservation.
    pub fn reservation(&self) -> &Reservation {
        &self.reservation
    }

    /// What came back; `None` if the request was never sent.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
}

/// A store that could not decide: unreachable, too slow, or answering nonsense. Its text
/// never carries a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error described by `message` (which must not carry a credential).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shared rate-limit store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// The egress every process shares unless configured otherwise.
pub const DEFAULT_EGRESS: &str = "default";
const DEFAULT_LEASE: Duration = Duration::from_secs(15);

/// How the engine uses a [`SharedStore`].
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedLimitsConfig {
    pub(crate) bot: Option<BotId>,
    pub(crate) egress: Arc<str>,
    pub(crate) lease: Duration,
    pub(crate) store_deadline: Duration,
    pub(crate) fallback_global_per_second: u32,
    pub(crate) probe_interval: Duration,
}

impl Default for SharedLimitsConfig {
    fn default() -> Self {
        Self {
            bot: None,
            egress: Arc::from(DEFAULT_EGRESS),
            lease: DEFAULT_LEASE,
            store_deadline: Duration::from_millis(50),
            fallback_global_per_second: DISCORD_GLOBAL_PER_SECOND / 4,
            probe_interval: Duration::from_secs(1),
        }
    }
}

impl SharedLimitsConfig {
    /// Sets the bot token the limits are shared for (its [`BotId`]; the token is not kept).
    pub fn with_bot_token(mut self, token: &str) -> Self {
        self.bot = Some(BotId::of(token));
        self
    }

    /// Sets the egress name: processes behind different outgoing addresses have
    /// different per-IP pools and invalid-request counters. Default `default`: one
    /// egress for everyone, which over-counts and is therefore safe.
    pub fn with_egress(mut self, egress: impl Into<Arc<str>>) -> Self {
        self.egress = egress.into();
        self
    }

    /// Sets how long a grant holds its capacity if its process dies before completing
    /// it. Longer than any request takes (default 15 s).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long one store call may take before the engine falls back to in-process
    /// limits (default 50 ms).
    pub fn with_store_deadline(mut self, deadline: Duration) -> Self {
        self.store_deadline = deadline;
        self
    }

    /// Sets the global pool this process may use while the store is unreachable: its
    /// share, such as the global limit divided by the replicas expected (default 12, a
    /// quarter of 50).
    pub fn with_fallback_global_per_second(mut self, n: u32) -> Self {
        self.fallback_global_per_second = n.max(1);
        self
    }

    /// Sets how often a process that fell back asks the store again (default 1 s).
    pub fn with_probe_interval(mut self, interval: Duration) -> Self {
        self.probe_interval = interval;
        self
    }

    /// The store-call deadline.
    pub fn store_deadline(&self) -> Duration {
        self.store_deadline
    }

    /// The fallback share of the global pool.
    pub fn fallback_global_per_second(&self) -> u32 {
        self.fallback_global_per_second
    }
}

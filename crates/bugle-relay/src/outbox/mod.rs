//! The outbox: notifications committed durably before the sender gets its
//! 2xx, and the state of each group's card.
//!
//! Two tables, the same in both stores:
//! - `relay_entries`: one row per notification and route (`pending`,
//!   `delivered` or `dead`), with a dedupe key so a sender's retry or an
//!   Alertmanager HA twin is stored once;
//! - `relay_groups`: one row per group key (route + sender's group key),
//!   holding the card's state (message id, thread id, what it shows), the
//!   claim (owner, lease, fencing number) and the retry schedule, and the
//!   card's notes (acknowledgements and silences, see [`CardNotes`]).
//!
//! A worker claims whole groups, so one group is delivered by one worker at
//! a time, in order. Every write a worker makes after its claim checks the
//! fencing number: a worker whose lease ran out and whose group was claimed
//! again cannot commit.

mod notes;
mod postgres;
mod sqlite;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::config::Route;
use crate::model::{Notification, Status};

pub use notes::{Acknowledgement, Annotated, CardLookup, CardNotes, NoteChange, SilenceNote};
pub(crate) use notes::{notes_from, notes_json};
pub use postgres::PostgresOutbox;
pub use sqlite::SqliteOutbox;

/// A boxed future of the outbox's methods.
pub type OutboxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, OutboxError>> + Send + 'a>>;

/// What went wrong in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// The outbox holds its capacity of undelivered notifications.
    #[error("the outbox is full ({capacity} notifications waiting); try again later")]
    Full {
        /// The configured capacity.
        capacity: u64,
    },
    /// The group was claimed again by another worker (the lease ran out).
    #[error("the claim on this group was taken over; another worker delivers it")]
    Fenced,
    /// The store failed (the message never holds a password).
    #[error("outbox store error: {0}")]
    Store(String),
}

/// A notification routed to one destination, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The notification.
    pub notification: Notification,
    /// Where it goes and how.
    pub route: Route,
}

impl Envelope {
    /// The outbox group this belongs to: the route and the sender's key.
    pub fn group_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.route.name,
            self.notification.source.as_str(),
            self.notification.group_key
        )
    }

    /// A key that is the same for the same notification sent twice (a
    /// retry, an HA twin): route, group, status and every alert's identity
    /// and times.
    pub fn dedupe_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let n = &self.notification;
        let mut hash = Sha256::new();
        for part in [self.group_key().as_str(), n.status.as_str()] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let mut alerts: Vec<String> = n
            .alerts
            .iter()
            .map(|alert| {
                format!(
                    "{:?}|{}|{:?}|{:?}|{:?}",
                    alert.status,
                    alert
                        .fingerprint
                        .clone()
                        .unwrap_or_else(|| format!("{:?}", alert.labels)),
                    alert.starts_at_ms,
                    alert.ends_at_ms,
                    alert.annotations,
                )
            })
            .collect();
        alerts.sort();
        for alert in alerts {
            hash.update(alert.as_bytes());
            hash.update([0]);
        }
        if n.source == crate::model::Source::Notify {
            // Scripts' notifications carry no times: the same text twice is
            // two notifications.
            hash.update(format!("{:?}{:?}", n.text, n.common_labels).as_bytes());
            hash.update(uuidish().as_bytes());
        }
        crate::auth::hex(&hash.finalize())
    }
}

/// A unique-enough suffix (process id and a counter) for notifications that
/// are never deduplicated.
fn uuidish() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}:{}:{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        crate::clock::Clock::system().now_ms()
    )
}

/// A stored, undelivered notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its id (increasing: the order of arrival).
    pub id: i64,
    /// When it was committed (ms since the epoch).
    pub created_ms: i64,
    /// What to deliver.
    pub envelope: Envelope,
}

/// A post the relay started and has not seen the answer of: after a crash
/// it is resolved by Discord's nonce or the card's marker before anything is
/// posted again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// The nonce the post carries (bot routes).
    pub nonce: String,
    /// The marker in the card's footer.
    pub marker: String,
    /// When the post was first tried (ms since the epoch).
    pub since_ms: i64,
}

/// What a group's card shows, and where it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardState {
    /// The card's message, once posted.
    pub message_id: Option<u64>,
    /// The channel it is in.
    pub channel_id: Option<u64>,
    /// The incident's thread.
    pub thread_id: Option<u64>,
    /// The card's marker.
    pub marker: Option<String>,
    /// The status the card shows.
    pub status: Option<Status>,
    /// The firing and resolved counts it shows.
    pub counts: Option<(usize, usize)>,
    /// When the episode began (ms).
    pub episode_started_ms: Option<i64>,
    /// A post under way.
    pub intent: Option<Intent>,
    /// The newest entry the card reflects: entries up to it are delivered,
    /// even if a crash came before they were marked so.
    #[serde(default)]
    pub shown_through: i64,
}

impl CardState {
    /// Whether a firing episode is open on this card.
    pub fn is_open(&self) -> bool {
        self.message_id.is_some() && self.status == Some(Status::Firing)
    }
}

/// A claimed group: its card and its pending entries in order.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The group key.
    pub group_key: String,
    /// The fencing number every later write must present.
    pub fence: i64,
    /// How many delivery attempts have failed in a row.
    pub attempts: i64,
    /// The card.
    pub card: CardState,
    /// The pending entries, oldest first (none when only the notes changed).
    pub entries: Vec<Entry>,
    /// The card's notes.
    pub notes: CardNotes,
    /// How many changes the notes have had.
    pub notes_seq: i64,
    /// How many of those the card shows.
    pub notes_shown: i64,
    /// What the card showed at the end of its last delivery.
    pub shown: Option<Envelope>,
}

impl Claim {
    /// Whether the notes changed since the card last showed them.
    pub fn notes_changed(&self) -> bool {
        self.notes_seq > self.notes_shown
    }
}

/// The end of a delivery attempt on a claimed group.
#[derive(Debug, Clone, Default)]
pub struct Finish {
    /// Entries now shown on Discord (or superseded by a later one that is).
    pub delivered: Vec<i64>,
    /// Entries that failed for good, with the reason.
    pub dead: Vec<(i64, String)>,
    /// The card after the attempt.
    pub card: CardState,
    /// When to try the rest again, after a failure that may pass.
    pub retry_at_ms: Option<i64>,
    /// The note count the card now shows (a smaller number than the
    /// stored one changes nothing).
    pub notes_shown: i64,
    /// What the card shows now, when a delivery changed it.
    pub shown: Option<Envelope>,
}

/// A notification in the dead-letter state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Its id (for `requeue`).
    pub id: i64,
    /// Its group key.
    pub group_key: String,
    /// Why it failed.
    pub error: String,
    /// When it was received (ms).
    pub created_ms: i64,
}

/// Counts for `/metrics` and `/readyz`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Undelivered notifications.
    pub pending: u64,
    /// Dead letters.
    pub dead: u64,
    /// When the oldest undelivered one arrived (ms).
    pub oldest_pending_ms: Option<i64>,
}

/// The outcome of [`Outbox::enqueue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    /// Ids of the new entries.
    pub ids: Vec<i64>,
    /// How many were already stored (a retry or an HA twin).
    pub duplicates: usize,
}

/// A store for the outbox.
pub trait Outbox: Send + Sync + fmt::Debug {
    /// Commits `envelopes` durably (all or none), refusing when the outbox
    /// holds `capacity` undelivered entries.
    fn enqueue(&self, envelopes: Vec<Envelope>, now_ms: i64) -> OutboxFuture<'_, Enqueued>;

    /// Claims up to `limit` groups that have pending entries or notes the
    /// card does not show yet, are due and are not claimed by a live lease.
    fn claim(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> OutboxFuture<'_, Vec<Claim>>;

    /// Saves the card mid-delivery (a post's intent, a new message id) and
    /// renews the lease; [`OutboxError::Fenced`] when the claim was lost.
    fn save_card(
        &self,
        group_key: &str,
        fence: i64,
        card: &CardState,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()>;

    /// Extends the lease of a claim still held (a delivery that waits long
    /// on Discord); [`OutboxError::Fenced`] when it was lost.
    fn renew(
        &self,
        group_key: &str,
        fence: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()>;

    /// Ends the attempt and releases the claim; [`OutboxError::Fenced`]
    /// (and nothing written) when the claim was lost.
    fn finish(
        &self,
        group_key: &str,
        fence: i64,
        finish: Finish,
        now_ms: i64,
    ) -> OutboxFuture<'_, ()>;

    /// Releases every claim `owner` holds (graceful shutdown).
    fn release(&self, owner: &str) -> OutboxFuture<'_, ()>;

    /// The dead letters, oldest first.
    fn dead_letters(&self) -> OutboxFuture<'_, Vec<DeadLetter>>;

    /// Puts dead letter `id` back to pending; whether it was one.
    fn requeue(&self, id: i64) -> OutboxFuture<'_, bool>;

    /// Removes entries delivered before `before_ms`, and groups with nothing
    /// pending and no open card last changed before it; how many entries.
    fn prune(&self, before_ms: i64) -> OutboxFuture<'_, u64>;

    /// Counts.
    fn stats(&self) -> OutboxFuture<'_, Stats>;

    /// A write that proves the store takes commits (`/readyz`).
    fn probe(&self, now_ms: i64) -> OutboxFuture<'_, ()>;

    /// The card of `group_key`, if the group exists (tests and tools).
    fn card(&self, group_key: &str) -> OutboxFuture<'_, Option<CardState>>;

    /// The group whose card is the message `message_id` (a button was
    /// pressed on it), if any.
    fn find_card(&self, message_id: u64) -> OutboxFuture<'_, Option<CardLookup>>;

    /// Applies `change` to the notes of `group_key`'s card `message_id`, in
    /// one transaction; when they change, the group becomes claimable so the
    /// card is edited to show them. Needs no claim: the worker never writes
    /// the notes.
    fn annotate(
        &self,
        group_key: &str,
        message_id: u64,
        change: NoteChange,
        now_ms: i64,
    ) -> OutboxFuture<'_, Annotated>;
}

pub(crate) fn card_json(card: &CardState) -> String {
    serde_json::to_string(card).unwrap_or_else(|_| "{}".to_owned())
}

pub(crate) fn card_from(text: &str) -> CardState {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn envelope_from(text: &str) -> Result<Envelope, OutboxError> {
    serde_json::from_str(text)
        .map_err(|error| OutboxError::Store(format!("an outbox entry cannot be read: {error}")))
}

pub(crate) fn envelope_json(envelope: &Envelope) -> Result<String, OutboxError> {
    serde_json::to_string(envelope)
        .map_err(|error| OutboxError::Store(format!("cannot encode an entry: {error}")))
}

/// Retry delay after `attempts` failures in a row: 1 s doubling to 60 s.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 6)).unwrap_or(6);
    (1000 * 2_i64.pow(exponent)).min(60_000)
}

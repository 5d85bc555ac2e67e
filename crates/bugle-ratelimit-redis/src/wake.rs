//! Waking waiting requests when another process completes one: the complete script
//! publishes the bucket's key on the wake channel, and one subscriber task per store
//! passes it to the requests of this process that wait on that bucket.
//!
//! A wait is registered after the acquire script answered, so a completion could slip
//! in between. Every wake is numbered: a waiter remembers the number before its
//! script ran and, if its bucket was woken since, asks again at once instead of
//! sleeping.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bugle_ratelimit::WakeFuture;
use futures_util::StreamExt;
use tokio::sync::Notify;
use tracing::{debug, warn};

/// Entries kept before those nobody waits on are dropped.
const PRUNE_AT: usize = 4_096;
/// Wakes that count as recent when pruning.
const RECENT: u64 = 1_024;

#[derive(Debug, Default)]
struct Slot {
    /// The number of the last wake of this bucket.
    last: u64,
    notify: Arc<Notify>,
}

/// The wakes of one store.
#[derive(Debug, Default)]
pub(crate) struct Wakes {
    seq: AtomicU64,
    slots: Mutex<HashMap<String, Slot>>,
    /// Whether the subscriber is connected; while it is not, waits are kept short.
    listening: AtomicBool,
}

impl Wakes {
    /// The number to pass to [`Wakes::watch`] for a script about to run.
    pub(crate) fn mark(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    pub(crate) fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// `slot` may have changed.
    pub(crate) fn woke(&self, slot: &str) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        if slots.len() >= PRUNE_AT {
            // Entries nobody watches and nobody could still be about to watch: a
            // watcher's mark is at most a few wakes old (one script's round trip).
            slots.retain(|_, entry| {
                Arc::strong_count(&entry.notify) > 1 || entry.last + RECENT > seq
            });
        }
        let entry = slots.entry(slot.to_owned()).or_default();
        entry.last = seq;
        entry.notify.notify_waiters();
    }

    /// Everything may have changed (the subscription was lost): wake every waiter.
    pub(crate) fn woke_all(&self) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        for entry in slots.values_mut() {
            entry.last = seq;
            entry.notify.notify_waiters();
        }
    }

    /// A future that ends when `slot` is woken after `since`; `None` if it already was.
    pub(crate) fn watch(&self, slot: &str, since: u64) -> Option<WakeFuture> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = slots.entry(slot.to_owned()).or_default();
        if entry.last > since {
            return None;
        }
        let mut notified = Box::pin(entry.notify.clone().notified_owned());
        // Registered under the lock, so a wake after this point reaches it.
        notified.as_mut().enable();
        Some(notified)
    }
}

/// Listens on `channel` until the store is dropped (the task is aborted then),
/// reconnecting with a growing pause when the connection is lost.
pub(crate) async fn listen(client: redis::Client, channel: String, wakes: Arc<Wakes>) {
    let mut pause = Duration::from_millis(50);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    wakes.listening.store(true, Ordering::Release);
                    // Wakes published while no one listened are lost: ask again.
                    wakes.woke_all();
                    pause = Duration::from_millis(50);
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        if let Ok(slot) = message.get_payload::<String>() {
                            wakes.woke(&slot);
                        }
                    }
                    wakes.listening.store(false, Ordering::Release);
                    wakes.woke_all();
                    warn!("shared limits: the wake subscription was lost; reconnecting");
                }
                Err(error) => debug!(%error, "shared limits: cannot subscribe to wakes"),
            },
            Err(error) => debug!(%error, "shared limits: cannot connect for wakes"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wake_after_the_mark_is_not_missed() {
        let wakes = Wakes::default();
        let mark = wakes.mark();
        // Woken between the script and the watch: the watcher asks again at once.
        wakes.woke("a");
        assert!(
            wakes.watch("a", mark).is_none(),
            "a was woken after the mark"
        );
        // Woken after the watch: the watcher's future ends.
        let watch = wakes.watch("b", mark).expect("b was not woken");
        wakes.woke("b");
        tokio::time::timeout(Duration::from_secs(1), watch)
            .await
            .expect("the wake reaches the watcher");
        // A wake of another bucket does not end a watch.
        let mark = wakes.mark();
        let other = wakes.watch("c", mark).expect("c was not woken");
        wakes.woke("d");
        assert!(
            tokio::time::timeout(Duration::from_millis(50), other)
                .await
                .is_err(),
            "c's watcher must sleep on through d's wake"
        );
    }
}

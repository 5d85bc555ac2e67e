//! How far an interaction's answer has come, shared by the service, the late
//! delivery and the handler's context: so followups never overtake the answer.
//!
//! Discord documents (as deprecated, but live) that the first followup after a
//! deferred message edits the "thinking…" message instead of creating one. A
//! followup sent before the handler's late answer would therefore become the
//! answer, and the answer would then overwrite it. So a followup waits until the
//! original response is settled; one sent by the handler itself before it answers
//! takes the original's place, and the handler's answer becomes a followup.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use bugle_model::id::InteractionId;
use tokio::sync::watch;
use tokio::time::Instant;

/// The stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// Not answered yet.
    Pending,
    /// Deferred; the handler's answer is still to come.
    Deferred,
    /// The original response is final (answered in time, or the late answer delivered).
    Settled,
}

tokio::task_local! {
    /// The interaction whose handler the current task runs.
    pub(crate) static HANDLER_OF: InteractionId;
}

/// One interaction's progress.
#[derive(Debug)]
pub(crate) struct Progress {
    stage: watch::Sender<Stage>,
    deferred_message: AtomicBool,
    original_taken: AtomicBool,
    acknowledged_at: Mutex<Option<Instant>>,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self {
            stage: watch::Sender::new(Stage::Pending),
            deferred_message: AtomicBool::new(false),
            original_taken: AtomicBool::new(false),
            acknowledged_at: Mutex::new(None),
        }
    }

    /// When the interaction was acknowledged (now, if it has not been yet).
    pub(crate) fn acknowledged_at(&self) -> Instant {
        self.acknowledged_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwrap_or_else(Instant::now)
    }

    /// Moves to `stage` (never back).
    pub(crate) fn reach(&self, stage: Stage) {
        if stage >= Stage::Deferred {
            self.acknowledged_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get_or_insert_with(Instant::now);
        }
        self.stage.send_if_modified(|current| {
            let later = stage > *current;
            if later {
                *current = stage;
            }
            later
        });
    }

    /// Records a deferral; `message`: a "thinking…" message (type 5).
    pub(crate) fn deferred(&self, message: bool) {
        self.deferred_message.store(message, Ordering::SeqCst);
        self.reach(Stage::Deferred);
    }

    /// Waits until the interaction is at `stage` or later.
    pub(crate) async fn wait(&self, stage: Stage) {
        let mut receiver = self.stage.subscribe();
        let _ = receiver.wait_for(|current| *current >= stage).await;
    }

    /// The stage now.
    pub(crate) fn stage(&self) -> Stage {
        *self.stage.borrow()
    }

    /// Whether a followup of the handler's took the original response's place.
    pub(crate) fn original_taken(&self) -> bool {
        self.original_taken.load(Ordering::SeqCst)
    }

    /// Waits until a followup of `interaction` may be sent, so that it never
    /// overtakes (or gets overwritten by) the handler's answer.
    pub(crate) async fn before_followup(&self, interaction: InteractionId) {
        let own_handler = HANDLER_OF
            .try_with(|id| *id == interaction)
            .unwrap_or(false);
        if !own_handler {
            self.wait(Stage::Settled).await;
            return;
        }
        // The handler itself, before answering: after the acknowledgement, and when
        // the deferral left a "thinking…" message, this followup becomes it.
        self.wait(Stage::Deferred).await;
        if self.stage() == Stage::Deferred && self.deferred_message.load(Ordering::SeqCst) {
            self.original_taken.store(true, Ordering::SeqCst);
        }
    }
}

//! The application's data: registered commands and the interactions sent.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use tokio::time::Instant;

/// One interaction the fake sent, and what became of it.
#[derive(Debug, Clone)]
pub(crate) struct InteractionRec {
    pub(crate) id: u64,
    /// The interaction `type`.
    pub(crate) kind: u8,
    pub(crate) channel_id: u64,
    pub(crate) created: Instant,
    /// The message a component was on (components, and modals opened from one).
    pub(crate) source_message: Option<u64>,
    /// Whether the endpoint answered it (with anything Discord accepts).
    pub(crate) acknowledged: bool,
    /// The original response's message: the created message, the "thinking…"
    /// message, or the component's message after an update.
    pub(crate) original: Option<u64>,
    /// Followup messages, in order.
    pub(crate) followups: Vec<u64>,
}

/// The application: its registered commands and its interactions by token.
#[derive(Debug, Default)]
pub(crate) struct AppState {
    /// Global commands, as registered (with ids).
    pub(crate) global: Vec<Value>,
    /// Guild commands, by guild.
    pub(crate) guilds: BTreeMap<u64, Vec<Value>>,
    /// Interactions by token.
    pub(crate) interactions: HashMap<String, InteractionRec>,
    /// The interactions endpoint URL (loopback only).
    pub(crate) endpoint: Option<String>,
    /// Users' roles in the guild, for the `member` of the interactions sent.
    pub(crate) member_roles: HashMap<u64, Vec<u64>>,
}

impl AppState {
    /// The interaction with `id`.
    pub(crate) fn by_id(&self, id: u64) -> Option<&InteractionRec> {
        self.interactions.values().find(|i| i.id == id)
    }
}

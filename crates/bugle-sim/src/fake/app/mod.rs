//! `FakeDiscord`'s application: an Ed25519 key pair, registered commands, and a driver
//! that sends signed interactions to the app's endpoint over loopback, as Discord
//! does, checks the answers against Discord's rules and applies them.
//!
//! The checks here are the server's own (which callback types each interaction type
//! accepts, the 3-second deadline, the response limits), not bugle-interactions'.

mod answer;
mod driver;
mod loopback;
pub(crate) mod state;

use std::time::Duration;

use bugle_model::message::Message;
use ed25519_dalek::SigningKey;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub(crate) use state::AppState;

/// How long Discord waits for the first answer to an interaction.
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(3);

/// The application's signing key, derived from the fake's seed.
pub(crate) fn signing_key(seed: u64) -> SigningKey {
    let digest = Sha256::new()
        .chain_update(b"bugle-sim fake application key v1\0")
        .chain_update(seed.to_le_bytes())
        .finalize();
    let mut bytes = [0_u8; 32];
    bytes.copy_from_slice(&digest);
    SigningKey::from_bytes(&bytes)
}

/// What the endpoint answered to an interaction, once applied to the fake's state.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InteractionOutcome {
    /// The interaction's id.
    pub interaction_id: u64,
    /// The callback type answered (4 message, 5 deferred, 6 deferred update,
    /// 7 update, 8 choices, 9 modal).
    pub callback_type: u8,
    /// The message the answer made or changed: the new message (4), the
    /// "thinking…" message (5), the component's message (6, 7).
    pub message: Option<Message>,
    /// The autocomplete choices (8).
    pub choices: Vec<Value>,
    /// The modal shown (9); fill it in with `FakeDiscord::submit`.
    pub modal: Option<ShownModal>,
    /// How long the endpoint took to answer.
    pub answered_after: Duration,
}

/// A modal the endpoint showed the user.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ShownModal {
    /// Its `custom_id`.
    pub custom_id: String,
    /// Its title.
    pub title: String,
    /// Its components, as sent.
    pub components: Vec<Value>,
    /// The message of the component that opened it, if a component did.
    pub source_message: Option<u64>,
}

impl ShownModal {
    /// The `custom_id` of every text input in the modal.
    pub fn field_ids(&self) -> Vec<String> {
        fn walk(value: &Value, out: &mut Vec<String>) {
            if value.get("type").and_then(Value::as_u64) == Some(4) {
                if let Some(id) = value.get("custom_id").and_then(Value::as_str) {
                    out.push(id.to_owned());
                }
            }
            for key in ["components", "component"] {
                match value.get(key) {
                    Some(Value::Array(children)) => children.iter().for_each(|c| walk(c, out)),
                    Some(child @ Value::Object(_)) => walk(child, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        self.components.iter().for_each(|c| walk(c, &mut out));
        out
    }
}

/// Why an interaction could not be delivered or its answer was refused, as Discord
/// would refuse it (the user would see "This interaction failed").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteractionFailure {
    /// No endpoint is set: call `set_interactions_endpoint` first.
    #[error("no interactions endpoint is set; call set_interactions_endpoint first")]
    NoEndpoint,
    /// The endpoint is not plain http on a loopback address.
    #[error(
        "the endpoint {0:?} is not http on a loopback address; the fake only calls the local machine"
    )]
    NotLoopback(String),
    /// The command is not registered (globally or in the channel's guild).
    #[error("no registered command named {0:?}; register it first (a bulk overwrite)")]
    UnknownCommand(String),
    /// The message does not exist.
    #[error("no message {0}")]
    UnknownMessage(u64),
    /// The message has no enabled button or select with this `custom_id`, or the
    /// message is not the application's (only its messages send interactions).
    #[error("no enabled component {0:?} on a message of the application")]
    UnknownComponent(String),
    /// The modal has no text input with this `custom_id`, or a required one is empty.
    #[error("modal field {0:?} is unknown or required and empty")]
    BadField(String),
    /// The endpoint could not be reached.
    #[error("the endpoint could not be reached: {0}")]
    Unreachable(String),
    /// No answer within Discord's 3 seconds.
    #[error("no answer within 3 seconds")]
    TooSlow,
    /// An answer other than 200.
    #[error("the endpoint answered {status}: {body}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// A 200 whose body is not an interaction response.
    #[error("the answer is not an interaction response: {0}")]
    NotAResponse(String),
    /// A callback type this interaction type does not accept.
    #[error(
        "callback type {callback_type} cannot answer an interaction of type {interaction_type}"
    )]
    NotAllowed {
        /// The interaction's type.
        interaction_type: u8,
        /// The answer's callback type.
        callback_type: u8,
    },
    /// The answer's data breaks Discord's limits.
    #[error("the answer breaks discord's limits: {0}")]
    Invalid(String),
}

/// Why the endpoint failed Discord's checks of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeFailure {
    /// No endpoint is set.
    #[error("no interactions endpoint is set")]
    NoEndpoint,
    /// The endpoint could not be reached.
    #[error("the endpoint could not be reached: {0}")]
    Unreachable(String),
    /// A PING was not answered with a JSON PONG.
    #[error("a ping was not answered with a pong: {0}")]
    NoPong(String),
    /// A request with an invalid signature was not refused with 401.
    #[error("a request with {case} was answered {status}, not 401")]
    AcceptedBadSignature {
        /// What was wrong with the request.
        case: &'static str,
        /// The status answered.
        status: u16,
    },
}

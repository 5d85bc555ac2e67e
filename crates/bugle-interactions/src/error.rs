//! What went wrong with an interaction after its request was accepted:
//! [`DeliveryError`], reported to the service's error hook.

use std::fmt;

use bugle::DiscordError;
use bugle_model::id::InteractionId;
use bugle_model::interaction::{CallbackType, InteractionType};
use bugle_model::validate::ValidationError;

/// What went wrong, as data.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DeliveryErrorKind {
    /// No handler is registered for the command, custom id or modal; the
    /// user got an ephemeral "not available" message.
    NoHandler {
        /// `command`, `component`, `modal` or `autocomplete`.
        kind: &'static str,
        /// The command name or custom id.
        name: String,
    },
    /// The handler returned an error or panicked; the user got an
    /// ephemeral "something went wrong" message.
    Handler {
        /// The error, displayed.
        message: String,
    },
    /// The handler's reply breaks Discord's limits; nothing was delivered.
    InvalidReply {
        /// Every violation, with its field path.
        violations: ValidationError,
    },
    /// The reply's type is not one Discord accepts for this interaction
    /// (e.g. an update answering a command); nothing was delivered.
    ReplyNotAllowed {
        /// The interaction's type.
        interaction: InteractionType,
        /// The reply's callback type.
        reply: CallbackType,
    },
    /// The handler answered with a modal after the interaction had been
    /// deferred: a modal must be shown within 3 seconds. Register the
    /// handler so that it answers in time, or answer with a message.
    ModalAfterDeferral,
    /// An autocomplete handler did not answer in time; Discord got an
    /// empty list of choices.
    AutocompleteTooSlow,
    /// Discord refused the late answer (the edit of the original response,
    /// or a followup).
    Discord,
}

impl fmt::Display for DeliveryErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoHandler { kind, name } => write!(f, "no {kind} handler for {name:?}; register one on the builder"),
            Self::Handler { message } => write!(f, "the handler failed: {message}"),
            Self::InvalidReply { violations } => write!(f, "the reply breaks discord's limits: {violations}"),
            Self::ReplyNotAllowed { interaction, reply } => write!(
                f,
                "a reply of callback type {} cannot answer an interaction of type {}",
                reply.value(),
                interaction.value()
            ),
            Self::ModalAfterDeferral => f.write_str(
                "the handler answered with a modal after the interaction was deferred; a modal must be shown within 3 seconds",
            ),
            Self::AutocompleteTooSlow => f.write_str(
                "the autocomplete handler did not answer in time, so discord got no choices; answer faster",
            ),
            Self::Discord => f.write_str("discord refused the late answer"),
        }
    }
}

/// An interaction that could not be answered as its handler meant, with
/// the interaction's id, what went wrong and, for Discord's refusals, the
/// client's error as the source.
#[derive(Debug)]
pub struct DeliveryError {
    interaction_id: InteractionId,
    kind: DeliveryErrorKind,
    source: Option<DiscordError>,
}

impl DeliveryError {
    pub(crate) fn new(interaction_id: InteractionId, kind: DeliveryErrorKind) -> Self {
        Self {
            interaction_id,
            kind,
            source: None,
        }
    }

    pub(crate) fn discord(interaction_id: InteractionId, error: DiscordError) -> Self {
        Self {
            interaction_id,
            kind: DeliveryErrorKind::Discord,
            source: Some(error),
        }
    }

    /// The interaction.
    pub fn interaction_id(&self) -> InteractionId {
        self.interaction_id
    }

    /// What went wrong.
    pub fn kind(&self) -> &DeliveryErrorKind {
        &self.kind
    }

    /// Discord's refusal, for [`DeliveryErrorKind::Discord`].
    pub fn discord_error(&self) -> Option<&DiscordError> {
        self.source.as_ref()
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interaction {}: {}", self.interaction_id, self.kind)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DeliveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

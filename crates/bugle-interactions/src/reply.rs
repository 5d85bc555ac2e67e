//! What a handler answers: [`Reply`], and [`IntoReply`] for the types a
//! handler may return.

use std::fmt::Display;

use bugle_model::interaction::{CallbackType, InteractionMessage, InteractionResponse, Modal};

/// A handler's answer to a command, a component or a modal submit.
///
/// Answered in time, it is the HTTP response; answered after an automatic
/// deferral, a message or update edits the original response (see the
/// crate docs), and a modal can no longer be shown.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Reply {
    /// A new message (type 4): public, or ephemeral with
    /// [`InteractionMessage::ephemeral`].
    Message(InteractionMessage),
    /// Components only: edit the message the component is on (type 7).
    Update(InteractionMessage),
    /// Show a modal (type 9). Only in time: a modal cannot follow a deferral.
    Modal(Modal),
    /// Acknowledge with "thinking…" (type 5) and answer nothing more.
    Defer {
        /// Whether only the user sees it.
        ephemeral: bool,
    },
    /// Components only: acknowledge without changing anything (type 6).
    DeferUpdate,
}

impl Reply {
    /// A public message with `content`.
    pub fn text(content: impl Into<String>) -> Self {
        Self::Message(InteractionMessage::new().content(content))
    }

    /// A message only the invoking user sees.
    pub fn ephemeral(content: impl Into<String>) -> Self {
        Self::Message(InteractionMessage::new().content(content).ephemeral())
    }

    /// The response this reply is when given in time.
    pub fn into_response(self) -> InteractionResponse {
        match self {
            Self::Message(message) => InteractionResponse::Message(message),
            Self::Update(message) => InteractionResponse::UpdateMessage(message),
            Self::Modal(modal) => InteractionResponse::Modal(modal),
            Self::Defer { ephemeral } => InteractionResponse::DeferredMessage { ephemeral },
            Self::DeferUpdate => InteractionResponse::DeferredUpdate,
        }
    }

    /// The callback type this reply is when given in time.
    pub fn kind(&self) -> CallbackType {
        self.clone().into_response().kind()
    }
}

impl From<InteractionMessage> for Reply {
    fn from(message: InteractionMessage) -> Self {
        Self::Message(message)
    }
}

impl From<Modal> for Reply {
    fn from(modal: Modal) -> Self {
        Self::Modal(modal)
    }
}

/// What a handler may return: a [`Reply`], anything that converts into
/// one, or a `Result` of those whose error is shown to the user as an
/// ephemeral "something went wrong" and reported as
/// [`DeliveryErrorKind::Handler`](crate::DeliveryErrorKind::Handler).
pub trait IntoReply {
    /// The reply, or the handler's error as text.
    ///
    /// # Errors
    ///
    /// The handler's own error, displayed.
    fn into_reply(self) -> Result<Reply, String>;
}

impl IntoReply for Reply {
    fn into_reply(self) -> Result<Reply, String> {
        Ok(self)
    }
}

impl IntoReply for InteractionMessage {
    fn into_reply(self) -> Result<Reply, String> {
        Ok(Reply::Message(self))
    }
}

impl IntoReply for Modal {
    fn into_reply(self) -> Result<Reply, String> {
        Ok(Reply::Modal(self))
    }
}

impl<T: IntoReply, E: Display> IntoReply for Result<T, E> {
    fn into_reply(self) -> Result<Reply, String> {
        self.map_err(|error| error.to_string())?.into_reply()
    }
}

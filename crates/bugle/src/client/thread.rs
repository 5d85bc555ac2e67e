//! Threads: from a message, standalone, or a forum post; and sending into
//! them.

use bugle_model::channel::Channel;
use bugle_model::id::MessageId;
use bugle_model::request::{
    AllowedMentions, CreateForumThread, CreateThread, CreateThreadFromMessage,
};
use bugle_model::validate::{Validate, validate_audit_log_reason};

use super::DiscordClient;
use super::body::{Body, decode};
use super::request::Call;
use super::route::Route;
use crate::error::DiscordError;
use crate::routing::ChannelTarget;

/// The thread to create.
///
/// ```
/// use bugle::client::NewThread;
/// use bugle_model::id::MessageId;
/// use bugle_model::request::{CreateForumThread, CreateThread, CreateThreadFromMessage, ForumThreadMessage};
///
/// let standalone: NewThread = CreateThread::public("pipeline #418").into();
/// let from_message = NewThread::from_message(MessageId::new(9), CreateThreadFromMessage::new("discussion"));
/// let post: NewThread = CreateForumThread::new("bug: login fails", ForumThreadMessage::content("steps...")).into();
/// # let _ = (standalone, from_message, post);
/// ```
// A value built once per call and consumed at once; boxing the forum post
// would only make building and matching it clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NewThread {
    /// A thread started from an existing message of the channel
    /// (`POST /channels/{channel.id}/messages/{message.id}/threads`).
    FromMessage {
        /// The message the thread starts from.
        message_id: MessageId,
        /// The thread's name and settings.
        body: CreateThreadFromMessage,
    },
    /// A thread without a starter message (`POST /channels/{channel.id}/threads`).
    Standalone(CreateThread),
    /// A forum or media channel post: a thread with its first message
    /// (`POST /channels/{channel.id}/threads`).
    ForumPost(CreateForumThread),
}

impl NewThread {
    /// A thread started from message `message_id`.
    pub fn from_message(message_id: MessageId, body: CreateThreadFromMessage) -> Self {
        Self::FromMessage { message_id, body }
    }
}

impl From<CreateThread> for NewThread {
    fn from(body: CreateThread) -> Self {
        Self::Standalone(body)
    }
}

impl From<CreateForumThread> for NewThread {
    fn from(body: CreateForumThread) -> Self {
        Self::ForumPost(body)
    }
}

impl DiscordClient {
    /// Creates a thread in a channel: from a message, standalone, or as a
    /// forum post (whose first message does not ping unless it sets
    /// `allowed_mentions`). Returns the thread; a forum post's channel
    /// carries its first message.
    ///
    /// # Errors
    ///
    /// [`Validation`](crate::ErrorKind::Validation) (nothing sent),
    /// [`UnknownChannelRoute`](crate::ErrorKind::UnknownChannelRoute),
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication), and every
    /// error of Discord's answer. A create that fails after it may have
    /// reached Discord is not retried:
    /// [`MayHaveBeenDelivered`](crate::ErrorKind::MayHaveBeenDelivered).
    pub async fn create_thread(
        &self,
        channel: impl Into<ChannelTarget>,
        thread: impl Into<NewThread>,
    ) -> Result<Channel, DiscordError> {
        self.create_thread_with(channel.into(), thread.into(), None)
            .await
    }

    /// [`create_thread`](Self::create_thread) with a reason for the guild's
    /// audit log (`X-Audit-Log-Reason`, 1 to 512 characters), which Discord
    /// accepts on all three thread-creating routes.
    ///
    /// # Errors
    ///
    /// As [`create_thread`](Self::create_thread);
    /// [`Validation`](crate::ErrorKind::Validation) for a reason out of
    /// bounds (nothing sent).
    pub async fn create_thread_with_reason(
        &self,
        channel: impl Into<ChannelTarget>,
        thread: impl Into<NewThread>,
        reason: &str,
    ) -> Result<Channel, DiscordError> {
        validate_audit_log_reason(reason)?;
        self.create_thread_with(channel.into(), thread.into(), Some(reason.to_owned()))
            .await
    }

    async fn create_thread_with(
        &self,
        channel: ChannelTarget,
        thread: NewThread,
        reason: Option<String>,
    ) -> Result<Channel, DiscordError> {
        let channel = self.channel(&channel)?;
        let (route, body) = match thread {
            NewThread::FromMessage { message_id, body } => {
                body.validate_in(self.inner.config.validation())?;
                (
                    Route::create_thread_from_message(channel, message_id),
                    Body::encode(&body)?,
                )
            }
            NewThread::Standalone(body) => {
                body.validate_in(self.inner.config.validation())?;
                (Route::create_thread(channel), Body::encode(&body)?)
            }
            NewThread::ForumPost(mut body) => {
                body.message
                    .allowed_mentions
                    .get_or_insert_with(AllowedMentions::none);
                body.validate_in(self.inner.config.validation())?;
                (Route::create_thread(channel), Body::encode(&body)?)
            }
        };
        let call = Call::new("create_thread", route)
            .body(body)
            .audit_reason(reason);
        decode(&self.execute(call).await?)
    }
}

//! Channel messages: send, reply, edit, delete, and long text over several
//! messages.

use bugle_model::id::{ChannelId, MessageId};
use bugle_model::message::Message;
use bugle_model::request::{AllowedMentions, CreateMessage, EditMessage, Patch};
use bugle_model::text::split_message;
use bugle_model::validate::{
    CONTENT_MAX_CHARS, Validate, ValidationContext, validate_audit_log_reason,
};

use super::DiscordClient;
use super::body::{Body, decode};
use super::request::Call;
use super::route::Route;
use crate::error::{DiscordError, ErrorKind, JsonErrorCode};
use crate::nonce::RandomNonce;
use crate::routing::ChannelTarget;

impl DiscordClient {
    /// Sends a message to a channel, thread or DM channel
    /// (`POST /channels/{channel.id}/messages`).
    ///
    /// Protective defaults: mentions do not ping unless the message sets
    /// `allowed_mentions`; a random nonce with `enforce_nonce` is added
    /// unless the message has one, so Discord drops a retried duplicate and
    /// failures can be retried safely.
    ///
    /// # Errors
    ///
    /// [`Validation`](ErrorKind::Validation) (nothing sent),
    /// [`UnknownChannelRoute`](ErrorKind::UnknownChannelRoute),
    /// [`NoAuthentication`](ErrorKind::NoAuthentication) without a bot token,
    /// and every error of Discord's answer.
    pub async fn send_message(
        &self,
        channel: impl Into<ChannelTarget>,
        message: CreateMessage,
    ) -> Result<Message, DiscordError> {
        let channel = self.channel(&channel.into())?;
        let message = NewMessage::prepare(message, self.inner.config.validation())?;
        self.post_message(channel, message).await
    }

    /// Sends `message` as a reply to `message_id` in the same channel.
    ///
    /// # Errors
    ///
    /// As [`send_message`](Self::send_message).
    pub async fn reply(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
        message: CreateMessage,
    ) -> Result<Message, DiscordError> {
        self.send_message(channel, message.reply_to(message_id))
            .await
    }

    /// Sends `message` to thread `thread` (a thread is a channel).
    ///
    /// # Errors
    ///
    /// As [`send_message`](Self::send_message).
    pub async fn send_to_thread(
        &self,
        thread: ChannelId,
        message: CreateMessage,
    ) -> Result<Message, DiscordError> {
        self.create_message(thread, message).await
    }

    /// Sends `text` longer than one message allows as several messages, cut
    /// at line and word boundaries by the model's splitter (code fences are
    /// closed and reopened at the cuts).
    ///
    /// `template` supplies everything but the content: the first message
    /// carries its reply reference, the last one its embeds, components and
    /// files, and every one its `allowed_mentions` and flags. Every message is
    /// built and validated before the first is sent, so invalid input sends
    /// nothing; then they are sent in order, each after the previous one
    /// succeeded.
    ///
    /// # Errors
    ///
    /// [`Validation`](ErrorKind::Validation) when any of the messages is
    /// invalid (nothing sent); otherwise as
    /// [`send_message`](Self::send_message), for the first message that
    /// fails; the messages before it were sent.
    pub async fn send_long_message(
        &self,
        channel: impl Into<ChannelTarget>,
        text: &str,
        template: CreateMessage,
    ) -> Result<Vec<Message>, DiscordError> {
        let channel = self.channel(&channel.into())?;
        let prepared = long_message_parts(text, template)
            .into_iter()
            .map(|part| NewMessage::prepare(part, self.inner.config.validation()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut sent = Vec::with_capacity(prepared.len());
        for message in prepared {
            sent.push(self.post_message(channel, message).await?);
        }
        Ok(sent)
    }

    /// Edits a message (`PATCH /channels/{channel.id}/messages/{message.id}`).
    ///
    /// When the content changes and the edit does not set
    /// `allowed_mentions`, mentions in the new content do not ping.
    ///
    /// An edit sets the fields it carries, so sending it again leaves the
    /// message as sending it once does: a failure after the edit may have
    /// reached Discord (a lost answer, a 500) is retried like an idempotent
    /// request.
    ///
    /// # Errors
    ///
    /// As [`send_message`](Self::send_message);
    /// [`NotFound`](ErrorKind::NotFound) for an unknown message.
    pub async fn edit_message(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
        mut edit: EditMessage,
    ) -> Result<Message, DiscordError> {
        let channel = self.channel(&channel.into())?;
        if !edit.content.is_keep() && edit.allowed_mentions.is_keep() {
            edit.allowed_mentions = Patch::Set(AllowedMentions::none());
        }
        edit.validate_in(self.inner.config.validation())?;
        let call = Call::new("edit_message", Route::edit_message(channel, message_id))
            .body(Body::encode(&edit)?)
            .idempotent(true);
        decode(&self.execute(call).await?)
    }

    /// Deletes a message (`DELETE /channels/{channel.id}/messages/{message.id}`).
    ///
    /// Idempotent: a message that is already gone (Discord's 404 "unknown
    /// message", 10008) counts as deleted.
    ///
    /// # Errors
    ///
    /// As [`send_message`](Self::send_message), except that unknown message.
    pub async fn delete_message(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
    ) -> Result<(), DiscordError> {
        self.delete_with(channel.into(), message_id, None).await
    }

    /// [`delete_message`](Self::delete_message) with a reason for the
    /// guild's audit log (1 to 512 characters).
    ///
    /// # Errors
    ///
    /// As [`delete_message`](Self::delete_message);
    /// [`Validation`](ErrorKind::Validation) for a reason out of bounds.
    pub async fn delete_message_with_reason(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
        reason: &str,
    ) -> Result<(), DiscordError> {
        validate_audit_log_reason(reason)?;
        self.delete_with(channel.into(), message_id, Some(reason.to_owned()))
            .await
    }

    async fn delete_with(
        &self,
        channel: ChannelTarget,
        message_id: MessageId,
        reason: Option<String>,
    ) -> Result<(), DiscordError> {
        let channel = self.channel(&channel)?;
        let call = Call::new("delete_message", Route::delete_message(channel, message_id))
            .audit_reason(reason);
        match self.execute(call).await {
            Ok(_) => Ok(()),
            Err(error)
                if matches!(error.kind(), ErrorKind::NotFound { .. })
                    && error.discord_code() == Some(JsonErrorCode::UNKNOWN_MESSAGE) =>
            {
                tracing::debug!("the message was already deleted");
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// `POST /channels/{channel}/messages` with the protective defaults.
    pub(super) async fn create_message(
        &self,
        channel: ChannelId,
        message: CreateMessage,
    ) -> Result<Message, DiscordError> {
        self.post_message(
            channel,
            NewMessage::prepare(message, self.inner.config.validation())?,
        )
        .await
    }

    /// Sends a message [prepared](NewMessage::prepare) earlier to `channel`.
    pub(super) async fn post_message(
        &self,
        channel: ChannelId,
        message: NewMessage,
    ) -> Result<Message, DiscordError> {
        let call = Call::new("send_message", Route::create_message(channel))
            .body(message.body)
            .dedupe_safe(message.dedupe_safe);
        decode(&self.execute(call).await?)
    }
}

/// A message create with the protective defaults applied, validated and
/// encoded: what is left to do is send it, so an operation that prepares
/// every message before sending any sends nothing for invalid input.
pub(super) struct NewMessage {
    body: Body,
    dedupe_safe: bool,
}

impl NewMessage {
    /// Applies the protective defaults to `message` (mentions do not ping
    /// unless it sets `allowed_mentions`; a random nonce with
    /// `enforce_nonce` unless it has a nonce), validates and encodes it.
    ///
    /// # Errors
    ///
    /// [`Validation`](ErrorKind::Validation) when the message breaks one of
    /// Discord's limits or cannot be encoded.
    pub(super) fn prepare(
        mut message: CreateMessage,
        validation: &ValidationContext,
    ) -> Result<Self, DiscordError> {
        message
            .allowed_mentions
            .get_or_insert_with(AllowedMentions::none);
        if message.nonce.is_none() {
            message.nonce = Some(RandomNonce::generate().into());
            message.enforce_nonce = true;
        }
        message.validate_in(validation)?;
        Ok(Self {
            body: Body::encode(&message)?,
            dedupe_safe: message.enforce_nonce,
        })
    }
}

/// The messages [`DiscordClient::send_long_message`] sends: `text` cut into
/// parts, each with what `template` gives it; just `template` when `text`
/// is empty.
fn long_message_parts(text: &str, template: CreateMessage) -> Vec<CreateMessage> {
    let chunks = split_message(text, CONTENT_MAX_CHARS);
    if chunks.is_empty() {
        return vec![template];
    }
    let last = chunks.len() - 1;
    chunks
        .into_iter()
        .enumerate()
        .map(|(index, chunk)| {
            let mut message = CreateMessage {
                content: Some(chunk),
                allowed_mentions: template.allowed_mentions.clone(),
                flags: template.flags,
                tts: template.tts,
                ..CreateMessage::default()
            };
            if index == 0 {
                message
                    .message_reference
                    .clone_from(&template.message_reference);
            }
            if index == last {
                message.embeds.clone_from(&template.embeds);
                message.components.clone_from(&template.components);
                message.sticker_ids.clone_from(&template.sticker_ids);
                message.attachments = template.attachments.clone();
                message.poll.clone_from(&template.poll);
            }
            message
        })
        .collect()
}

//! The Discord calls a card needs, for both kinds of destination: post
//! (with a nonce on bot routes), edit, open a thread, post a thread line,
//! and look a card up by its marker.

use std::collections::BTreeMap;

use bugle::model::history::ListMessagesQuery;
use bugle::model::id::{ChannelId, MessageId};
use bugle::model::message::Message;
use bugle::model::request::{
    AllowedMentions, CreateMessage, CreateThreadFromMessage, EditMessage, EditWebhookMessage,
    ExecuteWebhook,
};
use bugle::{
    DiscordClient, DiscordError, ErrorCategory, ErrorKind, ExecuteWebhookParams, JsonErrorCode,
    NewThread, WebhookTarget,
};

use crate::config::Target;
use crate::render::{Card, truncate};

/// How many recent messages are searched for a card's marker.
const LOOKUP_DEPTH: u32 = 100;

/// What a failed call means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// It may pass later (5xx, network, rate limits, an unclear outcome).
    Retry,
    /// The card's message is gone (10008).
    MessageGone,
    /// It will not pass (403, 401, 400, a validation error).
    Permanent,
}

/// Classifies `error`.
pub(crate) fn classify(error: &DiscordError) -> Failure {
    if error.discord_code() == Some(JsonErrorCode::UNKNOWN_MESSAGE) {
        return Failure::MessageGone;
    }
    match error.category() {
        ErrorCategory::Retryable | ErrorCategory::Queue | ErrorCategory::UnknownOutcome => {
            Failure::Retry
        }
        _ if matches!(error.kind(), ErrorKind::DeadlineExceeded { .. }) => Failure::Retry,
        _ => Failure::Permanent,
    }
}

/// The client and the webhooks' lookup channels.
#[derive(Debug, Clone)]
pub struct Discord {
    client: DiscordClient,
    lookup_channels: BTreeMap<String, Option<ChannelId>>,
}

impl Discord {
    /// Calls Discord through `client`, whose config holds the named webhooks;
    /// `lookup_channels` gives each webhook's readable channel, if any.
    pub fn new(
        client: DiscordClient,
        lookup_channels: BTreeMap<String, Option<ChannelId>>,
    ) -> Self {
        Self {
            client,
            lookup_channels,
        }
    }

    /// The client.
    pub fn client(&self) -> &DiscordClient {
        &self.client
    }

    /// The channel where a card of `target` can be looked up, if any.
    pub(crate) fn lookup_channel(&self, target: &Target) -> Option<ChannelId> {
        match target {
            Target::Channel(id) => Some(*id),
            Target::Webhook(name) => self.lookup_channels.get(name).copied().flatten(),
        }
    }

    /// Posts a new card; bot routes carry `nonce` with `enforce_nonce`, so a
    /// retry returns the message the first try created.
    pub(crate) async fn post(
        &self,
        target: &Target,
        card: &Card,
        nonce: &str,
    ) -> Result<Message, DiscordError> {
        let mentions = AllowedMentions::none().roles(card.mention_roles.iter().copied());
        match target {
            Target::Channel(channel) => {
                let mut message = CreateMessage::new()
                    .embed(card.embed.clone())
                    .components(card.components.clone())
                    .allowed_mentions(mentions)
                    .nonce(nonce.to_owned(), true);
                if let Some(content) = card.mention_content() {
                    message = message.content(content);
                }
                self.client.send_message(*channel, message).await
            }
            Target::Webhook(name) => {
                let mut body = ExecuteWebhook::new()
                    .embed(card.embed.clone())
                    .allowed_mentions(mentions);
                for component in &card.components {
                    body = body.component(component.clone());
                }
                if let Some(content) = card.mention_content() {
                    body = body.content(content);
                }
                let params =
                    ExecuteWebhookParams::new(body).target(WebhookTarget::named(name.as_str()));
                match self.client.execute_webhook(params).await? {
                    Some(message) => Ok(message),
                    None => Err(DiscordError::new(ErrorKind::MayHaveBeenDelivered)),
                }
            }
        }
    }

    /// Edits the card in place (content and mentions untouched).
    pub(crate) async fn edit(
        &self,
        target: &Target,
        message: MessageId,
        card: &Card,
    ) -> Result<(), DiscordError> {
        match target {
            Target::Channel(channel) => {
                let edit = EditMessage::new()
                    .embed(card.embed.clone())
                    .components(card.components.clone());
                self.client
                    .edit_message(*channel, message, edit)
                    .await
                    .map(drop)
            }
            Target::Webhook(name) => {
                let mut edit = EditWebhookMessage::new().embed(card.embed.clone());
                if card.components.is_empty() {
                    edit = edit.clear_components();
                }
                for component in &card.components {
                    edit = edit.component(component.clone());
                }
                self.client
                    .edit_webhook_message(WebhookTarget::named(name.as_str()), message, edit)
                    .await
                    .map(drop)
            }
        }
    }

    /// Opens the incident's thread from the card; a thread that already
    /// exists (a retry after a crash: 160004) is the card's own.
    pub(crate) async fn open_thread(
        &self,
        channel: ChannelId,
        message: MessageId,
        name: &str,
    ) -> Result<ChannelId, DiscordError> {
        let body = CreateThreadFromMessage::new(truncate(name, 100));
        match self
            .client
            .create_thread(channel, NewThread::from_message(message, body))
            .await
        {
            Ok(thread) => Ok(thread.id),
            Err(error) if error.discord_code() == Some(JsonErrorCode::new(160_004)) => {
                // A thread started from a message has the message's id.
                Ok(ChannelId::new(message.get()))
            }
            Err(error) => Err(error),
        }
    }

    /// Posts `line` in the thread; where the thread is locked or gone, as a
    /// reply to the card in the channel instead (posting unarchives an
    /// archived thread).
    pub(crate) async fn thread_line(
        &self,
        channel: ChannelId,
        thread: ChannelId,
        card: MessageId,
        line: &str,
        nonce: &str,
    ) -> Result<(), DiscordError> {
        let message = CreateMessage::new()
            .content(truncate(line, 2000))
            .nonce(nonce.to_owned(), true);
        match self.client.send_to_thread(thread, message.clone()).await {
            Ok(_) => Ok(()),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::Forbidden { .. } | ErrorKind::NotFound { .. }
                ) =>
            {
                tracing::info!(thread = %thread, "the thread is locked or gone; the line goes to the channel");
                self.client
                    .send_message(channel, message.reply_to(card))
                    .await
                    .map(drop)
            }
            Err(error) => Err(error),
        }
    }

    /// Looks for the card carrying `marker` among `channel`'s recent
    /// messages.
    pub(crate) async fn find(
        &self,
        channel: ChannelId,
        marker: &str,
    ) -> Result<Option<Message>, DiscordError> {
        let messages = self
            .client
            .list_messages(channel, ListMessagesQuery::new().limit(LOOKUP_DEPTH))
            .await?;
        Ok(messages.into_iter().find(|message| {
            message.embeds.iter().any(|embed| {
                embed
                    .footer
                    .as_ref()
                    .is_some_and(|footer| footer_marker(&footer.text) == Some(marker))
            })
        }))
    }
}

/// The marker in a card's footer text.
pub(crate) fn footer_marker(text: &str) -> Option<&str> {
    text.strip_prefix("bugle-relay · ")
}

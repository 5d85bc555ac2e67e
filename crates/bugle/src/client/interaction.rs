//! Interaction webhooks: followups and the original response's edits, on
//! `/webhooks/{application_id}/{interaction_token}/…`.
//!
//! These routes are exempt from the global rate limit (Discord says so of
//! interaction followups), so they are sent in the limiter's exempt pool,
//! keyed by the application and a hash of the token; the token lives 15
//! minutes, which is checked before anything is sent.

use std::fmt;
use std::time::Duration;

use bugle_model::id::{ApplicationId, MessageId};
use bugle_model::interaction::{Interaction, InteractionMessage};
use bugle_model::message::Message;
use bugle_model::request::{AllowedMentions, EditWebhookMessage, Patch};
use bugle_model::validate::Validate;
use secrecy::SecretString;
use tokio::time::Instant;

use super::DiscordClient;
use super::body::{Body, decode};
use super::request::Call;
use super::route::Route;
use crate::error::{DiscordError, ErrorKind};

/// How long an interaction token is valid for followups and edits:
/// 15 minutes from the interaction.
pub const INTERACTION_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The webhook of one interaction: its application, its token (a secret)
/// and when it was received, which decides when the token expires.
///
/// `Debug` never shows the token.
#[derive(Clone)]
pub struct InteractionWebhook {
    application_id: ApplicationId,
    token: SecretString,
    received_at: Instant,
}

impl InteractionWebhook {
    /// The webhook of an interaction received at `received_at` (on tokio's
    /// clock).
    pub fn new(
        application_id: ApplicationId,
        token: impl Into<String>,
        received_at: Instant,
    ) -> Self {
        Self {
            application_id,
            token: SecretString::from(token.into()),
            received_at,
        }
    }

    /// The webhook of `interaction`, received now.
    pub fn of(interaction: &Interaction) -> Self {
        Self::new(
            interaction.application_id,
            interaction.token.expose(),
            Instant::now(),
        )
    }

    /// The application.
    pub fn application_id(&self) -> ApplicationId {
        self.application_id
    }

    /// When the interaction was received.
    pub fn received_at(&self) -> Instant {
        self.received_at
    }

    /// When the token stops working.
    pub fn expires_at(&self) -> Instant {
        self.received_at + INTERACTION_TOKEN_LIFETIME
    }

    /// `Ok` while the token is valid, else [`ErrorKind::InteractionExpired`].
    fn check_fresh(&self) -> Result<(), DiscordError> {
        let now = Instant::now();
        let expires = self.expires_at();
        if now >= expires {
            return Err(DiscordError::new(ErrorKind::InteractionExpired {
                expired_for: now - expires,
            }));
        }
        Ok(())
    }

    pub(super) fn token(&self) -> &SecretString {
        &self.token
    }
}

impl fmt::Debug for InteractionWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InteractionWebhook")
            .field("application_id", &self.application_id)
            .field("token", &"[redacted]")
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// Mentions default to nobody when an edit changes the content without
/// saying who may be pinged, as for webhook edits.
fn quiet_edit(mut edit: EditWebhookMessage) -> EditWebhookMessage {
    if !edit.content.is_keep() && edit.allowed_mentions.is_keep() {
        edit.allowed_mentions = Patch::Set(AllowedMentions::none());
    }
    edit
}

impl DiscordClient {
    /// Sends a followup message for an interaction
    /// (`POST /webhooks/{application_id}/{token}`; Discord always answers
    /// with the saved message). May be ephemeral. Mentions do not ping
    /// unless the message sets `allowed_mentions`.
    ///
    /// Like a webhook execute it carries no nonce: a failure after the
    /// request may have reached Discord is not retried.
    ///
    /// # Errors
    ///
    /// [`InteractionExpired`](crate::ErrorKind::InteractionExpired) when the
    /// token is older than [`INTERACTION_TOKEN_LIFETIME`] (nothing sent),
    /// [`Validation`](crate::ErrorKind::Validation), and every error of
    /// Discord's answer.
    pub async fn create_followup(
        &self,
        webhook: &InteractionWebhook,
        mut message: InteractionMessage,
    ) -> Result<Message, DiscordError> {
        webhook.check_fresh()?;
        message
            .allowed_mentions
            .get_or_insert_with(AllowedMentions::none);
        message.validate()?;
        let with_components = if message.components.is_empty() {
            "wait=true"
        } else {
            "wait=true&with_components=true"
        };
        let call = Call::new(
            "create_followup",
            Route::create_followup(webhook.application_id, webhook.token()),
        )
        .query(with_components.to_owned())
        .body(Body::encode(&message)?);
        decode(&self.execute(call).await?)
    }

    /// Edits the original response of an interaction
    /// (`PATCH /webhooks/{application_id}/{token}/messages/@original`): the
    /// message of a type-4 response, the "thinking…" message of a deferred
    /// response, or the component's message after a deferred update.
    ///
    /// The edit may set a `poll` (the one webhook edit that may: of a
    /// deferred response). Retried like any edit.
    ///
    /// # Errors
    ///
    /// As [`create_followup`](Self::create_followup);
    /// [`NotFound`](crate::ErrorKind::NotFound) when there is no original
    /// response yet.
    pub async fn edit_original_response(
        &self,
        webhook: &InteractionWebhook,
        edit: EditWebhookMessage,
    ) -> Result<Message, DiscordError> {
        self.edit_interaction_message(webhook, None, edit).await
    }

    /// Deletes the original response of an interaction.
    ///
    /// # Errors
    ///
    /// As [`edit_original_response`](Self::edit_original_response).
    pub async fn delete_original_response(
        &self,
        webhook: &InteractionWebhook,
    ) -> Result<(), DiscordError> {
        self.delete_interaction_message(webhook, None).await
    }

    /// Edits a followup message
    /// (`PATCH /webhooks/{application_id}/{token}/messages/{message_id}`).
    ///
    /// # Errors
    ///
    /// As [`edit_original_response`](Self::edit_original_response).
    pub async fn edit_followup(
        &self,
        webhook: &InteractionWebhook,
        message_id: MessageId,
        edit: EditWebhookMessage,
    ) -> Result<Message, DiscordError> {
        self.edit_interaction_message(webhook, Some(message_id), edit)
            .await
    }

    /// Deletes a followup message.
    ///
    /// # Errors
    ///
    /// As [`edit_original_response`](Self::edit_original_response).
    pub async fn delete_followup(
        &self,
        webhook: &InteractionWebhook,
        message_id: MessageId,
    ) -> Result<(), DiscordError> {
        self.delete_interaction_message(webhook, Some(message_id))
            .await
    }

    async fn edit_interaction_message(
        &self,
        webhook: &InteractionWebhook,
        message_id: Option<MessageId>,
        edit: EditWebhookMessage,
    ) -> Result<Message, DiscordError> {
        webhook.check_fresh()?;
        let edit = quiet_edit(edit);
        let context = self
            .inner
            .config
            .validation()
            .with_deferred_interaction_response(message_id.is_none());
        edit.validate_in(&context)?;
        let has_components = edit.components.as_set().is_some_and(|c| !c.is_empty());
        let route = Route::interaction_message(
            bugle_ratelimit::Method::Patch,
            webhook.application_id,
            webhook.token(),
            message_id,
        );
        let call = Call::new("edit_interaction_message", route)
            .query(if has_components {
                "with_components=true".to_owned()
            } else {
                String::new()
            })
            .body(Body::encode(&edit)?)
            .idempotent(true);
        decode(&self.execute(call).await?)
    }

    async fn delete_interaction_message(
        &self,
        webhook: &InteractionWebhook,
        message_id: Option<MessageId>,
    ) -> Result<(), DiscordError> {
        webhook.check_fresh()?;
        let route = Route::interaction_message(
            bugle_ratelimit::Method::Delete,
            webhook.application_id,
            webhook.token(),
            message_id,
        );
        self.execute(Call::new("delete_interaction_message", route))
            .await
            .map(drop)
    }
}

//! The late answer of a deferred handler: edit `@original`, or send a
//! followup, through the client.

use std::sync::Arc;

use bugle::{DiscordError, InteractionWebhook};
use bugle_model::interaction::{Interaction, InteractionMessage};
use bugle_model::message::MessageFlags;
use bugle_model::request::{EditWebhookMessage, Patch};
use tokio::task::JoinHandle;

use crate::error::{DeliveryError, DeliveryErrorKind};
use crate::reply::Reply;
use crate::service::{FAILED_TEXT, Shared};

/// How an interaction was deferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deferred {
    /// Type 5: a "thinking…" message is the original response.
    Message {
        /// Whether it is ephemeral.
        ephemeral: bool,
    },
    /// Type 6: the component's message is the original response.
    Update,
}

/// The flags an edit of the original response may carry.
const EDIT_FLAGS: MessageFlags =
    MessageFlags::SUPPRESS_EMBEDS.union(MessageFlags::IS_COMPONENTS_V2);

/// `message` as an edit: what it sets is replaced, the rest kept.
pub(crate) fn as_edit(message: InteractionMessage) -> EditWebhookMessage {
    let mut edit = EditWebhookMessage::new();
    if let Some(content) = message.content {
        edit.content = Patch::Set(content);
    }
    if !message.embeds.is_empty() {
        edit.embeds = Patch::Set(message.embeds);
    }
    if !message.components.is_empty() {
        edit.components = Patch::Set(message.components);
    }
    if let Some(mentions) = message.allowed_mentions {
        edit.allowed_mentions = Patch::Set(mentions);
    }
    let flags = message.flags & EDIT_FLAGS;
    if !flags.is_empty() {
        edit.flags = Patch::Set(flags);
    }
    edit
}

/// Waits for the handler and delivers its answer after the deferral.
pub(crate) async fn deliver_late(
    shared: Arc<Shared>,
    interaction: Arc<Interaction>,
    webhook: InteractionWebhook,
    task: JoinHandle<Result<Reply, String>>,
    deferred: Deferred,
) {
    let id = interaction.id;
    let client = &shared.client;
    let report = |kind| shared.report(&DeliveryError::new(id, kind));
    let reply = match task.await {
        Ok(Ok(reply)) => reply,
        Ok(Err(message)) => {
            report(DeliveryErrorKind::Handler { message });
            failed(&shared, &interaction, &webhook, deferred).await;
            return;
        }
        Err(error) => {
            report(DeliveryErrorKind::Handler {
                message: format!("the handler panicked: {error}"),
            });
            failed(&shared, &interaction, &webhook, deferred).await;
            return;
        }
    };
    let result: Result<(), DiscordError> = match (deferred, reply) {
        (_, Reply::Defer { .. } | Reply::DeferUpdate) => Ok(()),
        (_, Reply::Modal(_)) => {
            report(DeliveryErrorKind::ModalAfterDeferral);
            if matches!(deferred, Deferred::Message { .. }) {
                // Do not leave "thinking…" forever.
                client.delete_original_response(&webhook).await
            } else {
                Ok(())
            }
        }
        (Deferred::Message { ephemeral }, Reply::Message(message)) => {
            if message.is_ephemeral() && !ephemeral {
                // The deferral was public; a private answer must not become public.
                let deleted = client.delete_original_response(&webhook).await;
                let sent = client.create_followup(&webhook, message).await.map(drop);
                deleted.and(sent)
            } else {
                client
                    .edit_original_response(&webhook, as_edit(message))
                    .await
                    .map(drop)
            }
        }
        (Deferred::Message { .. }, Reply::Update(_)) => {
            report(DeliveryErrorKind::ReplyNotAllowed {
                interaction: interaction.kind,
                reply: bugle_model::interaction::CallbackType::UpdateMessage,
            });
            client.delete_original_response(&webhook).await
        }
        (Deferred::Update, Reply::Update(message)) => client
            .edit_original_response(&webhook, as_edit(message))
            .await
            .map(drop),
        (Deferred::Update, Reply::Message(message)) => {
            client.create_followup(&webhook, message).await.map(drop)
        }
    };
    if let Err(error) = result {
        let error = match error.validation() {
            Some(violations) => DeliveryError::new(
                id,
                DeliveryErrorKind::InvalidReply {
                    violations: violations.clone(),
                },
            ),
            None => DeliveryError::discord(id, error),
        };
        shared.report(&error);
    }
}

/// Tells the user a deferred handler failed.
async fn failed(
    shared: &Shared,
    interaction: &Interaction,
    webhook: &InteractionWebhook,
    deferred: Deferred,
) {
    let message = InteractionMessage::new().content(FAILED_TEXT).ephemeral();
    let result = match deferred {
        Deferred::Message { .. } => shared
            .client
            .edit_original_response(webhook, as_edit(message))
            .await
            .map(drop),
        Deferred::Update => shared
            .client
            .create_followup(webhook, message)
            .await
            .map(drop),
    };
    if let Err(error) = result {
        shared.report(&DeliveryError::discord(interaction.id, error));
    }
}

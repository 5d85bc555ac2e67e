//! The late answer of a deferred handler: edit `@original`, or send a
//! followup, through the client.

use std::sync::Arc;

use bugle::{DiscordClient, DiscordError, InteractionWebhook};
use bugle_model::interaction::{Interaction, InteractionMessage};
use bugle_model::message::MessageFlags;
use bugle_model::request::{EditWebhookMessage, Patch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::error::{DeliveryError, DeliveryErrorKind};
use crate::grace::after_ack;
use crate::progress::{Progress, Stage};
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
    progress: Arc<Progress>,
) {
    deliver(&shared, &interaction, &webhook, task, deferred, &progress).await;
    tracing::debug!(interaction = %interaction.id, "late answer delivered");
    progress.reach(Stage::Settled);
}

async fn deliver(
    shared: &Arc<Shared>,
    interaction: &Interaction,
    webhook: &InteractionWebhook,
    task: JoinHandle<Result<Reply, String>>,
    deferred: Deferred,
    progress: &Progress,
) {
    let id = interaction.id;
    let client = Late {
        client: &shared.client,
        webhook,
        since: progress.acknowledged_at(),
    };
    let report = |kind| shared.report(&DeliveryError::new(id, kind));
    let reply = match task.await {
        Ok(Ok(reply)) => reply,
        Ok(Err(message)) => {
            report(DeliveryErrorKind::Handler { message });
            failed(shared, interaction, &client, deferred).await;
            return;
        }
        Err(error) => {
            report(DeliveryErrorKind::Handler {
                message: format!("the handler panicked: {error}"),
            });
            failed(shared, interaction, &client, deferred).await;
            return;
        }
    };
    let result: Result<(), DiscordError> = match (deferred, reply) {
        (_, Reply::Defer { .. } | Reply::DeferUpdate) => Ok(()),
        (_, Reply::Modal(_)) => {
            report(DeliveryErrorKind::ModalAfterDeferral);
            if matches!(deferred, Deferred::Message { .. }) {
                // Do not leave "thinking…" forever.
                client.delete().await
            } else {
                Ok(())
            }
        }
        (Deferred::Message { .. }, Reply::Message(message)) if progress.original_taken() => {
            // A followup of the handler's became the original: answer after it.
            client.followup(message).await
        }
        (Deferred::Message { ephemeral }, Reply::Message(message)) => {
            if message.is_ephemeral() && !ephemeral {
                // The deferral was public; a private answer must not become public.
                let deleted = client.delete().await;
                let sent = client.followup(message).await;
                deleted.and(sent)
            } else {
                client.edit(message).await
            }
        }
        (Deferred::Message { .. }, Reply::Update(_)) => {
            report(DeliveryErrorKind::ReplyNotAllowed {
                interaction: interaction.kind,
                reply: bugle_model::interaction::CallbackType::UpdateMessage,
            });
            client.delete().await
        }
        (Deferred::Update, Reply::Update(message)) => client.edit(message).await,
        (Deferred::Update, Reply::Message(message)) => client.followup(message).await,
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

/// The late calls, each retried for a moment after the acknowledgement
/// ([`after_ack`]).
struct Late<'a> {
    client: &'a DiscordClient,
    webhook: &'a InteractionWebhook,
    since: Instant,
}

impl Late<'_> {
    async fn edit(&self, message: InteractionMessage) -> Result<(), DiscordError> {
        after_ack(self.since, || {
            self.client
                .edit_original_response(self.webhook, as_edit(message.clone()))
        })
        .await
        .map(drop)
    }

    async fn delete(&self) -> Result<(), DiscordError> {
        after_ack(self.since, || {
            self.client.delete_original_response(self.webhook)
        })
        .await
    }

    async fn followup(&self, message: InteractionMessage) -> Result<(), DiscordError> {
        after_ack(self.since, || {
            self.client.create_followup(self.webhook, message.clone())
        })
        .await
        .map(drop)
    }
}

/// Tells the user a deferred handler failed.
async fn failed(shared: &Shared, interaction: &Interaction, late: &Late<'_>, deferred: Deferred) {
    let message = InteractionMessage::new().content(FAILED_TEXT).ephemeral();
    let result = match deferred {
        Deferred::Message { .. } => late.edit(message).await,
        Deferred::Update => late.followup(message).await,
    };
    if let Err(error) = result {
        shared.report(&DeliveryError::discord(interaction.id, error));
    }
}

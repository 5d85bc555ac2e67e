//! [`InteractionContext`]: what a handler gets, and its ways to defer early
//! and to send followups.

use std::sync::{Arc, Mutex, PoisonError};

use bugle::{DiscordClient, DiscordError, InteractionWebhook};
use bugle_model::interaction::{
    CommandData, ComponentData, Interaction, InteractionData, InteractionMessage, ModalSubmitData,
};
use bugle_model::message::Message;
use bugle_model::user::User;
use tokio::sync::oneshot;

use crate::progress::{Progress, Stage};

/// One interaction as its handler sees it: the typed interaction, the
/// client for followups, and a way to defer before the deadline.
///
/// Cheap to clone; clones may move into spawned tasks (a followup sent
/// from one waits until the interaction has been acknowledged).
#[derive(Clone, Debug)]
pub struct InteractionContext {
    interaction: Arc<Interaction>,
    webhook: InteractionWebhook,
    client: DiscordClient,
    progress: Arc<Progress>,
    defer: Arc<Mutex<Option<oneshot::Sender<bool>>>>,
}

impl InteractionContext {
    pub(crate) fn new(
        interaction: Arc<Interaction>,
        webhook: InteractionWebhook,
        client: DiscordClient,
        progress: Arc<Progress>,
        defer: oneshot::Sender<bool>,
    ) -> Self {
        Self {
            interaction,
            webhook,
            client,
            progress,
            defer: Arc::new(Mutex::new(Some(defer))),
        }
    }

    /// The interaction.
    pub fn interaction(&self) -> &Interaction {
        &self.interaction
    }

    /// The command's data, for a command.
    pub fn command(&self) -> Option<&CommandData> {
        match &self.interaction.data {
            InteractionData::Command(data) | InteractionData::Autocomplete(data) => Some(data),
            _ => None,
        }
    }

    /// The component's data, for a button or select.
    pub fn component(&self) -> Option<&ComponentData> {
        match &self.interaction.data {
            InteractionData::Component(data) => Some(data),
            _ => None,
        }
    }

    /// The submitted fields, for a modal submit.
    pub fn modal(&self) -> Option<&ModalSubmitData> {
        match &self.interaction.data {
            InteractionData::ModalSubmit(data) => Some(data),
            _ => None,
        }
    }

    /// The user who triggered the interaction.
    pub fn user(&self) -> Option<&User> {
        self.interaction.author()
    }

    /// The client the service was built with.
    pub fn client(&self) -> &DiscordClient {
        &self.client
    }

    /// The interaction's webhook (for the client's followup and
    /// `@original` calls).
    pub fn webhook(&self) -> &InteractionWebhook {
        &self.webhook
    }

    /// Acknowledges the interaction now instead of at the deadline:
    /// "thinking…" (type 5) for a command or modal submit, `ephemeral`
    /// deciding who sees the eventual answer; a deferred update (type 6)
    /// for a component. The handler's reply then edits the original
    /// response. Returns once the acknowledgement is on its way; does
    /// nothing if the interaction was already acknowledged, or cannot be
    /// deferred (autocomplete).
    pub async fn defer(&self, ephemeral: bool) {
        let sender = self
            .defer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            if sender.send(ephemeral).is_err() {
                // Nobody listens (an autocomplete request, which cannot be deferred).
                return;
            }
        }
        self.acknowledged().await;
    }

    /// Waits until the interaction has been acknowledged (answered or
    /// deferred).
    pub async fn acknowledged(&self) {
        self.progress.wait(Stage::Deferred).await;
    }

    /// Sends a followup message.
    ///
    /// From a task of its own, it waits until the handler's answer is
    /// delivered, so it never overtakes it. From the handler itself before it
    /// answers, it waits for the acknowledgement (call [`defer`](Self::defer)
    /// first, or it waits for the automatic deferral); after a "thinking…"
    /// deferral that followup takes the original response's place (as Discord
    /// does with the first followup), and the handler's answer is then sent as
    /// a followup after it instead of overwriting it.
    ///
    /// # Errors
    ///
    /// As [`DiscordClient::create_followup`], e.g.
    /// [`InteractionExpired`](bugle::ErrorKind::InteractionExpired) after 15
    /// minutes.
    pub async fn followup(&self, message: InteractionMessage) -> Result<Message, DiscordError> {
        self.progress.before_followup(self.interaction.id).await;
        crate::grace::after_ack(self.progress.acknowledged_at(), || {
            self.client.create_followup(&self.webhook, message.clone())
        })
        .await
    }
}

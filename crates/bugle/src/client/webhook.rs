//! Webhook operations: execute, edit and delete a webhook's message.
//!
//! These routes are authorised by the token in the webhook URL; they are
//! sent without an `Authorization` header and need no bot token.

use bugle_model::id::{ChannelId, MessageId};
use bugle_model::message::Message;
use bugle_model::request::{
    AllowedMentions, EditWebhookMessage, EditWebhookMessageQuery, ExecuteWebhook,
    ExecuteWebhookQuery, Patch,
};
use bugle_model::validate::Validate;
use bugle_model::webhook::Webhook;

use super::DiscordClient;
use super::body::{Body, decode};
use super::request::Call;
use super::route::Route;
use crate::config::DiscordConfig;
use crate::error::DiscordError;
use crate::webhook_url::WebhookUrl;

/// Which webhook to use: the configuration's default, a named one, or a URL
/// given here; optionally in a thread of the webhook's channel.
///
/// ```
/// use bugle::client::WebhookTarget;
/// use bugle_model::id::ChannelId;
///
/// let default = WebhookTarget::default();
/// let named = WebhookTarget::named("ops").in_thread(ChannelId::new(77));
/// let same: WebhookTarget = "ops".into();
/// # let _ = (default, named, same);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct WebhookTarget {
    webhook: Choice,
    thread_id: Option<ChannelId>,
}

#[derive(Debug, Clone, Default)]
enum Choice {
    #[default]
    Default,
    Named(String),
    Url(WebhookUrl),
}

impl WebhookTarget {
    /// The configuration's default webhook (`DISCORD_WEBHOOK_URL`).
    pub fn default_webhook() -> Self {
        Self::default()
    }

    /// The webhook configured under `name`.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            webhook: Choice::Named(name.into()),
            thread_id: None,
        }
    }

    /// This webhook (its URL's `thread_id`, if any, is used unless
    /// [`in_thread`](Self::in_thread) sets another).
    pub fn url(url: WebhookUrl) -> Self {
        Self {
            webhook: Choice::Url(url),
            thread_id: None,
        }
    }

    /// Posts in (or edits a message of) thread `thread` of the webhook's channel.
    pub fn in_thread(mut self, thread: ChannelId) -> Self {
        self.thread_id = Some(thread);
        self
    }

    /// The webhook URL, from the configuration when not given here.
    fn resolve<'a>(&'a self, config: &'a DiscordConfig) -> Result<&'a WebhookUrl, DiscordError> {
        match &self.webhook {
            Choice::Default => config.require_webhook(None),
            Choice::Named(name) => config.require_webhook(Some(name)),
            Choice::Url(url) => Ok(url),
        }
    }

    /// The thread: set here, else the URL's.
    fn thread(&self, url: &WebhookUrl) -> Option<ChannelId> {
        self.thread_id.or(url.thread_id())
    }
}

impl From<&str> for WebhookTarget {
    fn from(name: &str) -> Self {
        Self::named(name)
    }
}

impl From<String> for WebhookTarget {
    fn from(name: String) -> Self {
        Self::named(name)
    }
}

impl From<WebhookUrl> for WebhookTarget {
    fn from(url: WebhookUrl) -> Self {
        Self::url(url)
    }
}

/// A webhook execute: the message, the webhook, and whether to wait for
/// Discord to save it.
///
/// Waits by default (`wait=true`): Discord answers with the saved message,
/// and a message it fails to save is an error rather than silently lost.
/// [`fire_and_forget`](Self::fire_and_forget) skips the wait.
#[derive(Debug, Clone)]
#[must_use]
pub struct ExecuteWebhookParams {
    body: ExecuteWebhook,
    target: WebhookTarget,
    wait: bool,
}

impl ExecuteWebhookParams {
    /// Sends `body` through the default webhook, waiting for the saved message.
    pub fn new(body: ExecuteWebhook) -> Self {
        Self {
            body,
            target: WebhookTarget::default(),
            wait: true,
        }
    }

    /// Sends through `target` instead of the default webhook.
    pub fn target(mut self, target: impl Into<WebhookTarget>) -> Self {
        self.target = target.into();
        self
    }

    /// Posts in thread `thread` of the webhook's channel.
    pub fn in_thread(mut self, thread: ChannelId) -> Self {
        self.target = self.target.in_thread(thread);
        self
    }

    /// Does not wait for the saved message: the execute returns `None`, and a
    /// message Discord fails to save is lost without an error.
    pub fn fire_and_forget(mut self) -> Self {
        self.wait = false;
        self
    }

    /// Whether to wait for the saved message (the default).
    pub fn wait(mut self, wait: bool) -> Self {
        self.wait = wait;
        self
    }
}

impl From<ExecuteWebhook> for ExecuteWebhookParams {
    fn from(body: ExecuteWebhook) -> Self {
        Self::new(body)
    }
}

impl DiscordClient {
    /// Sends a message through a webhook (`POST /webhooks/{id}/{token}`).
    ///
    /// Returns the saved message, or `None` for a
    /// [fire-and-forget](ExecuteWebhookParams::fire_and_forget) execute.
    /// Mentions do not ping unless the body sets `allowed_mentions`;
    /// `with_components` is sent when the body has components; a forum
    /// channel's post is named with the body's `thread_name`.
    ///
    /// A webhook execute carries no nonce, so a failure after the request may
    /// have reached Discord is not retried: it is reported as
    /// [`ErrorKind::MayHaveBeenDelivered`](crate::ErrorKind::MayHaveBeenDelivered).
    ///
    /// # Errors
    ///
    /// [`Validation`](crate::ErrorKind::Validation) (nothing sent),
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication) /
    /// [`UnknownWebhook`](crate::ErrorKind::UnknownWebhook) when the webhook
    /// is not configured, and every error of Discord's answer.
    pub async fn execute_webhook(
        &self,
        params: impl Into<ExecuteWebhookParams>,
    ) -> Result<Option<Message>, DiscordError> {
        let ExecuteWebhookParams {
            mut body,
            target,
            wait,
        } = params.into();
        body.allowed_mentions
            .get_or_insert_with(AllowedMentions::none);
        let url = target.resolve(self.config())?;
        let mut query = ExecuteWebhookQuery::new()
            .wait(wait)
            .with_components(!body.components.is_empty());
        if let Some(thread) = target.thread(url) {
            query = query.thread_id(thread);
        }
        body.validate_with_query_in(&query, self.inner.config.validation())?;
        let call = Call::new(
            "execute_webhook",
            Route::execute_webhook(url.id(), url.token()),
        )
        .query(query.to_query_string())
        .body(Body::encode(&body)?);
        let response = self.execute(call).await?;
        if wait {
            decode(&response).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fetches the webhook itself (`GET /webhooks/{id}/{token}`): whether it
    /// is alive, and the channel it posts to, without sending anything to the
    /// channel. A deleted webhook answers 404 ([`ErrorKind::NotFound`] with
    /// code 10015, Unknown Webhook). The token Discord returns is dropped, so
    /// the result can be shown or logged.
    ///
    /// # Errors
    ///
    /// The webhook named is not configured, or Discord refused (a deleted
    /// webhook is [`ErrorKind::NotFound`]) or did not answer.
    ///
    /// [`ErrorKind::NotFound`]: crate::ErrorKind::NotFound
    pub async fn get_webhook(
        &self,
        target: impl Into<WebhookTarget>,
    ) -> Result<Webhook, DiscordError> {
        let target = target.into();
        let url = target.resolve(self.config())?;
        let call = Call::new("get_webhook", Route::get_webhook(url.id(), url.token()));
        let response = self.execute(call).await?;
        let mut webhook: Webhook = decode(&response)?;
        webhook.token = None;
        Ok(webhook)
    }

    /// Edits a message the webhook sent
    /// (`PATCH /webhooks/{id}/{token}/messages/{message.id}`).
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
    /// As [`execute_webhook`](Self::execute_webhook);
    /// [`NotFound`](crate::ErrorKind::NotFound) for an unknown message.
    pub async fn edit_webhook_message(
        &self,
        target: impl Into<WebhookTarget>,
        message_id: MessageId,
        mut edit: EditWebhookMessage,
    ) -> Result<Message, DiscordError> {
        let target = target.into();
        if !edit.content.is_keep() && edit.allowed_mentions.is_keep() {
            edit.allowed_mentions = Patch::Set(AllowedMentions::none());
        }
        edit.validate_in(self.inner.config.validation())?;
        let url = target.resolve(self.config())?;
        let has_components = edit.components.as_set().is_some_and(|c| !c.is_empty());
        let mut query = EditWebhookMessageQuery::new().with_components(has_components);
        if let Some(thread) = target.thread(url) {
            query = query.thread_id(thread);
        }
        let call = Call::new(
            "edit_webhook_message",
            Route::edit_webhook_message(url.id(), url.token(), message_id),
        )
        .query(query.to_query_string())
        .body(Body::encode(&edit)?)
        .idempotent(true);
        decode(&self.execute(call).await?)
    }

    /// Deletes a message the webhook sent
    /// (`DELETE /webhooks/{id}/{token}/messages/{message.id}`).
    ///
    /// # Errors
    ///
    /// As [`execute_webhook`](Self::execute_webhook);
    /// [`NotFound`](crate::ErrorKind::NotFound) for an unknown message.
    pub async fn delete_webhook_message(
        &self,
        target: impl Into<WebhookTarget>,
        message_id: MessageId,
    ) -> Result<(), DiscordError> {
        let target = target.into();
        let url = target.resolve(self.config())?;
        let query = target
            .thread(url)
            .map(|thread| format!("thread_id={thread}"))
            .unwrap_or_default();
        let call = Call::new(
            "delete_webhook_message",
            Route::delete_webhook_message(url.id(), url.token(), message_id),
        )
        .query(query);
        self.execute(call).await.map(drop)
    }
}

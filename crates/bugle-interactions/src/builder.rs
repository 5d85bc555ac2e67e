//! [`InteractionsBuilder`]: the handlers, by command name and custom-id
//! prefix, and the service's settings.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bugle::DiscordClient;
use bugle_model::interaction::CommandChoice;

use crate::clock::WallClock;
use crate::context::InteractionContext;
use crate::error::DeliveryError;
use crate::reply::{IntoReply, Reply};
use crate::service::{Interactions, Shared};
use crate::verify::Verifier;

/// Discord's deadline for the first answer to an interaction.
pub const RESPONSE_DEADLINE: Duration = Duration::from_secs(3);
/// How long before [`RESPONSE_DEADLINE`] the service defers a handler that
/// has not answered, by default: it defers at 2.5 s, leaving time for the
/// answer to reach Discord.
pub const DEFAULT_DEADLINE_MARGIN: Duration = Duration::from_millis(500);
/// The largest request body accepted by default (1 MiB); larger ones get a
/// 413 before any check.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub(crate) type Handler =
    Arc<dyn Fn(InteractionContext) -> BoxFuture<Result<Reply, String>> + Send + Sync>;
pub(crate) type ChoicesHandler =
    Arc<dyn Fn(InteractionContext) -> BoxFuture<Vec<CommandChoice>> + Send + Sync>;
pub(crate) type ErrorHook = Arc<dyn Fn(&DeliveryError) + Send + Sync>;

/// Builds an [`Interactions`] service: the application's public key, the
/// client for late answers and followups, and the handlers.
///
/// - [`command`](Self::command): slash and context-menu commands, by name;
/// - [`component`](Self::component): buttons and selects, by `custom_id`
///   prefix (the longest matching prefix wins);
/// - [`modal`](Self::modal): modal submits, by `custom_id` prefix;
/// - [`autocomplete`](Self::autocomplete): autocomplete requests, by
///   command name; these must answer in time and are never deferred.
#[must_use]
pub struct InteractionsBuilder {
    pub(crate) verifier: Verifier,
    pub(crate) client: DiscordClient,
    pub(crate) commands: HashMap<String, Handler>,
    pub(crate) components: Vec<(String, Handler)>,
    pub(crate) modals: Vec<(String, Handler)>,
    pub(crate) autocomplete: HashMap<String, ChoicesHandler>,
    pub(crate) margin: Duration,
    pub(crate) max_body: usize,
    pub(crate) on_error: ErrorHook,
}

impl std::fmt::Debug for InteractionsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractionsBuilder")
            .field("verifier", &self.verifier)
            .field("commands", &self.commands.keys().collect::<Vec<_>>())
            .field("margin", &self.margin)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

fn boxed<F, Fut, R>(handler: F) -> Handler
where
    F: Fn(InteractionContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoReply + 'static,
{
    Arc::new(move |ctx| {
        let future = handler(ctx);
        Box::pin(async move { future.await.into_reply() })
    })
}

impl InteractionsBuilder {
    pub(crate) fn new(verifier: Verifier, client: DiscordClient) -> Self {
        Self {
            verifier,
            client,
            commands: HashMap::new(),
            components: Vec::new(),
            modals: Vec::new(),
            autocomplete: HashMap::new(),
            margin: DEFAULT_DEADLINE_MARGIN,
            max_body: DEFAULT_MAX_BODY_BYTES,
            on_error: Arc::new(
                |error| tracing::error!(%error, "interaction not answered as meant"),
            ),
        }
    }

    /// Handles the command `name` (a slash command, or a context-menu
    /// command's name).
    pub fn command<F, Fut, R>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(InteractionContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply + 'static,
    {
        self.commands.insert(name.into(), boxed(handler));
        self
    }

    /// Handles buttons and selects whose `custom_id` starts with `prefix`
    /// (e.g. `ack:` for `ack:42`).
    pub fn component<F, Fut, R>(mut self, prefix: impl Into<String>, handler: F) -> Self
    where
        F: Fn(InteractionContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply + 'static,
    {
        self.components.push((prefix.into(), boxed(handler)));
        self
    }

    /// Handles submits of modals whose `custom_id` starts with `prefix`.
    pub fn modal<F, Fut, R>(mut self, prefix: impl Into<String>, handler: F) -> Self
    where
        F: Fn(InteractionContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply + 'static,
    {
        self.modals.push((prefix.into(), boxed(handler)));
        self
    }

    /// Answers autocomplete requests of the command `name` with choices.
    /// Autocomplete cannot be deferred: a handler that has not answered by
    /// the deadline (minus the margin) gets Discord an empty list, and the
    /// error hook [`DeliveryErrorKind::AutocompleteTooSlow`](crate::DeliveryErrorKind::AutocompleteTooSlow).
    pub fn autocomplete<F, Fut>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(InteractionContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<CommandChoice>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.autocomplete.insert(
            name.into(),
            Arc::new(move |ctx| {
                let future = handler(ctx);
                Box::pin(future)
            }),
        );
        self
    }

    /// How long before Discord's 3-second deadline a handler that has not
    /// answered is deferred (default [`DEFAULT_DEADLINE_MARGIN`]; at most
    /// 2.9 s).
    pub fn deadline_margin(mut self, margin: Duration) -> Self {
        self.margin = margin.min(Duration::from_millis(2900));
        self
    }

    /// The freshness window of the signature timestamp (default 5 minutes).
    pub fn freshness_window(mut self, window: Duration) -> Self {
        self.verifier = self.verifier.with_window(window);
        self
    }

    /// Where the verifier reads "now" (default the system clock).
    pub fn clock(mut self, clock: WallClock) -> Self {
        self.verifier = self.verifier.with_clock(clock);
        self
    }

    /// The largest body accepted (default [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Called for every interaction that could not be answered as its
    /// handler meant (default: logged with `tracing::error!`).
    pub fn on_error(mut self, hook: impl Fn(&DeliveryError) + Send + Sync + 'static) -> Self {
        self.on_error = Arc::new(hook);
        self
    }

    /// The service.
    pub fn build(mut self) -> Interactions {
        // Longest prefix first, so `ack:silence:` wins over `ack:`.
        self.components
            .sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        self.modals
            .sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        let seen = crate::replay::SeenIds::new(self.verifier.window());
        Interactions::from_shared(Shared {
            verifier: self.verifier,
            client: self.client,
            commands: self.commands,
            components: self.components,
            modals: self.modals,
            autocomplete: self.autocomplete,
            answer_within: RESPONSE_DEADLINE.saturating_sub(self.margin),
            max_body: self.max_body,
            on_error: self.on_error,
            seen,
        })
    }
}

//! [`Interactions`]: the endpoint. Body cap, signature, parse, route, and
//! the 3-second rule: answer inline in time, or defer and answer later.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::routing::post;
use bugle::{DiscordClient, InteractionWebhook};
use bugle_model::interaction::{
    CallbackType, Interaction, InteractionData, InteractionResponse, InteractionType,
};
use bugle_model::validate::{Report, Validate, check_choices};
use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::BodyExt as _;
use tokio::sync::oneshot;
use tokio::time::{Instant, sleep_until};

use crate::builder::{ChoicesHandler, ErrorHook, Handler, InteractionsBuilder};
use crate::context::InteractionContext;
use crate::deliver::{Deferred, deliver_late};
use crate::error::{DeliveryError, DeliveryErrorKind};
use crate::progress::{HANDLER_OF, Progress, Stage};
use crate::reply::Reply;
use crate::verify::{PublicKeyError, Verifier};

/// What the user sees when a handler fails.
pub(crate) const FAILED_TEXT: &str = "Something went wrong; please try again.";
/// What the user sees for a command, button or modal nobody handles.
const UNAVAILABLE_TEXT: &str = "This is not available.";

pub(crate) struct Shared {
    pub(crate) verifier: Verifier,
    pub(crate) client: DiscordClient,
    pub(crate) commands: HashMap<String, Handler>,
    pub(crate) components: Vec<(String, Handler)>,
    pub(crate) modals: Vec<(String, Handler)>,
    pub(crate) autocomplete: HashMap<String, ChoicesHandler>,
    pub(crate) answer_within: Duration,
    pub(crate) max_body: usize,
    pub(crate) on_error: ErrorHook,
    pub(crate) seen: crate::replay::SeenIds,
}

impl Shared {
    pub(crate) fn report(&self, error: &DeliveryError) {
        (self.on_error)(error);
    }
}

/// The interactions endpoint: verifies Discord's signature on every
/// request, answers PINGs, and runs the handler the interaction routes to,
/// deferring it when it has not answered by the deadline.
///
/// Mount [`router`](Self::router) in an axum app, or call
/// [`handle`](Self::handle) from another server. Cheap to clone.
#[derive(Clone)]
pub struct Interactions {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Interactions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interactions")
            .field("verifier", &self.shared.verifier)
            .field("answer_within", &self.shared.answer_within)
            .field("max_body", &self.shared.max_body)
            .finish_non_exhaustive()
    }
}

/// Which acknowledgement a deferrable interaction gets at the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeferAs {
    /// "Thinking…" (type 5): commands and modal submits.
    Message,
    /// A deferred update (type 6): components.
    Update,
}

impl Interactions {
    /// A builder for the application with `public_key` (64 hex characters,
    /// from the developer portal), answering late through `client`.
    ///
    /// # Errors
    ///
    /// A [`PublicKeyError`] when the key cannot be read.
    pub fn builder(
        public_key: &str,
        client: DiscordClient,
    ) -> Result<InteractionsBuilder, PublicKeyError> {
        Ok(InteractionsBuilder::new(
            Verifier::from_hex(public_key)?,
            client,
        ))
    }

    pub(crate) fn from_shared(shared: Shared) -> Self {
        Self {
            shared: Arc::new(shared),
        }
    }

    /// An axum router answering `POST path` (e.g. `/interactions`); merge
    /// it into your app, behind a public HTTPS URL.
    pub fn router(&self, path: &str) -> Router {
        Router::new()
            .route(path, post(endpoint))
            .with_state(self.clone())
    }

    /// Answers one request given its headers and raw body: what the router
    /// does after reading the body (within the size cap).
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
        let shared = &self.shared;
        if body.len() > shared.max_body {
            return status(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
        }
        if let Err(error) = shared.verifier.verify_headers(headers, body) {
            tracing::debug!(%error, "interaction refused");
            return status(StatusCode::UNAUTHORIZED, "invalid request signature");
        }
        let interaction: Interaction = match serde_json::from_slice(body) {
            Ok(interaction) => interaction,
            Err(error) => {
                tracing::warn!(%error, "a signed interaction did not parse");
                return status(StatusCode::BAD_REQUEST, "malformed interaction");
            }
        };
        if !matches!(interaction.data, InteractionData::Ping)
            && !shared.seen.first_time(interaction.id)
        {
            tracing::warn!(interaction = %interaction.id, "interaction replayed; refused");
            return status(StatusCode::UNAUTHORIZED, "interaction already received");
        }
        let interaction = Arc::new(interaction);
        match &interaction.data {
            InteractionData::Ping => json(&InteractionResponse::Pong),
            InteractionData::Command(data) => {
                let handler = shared.commands.get(&data.name).cloned();
                self.deferrable(
                    interaction.clone(),
                    handler,
                    DeferAs::Message,
                    "command",
                    &data.name,
                )
                .await
            }
            InteractionData::Component(data) => {
                let handler = by_prefix(&shared.components, &data.custom_id);
                self.deferrable(
                    interaction.clone(),
                    handler,
                    DeferAs::Update,
                    "component",
                    &data.custom_id,
                )
                .await
            }
            InteractionData::ModalSubmit(data) => {
                let handler = by_prefix(&shared.modals, &data.custom_id);
                self.deferrable(
                    interaction.clone(),
                    handler,
                    DeferAs::Message,
                    "modal",
                    &data.custom_id,
                )
                .await
            }
            InteractionData::Autocomplete(data) => {
                let handler = shared.autocomplete.get(&data.name).cloned();
                self.autocomplete(interaction.clone(), handler, &data.name)
                    .await
            }
            // A type this version does not know (nor Discord yet documents to us).
            _ => status(StatusCode::BAD_REQUEST, "unsupported interaction type"),
        }
    }

    fn context(
        &self,
        interaction: Arc<Interaction>,
        received: Instant,
    ) -> (InteractionContext, Arc<Progress>, oneshot::Receiver<bool>) {
        let webhook = InteractionWebhook::new(
            interaction.application_id,
            interaction.token.expose(),
            received,
        );
        let progress = Arc::new(Progress::new());
        let (defer_tx, defer_rx) = oneshot::channel();
        let ctx = InteractionContext::new(
            interaction,
            webhook,
            self.shared.client.clone(),
            progress.clone(),
            defer_tx,
        );
        (ctx, progress, defer_rx)
    }

    async fn deferrable(
        &self,
        interaction: Arc<Interaction>,
        handler: Option<Handler>,
        defer_as: DeferAs,
        kind: &'static str,
        name: &str,
    ) -> Response<Body> {
        let shared = &self.shared;
        let Some(handler) = handler else {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::NoHandler {
                    kind,
                    name: name.to_owned(),
                },
            ));
            return json(&InteractionResponse::message(
                Reply::ephemeral(UNAVAILABLE_TEXT).into_message(),
            ));
        };
        let received = Instant::now();
        let deadline = received + shared.answer_within;
        let (ctx, progress, mut defer_rx) = self.context(interaction.clone(), received);
        let webhook = ctx.webhook().clone();
        let mut task = tokio::spawn(HANDLER_OF.scope(interaction.id, handler(ctx)));
        let early = tokio::select! {
            biased;
            joined = &mut task => Early::Done(joined),
            Ok(ephemeral) = &mut defer_rx => Early::Defer { ephemeral },
            () = sleep_until(deadline) => Early::Defer { ephemeral: false },
        };
        match early {
            Early::Done(joined) => {
                let reply = joined
                    .map_err(|error| format!("the handler panicked: {error}"))
                    .and_then(|reply| reply);
                let response = self.answer_now(&interaction, reply);
                progress.reach(Stage::Settled);
                response
            }
            Early::Defer { ephemeral } => {
                let deferred = match (defer_as, ephemeral) {
                    (DeferAs::Update, false) => Deferred::Update,
                    _ => Deferred::Message { ephemeral },
                };
                let response = match deferred {
                    Deferred::Update => InteractionResponse::DeferredUpdate,
                    Deferred::Message { ephemeral } => {
                        InteractionResponse::DeferredMessage { ephemeral }
                    }
                };
                tracing::debug!(
                    interaction = %interaction.id,
                    ?deferred,
                    after_ms = received.elapsed().as_millis(),
                    "interaction deferred; the handler's answer will follow"
                );
                progress.deferred(matches!(deferred, Deferred::Message { .. }));
                tokio::spawn(deliver_late(
                    self.shared.clone(),
                    interaction,
                    webhook,
                    task,
                    deferred,
                    progress,
                ));
                json(&response)
            }
        }
    }

    /// The inline answer to a handler that answered in time.
    fn answer_now(
        &self,
        interaction: &Interaction,
        reply: Result<Reply, String>,
    ) -> Response<Body> {
        let shared = &self.shared;
        let reply = match reply {
            Ok(reply) => reply,
            Err(message) => {
                shared.report(&DeliveryError::new(
                    interaction.id,
                    DeliveryErrorKind::Handler { message },
                ));
                return json(&InteractionResponse::message(
                    Reply::ephemeral(FAILED_TEXT).into_message(),
                ));
            }
        };
        let response = reply.into_response();
        if !allowed(interaction, response.kind()) {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::ReplyNotAllowed {
                    interaction: interaction.kind,
                    reply: response.kind(),
                },
            ));
            return status(StatusCode::INTERNAL_SERVER_ERROR, "reply not allowed");
        }
        if let Err(violations) = response.validate() {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::InvalidReply { violations },
            ));
            return status(StatusCode::INTERNAL_SERVER_ERROR, "invalid reply");
        }
        json(&response)
    }

    async fn autocomplete(
        &self,
        interaction: Arc<Interaction>,
        handler: Option<ChoicesHandler>,
        name: &str,
    ) -> Response<Body> {
        let shared = &self.shared;
        let empty = || json(&InteractionResponse::Choices(Vec::new()));
        let Some(handler) = handler else {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::NoHandler {
                    kind: "autocomplete",
                    name: name.to_owned(),
                },
            ));
            return empty();
        };
        let received = Instant::now();
        let (ctx, _progress, defer) = self.context(interaction.clone(), received);
        drop(defer);
        let Ok(choices) =
            tokio::time::timeout_at(received + shared.answer_within, handler(ctx)).await
        else {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::AutocompleteTooSlow,
            ));
            return empty();
        };
        let mut report = Report::new();
        check_choices(&mut report, "data.choices", &choices);
        if let Err(violations) = report.finish() {
            shared.report(&DeliveryError::new(
                interaction.id,
                DeliveryErrorKind::InvalidReply { violations },
            ));
            return empty();
        }
        json(&InteractionResponse::Choices(choices))
    }
}

/// How the wait for the handler ended.
enum Early {
    Done(Result<Result<Reply, String>, tokio::task::JoinError>),
    Defer { ephemeral: bool },
}

impl Reply {
    /// The message of a [`Reply::Message`] (used for the service's own texts).
    fn into_message(self) -> bugle_model::interaction::InteractionMessage {
        match self {
            Self::Message(message) | Self::Update(message) => message,
            _ => bugle_model::interaction::InteractionMessage::new(),
        }
    }
}

/// The handler of the longest prefix of `custom_id` (the list is sorted
/// longest first).
fn by_prefix(handlers: &[(String, Handler)], custom_id: &str) -> Option<Handler> {
    handlers
        .iter()
        .find(|(prefix, _)| custom_id.starts_with(prefix.as_str()))
        .map(|(_, handler)| handler.clone())
}

/// Whether Discord accepts a callback of type `reply` for `interaction`.
pub(crate) fn allowed(interaction: &Interaction, reply: CallbackType) -> bool {
    use CallbackType as C;
    match interaction.kind {
        InteractionType::Ping => reply == C::Pong,
        InteractionType::ApplicationCommand => matches!(
            reply,
            C::ChannelMessageWithSource | C::DeferredChannelMessageWithSource | C::Modal
        ),
        InteractionType::MessageComponent => matches!(
            reply,
            C::ChannelMessageWithSource
                | C::DeferredChannelMessageWithSource
                | C::DeferredUpdateMessage
                | C::UpdateMessage
                | C::Modal
        ),
        InteractionType::Autocomplete => reply == C::ApplicationCommandAutocompleteResult,
        // Updates answer a modal submit only when the modal came from a component.
        InteractionType::ModalSubmit => {
            matches!(
                reply,
                C::ChannelMessageWithSource | C::DeferredChannelMessageWithSource
            ) || (interaction.message.is_some()
                && matches!(reply, C::DeferredUpdateMessage | C::UpdateMessage))
        }
        _ => false,
    }
}

fn json(response: &InteractionResponse) -> Response<Body> {
    let body = serde_json::to_vec(response).unwrap_or_else(|_| b"{\"type\":1}".to_vec());
    let mut answer = Response::new(Body::from(body));
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answer
}

fn status(code: StatusCode, text: &'static str) -> Response<Body> {
    let mut answer = Response::new(Body::from(text));
    *answer.status_mut() = code;
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    answer
}

/// The router's handler: reads the body within the cap, then [`Interactions::handle`].
async fn endpoint(State(app): State<Interactions>, request: Request) -> Response<Body> {
    let max = app.shared.max_body;
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return status(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    let mut body = body;
    let mut bytes = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return status(StatusCode::BAD_REQUEST, "the body could not be read");
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > max {
                return status(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
            }
            bytes.extend_from_slice(&data);
        }
    }
    let bytes: Bytes = bytes.freeze();
    app.handle(&parts.headers, &bytes).await
}

//! Accepting one notification: size, auth, parse, route, commit. Nothing
//! is queued unless every step passes, and the answer is 2xx only after the
//! commit.

use http::{HeaderMap, StatusCode};

use crate::auth::AuthError;
use crate::ingest::{self, IngestError};
use crate::metrics as m;
use crate::model::Source;
use crate::outbox::{Envelope, OutboxError};
use crate::service::Relay;

/// A notification committed to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// New outbox entries (one per route).
    pub queued: usize,
    /// Entries already stored (a retry or an HA twin).
    pub duplicates: usize,
    /// The routes it went to.
    pub routes: Vec<String>,
}

/// Why a notification was refused; nothing was queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Missing or wrong credentials.
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    /// The body is larger than the limit.
    #[error(
        "the body is over the limit of {limit} bytes; lower the sender's max_alerts or raise server.body_limit_bytes"
    )]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// Not JSON, or the wrong shape.
    #[error(transparent)]
    BadInput(#[from] IngestError),
    /// The sender asked for a route the config does not define.
    #[error("no route named `{name}`; the routes are: {known}")]
    UnknownRoute {
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// The outbox is full: the sender should retry (Alertmanager does on 5xx).
    #[error("{0}")]
    Full(String),
    /// The outbox cannot commit: the sender should retry.
    #[error("the notification could not be stored ({0}); retry")]
    Unavailable(String),
}

impl Rejection {
    /// The HTTP status for it: 401, 413, 400, 404, 503, 503.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadInput(IngestError::NotJson(_)) => StatusCode::BAD_REQUEST,
            Self::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnknownRoute { .. } => StatusCode::NOT_FOUND,
            Self::Full(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The outcome label for metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "unauthorized",
            Self::TooLarge { .. } => "too_large",
            Self::BadInput(_) => "bad_request",
            Self::UnknownRoute { .. } => "unknown_route",
            Self::Full(_) => "full",
            Self::Unavailable(_) => "error",
        }
    }
}

impl Relay {
    /// Accepts `body` from `source`: checks its size and credentials, parses
    /// it, routes it (`route` asks for one destination by name, skipping the
    /// rules) and commits it. Returns once it is durable.
    ///
    /// # Errors
    ///
    /// [`Rejection`] saying why; nothing was queued.
    pub async fn accept(
        &self,
        source: Source,
        route: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Accepted, Rejection> {
        let result = self.accept_inner(source, route, headers, body).await;
        match &result {
            Ok(accepted) if accepted.queued == 0 => m::received(source.as_str(), "duplicate"),
            Ok(_) => m::received(source.as_str(), "accepted"),
            Err(rejection) => {
                m::received(source.as_str(), rejection.outcome());
                // The message names the problem, never the body or a credential.
                tracing::info!(source = source.as_str(), status = rejection.status().as_u16(), reason = %rejection, "refused a notification");
            }
        }
        result
    }

    async fn accept_inner(
        &self,
        source: Source,
        route: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Accepted, Rejection> {
        let config = self.config();
        if body.len() > config.body_limit {
            return Err(Rejection::TooLarge {
                limit: config.body_limit,
            });
        }
        self.authenticator()
            .check(source, headers, body, self.clock().now_ms() / 1000)?;
        let mut notification = ingest::parse(source, body)?;
        if let Some(route) = route.filter(|name| !name.is_empty()) {
            notification.route = Some(route.to_owned());
        }
        let routes = if let Some(name) = &notification.route {
            vec![
                config
                    .named_route(name)
                    .ok_or_else(|| Rejection::UnknownRoute {
                        name: name.clone(),
                        known: config.route_names().join(", "),
                    })?,
            ]
        } else {
            let mut routes: Vec<crate::config::Route> = Vec::new();
            for route in config.rules.route(&notification.match_labels()) {
                if !routes.iter().any(|known| known.name == route.name) {
                    routes.push(route.clone());
                }
            }
            routes
        };
        let names = routes.iter().map(|route| route.name.clone()).collect();
        let envelopes = routes
            .into_iter()
            .map(|route| Envelope {
                notification: notification.clone(),
                route,
            })
            .collect();
        let enqueued = self
            .outbox()
            .enqueue(envelopes, self.clock().now_ms())
            .await
            .map_err(|error| match error {
                OutboxError::Full { .. } => Rejection::Full(error.to_string()),
                other => Rejection::Unavailable(other.to_string()),
            })?;
        m::queued(enqueued.ids.len());
        if !enqueued.ids.is_empty() {
            self.wake();
        }
        Ok(Accepted {
            queued: enqueued.ids.len(),
            duplicates: enqueued.duplicates,
            routes: names,
        })
    }
}

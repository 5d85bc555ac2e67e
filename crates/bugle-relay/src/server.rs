//! The HTTP surface: `POST /alertmanager`, `/grafana`, `/notify` (each with
//! an optional `?route=NAME`), `GET /healthz`, `/readyz`, `/metrics`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::model::Source;
use crate::service::Relay;

#[derive(Debug, Deserialize)]
struct RouteQuery {
    route: Option<String>,
}

impl Relay {
    /// The relay's routes, ready for `axum::serve`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/alertmanager", post(alertmanager))
            .route("/grafana", post(grafana))
            .route("/notify", post(notify))
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .fallback(unknown)
            .with_state(self.clone())
    }
}

async fn alertmanager(
    State(relay): State<Relay>,
    Query(query): Query<RouteQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    ingest(relay, Source::Alertmanager, query, headers, body).await
}

async fn grafana(
    State(relay): State<Relay>,
    Query(query): Query<RouteQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    ingest(relay, Source::Grafana, query, headers, body).await
}

async fn notify(
    State(relay): State<Relay>,
    Query(query): Query<RouteQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    ingest(relay, Source::Notify, query, headers, body).await
}

async fn ingest(
    relay: Relay,
    source: Source,
    query: RouteQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = relay.config().body_limit;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        let rejection = crate::accept::Rejection::TooLarge { limit };
        crate::metrics::received(source.as_str(), rejection.outcome());
        return error(rejection.status(), &rejection.to_string());
    };
    match relay
        .accept(source, query.route.as_deref(), &headers, &bytes)
        .await
    {
        Ok(accepted) => (
            StatusCode::OK,
            axum::Json(json!({
                "status": if accepted.queued == 0 { "duplicate" } else { "queued" },
                "queued": accepted.queued,
                "duplicates": accepted.duplicates,
                "routes": accepted.routes,
            })),
        )
            .into_response(),
        Err(rejection) => {
            let mut response = error(rejection.status(), &rejection.to_string());
            if rejection.status() == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer"),
                );
            }
            if rejection.status() == StatusCode::SERVICE_UNAVAILABLE {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("10"),
                );
            }
            response
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(relay): State<Relay>) -> Response {
    let probe = relay.outbox().probe(relay.clock().now_ms()).await;
    let checks = relay.destination_checks();
    let unconfirmed: Vec<_> = checks
        .iter()
        .filter(|c| !c.state.starts_with("ok"))
        .collect();
    let body = json!({
        "ready": probe.is_ok(),
        "outbox": match &probe { Ok(()) => "writable".to_owned(), Err(e) => format!("not writable: {e}") },
        "destinations": checks,
        "unconfirmed_destinations": unconfirmed.len(),
    });
    let status = if probe.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn metrics() -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(),
    )
        .into_response()
}

async fn unknown(uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        &format!(
            "no endpoint at {}; the relay takes POST /alertmanager, /grafana and /notify (optionally ?route=NAME), and GET /healthz, /readyz, /metrics",
            uri.path()
        ),
    )
}

/// Completes on SIGTERM or SIGINT (Ctrl-C). The handlers are installed
/// when this is called (inside a tokio runtime), not when the future is
/// first polled, so a signal during start-up is not lost: call it first.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => tracing::info!("SIGTERM: shutting down"),
                () = wait(interrupt) => tracing::info!("SIGINT: shutting down"),
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C: shutting down");
        }
    }
}

//! A fake Alertmanager on loopback: `POST /api/v2/silences` checks the
//! credentials and validates the body the way Alertmanager's v2 API does,
//! answers `{"silenceID": ...}`, and keeps what it received;
//! `GET /api/v2/silences` lists it.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::task::JoinHandle;

/// The credentials the fake wants.
#[derive(Debug, Clone)]
pub enum ExpectedAuth {
    /// Any request (or none) is let in.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic base64(username:password)`.
    Basic { username: String, password: String },
}

impl ExpectedAuth {
    fn admits(&self, headers: &HeaderMap) -> bool {
        let expected = match self {
            Self::None => return true,
            Self::Bearer(token) => format!("Bearer {token}"),
            Self::Basic { username, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            ),
        };
        headers
            .get(header::AUTHORIZATION)
            .is_some_and(|value| value.as_bytes() == expected.as_bytes())
    }
}

#[derive(Debug)]
struct Shared {
    auth: ExpectedAuth,
    silences: Vec<Value>,
    fail_next: Option<StatusCode>,
}

/// A fake Alertmanager served on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct FakeAlertmanager {
    url: String,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl FakeAlertmanager {
    /// Serves a fake wanting `auth` on a free loopback port.
    pub async fn start(auth: ExpectedAuth) -> Self {
        Self::start_under(auth, "").await
    }

    /// As [`start`](Self::start), with the API under `prefix` (Grafana's
    /// `/api/alertmanager/grafana`); [`url`](Self::url) includes it.
    pub async fn start_under(auth: ExpectedAuth, prefix: &str) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            auth,
            silences: Vec::new(),
            fail_next: None,
        }));
        let router = Router::new()
            .route(&format!("{prefix}/api/v2/silences"), get(list).post(create))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!(
            "http://{}{prefix}",
            listener.local_addr().expect("local address")
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, shared, task }
    }

    /// The base URL (`http://127.0.0.1:PORT`), as `[alertmanager] url` takes it.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The bodies of the silences created, in order.
    pub fn silences(&self) -> Vec<Value> {
        self.shared.lock().unwrap().silences.clone()
    }

    /// Answers the next `POST` with `status` (and a text body), whatever it holds.
    pub fn fail_next(&self, status: StatusCode) {
        self.shared.lock().unwrap().fail_next = Some(status);
    }
}

impl Drop for FakeAlertmanager {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn list(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap) -> Response {
    let shared = shared.lock().unwrap();
    if !shared.auth.admits(&headers) {
        return unauthorized();
    }
    let listed: Vec<Value> = shared
        .silences
        .iter()
        .enumerate()
        .map(|(index, body)| {
            let mut silence = body.clone();
            silence["id"] = json!(silence_id(index + 1));
            silence["status"] = json!({ "state": "active" });
            silence
        })
        .collect();
    axum::Json(listed).into_response()
}

async fn create(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut shared = shared.lock().unwrap();
    if let Some(status) = shared.fail_next.take() {
        return (status, format!("fake alertmanager: failing with {status}")).into_response();
    }
    if !shared.auth.admits(&headers) {
        return unauthorized();
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !json_type {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported media type, want application/json",
        )
            .into_response();
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return bad_request(&format!("parsing silence body: {error}")),
    };
    if let Err(message) = validate(&body) {
        return bad_request(&message);
    }
    shared.silences.push(body);
    let id = silence_id(shared.silences.len());
    axum::Json(json!({ "silenceID": id })).into_response()
}

/// Alertmanager's checks on a `PostableSilence`, with its kind of messages.
fn validate(body: &Value) -> Result<(), String> {
    let matchers = body["matchers"]
        .as_array()
        .filter(|matchers| !matchers.is_empty())
        .ok_or("silence invalid: at least one matcher required")?;
    for (index, matcher) in matchers.iter().enumerate() {
        let name = matcher["name"].as_str().filter(|name| !name.is_empty());
        let value = matcher["value"].as_str();
        if name.is_none() || value.is_none() || !matcher["isRegex"].is_boolean() {
            return Err(format!(
                "matchers.{index}: name, value and isRegex are required"
            ));
        }
    }
    if matchers
        .iter()
        .all(|matcher| matcher["value"].as_str() == Some(""))
    {
        return Err(
            "silence invalid: at least one matcher must not match the empty string".to_owned(),
        );
    }
    for field in ["createdBy", "comment"] {
        if body[field].as_str().is_none_or(str::is_empty) {
            return Err(format!("silence invalid: {field} missing"));
        }
    }
    let time = |field: &str| {
        body[field]
            .as_str()
            .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
            .ok_or_else(|| format!("{field} in body must be of type date-time"))
    };
    if time("endsAt")? <= time("startsAt")? {
        return Err("silence invalid: end time must be after start time".to_owned());
    }
    Ok(())
}

fn silence_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "Unauthorized").into_response()
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, message.to_owned()).into_response()
}

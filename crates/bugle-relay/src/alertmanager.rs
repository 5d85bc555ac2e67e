//! Creating silences in Alertmanager (v2 API, `POST /api/v2/silences`) for
//! the cards' Silence buttons, plus the durations the buttons offer.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::config::{AlertmanagerAuth, AlertmanagerSettings};

mod duration;
mod error;
mod silence;

pub use duration::{human, parse_duration};
pub use error::SilenceError;
pub use silence::{Silence, SilenceMatcher, matchers_for};

/// The most of Alertmanager's answer the relay reads.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The most of Alertmanager's refusal quoted in a [`SilenceError`].
const MAX_MESSAGE_CHARS: usize = 300;

/// A client for one Alertmanager's silences. Cheap to share (`&self`); the
/// connection pool is built once, in [`new`](Self::new).
pub struct Alertmanager {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    silences: Uri,
    /// The base URL without credentials, for messages.
    shown: String,
    authorization: Option<HeaderValue>,
    /// The credentials, so that an answer echoing them is scrubbed.
    secrets: Vec<SecretString>,
    timeout: Duration,
}

impl fmt::Debug for Alertmanager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Alertmanager")
            .field("url", &self.shown)
            .field("auth", &self.authorization.is_some())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Created {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

impl Alertmanager {
    /// A client for `settings`: http or https (rustls with the webpki
    /// roots). Credentials written into the URL (`user:pass@`) are never
    /// sent nor shown; give them as [`AlertmanagerSettings::auth`].
    ///
    /// # Errors
    ///
    /// [`SilenceError::Unavailable`] when the URL is not an http(s) URL, a
    /// credential cannot be sent as a header, or TLS cannot be set up.
    pub fn new(settings: &AlertmanagerSettings) -> Result<Self, SilenceError> {
        let shown = crate::config::without_userinfo(settings.url.trim())
            .trim_end_matches('/')
            .to_owned();
        let silences: Uri = format!("{shown}/api/v2/silences").parse().map_err(|_| {
            SilenceError::Unavailable(format!(
                "`{shown}` is not a URL like http://alertmanager:9093"
            ))
        })?;
        if !matches!(silences.scheme_str(), Some("http" | "https")) {
            return Err(SilenceError::Unavailable(format!(
                "`{shown}` is not an http or https URL"
            )));
        }
        let (authorization, secrets) = match &settings.auth {
            None => (None, Vec::new()),
            Some(auth) => {
                let (value, secrets) = authorization(auth)?;
                (Some(value), secrets)
            }
        };
        // ring, as bugle-transport uses: no process-wide provider to install.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| SilenceError::Unavailable(format!("cannot set up tls: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            silences,
            shown,
            authorization,
            secrets,
            timeout: settings.timeout,
        })
    }

    /// Creates `silence` and returns Alertmanager's id for it (`silenceID`).
    /// The whole request, connecting included, gets the configured timeout.
    ///
    /// # Errors
    ///
    /// [`SilenceError::Unauthorized`] on 401 or 403,
    /// [`SilenceError::Refused`] on another 4xx (or a redirect), with
    /// Alertmanager's text; [`SilenceError::Unavailable`] on 5xx, a
    /// connection failure, the timeout, or an answer without an id.
    pub async fn create_silence(&self, silence: &Silence) -> Result<String, SilenceError> {
        let body = serde_json::to_vec(&silence::PostableSilence::of(silence))
            .map_err(|e| SilenceError::Unavailable(format!("cannot encode the silence: {e}")))?;
        let mut request = Request::post(self.silences.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json");
        if let Some(value) = &self.authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SilenceError::Unavailable(format!("cannot build the request: {e}")))?;
        let (status, text) = tokio::time::timeout(self.timeout, self.send(request))
            .await
            .map_err(|_| {
                SilenceError::Unavailable(format!(
                    "no answer from {} within {}",
                    self.shown,
                    human_timeout(self.timeout)
                ))
            })??;
        self.classify(status, &text)
    }

    /// Sends `request` and reads the answer (at most [`MAX_ANSWER_BYTES`]).
    async fn send(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, String), SilenceError> {
        let response = self.client.request(request).await.map_err(|error| {
            SilenceError::Unavailable(self.scrub(&format!(
                "cannot reach {}: {}",
                self.shown,
                chain(&error)
            )))
        })?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|error| {
                SilenceError::Unavailable(self.scrub(&format!(
                    "{}'s answer ({status}) broke off: {error}",
                    self.shown
                )))
            })?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// Turns an answer into the silence's id or the error it means.
    fn classify(&self, status: StatusCode, text: &str) -> Result<String, SilenceError> {
        let message = self.scrub(&shorten(text.trim()));
        if status.is_success() {
            return serde_json::from_str::<Created>(text)
                .map(|created| created.silence_id)
                .map_err(|_| {
                    SilenceError::Unavailable(format!(
                        "{} answered {status} without a silenceID: {message}",
                        self.shown
                    ))
                });
        }
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(SilenceError::Unauthorized),
            _ if status.is_server_error() => Err(SilenceError::Unavailable(format!(
                "{} answered {status}: {message}",
                self.shown
            ))),
            _ if status.is_redirection() => Err(SilenceError::Refused {
                status,
                message: format!(
                    "a redirect; point [alertmanager] url at Alertmanager itself ({message})"
                ),
            }),
            _ => Err(SilenceError::Refused { status, message }),
        }
    }

    /// `text` with every credential replaced.
    fn scrub(&self, text: &str) -> String {
        self.secrets
            .iter()
            .map(ExposeSecret::expose_secret)
            .filter(|secret| !secret.is_empty())
            .fold(text.to_owned(), |text, secret| {
                text.replace(secret, "[redacted]")
            })
    }
}

/// The `Authorization` value for `auth`, marked sensitive, and the secrets
/// it holds (the token; the password and the encoded pair).
fn authorization(
    auth: &AlertmanagerAuth,
) -> Result<(HeaderValue, Vec<SecretString>), SilenceError> {
    use base64::Engine as _;
    let (text, secrets) = match auth {
        AlertmanagerAuth::Bearer(token) => (
            format!("Bearer {}", token.expose_secret()),
            vec![token.clone()],
        ),
        AlertmanagerAuth::Basic { username, password } => {
            let pair = base64::engine::general_purpose::STANDARD
                .encode(format!("{username}:{}", password.expose_secret()));
            (
                format!("Basic {pair}"),
                vec![password.clone(), SecretString::from(pair)],
            )
        }
    };
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        SilenceError::Unavailable(
            "the alertmanager credentials hold characters an http header cannot carry".to_owned(),
        )
    })?;
    value.set_sensitive(true);
    Ok((value, secrets))
}

/// `error` and its sources, joined by `: `.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// At most [`MAX_MESSAGE_CHARS`] characters of `text`, with `…` when cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None if text.is_empty() => "(no text)".to_owned(),
        None => text.to_owned(),
    }
}

/// The timeout for messages: `10s`, `1m`, or `300ms` below a second.
fn human_timeout(timeout: Duration) -> String {
    if timeout < Duration::from_secs(1) {
        format!("{}ms", timeout.as_millis())
    } else {
        human(timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_answer_is_shortened_on_a_character_boundary() {
        let long = "é".repeat(400);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(short.ends_with('…'));
        assert_eq!(shorten(""), "(no text)");
        assert_eq!(shorten("bad matcher"), "bad matcher");
    }

    #[test]
    fn timeouts_read_as_people_write_them() {
        assert_eq!(human_timeout(Duration::from_millis(250)), "250ms");
        assert_eq!(human_timeout(Duration::from_secs(10)), "10s");
    }
}

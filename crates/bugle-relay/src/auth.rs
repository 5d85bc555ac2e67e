//! Who may post: a bearer token, Alertmanager's basic auth, Grafana's HMAC
//! signature. Every comparison runs in constant time (over SHA-256 digests,
//! so the lengths leak nothing either).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::AuthSettings;
use crate::model::Source;

/// Why a request was refused (the message says what to send, never what
/// was sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No credentials, or wrong ones.
    #[error("missing or wrong credentials: send `Authorization: Bearer <token>`{alternatives}")]
    Refused {
        /// The other methods this endpoint accepts.
        alternatives: String,
    },
    /// A Grafana signature whose timestamp is too far from the relay's clock.
    #[error(
        "the signature's timestamp is too old or too far ahead; check the clocks of Grafana and the relay"
    )]
    Stale,
}

/// Checks requests against the configured methods.
#[derive(Debug, Clone)]
pub struct Authenticator {
    settings: AuthSettings,
    insecure: bool,
}

impl Authenticator {
    /// Checks against `settings`; with `insecure` (and no method configured)
    /// every request passes.
    pub fn new(settings: AuthSettings, insecure: bool) -> Self {
        Self { settings, insecure }
    }

    /// Whether a request to `source` with `headers` and `body` may be
    /// accepted, at `now_secs` (Unix seconds, for Grafana's timestamp).
    ///
    /// # Errors
    ///
    /// [`AuthError`] when no configured method accepts it.
    pub fn check(
        &self,
        source: Source,
        headers: &HeaderMap,
        body: &[u8],
        now_secs: i64,
    ) -> Result<(), AuthError> {
        if !self.settings.is_configured() && self.insecure {
            return Ok(());
        }
        let authorization = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if let Some(token) = &self.settings.bearer_token {
            if let Some(given) = strip_scheme(authorization, "bearer") {
                if equal(given.trim().as_bytes(), token.expose_secret().as_bytes()) {
                    return Ok(());
                }
            }
        }
        if let Some((user, password)) = &self.settings.basic {
            if let Some(given) = strip_scheme(authorization, "basic") {
                let expected = format!("{user}:{}", password.expose_secret());
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(given.trim())
                    .unwrap_or_default();
                if equal(&decoded, expected.as_bytes()) {
                    return Ok(());
                }
            }
        }
        if source == Source::Grafana {
            if let Some(hmac) = &self.settings.grafana_hmac {
                let signature = headers
                    .get(hmac.header.as_str())
                    .and_then(|value| value.to_str().ok());
                if let Some(signature) = signature {
                    let timestamp = match &hmac.timestamp_header {
                        Some(name) => {
                            let ts = headers
                                .get(name.as_str())
                                .and_then(|value| value.to_str().ok())
                                .unwrap_or_default()
                                .trim()
                                .to_owned();
                            let seconds: i64 = ts.parse().unwrap_or(i64::MIN);
                            let skew = i64::try_from(hmac.max_skew.as_secs()).unwrap_or(i64::MAX);
                            if seconds == i64::MIN || (now_secs - seconds).abs() > skew {
                                return Err(AuthError::Stale);
                            }
                            Some(ts)
                        }
                        None => None,
                    };
                    let expected =
                        grafana_signature(hmac.secret.expose_secret(), timestamp.as_deref(), body);
                    if equal(
                        signature.trim().to_ascii_lowercase().as_bytes(),
                        expected.as_bytes(),
                    ) {
                        return Ok(());
                    }
                }
            }
        }
        let mut alternatives = String::new();
        if self.settings.basic.is_some() {
            alternatives.push_str(" or basic auth");
        }
        if source == Source::Grafana && self.settings.grafana_hmac.is_some() {
            alternatives.push_str(" or Grafana's HMAC signature");
        }
        Err(AuthError::Refused { alternatives })
    }
}

/// Grafana's signature: hex HMAC-SHA256 of `timestamp:body`, or of the body
/// alone without a timestamp.
pub fn grafana_signature(secret: &str, timestamp: Option<&str>, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    if let Some(timestamp) = timestamp {
        mac.update(timestamp.as_bytes());
        mac.update(b":");
    }
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = header.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// Constant-time equality over digests (equal lengths, so nothing leaks
/// through timing, not even the length).
fn equal(given: &[u8], expected: &[u8]) -> bool {
    let given = Sha256::digest(given);
    let expected = Sha256::digest(expected);
    given.ct_eq(&expected).into()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::HeaderValue;
    use secrecy::SecretString;

    use super::*;
    use crate::config::HmacSettings;

    fn settings() -> AuthSettings {
        AuthSettings {
            bearer_token: Some(SecretString::from("bearer-secret")),
            basic: Some(("am".to_owned(), SecretString::from("basic-secret"))),
            grafana_hmac: Some(HmacSettings {
                secret: SecretString::from("hmac-secret"),
                header: "X-Grafana-Alerting-Signature".to_owned(),
                timestamp_header: Some("X-Grafana-Alerting-Timestamp".to_owned()),
                max_skew: Duration::from_secs(300),
            }),
        }
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn a_bearer_token_passes_and_a_wrong_one_does_not() {
        let auth = Authenticator::new(settings(), false);
        let good = headers(&[("authorization", "Bearer bearer-secret".into())]);
        assert!(auth.check(Source::Alertmanager, &good, b"{}", 0).is_ok());
        let bad = headers(&[("authorization", "Bearer bearer-secreT".into())]);
        let error = auth
            .check(Source::Alertmanager, &bad, b"{}", 0)
            .unwrap_err();
        assert!(!error.to_string().contains("bearer-secre"), "{error}");
        assert!(
            auth.check(Source::Notify, &HeaderMap::new(), b"{}", 0)
                .is_err()
        );
    }

    #[test]
    fn basic_auth_passes_and_a_wrong_password_does_not() {
        let auth = Authenticator::new(settings(), false);
        let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
        let good = headers(&[(
            "authorization",
            format!("Basic {}", encode("am:basic-secret")),
        )]);
        assert!(auth.check(Source::Alertmanager, &good, b"{}", 0).is_ok());
        let bad = headers(&[("authorization", format!("Basic {}", encode("am:nope")))]);
        assert!(auth.check(Source::Alertmanager, &bad, b"{}", 0).is_err());
    }

    #[test]
    fn a_grafana_signature_passes_on_grafana_only_and_must_be_fresh() {
        let auth = Authenticator::new(settings(), false);
        let body = br#"{"status":"firing"}"#;
        let now = 1_700_000_000;
        let signature = grafana_signature("hmac-secret", Some(&now.to_string()), body);
        let signed = headers(&[
            ("x-grafana-alerting-signature", signature.clone()),
            ("x-grafana-alerting-timestamp", now.to_string()),
        ]);
        assert!(auth.check(Source::Grafana, &signed, body, now + 10).is_ok());
        assert!(
            auth.check(Source::Alertmanager, &signed, body, now)
                .is_err()
        );
        // Another body, the same signature.
        assert!(auth.check(Source::Grafana, &signed, b"{}", now).is_err());
        assert_eq!(
            auth.check(Source::Grafana, &signed, body, now + 301),
            Err(AuthError::Stale)
        );
    }

    #[test]
    fn without_auth_only_insecure_mode_lets_requests_through() {
        let open = Authenticator::new(AuthSettings::default(), true);
        assert!(
            open.check(Source::Notify, &HeaderMap::new(), b"", 0)
                .is_ok()
        );
        let closed = Authenticator::new(AuthSettings::default(), false);
        assert!(
            closed
                .check(Source::Notify, &HeaderMap::new(), b"", 0)
                .is_err()
        );
    }
}

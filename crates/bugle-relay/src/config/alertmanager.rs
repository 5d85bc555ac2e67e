//! `[alertmanager]`: where the cards' Silence buttons create silences, and
//! with which credentials.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::{ConfigError, RawBasic, err};
use crate::secret::SecretRef;

/// How long the relay waits for Alertmanager by default, in seconds.
pub const DEFAULT_ALERTMANAGER_TIMEOUT_SECONDS: u64 = 10;
/// The longest custom silence by default, in hours (a week).
pub const DEFAULT_MAX_SILENCE_HOURS: u64 = 168;

/// `[alertmanager]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlertmanager {
    url: Option<String>,
    bearer_token: Option<SecretRef>,
    basic: Option<RawBasic>,
    timeout_seconds: Option<u64>,
    max_silence_hours: Option<u64>,
}

/// How the relay signs in to Alertmanager (or to the proxy in front of it).
#[derive(Clone)]
#[non_exhaustive]
pub enum AlertmanagerAuth {
    /// `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// `Authorization: Basic`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: SecretString,
    },
}

impl fmt::Debug for AlertmanagerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bearer(_) => f.debug_tuple("Bearer").field(&"[redacted]").finish(),
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"[redacted]")
                .finish(),
        }
    }
}

/// Where silences are created.
#[derive(Clone)]
pub struct AlertmanagerSettings {
    /// Alertmanager's base URL, without a trailing slash; silences go to
    /// `{url}/api/v2/silences`. It may carry a path prefix (Grafana's
    /// `/api/alertmanager/grafana`).
    pub url: String,
    /// The credentials, if Alertmanager (or its proxy) wants any.
    pub auth: Option<AlertmanagerAuth>,
    /// How long one request may take, connecting included.
    pub timeout: Duration,
    /// The longest silence a Custom button may ask for.
    pub max_silence: Duration,
}

impl fmt::Debug for AlertmanagerSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlertmanagerSettings")
            .field("url", &without_userinfo(&self.url))
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("max_silence", &self.max_silence)
            .finish()
    }
}

/// `url` without the `user:password@` part, if it has one.
pub(crate) fn without_userinfo(url: &str) -> Cow<'_, str> {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let authority_end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_scheme + at);
    match url[after_scheme..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!(
            "{}{}",
            &url[..after_scheme],
            &url[after_scheme + at + 1..]
        )),
        None => Cow::Borrowed(url),
    }
}

/// Reads `[alertmanager]`.
pub(super) fn load_alertmanager(
    raw: RawAlertmanager,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<AlertmanagerSettings, ConfigError> {
    let url = raw.url.ok_or_else(|| {
        err("alertmanager.url: required: Alertmanager's address, e.g. \"http://alertmanager:9093\"")
    })?;
    let url = check_url(&url)?;
    let auth = match (raw.bearer_token, raw.basic) {
        (Some(_), Some(_)) => {
            return Err(err(
                "alertmanager: give `bearer_token` or `basic`, not both",
            ));
        }
        (Some(token), None) => {
            Some(AlertmanagerAuth::Bearer(token.load(lookup).map_err(
                |e| err(format!("alertmanager.bearer_token: {e}")),
            )?))
        }
        (None, Some(basic)) => Some(AlertmanagerAuth::Basic {
            password: basic
                .password
                .load(lookup)
                .map_err(|e| err(format!("alertmanager.basic.password: {e}")))?,
            username: basic.username,
        }),
        (None, None) => None,
    };
    let timeout = raw
        .timeout_seconds
        .unwrap_or(DEFAULT_ALERTMANAGER_TIMEOUT_SECONDS);
    if timeout == 0 {
        return Err(err(
            "alertmanager.timeout_seconds: 0; give at least 1 (default 10)",
        ));
    }
    let hours = raw.max_silence_hours.unwrap_or(DEFAULT_MAX_SILENCE_HOURS);
    let max_silence = hours
        .checked_mul(3600)
        .filter(|_| hours > 0)
        .map(Duration::from_secs)
        .ok_or_else(|| {
            err(format!(
                "alertmanager.max_silence_hours: {hours}; give a number of hours from 1 up (default 168, a week)"
            ))
        })?;
    Ok(AlertmanagerSettings {
        url,
        auth,
        timeout: Duration::from_secs(timeout),
        max_silence,
    })
}

/// Checks the URL's form and drops a trailing slash.
fn check_url(url: &str) -> Result<String, ConfigError> {
    let shown = without_userinfo(url);
    if shown != url {
        return Err(err(format!(
            "alertmanager.url: `{shown}` carries credentials before the host; put them in `basic = {{ username = \"...\", password = {{ env = \"AM_PASSWORD\" }} }}` instead"
        )));
    }
    let parsed: http::Uri = url.trim().parse().map_err(|_| {
        err(format!(
            "alertmanager.url: `{url}` is not a URL like http://alertmanager:9093"
        ))
    })?;
    if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
        return Err(err(format!(
            "alertmanager.url: `{url}` must be an http or https URL like http://alertmanager:9093"
        )));
    }
    if parsed.query().is_some() || url.contains('#') {
        return Err(err(format!(
            "alertmanager.url: `{url}` takes no query or fragment: give the base URL, the relay adds /api/v2/silences"
        )));
    }
    Ok(url.trim().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_taken_out_of_a_url() {
        assert_eq!(
            without_userinfo("https://relay:pw@am.example:9093/x@y"),
            "https://am.example:9093/x@y"
        );
        assert_eq!(without_userinfo("http://am:9093/p"), "http://am:9093/p");
        assert_eq!(without_userinfo("am@host"), "host");
    }

    #[test]
    fn a_url_keeps_its_path_prefix_and_loses_its_trailing_slash() {
        assert_eq!(
            check_url("https://grafana.example/api/alertmanager/grafana/").unwrap(),
            "https://grafana.example/api/alertmanager/grafana"
        );
        assert_eq!(check_url("http://am:9093").unwrap(), "http://am:9093");
        for bad in [
            "am:9093",
            "ftp://am",
            "http://am:9093/?a=b",
            "http:///x",
            "/x",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}

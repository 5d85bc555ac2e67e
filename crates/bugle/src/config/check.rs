//! Checks of single configuration values. Each returns the cleaned value or
//! an [`ErrorKind::InvalidConfig`] naming the field; none repeats a secret.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{DiscordError, ErrorKind};

/// API versions bugle speaks.
pub(crate) const SUPPORTED_API_VERSIONS: [u8; 2] = [10, 9];

pub(crate) fn invalid(field: &str, problem: impl Into<String>) -> DiscordError {
    DiscordError::new(ErrorKind::InvalidConfig {
        field: field.to_owned(),
        problem: problem.into(),
    })
}

/// Trims the token and drops a leading `Bot ` (as copied from an
/// Authorization header); it must then be non-empty and use only the
/// characters Discord tokens have (letters, digits, `.`, `-`, `_`).
pub(crate) fn bot_token(field: &str, token: &SecretString) -> Result<SecretString, DiscordError> {
    let raw = token.expose_secret().trim();
    let raw = raw
        .strip_prefix("Bot")
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
        .map_or(raw, str::trim_start);
    if raw.is_empty() {
        return Err(invalid(
            field,
            "the token is empty; copy it from the developer portal's bot page",
        ));
    }
    if !raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(invalid(
            field,
            "the token has characters a discord token never contains; copy it again from the developer portal's bot page",
        ));
    }
    Ok(SecretString::from(raw))
}

/// 10 or 9, from a number.
pub(crate) fn api_version(field: &str, version: u8) -> Result<u8, DiscordError> {
    if SUPPORTED_API_VERSIONS.contains(&version) {
        Ok(version)
    } else {
        Err(invalid(
            field,
            format!("api version {version} is not supported; use 10 (recommended) or 9"),
        ))
    }
}

/// 10 or 9, from text such as `10` or `v10`.
pub(crate) fn api_version_text(field: &str, text: &str) -> Result<u8, DiscordError> {
    let text = text.trim();
    let digits = text.strip_prefix('v').unwrap_or(text);
    let version = digits
        .parse::<u8>()
        .map_err(|_| invalid(field, "not a version number; use 10 (recommended) or 9"))?;
    api_version(field, version)
}

/// An absolute http(s) URL without credentials, query, fragment or version
/// segment; returned without a trailing `/`. `http` only when allowed.
/// The URL itself is never echoed (a proxy URL may carry a secret path).
pub(crate) fn base_url(
    field: &str,
    text: &str,
    allow_plain_http: bool,
) -> Result<String, DiscordError> {
    let url = Url::parse(text.trim()).map_err(|_| {
        invalid(
            field,
            "not an absolute url; give one such as https://discord.com/api",
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_plain_http => {}
        "http" => {
            return Err(invalid(
                field,
                "plain http is refused; use https, or call allow_plain_http(true) for a local proxy or test server",
            ));
        }
        _ => return Err(invalid(field, "the scheme must be https; use an https url")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(
            field,
            "the url has no host; give one such as https://discord.com/api",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            field,
            "the url must not contain a user name or password; remove them",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            field,
            "the url must not have a query or fragment; remove them",
        ));
    }
    let trimmed = url.as_str().trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or_default();
    if last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            field,
            "the base url must not end in a version segment; set api_version instead",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Discord requires `DiscordBot (url, version)`, optionally followed by more
/// text; the value must also be a valid header (visible ASCII and spaces).
pub(crate) fn user_agent(field: &str, agent: &str) -> Result<String, DiscordError> {
    if !agent.starts_with("DiscordBot (") || !agent.contains(')') {
        return Err(invalid(
            field,
            "discord requires the form `DiscordBot (url, version)`, optionally followed by more text",
        ));
    }
    if !agent.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(invalid(
            field,
            "only visible ascii characters and spaces are allowed; remove the others",
        ));
    }
    Ok(agent.to_owned())
}

/// A non-zero duration.
pub(crate) fn positive(field: &str, duration: Duration) -> Result<Duration, DiscordError> {
    if duration.is_zero() {
        Err(invalid(
            field,
            "must be greater than zero; give a positive duration",
        ))
    } else {
        Ok(duration)
    }
}

/// A non-zero size in bytes.
pub(crate) fn positive_bytes(field: &str, bytes: u64) -> Result<(), DiscordError> {
    if bytes == 0 {
        Err(invalid(
            field,
            "must be greater than zero; give the largest file size in bytes",
        ))
    } else {
        Ok(())
    }
}

/// A route or webhook name: non-empty, without surrounding whitespace.
pub(crate) fn name(field: &str, name: &str) -> Result<(), DiscordError> {
    if name.is_empty() || name.trim() != name {
        Err(invalid(
            field,
            "names must be non-empty and have no leading or trailing whitespace; rename it",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(error: &DiscordError) -> (&str, &str) {
        match error.kind() {
            ErrorKind::InvalidConfig { field, problem } => (field.as_str(), problem.as_str()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bot_tokens_are_cleaned_and_checked() {
        let cleaned =
            bot_token("bot_token", &SecretString::from(" Bot abc.DEF-g_h \n")).expect("valid");
        assert_eq!(cleaned.expose_secret(), "abc.DEF-g_h");
        let error =
            bot_token("bot_token", &SecretString::from("abc def-SECRET")).expect_err("space");
        assert_eq!(problem(&error).0, "bot_token");
        assert!(!error.to_string().contains("SECRET"));
        assert!(bot_token("x", &SecretString::from("  ")).is_err());
        assert!(bot_token("x", &SecretString::from("Bot ")).is_err());
    }

    #[test]
    fn only_versions_ten_and_nine() {
        assert_eq!(api_version("api_version", 10).ok(), Some(10));
        assert_eq!(api_version("api_version", 9).ok(), Some(9));
        for version in [0, 8, 6, 11] {
            let error = api_version("api_version", version).expect_err("unsupported");
            assert_eq!(problem(&error).0, "api_version");
        }
        assert_eq!(api_version_text("V", "v10").ok(), Some(10));
        assert_eq!(api_version_text("V", " 9 ").ok(), Some(9));
        assert!(api_version_text("V", "ten").is_err());
        assert!(api_version_text("V", "8").is_err());
    }

    #[test]
    fn base_urls_must_be_https_unless_allowed() {
        assert_eq!(
            base_url("base_url", "https://discord.com/api/", false)
                .ok()
                .as_deref(),
            Some("https://discord.com/api")
        );
        assert!(base_url("base_url", "http://127.0.0.1:8080/api", false).is_err());
        assert_eq!(
            base_url("base_url", "http://127.0.0.1:8080/api", true)
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/api")
        );
        assert_eq!(
            base_url("base_url", "http://127.0.0.1:8080", true)
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn base_urls_reject_versions_credentials_and_queries_without_echoing() {
        for bad in [
            "https://discord.com/api/v10",
            "https://user:hunter2@proxy.local/api",
            "https://proxy.local/api?key=hunter2",
            "https://proxy.local/api#hunter2",
            "ftp://proxy.local/hunter2",
            "hunter2",
        ] {
            let error = base_url("DISCORD_API_BASE", bad, true).expect_err(bad);
            assert_eq!(problem(&error).0, "DISCORD_API_BASE");
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn user_agents_must_follow_discords_form() {
        assert!(user_agent("user_agent", "DiscordBot (https://x.dev, 1.0) extra").is_ok());
        assert!(user_agent("user_agent", "curl/8.0").is_err());
        assert!(user_agent("user_agent", "DiscordBot (x, 1)\r\nX-Evil: 1").is_err());
    }

    #[test]
    fn durations_and_names() {
        assert!(positive("request_timeout", Duration::ZERO).is_err());
        assert!(positive("request_timeout", Duration::from_millis(1)).is_ok());
        assert!(name("routes", "alerts").is_ok());
        assert!(name("routes", "").is_err());
        assert!(name("routes", " alerts").is_err());
    }
}

//! A Redis URL that can be shown: its password (and user name) replaced by `***`.

use secrecy::{ExposeSecret, SecretString};

/// The URL as it may appear in logs, errors and `Debug`.
pub(crate) fn redacted(url: &SecretString) -> String {
    let text = url.expose_secret();
    match url::Url::parse(text) {
        // Only a Redis URL with a host is shown (without its credentials); anything else
        // may hold a secret where a host would be.
        Ok(parsed)
            if !matches!(parsed.scheme(), "redis" | "rediss" | "valkey" | "valkeys")
                || parsed.host().is_none() =>
        {
            format!("{}:***", parsed.scheme())
        }
        Ok(mut parsed) => {
            if !parsed.username().is_empty() {
                let _ = parsed.set_username("***");
            }
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        // Unparseable: show only the scheme, if any, since the rest may be a secret.
        Err(_) => text.split_once("://").map_or_else(
            || "<redis url>".to_owned(),
            |(scheme, _)| format!("{scheme}://***"),
        ),
    }
}

/// Removes every occurrence of the URL's password from `text` (a client's error message
/// may quote what it was given).
pub(crate) fn scrub(text: &str, url: &SecretString) -> String {
    let mut out = text.replace(url.expose_secret(), &redacted(url));
    if let Ok(parsed) = url::Url::parse(url.expose_secret())
        && let Some(password) = parsed.password().filter(|p| !p.is_empty())
    {
        out = out.replace(password, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        let url = SecretString::from("redis://app:hunter2secret@10.0.0.5:6379/2");
        let shown = redacted(&url);
        assert!(!shown.contains("hunter2secret"), "{shown}");
        assert!(!shown.contains("app"), "{shown}");
        assert!(shown.contains("10.0.0.5:6379"), "{shown}");
        let said = scrub(
            "bad auth hunter2secret for redis://app:hunter2secret@10.0.0.5:6379/2",
            &url,
        );
        assert!(!said.contains("hunter2secret"), "{said}");
    }

    #[test]
    fn a_password_only_url_is_hidden_too() {
        let url = SecretString::from("redis://:s3cr3t-pass@localhost/");
        assert!(!redacted(&url).contains("s3cr3t-pass"));
        for garbage in [
            "redis//:s3cr3t-pass@",
            "notaurl:s3cr3t-pass@",
            "unix:///s3cr3t-pass",
        ] {
            let shown = redacted(&SecretString::from(garbage));
            assert!(!shown.contains("s3cr3t-pass"), "{shown}");
        }
    }
}

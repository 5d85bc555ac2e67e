//! The headers every request carries, built once per client instead of once
//! per request: the `User-Agent`, and the bot's `Authorization`, marked
//! sensitive so that no `Debug` of a request or header map prints it.

use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Credential, DiscordError, ErrorKind};

/// The client's fixed headers.
pub(super) struct FixedHeaders {
    /// `None` when the configured agent cannot be a header value.
    user_agent: Option<HeaderValue>,
    authorization: BotAuthorization,
}

/// The `Authorization` header bot routes are sent with.
enum BotAuthorization {
    /// No bot token is configured.
    Missing,
    /// The token has characters a header cannot carry.
    Invalid,
    /// `Bot <token>`, marked sensitive.
    Header(HeaderValue),
}

impl FixedHeaders {
    /// The headers for `user_agent` and `bot_token`. The token is exposed
    /// here, and only here, to write the `Authorization` header.
    pub(super) fn new(user_agent: &str, bot_token: Option<&SecretString>) -> Self {
        let authorization = match bot_token {
            None => BotAuthorization::Missing,
            Some(token) => match HeaderValue::try_from(format!("Bot {}", token.expose_secret())) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    BotAuthorization::Header(value)
                }
                Err(_) => BotAuthorization::Invalid,
            },
        };
        Self {
            user_agent: HeaderValue::from_str(user_agent).ok(),
            authorization,
        }
    }

    /// The `User-Agent` value.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`] when the agent cannot be a header value.
    pub(super) fn user_agent(&self) -> Result<HeaderValue, DiscordError> {
        self.user_agent
            .clone()
            .ok_or_else(|| invalid_config("user_agent", "has characters a header cannot carry"))
    }

    /// The `Authorization` value for bot routes (sensitive).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoAuthentication`] without a bot token;
    /// [`ErrorKind::InvalidConfig`] when the token cannot be a header value.
    pub(super) fn bot_authorization(&self) -> Result<HeaderValue, DiscordError> {
        match &self.authorization {
            BotAuthorization::Header(value) => Ok(value.clone()),
            BotAuthorization::Missing => Err(DiscordError::new(ErrorKind::NoAuthentication {
                needed: Credential::BotToken,
            })),
            BotAuthorization::Invalid => Err(invalid_config(
                "bot_token",
                "has characters a header cannot carry",
            )),
        }
    }
}

/// An [`ErrorKind::InvalidConfig`] naming `field` and its `problem`.
pub(super) fn invalid_config(field: &str, problem: &str) -> DiscordError {
    DiscordError::new(ErrorKind::InvalidConfig {
        field: field.to_owned(),
        problem: problem.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_header_is_sensitive_and_carries_the_token() {
        let token = SecretString::from("abc.DEF");
        let headers = FixedHeaders::new("DiscordBot (x, 1)", Some(&token));
        let value = headers.bot_authorization().expect("a header");
        assert!(value.is_sensitive());
        assert_eq!(value.as_bytes(), b"Bot abc.DEF");
        assert!(!format!("{value:?}").contains("abc.DEF"));
    }

    #[test]
    fn a_missing_token_is_no_authentication() {
        let headers = FixedHeaders::new("DiscordBot (x, 1)", None);
        let error = headers.bot_authorization().expect_err("no token");
        assert!(matches!(
            error.kind(),
            ErrorKind::NoAuthentication {
                needed: Credential::BotToken
            }
        ));
    }

    #[test]
    fn a_token_no_header_can_carry_is_invalid_config_without_the_token() {
        let token = SecretString::from("abc\ndef-SECRET");
        let headers = FixedHeaders::new("DiscordBot (x, 1)", Some(&token));
        let error = headers.bot_authorization().expect_err("invalid");
        assert!(
            matches!(error.kind(), ErrorKind::InvalidConfig { field, .. } if field == "bot_token")
        );
        assert!(!error.to_string().contains("SECRET"));
        assert!(!format!("{error:?}").contains("SECRET"));
    }

    #[test]
    fn the_user_agent_is_kept_and_checked() {
        let headers = FixedHeaders::new("DiscordBot (x, 1)", None);
        assert_eq!(headers.user_agent().expect("valid"), "DiscordBot (x, 1)");
        let bad = FixedHeaders::new("bad\nagent", None);
        let error = bad.user_agent().expect_err("invalid");
        assert!(
            matches!(error.kind(), ErrorKind::InvalidConfig { field, .. } if field == "user_agent")
        );
    }
}

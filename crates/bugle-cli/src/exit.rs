//! Exit codes, and the error every command returns: a message for stderr and
//! the exit code that tells a script what kind of failure it was.

use std::fmt;

use bugle::{DiscordError, ErrorCategory, ErrorKind};

/// What `bugle` exits with. The numbers are part of the command's interface:
/// scripts branch on them, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Exit {
    /// 0: everything asked for was done.
    Ok,
    /// 1: anything not listed below (e.g. an answer bugle could not decode).
    Other,
    /// 2: invalid input or usage; nothing was sent.
    Invalid,
    /// 3: credentials missing, or refused by Discord (401, 403).
    Auth,
    /// 4: the channel, message, user or webhook does not exist (404).
    NotFound,
    /// 5: a rate-limit wait or the request queue ran past what is allowed.
    RateLimit,
    /// 6: Discord had server trouble, or the network failed; retries ran out.
    Server,
    /// 7: the request may have been delivered; check before sending it again.
    MaybeDelivered,
    /// 8: simulation could not answer (no recorded match, unreadable cassette).
    Simulation,
}

impl Exit {
    /// The process exit code.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Other => 1,
            Self::Invalid => 2,
            Self::Auth => 3,
            Self::NotFound => 4,
            Self::RateLimit => 5,
            Self::Server => 6,
            Self::MaybeDelivered => 7,
            Self::Simulation => 8,
        }
    }

    /// The exit code a facade error maps to.
    pub(crate) fn for_error(error: &DiscordError) -> Self {
        match error.kind() {
            ErrorKind::Validation { .. }
            | ErrorKind::BadRequest { .. }
            | ErrorKind::InvalidConfig { .. }
            | ErrorKind::InvalidWebhookUrl { .. }
            | ErrorKind::UnknownChannelRoute { .. }
            | ErrorKind::UnknownWebhook { .. } => Self::Invalid,
            ErrorKind::Unauthorized { .. }
            | ErrorKind::Forbidden { .. }
            | ErrorKind::NoAuthentication { .. } => Self::Auth,
            ErrorKind::NotFound { .. } => Self::NotFound,
            ErrorKind::RateLimited { .. } => Self::RateLimit,
            ErrorKind::ServerError { .. } | ErrorKind::Network { .. } => Self::Server,
            ErrorKind::MayHaveBeenDelivered => Self::MaybeDelivered,
            _ => match error.category() {
                ErrorCategory::Queue => Self::RateLimit,
                ErrorCategory::Simulation => Self::Simulation,
                ErrorCategory::UnknownOutcome => Self::MaybeDelivered,
                ErrorCategory::Retryable => Self::Server,
                ErrorCategory::Configuration => Self::Invalid,
                _ => Self::Other,
            },
        }
    }
}

/// The exit-code table shown at the end of `bugle --help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other failure (e.g. an answer bugle could not decode)
  2  invalid input or usage; nothing was sent
  3  credentials missing, or refused by discord (401, 403)
  4  not found (404): channel, message, user or webhook
  5  rate-limit wait or request queue longer than allowed
  6  discord server trouble (5xx) or network failure, after retries
  7  the request may have been delivered; check before sending it again
  8  simulation could not answer (no recorded match, unreadable cassette)";

/// A failed command: what to print and what to exit with.
#[derive(Debug)]
pub(crate) struct CliError {
    exit: Exit,
    message: String,
}

impl CliError {
    /// A failure with this exit code and message.
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    /// Invalid input or usage (exit 2).
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(Exit::Invalid, message)
    }

    /// Puts `prefix` before the message (e.g. how much was done before the
    /// failure).
    pub(crate) fn prefix(&mut self, prefix: &str) {
        self.message = format!("{prefix} {}", self.message);
    }

    /// The exit code.
    pub(crate) fn exit(&self) -> Exit {
        self.exit
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<DiscordError> for CliError {
    fn from(error: DiscordError) -> Self {
        let exit = Exit::for_error(&error);
        // The facade's remedies speak of the config builder; on the command
        // line the same settings live in the config file.
        let message = match error.kind() {
            ErrorKind::UnknownChannelRoute { name, known } => format!(
                "no channel route named `{name}`; configured routes: {}; add it under `routes` in the --config file, or give the channel id",
                names(known)
            ),
            ErrorKind::UnknownWebhook { name, known } => format!(
                "no webhook named `{name}`; configured webhooks: {}; add it under `webhooks` in the --config file",
                names(known)
            ),
            _ => error.to_string(),
        };
        Self::new(exit, message)
    }
}

fn names(known: &[String]) -> String {
    if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bugle::Credential;

    use super::*;

    fn exit_of(kind: ErrorKind) -> u8 {
        Exit::for_error(&DiscordError::new(kind)).code()
    }

    #[test]
    fn each_failure_family_has_its_own_code() {
        assert_eq!(
            exit_of(ErrorKind::Validation {
                message: "content: 2001 characters, at most 2000".into()
            }),
            2
        );
        assert_eq!(
            exit_of(ErrorKind::UnknownChannelRoute {
                name: "x".into(),
                known: vec![]
            }),
            2
        );
        assert_eq!(exit_of(ErrorKind::Unauthorized { code: None }), 3);
        assert_eq!(
            exit_of(ErrorKind::NoAuthentication {
                needed: Credential::BotToken
            }),
            3
        );
        assert_eq!(
            exit_of(ErrorKind::NotFound {
                code: Some(bugle::JsonErrorCode::UNKNOWN_CHANNEL),
                message: "Unknown Channel".into()
            }),
            4
        );
        assert_eq!(
            exit_of(ErrorKind::RateLimitTimeout {
                predicted_wait: Duration::from_secs(9),
                max_wait: Duration::from_secs(1)
            }),
            5
        );
        assert_eq!(exit_of(ErrorKind::QueueFull { capacity: 4 }), 5);
        assert_eq!(
            exit_of(ErrorKind::RateLimited {
                retry_after: Duration::from_secs(70),
                global: false
            }),
            5
        );
        assert_eq!(exit_of(ErrorKind::ServerError { status: 502 }), 6);
        assert_eq!(
            exit_of(ErrorKind::Network {
                request_may_have_been_sent: false
            }),
            6
        );
        assert_eq!(exit_of(ErrorKind::MayHaveBeenDelivered), 7);
        assert_eq!(
            exit_of(ErrorKind::SimulationNoMatch {
                operation: "send_message".into(),
                candidates: vec![]
            }),
            8
        );
        assert_eq!(exit_of(ErrorKind::Decode { status: 200 }), 1);
    }

    #[test]
    fn unknown_names_point_at_the_config_file() {
        let error = CliError::from(DiscordError::new(ErrorKind::UnknownChannelRoute {
            name: "alertz".into(),
            known: vec!["alerts".into(), "ci".into()],
        }));
        assert_eq!(error.exit(), Exit::Invalid);
        let text = error.to_string();
        assert!(
            text.contains("`alertz`") && text.contains("alerts, ci"),
            "{text}"
        );
        assert!(text.contains("--config"), "{text}");
        let webhook = CliError::from(DiscordError::new(ErrorKind::UnknownWebhook {
            name: "ops".into(),
            known: vec![],
        }));
        assert!(webhook.to_string().contains("configured webhooks: none"));
    }

    #[test]
    fn the_help_table_lists_every_code() {
        for code in 0..=8 {
            assert!(
                EXIT_CODES_HELP.contains(&format!("\n  {code}  ")),
                "code {code} missing from the help"
            );
        }
    }
}

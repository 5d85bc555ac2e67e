//! What went wrong, as data: [`ErrorKind`] and its [`ErrorCategory`].

use std::fmt;
use std::time::Duration;

use bugle_model::error::JsonErrorCode;

use super::FieldError;
use crate::webhook_url::WebhookUrlError;

/// Which credential an operation needed but the configuration lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credential {
    /// A bot token (channel messages, reactions, threads, DMs).
    BotToken,
    /// A webhook URL (webhook executes and webhook message edits).
    Webhook,
}

/// The families of failure, as in the design's error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// Trying again later may succeed: 429, 5xx, network failures.
    Retryable,
    /// Discord refused the request, or bugle refused to send it; the same
    /// request will fail again.
    NonRetryable,
    /// The configuration is missing something or is wrong.
    Configuration,
    /// The request waited too long or found the queue full before it was sent.
    Queue,
    /// Simulation mode could not answer the request.
    Simulation,
    /// The request may or may not have taken effect; check before repeating it.
    UnknownOutcome,
}

/// What happened. Each variant's `Display` says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Discord answered 429 and the client could not wait it out (the wait
    /// was longer than the retry policy allows, or retries ran out).
    RateLimited {
        /// How long Discord asked to wait.
        retry_after: Duration,
        /// Whether the limit is the global (per-bot or per-IP) one.
        global: bool,
    },
    /// Discord answered with a 5xx status after all allowed retries.
    ServerError {
        /// The HTTP status.
        status: u16,
    },
    /// No response arrived: connect failure, reset connection, timeout.
    Network {
        /// Whether the request may have reached Discord before the failure.
        request_may_have_been_sent: bool,
    },
    /// Discord answered 401: the bot token or webhook token is invalid.
    Unauthorized {
        /// Discord's JSON error code, if the body had one (never the
        /// meaningless `0` of a generic answer).
        code: Option<JsonErrorCode>,
    },
    /// Discord answered 403: the bot lacks a permission or access.
    Forbidden {
        /// Discord's JSON error code, if the body had one (never the
        /// meaningless `0` of a generic answer).
        code: Option<JsonErrorCode>,
        /// Discord's message.
        message: String,
    },
    /// Discord answered 404: the channel, message, user or webhook does not
    /// exist (or is not visible to this bot).
    NotFound {
        /// Discord's JSON error code, if the body had one (never the
        /// meaningless `0` of a generic answer).
        code: Option<JsonErrorCode>,
        /// Discord's message.
        message: String,
    },
    /// Discord refused the request as invalid (400 and the other 4xx statuses
    /// not listed above).
    BadRequest {
        /// The HTTP status.
        status: u16,
        /// Discord's JSON error code, if the body had one (never the
        /// meaningless `0` of a generic answer).
        code: Option<JsonErrorCode>,
        /// Discord's message.
        message: String,
        /// The per-field errors of a 50035 "invalid form body" answer.
        field_errors: Vec<FieldError>,
    },
    /// bugle's own validation refused the request; nothing was sent.
    ///
    /// When the model's checks refused the body, every violation with its
    /// field path and limit is in [`DiscordError::validation`](super::DiscordError::validation).
    Validation {
        /// What is wrong, naming the field and the limit.
        message: String,
    },
    /// Discord's answer was a success status but its body was not what the
    /// API documents.
    Decode {
        /// The HTTP status of the answer.
        status: u16,
    },
    /// The operation needs a credential the configuration does not have.
    NoAuthentication {
        /// The missing credential.
        needed: Credential,
    },
    /// A webhook URL could not be parsed.
    InvalidWebhookUrl {
        /// The configuration field or environment variable it came from.
        field: Option<String>,
        /// What is wrong with it.
        reason: WebhookUrlError,
    },
    /// A configuration value is invalid.
    InvalidConfig {
        /// The builder field or environment variable.
        field: String,
        /// What is wrong and what is accepted.
        problem: String,
    },
    /// A channel was named by a route that is not configured.
    UnknownChannelRoute {
        /// The name asked for.
        name: String,
        /// The configured names, sorted.
        known: Vec<String>,
    },
    /// A named webhook is not configured.
    UnknownWebhook {
        /// The name asked for.
        name: String,
        /// The configured names, sorted.
        known: Vec<String>,
    },
    /// The rate-limit queue for this route is full.
    QueueFull {
        /// How many requests the queue holds.
        capacity: usize,
    },
    /// The rate limiter predicted a wait longer than the caller allows, so
    /// the request was refused up front.
    RateLimitTimeout {
        /// The wait the limiter predicted.
        predicted_wait: Duration,
        /// What was left of the longest wait the caller allows when the limiter
        /// refused (the whole of it, when it refused up front).
        max_wait: Duration,
    },
    /// The whole operation (queueing, attempts and backoff) ran past its
    /// deadline.
    DeadlineExceeded {
        /// The deadline that passed.
        deadline: Duration,
    },
    /// Replay found no recorded interaction for the request.
    SimulationNoMatch {
        /// The operation that was asked for.
        operation: String,
        /// The nearest recorded candidates, best first.
        candidates: Vec<String>,
    },
    /// A cassette could not be read, parsed or written.
    SimulationLoad {
        /// What failed, e.g. the file and the parse error position.
        detail: String,
    },
    /// A webhook execute (or another create without a nonce) failed in a way
    /// that leaves unknown whether Discord delivered it, so it was not retried.
    MayHaveBeenDelivered,
    /// Discord (or Cloudflare in front of it) banned this client's IP after
    /// too many invalid requests. The call whose 429 the rate limiter took
    /// for a ban reports it, and the rate limiter refuses every later
    /// request until the ban ends.
    Banned {
        /// How long until the ban is expected to end.
        retry_after: Duration,
    },
    /// Too many invalid requests (401, 403, 429) in the last 10 minutes; the
    /// rate limiter refuses requests locally so Discord does not ban the IP.
    InvalidRequestCeiling {
        /// How long until the count drops below the ceiling again.
        retry_after: Duration,
    },
    /// An interaction's token is older than its 15-minute lifetime, so a
    /// followup or an edit of its response would fail; nothing was sent.
    InteractionExpired {
        /// How long ago the token expired.
        expired_for: Duration,
    },
}

impl ErrorKind {
    /// Which family of failure this is.
    pub fn category(&self) -> ErrorCategory {
        match self {
            Self::RateLimited { .. } | Self::ServerError { .. } | Self::Network { .. } => {
                ErrorCategory::Retryable
            }
            Self::Unauthorized { .. }
            | Self::Forbidden { .. }
            | Self::NotFound { .. }
            | Self::BadRequest { .. }
            | Self::Validation { .. }
            | Self::Decode { .. }
            | Self::InteractionExpired { .. } => ErrorCategory::NonRetryable,
            Self::NoAuthentication { .. }
            | Self::InvalidWebhookUrl { .. }
            | Self::InvalidConfig { .. }
            | Self::UnknownChannelRoute { .. }
            | Self::UnknownWebhook { .. } => ErrorCategory::Configuration,
            Self::QueueFull { .. }
            | Self::RateLimitTimeout { .. }
            | Self::DeadlineExceeded { .. }
            | Self::Banned { .. }
            | Self::InvalidRequestCeiling { .. } => ErrorCategory::Queue,
            Self::SimulationNoMatch { .. } | Self::SimulationLoad { .. } => {
                ErrorCategory::Simulation
            }
            Self::MayHaveBeenDelivered => ErrorCategory::UnknownOutcome,
        }
    }

    /// The HTTP status of the response this error comes from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::RateLimited { .. } => Some(429),
            Self::ServerError { status }
            | Self::BadRequest { status, .. }
            | Self::Decode { status } => Some(*status),
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            _ => None,
        }
    }

    /// Discord's JSON error code, if the response carried one.
    pub fn discord_code(&self) -> Option<JsonErrorCode> {
        match self {
            Self::Unauthorized { code }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::BadRequest { code, .. } => *code,
            _ => None,
        }
    }
}

/// Writes ` (code N)` when Discord sent a JSON error code, and nothing for
/// an absent code or the `0` of a generic answer.
struct Code(Option<JsonErrorCode>);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(code) if code != JsonErrorCode::GENERAL_ERROR => write!(f, " (code {code})"),
            _ => Ok(()),
        }
    }
}

/// Writes a list of names as `a, b, c`, or `none` when empty.
struct Names<'a>(&'a [String]);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&self.0.join(", "))
    }
}

impl fmt::Display for ErrorKind {
    // One arm per kind keeps every message in one place, where they can be
    // read and compared; splitting the match would scatter them.
    #[allow(clippy::too_many_lines)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RateLimited { retry_after, global } => write!(
                f,
                "discord rate-limited the request{} and asked to wait {:.3}s, longer than the retry policy allows; slow down or retry later",
                if *global { " (global limit)" } else { "" },
                retry_after.as_secs_f64()
            ),
            Self::ServerError { status } => write!(
                f,
                "discord had a server error ({status}) and retries ran out; try again later or check https://discordstatus.com"
            ),
            Self::Network {
                request_may_have_been_sent,
            } => {
                f.write_str("no response from discord")?;
                if *request_may_have_been_sent {
                    f.write_str(" (the request may have reached it)")?;
                } else {
                    f.write_str(" (the request was not sent)")?;
                }
                f.write_str("; check the network connection and retry")
            }
            Self::Unauthorized { code } => write!(
                f,
                "discord rejected the credentials (401){}; check the bot token or the webhook url",
                Code(*code)
            ),
            Self::Forbidden { code, message } => write!(
                f,
                "discord refused the request (403){}: {message}; give the bot the missing permission or access",
                Code(*code)
            ),
            Self::NotFound { code, message } => write!(
                f,
                "discord found no such resource (404){}: {message}; check the id, or whether it was deleted",
                Code(*code)
            ),
            Self::BadRequest {
                status,
                code,
                message,
                field_errors,
            } => {
                write!(
                    f,
                    "discord rejected the request as invalid ({status}){}: {message}",
                    Code(*code)
                )?;
                for (index, field) in field_errors.iter().enumerate() {
                    f.write_str(if index == 0 { " (" } else { "; " })?;
                    write!(f, "{field}")?;
                }
                if !field_errors.is_empty() {
                    f.write_str(")")?;
                }
                f.write_str("; fix the request before sending it again")
            }
            Self::Validation { message } => write!(
                f,
                "invalid request, nothing was sent: {message}; fix the input and try again"
            ),
            Self::Decode { status } => write!(
                f,
                "discord's answer ({status}) did not have the documented shape; please report this as a bugle bug"
            ),
            Self::NoAuthentication { needed } => match needed {
                Credential::BotToken => f.write_str(
                    "this operation needs a bot token and none is configured; set DISCORD_BOT_TOKEN or call bot_token on the config builder",
                ),
                Credential::Webhook => f.write_str(
                    "this operation needs a webhook url and none is configured; set DISCORD_WEBHOOK_URL or call webhook_url on the config builder",
                ),
            },
            Self::InvalidWebhookUrl { field, reason } => {
                f.write_str("invalid webhook url")?;
                if let Some(field) = field {
                    write!(f, " in `{field}`")?;
                }
                write!(
                    f,
                    ": {reason}; copy the url again from the channel's integrations settings"
                )
            }
            Self::InvalidConfig { field, problem } => {
                write!(f, "invalid configuration `{field}`: {problem}")
            }
            Self::UnknownChannelRoute { name, known } => write!(
                f,
                "no channel route named `{name}`; configured routes: {}; add it with route on the config builder",
                Names(known)
            ),
            Self::UnknownWebhook { name, known } => write!(
                f,
                "no webhook named `{name}`; configured webhooks: {}; add it with named_webhook on the config builder",
                Names(known)
            ),
            Self::QueueFull { capacity } => write!(
                f,
                "the rate-limit queue is full ({capacity} requests waiting); send fewer requests at once or raise the queue capacity"
            ),
            Self::RateLimitTimeout {
                predicted_wait,
                max_wait,
            } => write!(
                f,
                "the rate limit would delay the request {:.3}s, more than the {:.3}s left of the allowed wait, so it was not sent; retry later or allow a longer wait",
                predicted_wait.as_secs_f64(),
                max_wait.as_secs_f64()
            ),
            Self::DeadlineExceeded { deadline } => write!(
                f,
                "the operation did not finish within its {:.3}s deadline; retry later or allow a longer deadline",
                deadline.as_secs_f64()
            ),
            Self::SimulationNoMatch {
                operation,
                candidates,
            } => write!(
                f,
                "the cassette has no recorded answer for `{operation}`; nearest recorded: {}; record the cassette again",
                Names(candidates)
            ),
            Self::SimulationLoad { detail } => write!(
                f,
                "the simulation cassette could not be used: {detail}; check the path and the file's contents"
            ),
            Self::Banned { retry_after } => write!(
                f,
                "discord banned this client's ip after too many invalid requests, so requests are refused until the ban ends; wait about {:.0}s and fix what makes requests fail (401, 403, 429)",
                retry_after.as_secs_f64()
            ),
            Self::InvalidRequestCeiling { retry_after } => write!(
                f,
                "too many invalid requests (401, 403, 429) in the last 10 minutes, so nothing was sent to avoid an ip ban; wait about {:.0}s and fix what makes requests fail",
                retry_after.as_secs_f64()
            ),
            Self::InteractionExpired { expired_for } => write!(
                f,
                "the interaction token expired {:.0}s ago (tokens last 15 minutes), so nothing was sent; send a channel message instead",
                expired_for.as_secs_f64()
            ),
            Self::MayHaveBeenDelivered => f.write_str(
                "the request failed after it may have reached discord, so it was not retried and may have been delivered; check the channel before sending it again",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<ErrorKind> {
        vec![
            ErrorKind::RateLimited {
                retry_after: Duration::from_millis(1500),
                global: true,
            },
            ErrorKind::ServerError { status: 502 },
            ErrorKind::Network {
                request_may_have_been_sent: true,
            },
            ErrorKind::Network {
                request_may_have_been_sent: false,
            },
            ErrorKind::Unauthorized {
                code: Some(JsonErrorCode::INVALID_WEBHOOK_TOKEN),
            },
            ErrorKind::Forbidden {
                code: Some(JsonErrorCode::MISSING_PERMISSIONS),
                message: "Missing Permissions".into(),
            },
            ErrorKind::NotFound {
                code: None,
                message: "404: Not Found".into(),
            },
            ErrorKind::BadRequest {
                status: 400,
                code: Some(JsonErrorCode::INVALID_FORM_BODY),
                message: "Invalid Form Body".into(),
                field_errors: vec![FieldError {
                    path: "content".into(),
                    code: "BASE_TYPE_MAX_LENGTH".into(),
                    message: "Must be 2000 or fewer in length.".into(),
                }],
            },
            ErrorKind::Validation {
                message: "content: 2001 characters, at most 2000".into(),
            },
            ErrorKind::Decode { status: 200 },
            ErrorKind::NoAuthentication {
                needed: Credential::BotToken,
            },
            ErrorKind::NoAuthentication {
                needed: Credential::Webhook,
            },
            ErrorKind::InvalidWebhookUrl {
                field: Some("DISCORD_WEBHOOK_URL".into()),
                reason: WebhookUrlError::MissingToken,
            },
            ErrorKind::InvalidConfig {
                field: "api_version".into(),
                problem: "api version 8 is not supported; use 10 (recommended) or 9".into(),
            },
            ErrorKind::UnknownChannelRoute {
                name: "alerts".into(),
                known: vec!["builds".into(), "deploys".into()],
            },
            ErrorKind::UnknownWebhook {
                name: "ops".into(),
                known: vec![],
            },
            ErrorKind::QueueFull { capacity: 100 },
            ErrorKind::RateLimitTimeout {
                predicted_wait: Duration::from_secs(9),
                max_wait: Duration::from_secs(2),
            },
            ErrorKind::DeadlineExceeded {
                deadline: Duration::from_secs(120),
            },
            ErrorKind::SimulationNoMatch {
                operation: "send_message".into(),
                candidates: vec!["edit_message".into()],
            },
            ErrorKind::SimulationLoad {
                detail: "missing file".into(),
            },
            ErrorKind::MayHaveBeenDelivered,
            ErrorKind::Banned {
                retry_after: Duration::from_secs(3600),
            },
            ErrorKind::InvalidRequestCeiling {
                retry_after: Duration::from_secs(42),
            },
            ErrorKind::InteractionExpired {
                expired_for: Duration::from_secs(60),
            },
        ]
    }

    #[test]
    fn every_message_is_lower_case_one_sentence_without_trailing_period() {
        for kind in every_kind() {
            let message = kind.to_string();
            let first = message.chars().next().expect("non-empty");
            assert!(
                !first.is_uppercase(),
                "message starts upper case: {message}"
            );
            assert!(!message.ends_with('.'), "trailing period: {message}");
            assert!(!message.contains('\n'), "multi-line: {message}");
        }
    }

    #[test]
    fn every_message_says_what_to_do() {
        // Each message has a remedy after a `;`.
        for kind in every_kind() {
            let message = kind.to_string();
            assert!(message.contains("; "), "no remedy in: {message}");
        }
    }

    #[test]
    fn statuses_and_codes_are_reported() {
        assert_eq!(
            ErrorKind::Unauthorized {
                code: Some(JsonErrorCode::INVALID_WEBHOOK_TOKEN)
            }
            .discord_code(),
            Some(JsonErrorCode::new(50027))
        );
        assert_eq!(ErrorKind::Unauthorized { code: None }.status(), Some(401));
        assert_eq!(
            ErrorKind::RateLimited {
                retry_after: Duration::ZERO,
                global: false
            }
            .status(),
            Some(429)
        );
        assert_eq!(ErrorKind::QueueFull { capacity: 1 }.status(), None);
    }

    #[test]
    fn an_absent_or_zero_code_is_not_printed() {
        let absent = ErrorKind::Unauthorized { code: None }.to_string();
        assert!(
            absent.starts_with("discord rejected the credentials (401); "),
            "{absent}"
        );
        // A kind built by hand with Discord's generic `0` prints no code either.
        let zero = [
            ErrorKind::Unauthorized {
                code: Some(JsonErrorCode::new(0)),
            },
            ErrorKind::Forbidden {
                code: Some(JsonErrorCode::new(0)),
                message: "Forbidden".into(),
            },
            ErrorKind::NotFound {
                code: Some(JsonErrorCode::new(0)),
                message: "404: Not Found".into(),
            },
            ErrorKind::BadRequest {
                status: 400,
                code: Some(JsonErrorCode::new(0)),
                message: "Bad Request".into(),
                field_errors: vec![],
            },
        ];
        for kind in zero {
            let message = kind.to_string();
            assert!(!message.contains("code"), "{message}");
        }
        let named = ErrorKind::NotFound {
            code: Some(JsonErrorCode::UNKNOWN_CHANNEL),
            message: "Unknown Channel".into(),
        }
        .to_string();
        assert!(
            named.contains("(404) (code 10003): Unknown Channel"),
            "{named}"
        );
    }

    #[test]
    fn unknown_route_lists_known_names() {
        let message = ErrorKind::UnknownChannelRoute {
            name: "alerts".into(),
            known: vec!["builds".into(), "deploys".into()],
        }
        .to_string();
        assert!(message.contains("`alerts`"));
        assert!(message.contains("builds, deploys"));
    }

    #[test]
    fn bad_request_lists_field_errors() {
        let message = every_kind()
            .into_iter()
            .find(|kind| matches!(kind, ErrorKind::BadRequest { .. }))
            .expect("bad request")
            .to_string();
        assert!(
            message.contains("(content: Must be 2000 or fewer in length. [BASE_TYPE_MAX_LENGTH])")
        );
        assert!(message.contains("(code 50035)"));
    }

    #[test]
    fn categories_follow_the_design_table() {
        use ErrorCategory as C;
        let expected = [
            C::Retryable,
            C::Retryable,
            C::Retryable,
            C::Retryable,
            C::NonRetryable,
            C::NonRetryable,
            C::NonRetryable,
            C::NonRetryable,
            C::NonRetryable,
            C::NonRetryable,
            C::Configuration,
            C::Configuration,
            C::Configuration,
            C::Configuration,
            C::Configuration,
            C::Configuration,
            C::Queue,
            C::Queue,
            C::Queue,
            C::Simulation,
            C::Simulation,
            C::UnknownOutcome,
            C::Queue,
            C::Queue,
            C::NonRetryable,
        ];
        let kinds = every_kind();
        assert_eq!(kinds.len(), expected.len());
        for (kind, category) in kinds.iter().zip(expected) {
            assert_eq!(kind.category(), category, "{kind:?}");
        }
    }
}

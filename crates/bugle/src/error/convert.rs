//! Errors of the other bugle crates as [`DiscordError`]s.

use std::time::Duration;

use bugle_model::error::JsonErrorCode;
use bugle_model::validate::ValidationError;
use bugle_ratelimit::{ErrorKind as LimitKind, RateLimitError};
#[cfg(feature = "sim")]
use bugle_sim::cassette::{CassetteError, CassetteErrorKind};
use bugle_transport::TransportError;
use tokio::time::Instant;

use super::{DiscordError, ErrorKind};

/// A body that failed validation: [`ErrorKind::Validation`] naming every
/// violation with its field path and limit, the report kept for
/// [`DiscordError::validation`].
impl From<ValidationError> for DiscordError {
    fn from(error: ValidationError) -> Self {
        Self::from_validation(error)
    }
}

/// A cassette failure: a replay with no recorded answer is
/// [`ErrorKind::SimulationNoMatch`] naming the nearest recorded operations;
/// anything else is [`ErrorKind::SimulationLoad`].
#[cfg(feature = "sim")]
impl From<CassetteError> for DiscordError {
    fn from(error: CassetteError) -> Self {
        Self::new(cassette_kind(&error)).with_source(error)
    }
}

/// The kind a cassette error stands for.
/// A transport failure as the attempt loop reads it, converted here at the transport
/// boundary: `Err` for one that no retry can change (a replayed cassette with no
/// recorded answer, which names the nearest recorded requests), `Ok` for a network
/// failure the retry policy decides on.
// Without the `sim` feature no transport failure is final here.
#[cfg_attr(not(feature = "sim"), allow(clippy::unnecessary_wraps))]
pub(crate) fn transport_failure(error: TransportError) -> Result<DiscordError, DiscordError> {
    #[cfg(feature = "sim")]
    if let Some(cassette) = CassetteError::find_in(&error) {
        return Err(DiscordError::new(cassette_kind(cassette)).with_source(error));
    }
    Ok(DiscordError::from(error))
}

#[cfg(feature = "sim")]
fn cassette_kind(error: &CassetteError) -> ErrorKind {
    match (error.kind(), error.no_match()) {
        (CassetteErrorKind::NoMatch, Some(no_match)) => ErrorKind::SimulationNoMatch {
            operation: no_match.operation.clone(),
            candidates: no_match
                .nearest
                .iter()
                .map(|near| format!("#{} {}", near.id, near.operation))
                .collect(),
        },
        _ => ErrorKind::SimulationLoad {
            // The cassette error's message is checked by bugle-sim to hold no
            // secret; keep only its first line.
            detail: error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        },
    }
}

impl DiscordError {
    /// The error for a request the rate limiter refused; `max_wait` is what
    /// was left of the longest wait the caller allowed when it refused
    /// (reported by [`ErrorKind::RateLimitTimeout`]).
    pub fn from_rate_limit(error: RateLimitError, max_wait: Duration) -> Self {
        let now = Instant::now();
        let until = |instant: Instant| instant.saturating_duration_since(now);
        let kind = match *error.kind() {
            LimitKind::QueueFull { capacity, .. } => ErrorKind::QueueFull { capacity },
            LimitKind::RateLimitTimeout { predicted_wait } => ErrorKind::RateLimitTimeout {
                predicted_wait,
                max_wait,
            },
            LimitKind::Banned { until: end } => ErrorKind::Banned {
                retry_after: until(end),
            },
            LimitKind::InvalidRequestCeiling { until: end } => ErrorKind::InvalidRequestCeiling {
                retry_after: until(end),
            },
            LimitKind::TokenInvalid => ErrorKind::Unauthorized { code: None },
            LimitKind::WebhookDead { .. } => ErrorKind::NotFound {
                code: Some(JsonErrorCode::UNKNOWN_WEBHOOK),
                message: "the webhook answered 404 earlier and is not used again".to_owned(),
            },
            // A kind added to the limiter later (the crates are released
            // together, so this is a reminder to map it): the limiter refused
            // locally and nothing was sent, which is what a refused wait
            // reports; the limiter's own error stays the source.
            _ => ErrorKind::RateLimitTimeout {
                predicted_wait: max_wait,
                max_wait,
            },
        };
        Self::new(kind).with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bugle_model::request::CreateMessage;
    use bugle_model::validate::Validate;

    #[test]
    fn validation_errors_name_every_field() {
        let error = CreateMessage::new()
            .content("x".repeat(2001))
            .validate()
            .expect_err("too long");
        let error = DiscordError::from(error);
        let ErrorKind::Validation { message } = error.kind() else {
            panic!("not a validation error: {error:?}");
        };
        assert!(
            message.contains("content: 2001 chars, at most 2000"),
            "{message}"
        );
    }

    #[test]
    fn the_report_is_reachable_with_every_path_and_limit() {
        use bugle_model::builder::EmbedBuilder;
        use bugle_model::validate::ViolationKind;

        let embed = (0..26).fold(EmbedBuilder::new().title("t".repeat(257)), |embed, n| {
            embed.field(format!("f{n}"), "v")
        });
        let report = CreateMessage::new()
            .content("x".repeat(2001))
            .embed(embed.build())
            .validate()
            .expect_err("three violations");
        let error = DiscordError::from(report.clone());
        // The human message is the report's, unchanged.
        let ErrorKind::Validation { message } = error.kind() else {
            panic!("not a validation error: {error:?}");
        };
        assert_eq!(message, &report.to_string());
        // Every violation, with its path and limit, is there as data.
        let report = error.validation().expect("the report is kept");
        let found: Vec<(&str, &ViolationKind)> = report
            .violations()
            .iter()
            .map(|violation| (violation.path.as_str(), &violation.kind))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "content",
                    &ViolationKind::TooLong {
                        max: 2000,
                        actual: 2001
                    }
                ),
                (
                    "embeds[0].title",
                    &ViolationKind::TooLong {
                        max: 256,
                        actual: 257
                    }
                ),
                (
                    "embeds[0].fields",
                    &ViolationKind::TooMany {
                        max: 25,
                        actual: 26
                    }
                ),
            ]
        );
        assert!(report.at("embeds[0].fields").is_some());
        // Other kinds have no report.
        assert!(
            DiscordError::new(ErrorKind::QueueFull { capacity: 1 })
                .validation()
                .is_none()
        );
    }
}

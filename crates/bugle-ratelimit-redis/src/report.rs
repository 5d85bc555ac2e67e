//! Turning a completed request into the complete script's arguments: the same reading of
//! a response as the in-process engine's (which 429 is a ban, a global limit, a hidden
//! sublimit; which 404 kills a webhook).

use std::time::Duration;

use bugle_ratelimit::{Major, RateLimitHeaders, Scope, SharedReport};

/// Discord's JSON code for "Unknown Webhook".
const UNKNOWN_WEBHOOK: u64 = 10_015;
/// The wait assumed for a scoped 429 that gives none.
const FALLBACK_RETRY: Duration = Duration::from_secs(1);

/// What the response means for the shared state, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meaning {
    pub(crate) kind: &'static str,
    pub(crate) lasts: Duration,
}

/// What happened: `unsent`, `lost` or the status code.
pub(crate) fn what(report: &SharedReport) -> String {
    match report.outcome() {
        None => "unsent".to_owned(),
        Some(outcome) => outcome
            .status()
            .map_or_else(|| "lost".to_owned(), |status| status.to_string()),
    }
}

/// Classifies a response, as the in-process engine does.
pub(crate) fn meaning(report: &SharedReport) -> Meaning {
    let nothing = Meaning {
        kind: "",
        lasts: Duration::ZERO,
    };
    let Some(outcome) = report.outcome() else {
        return nothing;
    };
    let limits = report.request().limits();
    let headers = outcome.headers();
    match outcome.status() {
        Some(429) => too_many(report, headers),
        Some(401) if report.request().bot().is_some() && is_bot_pool(report) => Meaning {
            kind: "token",
            lasts: Duration::ZERO,
        },
        Some(401 | 403) => Meaning {
            kind: "invalid",
            lasts: Duration::ZERO,
        },
        Some(404) => {
            let code = headers.body.as_ref().and_then(|b| b.code);
            // Not for interaction webhooks (exempt pool): their id is the application's,
            // and an expired interaction token's 404 says nothing about other tokens.
            let webhook = matches!(report.request().major(), Major::Webhook { .. })
                && report.request().pool() != bugle_ratelimit::GlobalPool::Exempt;
            if webhook && matches!(code, None | Some(UNKNOWN_WEBHOOK)) {
                Meaning {
                    kind: "webhook",
                    lasts: limits.webhook_dead_ttl(),
                }
            } else {
                nothing
            }
        }
        _ => nothing,
    }
}

fn is_bot_pool(report: &SharedReport) -> bool {
    report.request().pool() == bugle_ratelimit::GlobalPool::Bot
}

fn too_many(report: &SharedReport, headers: &RateLimitHeaders) -> Meaning {
    let limits = report.request().limits();
    let retry_after = headers.retry_after();
    let scope = headers.scope;
    let global = headers.is_global();
    let not_json = headers.body.as_ref().is_some_and(|b| !b.json);
    let huge = retry_after.is_some_and(|r| r > limits.ban_threshold());
    if not_json || huge || (scope.is_none() && !global) {
        return Meaning {
            kind: "ban",
            lasts: retry_after.unwrap_or(limits.default_ban()),
        };
    }
    let lasts = retry_after
        .or(headers.reset_after)
        .unwrap_or(FALLBACK_RETRY)
        + limits.safety_margin();
    let kind = if global {
        "global"
    } else if scope == Some(Scope::Shared) {
        "shared"
    } else if headers.remaining.is_some_and(|r| r > 0)
        || headers.reset_after.is_some_and(|reset| {
            let wait = lasts;
            wait > reset * 2 && wait > reset + Duration::from_secs(1)
        })
    {
        "sublimit"
    } else {
        "user"
    };
    Meaning { kind, lasts }
}

/// Milliseconds, rounded up, for a script argument.
pub(crate) fn millis(duration: Duration) -> u64 {
    let ms = duration.as_nanos().div_ceil(1_000_000);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use bugle_ratelimit::{GlobalPool, Outcome, RateLimitConfig, Reservation, SharedRequest};

    use super::*;

    fn report(
        status: u16,
        headers: &[(&str, &str)],
        body: Option<&str>,
        major: Major,
    ) -> SharedReport {
        let headers = RateLimitHeaders::parse(headers.iter().copied(), body.map(str::as_bytes));
        let request = SharedRequest::new(
            "POST /channels/{channel_id}/messages",
            major,
            GlobalPool::Bot,
        )
        .with_bot(bugle_ratelimit::BotId::of("t"))
        .with_limits(RateLimitConfig::default());
        SharedReport::new(
            request,
            Reservation::new(1, "slot"),
            Some(Outcome::response(status, headers)),
        )
    }

    #[test]
    fn an_interaction_webhook_404_kills_nothing() {
        let webhook = Major::Webhook { id: 9, token: None };
        let request = SharedRequest::new(
            "POST /webhooks/{webhook_id}/{webhook_token}",
            webhook,
            GlobalPool::Exempt,
        )
        .with_limits(RateLimitConfig::default());
        let report = SharedReport::new(
            request.clone(),
            Reservation::new(1, "slot"),
            Some(Outcome::response(404, RateLimitHeaders::default())),
        );
        assert_eq!(meaning(&report).kind, "");
        assert_eq!(crate::keys::Keys::of("p", &request).webhook, "");
    }

    #[test]
    fn responses_mean_what_the_engine_reads_in_them() {
        let channel = Major::Channel(1);
        let json =
            Some(r#"{"message":"You are being rate limited.","retry_after":2.5,"global":false}"#);
        let user = report(
            429,
            &[
                ("x-ratelimit-scope", "user"),
                ("x-ratelimit-remaining", "0"),
                ("retry-after", "3"),
            ],
            json,
            channel,
        );
        assert_eq!(meaning(&user).kind, "user");
        let hidden = report(
            429,
            &[
                ("x-ratelimit-scope", "user"),
                ("x-ratelimit-remaining", "3"),
                ("retry-after", "3"),
            ],
            json,
            channel,
        );
        assert_eq!(meaning(&hidden).kind, "sublimit");
        let shared = report(429, &[("x-ratelimit-scope", "shared")], json, channel);
        assert_eq!(meaning(&shared).kind, "shared");
        let global = report(
            429,
            &[
                ("x-ratelimit-global", "true"),
                ("x-ratelimit-scope", "global"),
            ],
            json,
            channel,
        );
        assert_eq!(meaning(&global).kind, "global");
        let ban = report(429, &[], Some("<html>banned</html>"), channel);
        assert_eq!(meaning(&ban).kind, "ban");
        assert_eq!(meaning(&report(401, &[], None, channel)).kind, "token");
        assert_eq!(meaning(&report(403, &[], None, channel)).kind, "invalid");
        let webhook = Major::Webhook { id: 9, token: None };
        assert_eq!(meaning(&report(404, &[], None, webhook)).kind, "webhook");
        assert_eq!(meaning(&report(404, &[], None, channel)).kind, "");
        assert_eq!(meaning(&report(200, &[], None, channel)).kind, "");
    }

    #[test]
    fn millis_round_up() {
        assert_eq!(millis(Duration::from_micros(1)), 1);
        assert_eq!(millis(Duration::from_millis(250)), 250);
    }
}

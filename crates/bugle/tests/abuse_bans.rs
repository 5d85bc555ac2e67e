//! IP bans and the invalid-request ceiling: a Cloudflare-style ban stops the
//! client at once without a retry loop, and a run of 403s stops at the
//! configured ceiling before Discord would ban the IP.

mod abuse_support;
mod client_support;

use std::time::Duration;

use abuse_support::{answered, timed};
use bugle::{DiscordClient, ErrorKind};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, EditMessage, ExecuteWebhook};
use bugle_ratelimit::RateLimitConfig as ClientLimits;
use bugle_sim::fake::FakeRateLimits as ServerLimits;
use bugle_transport::{Transport, TransportFuture, TransportRequest};
use client_support::{TEXT, config_builder, fake_builder};
use http::StatusCode;

const TEXT_ID: ChannelId = ChannelId::new(TEXT);
/// How long the fake bans an IP.
const BAN: Duration = Duration::from_secs(3600);
/// How long the ban has left after ten minutes.
const BAN_LEFT: Duration = Duration::from_secs(3000);

/// A fake that bans the client's IP after its first invalid request (the
/// way Cloudflare does after 10,000), answering every later request with an
/// HTML 429 that has a `Retry-After` and no scope header.
fn banning_fake() -> bugle_sim::fake::FakeDiscordBuilder {
    fake_builder().rate_limits(ServerLimits::discord_defaults().invalid_request_ban(
        1,
        Duration::from_secs(600),
        BAN,
    ))
}

/// A 403: editing a message the bot did not write (here, a webhook's).
async fn forbidden_edit(client: &DiscordClient) -> bugle::DiscordError {
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("written by the webhook"))
        .await
        .expect("sent")
        .expect("message");
    client
        .edit_message(TEXT_ID, hooked.id, EditMessage::new().content("mine now"))
        .await
        .expect_err("403")
}

#[tokio::test(start_paused = true)]
async fn a_cloudflare_ban_stops_the_client_at_once_without_a_retry_loop() {
    let fake = banning_fake().build();
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), fake.clone());
    let forbidden = forbidden_edit(&client).await;
    assert!(
        matches!(forbidden.kind(), ErrorKind::Forbidden { .. }),
        "{forbidden:?}"
    );
    // Past the limiter's start, when a new bucket's window waits a moment for other
    // senders on the token to show.
    tokio::time::sleep(Duration::from_millis(100)).await;

    // The call that meets the ban page is not retried: the wait is far
    // beyond what the retry policy sits out, and it says how long.
    let (result, took) =
        timed(client.send_message(TEXT_ID, CreateMessage::new().content("banned"))).await;
    let met = result.expect_err("the ip is banned");
    assert_eq!(took, Duration::ZERO, "no virtual time passed");
    assert_eq!(fake.counters().banned, 1);
    match met.kind() {
        ErrorKind::RateLimited { retry_after, .. } | ErrorKind::Banned { retry_after } => {
            assert_eq!(*retry_after, BAN, "{met}");
        }
        other => panic!("not a rate-limit or ban error: {other:?}"),
    }
    let requests = fake.counters().requests;

    // Every later call fails locally with the ban's end, bot and webhook
    // routes alike (the ban is on the IP).
    let (result, took) =
        timed(client.send_message(TEXT_ID, CreateMessage::new().content("again"))).await;
    let error = result.expect_err("still banned");
    assert_eq!(took, Duration::ZERO);
    assert_eq!(error.kind(), &ErrorKind::Banned { retry_after: BAN });
    assert!(error.to_string().contains("3600s"), "{error}");

    tokio::time::advance(Duration::from_secs(600)).await;
    let error = client
        .execute_webhook(ExecuteWebhook::new().content("webhook too"))
        .await
        .expect_err("the ip is banned");
    assert_eq!(
        error.kind(),
        &ErrorKind::Banned {
            retry_after: BAN_LEFT
        }
    );
    assert_eq!(
        fake.counters().requests,
        requests,
        "nothing reached discord during the ban"
    );
    assert_eq!(
        fake.counters().banned,
        1,
        "exactly one ban page was fetched"
    );
}

#[tokio::test(start_paused = true)]
async fn the_call_that_meets_a_cloudflare_ban_reports_the_ban() {
    let fake = banning_fake().build();
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), fake.clone());
    forbidden_edit(&client).await;
    let met = client
        .send_message(TEXT_ID, CreateMessage::new().content("banned"))
        .await
        .expect_err("the ip is banned");
    assert_eq!(met.kind(), &ErrorKind::Banned { retry_after: BAN });
}

/// Answers every request with Discord's own 429 (scope `user`, a JSON body)
/// asking for a two-minute wait: a rate limit, not a ban.
#[derive(Debug, Clone, Copy)]
struct SlowDown;

impl Transport for SlowDown {
    fn send(&self, _request: TransportRequest) -> TransportFuture<'_> {
        Box::pin(async {
            Ok(http::Response::builder()
                .status(StatusCode::TOO_MANY_REQUESTS)
                .header("retry-after", "120")
                .header("x-ratelimit-scope", "user")
                .header("content-type", "application/json")
                .body(bytes::Bytes::from_static(
                    br#"{"message": "You are being rate limited.", "retry_after": 120.0, "global": false}"#,
                ))
                .expect("response"))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_long_429_from_discord_is_a_rate_limit_not_a_ban() {
    let client = DiscordClient::with_transport(config_builder().build().expect("config"), SlowDown);
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("later"))
        .await
        .expect_err("rate limited");
    assert_eq!(
        error.kind(),
        &ErrorKind::RateLimited {
            retry_after: Duration::from_secs(120),
            global: false
        }
    );
    assert_eq!(client.rate_limiter().snapshot().banned_until, None);
}

#[tokio::test(start_paused = true)]
async fn a_run_of_403s_stops_at_the_configured_ceiling() {
    const CEILING: u32 = 5;
    let fake = fake_builder().build();
    let config = config_builder()
        .rate_limit(ClientLimits::default().with_invalid_request_ceiling(CEILING))
        .build()
        .expect("config");
    let client = DiscordClient::with_transport(config, fake.clone());
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("written by the webhook"))
        .await
        .expect("sent")
        .expect("message");

    let mut forbidden = 0;
    let mut refused = Vec::new();
    for n in 0..20 {
        let result = client
            .edit_message(
                TEXT_ID,
                hooked.id,
                EditMessage::new().content(format!("edit {n}")),
            )
            .await;
        match result.expect_err("never allowed").kind() {
            ErrorKind::Forbidden { .. } => {
                assert!(refused.is_empty(), "a 403 after the ceiling was reached");
                forbidden += 1;
            }
            ErrorKind::InvalidRequestCeiling { retry_after } => refused.push(*retry_after),
            other => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(forbidden, CEILING);
    assert_eq!(refused.len(), 20 - CEILING as usize);
    assert!(
        refused
            .iter()
            .all(|wait| *wait > Duration::ZERO && *wait <= Duration::from_secs(600)),
        "the error says when the 10-minute window lets requests through: {refused:?}"
    );
    assert_eq!(answered(&fake, StatusCode::FORBIDDEN), CEILING as usize);
    assert_eq!(fake.counters().invalid_requests, u64::from(CEILING));
    assert_eq!(fake.counters().banned, 0);

    // Valid requests are refused too while the ceiling holds (any request
    // could be the one that gets the IP banned) ...
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("valid"))
        .await
        .expect_err("ceiling");
    assert!(
        matches!(error.kind(), ErrorKind::InvalidRequestCeiling { .. }),
        "{error:?}"
    );
    // ... until the 10-minute window has passed.
    tokio::time::advance(Duration::from_secs(601)).await;
    client
        .send_message(TEXT_ID, CreateMessage::new().content("valid"))
        .await
        .expect("the window has passed");
}

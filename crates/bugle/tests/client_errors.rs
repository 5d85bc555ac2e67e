//! Each error category, as the client reports it.

mod client_support;

use std::time::Duration;

use bugle::{DiscordClient, DiscordConfig, ErrorCategory, ErrorKind};
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::{CreateMessage, EditMessage, ExecuteWebhook};
use bugle_sim::cassette::{Recorder, Replayer};
use bugle_sim::fake::{Delay, FaultConfig};
use client_support::{TEXT, config_builder, fake_builder, setup, setup_with};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

#[tokio::test(start_paused = true)]
async fn a_wrong_token_is_unauthorized() {
    let (client, fake, _spy) =
        setup_with(fake_builder(), config_builder().bot_token("wrong.token.x"));
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("401");
    assert!(
        matches!(error.kind(), ErrorKind::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(401));
    assert!(!error.is_retryable());
    // The rate limiter remembers the rejected token: the next request fails
    // without reaching Discord.
    let again = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("still 401");
    assert!(matches!(again.kind(), ErrorKind::Unauthorized { .. }));
    assert_eq!(fake.counters().requests, 1);
}

#[tokio::test(start_paused = true)]
async fn editing_someone_elses_message_is_forbidden() {
    let (client, _fake, _spy) = setup();
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("from the webhook"))
        .await
        .expect("sent")
        .expect("message");
    let error = client
        .edit_message(TEXT_ID, hooked.id, EditMessage::new().content("mine now"))
        .await
        .expect_err("403");
    assert!(
        matches!(error.kind(), ErrorKind::Forbidden { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.discord_code(),
        Some(bugle::JsonErrorCode::CANNOT_EDIT_OTHERS_MESSAGE)
    );
}

#[tokio::test(start_paused = true)]
async fn an_unknown_message_is_not_found() {
    let (client, _fake, _spy) = setup();
    let error = client
        .edit_message(
            TEXT_ID,
            MessageId::new(123_456),
            EditMessage::new().content("x"),
        )
        .await
        .expect_err("404");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.discord_code(),
        Some(bugle::JsonErrorCode::UNKNOWN_MESSAGE)
    );
}

#[tokio::test(start_paused = true)]
async fn discord_form_errors_come_back_with_their_fields() {
    let (client, _fake, _spy) = setup();
    let error = client
        .reply(
            TEXT_ID,
            MessageId::new(424_242),
            CreateMessage::new().content("re"),
        )
        .await
        .expect_err("400");
    let ErrorKind::BadRequest {
        status,
        code,
        field_errors,
        ..
    } = error.kind()
    else {
        panic!("wrong kind: {error:?}");
    };
    assert_eq!(
        (*status, *code),
        (400, Some(bugle::JsonErrorCode::INVALID_FORM_BODY))
    );
    assert!(
        field_errors
            .iter()
            .any(|f| f.path.starts_with("message_reference")),
        "{field_errors:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_bot_token_is_no_authentication_and_sends_nothing() {
    let fake = fake_builder().build();
    let config = DiscordConfig::builder().build().expect("config");
    let client = DiscordClient::with_transport(config, fake.clone());
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("no token");
    assert!(
        matches!(error.kind(), ErrorKind::NoAuthentication { .. }),
        "{error:?}"
    );
    assert_eq!(error.category(), ErrorCategory::Configuration);
    assert_eq!(fake.counters().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn replay_without_a_recording_is_no_match() {
    let empty = Recorder::new(fake_builder().build()).cassette();
    let client = DiscordClient::with_transport(
        config_builder().build().expect("config"),
        Replayer::new(empty),
    );
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("nothing recorded");
    let ErrorKind::SimulationNoMatch { operation, .. } = error.kind() else {
        panic!("wrong kind: {error:?}");
    };
    assert!(operation.contains("/channels/"), "{operation}");
    assert_eq!(error.category(), ErrorCategory::Simulation);
}

#[tokio::test(start_paused = true)]
async fn a_missing_cassette_fails_client_creation() {
    let config = DiscordConfig::builder()
        .simulation(bugle::Simulation::Replay("no/such/cassette.json".into()))
        .build()
        .expect("config");
    let error = DiscordClient::new(config).expect_err("missing file");
    assert!(
        matches!(error.kind(), ErrorKind::SimulationLoad { .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_discord_runs_into_the_operation_deadline_and_may_have_delivered() {
    let fake =
        fake_builder().faults(FaultConfig::none().delay(Delay::Fixed(Duration::from_secs(30))));
    let config = config_builder()
        .request_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(5));
    let (client, _fake, _spy) = setup_with(fake, config);
    let started = tokio::time::Instant::now();
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("too slow");
    // Attempts time out at 2 s each and are retried (the nonce makes that
    // safe) until the 5 s deadline ends the operation. The attempts may have
    // reached Discord, so the create may have been delivered.
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    let source = std::error::Error::source(&error).expect("source");
    let deadline = source
        .downcast_ref::<bugle::DiscordError>()
        .expect("a discord error");
    assert_eq!(
        deadline.kind(),
        &ErrorKind::DeadlineExceeded {
            deadline: Duration::from_secs(5)
        }
    );
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn a_queue_wait_beyond_the_allowed_wait_is_a_rate_limit_timeout() {
    let config = config_builder().max_rate_limit_wait(Duration::from_millis(500));
    let (client, fake, _spy) = setup_with(fake_builder(), config);
    // The messages bucket allows 5 per 5 s: the sixth would wait seconds.
    for n in 0..5 {
        client
            .send_message(TEXT_ID, CreateMessage::new().content(format!("m{n}")))
            .await
            .expect("within the limit");
    }
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("m5"))
        .await
        .expect_err("would wait too long");
    assert!(
        matches!(error.kind(), ErrorKind::RateLimitTimeout { .. }),
        "{error:?}"
    );
    assert!(error.is_rate_limited());
    assert_eq!(fake.counters().requests, 5);
    assert_eq!(fake.counters().rate_limited_user, 0);
}

#[tokio::test(start_paused = true)]
async fn a_slow_delete_runs_into_the_operation_deadline() {
    let fake =
        fake_builder().faults(FaultConfig::none().delay(Delay::Fixed(Duration::from_secs(30))));
    let config = config_builder()
        .request_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(3));
    let (client, _fake, _spy) = setup_with(fake, config);
    let error = client
        .delete_message(TEXT_ID, MessageId::new(77))
        .await
        .expect_err("too slow");
    assert_eq!(
        error.kind(),
        &ErrorKind::DeadlineExceeded {
            deadline: Duration::from_secs(3)
        }
    );
}

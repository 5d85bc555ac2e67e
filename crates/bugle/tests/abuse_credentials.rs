//! Credentials that stop working: a bot token revoked mid-run and a webhook
//! deleted from under the client. After the first refusal nothing more is
//! sent with the dead credential, and the live ones keep working.

mod abuse_support;
mod client_support;

use std::time::Duration;

use abuse_support::{Revocable, answered, bot_requests, timed, webhook_requests};
use bugle::{DiscordClient, ErrorKind, ExecuteWebhookParams, WebhookTarget};
use bugle_model::id::{ChannelId, MessageId, UserId};
use bugle_model::request::{CreateMessage, EditMessage, EditWebhookMessage, ExecuteWebhook};
use client_support::{FRIEND, HOOK, HOOK_TOKEN, TEXT, config_builder, fake_builder};
use http::StatusCode;

const TEXT_ID: ChannelId = ChannelId::new(TEXT);
/// A webhook id the fake does not know: it was deleted in Discord.
const DELETED_HOOK: u64 = 299;

fn is_unauthorized(kind: &ErrorKind) -> bool {
    matches!(kind, ErrorKind::Unauthorized { .. })
}

#[tokio::test(start_paused = true)]
async fn after_the_first_401_no_bot_request_leaves_the_process() {
    let fake = fake_builder().build();
    let transport = Revocable::new(fake.clone());
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), transport.clone());
    let before = client
        .send_message(TEXT_ID, CreateMessage::new().content("before the reset"))
        .await
        .expect("the token works");

    transport.revoke();
    let first = client
        .send_message(TEXT_ID, CreateMessage::new().content("after the reset"))
        .await
        .expect_err("the server refuses the old token");
    assert!(is_unauthorized(first.kind()), "{first:?}");
    assert_eq!(answered(&fake, StatusCode::UNAUTHORIZED), 1);
    let bot_sent = bot_requests(&fake).len();
    assert_eq!(bot_sent, 2, "one accepted and one refused bot request");

    // Every bot operation now fails locally, at once.
    for n in 0..5 {
        let (result, took) =
            timed(client.send_message(TEXT_ID, CreateMessage::new().content(format!("retry {n}"))))
                .await;
        let error = result.expect_err("the token is known to be bad");
        assert!(is_unauthorized(error.kind()), "{error:?}");
        assert_eq!(took, Duration::ZERO, "failed fast, without waiting");
    }
    let others = [
        client
            .edit_message(TEXT_ID, before.id, EditMessage::new().content("x"))
            .await
            .map(drop),
        client.delete_message(TEXT_ID, before.id).await,
        client.add_reaction(TEXT_ID, before.id, "✅").await,
        client.create_dm(UserId::new(FRIEND)).await.map(drop),
        client
            .send_dm(UserId::new(FRIEND), CreateMessage::new().content("hi"))
            .await
            .map(drop),
    ];
    for result in others {
        let error = result.expect_err("the token is known to be bad");
        assert!(is_unauthorized(error.kind()), "{error:?}");
    }
    assert_eq!(
        bot_requests(&fake).len(),
        bot_sent,
        "no bot request reached discord after the 401"
    );
    assert_eq!(answered(&fake, StatusCode::UNAUTHORIZED), 1);

    // Webhook-token routes do not use the bot token: they still work.
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("the webhook still works"))
        .await
        .expect("webhook execute")
        .expect("wait=true returns the message");
    client
        .edit_webhook_message(
            WebhookTarget::default(),
            hooked.id,
            EditWebhookMessage::new().content("edited"),
        )
        .await
        .expect("webhook edit");
    assert_eq!(webhook_requests(&fake).len(), 2);
    assert_eq!(
        fake.message(hooked.id.get()).expect("stored").content,
        "edited"
    );
}

#[tokio::test(start_paused = true)]
async fn a_webhook_that_answered_404_is_not_used_again_and_others_are_unaffected() {
    let fake = fake_builder().build();
    let deleted = format!("https://discord.com/api/webhooks/{DELETED_HOOK}/{HOOK_TOKEN}");
    let config = config_builder()
        .named_webhook_url("deleted", &deleted)
        .build()
        .expect("config");
    let client = DiscordClient::with_transport(config, fake.clone());
    let to_deleted = || {
        ExecuteWebhookParams::new(ExecuteWebhook::new().content("to a deleted webhook"))
            .target("deleted")
    };

    let first = client
        .execute_webhook(to_deleted())
        .await
        .expect_err("the webhook is gone");
    assert!(
        matches!(first.kind(), ErrorKind::NotFound { .. }),
        "{first:?}"
    );
    assert_eq!(
        first.discord_code(),
        Some(bugle::JsonErrorCode::UNKNOWN_WEBHOOK),
        "unknown webhook"
    );
    assert_eq!(fake.counters().requests, 1);

    // Later sends, edits and deletes through it fail without a request.
    for _ in 0..3 {
        let (result, took) = timed(client.execute_webhook(to_deleted())).await;
        let error = result.expect_err("marked dead");
        assert!(
            matches!(error.kind(), ErrorKind::NotFound { .. }),
            "{error:?}"
        );
        assert_eq!(took, Duration::ZERO);
    }
    let fire_and_forget = client.execute_webhook(to_deleted().fire_and_forget()).await;
    assert!(fire_and_forget.is_err(), "{fire_and_forget:?}");
    let edit = client
        .edit_webhook_message(
            "deleted",
            MessageId::new(5),
            EditWebhookMessage::new().content("x"),
        )
        .await;
    assert!(edit.is_err(), "{edit:?}");
    let delete = client
        .delete_webhook_message("deleted", MessageId::new(5))
        .await;
    assert!(delete.is_err(), "{delete:?}");
    assert_eq!(
        fake.counters().requests,
        1,
        "discord heard nothing more about the dead webhook"
    );

    // The other webhooks and the bot routes are unaffected.
    let sent = client
        .execute_webhook(ExecuteWebhook::new().content("default webhook"))
        .await
        .expect("default webhook works")
        .expect("message");
    assert_eq!(sent.webhook_id, Some(bugle_model::id::WebhookId::new(HOOK)));
    client
        .execute_webhook(
            ExecuteWebhookParams::new(ExecuteWebhook::new().content("forum post").thread_name("t"))
                .target("forum"),
        )
        .await
        .expect("forum webhook works");
    client
        .send_message(TEXT_ID, CreateMessage::new().content("bot route"))
        .await
        .expect("bot routes work");
    assert_eq!(fake.counters().requests, 4);
}

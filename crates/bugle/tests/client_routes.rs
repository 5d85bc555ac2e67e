//! The route agreement, end to end: every operation's request carries its
//! route template, and the template is what the cassette's `route_template`
//! and the rate limiter's `RequestKey::from_path` make of the path sent.

mod client_support;

use bugle::{NewThread, WebhookTarget};
use bugle_model::history::ListMessagesQuery;
use bugle_model::id::{ChannelId, UserId};
use bugle_model::request::{
    CreateForumThread, CreateMessage, CreateThread, CreateThreadFromMessage, EditMessage,
    EditWebhookMessage, ExecuteWebhook, ForumThreadMessage,
};
use bugle_ratelimit::{DELETE_OLD_SUFFIX, DELETE_YOUNG_SUFFIX, Method, RequestKey};
use bugle_sim::cassette::route_template;
use client_support::{FORUM, FRIEND, HOOK, TEXT, setup, webhook};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

#[tokio::test(start_paused = true)]
async fn every_operation_sends_the_template_the_cassette_and_the_limiter_agree_on() {
    let (client, _fake, spy) = setup();
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("one"))
        .await
        .expect("sent");
    client
        .edit_message(TEXT_ID, sent.id, EditMessage::new().content("two"))
        .await
        .expect("edited");
    client.get_message(TEXT_ID, sent.id).await.expect("read");
    client
        .list_messages(TEXT_ID, ListMessagesQuery::new().limit(5))
        .await
        .expect("listed");
    client.get_channel(TEXT_ID).await.expect("channel");
    client.current_user().await.expect("me");
    client.gateway_bot().await.expect("gateway");
    client
        .add_reaction(TEXT_ID, sent.id, "✅")
        .await
        .expect("reacted");
    client
        .create_thread(
            TEXT_ID,
            NewThread::from_message(sent.id, CreateThreadFromMessage::new("from a message")),
        )
        .await
        .expect("thread from a message");
    client
        .create_thread(TEXT_ID, CreateThread::public("standalone"))
        .await
        .expect("standalone thread");
    client
        .create_thread(
            ChannelId::new(FORUM),
            CreateForumThread::new("post", ForumThreadMessage::content("body")),
        )
        .await
        .expect("forum post");
    client
        .send_dm(UserId::new(FRIEND), CreateMessage::new().content("dm"))
        .await
        .expect("dm");
    client
        .delete_message(TEXT_ID, sent.id)
        .await
        .expect("deleted");
    let hooked = client
        .execute_webhook(ExecuteWebhook::new().content("hook"))
        .await
        .expect("executed")
        .expect("waited for the message");
    client
        .edit_webhook_message(
            WebhookTarget::default(),
            hooked.id,
            EditWebhookMessage::new().content("hook, edited"),
        )
        .await
        .expect("webhook message edited");
    client
        .delete_webhook_message(webhook(HOOK), hooked.id)
        .await
        .expect("webhook message deleted");
    client
        .get_webhook(webhook(HOOK))
        .await
        .expect("webhook fetched");

    let requests = spy.sent();
    assert_eq!(requests.len(), 18, "{requests:#?}");
    for request in requests {
        let path = request
            .path_and_query
            .split('?')
            .next()
            .expect("a path")
            .to_owned();
        let template = request
            .route
            .unwrap_or_else(|| panic!("{} {path} carries no route template", request.method));
        assert_eq!(template.as_str(), route_template(&path), "{path}");
        let method = Method::parse(request.method.as_str()).expect("a discord method");
        let key = RequestKey::from_path(method, &path);
        let limited = key
            .route()
            .trim_end_matches(DELETE_YOUNG_SUFFIX)
            .trim_end_matches(DELETE_OLD_SUFFIX);
        assert_eq!(template.as_str(), limited, "{path}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_webhook_is_fetched_without_its_token_and_a_deleted_one_is_unknown() {
    let (client, _fake, _spy) = setup();
    let hook = client.get_webhook(webhook(HOOK)).await.expect("alive");
    assert_eq!(hook.id.get(), HOOK);
    assert_eq!(hook.channel_id, Some(TEXT_ID));
    assert!(hook.token.is_none(), "the token is not kept");
    let error = client
        .get_webhook(webhook(999))
        .await
        .expect_err("no such webhook");
    assert!(
        matches!(
            error.kind(),
            bugle::ErrorKind::NotFound { code: Some(code), .. }
                if *code == bugle_model::error::JsonErrorCode::UNKNOWN_WEBHOOK
        ),
        "{error:?}"
    );
}

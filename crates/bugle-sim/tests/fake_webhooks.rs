//! `FakeDiscord` webhook-token routes through the Transport trait.

mod fake_support;

use bugle_model::channel::Channel;
use bugle_model::message::Message;
use fake_support::{FORUM, FORUM_HOOK, HOOK, HOOK_TOKEN, TEXT, anon, bot, builder};
use http::{Method, StatusCode};
use serde_json::json;

fn hook(query: &str) -> String {
    format!("/webhooks/{HOOK}/{HOOK_TOKEN}{query}")
}

#[tokio::test(start_paused = true)]
async fn execute_without_wait_is_204_and_with_wait_200_and_a_message() {
    let discord = builder().build();
    let quiet = anon(
        &discord,
        Method::POST,
        &hook(""),
        Some(json!({"content": "fire and forget"})),
    )
    .await;
    assert_eq!(quiet.status, StatusCode::NO_CONTENT);
    assert!(quiet.body.is_empty());
    let loud = anon(
        &discord,
        Method::POST,
        &hook("?wait=true"),
        Some(json!({"content": "confirmed"})),
    )
    .await;
    assert_eq!(loud.status, StatusCode::OK);
    let message: Message = loud.decode();
    assert_eq!(message.webhook_id.map(bugle_model::id::Id::get), Some(HOOK));
    assert_eq!(message.author.id.get(), HOOK);
    assert_eq!(discord.messages(TEXT).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn username_and_avatar_overrides_show_in_the_author() {
    let discord = builder().build();
    let body =
        json!({"content": "x", "username": "CI", "avatar_url": "https://example.com/ci.png"});
    let message: Message = anon(&discord, Method::POST, &hook("?wait=true"), Some(body))
        .await
        .decode();
    assert_eq!(message.author.username, "CI");
    assert!(message.author.avatar.is_some());
    assert_eq!(
        discord.webhook_avatar_url(message.id.get()).as_deref(),
        Some("https://example.com/ci.png")
    );
    let bad = anon(
        &discord,
        Method::POST,
        &hook("?wait=true"),
        Some(json!({"content": "x", "username": "discord bot"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json()["errors"]["username"]["_errors"][0]["code"],
        "USERNAME_INVALID_CONTAINS"
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_webhook_is_10015_and_wrong_token_50027() {
    let discord = builder().build();
    let unknown = anon(
        &discord,
        Method::POST,
        "/webhooks/999/abc",
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.json(),
        json!({"message": "Unknown Webhook", "code": 10015})
    );
    let wrong = anon(
        &discord,
        Method::POST,
        &format!("/webhooks/{HOOK}/wrong"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json(),
        json!({"message": "Invalid Webhook Token", "code": 50027})
    );
}

#[tokio::test(start_paused = true)]
async fn thread_id_posts_into_a_thread_and_edit_delete_need_it() {
    let discord = builder().build();
    let thread: Channel = bot(
        &discord,
        Method::POST,
        "/channels/100/threads",
        Some(json!({"name": "t", "type": 11})),
    )
    .await
    .decode();
    let query = format!("?wait=true&thread_id={}", thread.id);
    let message: Message = anon(
        &discord,
        Method::POST,
        &hook(&query),
        Some(json!({"content": "in thread"})),
    )
    .await
    .decode();
    assert_eq!(message.channel_id, thread.id);
    let path = format!("/webhooks/{HOOK}/{HOOK_TOKEN}/messages/{}", message.id);
    let without = anon(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"content": "edited"})),
    )
    .await;
    assert_eq!(without.json()["code"], 10008);
    let edit_path = format!("{path}?thread_id={}", thread.id);
    let edited = anon(
        &discord,
        Method::PATCH,
        &edit_path,
        Some(json!({"content": "edited"})),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(edited.decode::<Message>().content, "edited");
    let deleted = anon(&discord, Method::DELETE, &edit_path, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(discord.thread_messages(thread.id.get()).is_empty());
}

#[tokio::test(start_paused = true)]
async fn forum_webhooks_need_exactly_one_of_thread_name_and_thread_id() {
    let discord = builder().build();
    let forum_hook = |q: &str| format!("/webhooks/{FORUM_HOOK}/{HOOK_TOKEN}{q}");
    let neither = anon(
        &discord,
        Method::POST,
        &forum_hook(""),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(neither.json()["code"], 220_001);
    let created = anon(
        &discord,
        Method::POST,
        &forum_hook("?wait=true"),
        Some(json!({"content": "first", "thread_name": "incident"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    let first: Message = created.decode();
    let post = discord.channel(first.channel_id.get()).unwrap();
    assert_eq!(post.name.as_deref(), Some("incident"));
    assert_eq!(post.parent_id.map(bugle_model::id::Id::get), Some(FORUM));
    let both = anon(
        &discord,
        Method::POST,
        &forum_hook(&format!("?thread_id={}", post.id)),
        Some(json!({"content": "x", "thread_name": "y"})),
    )
    .await;
    assert_eq!(both.json()["code"], 220_002);
    let follow = anon(
        &discord,
        Method::POST,
        &forum_hook(&format!("?wait=true&thread_id={}", post.id)),
        Some(json!({"content": "update"})),
    )
    .await;
    assert_eq!(follow.decode::<Message>().channel_id, post.id);
    let not_forum = anon(
        &discord,
        Method::POST,
        &hook(""),
        Some(json!({"content": "x", "thread_name": "y"})),
    )
    .await;
    assert_eq!(not_forum.json()["code"], 220_003);
}

#[tokio::test(start_paused = true)]
async fn request_log_redacts_the_webhook_token() {
    let discord = builder().build();
    anon(
        &discord,
        Method::POST,
        &hook("?wait=true"),
        Some(json!({"content": "x"})),
    )
    .await;
    let log = discord.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].path,
        format!("/api/v10/webhooks/{HOOK}/[redacted]?wait=true")
    );
    assert!(!format!("{log:?}").contains(HOOK_TOKEN));
    assert!(!format!("{discord:?}").contains(fake_support::TOKEN));
    assert_eq!(log[0].status, Some(StatusCode::OK));
}

#[tokio::test(start_paused = true)]
async fn components_are_dropped_for_non_app_webhooks_without_with_components() {
    let discord = builder().build();
    let row = json!([{"type": 1, "components": [{"type": 2, "style": 5, "label": "docs", "url": "https://example.com"}]}]);
    let plain: Message = anon(
        &discord,
        Method::POST,
        &hook("?wait=true"),
        Some(json!({"content": "x", "components": row})),
    )
    .await
    .decode();
    assert!(plain.components.is_empty());
    let with: Message = anon(
        &discord,
        Method::POST,
        &hook("?wait=true&with_components=true"),
        Some(json!({"content": "x", "components": row})),
    )
    .await
    .decode();
    assert_eq!(with.components.len(), 1);
}

//! `FakeDiscord` reactions, threads, forum posts and DMs through the Transport trait.

mod fake_support;

use bugle_model::channel::{Channel, ChannelType};
use bugle_model::message::Message;
use bugle_sim::fake::{ChannelSeed, FakeDiscord};
use fake_support::{FORUM, FRIEND, NEWS, TEXT, bot, builder};
use http::{Method, StatusCode};
use serde_json::json;

async fn post(discord: &FakeDiscord, channel: u64, content: &str) -> Message {
    bot(
        discord,
        Method::POST,
        &format!("/channels/{channel}/messages"),
        Some(json!({"content": content})),
    )
    .await
    .decode()
}

#[tokio::test(start_paused = true)]
async fn unicode_and_custom_reactions_are_added_and_removed() {
    let discord = builder().build();
    let message = post(&discord, TEXT, "react to me").await;
    let base = format!("/channels/100/messages/{}/reactions", message.id);
    let fire = bot(
        &discord,
        Method::PUT,
        &format!("{base}/%F0%9F%94%A5/@me"),
        None,
    )
    .await;
    assert_eq!(fire.status, StatusCode::NO_CONTENT);
    tokio::time::advance(std::time::Duration::from_millis(250)).await;
    let custom = bot(
        &discord,
        Method::PUT,
        &format!("{base}/shipit:123456789012345678/@me"),
        None,
    )
    .await;
    assert_eq!(custom.status, StatusCode::NO_CONTENT);
    let reactions = discord.reactions(TEXT, message.id.get());
    assert_eq!(reactions.len(), 2);
    assert_eq!(reactions[0].emoji.name.as_deref(), Some("🔥"));
    assert!(reactions[0].me);
    assert_eq!(reactions[0].count, 1);
    assert_eq!(
        reactions[1].emoji.id.map(bugle_model::id::Id::get),
        Some(123_456_789_012_345_678)
    );
    tokio::time::advance(std::time::Duration::from_millis(250)).await;
    let removed = bot(
        &discord,
        Method::DELETE,
        &format!("{base}/%F0%9F%94%A5/@me"),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(discord.reactions(TEXT, message.id.get()).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn unencoded_or_malformed_emoji_is_10014() {
    let discord = builder().build();
    let message = post(&discord, TEXT, "x").await;
    for emoji in ["fire", "%FF%FE", "name:notanid"] {
        tokio::time::advance(std::time::Duration::from_secs(1)).await;
        let path = format!(
            "/channels/100/messages/{}/reactions/{emoji}/@me",
            message.id
        );
        let answer = bot(&discord, Method::PUT, &path, None).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{emoji}");
        assert_eq!(
            answer.json(),
            json!({"message": "Unknown Emoji", "code": 10014})
        );
    }
}

#[tokio::test(start_paused = true)]
async fn thread_from_message_has_the_message_id_and_only_once() {
    let discord = builder().build();
    let message = post(&discord, TEXT, "deploy #42").await;
    let path = format!("/channels/100/messages/{}/threads", message.id);
    let answer = bot(
        &discord,
        Method::POST,
        &path,
        Some(json!({"name": "deploy 42", "auto_archive_duration": 1440})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let thread: Channel = answer.decode();
    assert_eq!(thread.id.get(), message.id.get());
    assert_eq!(thread.kind, ChannelType::PublicThread);
    assert_eq!(thread.parent_id.map(bugle_model::id::Id::get), Some(TEXT));
    assert_eq!(thread.name.as_deref(), Some("deploy 42"));
    let again = bot(
        &discord,
        Method::POST,
        &path,
        Some(json!({"name": "again"})),
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["code"], 160_004);
    // Messages in the thread are the thread's, and the starter shows its thread.
    post(&discord, thread.id.get(), "step 1").await;
    assert_eq!(
        discord.thread_messages(thread.id.get())[0].content,
        "step 1"
    );
    let starter = discord.message(message.id.get()).unwrap();
    assert_eq!(starter.thread.unwrap().id, thread.id);
}

#[tokio::test(start_paused = true)]
async fn thread_from_message_in_announcement_channel_is_type_10() {
    let discord = builder().build();
    let message = post(&discord, NEWS, "news").await;
    let path = format!("/channels/101/messages/{}/threads", message.id);
    let thread: Channel = bot(&discord, Method::POST, &path, Some(json!({"name": "n"})))
        .await
        .decode();
    assert_eq!(thread.kind, ChannelType::AnnouncementThread);
}

#[tokio::test(start_paused = true)]
async fn thread_without_message_defaults_to_private_and_checks_the_name() {
    let discord = builder().build();
    let private = bot(
        &discord,
        Method::POST,
        "/channels/100/threads",
        Some(json!({"name": "secret"})),
    )
    .await;
    assert_eq!(private.status, StatusCode::CREATED);
    assert_eq!(private.decode::<Channel>().kind, ChannelType::PrivateThread);
    let public: Channel = bot(
        &discord,
        Method::POST,
        "/channels/100/threads",
        Some(json!({"name": "open", "type": 11})),
    )
    .await
    .decode();
    assert_eq!(public.kind, ChannelType::PublicThread);
    let bad = bot(
        &discord,
        Method::POST,
        "/channels/100/threads",
        Some(json!({"name": "", "type": 11})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json()["errors"]["name"]["_errors"][0]["code"],
        "BASE_TYPE_BAD_LENGTH"
    );
    assert_eq!(discord.threads(TEXT).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn forum_post_returns_the_thread_with_its_message_and_tags() {
    let discord = FakeDiscord::builder()
        .bot_token(fake_support::TOKEN)
        .channel(
            ChannelSeed::forum(FORUM)
                .tag(7, "bug")
                .tag(8, "ops")
                .require_tag(),
        )
        .build();
    let body = json!({"name": "outage", "applied_tags": ["7"], "message": {"content": "db down"}});
    let answer = bot(&discord, Method::POST, "/channels/102/threads", Some(body)).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let post: Channel = answer.decode();
    assert_eq!(post.kind, ChannelType::PublicThread);
    assert_eq!(
        post.applied_tags
            .iter()
            .map(|tag| tag.get())
            .collect::<Vec<_>>(),
        vec![7]
    );
    let message = post.message.expect("forum post carries its message");
    assert_eq!(message.id.get(), post.id.get());
    assert_eq!(message.channel_id, post.id);
    assert_eq!(message.content, "db down");
    let untagged = bot(
        &discord,
        Method::POST,
        "/channels/102/threads",
        Some(json!({"name": "x", "message": {"content": "y"}})),
    )
    .await;
    assert_eq!(untagged.json()["code"], 40067);
    let no_message = bot(
        &discord,
        Method::POST,
        "/channels/102/threads",
        Some(json!({"name": "x", "applied_tags": ["7"]})),
    )
    .await;
    assert_eq!(
        no_message.json()["errors"]["message"]["_errors"][0]["code"],
        "BASE_TYPE_REQUIRED"
    );
}

#[tokio::test(start_paused = true)]
async fn dm_channel_is_created_once_per_recipient() {
    let discord = builder().build();
    let first = bot(
        &discord,
        Method::POST,
        "/users/@me/channels",
        Some(json!({"recipient_id": FRIEND.to_string()})),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let first: Channel = first.decode();
    assert_eq!(first.kind, ChannelType::Dm);
    assert_eq!(first.recipients[0].id.get(), FRIEND);
    let second: Channel = bot(
        &discord,
        Method::POST,
        "/users/@me/channels",
        Some(json!({"recipient_id": FRIEND})),
    )
    .await
    .decode();
    assert_eq!(first.id, second.id);
    let sent = post(&discord, first.id.get(), "hi friend").await;
    assert_eq!(sent.channel_id, first.id);
    let unknown = bot(
        &discord,
        Method::POST,
        "/users/@me/channels",
        Some(json!({"recipient_id": "999"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["code"], 10013);
}

//! `FakeDiscord`'s read routes: the current user, the gateway, a channel, a message and a
//! channel's history, in Discord's shapes (checked against the `OpenAPI` spec's required
//! fields), with Discord's errors and rate-limit headers.

mod fake_support;

use std::time::Duration;

use bugle_model::channel::{Channel, ChannelType};
use bugle_model::id::Id;
use bugle_model::message::Message;
use bugle_model::user::User;
use bugle_sim::fake::{BucketRule, FakeDiscord, FakeRateLimits, MESSAGE_GET_BUCKET, RouteKind};
use fake_support::{Answer, FRIEND, TEXT, anon, bot, builder};
use http::{Method, StatusCode};
use serde_json::{Value, json};

/// The spec's schema `name`.
fn schema(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/openapi.json");
    let text = std::fs::read_to_string(path).expect("fixtures/openapi.json is readable");
    let spec: Value = serde_json::from_str(&text).expect("the spec is json");
    spec["components"]["schemas"][name].clone()
}

/// Asserts `value` has every field schema `name` requires.
fn has_required_fields(value: &Value, name: &str) {
    let schema = schema(name);
    let required = schema["required"].as_array().expect("a required list");
    for field in required {
        let field = field.as_str().expect("a field name");
        assert!(
            value.get(field).is_some(),
            "{name} requires {field}, missing from {value}"
        );
    }
}

/// A second text channel.
const OTHER: u64 = 103;

/// A fake without rate limits, for tests that send many messages.
fn unlimited() -> FakeDiscord {
    builder().rate_limits(FakeRateLimits::disabled()).build()
}

async fn post(discord: &FakeDiscord, channel: u64, content: &str) -> u64 {
    let answer = bot(
        discord,
        Method::POST,
        &format!("/channels/{channel}/messages"),
        Some(json!({ "content": content })),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.json()["id"].as_str().unwrap().parse().unwrap()
}

/// Posts `count` messages `"0"`, `"1"`, ... to the text channel; their ids, oldest first.
async fn history(discord: &FakeDiscord, count: usize) -> Vec<u64> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        ids.push(post(discord, TEXT, &n.to_string()).await);
    }
    ids
}

async fn list(discord: &FakeDiscord, query: &str) -> Answer {
    bot(
        discord,
        Method::GET,
        &format!("/channels/{TEXT}/messages{query}"),
        None,
    )
    .await
}

fn contents(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer
        .decode::<Vec<Message>>()
        .into_iter()
        .map(|m| m.content)
        .collect()
}

fn form_error(answer: &Answer, field: &str) -> String {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
    let body = answer.json();
    assert_eq!(body["code"], 50035);
    assert_eq!(body["message"], "Invalid Form Body");
    body["errors"][field]["_errors"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error at {field}: {body}"))
        .to_owned()
}

#[tokio::test(start_paused = true)]
async fn current_user_is_the_bot_in_discords_shape() {
    let discord = builder().bot_user(77, "relay-bot").build();
    let answer = bot(&discord, Method::GET, "/users/@me", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    has_required_fields(&body, "UserPIIResponse");
    has_required_fields(&body, "UserResponse");
    assert_eq!(body["id"], "77");
    assert_eq!(body["username"], "relay-bot");
    assert_eq!(body["discriminator"], "0");
    assert_eq!(body["bot"], true);
    assert_eq!(body["global_name"], Value::Null);
    assert_eq!(body["avatar"], Value::Null);
    assert_eq!(body["mfa_enabled"], false);
    assert_eq!(body["verified"], true);
    let user: User = answer.decode();
    assert_eq!(user.id.get(), discord.bot_user_id());
    assert!(user.bot);
}

#[tokio::test(start_paused = true)]
async fn current_user_needs_the_bot_token() {
    let discord = builder().build();
    let answer = anon(&discord, Method::GET, "/users/@me", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["code"], 0);
    let answer = bot(&discord, Method::PATCH, "/users/@me", None).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test(start_paused = true)]
async fn gateway_bot_gives_the_url_one_shard_and_the_session_start_limit() {
    let discord = builder().build();
    let answer = bot(&discord, Method::GET, "/gateway/bot", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    has_required_fields(&body, "GatewayBotResponse");
    has_required_fields(
        &body["session_start_limit"],
        "GatewayBotSessionStartLimitResponse",
    );
    assert_eq!(body["url"], "wss://gateway.discord.gg");
    assert_eq!(body["shards"], 1);
    let limit = &body["session_start_limit"];
    assert_eq!(limit["total"], 1000);
    assert_eq!(limit["remaining"], 1000);
    assert_eq!(limit["max_concurrency"], 1);
    assert!(limit["reset_after"].is_u64());
    let anonymous = anon(&discord, Method::GET, "/gateway/bot", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(start_paused = true)]
async fn get_channel_returns_a_known_channel() {
    let discord = builder().build();
    let id = post(&discord, TEXT, "last").await;
    let answer = bot(&discord, Method::GET, &format!("/channels/{TEXT}"), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    has_required_fields(&answer.json(), "GuildChannelResponse");
    let channel: Channel = answer.decode();
    assert_eq!(channel.id.get(), TEXT);
    assert_eq!(channel.kind, ChannelType::GuildText);
    assert_eq!(channel.guild_id.map(Id::get), Some(1));
    assert_eq!(channel.last_message_id.map(Id::get), Some(id));
    assert_eq!(discord.channel(TEXT), Some(channel));
}

#[tokio::test(start_paused = true)]
async fn get_channel_returns_a_dm_channel_with_its_recipient() {
    let discord = builder().build();
    let dm = bot(
        &discord,
        Method::POST,
        "/users/@me/channels",
        Some(json!({ "recipient_id": FRIEND.to_string() })),
    )
    .await
    .json();
    let id = dm["id"].as_str().unwrap();
    let answer = bot(&discord, Method::GET, &format!("/channels/{id}"), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    has_required_fields(&answer.json(), "PrivateChannelResponse");
    let channel: Channel = answer.decode();
    assert_eq!(channel.kind, ChannelType::Dm);
    assert_eq!(channel.recipients[0].id.get(), FRIEND);
}

#[tokio::test(start_paused = true)]
async fn unknown_channels_are_10003_unless_auto_created() {
    let discord = builder().build();
    for path in ["/channels/4040", "/channels/4040/messages"] {
        let answer = bot(&discord, Method::GET, path, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            answer.json(),
            json!({"message": "Unknown Channel", "code": 10003})
        );
    }
    let auto = builder().auto_create_channels(true).build();
    let answer = bot(&auto, Method::GET, "/channels/4040", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["id"], "4040");
    let empty = list(&auto, "").await;
    assert_eq!(empty.status, StatusCode::OK);
    let answer = bot(&auto, Method::GET, "/channels/4041/messages", None).await;
    assert_eq!(answer.json(), json!([]));
}

#[tokio::test(start_paused = true)]
async fn bad_channel_ids_are_a_form_error() {
    let discord = builder().build();
    let answer = bot(&discord, Method::GET, "/channels/general", None).await;
    assert_eq!(form_error(&answer, "channel_id"), "NUMBER_TYPE_COERCE");
}

#[tokio::test(start_paused = true)]
async fn get_message_returns_it_and_10008_for_unknown_or_elsewhere() {
    let discord = builder().text_channel(OTHER).build();
    let id = post(&discord, TEXT, "kept").await;
    let answer = bot(
        &discord,
        Method::GET,
        &format!("/channels/{TEXT}/messages/{id}"),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    has_required_fields(&answer.json(), "MessageResponse");
    let message: Message = answer.decode();
    assert_eq!(message.content, "kept");
    assert_eq!(message.nonce, None, "a fetched message carries no nonce");
    let unknown = json!({"message": "Unknown Message", "code": 10008});
    let missing = bot(
        &discord,
        Method::GET,
        &format!("/channels/{TEXT}/messages/1"),
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json(), unknown);
    let elsewhere = bot(
        &discord,
        Method::GET,
        &format!("/channels/{OTHER}/messages/{id}"),
        None,
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.json(), unknown);
}

#[tokio::test(start_paused = true)]
async fn list_is_newest_first_fifty_by_default() {
    let discord = unlimited();
    history(&discord, 60).await;
    let page = list(&discord, "").await;
    for message in page.json().as_array().unwrap() {
        has_required_fields(message, "MessageResponse");
    }
    let page = contents(&page);
    assert_eq!(page.len(), 50);
    assert_eq!(page[0], "59");
    assert_eq!(page[49], "10");
}

#[tokio::test(start_paused = true)]
async fn list_pages_before_after_and_around_an_id() {
    let discord = unlimited();
    let ids = history(&discord, 10).await;
    assert_eq!(contents(&list(&discord, "?limit=3").await), ["9", "8", "7"]);
    let before = format!("?before={}&limit=3", ids[5]);
    assert_eq!(contents(&list(&discord, &before).await), ["4", "3", "2"]);
    let after = format!("?after={}&limit=3", ids[5]);
    assert_eq!(contents(&list(&discord, &after).await), ["8", "7", "6"]);
    let around = format!("?around={}&limit=4", ids[5]);
    assert_eq!(
        contents(&list(&discord, &around).await),
        ["7", "6", "5", "4"]
    );
    let itself = format!("?around={}&limit=1", ids[5]);
    assert_eq!(contents(&list(&discord, &itself).await), ["5"]);
    let oldest = format!("?before={}", ids[0]);
    assert!(contents(&list(&discord, &oldest).await).is_empty());
    let newest = format!("?after={}", ids[9]);
    assert!(contents(&list(&discord, &newest).await).is_empty());
}

#[tokio::test(start_paused = true)]
async fn paging_before_the_oldest_of_each_page_walks_the_whole_history() {
    let discord = unlimited();
    history(&discord, 25).await;
    let mut seen = Vec::new();
    let mut query = "?limit=10".to_owned();
    loop {
        let page = list(&discord, &query).await.decode::<Vec<Message>>();
        let Some(oldest) = page.last() else { break };
        query = format!("?limit=10&before={}", oldest.id);
        seen.extend(page.into_iter().map(|m| m.content));
    }
    let expected: Vec<String> = (0..25).rev().map(|n| n.to_string()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test(start_paused = true)]
async fn list_leaves_out_deleted_messages_and_other_channels() {
    let discord = builder()
        .text_channel(OTHER)
        .rate_limits(FakeRateLimits::disabled())
        .build();
    let ids = history(&discord, 3).await;
    post(&discord, OTHER, "elsewhere").await;
    let path = format!("/channels/{TEXT}/messages/{}", ids[1]);
    assert_eq!(
        bot(&discord, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(contents(&list(&discord, "").await), ["2", "0"]);
}

#[tokio::test(start_paused = true)]
async fn list_limit_is_1_to_100() {
    let discord = unlimited();
    history(&discord, 2).await;
    assert_eq!(contents(&list(&discord, "?limit=1").await), ["1"]);
    assert_eq!(contents(&list(&discord, "?limit=100").await), ["1", "0"]);
    let cases = [
        ("0", "NUMBER_TYPE_MIN"),
        ("-3", "NUMBER_TYPE_MIN"),
        ("101", "NUMBER_TYPE_MAX"),
        ("ten", "NUMBER_TYPE_COERCE"),
        ("", "NUMBER_TYPE_COERCE"),
    ];
    for (limit, code) in cases {
        let answer = list(&discord, &format!("?limit={limit}")).await;
        assert_eq!(form_error(&answer, "limit"), code, "limit={limit}");
    }
    let answer = list(&discord, "?limit=0").await;
    assert_eq!(
        answer.json()["errors"]["limit"]["_errors"][0]["message"],
        "int value should be greater than or equal to 1."
    );
}

#[tokio::test(start_paused = true)]
async fn list_anchors_must_be_snowflakes_and_only_one_is_allowed() {
    let discord = builder().build();
    let answer = list(&discord, "?before=yesterday").await;
    assert_eq!(form_error(&answer, "before"), "NUMBER_TYPE_COERCE");
    let answer = list(&discord, "?before=5&after=3").await;
    assert_eq!(form_error(&answer, "after"), "QUERY_PARAMS_EXCLUSIVE");
    // Every problem is reported at once.
    let answer = list(&discord, "?limit=500&around=x").await;
    assert_eq!(form_error(&answer, "limit"), "NUMBER_TYPE_MAX");
    assert_eq!(form_error(&answer, "around"), "NUMBER_TYPE_COERCE");
}

#[tokio::test(start_paused = true)]
async fn a_listed_reply_carries_its_referenced_message() {
    let discord = builder().build();
    let first = post(&discord, TEXT, "question").await;
    let body = json!({"content": "answer", "message_reference": {"message_id": first.to_string()}});
    let reply = bot(&discord, Method::POST, "/channels/100/messages", Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let page: Vec<Message> = list(&discord, "").await.decode();
    assert_eq!(page[0].replied_to().unwrap().content, "question");
    assert_eq!(page[1].content, "question");
}

#[tokio::test(start_paused = true)]
async fn get_message_keeps_its_own_bucket_headers() {
    let discord = builder().build();
    let id = post(&discord, TEXT, "x").await;
    let answer = bot(
        &discord,
        Method::GET,
        &format!("/channels/{TEXT}/messages/{id}"),
        None,
    )
    .await;
    assert_eq!(
        answer.header("x-ratelimit-bucket"),
        Some(MESSAGE_GET_BUCKET)
    );
    assert_eq!(answer.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("4"));
}

/// A configuration giving each read route its own bucket of 2 per second.
fn read_buckets() -> FakeRateLimits {
    let second = Duration::from_secs(1);
    [
        ("list", RouteKind::ListMessages),
        ("channel", RouteKind::GetChannel),
        ("me", RouteKind::GetCurrentUser),
        ("gateway", RouteKind::GetGatewayBot),
    ]
    .into_iter()
    .fold(
        FakeRateLimits::discord_defaults(),
        |config, (hash, route)| config.bucket(BucketRule::new(hash, 2, second, [route])),
    )
}

#[tokio::test(start_paused = true)]
async fn read_routes_are_limited_per_bucket_with_headers_and_429s() {
    let discord = builder().rate_limits(read_buckets()).build();
    let paths = [
        (format!("/channels/{TEXT}/messages"), "list"),
        (format!("/channels/{TEXT}"), "channel"),
        ("/users/@me".to_owned(), "me"),
        ("/gateway/bot".to_owned(), "gateway"),
    ];
    for (path, hash) in &paths {
        let first = bot(&discord, Method::GET, path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert_eq!(first.header("x-ratelimit-bucket"), Some(*hash), "{path}");
        assert_eq!(first.header("x-ratelimit-limit"), Some("2"), "{path}");
        assert_eq!(first.header("x-ratelimit-remaining"), Some("1"), "{path}");
        assert_eq!(first.header("x-ratelimit-reset-after"), Some("1.000"));
        let second = bot(&discord, Method::GET, path, None).await;
        assert_eq!(second.header("x-ratelimit-remaining"), Some("0"), "{path}");
        let limited = bot(&discord, Method::GET, path, None).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert_eq!(limited.header("x-ratelimit-scope"), Some("user"), "{path}");
        assert_eq!(limited.json()["global"], false);
    }
    tokio::time::advance(Duration::from_secs(1)).await;
    for (path, _) in &paths {
        let again = bot(&discord, Method::GET, path, None).await;
        assert_eq!(again.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test(start_paused = true)]
async fn channel_reads_are_bucketed_per_channel() {
    let discord = builder()
        .text_channel(OTHER)
        .rate_limits(read_buckets())
        .build();
    for _ in 0..2 {
        let answer = list(&discord, "").await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    assert_eq!(
        list(&discord, "").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let other = bot(
        &discord,
        Method::GET,
        &format!("/channels/{OTHER}/messages"),
        None,
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.header("x-ratelimit-remaining"), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn the_request_log_names_the_read_routes() {
    let discord = builder().build();
    bot(&discord, Method::GET, "/users/@me", None).await;
    bot(&discord, Method::GET, "/gateway/bot", None).await;
    list(&discord, "?limit=2").await;
    let routes: Vec<_> = discord.request_log().into_iter().map(|r| r.route).collect();
    assert_eq!(
        routes,
        [
            Some(RouteKind::GetCurrentUser),
            Some(RouteKind::GetGatewayBot),
            Some(RouteKind::ListMessages),
        ]
    );
    assert_eq!(
        RouteKind::ListMessages.template(),
        "GET /channels/{channel.id}/messages"
    );
}

#[tokio::test(start_paused = true)]
async fn read_routes_have_default_buckets_with_headers() {
    use bugle_sim::fake::{
        CHANNEL_GET_BUCKET, CURRENT_USER_BUCKET, GATEWAY_BOT_BUCKET, MESSAGE_LIST_BUCKET,
    };
    let discord = builder().build();
    let paths = [
        (format!("/channels/{TEXT}/messages"), MESSAGE_LIST_BUCKET),
        (format!("/channels/{TEXT}"), CHANNEL_GET_BUCKET),
        ("/users/@me".to_owned(), CURRENT_USER_BUCKET),
        ("/gateway/bot".to_owned(), GATEWAY_BOT_BUCKET),
    ];
    for (path, hash) in &paths {
        let answer = bot(&discord, Method::GET, path, None).await;
        assert_eq!(answer.header("x-ratelimit-bucket"), Some(*hash), "{path}");
        assert_eq!(answer.header("x-ratelimit-limit"), Some("5"), "{path}");
        assert_eq!(answer.header("x-ratelimit-remaining"), Some("4"), "{path}");
        assert_eq!(answer.header("x-ratelimit-reset-after"), Some("5.000"));
    }
}

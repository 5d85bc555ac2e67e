//! The read operations through `DiscordClient` against `FakeDiscord`: a
//! message, a channel's history, a channel, the bot user and the gateway;
//! in process, over loopback HTTP, and recorded then replayed.

mod client_support;

use std::time::Duration;

use bugle::telemetry::REQUESTS_TOTAL;
use bugle::{DiscordClient, ErrorKind, Simulation};
use bugle_model::channel::ChannelType;
use bugle_model::history::ListMessagesQuery;
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::message::Message;
use bugle_model::request::CreateMessage;
use bugle_sim::fake::{BucketRule, FakeRateLimits, FaultConfig, Outage, RouteKind};
use client_support::{
    OTHER, TEXT, TOKEN, config_builder, fake_builder, setup, setup_with, temp_dir,
};
use http::{Method, StatusCode};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

/// Sends `count` messages `"0"`, `"1"`, ... to the text channel, oldest first.
async fn post_history(client: &DiscordClient, count: usize) -> Vec<Message> {
    let mut sent = Vec::with_capacity(count);
    for n in 0..count {
        let message = CreateMessage::new().content(n.to_string());
        sent.push(client.send_message(TEXT_ID, message).await.expect("sent"));
    }
    sent
}

fn contents(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

#[tokio::test(start_paused = true)]
async fn get_message_fetches_what_was_sent() {
    let (client, _fake, spy) = setup();
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("fetch me"))
        .await
        .expect("sent");
    let fetched = client.get_message(TEXT_ID, sent.id).await.expect("fetched");
    assert_eq!(fetched.id, sent.id);
    assert_eq!(fetched.content, "fetch me");
    assert_eq!(fetched.nonce, None);
    let request = spy.last();
    assert_eq!(request.method, Method::GET);
    assert_eq!(
        request.path_and_query,
        format!("/api/v10/channels/{TEXT}/messages/{}", sent.id)
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bot {TOKEN}").as_str())
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test(start_paused = true)]
async fn get_message_of_an_unknown_message_is_not_found_and_not_retried() {
    let (client, _fake, spy) = setup();
    let error = client
        .get_message(TEXT_ID, MessageId::new(1))
        .await
        .expect_err("unknown");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("Unknown Message"), "{error}");
    assert_eq!(spy.sent().len(), 1);
    let error = client
        .get_message(ChannelId::new(4_040), MessageId::new(1))
        .await
        .expect_err("unknown channel");
    assert!(error.to_string().contains("Unknown Channel"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn reads_resolve_channel_route_names() {
    let (client, _fake, spy) = setup();
    let sent = client
        .send_message("deploys", CreateMessage::new().content("named"))
        .await
        .expect("sent");
    let fetched = client
        .get_message("deploys", sent.id)
        .await
        .expect("fetched");
    assert_eq!(fetched.channel_id, ChannelId::new(OTHER));
    let page = client
        .list_messages("deploys", ListMessagesQuery::new())
        .await
        .expect("listed");
    assert_eq!(contents(&page), ["named"]);
    let error = client
        .list_messages("nowhere", ListMessagesQuery::new())
        .await
        .expect_err("no such route");
    assert!(
        matches!(error.kind(), ErrorKind::UnknownChannelRoute { .. }),
        "{error:?}"
    );
    assert_eq!(spy.sent().len(), 3, "nothing sent for the unknown route");
}

#[tokio::test(start_paused = true)]
async fn list_messages_is_newest_first_around_an_anchor() {
    let (client, _fake, spy) = setup();
    let sent = post_history(&client, 8).await;
    let all = client
        .list_messages(TEXT_ID, ListMessagesQuery::new())
        .await
        .expect("listed");
    assert_eq!(contents(&all), ["7", "6", "5", "4", "3", "2", "1", "0"]);
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/channels/{TEXT}/messages")
    );

    let anchor = sent[4].id;
    let cases = [
        (ListMessagesQuery::new().limit(2), vec!["7", "6"]),
        (
            ListMessagesQuery::new().before(anchor).limit(2),
            vec!["3", "2"],
        ),
        (
            ListMessagesQuery::new().after(anchor).limit(2),
            vec!["6", "5"],
        ),
        (
            ListMessagesQuery::new().around(anchor).limit(3),
            vec!["5", "4", "3"],
        ),
    ];
    for (query, expected) in cases {
        let page = client.list_messages(TEXT_ID, query).await.expect("listed");
        assert_eq!(contents(&page), expected, "{query:?}");
        assert_eq!(
            spy.last().path_and_query,
            format!(
                "/api/v10/channels/{TEXT}/messages?{}",
                query.to_query_string()
            )
        );
    }
}

#[tokio::test(start_paused = true)]
async fn list_messages_walks_back_through_the_history_page_by_page() {
    let (client, _fake, _spy) = setup_with(
        fake_builder().rate_limits(FakeRateLimits::disabled()),
        config_builder(),
    );
    post_history(&client, 12).await;
    let mut query = ListMessagesQuery::new().limit(5);
    let mut seen = Vec::new();
    loop {
        let page = client.list_messages(TEXT_ID, query).await.expect("listed");
        let Some(oldest) = page.last() else { break };
        query = query.before(oldest.id);
        seen.extend(page.into_iter().map(|m| m.content));
    }
    let expected: Vec<String> = (0..12).rev().map(|n| n.to_string()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test(start_paused = true)]
async fn list_messages_refuses_a_bad_query_without_sending() {
    let (client, _fake, spy) = setup();
    let id = MessageId::new(5);
    let cases = [
        (ListMessagesQuery::new().limit(0), "limit"),
        (ListMessagesQuery::new().limit(101), "limit"),
        (ListMessagesQuery::new().before(id).after(id), "after"),
        (ListMessagesQuery::new().around(id).before(id), "before"),
    ];
    for (query, field) in cases {
        let error = client
            .list_messages(TEXT_ID, query)
            .await
            .expect_err("invalid");
        assert!(
            matches!(error.kind(), ErrorKind::Validation { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
    assert!(spy.sent().is_empty(), "nothing was sent");
    for limit in [1, 100] {
        client
            .list_messages(TEXT_ID, ListMessagesQuery::new().limit(limit))
            .await
            .expect("the bounds are allowed");
    }
}

#[tokio::test(start_paused = true)]
async fn get_channel_returns_the_channel() {
    let (client, fake, spy) = setup();
    let channel = client.get_channel(TEXT_ID).await.expect("fetched");
    assert_eq!(channel.id, TEXT_ID);
    assert_eq!(channel.kind, ChannelType::GuildText);
    assert_eq!(fake.channel(TEXT), Some(channel));
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/channels/{TEXT}")
    );
    let error = client
        .get_channel(ChannelId::new(4_040))
        .await
        .expect_err("unknown");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn current_user_is_the_bot_and_gateway_bot_says_where_to_connect() {
    let (client, fake, spy) = setup();
    let me = client.current_user().await.expect("fetched");
    assert_eq!(me.id.get(), fake.bot_user_id());
    assert!(me.bot);
    assert_eq!(me.discriminator, "0");
    assert_eq!(spy.last().path_and_query, "/api/v10/users/@me");
    let gateway = client.gateway_bot().await.expect("fetched");
    assert_eq!(gateway.url, "wss://gateway.discord.gg");
    assert_eq!(gateway.shards, 1);
    assert_eq!(gateway.session_start_limit.total, 1000);
    assert_eq!(gateway.session_start_limit.max_concurrency, 1);
    assert_eq!(spy.last().path_and_query, "/api/v10/gateway/bot");
}

#[tokio::test(start_paused = true)]
async fn a_wrong_token_is_unauthorized_for_current_user() {
    let (client, _fake, _spy) =
        setup_with(fake_builder(), config_builder().bot_token("not-the-token"));
    let error = client.current_user().await.expect_err("wrong token");
    assert!(
        matches!(error.kind(), ErrorKind::Unauthorized { .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_through_a_server_outage() {
    // Fixed jitter: retries at 250 ms and 750 ms; the outage ends at 300 ms.
    let faults = FaultConfig::none().outage(Outage::new(
        Duration::ZERO,
        Duration::from_millis(300),
        StatusCode::INTERNAL_SERVER_ERROR,
    ));
    let (client, fake, spy) = setup_with(fake_builder().faults(faults), config_builder());
    let page = client
        .list_messages(TEXT_ID, ListMessagesQuery::new())
        .await
        .expect("listed after retries");
    assert!(page.is_empty());
    assert_eq!(spy.sent().len(), 3);
    assert_eq!(fake.counters().faults_injected, 2);
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_reads_is_paced_by_the_rate_limiter_without_a_429() {
    // Message fetches: 5 per second. History: 2 per second, a rule of the test's own.
    let limits = FakeRateLimits::discord_defaults().bucket(BucketRule::new(
        "history",
        2,
        Duration::from_secs(1),
        [RouteKind::ListMessages],
    ));
    let (client, fake, _spy) = setup_with(fake_builder().rate_limits(limits), config_builder());
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect("sent");
    for _ in 0..12 {
        client.get_message(TEXT_ID, sent.id).await.expect("fetched");
    }
    for _ in 0..5 {
        client
            .list_messages(TEXT_ID, ListMessagesQuery::new())
            .await
            .expect("listed");
    }
    let counters = fake.counters();
    assert_eq!(counters.rate_limited_user, 0, "{counters:?}");
    assert_eq!(counters.rate_limited_global, 0, "{counters:?}");
    assert_eq!(counters.requests, 18);
}

#[tokio::test]
async fn reads_work_over_loopback_http() {
    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let config = config_builder()
        .base_url(format!("http://{}/api", server.local_addr()))
        .allow_plain_http(true)
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("client");
    let sent = post_history(&client, 3).await;

    let me = client.current_user().await.expect("me");
    assert_eq!(me.id.get(), fake.bot_user_id());
    let gateway = client.gateway_bot().await.expect("gateway");
    assert_eq!(gateway.shards, 1);
    let channel = client.get_channel(TEXT_ID).await.expect("channel");
    assert_eq!(channel.last_message_id, Some(sent[2].id));
    let fetched = client
        .get_message(TEXT_ID, sent[1].id)
        .await
        .expect("message");
    assert_eq!(fetched.content, "1");
    let page = client
        .list_messages(TEXT_ID, ListMessagesQuery::new().after(sent[0].id))
        .await
        .expect("page");
    assert_eq!(contents(&page), ["2", "1"]);
    let error = client
        .get_message(TEXT_ID, MessageId::new(1))
        .await
        .expect_err("unknown");
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn reads_are_recorded_and_replayed() {
    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let dir = temp_dir("record-reads");
    let path = dir.join("reads.json");
    let config = config_builder()
        .base_url(format!("http://{}/api", server.local_addr()))
        .allow_plain_http(true)
        .simulation(Simulation::Record(path.clone()))
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("client");
    let sent = client
        .send_message(TEXT_ID, CreateMessage::new().content("recorded"))
        .await
        .expect("sent");
    let query = ListMessagesQuery::new().limit(10);
    let me = client.current_user().await.expect("me");
    let gateway = client.gateway_bot().await.expect("gateway");
    let channel = client.get_channel(TEXT_ID).await.expect("channel");
    let fetched = client.get_message(TEXT_ID, sent.id).await.expect("message");
    let page = client.list_messages(TEXT_ID, query).await.expect("page");
    server.shutdown().await;
    client.save_recording().expect("saved");
    let text = std::fs::read_to_string(&path).expect("the cassette was written");
    assert!(!text.contains(TOKEN), "the bot token was recorded");

    let replay = DiscordClient::new(
        config_builder()
            .simulation(Simulation::Replay(path))
            .build()
            .expect("config"),
    )
    .expect("the cassette loads");
    // Replay gives fresh ids (the same fresh id for the same recorded one) and
    // maps them back in later requests: fetch what the replayed send returned.
    let resent = replay
        .send_message(TEXT_ID, CreateMessage::new().content("recorded"))
        .await
        .expect("replayed");
    let replayed_me = replay.current_user().await.expect("me");
    assert_eq!(
        (replayed_me.username, replayed_me.bot),
        (me.username, me.bot)
    );
    assert_eq!(replay.gateway_bot().await.expect("gateway"), gateway);
    let replayed_channel = replay.get_channel(TEXT_ID).await.expect("channel");
    assert_eq!(replayed_channel.id, channel.id);
    assert_eq!(replayed_channel.name, channel.name);
    assert_eq!(replayed_channel.last_message_id, Some(resent.id));
    let replayed_message = replay
        .get_message(TEXT_ID, resent.id)
        .await
        .expect("message");
    assert_eq!(replayed_message.id, resent.id);
    assert_eq!(replayed_message.content, fetched.content);
    let replayed_page = replay.list_messages(TEXT_ID, query).await.expect("page");
    assert_eq!(contents(&replayed_page), contents(&page));
    assert_eq!(replayed_page[0].id, resent.id);
    replay
        .check_replay_complete()
        .expect("every interaction used");
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[test]
fn each_read_is_labelled_with_its_operation_and_route_template() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("runtime")
            .block_on(async {
                let (client, _fake, _spy) = setup();
                let sent = client
                    .send_message(TEXT_ID, CreateMessage::new().content("x"))
                    .await
                    .expect("sent");
                client.get_message(TEXT_ID, sent.id).await.expect("message");
                let query = ListMessagesQuery::new().before(sent.id).limit(5);
                client.list_messages(TEXT_ID, query).await.expect("page");
                client.get_channel(TEXT_ID).await.expect("channel");
                client.current_user().await.expect("me");
                client.gateway_bot().await.expect("gateway");
            });
    });
    let totals: Vec<(String, String)> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, _, _, value)| {
            key.key().name() == REQUESTS_TOTAL && matches!(value, DebugValue::Counter(1))
        })
        .map(|(key, _, _, _)| {
            let label = |name: &str| {
                key.key()
                    .labels()
                    .find(|l| l.key() == name)
                    .map(|l| l.value().to_owned())
                    .unwrap_or_default()
            };
            (label("operation"), label("route"))
        })
        .collect();
    // The route is the rate-limit key's template: the channel is its major
    // parameter, the query is not part of it.
    for expected in [
        (
            "get_message",
            "GET /channels/{channel_id}/messages/{message_id}",
        ),
        ("list_messages", "GET /channels/{channel_id}/messages"),
        ("get_channel", "GET /channels/{channel_id}"),
        ("current_user", "GET /users/@me"),
        ("gateway_bot", "GET /gateway/bot"),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert!(totals.contains(&expected), "{expected:?} not in {totals:?}");
    }
}

//! `FakeDiscord` channel-message routes through the Transport trait.

mod fake_support;

use bugle_model::error::ApiError;
use bugle_model::message::{Message, MessageType};
use bugle_sim::fake::FakeDiscord;
use fake_support::{TEXT, TOKEN, bot, builder, request, send};
use http::{Method, StatusCode};
use serde_json::json;

#[tokio::test(start_paused = true)]
async fn create_returns_200_and_a_message_from_the_bot() {
    let discord = builder().build();
    let answer = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": "hello"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let message: Message = answer.decode();
    assert_eq!(message.content, "hello");
    assert_eq!(message.channel_id.get(), TEXT);
    assert_eq!(message.author.id.get(), discord.bot_user_id());
    assert!(message.author.bot);
    assert_eq!(message.kind, MessageType::Default);
    assert_eq!(
        discord.messages(TEXT),
        vec![Message {
            nonce: None,
            ..message
        }]
    );
    assert_eq!(discord.counters().messages_created, 1);
}

#[tokio::test(start_paused = true)]
async fn reply_has_type_19_and_the_referenced_message() {
    let discord = builder().build();
    let first: Message = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": "q"})),
    )
    .await
    .decode();
    let body = json!({"content": "a", "message_reference": {"message_id": first.id.to_string()}});
    let reply: Message = bot(&discord, Method::POST, "/channels/100/messages", Some(body))
        .await
        .decode();
    assert_eq!(reply.kind, MessageType::Reply);
    assert_eq!(
        reply.message_reference.as_ref().unwrap().message_id,
        Some(first.id)
    );
    assert_eq!(reply.replied_to().unwrap().content, "q");
}

#[tokio::test(start_paused = true)]
async fn reply_to_an_unknown_message_fails_unless_told_not_to() {
    let discord = builder().build();
    let body = json!({"content": "a", "message_reference": {"message_id": "999"}});
    let answer = bot(&discord, Method::POST, "/channels/100/messages", Some(body)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["code"], 50035);
    assert_eq!(
        answer.json()["errors"]["message_reference"]["_errors"][0]["code"],
        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE"
    );
    let body = json!({"content": "a", "message_reference": {"message_id": "999", "fail_if_not_exists": false}});
    let plain: Message = bot(&discord, Method::POST, "/channels/100/messages", Some(body))
        .await
        .decode();
    assert_eq!(plain.kind, MessageType::Default);
    assert!(plain.message_reference.is_none());
}

#[tokio::test(start_paused = true)]
async fn edit_changes_content_and_sets_edited_timestamp() {
    let discord = builder().build();
    let sent: Message = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": "v1"})),
    )
    .await
    .decode();
    tokio::time::advance(std::time::Duration::from_secs(3)).await;
    let path = format!("/channels/100/messages/{}", sent.id);
    let answer = bot(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"content": "v2"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let edited: Message = answer.decode();
    assert_eq!(edited.content, "v2");
    assert_eq!(
        edited.edited_timestamp.unwrap() - sent.timestamp,
        time::Duration::seconds(3)
    );
    let fetched: Message = bot(&discord, Method::GET, &path, None).await.decode();
    assert_eq!(fetched.content, "v2");
}

#[tokio::test(start_paused = true)]
async fn delete_answers_204_and_removes_the_message() {
    let discord = builder().build();
    let sent: Message = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": "bye"})),
    )
    .await
    .decode();
    let path = format!("/channels/100/messages/{}", sent.id);
    let answer = bot(&discord, Method::DELETE, &path, None).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    assert!(discord.messages(TEXT).is_empty());
    let again = bot(&discord, Method::DELETE, &path, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let error: ApiError = again.decode();
    assert_eq!(error.code.get(), 10008);
    assert_eq!(error.message, "Unknown Message");
}

#[tokio::test(start_paused = true)]
async fn unknown_channel_is_10003_unless_channels_appear_on_first_use() {
    let discord = builder().build();
    let answer = bot(
        &discord,
        Method::POST,
        "/channels/555/messages",
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(
        answer.json(),
        json!({"message": "Unknown Channel", "code": 10003})
    );
    let auto = builder().auto_create_channels(true).build();
    let answer = bot(
        &auto,
        Method::POST,
        "/channels/555/messages",
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(auto.messages(555).len(), 1);
    assert_eq!(
        auto.channel(555).unwrap().kind,
        bugle_model::channel::ChannelType::GuildText
    );
}

#[tokio::test(start_paused = true)]
async fn missing_or_wrong_token_is_401_with_discords_body() {
    let discord = builder().build();
    let missing = send(
        &discord,
        request(
            Method::POST,
            "/channels/100/messages",
            false,
            Some(json!({"content": "x"})),
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.json(),
        json!({"message": "401: Unauthorized", "code": 0})
    );
    let mut wrong = request(
        Method::POST,
        "/channels/100/messages",
        false,
        Some(json!({"content": "x"})),
    );
    wrong
        .headers_mut()
        .insert("authorization", "Bot nope".parse().unwrap());
    let wrong = send(&discord, wrong).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json(),
        json!({"message": "401: Unauthorized", "code": 0})
    );
    assert!(discord.messages(TEXT).is_empty());
    assert_eq!(discord.counters().invalid_requests, 2);
    assert!(!TOKEN.is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_embed_field_over_1024_gets_the_50035_tree() {
    let discord = builder().build();
    let fields: Vec<_> = (0..4)
        .map(|i| json!({"name": format!("f{i}"), "value": if i == 3 { "v".repeat(1025) } else { "v".to_owned() }}))
        .collect();
    let body = json!({"embeds": [{"title": "t", "fields": fields}]});
    let answer = bot(&discord, Method::POST, "/channels/100/messages", Some(body)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.json(),
        json!({"code":50035,"message":"Invalid Form Body","errors":{"embeds":{"0":{"fields":{"3":{"value":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 1024 or fewer in length."}]}}}}}}})
    );
    let error: ApiError = answer.decode();
    assert_eq!(error.field_errors()[0].path, "embeds[0].fields[3].value");
}

#[tokio::test(start_paused = true)]
async fn empty_message_is_50006_and_long_content_50035() {
    let discord = builder().build();
    let empty = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": " "})),
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        empty.json(),
        json!({"message": "Cannot send an empty message", "code": 50006})
    );
    let long = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(json!({"content": "x".repeat(2001)})),
    )
    .await;
    assert_eq!(
        long.json()["errors"]["content"]["_errors"][0]["code"],
        "BASE_TYPE_MAX_LENGTH"
    );
}

#[tokio::test(start_paused = true)]
async fn unsupported_api_version_is_50041_and_v9_works() {
    let discord = builder().build();
    let mut old = request(
        Method::POST,
        "/channels/100/messages",
        true,
        Some(json!({"content": "x"})),
    );
    *old.uri_mut() = "https://discord.com/api/v6/channels/100/messages"
        .parse()
        .unwrap();
    let answer = send(&discord, old).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["code"], 50041);
    let mut v9 = request(
        Method::POST,
        "/channels/100/messages",
        true,
        Some(json!({"content": "x"})),
    );
    *v9.uri_mut() = "http://localhost:9999/api/v9/channels/100/messages"
        .parse()
        .unwrap();
    assert_eq!(send(&discord, v9).await.status, StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn enforce_nonce_returns_the_first_message_and_counts_the_duplicate() {
    let discord = builder().build();
    let body = json!({"content": "deploy done", "nonce": "run-17", "enforce_nonce": true});
    let first: Message = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(body.clone()),
    )
    .await
    .decode();
    tokio::time::advance(std::time::Duration::from_secs(10)).await;
    let second = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(body.clone()),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK);
    let second: Message = second.decode();
    assert_eq!(second.id, first.id);
    assert_eq!(discord.messages(TEXT).len(), 1);
    assert_eq!(discord.counters().duplicates_prevented, 1);
    // Without enforce_nonce the nonce is only echoed.
    let loose = json!({"content": "deploy done", "nonce": "run-17"});
    bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(loose),
    )
    .await;
    assert_eq!(discord.messages(TEXT).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn nonce_is_forgotten_after_the_window() {
    let discord = builder()
        .nonce_window(std::time::Duration::from_secs(60))
        .build();
    let body = json!({"content": "x", "nonce": 7, "enforce_nonce": true});
    let first: Message = bot(
        &discord,
        Method::POST,
        "/channels/100/messages",
        Some(body.clone()),
    )
    .await
    .decode();
    tokio::time::advance(std::time::Duration::from_secs(61)).await;
    let second: Message = bot(&discord, Method::POST, "/channels/100/messages", Some(body))
        .await
        .decode();
    assert_ne!(first.id, second.id);
    assert_eq!(discord.counters().duplicates_prevented, 0);
}

/// A message create in the text channel.
async fn create(discord: &FakeDiscord, body: serde_json::Value) -> fake_support::Answer {
    bot(discord, Method::POST, "/channels/100/messages", Some(body)).await
}

#[tokio::test(start_paused = true)]
async fn a_nonce_is_echoed_with_its_json_type_and_dedupes_by_its_text() {
    let discord = builder().build();
    let as_number = json!({"content": "x", "nonce": 123, "enforce_nonce": true});
    let first = create(&discord, as_number).await;
    assert_eq!(first.json()["nonce"], json!(123));
    let as_text = json!({"content": "x", "nonce": "123", "enforce_nonce": true});
    let second = create(&discord, as_text).await;
    assert_eq!(second.json()["id"], first.json()["id"]);
    assert_eq!(discord.counters().duplicates_prevented, 1);
    // Past the signed range: still a nonce for dedupe, though not one to echo.
    let large =
        json!({"content": "z", "nonce": 18_446_744_073_709_551_615_u64, "enforce_nonce": true});
    let large_first = create(&discord, large.clone()).await;
    let large_again = create(&discord, large).await;
    assert_eq!(large_again.json()["id"], large_first.json()["id"]);
    assert_eq!(discord.counters().duplicates_prevented, 2);
    let fresh = json!({"content": "y", "nonce": "run-18"});
    let third = create(&discord, fresh).await;
    assert_eq!(third.json()["nonce"], json!("run-18"));
    assert_eq!(discord.messages(TEXT).len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_message_body_is_the_same_json_whether_sent_fetched_or_listed() {
    let discord = builder().build();
    let body = json!({"content": "deploy done", "nonce": "run-17"});
    let sent = create(&discord, body).await.json();
    assert_eq!(sent["components"], json!([]));
    let id = sent["id"].as_str().expect("an id").to_owned();
    let path = format!("/channels/100/messages/{id}");
    let fetched = bot(&discord, Method::GET, &path, None).await.json();
    let listed = bot(&discord, Method::GET, "/channels/100/messages", None)
        .await
        .json();
    // Only the send's answer carries the nonce; otherwise the send, the fetch and each
    // element of the list must be the same JSON.
    let mut without_nonce = sent.clone();
    without_nonce
        .as_object_mut()
        .expect("an object")
        .remove("nonce");
    assert_eq!(fetched, without_nonce);
    assert_eq!(listed[0], fetched);
}

#[tokio::test(start_paused = true)]
async fn multipart_upload_becomes_attachments() {
    let discord = builder().build();
    let body = "--BOUNDARY\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{\"content\":\"report\",\"attachments\":[{\"id\":0,\"description\":\"the log\"}]}\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"build.log\"\r\nContent-Type: text/plain\r\n\r\nline one\nline two\n\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"files[1]\"; filename=\"chart.png\"\r\nContent-Type: image/png\r\n\r\n\x01\x02\x03\r\n--BOUNDARY--\r\n";
    let request = http::Request::post("https://discord.com/api/v10/channels/100/messages")
        .header("authorization", format!("Bot {TOKEN}"))
        .header("content-type", "multipart/form-data; boundary=BOUNDARY")
        .body(bytes::Bytes::from(body))
        .unwrap();
    let answer = send(&discord, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let message: Message = answer.decode();
    assert_eq!(message.content, "report");
    assert_eq!(message.attachments.len(), 2);
    let log = &message.attachments[0];
    assert_eq!(log.filename, "build.log");
    assert_eq!(log.size, 18);
    assert_eq!(log.description.as_deref(), Some("the log"));
    assert_eq!(log.content_type.as_deref(), Some("text/plain"));
    assert!(log.url.starts_with(&format!(
        "https://cdn.discordapp.com/attachments/100/{}/build.log?",
        log.id
    )));
    assert_eq!(message.attachments[1].size, 3);
    assert_ne!(message.attachments[0].id, message.attachments[1].id);
}

#[tokio::test(start_paused = true)]
async fn files_alone_are_not_an_empty_message_and_edit_keeps_listed_attachments() {
    let discord = builder().build();
    let body = "--b\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\n\r\nA\r\n--b\r\nContent-Disposition: form-data; name=\"files[1]\"; filename=\"b.txt\"\r\n\r\nBB\r\n--b--\r\n";
    let request = http::Request::post("https://discord.com/api/v10/channels/100/messages")
        .header("authorization", format!("Bot {TOKEN}"))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(bytes::Bytes::from(body))
        .unwrap();
    let message: Message = send(&discord, request).await.decode();
    assert_eq!(message.attachments.len(), 2);
    let keep = message.attachments[1].id.to_string();
    let path = format!("/channels/100/messages/{}", message.id);
    let edited: Message = bot(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"content": "one left", "attachments": [{"id": keep}]})),
    )
    .await
    .decode();
    assert_eq!(edited.attachments.len(), 1);
    assert_eq!(edited.attachments[0].filename, "b.txt");
}

#[tokio::test(start_paused = true)]
async fn messages_to_a_forum_channel_are_refused() {
    let discord = builder().build();
    let answer = bot(
        &discord,
        Method::POST,
        "/channels/102/messages",
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["code"], 40058);
}

#[tokio::test(start_paused = true)]
async fn same_seed_and_paused_clock_give_the_same_ids() {
    async fn run() -> Vec<u64> {
        let discord: FakeDiscord = builder().build();
        let mut ids = Vec::new();
        for i in 0..3 {
            let m: Message = bot(
                &discord,
                Method::POST,
                "/channels/100/messages",
                Some(json!({"content": i.to_string()})),
            )
            .await
            .decode();
            ids.push(m.id.get());
        }
        ids
    }
    assert_eq!(run().await, run().await);
}

//! `FakeDiscord` stores message components as sent and returns them field by field, for
//! legacy rows and every Components V2 type, and applies `with_components` to webhooks the
//! way Discord documents it.

mod fake_support;

use bugle_sim::fake::WebhookSeed;
use fake_support::{HOOK, HOOK_TOKEN, TEXT, anon, bot, builder};
use http::{Method, StatusCode};
use serde_json::{Value, json};

/// A webhook on the text channel owned by an application.
const APP_HOOK: u64 = 210;

/// Legacy rows: buttons of three styles (with an emoji, disabled, a link) and a select of
/// each type.
fn legacy_rows() -> Value {
    json!([
        {"type": 1, "components": [
            {"type": 2, "style": 1, "custom_id": "approve", "label": "Approve",
             "emoji": {"id": "42", "name": "bugle"}},
            {"type": 2, "style": 4, "custom_id": "cancel", "label": "Cancel", "disabled": true},
            {"type": 2, "style": 5, "url": "https://example.com/run", "label": "Open"},
        ]},
        {"type": 1, "components": [{"type": 3, "custom_id": "env", "placeholder": "pick",
            "min_values": 1, "max_values": 2, "options": [
                {"label": "Production", "value": "prod", "description": "careful",
                 "emoji": {"id": null, "name": "🔥"}, "default": true},
                {"label": "Staging", "value": "stage"},
            ]}]},
        {"type": 1, "components": [{"type": 5, "custom_id": "users",
            "default_values": [{"id": "300", "type": "user"}], "min_values": 0, "max_values": 3}]},
        {"type": 1, "components": [{"type": 7, "custom_id": "who", "disabled": true}]},
        {"type": 1, "components": [{"type": 8, "custom_id": "where", "channel_types": [0, 11]}]},
    ])
}

/// Every Components V2 type, nested: a text display, a container (accent colour, spoiler)
/// holding a section with a thumbnail, a separator, a gallery, a file, a row; a section
/// with a button; a row with a role select.
fn v2_layout() -> Value {
    json!([
        {"type": 10, "content": "# deploy 1.4.2"},
        {"type": 17, "id": 7, "accent_color": 39423, "spoiler": true, "components": [
            {"type": 9, "components": [{"type": 10, "content": "all tests passed"}],
             "accessory": {"type": 11, "media": {"url": "https://example.com/a.png"},
                           "description": "the author", "spoiler": true}},
            {"type": 14, "divider": false, "spacing": 2},
            {"type": 12, "items": [
                {"media": {"url": "https://example.com/chart.png"}},
                {"media": {"url": "https://example.com/flame.png"}, "description": "hot", "spoiler": true},
            ]},
            {"type": 13, "file": {"url": "attachment://report.txt"}, "spoiler": true},
            {"type": 1, "components": [{"type": 2, "style": 2, "custom_id": "again", "label": "Again"}]},
        ]},
        {"type": 9, "components": [{"type": 10, "content": "roll back?"}],
         "accessory": {"type": 2, "style": 4, "custom_id": "rollback", "label": "Roll back"}},
        {"type": 1, "components": [{"type": 6, "custom_id": "roles"}]},
    ])
}

fn hook(id: u64, query: &str) -> String {
    format!("/webhooks/{id}/{HOOK_TOKEN}{query}")
}

#[tokio::test(start_paused = true)]
async fn legacy_rows_are_stored_and_returned_as_sent() {
    let discord = builder().build();
    let body = json!({"content": "deploy?", "components": legacy_rows()});
    let answer = bot(
        &discord,
        Method::POST,
        &format!("/channels/{TEXT}/messages"),
        Some(body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let sent = answer.json();
    assert_eq!(sent["components"], legacy_rows());
    let id = sent["id"].as_str().unwrap();
    let fetched = bot(
        &discord,
        Method::GET,
        &format!("/channels/{TEXT}/messages/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(fetched["components"], legacy_rows());
}

#[tokio::test(start_paused = true)]
async fn every_v2_type_is_stored_and_returned_as_sent() {
    let discord = builder().build();
    let body = json!({"flags": 32768, "components": v2_layout()});
    let answer = bot(
        &discord,
        Method::POST,
        &format!("/channels/{TEXT}/messages"),
        Some(body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let sent = answer.json();
    assert_eq!(sent["components"], v2_layout());
    assert_eq!(sent["flags"], 32768);
    assert_eq!(sent["content"], "");
}

#[tokio::test(start_paused = true)]
async fn a_webhook_not_owned_by_an_app_sends_components_only_with_with_components() {
    let discord = builder().build();
    let body = json!({"content": "deploy?", "components": legacy_rows()});
    let dropped = anon(
        &discord,
        Method::POST,
        &hook(HOOK, "?wait=true"),
        Some(body.clone()),
    )
    .await
    .json();
    assert_eq!(dropped["components"], json!([]), "silently ignored");
    let kept = anon(
        &discord,
        Method::POST,
        &hook(HOOK, "?wait=true&with_components=true"),
        Some(body),
    )
    .await
    .json();
    assert_eq!(kept["components"], legacy_rows());
}

#[tokio::test(start_paused = true)]
async fn an_app_owned_webhook_sends_components_without_with_components() {
    let discord = builder()
        .webhook_seed(WebhookSeed::new(TEXT, APP_HOOK, HOOK_TOKEN).application_owned(9))
        .build();
    let body = json!({"flags": 32768, "components": v2_layout()});
    let answer = anon(
        &discord,
        Method::POST,
        &hook(APP_HOOK, "?wait=true"),
        Some(body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.json()["components"], v2_layout());
}

#[tokio::test(start_paused = true)]
async fn an_edit_switches_to_v2_and_keeps_the_flag() {
    let discord = builder().build();
    let sent = bot(
        &discord,
        Method::POST,
        &format!("/channels/{TEXT}/messages"),
        Some(json!({"content": "started", "components": legacy_rows()})),
    )
    .await
    .json();
    let id = sent["id"].as_str().unwrap();
    let switch = json!({"content": null, "embeds": null, "sticker_ids": null,
                        "flags": 32768, "components": v2_layout()});
    let edited = bot(
        &discord,
        Method::PATCH,
        &format!("/channels/{TEXT}/messages/{id}"),
        Some(switch),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    let edited = edited.json();
    assert_eq!(edited["components"], v2_layout());
    assert_eq!(edited["flags"], 32768);
    assert_eq!(edited["content"], "");
}

#[tokio::test(start_paused = true)]
async fn a_switch_to_v2_that_keeps_the_old_content_is_refused() {
    let discord = builder().build();
    let sent = bot(
        &discord,
        Method::POST,
        &format!("/channels/{TEXT}/messages"),
        Some(json!({"content": "started", "components": legacy_rows()})),
    )
    .await
    .json();
    let id = sent["id"].as_str().unwrap();
    let path = format!("/channels/{TEXT}/messages/{id}");
    let kept = bot(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"flags": 32768, "components": v2_layout()})),
    )
    .await;
    assert_eq!(kept.status, StatusCode::BAD_REQUEST);
    let error = kept.json();
    assert_eq!(error["code"], 50035);
    assert_eq!(
        error["errors"]["content"]["_errors"][0]["code"],
        "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2"
    );
    let stored = discord.message(id.parse().unwrap()).expect("stored");
    assert_eq!(
        stored.content, "started",
        "the refused edit changed nothing"
    );
    let cleared = bot(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"content": null, "flags": 32768, "components": v2_layout()})),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{:?}", cleared.body);
    let later = bot(
        &discord,
        Method::PATCH,
        &path,
        Some(json!({"content": "back to text"})),
    )
    .await;
    assert_eq!(
        later.status,
        StatusCode::BAD_REQUEST,
        "a V2 message takes no content"
    );
}

#[tokio::test(start_paused = true)]
async fn a_webhook_edit_keeps_components_only_with_with_components() {
    let discord = builder().build();
    let sent = anon(
        &discord,
        Method::POST,
        &hook(HOOK, "?wait=true"),
        Some(json!({"content": "deploy?"})),
    )
    .await
    .json();
    let id = sent["id"].as_str().unwrap();
    let body = json!({"components": legacy_rows()});
    let ignored = anon(
        &discord,
        Method::PATCH,
        &hook(HOOK, &format!("/messages/{id}")),
        Some(body.clone()),
    )
    .await;
    assert_eq!(ignored.status, StatusCode::OK, "{:?}", ignored.body);
    assert_eq!(ignored.json()["components"], json!([]), "silently ignored");
    let kept = anon(
        &discord,
        Method::PATCH,
        &hook(HOOK, &format!("/messages/{id}?with_components=true")),
        Some(body),
    )
    .await
    .json();
    assert_eq!(kept["components"], legacy_rows());
}

//! Message components sent end to end through `DiscordClient` to `FakeDiscord`: legacy
//! action rows with buttons and every select type, and the Components V2 layout (containers,
//! sections, text displays, thumbnails, media galleries, separators, files), through message
//! create and edit (including the switch to V2) and webhook execute and edit (with
//! `with_components`). Each test checks the body the client sent, the message Discord's
//! answer decodes to, and what `FakeDiscord` stored, field by field where it matters.

mod client_support;

use bugle::{DiscordClient, WebhookTarget};
use bugle_model::channel::ChannelType;
use bugle_model::component::{
    ActionRow, Button, ChannelSelect, Component, Container, EntitySelect, FileComponent,
    MediaGallery, MediaGalleryItem, Section, SelectDefaultValue, SelectDefaultValueType,
    SelectOption, Separator, SeparatorSpacing, StringSelect, TextDisplay, Thumbnail,
};
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{ChannelId, EmojiId, GenericId};
use bugle_model::message::MessageFlags;
use bugle_model::request::{
    AttachmentFile, CreateMessage, EditMessage, EditWebhookMessage, ExecuteWebhook,
};
use client_support::{HOOK, HOOK_TOKEN, TEXT, config_builder, fake_builder, setup};
use serde_json::{Value, json};

/// The file the V2 messages upload and show with a file component.
const REPORT: &str = "report.txt";

fn text() -> ChannelId {
    ChannelId::new(TEXT)
}

/// A row of buttons: primary with a custom emoji, danger greyed out, and a link.
fn buttons() -> Component {
    ActionRow::buttons([
        Button::primary("deploy:approve", "Approve").with_emoji(PartialEmoji::custom(
            EmojiId::new(42),
            "bugle",
            false,
        )),
        Button::danger("deploy:cancel", "Cancel").with_disabled(true),
        Button::link("https://example.com/runs/418", "Open run"),
    ])
    .into()
}

/// A row with one string select: two options, one pre-selected with a description and emoji.
fn string_select() -> Component {
    ActionRow::select(
        StringSelect::new("deploy:env")
            .option(
                SelectOption::new("Production", "prod")
                    .with_description("careful")
                    .with_emoji(PartialEmoji::unicode("🔥"))
                    .selected(true),
            )
            .option(SelectOption::new("Staging", "stage"))
            .with_placeholder("pick an environment")
            .values(1, 2),
    )
    .into()
}

/// A row with one user select holding a default value.
fn user_select() -> Component {
    let mut select = EntitySelect::new("deploy:reviewers")
        .with_placeholder("who reviews")
        .values(1, 3);
    select.default_values.push(SelectDefaultValue {
        id: GenericId::new(300),
        kind: SelectDefaultValueType::User,
    });
    ActionRow::select(select.into_user_select()).into()
}

/// A row with one role select.
fn role_select() -> Component {
    ActionRow::select(EntitySelect::new("deploy:roles").into_role_select()).into()
}

/// A row with one mentionable select, disabled.
fn mentionable_select() -> Component {
    let mut select = EntitySelect::new("deploy:notify").values(0, 5);
    select.disabled = true;
    ActionRow::select(select.into_mentionable_select()).into()
}

/// A row with one channel select offering text channels and threads.
fn channel_select() -> Component {
    let mut select = ChannelSelect::new("deploy:channel");
    select.channel_types = vec![ChannelType::GuildText, ChannelType::PublicThread];
    select.default_values.push(SelectDefaultValue {
        id: GenericId::new(TEXT),
        kind: SelectDefaultValueType::Channel,
    });
    ActionRow::select(select).into()
}

/// Five legacy rows: buttons, then a string, user, role and channel select.
fn legacy_rows() -> Vec<Component> {
    vec![
        buttons(),
        string_select(),
        user_select(),
        role_select(),
        channel_select(),
    ]
}

/// A Components V2 layout using every V2 type: a text display; a container (accent colour,
/// spoiler) holding a text display, a section with a thumbnail accessory, a separator
/// without divider and large spacing, a media gallery (a URL and an `attachment://` item,
/// spoiler and description), a file component, and a row of buttons; then a section with a
/// button accessory and a row with a mentionable select.
fn v2_layout() -> Vec<Component> {
    let mut thumbnail = Thumbnail::new("https://example.com/avatar.png");
    thumbnail.description = Some("the author".to_owned());
    thumbnail.spoiler = true;
    let section = Section {
        id: None,
        components: vec![
            TextDisplay::new("**build #418**").into(),
            TextDisplay::new("all 312 tests passed").into(),
        ],
        accessory: Box::new(thumbnail.into()),
    };
    let mut spoiled = MediaGalleryItem::new(format!("attachment://{REPORT}"));
    spoiled.spoiler = true;
    spoiled.description = Some("the report".to_owned());
    let gallery = MediaGallery {
        id: None,
        items: vec![
            MediaGalleryItem::new("https://example.com/chart.png"),
            spoiled,
        ],
    };
    let separator = Separator {
        id: None,
        divider: Some(false),
        spacing: Some(SeparatorSpacing::Large),
    };
    let mut file = FileComponent::attachment(REPORT);
    file.spoiler = true;
    let container = Container {
        id: Some(7),
        components: vec![
            TextDisplay::new("# deploy 1.4.2").into(),
            section.into(),
            separator.into(),
            gallery.into(),
            file.into(),
            buttons(),
        ],
        accent_color: Some(0x00_99_FF),
        spoiler: true,
    };
    let beside_button = Section {
        id: None,
        components: vec![TextDisplay::new("rollback available").into()],
        accessory: Box::new(Button::secondary("deploy:rollback", "Roll back").into()),
    };
    vec![
        TextDisplay::new("deploy report").into(),
        container.into(),
        beside_button.into(),
        mentionable_select(),
    ]
}

/// The same layout without the file component and the `attachment://` gallery item, for
/// bodies that upload nothing.
fn v2_layout_without_files() -> Vec<Component> {
    let mut layout = v2_layout();
    if let Component::Container(container) = &mut layout[1] {
        container
            .components
            .retain(|c| !matches!(c, Component::File(_)));
        for child in &mut container.components {
            if let Component::MediaGallery(gallery) = child {
                gallery
                    .items
                    .retain(|item| !item.media.url.starts_with("attachment://"));
            }
        }
    }
    layout
}

/// A webhook execute of a Components V2 layout (`ExecuteWebhook` adds components one by one).
fn webhook_v2(layout: Vec<Component>) -> ExecuteWebhook {
    layout.into_iter().fold(
        ExecuteWebhook::new().flags(MessageFlags::IS_COMPONENTS_V2),
        ExecuteWebhook::component,
    )
}

fn upload() -> AttachmentFile {
    AttachmentFile::new(REPORT, b"deploy 1.4.2: ok\n".to_vec())
}

/// The `payload_json` of a multipart body, or the body itself when it is JSON.
fn payload(body: &[u8]) -> Value {
    if let Ok(value) = serde_json::from_slice(body) {
        return value;
    }
    let text = String::from_utf8_lossy(body);
    let start = text
        .find("name=\"payload_json\"")
        .expect("a payload_json part");
    let rest = &text[start..];
    let json_start = rest.find("\r\n\r\n").expect("part headers end") + 4;
    let json_end = rest[json_start..].find("\r\n--").expect("part ends");
    serde_json::from_str(&rest[json_start..json_start + json_end]).expect("payload_json parses")
}

/// Checks the wire form of the components the client sent, field by field: the fields a
/// component's behaviour depends on are there with the values given.
fn assert_wire_fields(components: &Value) {
    let rows = components.as_array().expect("an array");
    let buttons = rows
        .iter()
        .find(|row| row["components"][0]["type"] == 2)
        .expect("a row of buttons");
    assert_eq!(
        buttons["components"],
        json!([
            {"type": 2, "style": 1, "custom_id": "deploy:approve", "label": "Approve",
             "emoji": {"id": "42", "name": "bugle"}},
            {"type": 2, "style": 4, "custom_id": "deploy:cancel", "label": "Cancel", "disabled": true},
            {"type": 2, "style": 5, "url": "https://example.com/runs/418", "label": "Open run"},
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn buttons_and_every_select_type_are_sent_and_stored_as_sent() {
    let (client, fake, spy) = setup();
    let rows = legacy_rows();
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("deploy 1.4.2 is waiting")
                .components(rows.clone()),
        )
        .await
        .expect("sent");

    let body = spy.last().json();
    assert_wire_fields(&body["components"]);
    let select = &body["components"][1]["components"][0];
    assert_eq!(select["type"], 3);
    assert_eq!(select["custom_id"], "deploy:env");
    assert_eq!(select["placeholder"], "pick an environment");
    assert_eq!(
        (select["min_values"].clone(), select["max_values"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(
        select["options"],
        json!([
            {"label": "Production", "value": "prod", "description": "careful",
             "emoji": {"id": null, "name": "🔥"}, "default": true},
            {"label": "Staging", "value": "stage"},
        ])
    );
    let kinds: Vec<&Value> = body["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["components"][0]["type"])
        .collect();
    assert_eq!(kinds, [2, 3, 5, 6, 8]);
    assert_eq!(
        body["components"][2]["components"][0]["default_values"],
        json!([{"id": "300", "type": "user"}])
    );
    assert_eq!(
        body["components"][4]["components"][0]["channel_types"],
        json!([0, 11])
    );
    assert!(body.get("flags").is_none(), "a legacy message sets no flag");

    assert_eq!(sent.content, "deploy 1.4.2 is waiting");
    assert_eq!(
        sent.components, rows,
        "the answer carries the components as sent"
    );
    let stored = fake.message(sent.id.get()).expect("stored");
    assert_eq!(stored.components, rows, "FakeDiscord stored them as sent");
    assert!(!stored.flags.contains(MessageFlags::IS_COMPONENTS_V2));
}

#[tokio::test(start_paused = true)]
async fn an_edit_replaces_the_components_of_a_legacy_message() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("who should know?")
                .components([buttons()]),
        )
        .await
        .expect("sent");
    let edited = client
        .edit_message(
            text(),
            sent.id,
            EditMessage::new().components([mentionable_select(), string_select()]),
        )
        .await
        .expect("edited");
    let body = spy.last().json();
    assert_eq!(body["components"][0]["components"][0]["type"], 7);
    assert_eq!(body["components"][0]["components"][0]["disabled"], true);
    assert_eq!(edited.content, "who should know?", "the content is kept");
    assert_eq!(edited.components, [mentionable_select(), string_select()]);
    assert_eq!(
        fake.message(sent.id.get()).expect("stored").components,
        [mentionable_select(), string_select()]
    );
}

#[tokio::test(start_paused = true)]
async fn a_components_v2_message_carries_the_flag_and_no_content() {
    let (client, fake, spy) = setup();
    let layout = v2_layout();
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .flags(MessageFlags::IS_COMPONENTS_V2)
                .components(layout.clone())
                .file(upload()),
        )
        .await
        .expect("sent");

    let body = payload(&spy.last().body);
    assert_eq!(body["flags"], 32_768);
    assert!(body.get("content").is_none(), "{body}");
    assert!(body.get("embeds").is_none(), "{body}");
    let container = &body["components"][1];
    assert_eq!(container["type"], 17);
    assert_eq!(container["id"], 7);
    assert_eq!(container["accent_color"], 0x00_99_FF);
    assert_eq!(container["spoiler"], true);
    let inner = container["components"].as_array().expect("children");
    let kinds: Vec<&Value> = inner.iter().map(|c| &c["type"]).collect();
    assert_eq!(kinds, [10, 9, 14, 12, 13, 1]);
    assert_eq!(inner[1]["accessory"]["type"], 11);
    assert_eq!(
        inner[1]["accessory"]["media"],
        json!({"url": "https://example.com/avatar.png"})
    );
    assert_eq!(inner[1]["accessory"]["spoiler"], true);
    assert_eq!(
        inner[2],
        json!({"type": 14, "divider": false, "spacing": 2})
    );
    assert_eq!(
        inner[3]["items"],
        json!([
            {"media": {"url": "https://example.com/chart.png"}},
            {"media": {"url": "attachment://report.txt"}, "description": "the report", "spoiler": true},
        ])
    );
    assert_eq!(
        inner[4],
        json!({"type": 13, "file": {"url": "attachment://report.txt"}, "spoiler": true})
    );
    assert_wire_fields(&container["components"]);
    assert_eq!(
        body["components"][2]["accessory"]["custom_id"],
        "deploy:rollback"
    );

    assert!(sent.flags.contains(MessageFlags::IS_COMPONENTS_V2));
    assert_eq!(sent.content, "");
    assert!(sent.embeds.is_empty());
    assert_eq!(
        sent.attachments.len(),
        1,
        "the file the file component shows"
    );
    assert_eq!(sent.attachments[0].filename, REPORT);
    assert_eq!(
        sent.components, layout,
        "the answer carries the layout as sent"
    );
    let stored = fake.message(sent.id.get()).expect("stored");
    assert_eq!(
        stored.components, layout,
        "FakeDiscord stored the layout as sent"
    );
    assert!(stored.flags.contains(MessageFlags::IS_COMPONENTS_V2));
}

#[tokio::test(start_paused = true)]
async fn an_edit_switches_a_message_to_components_v2() {
    let (client, fake, spy) = setup();
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("deploy 1.4.2 started")
                .components([buttons()]),
        )
        .await
        .expect("sent");
    let layout = v2_layout_without_files();
    let edited = client
        .edit_message(
            text(),
            sent.id,
            EditMessage::new().switch_to_components_v2(layout.clone()),
        )
        .await
        .expect("switched");
    let body = spy.last().json();
    assert_eq!(body["flags"], 32_768);
    assert_eq!(body["content"], Value::Null);
    assert!(
        body.as_object().unwrap().contains_key("content"),
        "content is cleared"
    );
    assert!(
        body.as_object().unwrap().contains_key("embeds"),
        "embeds are cleared"
    );

    assert!(edited.flags.contains(MessageFlags::IS_COMPONENTS_V2));
    assert_eq!(edited.content, "", "the switch cleared the content");
    assert_eq!(edited.components, layout);
    let stored = fake.message(sent.id.get()).expect("stored");
    assert_eq!(stored.components, layout);
    assert!(stored.flags.contains(MessageFlags::IS_COMPONENTS_V2));
}

#[tokio::test(start_paused = true)]
async fn webhook_execute_sends_components_with_with_components() {
    let (client, fake, spy) = setup();
    let rows = vec![buttons(), string_select()];
    let message = client
        .execute_webhook(
            ExecuteWebhook::new()
                .content("deploy 1.4.2 needs approval")
                .component(rows[0].clone())
                .component(rows[1].clone()),
        )
        .await
        .expect("sent")
        .expect("wait=true returns the message");
    let request = spy.last();
    assert_eq!(
        request.path_and_query,
        format!("/api/v10/webhooks/{HOOK}/{HOOK_TOKEN}?wait=true&with_components=true")
    );
    assert_wire_fields(&request.json()["components"]);
    assert_eq!(message.components, rows);
    assert_eq!(
        fake.message(message.id.get()).expect("stored").components,
        rows
    );

    let layout = v2_layout_without_files();
    let v2 = client
        .execute_webhook(webhook_v2(layout.clone()))
        .await
        .expect("sent")
        .expect("message");
    let body = spy.last().json();
    assert_eq!(body["flags"], 32_768);
    assert!(body.get("content").is_none(), "{body}");
    assert!(v2.flags.contains(MessageFlags::IS_COMPONENTS_V2));
    assert_eq!(v2.components, layout);
    assert_eq!(
        fake.message(v2.id.get()).expect("stored").components,
        layout
    );
}

#[tokio::test(start_paused = true)]
async fn webhook_execute_without_components_leaves_with_components_out() {
    let (client, _fake, spy) = setup();
    client
        .execute_webhook(ExecuteWebhook::new().content("plain"))
        .await
        .expect("sent");
    assert_eq!(
        spy.last().path_and_query,
        format!("/api/v10/webhooks/{HOOK}/{HOOK_TOKEN}?wait=true")
    );
}

#[tokio::test(start_paused = true)]
async fn a_webhook_message_switches_to_components_v2() {
    let (client, fake, spy) = setup();
    let message = client
        .execute_webhook(ExecuteWebhook::new().content("deploy 1.4.3 started"))
        .await
        .expect("sent")
        .expect("message");
    let layout = v2_layout_without_files();
    let edited = client
        .edit_webhook_message(
            WebhookTarget::default(),
            message.id,
            EditWebhookMessage::new().switch_to_components_v2(layout.clone()),
        )
        .await
        .expect("switched");
    let request = spy.last();
    assert!(
        request.path_and_query.ends_with("?with_components=true"),
        "{}",
        request.path_and_query
    );
    assert_eq!(request.json()["flags"], 32_768);
    assert!(edited.flags.contains(MessageFlags::IS_COMPONENTS_V2));
    assert_eq!(edited.content, "");
    assert_eq!(edited.components, layout);
    assert_eq!(
        fake.message(message.id.get()).expect("stored").components,
        layout
    );
}

#[tokio::test]
async fn components_v1_and_v2_travel_over_loopback_http() {
    let fake = fake_builder().build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let config = config_builder()
        .base_url(format!("http://{}/api", server.local_addr()))
        .allow_plain_http(true)
        .build()
        .expect("config");
    let client = DiscordClient::new(config).expect("client");

    let legacy = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("over the wire")
                .components(legacy_rows()),
        )
        .await
        .expect("legacy sent");
    assert_eq!(legacy.components, legacy_rows());

    let v2 = client
        .send_message(
            text(),
            CreateMessage::new()
                .flags(MessageFlags::IS_COMPONENTS_V2)
                .components(v2_layout())
                .file(upload()),
        )
        .await
        .expect("v2 sent");
    assert_eq!(v2.components, v2_layout());
    assert_eq!(v2.attachments.len(), 1);

    let switched = client
        .edit_message(
            text(),
            legacy.id,
            EditMessage::new().switch_to_components_v2(v2_layout_without_files()),
        )
        .await
        .expect("switched");
    assert!(switched.flags.contains(MessageFlags::IS_COMPONENTS_V2));

    let hooked = client
        .execute_webhook(webhook_v2(v2_layout_without_files()))
        .await
        .expect("executed")
        .expect("message");
    assert_eq!(hooked.components, v2_layout_without_files());

    for (id, expected) in [
        (v2.id, v2_layout()),
        (legacy.id, v2_layout_without_files()),
        (hooked.id, v2_layout_without_files()),
    ] {
        assert_eq!(fake.message(id.get()).expect("stored").components, expected);
    }
    server.shutdown().await;
}

//! Every field our request bodies serialise exists in the official `OpenAPI`
//! spec's request schema for that operation (fixtures/openapi.json), and so
//! do the field names of the nested objects.

use std::sync::OnceLock;

use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::channel::AutoArchiveDuration;
use bugle_model::component::{ActionRow, Button, SelectOption, StringSelect};
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{AttachmentId, MessageId, RoleId, StickerId, TagId, UserId};
use bugle_model::message::{MessageFlags, MessageReference};
use bugle_model::request::{
    AllowedMentions, AttachmentFile, CreateDm, CreateForumThread, CreateMessage, CreatePoll,
    CreateThread, CreateThreadFromMessage, EditMessage, EditWebhookMessage, ExecuteWebhook,
    ForumThreadMessage,
};
use serde::Serialize;
use serde_json::Value;
use time::macros::datetime;

fn schemas() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    let spec = SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/openapi.json");
        let text = std::fs::read_to_string(path).expect("fixtures/openapi.json is readable");
        serde_json::from_str(&text).expect("the spec is JSON")
    });
    &spec["components"]["schemas"]
}

/// Asserts every key of the JSON object `value` is a property of `schema`.
fn assert_fields_in(schema: &str, value: &Value) {
    let properties = schemas()[schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema} has properties"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{schema}: expected an object, got {value}"));
    assert!(
        !object.is_empty(),
        "{schema}: the body serialised no fields"
    );
    for key in object.keys() {
        assert!(
            properties.contains_key(key),
            "{schema} has no property {key:?}"
        );
    }
}

/// Checks the body's top-level fields against `schema`, and the nested
/// objects it has against theirs.
fn check(schema: &str, body: &impl Serialize) {
    let value = serde_json::to_value(body).unwrap();
    assert_fields_in(schema, &value);
    check_nested(&value);
}

fn check_nested(value: &Value) {
    for embed in value["embeds"].as_array().into_iter().flatten() {
        assert_fields_in("RichEmbed", embed);
        assert_fields_in("RichEmbedAuthor", &embed["author"]);
        assert_fields_in("RichEmbedFooter", &embed["footer"]);
        assert_fields_in("RichEmbedImage", &embed["image"]);
        assert_fields_in("RichEmbedThumbnail", &embed["thumbnail"]);
        for field in embed["fields"].as_array().into_iter().flatten() {
            assert_fields_in("RichEmbedField", field);
        }
    }
    for row in value["components"].as_array().into_iter().flatten() {
        assert_fields_in("ActionRowComponentForMessageRequest", row);
        for component in row["components"].as_array().into_iter().flatten() {
            match component["type"].as_u64() {
                Some(2) => assert_fields_in("ButtonComponentForMessageRequest", component),
                Some(3) => {
                    assert_fields_in("StringSelectComponentForMessageRequest", component);
                    for option in component["options"].as_array().into_iter().flatten() {
                        assert_fields_in("StringSelectOptionForRequest", option);
                    }
                }
                other => panic!("unexpected component type {other:?}"),
            }
        }
    }
    if let Some(mentions) = value.get("allowed_mentions").filter(|m| !m.is_null()) {
        assert_fields_in("MessageAllowedMentionsRequest", mentions);
    }
    for attachment in value["attachments"].as_array().into_iter().flatten() {
        assert_fields_in("MessageAttachmentRequest", attachment);
    }
    if let Some(poll) = value.get("poll").filter(|p| !p.is_null()) {
        assert_fields_in("PollCreateRequest", poll);
        assert_fields_in("PollMedia", &poll["question"]);
        for answer in poll["answers"].as_array().into_iter().flatten() {
            assert_fields_in("PollAnswerCreateRequest", answer);
            assert_fields_in("PollMediaCreateRequest", &answer["poll_media"]);
            assert_fields_in("PollEmojiCreateRequest", &answer["poll_media"]["emoji"]);
        }
    }
    if let Some(reference) = value.get("message_reference") {
        assert_fields_in("MessageReferenceRequest", reference);
    }
}

fn embed() -> bugle_model::embed::Embed {
    EmbedBuilder::new()
        .title("t")
        .description("d")
        .url("https://example.com")
        .colour(Colour::INFO)
        .timestamp(datetime!(2025-01-01 00:00 UTC))
        .footer("f")
        .footer_icon("https://example.com/f.png")
        .author("a")
        .author_url("https://example.com/a")
        .author_icon("https://example.com/a.png")
        .image("https://example.com/i.png")
        .thumbnail("https://example.com/t.png")
        .inline_field("n", "v")
        .build()
}

fn buttons() -> ActionRow {
    ActionRow::buttons([
        Button::primary("ack", "Ack")
            .with_emoji(PartialEmoji::unicode("✅"))
            .with_disabled(true),
        Button::link("https://example.com", "Open"),
    ])
}

fn select() -> ActionRow {
    ActionRow::select(
        StringSelect::new("pick")
            .option(
                SelectOption::new("A", "a")
                    .with_description("first")
                    .with_emoji(PartialEmoji::unicode("🅰"))
                    .selected(true),
            )
            .with_placeholder("choose")
            .values(1, 1),
    )
}

fn mentions() -> AllowedMentions {
    AllowedMentions::none()
        .everyone()
        .users([UserId::new(1)])
        .roles([RoleId::new(2)])
        .replied_user(true)
}

fn poll() -> CreatePoll {
    CreatePoll::new("q")
        .answer_with_emoji("a", PartialEmoji::unicode("🔥"))
        .duration_hours(2)
        .multiselect(true)
}

fn file() -> AttachmentFile {
    AttachmentFile::new("chart.png", vec![1, 2, 3])
        .description("alt")
        .spoiler(true)
        .title("chart")
        .voice(std::time::Duration::from_millis(1500), "AAAA")
}

#[test]
fn create_message_fields_are_in_message_create_request() {
    let mut reference = MessageReference::reply(MessageId::new(5));
    reference.fail_if_not_exists = Some(false);
    let body = CreateMessage::new()
        .content("c")
        .nonce("n", true)
        .tts(true)
        .embed(embed())
        .allowed_mentions(mentions())
        .reference(reference)
        .component(buttons())
        .component(select())
        .sticker(StickerId::new(3))
        .file(file())
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .poll(poll());
    check("MessageCreateRequest", &body);
}

#[test]
fn edit_message_fields_are_in_message_edit_request() {
    let body = EditMessage::new()
        .content("c")
        .embed(embed())
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .allowed_mentions(mentions())
        .sticker_ids([StickerId::new(3)])
        .component(buttons())
        .keep_attachment(AttachmentId::new(77))
        .file(file());
    check("MessageEditRequestPartial", &body);
}

#[test]
fn execute_webhook_fields_are_in_incoming_webhook_request() {
    let body = ExecuteWebhook::new()
        .content("c")
        .username("alerts")
        .avatar_url("https://example.com/a.png")
        .tts(true)
        .embed(embed())
        .allowed_mentions(mentions())
        .component(buttons())
        .file(file())
        .flags(MessageFlags::SUPPRESS_NOTIFICATIONS)
        .thread_name("post")
        .applied_tag(TagId::new(4))
        .poll(poll());
    check("IncomingWebhookRequestPartial", &body);
}

#[test]
fn edit_webhook_message_fields_are_in_incoming_webhook_update_request() {
    let body = EditWebhookMessage::new()
        .content("c")
        .embed(embed())
        .allowed_mentions(mentions())
        .component(select())
        .file(file())
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .poll(poll());
    check("IncomingWebhookUpdateRequestPartial", &body);
}

#[test]
fn thread_bodies_are_in_their_schemas() {
    check(
        "CreateTextThreadWithMessageRequest",
        &CreateThreadFromMessage::new("t")
            .auto_archive_duration(AutoArchiveDuration::Week)
            .rate_limit_per_user(5),
    );
    check(
        "CreateTextThreadWithoutMessageRequest",
        &CreateThread::private("t")
            .auto_archive_duration(AutoArchiveDuration::Hour)
            .rate_limit_per_user(5)
            .invitable(true),
    );
}

#[test]
fn forum_thread_fields_are_in_create_forum_thread_request() {
    let mut message = ForumThreadMessage::content("c")
        .embed(embed())
        .component(buttons())
        .allowed_mentions(mentions())
        .file(file());
    message.sticker_ids.push(StickerId::new(3));
    message.flags = MessageFlags::SUPPRESS_EMBEDS;
    let body = CreateForumThread::new("post", message)
        .auto_archive_duration(AutoArchiveDuration::Day)
        .rate_limit_per_user(10)
        .applied_tag(TagId::new(4));
    check("CreateForumThreadRequest", &body);
    let value = serde_json::to_value(&body).unwrap();
    assert_fields_in("BaseCreateMessageCreateRequest", &value["message"]);
    check_nested(&value["message"]);
}

#[test]
fn create_dm_fields_are_in_create_private_channel_request() {
    check(
        "CreatePrivateChannelRequest",
        &CreateDm::new(UserId::new(1)),
    );
}

//! Every field our request bodies serialise exists in the official `OpenAPI`
//! spec's request schema for that operation (fixtures/openapi.json), and so
//! do the field names of the nested objects.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::channel::{AutoArchiveDuration, ChannelType};
use bugle_model::component::{
    ActionRow, Button, ChannelSelect, Component, ComponentType, Container, EntitySelect,
    FileComponent, MediaGallery, MediaGalleryItem, Section, SelectDefaultValue,
    SelectDefaultValueType, SelectOption, Separator, SeparatorSpacing, StringSelect, TextDisplay,
    TextInput, TextInputStyle, Thumbnail,
};
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{
    AttachmentId, GenericId, MessageId, RoleId, SkuId, StickerId, TagId, UserId,
};
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
    for component in value["components"].as_array().into_iter().flatten() {
        check_component(component);
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

/// The spec's request schema for a component `type`: the message request schema where
/// there is one, the modal one for modal-only types. `None` for a type the model does not
/// name (it is kept as `Component::Unknown`, whose fields the model does not choose).
fn component_schema(kind: ComponentType) -> Option<&'static str> {
    Some(match kind {
        ComponentType::ActionRow => "ActionRowComponentForMessageRequest",
        ComponentType::Button => "ButtonComponentForMessageRequest",
        ComponentType::StringSelect => "StringSelectComponentForMessageRequest",
        ComponentType::TextInput => "TextInputComponentForModalRequest",
        ComponentType::UserSelect => "UserSelectComponentForMessageRequest",
        ComponentType::RoleSelect => "RoleSelectComponentForMessageRequest",
        ComponentType::MentionableSelect => "MentionableSelectComponentForMessageRequest",
        ComponentType::ChannelSelect => "ChannelSelectComponentForMessageRequest",
        ComponentType::Section => "SectionComponentForMessageRequest",
        ComponentType::TextDisplay => "TextDisplayComponentForMessageRequest",
        ComponentType::Thumbnail => "ThumbnailComponentForMessageRequest",
        ComponentType::MediaGallery => "MediaGalleryComponentForMessageRequest",
        ComponentType::File => "FileComponentForMessageRequest",
        ComponentType::Separator => "SeparatorComponentForMessageRequest",
        ComponentType::Container => "ContainerComponentForMessageRequest",
        ComponentType::Label => "LabelComponentForModalRequest",
        ComponentType::FileUpload => "FileUploadComponentForModalRequest",
        _ => return None,
    })
}

/// The spec's schema for a select's `default_values` entry of `type` `kind`.
fn default_value_schema(kind: &Value) -> &'static str {
    match kind.as_str() {
        Some("user") => "UserSelectDefaultValue",
        Some("role") => "RoleSelectDefaultValue",
        Some("channel") => "ChannelSelectDefaultValue",
        other => panic!("unexpected default value type {other:?}"),
    }
}

/// Checks one serialised component against its type's schema, and everything nested in
/// it: children, a section's accessory, select options and default values, emoji and
/// unfurled media items. A type the model does not name is left alone.
fn check_component(component: &Value) {
    let kind = component["type"]
        .as_u64()
        .unwrap_or_else(|| panic!("a component without an integer type: {component}"));
    let known = u8::try_from(kind).ok().map(ComponentType::from);
    let Some(schema) = known.and_then(component_schema) else {
        return;
    };
    assert_fields_in(schema, component);
    for child in component["components"].as_array().into_iter().flatten() {
        check_component(child);
    }
    if let Some(accessory) = component.get("accessory") {
        check_component(accessory);
    }
    if let Some(emoji) = component.get("emoji") {
        assert_fields_in("ComponentEmojiForRequest", emoji);
    }
    for option in component["options"].as_array().into_iter().flatten() {
        assert_fields_in("StringSelectOptionForRequest", option);
        if let Some(emoji) = option.get("emoji") {
            assert_fields_in("ComponentEmojiForRequest", emoji);
        }
    }
    for default in component["default_values"].as_array().into_iter().flatten() {
        assert_fields_in(default_value_schema(&default["type"]), default);
    }
    for media in [component.get("media"), component.get("file")]
        .into_iter()
        .flatten()
    {
        assert_fields_in("UnfurledMediaRequest", media);
    }
    for item in component["items"].as_array().into_iter().flatten() {
        assert_fields_in("MediaGalleryItemRequest", item);
        assert_fields_in("UnfurledMediaRequest", &item["media"]);
    }
}

/// One component of every type the model has (`Component`'s variants), each with every
/// field it can send set, nested the way a message nests them.
fn every_component() -> Vec<Component> {
    let mut users = EntitySelect::new("users")
        .with_placeholder("who")
        .values(0, 2);
    users.disabled = true;
    users.required = Some(false);
    users.id = Some(3);
    users.default_values.push(SelectDefaultValue {
        id: GenericId::new(1),
        kind: SelectDefaultValueType::User,
    });
    let mut roles = EntitySelect::new("roles");
    roles.default_values.push(SelectDefaultValue {
        id: GenericId::new(2),
        kind: SelectDefaultValueType::Role,
    });
    let mut channels = ChannelSelect::new("channels");
    channels.channel_types = vec![ChannelType::GuildText];
    channels.placeholder = Some("where".to_owned());
    channels.min_values = Some(1);
    channels.max_values = Some(1);
    channels.default_values.push(SelectDefaultValue {
        id: GenericId::new(4),
        kind: SelectDefaultValueType::Channel,
    });
    let mut thumbnail = Thumbnail::new("https://example.com/t.png");
    thumbnail.description = Some("alt".to_owned());
    thumbnail.spoiler = true;
    thumbnail.id = Some(5);
    let mut item = MediaGalleryItem::new("attachment://chart.png");
    item.description = Some("alt".to_owned());
    item.spoiler = true;
    let mut file = FileComponent::attachment("chart.png");
    file.spoiler = true;
    let mut premium = Button::premium(SkuId::new(9));
    premium.id = Some(6);
    let text_input = TextInput {
        id: Some(8),
        custom_id: "answer".to_owned(),
        style: TextInputStyle::Paragraph,
        label: Some("answer".to_owned()),
        min_length: Some(1),
        max_length: Some(100),
        required: Some(true),
        value: Some("v".to_owned()),
        placeholder: Some("p".to_owned()),
    };
    let container = Container {
        id: Some(10),
        components: vec![
            TextDisplay::new("t").into(),
            Section {
                id: Some(11),
                components: vec![TextDisplay::new("s").into()],
                accessory: Box::new(thumbnail.into()),
            }
            .into(),
            Section {
                id: None,
                components: vec![TextDisplay::new("s").into()],
                accessory: Box::new(Button::secondary("beside", "Beside").into()),
            }
            .into(),
            MediaGallery {
                id: Some(12),
                items: vec![item],
            }
            .into(),
            Separator {
                id: Some(13),
                divider: Some(false),
                spacing: Some(SeparatorSpacing::Large),
            }
            .into(),
            file.into(),
            buttons().into(),
        ],
        accent_color: Some(0x00_99_FF),
        spoiler: true,
    };
    vec![
        buttons().into(),
        ActionRow::buttons([premium]).into(),
        select().into(),
        ActionRow::select(users.into_user_select()).into(),
        ActionRow::select(roles.into_role_select()).into(),
        ActionRow::select(EntitySelect::new("m").into_mentionable_select()).into(),
        ActionRow::select(channels).into(),
        ActionRow::new([text_input]).into(),
        container.into(),
    ]
}

/// Every type a component tree holds, nested ones included.
fn kinds_in(components: &[Component], kinds: &mut BTreeSet<u8>) {
    for component in components {
        kinds.insert(component.kind().value());
        let children: Vec<Component> = component.children().into_iter().cloned().collect();
        kinds_in(&children, kinds);
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

#[test]
fn every_component_type_maps_to_a_spec_schema() {
    for kind in 0..=u8::MAX {
        if let Some(schema) = component_schema(ComponentType::from(kind)) {
            assert!(
                schemas()[schema]["properties"]["type"].is_object(),
                "type {kind}: schema {schema} is not in the spec"
            );
        }
    }
}

#[test]
fn every_component_type_the_model_has_is_checked() {
    let mut kinds = BTreeSet::new();
    kinds_in(&every_component(), &mut kinds);
    // Every variant of `Component` but `Unknown`: types 1 to 14 and 17.
    let expected: BTreeSet<u8> = (1..=14).chain([17]).collect();
    assert_eq!(kinds, expected);
}

#[test]
fn component_fields_of_every_type_are_in_their_schemas() {
    let body = CreateMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .components(every_component());
    check("MessageCreateRequest", &body);
}

#[test]
fn a_component_of_an_unknown_type_is_left_alone() {
    let unknown: Component =
        serde_json::from_value(serde_json::json!({"type": 99, "whatever": true})).unwrap();
    check_component(&serde_json::to_value(&unknown).unwrap());
    let beyond_u8: Component =
        serde_json::from_value(serde_json::json!({"type": 300, "whatever": true})).unwrap();
    check_component(&serde_json::to_value(&beyond_u8).unwrap());
}

//! The validation rules that are not plain length or count limits, and the
//! exact messages they produce.

use bugle_model::channel::ChannelType;
use bugle_model::component::{
    ActionRow, Button, ButtonStyle, Component, Container, FileComponent, SelectOption,
    StringSelect, TextDisplay,
};
use bugle_model::embed::Embed;
use bugle_model::id::{ChannelId, MessageId, SkuId, UserId};
use bugle_model::message::{MessageFlags, MessageReference};
use bugle_model::request::{
    AllowedMentions, CreateForumThread, CreateMessage, CreatePoll, CreateThread, EditMessage,
    ExecuteWebhook, ExecuteWebhookQuery, ForumThreadMessage,
};
use bugle_model::validate::{Validate, ViolationKind};

fn messages(body: &impl Validate) -> Vec<String> {
    body.validate()
        .err()
        .map(|error| error.violations().iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

fn with_button(button: Button) -> CreateMessage {
    CreateMessage::new().component(ActionRow::buttons([button]))
}

#[test]
fn styled_button_needs_custom_id_and_no_url_or_sku() {
    let mut button = Button::primary("x", "X");
    button.custom_id = None;
    button.url = Some("https://example.com".into());
    button.sku_id = Some(SkuId::new(1));
    assert_eq!(
        messages(&with_button(button)),
        [
            "components[0].components[0].custom_id: required on a button of style 1 to 4",
            "components[0].components[0].url: not allowed on a button of style 1 to 4",
            "components[0].components[0].sku_id: not allowed on a button of style 1 to 4",
        ]
    );
}

#[test]
fn link_button_needs_url_and_no_custom_id() {
    let mut button = Button::link("https://example.com", "docs");
    button.url = None;
    button.custom_id = Some("x".into());
    assert_eq!(
        messages(&with_button(button)),
        [
            "components[0].components[0].url: required on a link button",
            "components[0].components[0].custom_id: not allowed on a link button",
        ]
    );
    assert!(
        with_button(Button::link("https://example.com", "docs"))
            .validate()
            .is_ok()
    );
}

#[test]
fn premium_button_needs_sku_only() {
    assert!(
        with_button(Button::premium(SkuId::new(5)))
            .validate()
            .is_ok()
    );
    let mut button = Button::new(ButtonStyle::Premium, "x", "label");
    button.url = Some("https://example.com".into());
    assert_eq!(
        messages(&with_button(button)),
        [
            "components[0].components[0].sku_id: required on a premium button",
            "components[0].components[0].custom_id: not allowed on a premium button",
            "components[0].components[0].label: not allowed on a premium button",
            "components[0].components[0].url: not allowed on a premium button",
        ]
    );
}

#[test]
fn select_must_be_alone_in_its_row() {
    let select = StringSelect::new("s").option(SelectOption::new("a", "a"));
    let row = ActionRow::select(select).with(Button::primary("b", "B"));
    assert_eq!(
        messages(&CreateMessage::new().component(row)),
        ["components[0].components: a select must be alone in its action row, found 2 components"]
    );
}

#[test]
fn select_min_above_max_and_max_above_options() {
    let select = StringSelect::new("s")
        .option(SelectOption::new("a", "a"))
        .option(SelectOption::new("b", "b"))
        .values(3, 2);
    assert_eq!(
        messages(&CreateMessage::new().component(ActionRow::select(select))),
        ["components[0].components[0].min_values: 3, more than max_values (2)"]
    );
    let select = StringSelect::new("s")
        .option(SelectOption::new("a", "a"))
        .values(1, 2);
    assert_eq!(
        messages(&CreateMessage::new().component(ActionRow::select(select))),
        ["components[0].components[0].max_values: 2, more than the number of options (1)"]
    );
}

#[test]
fn custom_ids_are_unique_per_message() {
    let message = CreateMessage::new()
        .component(ActionRow::buttons([Button::primary("ack", "A")]))
        .component(ActionRow::buttons([
            Button::secondary("other", "B"),
            Button::danger("ack", "C"),
        ]));
    let error = message.validate().unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"components[1].components[1].custom_id: "ack" is already used at components[0].components[0].custom_id"#
    );
}

#[test]
fn legacy_top_level_must_be_action_rows() {
    let message = CreateMessage::new().component(TextDisplay::new("hi"));
    assert_eq!(
        messages(&message),
        [
            "components[0]: a text display is not allowed here, expected an action row (other types need the IS_COMPONENTS_V2 flag)"
        ]
    );
}

#[test]
fn components_v2_excludes_content_embeds_poll_and_stickers() {
    let message = CreateMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .component(TextDisplay::new("hi"))
        .content("also text")
        .embed(Embed::builder().title("t").build())
        .poll(CreatePoll::new("q").answer("a"))
        .sticker(bugle_model::id::StickerId::new(3));
    assert_eq!(
        messages(&message),
        [
            "content: not allowed on a components v2 message",
            "embeds: not allowed on a components v2 message",
            "poll: not allowed on a components v2 message",
            "sticker_ids: not allowed on a components v2 message",
        ]
    );
}

#[test]
fn components_v2_layout_rules() {
    let in_container = Container {
        components: vec![Button::primary("b", "B").into()],
        ..Container::default()
    };
    let message = CreateMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .component(Button::primary("top", "T"))
        .component(in_container)
        .component(FileComponent {
            file: bugle_model::component::UnfurledMediaItem::new("https://x.y/a.txt"),
            ..FileComponent::default()
        });
    assert_eq!(
        messages(&message),
        [
            "components[0]: a button is not allowed here, expected an action row, container, file, media gallery, section, separator or text display",
            "components[1].components[0]: a button is not allowed here, expected an action row, file, media gallery, section, separator or text display",
            "components[2].file.url: must be attachment://<filename>",
        ]
    );
    let ok = CreateMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .component(FileComponent::attachment("a.txt"));
    assert!(ok.validate().is_ok());
}

#[test]
fn numeric_component_ids_are_unique() {
    let mut first = Button::primary("a", "A");
    first.id = Some(7);
    let mut second = Button::primary("b", "B");
    second.id = Some(7);
    assert_eq!(
        messages(&with_button(first).component(ActionRow::buttons([second]))),
        [
            r#"components[1].components[0].id: "7" is already used at components[0].components[0].id"#
        ]
    );
}

#[test]
fn text_input_is_for_modals_only() {
    let input = bugle_model::component::TextInput {
        id: None,
        custom_id: "t".into(),
        style: bugle_model::component::TextInputStyle::Short,
        label: None,
        min_length: None,
        max_length: None,
        required: None,
        value: None,
        placeholder: None,
    };
    let message = CreateMessage::new().component(ActionRow::new([Component::TextInput(input)]));
    assert_eq!(
        messages(&message),
        [
            "components[0].components[0]: a text input is not allowed here, expected a component that messages can show"
        ]
    );
}

#[test]
fn parse_conflicts_with_explicit_lists() {
    let mentions = AllowedMentions::none()
        .all_users()
        .users([UserId::new(1)])
        .all_roles()
        .roles([bugle_model::id::RoleId::new(2)]);
    let message = CreateMessage::new()
        .content("hi")
        .allowed_mentions(mentions);
    assert_eq!(
        messages(&message),
        [
            r#"allowed_mentions.users: cannot be set together with allowed_mentions.parse "users""#,
            r#"allowed_mentions.roles: cannot be set together with allowed_mentions.parse "roles""#,
        ]
    );
}

#[test]
fn mention_ids_are_unique() {
    let mentions = AllowedMentions::none().users([UserId::new(1), UserId::new(2), UserId::new(1)]);
    assert_eq!(
        messages(&CreateMessage::new().content("x").allowed_mentions(mentions)),
        [r#"allowed_mentions.users[2]: "1" is already used at allowed_mentions.users[0]"#]
    );
}

#[test]
fn webhook_username_rejects_clyde_and_discord_in_any_case() {
    for (name, word) in [
        ("my DiScOrD bot", "discord"),
        ("Clyde", "clyde"),
        ("xclydex", "clyde"),
    ] {
        let error = ExecuteWebhook::new()
            .content("x")
            .username(name)
            .validate()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("username: must not contain {word:?} (any case)")
        );
        assert!(matches!(
            error.violations()[0].kind,
            ViolationKind::ForbiddenWord { .. }
        ));
    }
    assert!(
        ExecuteWebhook::new()
            .content("x")
            .username("alerts")
            .validate()
            .is_ok()
    );
}

#[test]
fn forum_webhook_thread_id_and_thread_name_conflict() {
    let body = ExecuteWebhook::new().content("x").thread_name("new post");
    assert!(
        body.validate_with_query(&ExecuteWebhookQuery::new().wait(true))
            .is_ok()
    );
    let error = body
        .validate_with_query(&ExecuteWebhookQuery::new().thread_id(ChannelId::new(9)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "thread_name: cannot be set together with the thread_id query parameter"
    );
}

#[test]
fn new_messages_need_something_to_show() {
    assert_eq!(
        CreateMessage::new()
            .content("   ")
            .validate()
            .unwrap_err()
            .to_string(),
        "empty message, set at least one of content, embeds, components, sticker_ids, files or poll"
    );
    assert_eq!(
        ExecuteWebhook::new().validate().unwrap_err().to_string(),
        "empty message, set at least one of content, embeds, components, files or poll"
    );
    let post = CreateForumThread::new("t", ForumThreadMessage::default());
    assert_eq!(
        post.validate().unwrap_err().to_string(),
        "message: empty message, set at least one of content, embeds, components, sticker_ids or files"
    );
    let forward = CreateMessage::new().reference(MessageReference::forward(
        ChannelId::new(1),
        MessageId::new(2),
    ));
    assert!(forward.validate().is_ok());
    assert!(
        CreateMessage::new()
            .reply_to(MessageId::new(2))
            .validate()
            .is_err()
    );
    assert!(
        EditMessage::new().validate().is_ok(),
        "an edit may change nothing"
    );
}

#[test]
fn flags_outside_what_the_request_may_set() {
    let message = CreateMessage::new()
        .content("x")
        .flags(MessageFlags::EPHEMERAL | MessageFlags::SUPPRESS_EMBEDS);
    assert_eq!(
        messages(&message),
        ["flags: flag bits 0x40 cannot be set here"]
    );
    let post = CreateForumThread::new(
        "t",
        ForumThreadMessage {
            flags: MessageFlags::IS_COMPONENTS_V2,
            ..ForumThreadMessage::content("x")
        },
    );
    assert_eq!(
        messages(&post),
        [
            "message.flags: flag bits 0x8000 cannot be set here",
            "message.content: not allowed on a components v2 message"
        ]
    );
    let edit = EditMessage::new().flags(MessageFlags::SUPPRESS_NOTIFICATIONS);
    assert_eq!(
        messages(&edit),
        ["flags: flag bits 0x1000 cannot be set here"]
    );
}

#[test]
fn edit_checks_only_what_it_sets() {
    let edit = EditMessage::new().content("x".repeat(2001)).clear_embeds();
    assert_eq!(messages(&edit), ["content: 2001 chars, at most 2000"]);
    let switch = EditMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .content("still here")
        .component(TextDisplay::new("v2"));
    assert_eq!(
        messages(&switch),
        ["content: not allowed on a components v2 message"]
    );
}

#[test]
fn thread_type_must_be_a_thread() {
    let mut thread = CreateThread::public("t");
    thread.kind = Some(ChannelType::GuildText);
    assert_eq!(messages(&thread), ["type: 0, must be one of 10, 11, 12"]);
}

#[test]
fn every_violation_is_reported_at_once() {
    let message = CreateMessage::new()
        .content("x".repeat(2001))
        .nonce("n".repeat(26), true)
        .component(ActionRow::buttons([Button::primary("", "y".repeat(81))]));
    let error = message.validate().unwrap_err();
    assert_eq!(
        error.to_string(),
        "content: 2001 chars, at most 2000; components[0].components[0].label: 81 chars, at most 80; \
         components[0].components[0].custom_id: 0 chars, at least 1; nonce: 26 chars, at most 25"
    );
    assert_eq!(error.violations().len(), 4);
    assert_eq!(
        error.at("nonce").unwrap().kind,
        ViolationKind::TooLong {
            max: 25,
            actual: 26
        }
    );
}

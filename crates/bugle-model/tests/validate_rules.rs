//! The validation rules that are not plain length or count limits, and the
//! exact messages they produce.

use std::time::Duration;

use bugle_model::channel::ChannelType;
use bugle_model::component::{
    ActionRow, Button, ButtonStyle, Component, Container, FileComponent, SelectOption, Separator,
    SeparatorSpacing, StringSelect, TextDisplay,
};
use bugle_model::embed::{
    Embed, EmbedAuthor, EmbedFooter, EmbedImage, EmbedProvider, EmbedThumbnail, EmbedType,
    EmbedVideo,
};
use bugle_model::id::{ChannelId, MessageId, SkuId, StickerId, UserId};
use bugle_model::message::{MessageFlags, MessageReference, MessageReferenceType};
use bugle_model::request::{
    AllowedMentions, AttachmentFile, CreateForumThread, CreateMessage, CreatePoll, CreateThread,
    EditMessage, EditWebhookMessage, ExecuteWebhook, ExecuteWebhookQuery, ForumThreadMessage,
    Patch,
};
use bugle_model::validate::{Validate, ValidationContext, ViolationKind};

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
        .clear_embeds()
        .sticker_ids([])
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

fn messages_in(body: &impl Validate, context: &ValidationContext) -> Vec<String> {
    body.validate_in(context)
        .err()
        .map(|error| error.violations().iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

fn with_embed(embed: Embed) -> CreateMessage {
    CreateMessage::new().embed(embed)
}

fn embed_with_image(url: &str) -> Embed {
    Embed {
        image: Some(EmbedImage::new(url)),
        ..Embed::default()
    }
}

#[test]
fn embed_image_urls_are_http_https_or_attachment() {
    for url in [
        "https://example.com/a.png",
        "http://example.com/a",
        "HTTPS://EXAMPLE.COM/A.PNG",
        "attachment://chart.png",
        "attachment://photo.JPG",
        "attachment://a.jpeg",
        "attachment://a.gif",
        "attachment://a.webp",
    ] {
        assert_eq!(
            messages(&with_embed(embed_with_image(url))),
            [""; 0],
            "{url}"
        );
    }
    assert_eq!(
        messages(&with_embed(embed_with_image("ftp://example.com/a.png"))),
        ["embeds[0].image.url: must be an http://, https:// or attachment:// URL"]
    );
    assert_eq!(
        messages(&with_embed(embed_with_image("example.com/a.png"))),
        ["embeds[0].image.url: must be an http://, https:// or attachment:// URL"]
    );
    for url in [
        "attachment://report.pdf",
        "attachment://a.svg",
        "attachment://png",
        "attachment://.png",
    ] {
        assert_eq!(
            messages(&with_embed(embed_with_image(url))),
            [
                "embeds[0].image.url: must name a .png, .jpg, .jpeg, .gif or .webp file after attachment://"
            ],
            "{url}"
        );
    }
}

#[test]
fn embed_thumbnail_and_icons_follow_the_image_rule() {
    let embed = Embed {
        thumbnail: Some(EmbedThumbnail::new("data:image/png;base64,AAAA")),
        author: Some(EmbedAuthor {
            icon_url: Some("attachment://a.bmp".into()),
            ..EmbedAuthor::new("a")
        }),
        footer: Some(EmbedFooter {
            icon_url: Some("file:///etc/passwd".into()),
            ..EmbedFooter::new("f")
        }),
        ..Embed::default()
    };
    assert_eq!(
        messages(&with_embed(embed)),
        [
            "embeds[0].footer.icon_url: must be an http://, https:// or attachment:// URL",
            "embeds[0].author.icon_url: must name a .png, .jpg, .jpeg, .gif or .webp file after attachment://",
            "embeds[0].thumbnail.url: must be an http://, https:// or attachment:// URL",
        ]
    );
    let fine = Embed {
        thumbnail: Some(EmbedThumbnail::new("attachment://t.webp")),
        author: Some(EmbedAuthor {
            icon_url: Some("attachment://a.png".into()),
            ..EmbedAuthor::new("a")
        }),
        footer: Some(EmbedFooter {
            icon_url: Some("https://example.com/f.png".into()),
            ..EmbedFooter::new("f")
        }),
        ..Embed::default()
    };
    assert!(with_embed(fine).validate().is_ok());
}

#[test]
fn embed_author_url_is_http_only() {
    let author = |url: &str| Embed {
        author: Some(EmbedAuthor {
            url: Some(url.into()),
            ..EmbedAuthor::new("a")
        }),
        ..Embed::default()
    };
    assert!(
        with_embed(author("https://example.com/me"))
            .validate()
            .is_ok()
    );
    assert_eq!(
        messages(&with_embed(author("attachment://me.png"))),
        ["embeds[0].author.url: must be an http:// or https:// URL"]
    );
    assert_eq!(
        messages(&with_embed(author("mailto:me@example.com"))),
        ["embeds[0].author.url: must be an http:// or https:// URL"]
    );
}

#[test]
fn embed_fields_only_discord_fills_in_are_refused() {
    let received = Embed {
        kind: Some(EmbedType::Video),
        image: Some(EmbedImage {
            proxy_url: Some("https://media.example/a.png".into()),
            height: Some(10),
            width: Some(20),
            ..EmbedImage::new("https://example.com/a.png")
        }),
        thumbnail: Some(EmbedThumbnail {
            proxy_url: Some("https://media.example/t.png".into()),
            height: Some(1),
            width: Some(2),
            ..EmbedThumbnail::new("https://example.com/t.png")
        }),
        video: Some(EmbedVideo::default()),
        provider: Some(EmbedProvider::default()),
        author: Some(EmbedAuthor {
            proxy_icon_url: Some("https://media.example/i.png".into()),
            ..EmbedAuthor::new("a")
        }),
        footer: Some(EmbedFooter {
            proxy_icon_url: Some("https://media.example/f.png".into()),
            ..EmbedFooter::new("f")
        }),
        ..Embed::default()
    };
    let why = "not allowed in a sent embed, Discord fills it in (Embed::without_response_fields drops it)";
    let expected: Vec<String> = [
        "footer.proxy_icon_url",
        "author.proxy_icon_url",
        "image.proxy_url",
        "image.height",
        "image.width",
        "thumbnail.proxy_url",
        "thumbnail.height",
        "thumbnail.width",
    ]
    .iter()
    .map(|path| format!("embeds[0].{path}: {why}"))
    .chain([
        "embeds[0].type: not allowed in a sent embed except \"rich\", which Discord sets itself"
            .to_owned(),
        format!("embeds[0].provider: {why}"),
        format!("embeds[0].video: {why}"),
    ])
    .collect();
    assert_eq!(messages(&with_embed(received.clone())), expected);
    // The same rule in every body that sends embeds.
    assert_eq!(
        messages(&ExecuteWebhook::new().embed(received.clone())).len(),
        expected.len()
    );
    assert_eq!(
        messages(&EditMessage::new().embed(received.clone())).len(),
        expected.len()
    );
    // Sending it again is one call away; "rich" is Discord's own value.
    assert!(
        with_embed(received.without_response_fields())
            .validate()
            .is_ok()
    );
    let rich = Embed {
        kind: Some(EmbedType::Rich),
        ..Embed::builder().title("t").build()
    };
    assert!(with_embed(rich).validate().is_ok());
}

#[test]
fn separator_spacing_is_1_or_2() {
    let separator = |spacing| -> Component {
        Separator {
            spacing: Some(spacing),
            ..Separator::default()
        }
        .into()
    };
    let message = |component: Component| {
        CreateMessage::new()
            .flags(MessageFlags::IS_COMPONENTS_V2)
            .component(component)
    };
    assert!(
        message(separator(SeparatorSpacing::Small))
            .validate()
            .is_ok()
    );
    assert!(
        message(separator(SeparatorSpacing::Large))
            .validate()
            .is_ok()
    );
    assert_eq!(
        messages(&message(separator(SeparatorSpacing::Unknown(3)))),
        ["components[0].spacing: 3, must be one of 1, 2"]
    );
    assert_eq!(
        messages(&message(separator(SeparatorSpacing::from(0)))),
        ["components[0].spacing: 0, must be one of 1, 2"]
    );
    let boxed = Container {
        components: vec![
            TextDisplay::new("t").into(),
            separator(SeparatorSpacing::Unknown(9)),
        ],
        ..Container::default()
    };
    assert_eq!(
        messages(&message(boxed.into())),
        ["components[0].components[1].spacing: 9, must be one of 1, 2"]
    );
}

#[test]
fn webhook_username_cannot_be_everyone_or_here_in_any_case() {
    for name in ["everyone", "Everyone", " HERE ", "hErE"] {
        let lower = name.trim().to_lowercase();
        assert_eq!(
            messages(&ExecuteWebhook::new().content("x").username(name)),
            [format!("username: must not be {lower:?} (any case)")],
            "{name}"
        );
    }
    for name in ["everyone here", "heres", "@here", "nowhere"] {
        assert!(
            ExecuteWebhook::new()
                .content("x")
                .username(name)
                .validate()
                .is_ok(),
            "{name}"
        );
    }
}

#[test]
fn edit_switching_to_components_v2_clears_the_legacy_fields() {
    let bare = EditMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .component(TextDisplay::new("v2"));
    assert_eq!(
        messages(&bare),
        [
            "content: required as null or empty when an edit sets IS_COMPONENTS_V2",
            "embeds: required as null or empty when an edit sets IS_COMPONENTS_V2",
            "sticker_ids: required as null or empty when an edit sets IS_COMPONENTS_V2",
        ]
    );
    // null or empty both clear.
    let cleared = EditMessage {
        content: Patch::Set(String::new()),
        embeds: Patch::Set(Vec::new()),
        ..bare.clone()
    }
    .sticker_ids([]);
    assert!(cleared.validate().is_ok());
    let nulled = bare.clone().clear_content().clear_embeds();
    assert_eq!(
        messages(&nulled),
        ["sticker_ids: required as null or empty when an edit sets IS_COMPONENTS_V2"]
    );
    // Setting them is the other rule.
    let stickers = bare
        .clone()
        .clear_content()
        .clear_embeds()
        .sticker_ids([StickerId::new(1)]);
    assert_eq!(
        messages(&stickers),
        ["sticker_ids: not allowed on a components v2 message"]
    );
    // The builder does the switch right, and keeps SUPPRESS_EMBEDS.
    let switch = EditMessage::new()
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .switch_to_components_v2([TextDisplay::new("v2").into()]);
    assert!(switch.validate().is_ok());
    assert_eq!(
        switch.flags,
        Patch::Set(MessageFlags::SUPPRESS_EMBEDS | MessageFlags::IS_COMPONENTS_V2)
    );
    // An edit that does not set the flag needs none of this.
    assert!(EditMessage::new().content("x").validate().is_ok());
}

#[test]
fn webhook_edit_switching_to_components_v2_clears_content_embeds_and_poll() {
    let bare = EditWebhookMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .component(TextDisplay::new("v2"));
    assert_eq!(
        messages(&bare),
        [
            "content: required as null or empty when an edit sets IS_COMPONENTS_V2",
            "embeds: required as null or empty when an edit sets IS_COMPONENTS_V2",
            "poll: required as null or empty when an edit sets IS_COMPONENTS_V2",
        ]
    );
    let switch = EditWebhookMessage::new().switch_to_components_v2([TextDisplay::new("v2").into()]);
    assert!(switch.validate().is_ok());
    assert_eq!(
        serde_json::to_value(&switch).unwrap(),
        serde_json::json!({
            "content": null, "embeds": null, "poll": null, "flags": 32768,
            "components": [{"type": 10, "content": "v2"}],
        })
    );
}

#[test]
fn poll_in_a_webhook_edit_only_for_a_deferred_interaction_response() {
    let edit = EditWebhookMessage::new().poll(CreatePoll::new("q").answer("a"));
    assert_eq!(
        messages(&edit),
        ["poll: not allowed in a webhook message edit, except of a deferred interaction response"]
    );
    let deferred = ValidationContext::new().with_deferred_interaction_response(true);
    assert_eq!(messages_in(&edit, &deferred), [""; 0]);
    // The poll's own limits still apply there.
    let long = EditWebhookMessage::new().poll(CreatePoll::new("q".repeat(301)).answer("a"));
    assert_eq!(
        messages_in(&long, &deferred),
        ["poll.question.text: 301 chars, at most 300"]
    );
    // Clearing a poll (null) is not setting one.
    let clear = EditWebhookMessage {
        poll: Patch::Clear,
        ..EditWebhookMessage::new()
    };
    assert!(clear.validate().is_ok());
}

#[test]
fn forward_needs_the_source_channel() {
    let forward = MessageReference {
        kind: Some(MessageReferenceType::Forward),
        message_id: Some(MessageId::new(7)),
        ..MessageReference::default()
    };
    assert_eq!(
        messages(&CreateMessage::new().reference(forward)),
        ["message_reference.channel_id: required on a forward"]
    );
    let complete = MessageReference::forward(ChannelId::new(1), MessageId::new(7));
    assert!(CreateMessage::new().reference(complete).validate().is_ok());
    // A reply may leave the channel out.
    assert!(
        CreateMessage::new()
            .content("x")
            .reply_to(MessageId::new(7))
            .validate()
            .is_ok()
    );
    let nothing = MessageReference {
        kind: Some(MessageReferenceType::Default),
        ..MessageReference::default()
    };
    assert_eq!(
        messages(&CreateMessage::new().content("x").reference(nothing)),
        ["message_reference.message_id: required on a message reference"]
    );
}

#[test]
fn voice_messages_need_duration_and_waveform() {
    let voice = |file: AttachmentFile| {
        CreateMessage::new()
            .flags(MessageFlags::IS_VOICE_MESSAGE)
            .file(file)
    };
    let ok = voice(
        AttachmentFile::new("note.ogg", vec![0; 8]).voice(Duration::from_millis(1500), "AAEC/w=="),
    );
    assert!(ok.validate().is_ok());
    assert_eq!(
        messages(&voice(AttachmentFile::new("note.ogg", vec![0; 8]))),
        [
            "attachments[0].duration_secs: required on the attachment of a voice message",
            "attachments[0].waveform: required on the attachment of a voice message",
        ]
    );
    for bad in ["AAE", "AA=A", "AAE*", "A==="] {
        assert_eq!(
            messages(&voice(
                AttachmentFile::new("note.ogg", vec![0; 8]).voice(Duration::from_secs(1), bad)
            )),
            ["attachments[0].waveform: must be base64 (standard alphabet, padded)"],
            "{bad}"
        );
    }
    assert_eq!(
        messages(&CreateMessage::new().flags(MessageFlags::IS_VOICE_MESSAGE)),
        [
            "attachments: required on a voice message (its audio file)",
            "empty message, set at least one of content, embeds, components, sticker_ids, files or poll",
        ]
    );
    // Without the flag, the fields are optional.
    assert!(
        CreateMessage::new()
            .file(AttachmentFile::new("song.ogg", vec![0; 8]))
            .validate()
            .is_ok()
    );
}

#[test]
fn invitable_only_on_private_threads() {
    assert!(
        CreateThread::private("t")
            .invitable(true)
            .validate()
            .is_ok()
    );
    let unset_type = CreateThread {
        kind: None,
        ..CreateThread::private("t").invitable(false)
    };
    assert!(
        unset_type.validate().is_ok(),
        "Discord's default type is private"
    );
    for thread in [CreateThread::public("t"), CreateThread::announcement("t")] {
        assert_eq!(
            messages(&thread.invitable(false)),
            ["invitable: not allowed on a thread that is not private (type 12)"]
        );
    }
    assert!(CreateThread::public("t").validate().is_ok());
}

//! Every documented limit at N (passes) and N+1 (fails), with the field path
//! and the message asserted.

use std::sync::Arc;

use bugle_model::channel::AutoArchiveDuration;
use bugle_model::component::{
    ActionRow, Button, Component, EntitySelect, MediaGallery, MediaGalleryItem, Section,
    SelectOption, StringSelect, TextDisplay, Thumbnail,
};
use bugle_model::embed::Embed;
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{AttachmentId, RoleId, StickerId, TagId, UserId};
use bugle_model::message::MessageFlags;
use bugle_model::request::{
    AllowedMentions, AttachmentFile, CreateForumThread, CreateMessage, CreatePoll, CreateThread,
    CreateThreadFromMessage, EditMessage, ExecuteWebhook, ForumThreadMessage,
};
use bugle_model::validate::{self, Validate, ValidationContext};

/// `make(n)` validates; `make(n + 1)` fails with exactly `message` at `path`.
fn limit<T: Validate>(n: usize, path: &str, message: &str, make: impl Fn(usize) -> T) {
    limit_in(&ValidationContext::new(), n, path, message, make);
}

/// [`limit`], validating in `context`.
fn limit_in<T: Validate>(
    context: &ValidationContext,
    n: usize,
    path: &str,
    message: &str,
    make: impl Fn(usize) -> T,
) {
    if let Err(error) = make(n).validate_in(context) {
        panic!("{path} at {n} should pass, got: {error}");
    }
    let error = make(n + 1)
        .validate_in(context)
        .expect_err("one over the limit must fail");
    let violation = error
        .at(path)
        .unwrap_or_else(|| panic!("no violation at {path}: {error}"));
    assert_eq!(violation.to_string(), message);
}

fn text(n: usize) -> String {
    "é".repeat(n) // two bytes each: lengths must count chars, not bytes
}

fn message_with_embed(embed: Embed) -> CreateMessage {
    CreateMessage::new().embed(embed)
}

fn embed_titled(title: &str) -> Embed {
    Embed::builder().title(title).build()
}

fn row(components: Vec<Component>) -> Component {
    ActionRow {
        id: None,
        components,
    }
    .into()
}

fn v2(components: Vec<Component>) -> CreateMessage {
    CreateMessage::new()
        .flags(MessageFlags::IS_COMPONENTS_V2)
        .components(components)
}

#[test]
fn content() {
    limit(2000, "content", "content: 2001 chars, at most 2000", |n| {
        CreateMessage::new().content(text(n))
    });
    limit(2000, "content", "content: 2001 chars, at most 2000", |n| {
        ExecuteWebhook::new().content(text(n))
    });
}

#[test]
fn nonce() {
    limit(25, "nonce", "nonce: 26 chars, at most 25", |n| {
        CreateMessage::new().content("x").nonce(text(n), true)
    });
    assert!(
        CreateMessage::new()
            .content("x")
            .nonce(i64::MAX, true)
            .validate()
            .is_ok()
    );
}

#[test]
fn embed_count() {
    limit(10, "embeds", "embeds: 11 items, at most 10", |n| {
        CreateMessage::new().embeds((0..n).map(|_| embed_titled("t")))
    });
}

#[test]
fn embed_text_parts() {
    limit(
        256,
        "embeds[0].title",
        "embeds[0].title: 257 chars, at most 256",
        |n| message_with_embed(embed_titled(&text(n))),
    );
    limit(
        4096,
        "embeds[0].description",
        "embeds[0].description: 4097 chars, at most 4096",
        |n| message_with_embed(Embed::builder().description(text(n)).build()),
    );
    limit(
        256,
        "embeds[0].fields[0].name",
        "embeds[0].fields[0].name: 257 chars, at most 256",
        |n| message_with_embed(Embed::builder().field(text(n), "v").build()),
    );
    limit(
        1024,
        "embeds[0].fields[3].value",
        "embeds[0].fields[3].value: 1025 chars, at most 1024",
        |n| {
            let embed = (0..3).fold(Embed::builder(), |embed, _| embed.field("n", "v"));
            message_with_embed(embed.field("n", text(n)).build())
        },
    );
    limit(
        2048,
        "embeds[0].footer.text",
        "embeds[0].footer.text: 2049 chars, at most 2048",
        |n| message_with_embed(Embed::builder().footer(text(n)).build()),
    );
    limit(
        256,
        "embeds[0].author.name",
        "embeds[0].author.name: 257 chars, at most 256",
        |n| message_with_embed(Embed::builder().author(text(n)).build()),
    );
}

#[test]
fn embed_text_is_measured_trimmed() {
    let padded = format!("  \n{}\t ", text(256));
    assert!(message_with_embed(embed_titled(&padded)).validate().is_ok());
}

#[test]
fn embed_field_count() {
    limit(
        25,
        "embeds[0].fields",
        "embeds[0].fields: 26 items, at most 25",
        |n| {
            message_with_embed(
                (0..n)
                    .fold(Embed::builder(), |embed, _| embed.field("n", "v"))
                    .build(),
            )
        },
    );
}

#[test]
fn embed_total_across_embeds() {
    limit(
        6000,
        "embeds",
        "embeds: 6001 chars in total, at most 6000",
        |n| {
            let first = Embed::builder().description(text(3000)).build();
            let second = Embed::builder()
                .title(text(200))
                .description(text(n - 3200))
                .build();
            CreateMessage::new().embed(first).embed(second)
        },
    );
}

#[test]
fn embed_urls_and_colour() {
    limit(
        2048,
        "embeds[0].url",
        "embeds[0].url: 2049 chars, at most 2048",
        |n| {
            let mut embed = embed_titled("t");
            embed.url = Some(format!("https://{}", "a".repeat(n - 8)));
            message_with_embed(embed)
        },
    );
    let colour = |value: u32| {
        let mut embed = embed_titled("t");
        embed.color = Some(value);
        message_with_embed(embed).validate()
    };
    assert!(colour(0xFF_FF_FF).is_ok());
    assert_eq!(
        colour(0x100_0000).unwrap_err().to_string(),
        "embeds[0].color: 16777216, must be 0 to 16777215"
    );
}

#[test]
fn action_rows() {
    limit(5, "components", "components: 6 items, at most 5", |n| {
        CreateMessage::new()
            .components((0..n).map(|i| row(vec![Button::primary(format!("b{i}"), "B").into()])))
    });
}

#[test]
fn buttons_per_row() {
    limit(
        5,
        "components[0].components",
        "components[0].components: 6 items, at most 5",
        |n| {
            CreateMessage::new().component(row((0..n)
                .map(|i| Button::primary(format!("b{i}"), "B").into())
                .collect()))
        },
    );
    let empty = CreateMessage::new()
        .component(row(Vec::new()))
        .validate()
        .unwrap_err();
    assert_eq!(
        empty.to_string(),
        "components[0].components: 0 items, at least 1"
    );
}

#[test]
fn custom_id_length() {
    limit(
        100,
        "components[0].components[0].custom_id",
        "components[0].components[0].custom_id: 101 chars, at most 100",
        |n| CreateMessage::new().component(ActionRow::buttons([Button::primary(text(n), "B")])),
    );
    let empty = CreateMessage::new()
        .component(ActionRow::buttons([Button::primary("", "B")]))
        .validate()
        .unwrap_err();
    assert_eq!(
        empty.to_string(),
        "components[0].components[0].custom_id: 0 chars, at least 1"
    );
}

#[test]
fn button_label_and_url() {
    limit(
        80,
        "components[0].components[0].label",
        "components[0].components[0].label: 81 chars, at most 80",
        |n| CreateMessage::new().component(ActionRow::buttons([Button::primary("b", text(n))])),
    );
    limit(
        512,
        "components[0].components[0].url",
        "components[0].components[0].url: 513 chars, at most 512",
        |n| {
            CreateMessage::new().component(ActionRow::buttons([Button::link(
                format!("https://{}", "a".repeat(n - 8)),
                "L",
            )]))
        },
    );
}

fn select_message(select: StringSelect) -> CreateMessage {
    CreateMessage::new().component(ActionRow::select(select))
}

fn options(n: usize) -> StringSelect {
    (0..n).fold(StringSelect::new("s"), |select, i| {
        select.option(SelectOption::new(format!("o{i}"), format!("v{i}")))
    })
}

#[test]
fn select_options() {
    limit(
        25,
        "components[0].components[0].options",
        "components[0].components[0].options: 26 items, at most 25",
        |n| select_message(options(n)),
    );
    let none = select_message(options(0)).validate().unwrap_err();
    assert_eq!(
        none.at("components[0].components[0].options")
            .unwrap()
            .to_string(),
        "components[0].components[0].options: 0 items, at least 1"
    );
}

#[test]
fn select_placeholder() {
    limit(
        150,
        "components[0].components[0].placeholder",
        "components[0].components[0].placeholder: 151 chars, at most 150",
        |n| select_message(options(1).with_placeholder(text(n))),
    );
}

#[test]
fn select_min_and_max_values() {
    let entity = |min: u8, max: u8| {
        CreateMessage::new().component(ActionRow::select(
            EntitySelect::new("u").values(min, max).into_user_select(),
        ))
    };
    limit(
        25,
        "components[0].components[0].max_values",
        "components[0].components[0].max_values: 26, must be 1 to 25",
        |n| entity(1, u8::try_from(n).unwrap()),
    );
    limit(
        25,
        "components[0].components[0].min_values",
        "components[0].components[0].min_values: 26, must be 0 to 25",
        |n| {
            let n = u8::try_from(n).unwrap();
            entity(n, n.min(25))
        },
    );
    assert!(entity(0, 1).validate().is_ok());
    let zero_max = entity(0, 0).validate().unwrap_err();
    assert_eq!(
        zero_max.to_string(),
        "components[0].components[0].max_values: 0, must be 1 to 25"
    );
}

#[test]
fn select_option_text() {
    let with_option = |option: SelectOption| select_message(StringSelect::new("s").option(option));
    limit(
        100,
        "components[0].components[0].options[0].label",
        "components[0].components[0].options[0].label: 101 chars, at most 100",
        |n| with_option(SelectOption::new(text(n), "v")),
    );
    limit(
        100,
        "components[0].components[0].options[0].value",
        "components[0].components[0].options[0].value: 101 chars, at most 100",
        |n| with_option(SelectOption::new("l", text(n))),
    );
    limit(
        100,
        "components[0].components[0].options[0].description",
        "components[0].components[0].options[0].description: 101 chars, at most 100",
        |n| with_option(SelectOption::new("l", "v").with_description(text(n))),
    );
}

#[test]
fn components_v2_total() {
    // Each container holds one text display: 2 components per container.
    let message = |total: usize| {
        let mut components: Vec<Component> = (0..total / 2)
            .map(|i| {
                bugle_model::component::Container {
                    components: vec![TextDisplay::new(format!("t{i}")).into()],
                    ..Default::default()
                }
                .into()
            })
            .collect();
        if total % 2 == 1 {
            components.push(TextDisplay::new("odd").into());
        }
        v2(components)
    };
    limit(
        40,
        "components",
        "components: 41 components counting nested ones, at most 40",
        message,
    );
}

#[test]
fn components_v2_parts() {
    limit(
        4000,
        "components[0].content",
        "components[0].content: 4001 chars, at most 4000",
        |n| v2(vec![TextDisplay::new(text(n)).into()]),
    );
    limit(
        3,
        "components[0].components",
        "components[0].components: 4 items, at most 3",
        |n| {
            let texts = (0..n)
                .map(|i| TextDisplay::new(format!("t{i}")).into())
                .collect();
            v2(vec![
                Section {
                    id: None,
                    components: texts,
                    accessory: Box::new(Thumbnail::new("https://x.y/a.png").into()),
                }
                .into(),
            ])
        },
    );
    limit(
        10,
        "components[0].items",
        "components[0].items: 11 items, at most 10",
        |n| {
            let items = (0..n)
                .map(|_| MediaGalleryItem::new("https://x.y/a.png"))
                .collect();
            v2(vec![MediaGallery { id: None, items }.into()])
        },
    );
    limit(
        1024,
        "components[0].accessory.description",
        "components[0].accessory.description: 1025 chars, at most 1024",
        |n| {
            let mut thumbnail = Thumbnail::new("https://x.y/a.png");
            thumbnail.description = Some(text(n));
            v2(vec![
                Section {
                    id: None,
                    components: vec![TextDisplay::new("t").into()],
                    accessory: Box::new(thumbnail.into()),
                }
                .into(),
            ])
        },
    );
}

#[test]
fn media_item_description() {
    limit(
        1024,
        "components[0].items[0].description",
        "components[0].items[0].description: 1025 chars, at most 1024",
        |n| {
            let mut item = MediaGalleryItem::new("https://x.y/a.png");
            item.description = Some(text(n));
            v2(vec![
                MediaGallery {
                    id: None,
                    items: vec![item],
                }
                .into(),
            ])
        },
    );
}

#[test]
fn webhook_username() {
    limit(80, "username", "username: 81 chars, at most 80", |n| {
        ExecuteWebhook::new().content("x").username(text(n))
    });
    let empty = ExecuteWebhook::new()
        .content("x")
        .username("  ")
        .validate()
        .unwrap_err();
    assert_eq!(empty.to_string(), "username: 0 chars, at least 1");
}

#[test]
fn webhook_avatar_url() {
    limit(
        2048,
        "avatar_url",
        "avatar_url: 2049 chars, at most 2048",
        |n| {
            ExecuteWebhook::new()
                .content("x")
                .avatar_url(format!("https://{}", "a".repeat(n - 8)))
        },
    );
}

#[test]
fn thread_name() {
    limit(100, "name", "name: 101 chars, at most 100", |n| {
        CreateThreadFromMessage::new(text(n))
    });
    limit(100, "name", "name: 101 chars, at most 100", |n| {
        CreateThread::public(text(n))
    });
    limit(
        100,
        "thread_name",
        "thread_name: 101 chars, at most 100",
        |n| ExecuteWebhook::new().content("x").thread_name(text(n)),
    );
    let empty = CreateThread::private("").validate().unwrap_err();
    assert_eq!(empty.to_string(), "name: 0 chars, at least 1");
}

#[test]
fn auto_archive_duration() {
    for minutes in [60, 1440, 4320, 10080] {
        let thread = CreateThreadFromMessage::new("t")
            .auto_archive_duration(AutoArchiveDuration::from(minutes));
        assert!(thread.validate().is_ok(), "{minutes}");
    }
    for minutes in [0, 61, 1441, 10081] {
        let error = CreateThread::public("t")
            .auto_archive_duration(AutoArchiveDuration::from(minutes))
            .validate()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("auto_archive_duration: {minutes}, must be one of 60, 1440, 4320, 10080")
        );
    }
}

#[test]
fn rate_limit_per_user() {
    limit(
        21600,
        "rate_limit_per_user",
        "rate_limit_per_user: 21601, must be 0 to 21600",
        |n| CreateThreadFromMessage::new("t").rate_limit_per_user(u32::try_from(n).unwrap()),
    );
}

#[test]
fn allowed_mentions_lists() {
    limit(
        100,
        "allowed_mentions.users",
        "allowed_mentions.users: 101 items, at most 100",
        |n| {
            let users = (1..=n as u64).map(UserId::new);
            CreateMessage::new()
                .content("x")
                .allowed_mentions(AllowedMentions::none().users(users))
        },
    );
    limit(
        100,
        "allowed_mentions.roles",
        "allowed_mentions.roles: 101 items, at most 100",
        |n| {
            let roles = (1..=n as u64).map(RoleId::new);
            CreateMessage::new()
                .content("x")
                .allowed_mentions(AllowedMentions::none().roles(roles))
        },
    );
}

#[test]
fn attachments_count() {
    limit(
        10,
        "attachments",
        "attachments: 11 items, at most 10",
        |n| {
            (0..n).fold(CreateMessage::new(), |message, i| {
                message.file(AttachmentFile::new(format!("f{i}.txt"), vec![1]))
            })
        },
    );
}

#[test]
fn attachment_text() {
    limit(
        1024,
        "attachments[0].description",
        "attachments[0].description: 1025 chars, at most 1024",
        |n| CreateMessage::new().file(AttachmentFile::new("a.png", vec![1]).description(text(n))),
    );
    limit(
        1024,
        "attachments[0].filename",
        "attachments[0].filename: 1025 chars, at most 1024",
        |n| CreateMessage::new().file(AttachmentFile::new(text(n), vec![1])),
    );
}

#[test]
fn upload_size() {
    // Two full files of the per-file cap, and a third making up the rest.
    let max = usize::try_from(validate::REQUEST_MAX_BYTES).unwrap();
    let file_max = usize::try_from(validate::FILE_MAX_BYTES).unwrap();
    let full: Arc<[u8]> = vec![0; file_max].into();
    limit(
        max,
        "attachments",
        "attachments: 26214401 bytes of files, at most 26214400",
        |n| {
            CreateMessage::new()
                .file(AttachmentFile::new("a.bin", Arc::clone(&full)))
                .file(AttachmentFile::new("b.bin", Arc::clone(&full)))
                .file(AttachmentFile::new("c.bin", vec![0; n - 2 * file_max]))
        },
    );
}

#[test]
fn sticker_ids() {
    limit(3, "sticker_ids", "sticker_ids: 4 items, at most 3", |n| {
        (1..=n as u64).fold(CreateMessage::new(), |message, id| {
            message.sticker(StickerId::new(id))
        })
    });
}

#[test]
fn applied_tags() {
    limit(5, "applied_tags", "applied_tags: 6 items, at most 5", |n| {
        (1..=n as u64).fold(
            CreateForumThread::new("post", ForumThreadMessage::content("x")),
            |post, id| post.applied_tag(TagId::new(id)),
        )
    });
    limit(5, "applied_tags", "applied_tags: 6 items, at most 5", |n| {
        (1..=n as u64).fold(
            ExecuteWebhook::new().content("x").thread_name("t"),
            |message, id| message.applied_tag(TagId::new(id)),
        )
    });
}

#[test]
fn poll_limits() {
    let poll_message = |poll: CreatePoll| CreateMessage::new().poll(poll);
    limit(
        300,
        "poll.question.text",
        "poll.question.text: 301 chars, at most 300",
        |n| poll_message(CreatePoll::new(text(n)).answer("a")),
    );
    limit(
        55,
        "poll.answers[1].poll_media.text",
        "poll.answers[1].poll_media.text: 56 chars, at most 55",
        |n| poll_message(CreatePoll::new("q").answer("a").answer(text(n))),
    );
    limit(
        10,
        "poll.answers",
        "poll.answers: 11 items, at most 10",
        |n| poll_message((0..n).fold(CreatePoll::new("q"), |poll, i| poll.answer(format!("a{i}")))),
    );
    limit(
        768,
        "poll.duration",
        "poll.duration: 769, must be 1 to 768",
        |n| {
            poll_message(
                CreatePoll::new("q")
                    .answer("a")
                    .duration_hours(u32::try_from(n).unwrap()),
            )
        },
    );
    let no_answers = poll_message(CreatePoll::new("q")).validate().unwrap_err();
    assert_eq!(no_answers.to_string(), "poll.answers: 0 items, at least 1");
}

#[test]
fn audit_log_reason() {
    assert!(validate::validate_audit_log_reason(&text(512)).is_ok());
    assert_eq!(
        validate::validate_audit_log_reason(&text(513))
            .unwrap_err()
            .to_string(),
        "reason: 513 chars, at most 512"
    );
    assert_eq!(
        validate::validate_audit_log_reason("")
            .unwrap_err()
            .to_string(),
        "reason: 0 chars, at least 1"
    );
}

#[test]
fn forum_message_content() {
    limit(
        2000,
        "message.content",
        "message.content: 2001 chars, at most 2000",
        |n| CreateForumThread::new("post", ForumThreadMessage::content(text(n))),
    );
}

#[test]
fn file_size_default() {
    let max = usize::try_from(validate::FILE_MAX_BYTES).unwrap();
    assert_eq!(max, 10 * 1024 * 1024);
    limit(
        max,
        "attachments[0]",
        "attachments[0]: 10485761 bytes in one file, at most 10485760",
        |n| CreateMessage::new().file(AttachmentFile::new("big.bin", vec![0; n])),
    );
}

#[test]
fn file_size_is_a_setting() {
    let small = ValidationContext::new().with_max_file_bytes(100);
    limit_in(
        &small,
        100,
        "attachments[1]",
        "attachments[1]: 101 bytes in one file, at most 100",
        |n| {
            ExecuteWebhook::new()
                .file(AttachmentFile::new("a.txt", vec![0; 1]))
                .file(AttachmentFile::new("b.txt", vec![0; n]))
        },
    );
    // On an edit, the path is the file's place in `attachments`, after the
    // kept attachments.
    limit_in(
        &small,
        100,
        "attachments[1]",
        "attachments[1]: 101 bytes in one file, at most 100",
        |n| {
            EditMessage::new()
                .keep_attachment(AttachmentId::new(9))
                .file(AttachmentFile::new("b.txt", vec![0; n]))
        },
    );
    let over_default = CreateMessage::new().file(AttachmentFile::new(
        "clip.mp4",
        vec![0; 10 * 1024 * 1024 + 1],
    ));
    assert!(over_default.validate().is_err());
    let boosted = ValidationContext::new().with_max_file_bytes(50 * 1024 * 1024);
    assert!(over_default.validate_in(&boosted).is_ok());
}

#[test]
fn request_size_is_a_setting_too() {
    let context = ValidationContext::new()
        .with_max_file_bytes(1000)
        .with_max_request_bytes(150);
    limit_in(
        &context,
        150,
        "attachments",
        "attachments: 151 bytes of files, at most 150",
        |n| {
            CreateMessage::new()
                .file(AttachmentFile::new("a.txt", vec![0; 100]))
                .file(AttachmentFile::new("b.txt", vec![0; n - 100]))
        },
    );
}

#[test]
fn component_emoji_name() {
    limit(
        32,
        "components[0].components[0].emoji.name",
        "components[0].components[0].emoji.name: 33 chars, at most 32",
        |n| {
            let mut button = Button::primary("b", "B");
            button.emoji = Some(PartialEmoji::unicode(text(n)));
            CreateMessage::new().component(row(vec![button.into()]))
        },
    );
    limit(
        32,
        "components[0].components[0].options[0].emoji.name",
        "components[0].components[0].options[0].emoji.name: 33 chars, at most 32",
        |n| {
            let mut option = SelectOption::new("o", "v");
            option.emoji = Some(PartialEmoji::unicode(text(n)));
            select_message(StringSelect::new("s").option(option))
        },
    );
}

fn voice(waveform: String, duration: std::time::Duration) -> CreateMessage {
    CreateMessage::new()
        .flags(MessageFlags::IS_VOICE_MESSAGE)
        .file(AttachmentFile::new("note.ogg", vec![0; 8]).voice(duration, waveform))
}

#[test]
fn voice_waveform() {
    // Base64 text: the limit is on its characters (400, so 300 bytes decoded).
    limit(
        400,
        "attachments[0].waveform",
        "attachments[0].waveform: 401 chars, at most 400",
        |n| voice("A".repeat(n), std::time::Duration::from_secs(3)),
    );
}

#[test]
fn voice_duration() {
    limit(
        2_147_483_647,
        "attachments[0].duration_secs",
        "attachments[0].duration_secs: 2147483648, must be 0 to 2147483647",
        |n| {
            voice(
                "AAAA".to_owned(),
                std::time::Duration::from_secs(u64::try_from(n).unwrap()),
            )
        },
    );
}

#[test]
fn attachment_title() {
    limit(
        1024,
        "attachments[0].title",
        "attachments[0].title: 1025 chars, at most 1024",
        |n| CreateMessage::new().file(AttachmentFile::new("a.png", vec![1]).title(text(n))),
    );
}

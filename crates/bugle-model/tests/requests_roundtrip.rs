//! serialise → parse is the identity for the request bodies (proptest), and
//! the multipart pieces agree with the JSON.

use bugle_model::component::{
    ActionRow, Button, ButtonStyle, Component, SelectOption, StringSelect,
};
use bugle_model::embed::{Embed, EmbedField};
use bugle_model::id::{AttachmentId, MessageId, RoleId, StickerId, TagId, UserId};
use bugle_model::message::{MessageFlags, Nonce};
use bugle_model::request::{
    AllowedMentions, AttachmentFile, CreateForumThread, CreateMessage, CreatePoll, EditMessage,
    EditWebhookMessage, ExecuteWebhook, ForumThreadMessage, Patch, RequestBody,
};
use proptest::option;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    body: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(body).unwrap();
    let parsed: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&parsed, body);
    Ok(())
}

fn words() -> impl Strategy<Value = String> {
    "\\PC{0,40}"
}

fn embed() -> impl Strategy<Value = Embed> {
    (
        option::of(words()),
        option::of(words()),
        option::of(0u32..=0xFF_FFFF),
        prop::collection::vec((words(), words(), any::<bool>()), 0..4),
    )
        .prop_map(|(title, description, color, fields)| {
            let mut embed = Embed::builder().build();
            embed.title = title;
            embed.description = description;
            embed.color = color;
            embed.fields = fields
                .into_iter()
                .map(|(name, value, inline)| {
                    if inline {
                        EmbedField::inline(name, value)
                    } else {
                        EmbedField::new(name, value)
                    }
                })
                .collect();
            embed
        })
}

fn component() -> impl Strategy<Value = Component> {
    let button = (1u8..=4, "[a-z]{1,20}", words(), any::<bool>()).prop_map(
        |(style, id, label, disabled)| {
            Component::from(
                Button::new(ButtonStyle::from(style), id, label).with_disabled(disabled),
            )
        },
    );
    let link = ("[a-z]{1,10}", words()).prop_map(|(path, label)| {
        Component::from(Button::link(format!("https://x.y/{path}"), label))
    });
    let select = (
        "[a-z]{1,20}",
        prop::collection::vec((words(), "[a-z]{1,8}"), 1..5),
        option::of(words()),
    )
        .prop_map(|(id, options, placeholder)| {
            let mut select = options
                .into_iter()
                .fold(StringSelect::new(id), |s, (l, v)| {
                    s.option(SelectOption::new(l, v))
                });
            select.placeholder = placeholder;
            Component::from(ActionRow::select(select))
        });
    prop_oneof![
        prop::collection::vec(prop_oneof![button, link], 1..5)
            .prop_map(|buttons: Vec<Component>| Component::from(ActionRow::new(buttons))),
        select,
    ]
}

fn mentions() -> impl Strategy<Value = AllowedMentions> {
    (
        any::<bool>(),
        prop::collection::vec(1u64.., 0..3),
        prop::collection::vec(1u64.., 0..3),
        any::<bool>(),
    )
        .prop_map(|(everyone, users, roles, replied)| {
            let mentions = AllowedMentions::none()
                .users(users.into_iter().map(UserId::new))
                .roles(roles.into_iter().map(RoleId::new))
                .replied_user(replied);
            if everyone {
                mentions.everyone()
            } else {
                mentions
            }
        })
}

fn nonce() -> impl Strategy<Value = Nonce> {
    prop_oneof![
        any::<i64>().prop_map(Nonce::from),
        "[a-z]{1,25}".prop_map(Nonce::from)
    ]
}

fn poll() -> impl Strategy<Value = CreatePoll> {
    (
        words(),
        prop::collection::vec(words(), 1..4),
        option::of(1u32..=768),
    )
        .prop_map(|(q, answers, hours)| {
            let mut poll = answers
                .into_iter()
                .fold(CreatePoll::new(q), CreatePoll::answer);
            poll.duration = hours;
            poll
        })
}

fn create_message() -> impl Strategy<Value = CreateMessage> {
    (
        option::of(words()),
        prop::collection::vec(embed(), 0..3),
        prop::collection::vec(component(), 0..3),
        option::of(mentions()),
        option::of(nonce()),
        any::<bool>(),
        prop::collection::vec(1u64.., 0..3),
        option::of(poll()),
        option::of(1u64..),
        0u64..4,
    )
        .prop_map(
            |(content, embeds, components, mentions, nonce, tts, stickers, poll, reply, flags)| {
                let mut message = CreateMessage::new()
                    .embeds(embeds)
                    .components(components)
                    .tts(tts);
                message.content = content;
                message.allowed_mentions = mentions;
                message.nonce = nonce;
                message.enforce_nonce = message.nonce.is_some();
                message.sticker_ids = stickers.into_iter().map(StickerId::new).collect();
                message.poll = poll;
                if let Some(id) = reply {
                    message = message.reply_to(MessageId::new(id));
                }
                message.flags(MessageFlags::from_bits_retain(flags << 2))
            },
        )
}

fn patch<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Patch<T>> {
    prop_oneof![
        Just(Patch::Keep),
        Just(Patch::Clear),
        value.prop_map(Patch::Set)
    ]
}

proptest! {
    #[test]
    fn create_message_round_trips(message in create_message()) {
        round_trip(&message)?;
    }

    #[test]
    fn edit_message_round_trips(
        content in patch(words()),
        embeds in patch(prop::collection::vec(embed(), 0..3)),
        components in patch(prop::collection::vec(component(), 0..3)),
        mentions in patch(mentions()),
        stickers in patch(prop::collection::vec((1u64..).prop_map(StickerId::new), 0..3)),
        flags in patch((0u64..2).prop_map(|bits| MessageFlags::from_bits_retain(bits << 2))),
    ) {
        let edit = EditMessage { content, embeds, components, allowed_mentions: mentions, sticker_ids: stickers, flags, ..EditMessage::new() };
        round_trip(&edit)?;
        let kept = edit.keep_attachment(AttachmentId::new(99));
        round_trip(&kept)?;
    }

    #[test]
    fn webhook_bodies_round_trip(
        content in option::of(words()),
        username in option::of("[a-z]{1,20}"),
        embeds in prop::collection::vec(embed(), 0..3),
        components in prop::collection::vec(component(), 0..2),
        thread_name in option::of(words()),
        tags in prop::collection::vec(1u64.., 0..5),
        poll in option::of(poll()),
        edit_content in patch(words()),
    ) {
        let mut body = ExecuteWebhook::new().embeds(embeds);
        body.content = content;
        body.username = username;
        body.components = components.clone();
        body.thread_name = thread_name;
        body.applied_tags = tags.into_iter().map(TagId::new).collect();
        body.poll = poll.clone();
        round_trip(&body)?;
        let edit = EditWebhookMessage { content: edit_content, components: Patch::Set(components), poll: poll.map_or(Patch::Clear, Patch::Set), ..EditWebhookMessage::new() };
        round_trip(&edit)?;
    }

    #[test]
    fn json_with_files_round_trips_and_matches_parts(names in prop::collection::vec("[a-z]{1,8}\\.png", 1..10), spoiler in any::<bool>()) {
        let message = names.iter().fold(CreateMessage::new(), |m, name| m.file(AttachmentFile::new(name.clone(), name.as_bytes()).spoiler(spoiler)));
        let json: serde_json::Value = serde_json::from_slice(&message.payload_json().unwrap()).unwrap();
        let parts = message.files();
        prop_assert_eq!(parts.len(), names.len());
        for (entry, part) in json["attachments"].as_array().unwrap().iter().zip(&parts) {
            prop_assert_eq!(entry["id"].as_u64(), Some(part.index));
            prop_assert_eq!(entry["filename"].as_str(), Some(&*part.filename()));
            prop_assert_eq!(part.field_name(), format!("files[{}]", part.index));
        }
        let reparsed: CreateMessage = serde_json::from_value(json.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&reparsed).unwrap(), json);
        prop_assert!(reparsed.files().is_empty(), "parsed JSON holds entries, not bytes");
    }
}

#[test]
fn forum_post_files_come_from_its_message() {
    let post = CreateForumThread::new(
        "p",
        ForumThreadMessage::content("x").file(AttachmentFile::new("a.txt", vec![1])),
    );
    assert_eq!(post.files().len(), 1);
    let json = serde_json::to_value(&post).unwrap();
    assert_eq!(
        json["message"]["attachments"],
        serde_json::json!([{"id": 0, "filename": "a.txt"}])
    );
}

#[test]
fn edit_attachments_keep_existing_and_add_new() {
    let edit = EditMessage::new()
        .keep_attachment(AttachmentId::new(1_111_111_111))
        .file(AttachmentFile::new("new.png", vec![1]).description("chart"));
    assert_eq!(
        serde_json::to_value(&edit).unwrap(),
        serde_json::json!({"attachments": [{"id": "1111111111"}, {"id": 0, "filename": "new.png", "description": "chart"}]})
    );
    assert_eq!(edit.files()[0].field_name(), "files[0]");
    assert_eq!(
        serde_json::to_value(EditMessage::new().clear_attachments()).unwrap(),
        serde_json::json!({"attachments": []})
    );
}

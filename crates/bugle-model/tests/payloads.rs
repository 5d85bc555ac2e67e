//! Every fixture in `fixtures/payloads/` parses into its type, and
//! serialise → parse is the identity.
//!
//! What "identity" means here, exactly (see `round_trip`):
//! 1. `parse(serialise(parse(fixture))) == parse(fixture)`, compared as Rust
//!    values with `PartialEq`;
//! 2. serialising again gives the same JSON value (serialisation is stable);
//! 3. the JSON we write is compared with the fixture, key by key (see
//!    `compare`): every key we write is in the fixture with the same value
//!    (timestamps compared as instants, since we write `Z` where Discord
//!    writes `+00:00`); every fixture key we leave out either holds a
//!    default (`null`, `false`, `[]`) or is in `NOT_MODELLED`, the explicit
//!    list of fields bugle ignores.

use std::fmt::Debug;

use bugle_model::channel::{
    AutoArchiveDuration, Channel, ChannelFlags, ChannelType, PermissionOverwriteType, Permissions,
};
use bugle_model::component::{ButtonStyle, Component, ComponentType, SeparatorSpacing};
use bugle_model::embed::EmbedType;
use bugle_model::error::{ApiError, FieldError, JsonErrorCode, RateLimitedBody};
use bugle_model::id::{ChannelId, MessageId, UserId, WebhookMarker};
use bugle_model::message::{
    AttachmentFlags, Message, MessageFlags, MessageReferenceType, MessageType, StickerFormatType,
};
use bugle_model::webhook::{Webhook, WebhookType};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

/// Fields present in the fixtures that bugle deliberately does not model.
const NOT_MODELLED: &[&str] = &[
    "collectibles",              // user: profile cosmetics
    "primary_guild",             // user: server tag
    "default_tag_setting",       // forum channel: tag search setting
    "holographic",               // invented unknown field (message_unknown_values)
    "some_new_user_field",       // invented unknown field
    "brand_new_top_level_field", // invented unknown field
];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/payloads/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str) -> T {
    let raw = fixture(name);
    let original: Value = serde_json::from_str(&raw).unwrap();
    let first: T = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = serde_json::to_value(&first).unwrap();
    let second: T =
        serde_json::from_value(written.clone()).unwrap_or_else(|e| panic!("{name} re-parse: {e}"));
    assert_eq!(first, second, "{name}: parse(serialise(x)) != x");
    assert_eq!(
        serde_json::to_value(&second).unwrap(),
        written,
        "{name}: serialisation not stable"
    );
    let mut problems = Vec::new();
    compare(&original, &written, "", &mut problems);
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    first
}

fn is_default(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn as_instant(value: &Value) -> Option<OffsetDateTime> {
    value
        .as_str()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

fn compare(original: &Value, written: &Value, path: &str, problems: &mut Vec<String>) {
    match (original, written) {
        (Value::Object(orig), Value::Object(ours)) => {
            for (key, value) in ours {
                let here = format!("{path}.{key}");
                match orig.get(key) {
                    Some(o) => compare(o, value, &here, problems),
                    None => problems.push(format!("{here}: written but not in the fixture")),
                }
            }
            for (key, value) in orig {
                if !ours.contains_key(key)
                    && !is_default(value)
                    && !NOT_MODELLED.contains(&key.as_str())
                {
                    problems.push(format!("{path}.{key}: dropped {value}"));
                }
            }
        }
        (Value::Array(orig), Value::Array(ours)) if orig.len() == ours.len() => {
            for (i, (o, w)) in orig.iter().zip(ours).enumerate() {
                compare(o, w, &format!("{path}[{i}]"), problems);
            }
        }
        (o, w) if o == w => {}
        (o, w) if as_instant(o).is_some() && as_instant(o) == as_instant(w) => {}
        (o, w) => problems.push(format!("{path}: fixture has {o}, we wrote {w}")),
    }
}

fn kinds(components: &[Component]) -> Vec<ComponentType> {
    components.iter().map(Component::kind).collect()
}

#[test]
fn message_with_embeds_parses_every_embed_part() {
    let message: Message = round_trip("message_with_embeds.json");
    assert_eq!(message.embeds.len(), 3);
    let rich = &message.embeds[0];
    assert_eq!(rich.kind, Some(EmbedType::Rich));
    assert_eq!(rich.color, Some(0x0057_F287));
    assert_eq!(rich.timestamp, Some(datetime!(2025-03-14 09:26:53.589 UTC)));
    assert_eq!(rich.fields.iter().filter(|f| f.inline).count(), 2);
    assert_eq!(rich.author.as_ref().unwrap().name, "deploy-bot");
    assert_eq!(rich.image.as_ref().unwrap().width, Some(800));
    assert_eq!(
        message.embeds[1].provider.as_ref().unwrap().name.as_deref(),
        Some("Example")
    );
    assert_eq!(message.embeds[2].kind, Some(EmbedType::Video));
    assert!(message.embeds[2].video.as_ref().unwrap().url.is_some());
    assert_eq!(message.edited_timestamp, None);
    assert!(message.author.bot);
}

#[test]
fn message_with_legacy_components_parses_rows_buttons_and_selects() {
    let message: Message = round_trip("message_with_components.json");
    assert_eq!(kinds(&message.components), [ComponentType::ActionRow; 4]);
    let Component::ActionRow(row) = &message.components[0] else {
        panic!("row")
    };
    let styles: Vec<_> = row
        .components
        .iter()
        .map(|c| match c {
            Component::Button(b) => b.style,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        styles,
        [ButtonStyle::Success, ButtonStyle::Danger, ButtonStyle::Link]
    );
    assert_eq!(row.id, Some(0), "legacy components come back with id 0");
    let Component::ActionRow(row) = &message.components[1] else {
        panic!("row")
    };
    let Component::StringSelect(select) = &row.components[0] else {
        panic!("select")
    };
    assert_eq!((select.min_values, select.max_values), (Some(1), Some(2)));
    assert!(select.options[0].default);
    let Component::ActionRow(row) = &message.components[2] else {
        panic!("row")
    };
    let Component::UserSelect(users) = &row.components[0] else {
        panic!("user select")
    };
    assert_eq!(
        users.default_values[0].id.cast(),
        UserId::new(80_351_110_224_678_912)
    );
    let Component::ActionRow(row) = &message.components[3] else {
        panic!("row")
    };
    let Component::ChannelSelect(channels) = &row.components[0] else {
        panic!("channel select")
    };
    assert_eq!(
        channels.channel_types,
        [ChannelType::GuildText, ChannelType::GuildAnnouncement]
    );
}

#[test]
fn components_v2_message_parses_the_whole_tree() {
    let message: Message = round_trip("message_components_v2.json");
    assert!(message.is_components_v2());
    assert_eq!(
        kinds(&message.components),
        [
            ComponentType::Container,
            ComponentType::Section,
            ComponentType::Separator
        ]
    );
    let Component::Container(container) = &message.components[0] else {
        panic!("container")
    };
    assert_eq!(container.accent_color, Some(0x00ED_4245));
    assert_eq!(
        kinds(&container.components),
        [
            ComponentType::TextDisplay,
            ComponentType::Section,
            ComponentType::Separator,
            ComponentType::MediaGallery,
            ComponentType::File,
            ComponentType::ActionRow,
        ]
    );
    let Component::Section(section) = &container.components[1] else {
        panic!("section")
    };
    assert_eq!(section.accessory.kind(), ComponentType::Thumbnail);
    let Component::Separator(separator) = &container.components[2] else {
        panic!("separator")
    };
    assert_eq!(separator.spacing, Some(SeparatorSpacing::Large));
    let Component::MediaGallery(gallery) = &container.components[3] else {
        panic!("gallery")
    };
    assert!(gallery.items[1].spoiler);
    assert_eq!(gallery.items[1].description, None);
    let Component::File(file) = &container.components[4] else {
        panic!("file")
    };
    assert_eq!(file.file.attachment_id, Some(message.attachments[0].id));
    let ids: Vec<_> = walk(&message.components)
        .iter()
        .filter_map(|c| c.id())
        .collect();
    assert_eq!(
        ids,
        (1..=16).collect::<Vec<_>>(),
        "every component, nested ones included, in order"
    );
}

fn walk(components: &[Component]) -> Vec<&Component> {
    fn go<'a>(c: &'a Component, out: &mut Vec<&'a Component>) {
        out.push(c);
        for child in c.children() {
            go(child, out);
        }
    }
    let mut out = Vec::new();
    for c in components {
        go(c, &mut out);
    }
    out
}

#[test]
fn message_with_reactions_keeps_counts_and_emoji() {
    let message: Message = round_trip("message_with_reactions.json");
    assert_eq!(message.reactions.len(), 3);
    let party = &message.reactions[0];
    assert_eq!(
        (
            party.count,
            party.count_details.burst,
            party.count_details.normal
        ),
        (7, 2, 5)
    );
    assert!(party.me);
    assert_eq!(party.emoji.name.as_deref(), Some("🎉"));
    assert!(message.reactions[1].emoji.animated);
    assert_eq!(
        message.reactions[2].emoji.name, None,
        "deleted custom emoji has a null name"
    );
    assert!(message.edited_timestamp.is_some());
    assert!(message.pinned);
}

#[test]
fn reply_carries_the_referenced_message() {
    let message: Message = round_trip("message_reply.json");
    assert_eq!(message.kind, MessageType::Reply);
    let reference = message.message_reference.as_ref().unwrap();
    assert_eq!(reference.kind, Some(MessageReferenceType::Default));
    let replied = message.replied_to().expect("referenced message present");
    assert_eq!(Some(replied.id), reference.message_id);
    assert!(!message.referenced_message_deleted());
    assert_eq!(message.mentions[0].display_name(), "Nelly");
}

#[test]
fn reply_to_deleted_message_is_told_apart_from_absent() {
    let deleted: Message = round_trip("message_reply_deleted.json");
    assert_eq!(deleted.referenced_message, Some(None));
    assert!(deleted.referenced_message_deleted());
    assert!(serde_json::to_value(&deleted).unwrap()["referenced_message"].is_null());

    let absent: Message = round_trip("message_with_embeds.json");
    assert_eq!(absent.referenced_message, None);
    assert!(
        serde_json::to_value(&absent)
            .unwrap()
            .get("referenced_message")
            .is_none()
    );
}

#[test]
fn message_with_thread_has_the_thread_channel() {
    let message: Message = round_trip("message_with_thread.json");
    assert!(message.flags.contains(MessageFlags::HAS_THREAD));
    let thread = message.thread.as_ref().unwrap();
    assert!(thread.is_thread());
    assert_eq!(
        thread.id,
        message.id.cast::<bugle_model::id::ChannelMarker>(),
        "a thread from a message has its id"
    );
    assert_eq!(
        thread
            .thread_metadata
            .as_ref()
            .unwrap()
            .auto_archive_duration,
        AutoArchiveDuration::Day
    );
}

#[test]
fn webhook_message_author_is_the_webhook() {
    let message: Message = round_trip("webhook_message.json");
    assert!(message.is_webhook_message());
    assert_eq!(
        Some(message.author.id.cast::<WebhookMarker>()),
        message.webhook_id
    );
    assert!(message.flags.contains(MessageFlags::SUPPRESS_NOTIFICATIONS));
}

#[test]
fn dm_channel_parses() {
    let channel: Channel = round_trip("channel_dm.json");
    assert_eq!(channel.kind, ChannelType::Dm);
    assert_eq!(channel.recipients.len(), 1);
    assert_eq!(channel.guild_id, None);
    assert!(channel.recipients[0].avatar_decoration_data.is_some());
}

#[test]
fn thread_channel_parses_metadata_and_member() {
    let channel: Channel = round_trip("channel_thread.json");
    assert_eq!(channel.kind, ChannelType::PrivateThread);
    let meta = channel.thread_metadata.as_ref().unwrap();
    assert_eq!(meta.auto_archive_duration, AutoArchiveDuration::ThreeDays);
    assert_eq!(meta.invitable, Some(false));
    let member = channel.member.as_ref().unwrap();
    assert_eq!(member.id, Some(channel.id));
    assert_eq!(
        member.join_timestamp,
        datetime!(2025-03-14 13:08:31.336 UTC)
    );
    assert_eq!(channel.rate_limit_per_user, Some(30));
}

#[test]
fn forum_post_carries_its_message_and_tags() {
    let post: Channel = round_trip("channel_forum_post.json");
    assert_eq!(post.kind, ChannelType::PublicThread);
    assert_eq!(post.applied_tags.len(), 2);
    assert!(post.flags.unwrap().contains(ChannelFlags::PINNED));
    let message = post.message.as_ref().unwrap();
    assert_eq!(message.channel_id, post.id);
    assert_eq!(message.id.cast(), post.id);
}

#[test]
fn forum_channel_parses_tags_overwrites_and_default_reaction() {
    let forum: Channel = round_trip("channel_forum.json");
    assert_eq!(forum.kind, ChannelType::GuildForum);
    assert!(forum.flags.unwrap().contains(ChannelFlags::REQUIRE_TAG));
    assert_eq!(
        forum.available_tags[1]
            .emoji_id
            .map(bugle_model::id::Id::get),
        Some(1_031_286_512_634_286_120)
    );
    assert!(forum.available_tags[1].moderated);
    assert_eq!(
        forum
            .default_reaction_emoji
            .as_ref()
            .unwrap()
            .emoji_name
            .as_deref(),
        Some("👀")
    );
    let everyone = &forum.permission_overwrites[0];
    assert_eq!(everyone.kind, PermissionOverwriteType::Role);
    assert_eq!(everyone.deny, Permissions::SEND_MESSAGES);
    let bot = &forum.permission_overwrites[1];
    assert_eq!(bot.kind, PermissionOverwriteType::Member);
    assert!(
        bot.allow
            .contains(Permissions::SEND_MESSAGES_IN_THREADS | Permissions::CREATE_PUBLIC_THREADS)
    );
}

#[test]
fn invalid_form_body_flattens_to_exact_paths() {
    let error: ApiError = round_trip("error_50035.json");
    assert!(error.is_invalid_form_body());
    assert_eq!(
        error.code.description(),
        Some("invalid form body or content type")
    );
    let flat = error.field_errors();
    let got: Vec<(&str, &str)> = flat
        .iter()
        .map(|e| (e.path.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("", "MESSAGE_EMPTY_CONTENT"),
            ("content", "BASE_TYPE_MAX_LENGTH"),
            ("embeds[0].fields[3].value", "BASE_TYPE_MAX_LENGTH"),
            ("embeds[0].fields[10].name", "BASE_TYPE_REQUIRED"),
            ("embeds[2].title", "BASE_TYPE_MAX_LENGTH"),
            ("username", "USERNAME_INVALID_CONTAINS"),
            ("username", "BASE_TYPE_BAD_LENGTH"),
        ]
    );
    assert_eq!(
        flat[2],
        FieldError {
            path: "embeds[0].fields[3].value".into(),
            code: "BASE_TYPE_MAX_LENGTH".into(),
            message: "Must be 1024 or fewer in length.".into(),
        }
    );
}

#[test]
fn rate_limited_bodies_parse() {
    let user: RateLimitedBody = round_trip("ratelimit_user.json");
    assert!(!user.global);
    assert_eq!(user.code, None);
    assert_eq!(user.retry_after_duration().as_millis(), 421);
    let global: RateLimitedBody = round_trip("ratelimit_global.json");
    assert!(global.global);
    assert_eq!(global.code, Some(0));
    assert_eq!(global.retry_after_duration().as_millis(), 1337);
}

#[test]
fn webhook_object_parses_and_debug_hides_the_token() {
    let webhook: Webhook = round_trip("webhook.json");
    assert_eq!(webhook.kind, WebhookType::Incoming);
    assert!(webhook.token.is_some());
    assert!(!webhook.is_application_owned());
    let shown = format!("{webhook:?}");
    assert!(!shown.contains("FIXTURE-PLACEHOLDER"), "{shown}");

    let follower: Webhook = round_trip("webhook_channel_follower.json");
    assert_eq!(follower.kind, WebhookType::ChannelFollower);
    assert_eq!(follower.source_channel.unwrap().name, "announcements");
    assert_eq!(follower.token, None);
}

#[test]
fn unknown_enum_values_flag_bits_and_fields_survive() {
    let message: Message = round_trip("message_unknown_values.json");
    assert_eq!(message.kind, MessageType::Unknown(99));
    assert_eq!(message.flags.unknown_bits(), 1 << 50);
    assert!(message.flags.contains(MessageFlags::SUPPRESS_EMBEDS));
    let attachment_flags = message.attachments[0].flags.unwrap();
    assert!(attachment_flags.contains(AttachmentFlags::IS_CLIP));
    assert_eq!(attachment_flags.unknown_bits(), 1 << 40);
    assert_eq!(
        message.embeds[0].kind,
        Some(EmbedType::Unknown("hologram".into()))
    );
    assert_eq!(message.embeds[0].flags.unwrap().bits(), 4_294_967_328);
    let Component::Unknown { kind, raw } = &message.components[0] else {
        panic!("unknown component")
    };
    assert_eq!(*kind, 42);
    assert_eq!(raw["sparkle"]["level"], 3);
    let Component::ActionRow(row) = &message.components[1] else {
        panic!("row")
    };
    let Component::Button(button) = &row.components[0] else {
        panic!("button")
    };
    assert_eq!(button.style, ButtonStyle::Unknown(9));
    assert_eq!(message.mention_channels[0].kind, ChannelType::Unknown(77));
    assert_eq!(
        message.message_reference.as_ref().unwrap().kind,
        Some(MessageReferenceType::Unknown(7))
    );
    assert_eq!(
        message.sticker_items[0].format_type,
        StickerFormatType::Unknown(9)
    );
}

#[test]
fn ids_parse_from_integers_and_render_as_strings() {
    let raw = fixture("webhook_message.json")
        .replace("\"1350086351814590537\"", "1350086351814590537")
        .replace("\"1180193581123371108\"", "1180193581123371108");
    let message: Message = serde_json::from_str(&raw).unwrap();
    assert_eq!(message.id, MessageId::new(1_350_086_351_814_590_537));
    assert_eq!(
        message.channel_id,
        ChannelId::new(1_180_193_581_123_371_108)
    );
    let written = serde_json::to_value(&message).unwrap();
    assert_eq!(written["id"], "1350086351814590537");
    assert_eq!(written["channel_id"], "1180193581123371108");
}

#[test]
fn created_at_of_a_known_snowflake() {
    let id: UserId = serde_json::from_str("\"175928847299117063\"").unwrap();
    assert_eq!(id.created_at(), datetime!(2016-04-30 11:18:25.796 UTC));
    let message: Message = round_trip("message_with_embeds.json");
    // Discord makes the id when it stores the message, so both agree to the millisecond.
    let gap = message.timestamp - message.id.created_at();
    assert!(gap.abs() < time::Duration::seconds(1), "{gap}");
}

#[test]
fn json_error_codes_are_named() {
    let error: ApiError =
        serde_json::from_str(r#"{"code": 10003, "message": "Unknown Channel"}"#).unwrap();
    assert_eq!(error.code, JsonErrorCode::UNKNOWN_CHANNEL);
    assert_eq!(error.to_string(), "discord error 10003: Unknown Channel");
}

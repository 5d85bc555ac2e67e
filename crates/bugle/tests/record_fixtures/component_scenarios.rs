//! The component scenarios: legacy action rows (buttons and every select type) and the
//! Components V2 layout, through message create and edit (the switch to V2 included) and
//! webhook execute and edit (which the client sends with `with_components=true`).
//!
//! Each checks that the message Discord (here `FakeDiscord`) answers with carries the
//! components exactly as sent.

use bugle::{DiscordClient, WebhookTarget};
use bugle_model::channel::ChannelType;
use bugle_model::component::{
    ActionRow, Button, ChannelSelect, Component, Container, EntitySelect, FileComponent,
    MediaGallery, MediaGalleryItem, Section, SelectDefaultValue, SelectDefaultValueType,
    SelectOption, Separator, SeparatorSpacing, StringSelect, TextDisplay, Thumbnail,
};
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{ChannelId, EmojiId, GenericId};
use bugle_model::message::{Message, MessageFlags};
use bugle_model::request::{
    AttachmentFile, CreateMessage, EditMessage, EditWebhookMessage, ExecuteWebhook,
};

use crate::BoxError;
use crate::constants::{
    CUSTOM_EMOJI_ID, CUSTOM_EMOJI_NAME, FRIEND, TEXT_CHANNEL, UPLOAD_BYTES, UPLOAD_FILENAME,
};

fn text() -> ChannelId {
    ChannelId::new(TEXT_CHANNEL)
}

/// Fails unless `message` carries `components` and, as `v2` says, the V2 flag.
fn check_components(message: &Message, components: &[Component], v2: bool) -> Result<(), BoxError> {
    if message.components != components {
        return Err(format!("components differ: {:?}", message.components).into());
    }
    if message.flags.contains(MessageFlags::IS_COMPONENTS_V2) != v2 {
        return Err(format!("flags {:?}", message.flags).into());
    }
    if v2 && !message.content.is_empty() {
        return Err("a V2 message has no content".into());
    }
    Ok(())
}

/// Buttons: primary with a custom emoji, danger greyed out, and a link.
fn buttons() -> Component {
    ActionRow::buttons([
        Button::primary("deploy:approve", "Approve").with_emoji(PartialEmoji::custom(
            EmojiId::new(CUSTOM_EMOJI_ID),
            CUSTOM_EMOJI_NAME,
            false,
        )),
        Button::danger("deploy:cancel", "Cancel").with_disabled(true),
        Button::link("https://example.com/runs/418", "Open run"),
    ])
    .into()
}

/// One row per select type: string (with options), user, role, mentionable and channel.
fn selects() -> [Component; 5] {
    let string = StringSelect::new("deploy:env")
        .option(
            SelectOption::new("Production", "prod")
                .with_description("careful")
                .with_emoji(PartialEmoji::unicode("🔥"))
                .selected(true),
        )
        .option(SelectOption::new("Staging", "stage"))
        .with_placeholder("pick an environment")
        .values(1, 2);
    let mut users = EntitySelect::new("deploy:reviewers").values(1, 3);
    users.default_values.push(SelectDefaultValue {
        id: GenericId::new(FRIEND),
        kind: SelectDefaultValueType::User,
    });
    let mut channels = ChannelSelect::new("deploy:channel");
    channels.channel_types = vec![ChannelType::GuildText, ChannelType::PublicThread];
    [
        ActionRow::select(string).into(),
        ActionRow::select(users.into_user_select()).into(),
        ActionRow::select(EntitySelect::new("deploy:roles").into_role_select()).into(),
        ActionRow::select(EntitySelect::new("deploy:notify").into_mentionable_select()).into(),
        ActionRow::select(channels).into(),
    ]
}

/// A V2 layout with every V2 type: a text display, and a container (accent colour) holding
/// a section with a thumbnail, a separator, a media gallery with a spoiler, a file component
/// (when `file` names the upload) and a row of buttons.
fn v2_layout(file: Option<&str>) -> Vec<Component> {
    let mut thumbnail = Thumbnail::new("https://example.com/avatar.png");
    thumbnail.description = Some("the author".to_owned());
    let mut spoiled = MediaGalleryItem::new("https://example.com/flame.png");
    spoiled.spoiler = true;
    let mut components = vec![
        Section {
            id: None,
            components: vec![TextDisplay::new("**build #418**: all 312 tests passed").into()],
            accessory: Box::new(thumbnail.into()),
        }
        .into(),
        Separator {
            id: None,
            divider: Some(false),
            spacing: Some(SeparatorSpacing::Large),
        }
        .into(),
        MediaGallery {
            id: None,
            items: vec![
                MediaGalleryItem::new("https://example.com/chart.png"),
                spoiled,
            ],
        }
        .into(),
    ];
    if let Some(name) = file {
        let mut file = FileComponent::attachment(name);
        file.spoiler = true;
        components.push(file.into());
    }
    components.push(buttons());
    vec![
        TextDisplay::new("# deploy 1.4.2").into(),
        Container {
            id: None,
            components,
            accent_color: Some(0x00_99_FF),
            spoiler: false,
        }
        .into(),
    ]
}

/// A message with content and five rows (buttons, string, user, role and channel selects),
/// then an edit replacing the rows with a mentionable select and the buttons.
pub(crate) async fn message(client: &DiscordClient) -> Result<(), BoxError> {
    let [string, users, roles, mentionable, channels] = selects();
    let rows = vec![buttons(), string, users, roles, channels];
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("deploy 1.4.2 is waiting for approval")
                .nonce("fixture-nonce-20", true)
                .components(rows.clone()),
        )
        .await?;
    check_components(&sent, &rows, false)?;
    let replaced = vec![mentionable, buttons()];
    let edited = client
        .edit_message(
            text(),
            sent.id,
            EditMessage::new().components(replaced.clone()),
        )
        .await?;
    check_components(&edited, &replaced, false)
}

/// A Components V2 message uploading the file its file component shows, then a legacy
/// message switched to V2 by an edit.
pub(crate) async fn v2(client: &DiscordClient) -> Result<(), BoxError> {
    let layout = v2_layout(Some(UPLOAD_FILENAME));
    let sent = client
        .send_message(
            text(),
            CreateMessage::new()
                .flags(MessageFlags::IS_COMPONENTS_V2)
                .nonce("fixture-nonce-21", true)
                .components(layout.clone())
                .file(AttachmentFile::new(UPLOAD_FILENAME, UPLOAD_BYTES)),
        )
        .await?;
    check_components(&sent, &layout, true)?;
    if sent.attachments.len() != 1 {
        return Err("the file component's upload is attached".into());
    }
    let legacy = client
        .send_message(
            text(),
            CreateMessage::new()
                .content("deploy 1.4.3 started")
                .nonce("fixture-nonce-22", true)
                .components([buttons()]),
        )
        .await?;
    let layout = v2_layout(None);
    let switched = client
        .edit_message(
            text(),
            legacy.id,
            EditMessage::new().switch_to_components_v2(layout.clone()),
        )
        .await?;
    check_components(&switched, &layout, true)
}

/// Webhook executes with legacy rows and with a V2 layout, then an edit switching the
/// legacy one to V2.
pub(crate) async fn webhook(client: &DiscordClient) -> Result<(), BoxError> {
    let [string, ..] = selects();
    let rows = vec![buttons(), string];
    let body = rows.iter().cloned().fold(
        ExecuteWebhook::new().content("deploy 1.4.2 needs approval"),
        ExecuteWebhook::component,
    );
    let legacy = client
        .execute_webhook(body)
        .await?
        .ok_or("a waited execute returns the message")?;
    check_components(&legacy, &rows, false)?;
    let layout = v2_layout(None);
    let body = layout.iter().cloned().fold(
        ExecuteWebhook::new().flags(MessageFlags::IS_COMPONENTS_V2),
        ExecuteWebhook::component,
    );
    let v2 = client
        .execute_webhook(body)
        .await?
        .ok_or("a waited execute returns the message")?;
    check_components(&v2, &layout, true)?;
    let switched = client
        .edit_webhook_message(
            WebhookTarget::default(),
            legacy.id,
            EditWebhookMessage::new().switch_to_components_v2(layout.clone()),
        )
        .await?;
    check_components(&switched, &layout, true)
}

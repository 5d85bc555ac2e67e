//! Message components: a message with buttons and a select menu, the same message switched
//! to a Components V2 layout (a container with a section, a separator and a gallery), and a
//! webhook message with a link button (sent with `with_components=true`, which the client
//! adds when the body has components).
//!
//! Runs against a simulated Discord unless `DISCORD_BOT_TOKEN` and `DISCORD_CHANNEL_ID` are
//! set (and, for the webhook part, `DISCORD_WEBHOOK_URL`):
//!
//! ```sh
//! cargo run -p bugle --example components
//! DISCORD_BOT_TOKEN=... DISCORD_CHANNEL_ID=123... cargo run -p bugle --example components
//! ```

use bugle::{DiscordClient, DiscordConfig, DiscordError, Simulation};
use bugle_model::component::{
    ActionRow, Button, Component, Container, MediaGallery, MediaGalleryItem, Section, SelectOption,
    Separator, SeparatorSpacing, StringSelect, TextDisplay, Thumbnail,
};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, EditMessage, ExecuteWebhook};

/// The approval prompt: two buttons and a select of environments.
fn prompt() -> Vec<Component> {
    vec![
        ActionRow::buttons([
            Button::success("deploy:approve", "Approve"),
            Button::danger("deploy:reject", "Reject"),
        ])
        .into(),
        ActionRow::select(
            StringSelect::new("deploy:env")
                .option(SelectOption::new("Production", "prod").selected(true))
                .option(SelectOption::new("Staging", "stage"))
                .with_placeholder("environment"),
        )
        .into(),
    ]
}

/// The report that replaces the prompt once approved: a Components V2 layout.
fn report() -> Vec<Component> {
    let section = Section {
        id: None,
        components: vec![TextDisplay::new("**web-app 2.14.0** is live").into()],
        accessory: Box::new(Thumbnail::new("https://example.com/web-app.png").into()),
    };
    let gallery = MediaGallery {
        id: None,
        items: vec![MediaGalleryItem::new("https://example.com/latency.png")],
    };
    let separator = Separator {
        id: None,
        divider: Some(true),
        spacing: Some(SeparatorSpacing::Large),
    };
    vec![
        Container {
            id: None,
            components: vec![section.into(), separator.into(), gallery.into()],
            accent_color: Some(0x2E_CC_71),
            spoiler: false,
        }
        .into(),
    ]
}

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let channel = std::env::var("DISCORD_CHANNEL_ID")
        .ok()
        .and_then(|id| id.parse().ok())
        .and_then(ChannelId::new_checked);
    let live = channel.is_some() && std::env::var_os("DISCORD_BOT_TOKEN").is_some();
    let mut config = DiscordConfig::builder().with_env();
    if !live {
        // The simulated Discord accepts any channel id, needs no token, and creates a
        // webhook for any id and token on first use.
        config = config
            .simulation(Simulation::Fake)
            .webhook_url("https://discord.com/api/webhooks/123456789012345678/example-token");
    }
    let client = DiscordClient::new(config.build()?)?;
    let channel = channel
        .filter(|_| live)
        .unwrap_or(ChannelId::new(1_100_000_000_000_000_001));

    let prompt = client
        .send_message(
            channel,
            CreateMessage::new()
                .content("deploy web-app 2.14.0?")
                .components(prompt()),
        )
        .await?;
    println!("prompt {} with {} rows", prompt.id, prompt.components.len());

    // The switch to V2 clears the content, as Discord requires; the flag stays set.
    let switched = client
        .edit_message(
            channel,
            prompt.id,
            EditMessage::new().switch_to_components_v2(report()),
        )
        .await?;
    println!(
        "switched to components v2: flags {:?}, content {:?}",
        switched.flags, switched.content
    );

    if !live || std::env::var_os("DISCORD_WEBHOOK_URL").is_some() {
        // A webhook not owned by an application may send non-interactive components only.
        let body = ExecuteWebhook::new()
            .content("release notes are up")
            .component(ActionRow::buttons([Button::link(
                "https://example.com/releases/2.14.0",
                "Read them",
            )]));
        if let Some(message) = client.execute_webhook(body).await? {
            println!(
                "webhook message {} with {} row",
                message.id,
                message.components.len()
            );
        }
    }
    Ok(())
}

//! Send to a Discord channel through a webhook: a message, an alert embed,
//! then an edit of the alert once it resolves.
//!
//! Runs against a simulated Discord unless `DISCORD_WEBHOOK_URL` is set:
//!
//! ```sh
//! cargo run -p bugle --example send_webhook
//! DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/... cargo run -p bugle --example send_webhook
//! ```

use bugle::{
    DiscordClient, DiscordConfig, DiscordError, ExecuteWebhookParams, Simulation, WebhookTarget,
};
use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::request::{EditWebhookMessage, ExecuteWebhook};

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let live = std::env::var_os("DISCORD_WEBHOOK_URL").is_some();
    let mut config = DiscordConfig::builder().with_env();
    if !live {
        // The simulated Discord creates a webhook for any id and token on first use.
        config = config
            .simulation(Simulation::Fake)
            .webhook_url("https://discord.com/api/webhooks/123456789012345678/example-token");
    }
    let client = DiscordClient::new(config.build()?)?;
    println!(
        "sending to {}",
        if live {
            "discord"
        } else {
            "a simulated discord"
        }
    );

    // A plain message. Mentions in it do not ping unless `allowed_mentions` says so.
    let hello = ExecuteWebhook::new()
        .content("bugle example: hello from a webhook")
        .username("bugle example");
    let sent = client.execute_webhook(hello).await?;
    if let Some(message) = &sent {
        println!(
            "sent message {} to channel {}",
            message.id, message.channel_id
        );
    }

    // An alert as an embed. `execute_webhook` waits for Discord to confirm the
    // save by default; `.fire_and_forget()` would skip that.
    let alert = EmbedBuilder::new()
        .title("High error rate on checkout-api")
        .description("5xx rate 7.2% over 5 minutes")
        .colour(Colour::ERROR)
        .inline_field("region", "eu-west-1")
        .build();
    let params = ExecuteWebhookParams::new(ExecuteWebhook::new().embed(alert)).wait(true);
    let Some(alert_message) = client.execute_webhook(params).await? else {
        unreachable!("a waited execute returns the message");
    };
    println!("alert posted as message {}", alert_message.id);

    // The alert resolved: edit the same message.
    let resolved = EmbedBuilder::new()
        .title("Resolved: high error rate on checkout-api")
        .colour(Colour::SUCCESS)
        .build();
    let edited = client
        .edit_webhook_message(
            WebhookTarget::default_webhook(),
            alert_message.id,
            EditWebhookMessage::new().embed(resolved),
        )
        .await?;
    println!("alert edited at {:?}", edited.edited_timestamp);

    if let Some(fake) = client.fake_discord() {
        let counters = fake.counters();
        println!(
            "the simulated discord received {} requests and stored {} messages",
            counters.requests, counters.messages_created
        );
    }
    Ok(())
}

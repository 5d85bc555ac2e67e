//! Route notifications to channels by kind (the design's multi-channel
//! routing pattern), with alerts also sent through a webhook as embeds (the
//! notification pattern).
//!
//! Routes are names configured once (`alerts`, `deployments`, `feedback`,
//! `general`); callers never handle channel ids. Runs against a simulated
//! Discord unless `DISCORD_BOT_TOKEN`, `DISCORD_WEBHOOK_URL` and
//! `DISCORD_CHANNEL_ID` are set (every route then points at that channel).
//!
//! ```sh
//! cargo run -p bugle --example alert_routing
//! ```

use bugle::{
    ChannelTarget, DiscordClient, DiscordConfig, DiscordError, ExecuteWebhookParams, Simulation,
};
use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, ExecuteWebhook};

/// What a notification is about.
#[derive(Debug, Clone, Copy)]
enum Category {
    Alert,
    Deployment,
    Feedback,
    Other,
}

/// How bad an alert is.
#[derive(Debug, Clone, Copy)]
enum Severity {
    Critical,
    Warning,
}

struct Notification {
    category: Category,
    message: String,
}

/// The route a notification goes to.
fn route(category: Category) -> &'static str {
    match category {
        Category::Alert => "alerts",
        Category::Deployment => "deployments",
        Category::Feedback => "feedback",
        Category::Other => "general",
    }
}

async fn route_notification(
    client: &DiscordClient,
    notification: Notification,
) -> Result<(), DiscordError> {
    let route = route(notification.category);
    let sent = client
        .send_message(
            ChannelTarget::Name(route.to_owned()),
            CreateMessage::new().content(notification.message),
        )
        .await?;
    println!(
        "route {route:?} -> channel {}, message {}",
        sent.channel_id, sent.id
    );
    Ok(())
}

/// An alert through the webhook, as an embed coloured by severity. Fire and
/// forget: nothing comes back, and the call returns as soon as Discord has
/// the request.
async fn send_alert(
    client: &DiscordClient,
    title: &str,
    text: &str,
    severity: Severity,
) -> Result<(), DiscordError> {
    let colour = match severity {
        Severity::Critical => Colour::CRITICAL,
        Severity::Warning => Colour::WARNING,
    };
    let embed = EmbedBuilder::new()
        .title(title)
        .description(text)
        .colour(colour)
        .build();
    let params = ExecuteWebhookParams::new(ExecuteWebhook::new().embed(embed)).fire_and_forget();
    client.execute_webhook(params).await?;
    println!("alert {title:?} sent through the webhook");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let live_channel = std::env::var("DISCORD_CHANNEL_ID")
        .ok()
        .and_then(|id| id.parse().ok())
        .and_then(ChannelId::new_checked)
        .filter(|_| std::env::var_os("DISCORD_BOT_TOKEN").is_some())
        .filter(|_| std::env::var_os("DISCORD_WEBHOOK_URL").is_some());
    let routes = [
        ("alerts", 1_400_000_000_000_000_001),
        ("deployments", 1_400_000_000_000_000_002),
        ("feedback", 1_400_000_000_000_000_003),
        ("general", 1_400_000_000_000_000_004),
    ];
    let mut config = DiscordConfig::builder().with_env();
    for (name, id) in routes {
        config = config.route(name, live_channel.unwrap_or(ChannelId::new(id)));
    }
    if live_channel.is_none() {
        config = config
            .simulation(Simulation::Fake)
            .webhook_url("https://discord.com/api/webhooks/1400000000000000100/example-token");
    }
    let client = DiscordClient::new(config.build()?)?;

    send_alert(
        &client,
        "Database primary down",
        "failover to db-2 started",
        Severity::Critical,
    )
    .await?;
    send_alert(
        &client,
        "Disk 85% full",
        "db-2 /var/lib/postgres",
        Severity::Warning,
    )
    .await?;

    let notifications = [
        (Category::Alert, "db-2 is primary now"),
        (
            Category::Deployment,
            "web-app v2.14.0 deployed to production",
        ),
        (
            Category::Feedback,
            "\"the new checkout is fast\" - a customer",
        ),
        (Category::Other, "weekly report is ready"),
    ];
    for (category, message) in notifications {
        route_notification(
            &client,
            Notification {
                category,
                message: message.to_owned(),
            },
        )
        .await?;
    }

    // A name nobody configured fails before anything is sent, listing the known routes.
    let error = client
        .send_message("billing", CreateMessage::new().content("invoice run done"))
        .await
        .expect_err("no such route");
    println!("unknown route: {error}");

    if let Some(fake) = client.fake_discord() {
        for (name, id) in routes {
            println!("#{name}: {} message(s)", fake.messages(id).len());
        }
    }
    Ok(())
}

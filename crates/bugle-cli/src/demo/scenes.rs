//! The demo's scenes: the integration patterns of the design (an alert via
//! webhook, a pipeline run in a thread, routing by name), a DM, and a burst
//! that runs into the rate limit.

use bugle::{ChannelTarget, DiscordClient, ExecuteWebhookParams, NewThread};
use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::embed::Embed;
use bugle_model::id::UserId;
use bugle_model::request::{CreateMessage, CreateThreadFromMessage, EditMessage, ExecuteWebhook};

use super::transcript::Transcript;
use crate::exit::CliError;
use crate::world;

/// 1: an alert through the webhook, as an embed.
pub(crate) async fn alert(client: &DiscordClient, t: &mut Transcript) -> Result<(), CliError> {
    Transcript::section(
        1,
        "alert notification via webhook",
        "an embed through the alerts webhook; wait=true, so discord confirms it was saved",
    );
    let embed = EmbedBuilder::new()
        .title("High error rate on checkout-api")
        .description("5xx rate 7.2% over 5 minutes (threshold 2%)")
        .colour(Colour::ERROR)
        .inline_field("service", "checkout-api")
        .inline_field("region", "eu-west-1")
        .footer("alertmanager")
        .build();
    let body = ExecuteWebhook::new().username("alertmanager").embed(embed);
    t.call(
        "execute_webhook(default webhook, 1 embed)",
        client.execute_webhook(ExecuteWebhookParams::new(body)),
        |t, message| match message {
            Some(message) => format!(
                "message {} in {} (webhook {})",
                message.id,
                t.channel(message.channel_id.get()),
                message
                    .webhook_id
                    .map_or_else(String::new, |id| id.to_string())
            ),
            None => "sent, not confirmed".to_owned(),
        },
    )
    .await?;
    Ok(())
}

/// The stages of the pipeline scene.
const STAGES: [&str; 3] = ["build", "test", "deploy"];

fn pipeline_embed(done: usize) -> Embed {
    let mut embed = EmbedBuilder::new()
        .title("web-app #418")
        .colour(if done == STAGES.len() {
            Colour::SUCCESS
        } else {
            Colour::INFO
        });
    for (index, stage) in STAGES.iter().enumerate() {
        let state = match index.cmp(&done) {
            std::cmp::Ordering::Less => "passed",
            std::cmp::Ordering::Equal => "running",
            std::cmp::Ordering::Greater => "queued",
        };
        embed = embed.inline_field(*stage, state);
    }
    embed.build()
}

/// 2: a pipeline run: a start message, a thread from it, a status message
/// in the thread edited as stages finish, and a completion reaction.
pub(crate) async fn pipeline(client: &DiscordClient, t: &mut Transcript) -> Result<(), CliError> {
    Transcript::section(
        2,
        "pipeline run in a thread",
        "start message in #ci, a thread from it, a status message edited per stage, a reaction at the end",
    );
    let start = t
        .call(
            "send_message(route \"ci\", \"Pipeline web-app #418 started\")",
            client.send_message(
                "ci",
                CreateMessage::new().content("Pipeline **web-app #418** started"),
            ),
            |t, m| format!("message {} in {}", m.id, t.channel(m.channel_id.get())),
        )
        .await?;
    let thread = t
        .call(
            "create_thread(from that message, \"web-app #418\")",
            client.create_thread(
                "ci",
                NewThread::from_message(start.id, CreateThreadFromMessage::new("web-app #418")),
            ),
            |_, c| format!("thread {}", c.id),
        )
        .await?;
    t.name(thread.id.get(), "ci > web-app #418");
    let status = t
        .call(
            "send_to_thread(status embed: build running)",
            client.send_to_thread(thread.id, CreateMessage::new().embed(pipeline_embed(0))),
            |t, m| format!("message {} in {}", m.id, t.channel(m.channel_id.get())),
        )
        .await?;
    for done in 1..=STAGES.len() {
        let stage = STAGES[done - 1];
        t.call(
            &format!("edit_message(status embed: {stage} passed)"),
            client.edit_message(
                thread.id,
                status.id,
                EditMessage::new().embeds([pipeline_embed(done)]),
            ),
            |_, m| format!("edited message {}", m.id),
        )
        .await?;
    }
    t.call(
        "add_reaction(status message, \u{2705})",
        client.add_reaction(thread.id, status.id, "\u{2705}"),
        |_, ()| "reacted".to_owned(),
    )
    .await?;
    Ok(())
}

/// 3: messages routed by name to the channel each kind belongs in.
pub(crate) async fn routing(client: &DiscordClient, t: &mut Transcript) -> Result<(), CliError> {
    Transcript::section(
        3,
        "multi-channel routing",
        "callers name a route (alerts, deploys, ci); the configuration maps names to channel ids",
    );
    let notifications = [
        ("alerts", "disk 91% full on db-2"),
        ("deploys", "web-app v2.14.0 deployed to production"),
        ("ci", "nightly build green (412 tests)"),
    ];
    for (route, text) in notifications {
        t.call(
            &format!("send_message(route \"{route}\", \"{text}\")"),
            client.send_message(
                ChannelTarget::from(route),
                CreateMessage::new().content(text),
            ),
            |t, m| format!("message {} in {}", m.id, t.channel(m.channel_id.get())),
        )
        .await?;
    }
    Ok(())
}

/// 4: two DMs to one user; the DM channel is opened once and cached.
pub(crate) async fn dm(client: &DiscordClient, t: &mut Transcript) -> Result<(), CliError> {
    Transcript::section(
        4,
        "direct message",
        "send_dm opens the DM channel on first use and remembers it for the next one",
    );
    let user = UserId::new(world::USER_ID);
    for text in [
        "you are on call from 18:00",
        "reminder: hand-over notes are in #ci",
    ] {
        t.call(
            &format!("send_dm(user {user}, \"{text}\")"),
            client.send_dm(user, CreateMessage::new().content(text)),
            |_, m| format!("message {} in DM channel {}", m.id, m.channel_id),
        )
        .await?;
    }
    Ok(())
}

/// 5: a burst of `count` messages to one channel: discord allows 5 per 5
/// seconds per channel, so the client waits instead of drawing 429s.
pub(crate) async fn burst(
    client: &DiscordClient,
    t: &mut Transcript,
    count: u32,
) -> Result<(), CliError> {
    Transcript::section(
        5,
        "a burst that meets the rate limit",
        &format!(
            "{count} messages to #deploys; discord allows 5 per 5 s per channel, so the client waits for each window"
        ),
    );
    for index in 1..=count {
        t.call(
            &format!("send_message(route \"deploys\", \"burst {index}/{count}\")"),
            client.send_message(
                "deploys",
                CreateMessage::new().content(format!("burst {index}/{count}")),
            ),
            |_, m| format!("message {}", m.id),
        )
        .await?;
    }
    Ok(())
}

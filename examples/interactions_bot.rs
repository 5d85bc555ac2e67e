//! An interactions bot over HTTP, without a gateway: `/ping`, a `/status` command
//! answered after a deferral, a card with a button, and a modal.
//!
//! It runs against `FakeDiscord`, which plays Discord's part: it registers the
//! commands, checks the endpoint as Discord does (a PING, and requests with bad
//! signatures that must be refused), then sends signed interactions to the endpoint
//! over loopback and applies the answers. No token is needed:
//!
//! ```sh
//! cargo run -p bugle --example interactions_bot
//! ```
//!
//! Against Discord, the same `Interactions` is served behind a public HTTPS URL set
//! as the application's Interactions Endpoint URL, built with the application's
//! public key and a client on the bot token (see docs/interactions.md).

use std::error::Error;
use std::time::Duration;

use bugle::{DiscordClient, DiscordConfig};
use bugle_interactions::{InteractionContext, Interactions, Reply};
use bugle_model::command::{CommandDefinition, CommandSet};
use bugle_model::component::{ActionRow, Button};
use bugle_model::id::ApplicationId;
use bugle_model::interaction::{InteractionMessage, Modal};
use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord};
use tokio::net::TcpListener;

const CHANNEL: u64 = 1_100_000_000_000_000_001;
const USER: u64 = 1_200_000_000_000_000_002;

fn commands() -> CommandSet {
    CommandSet::new([
        CommandDefinition::slash("ping", "Checks the bot is there"),
        CommandDefinition::slash("status", "Reports the deploy status (slow)"),
        CommandDefinition::slash("card", "Posts an alert card"),
        CommandDefinition::slash("silence", "Silences an alert for a while"),
    ])
}

/// The endpoint: one handler per command, the card's button, the modal.
fn endpoint(public_key: &str, client: DiscordClient) -> Result<Interactions, Box<dyn Error>> {
    Ok(Interactions::builder(public_key, client)?
        // Answer within 0.5 s or be deferred (the default is 2.5 s); keeps the example quick.
        .deadline_margin(Duration::from_millis(2500))
        .command("ping", |_ctx| async { Reply::ephemeral("pong") })
        .command("status", |_ctx| async {
            // Too slow for Discord's deadline: the endpoint defers, then this answer
            // edits the "thinking…" message.
            tokio::time::sleep(Duration::from_secs(1)).await;
            Reply::text("all services green")
        })
        .command("card", |_ctx| async {
            InteractionMessage::new()
                .content("🔥 api latency above 2 s")
                .component(ActionRow::new([Button::primary("ack:api", "Acknowledge")]))
        })
        .component("ack:", |ctx: InteractionContext| async move {
            let who = ctx
                .user()
                .map_or("someone".to_owned(), |u| u.username.clone());
            Reply::Update(
                InteractionMessage::new()
                    .content(format!("🔥 api latency above 2 s — acknowledged by {who}")),
            )
        })
        .command("silence", |_ctx| async {
            Modal::new("silence:api", "Silence the alert")
                .short("duration", "For how long (e.g. 4h)")
        })
        .modal("silence:", |ctx: InteractionContext| async move {
            let duration = ctx
                .modal()
                .and_then(|m| m.value("duration"))
                .unwrap_or("1h")
                .to_owned();
            Reply::text(format!("🔕 silenced for {duration}"))
        })
        .build())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let fake = FakeDiscord::builder()
        .text_channel(CHANNEL)
        .user(USER, "ana")
        .build();
    let config = DiscordConfig::builder()
        .bot_token(DEFAULT_BOT_TOKEN)
        .build()?;
    let client = DiscordClient::with_transport(config, fake.clone());

    let application = ApplicationId::new(fake.application_id());
    let registered = client
        .overwrite_global_commands(application, &commands())
        .await?;
    println!("registered {} commands", registered.len());

    let app = endpoint(&fake.application_public_key(), client)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/interactions", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app.router("/interactions")).await });
    fake.set_interactions_endpoint(&url);
    fake.probe_endpoint().await?;
    println!("the endpoint passed Discord's checks (pong, bad signatures refused)");

    let ping = fake.invoke("ping", vec![], USER).await?;
    println!("/ping      → {:?}", ping.message.map(|m| m.content));

    let status = fake.invoke("status", vec![], USER).await?;
    println!(
        "/status    → deferred (callback type {})",
        status.callback_type
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let answer = fake
        .original_response(status.interaction_id)
        .map(|m| m.content);
    println!("             then edited to {answer:?}");

    let card = fake
        .invoke("card", vec![], USER)
        .await?
        .message
        .ok_or("no card")?;
    fake.click(card.id.get(), "ack:api", USER).await?;
    let card = fake.message(card.id.get()).ok_or("card gone")?;
    println!("button     → {:?}", card.content);

    let shown = fake.invoke("silence", vec![], USER).await?;
    let modal = shown.modal.ok_or("no modal")?;
    let submitted = fake.submit(&modal, &[("duration", "4h")], USER).await?;
    println!("modal      → {:?}", submitted.message.map(|m| m.content));
    Ok(())
}

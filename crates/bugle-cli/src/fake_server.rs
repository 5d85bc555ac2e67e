//! `bugle fake-discord`: the simulated Discord served on loopback HTTP, for
//! other tools, other languages and end-to-end tests.

use std::net::{Ipv4Addr, SocketAddr};

use bugle_sim::fake::DEFAULT_BOT_TOKEN;

use crate::cli::FakeDiscordArgs;
use crate::exit::{CliError, Exit};
use crate::world;

/// Serves until Ctrl-C, then prints what was received.
///
/// # Errors
///
/// When the port cannot be bound.
pub(crate) async fn run(args: &FakeDiscordArgs, json: bool) -> Result<(), CliError> {
    let discord = world::builder(DEFAULT_BOT_TOKEN, [])
        .auto_create_channels(true)
        .build();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = discord.serve(addr).await.map_err(|error| {
        CliError::new(
            Exit::Other,
            format!("cannot listen on {addr}: {error}; choose another --port (0 picks a free one)"),
        )
    })?;
    let base = format!("http://{}/api", server.local_addr());
    if json {
        let channels: serde_json::Map<_, _> = world::CHANNELS
            .iter()
            .map(|(name, id)| ((*name).to_owned(), id.to_string().into()))
            .collect();
        let info = serde_json::json!({
            "api_base": base,
            "bot_token": DEFAULT_BOT_TOKEN,
            "webhook_url": world::webhook_url(),
            "channels": channels,
            "dm_user": world::USER_ID.to_string(),
            "application_id": discord.application_id().to_string(),
            "application_public_key": discord.application_public_key(),
        });
        say!("{info}");
    } else {
        say!("{}", instructions(&base).trim_end());
    }
    tokio::signal::ctrl_c()
        .await
        .map_err(|error| CliError::new(Exit::Other, format!("cannot wait for ctrl-c: {error}")))?;
    server.shutdown().await;
    let counters = discord.counters();
    eprintln!(
        "fake discord stopped after {} requests ({} messages created, {} rate-limited)",
        counters.requests,
        counters.messages_created,
        counters.rate_limited_user
            + counters.rate_limited_sublimit
            + counters.rate_limited_global
            + counters.rate_limited_shared
    );
    Ok(())
}

/// What to tell the user once the server listens on `base`.
fn instructions(base: &str) -> String {
    let channels = world::CHANNELS
        .iter()
        .map(|(name, id)| format!("{name}={id}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "fake discord listening on {base}\n\
         point bugle (or any discord client) at it:\n\
         \x20 export DISCORD_API_BASE={base}\n\
         \x20 export DISCORD_BOT_TOKEN={DEFAULT_BOT_TOKEN}\n\
         \x20 export DISCORD_WEBHOOK_URL={webhook}\n\
         channels: {channels} (any other channel id is created on first use)\n\
         dm user: {user}\n\
         discord's rate limits apply; press ctrl-c to stop\n",
        webhook = world::webhook_url(),
        user = world::USER_ID,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_say_how_to_point_bugle_at_the_server() {
        let text = instructions("http://127.0.0.1:4000/api");
        assert!(text.starts_with("fake discord listening on http://127.0.0.1:4000/api\n"));
        assert!(text.contains("export DISCORD_API_BASE=http://127.0.0.1:4000/api"));
        assert!(text.contains(&format!("export DISCORD_BOT_TOKEN={DEFAULT_BOT_TOKEN}")));
        assert!(text.contains("alerts=1310000000000000001"));
    }
}

//! `bugle relay`: the alert relay of bugle-relay, against Discord or the
//! simulated one (`--fake`), and its tools (`send-test`, `dead-letter`).

mod args;
mod demo;

use std::sync::Arc;

use bugle::DiscordClient;
use bugle_relay::clock::Clock;
use bugle_relay::outbox::Outbox;
use bugle_relay::service::open_outbox;
use bugle_relay::{LoadOptions, Relay, RelayConfig, discord_config};
use secrecy::SecretString;

pub(crate) use args::RelayArgs;
use args::{DeadLetterCommand, RelayCommand, SendTestArgs};

use crate::backend::Globals;
use crate::cli::{Cli, Command};
use crate::exit::{CliError, Exit};
use crate::world;

/// Whether the command asks for JSON logs, and the default log level it
/// wants (a long-running relay logs at info).
pub(crate) fn log_style(cli: &Cli) -> (bool, Option<&'static str>) {
    match &cli.command {
        Command::Relay(args) => (args.log_json, args.command.is_none().then_some("info")),
        _ => (false, None),
    }
}

/// Runs `bugle relay`.
///
/// # Errors
///
/// A config that cannot be used, a port that cannot be bound, an outbox
/// that cannot be opened.
pub(crate) async fn run(args: &RelayArgs, globals: &Globals, json: bool) -> Result<(), CliError> {
    match &args.command {
        Some(RelayCommand::SendTest(send)) => send_test(send).await,
        Some(RelayCommand::DeadLetter(command)) => dead_letter(args, globals, command, json).await,
        None => serve(args, globals).await,
    }
}

fn refuse_cassettes(globals: &Globals) -> Result<(), CliError> {
    if globals.record.is_some() || globals.replay.is_some() {
        return Err(CliError::invalid(
            "bugle relay runs against discord or --fake; --record and --replay are for one-shot commands",
        ));
    }
    Ok(())
}

/// The relay config: the file, or with --fake and no file the demo config.
/// `outbox_only`: for the outbox tools, which need no auth and no bot token.
fn load(args: &RelayArgs, globals: &Globals, outbox_only: bool) -> Result<RelayConfig, CliError> {
    let options = LoadOptions {
        insecure_no_auth: args.insecure_no_auth || outbox_only,
        bot_token_supplied: globals.fake || outbox_only,
    };
    let mut config = match &args.relay_config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| {
                CliError::invalid(format!("cannot read {}: {error}", path.display()))
            })?;
            RelayConfig::from_toml(&text, options)
        }
        None if globals.fake => {
            RelayConfig::from_toml_with_env(&demo::config_text(), options, &|name| {
                demo::env(name).or_else(|| std::env::var(name).ok())
            })
        }
        None => {
            return Err(CliError::invalid(
                "bugle relay needs --relay-config FILE (or BUGLE_RELAY_CONFIG); see docs/relay.md, \
                 or add --fake to try it against a simulated discord",
            ));
        }
    }
    .map_err(|error| CliError::invalid(error.to_string()))?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    Ok(config)
}

async fn serve(args: &RelayArgs, globals: &Globals) -> Result<(), CliError> {
    // Installed first, so a SIGTERM during start-up is a clean stop too.
    let shutdown = bugle_relay::server::shutdown_signal();
    refuse_cassettes(globals)?;
    let config = load(args, globals, false)?;
    let mut builder = discord_config(&config);
    // Shared rate limits for replicas: --redis, else BUGLE_REDIS_URL, as for
    // the other commands (the relay reads no other variable of the facade's).
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    if let Some(url) = globals
        .redis
        .clone()
        .or_else(|| env(bugle::config::env::BUGLE_REDIS_URL))
    {
        builder = builder.redis_url(url);
    }
    if let Some(prefix) = globals
        .redis_prefix
        .clone()
        .or_else(|| env(bugle::config::env::BUGLE_REDIS_PREFIX))
    {
        builder = builder.redis_prefix(prefix);
    }
    let fake = globals.fake.then(|| {
        let webhooks: Vec<bugle::WebhookUrl> = config
            .webhooks
            .values()
            .map(|hook| hook.url.clone())
            .collect();
        world::builder(bugle_sim::fake::DEFAULT_BOT_TOKEN, webhooks.iter())
            .auto_create_channels(true)
            .build()
    });
    let client = match &fake {
        Some(fake) => {
            if config.bot_token.is_none() {
                builder = builder.bot_token(bugle_sim::fake::DEFAULT_BOT_TOKEN);
            }
            DiscordClient::with_transport(builder.build()?, fake.clone())
        }
        None => DiscordClient::new(builder.build()?)?,
    };
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|error| {
            CliError::new(
                Exit::Other,
                format!("cannot listen on {listen}: {error}; choose another --listen"),
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|error| CliError::new(Exit::Other, error.to_string()))?;
    let relay = Relay::open(config, client, Clock::system())
        .await
        .map_err(|error| CliError::new(Exit::Other, error.to_string()))?;
    eprintln!("bugle relay listening on http://{addr}");
    if let Some(fake) = &fake {
        eprintln!("{}", demo::instructions(addr));
        tokio::spawn(demo::watch(fake.clone()));
    }
    let owner = format!("relay-{}-{}", std::process::id(), Clock::system().now_ms());
    let demo_outbox = (fake.is_some() && args.relay_config.is_none())
        .then(|| match &relay.config().outbox.store {
            bugle_relay::config::StoreSettings::Sqlite(path) => Some(path.clone()),
            _ => None,
        })
        .flatten();
    let result = relay
        .run(listener, &owner, shutdown)
        .await
        .map_err(|error| CliError::new(Exit::Other, error.to_string()));
    if let Some(path) = demo_outbox {
        // The demo's outbox lived as long as its simulated discord.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    result
}

async fn send_test(args: &SendTestArgs) -> Result<(), CliError> {
    let token = std::env::var(&args.token_env)
        .ok()
        .filter(|token| !token.is_empty())
        .map(SecretString::from);
    let log = bugle_relay::sender::send_test(&args.to, token.as_ref())
        .await
        .map_err(|error| CliError::new(Exit::Other, error))?;
    for line in log {
        say!("{line}");
    }
    Ok(())
}

async fn dead_letter(
    args: &RelayArgs,
    globals: &Globals,
    command: &DeadLetterCommand,
    json: bool,
) -> Result<(), CliError> {
    let config = load(args, globals, true)?;
    let outbox: Arc<dyn Outbox> = open_outbox(&config)
        .await
        .map_err(|error| CliError::new(Exit::Other, error.to_string()))?;
    let store =
        |error: bugle_relay::outbox::OutboxError| CliError::new(Exit::Other, error.to_string());
    match command {
        DeadLetterCommand::List => {
            let letters = outbox.dead_letters().await.map_err(store)?;
            if letters.is_empty() && !json {
                say!("no dead letters");
            }
            for letter in letters {
                let received = bugle_relay::clock::from_ms(letter.created_ms);
                if json {
                    say!(
                        "{}",
                        serde_json::json!({
                            "id": letter.id,
                            "group": letter.group_key,
                            "received": received.unix_timestamp(),
                            "error": letter.error,
                        })
                    );
                } else {
                    say!(
                        "{}\t{}\t{}\t{}",
                        letter.id,
                        received,
                        letter.group_key,
                        letter.error
                    );
                }
            }
            Ok(())
        }
        DeadLetterCommand::Requeue { id } => {
            if outbox.requeue(*id).await.map_err(store)? {
                say!("requeued {id}; a running relay delivers it again");
                Ok(())
            } else {
                Err(CliError::new(
                    Exit::NotFound,
                    format!(
                        "no dead letter with id {id}; `bugle relay dead-letter list` shows them"
                    ),
                ))
            }
        }
    }
}

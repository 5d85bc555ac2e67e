//! Which Discord a command talks to, and the client for it: real Discord
//! (credentials from the environment), a recording of it, a replayed
//! cassette, or the simulated world of `--fake`.

use std::path::PathBuf;

use bugle::{
    Credential, DiscordClient, DiscordConfig, DiscordConfigBuilder, DiscordError, ErrorKind,
    Simulation,
};
use bugle_model::id::ChannelId;
use bugle_sim::fake::DEFAULT_BOT_TOKEN;

use crate::cli::Cli;
use crate::config_file::ConfigFile;
use crate::exit::{CliError, Exit};
use crate::world;

/// The credential a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// A bot token (channel messages, reactions, threads, DMs).
    BotToken,
    /// A webhook: the default one, or the named one.
    Webhook,
}

/// The global options that choose the backend.
#[derive(Debug, Clone, Default)]
pub(crate) struct Globals {
    /// `--record FILE`.
    pub(crate) record: Option<PathBuf>,
    /// `--replay FILE`.
    pub(crate) replay: Option<PathBuf>,
    /// `--fake`.
    pub(crate) fake: bool,
    /// `--config FILE`.
    pub(crate) config: Option<PathBuf>,
    /// `--redis URL`.
    pub(crate) redis: Option<String>,
    /// `--redis-prefix PREFIX`.
    pub(crate) redis_prefix: Option<String>,
}

impl Globals {
    /// The global options of `cli`.
    pub(crate) fn of(cli: &Cli) -> Self {
        Self {
            record: cli.record.clone(),
            replay: cli.replay.clone(),
            fake: cli.fake,
            config: cli.config.clone(),
            redis: cli.redis.clone(),
            redis_prefix: cli.redis_prefix.clone(),
        }
    }

    /// Refuses more than one of `--fake`, `--record` and `--replay`.
    ///
    /// # Errors
    ///
    /// Invalid usage naming the flags.
    pub(crate) fn check(&self) -> Result<(), CliError> {
        let given = [
            self.fake.then_some("--fake"),
            self.record.as_ref().map(|_| "--record"),
            self.replay.as_ref().map(|_| "--replay"),
        ];
        let given: Vec<&str> = given.into_iter().flatten().collect();
        if given.len() > 1 {
            return Err(CliError::invalid(format!(
                "{} cannot be used together; choose one",
                given.join(" and ")
            )));
        }
        Ok(())
    }

    /// The simulation mode the flags ask for; `None` leaves it to
    /// `BUGLE_SIMULATION`.
    fn simulation(&self) -> Option<Simulation> {
        if self.fake {
            Some(Simulation::Fake)
        } else if let Some(path) = &self.record {
            Some(Simulation::Record(path.clone()))
        } else {
            self.replay.clone().map(Simulation::Replay)
        }
    }
}

/// The client a command sends through.
#[derive(Debug)]
pub(crate) struct Session {
    /// The client.
    pub(crate) client: DiscordClient,
}

impl Session {
    /// Runs `work` with the client, hands a shared rate-limit store what the
    /// client still owes it, then saves the cassette when recording,
    /// whether `work` succeeded or not: a failed exchange (a 400 with
    /// Discord's error body, a 5xx) is often the one worth recording.
    ///
    /// # Errors
    ///
    /// `work`'s error (when the cassette cannot be written as well, that is
    /// said on stderr); otherwise a cassette that cannot be written.
    pub(crate) async fn run<T>(
        &self,
        work: impl AsyncFnOnce(&DiscordClient) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let result = work(&self.client).await;
        // With shared limits, the last completions reach the store before the process
        // exits; otherwise they would hold their buckets for other processes until
        // their leases end.
        self.client.flush().await;
        match (result, self.save()) {
            (Ok(value), Ok(())) => Ok(value),
            (Err(error), Ok(())) | (Ok(_), Err(error)) => Err(error),
            (Err(error), Err(unsaved)) => {
                eprintln!("bugle: the recording was not saved: {unsaved}");
                Err(error)
            }
        }
    }

    /// Saves the cassette when recording, and says where.
    fn save(&self) -> Result<(), CliError> {
        if let Some(path) = self.client.save_recording()? {
            eprintln!("bugle: recorded the exchanges to {}", path.display());
        }
        Ok(())
    }
}

/// The client for a command that needs `needs` (`webhook` names a webhook
/// from the config file).
///
/// # Errors
///
/// An unreadable config file or an invalid value (exit 2), missing
/// credentials with what to do about them (exit 3), an unreadable cassette
/// (exit 8).
pub(crate) fn connect(
    globals: &Globals,
    needs: Needs,
    webhook: Option<&str>,
) -> Result<Session, CliError> {
    let file = match &globals.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let simulation = globals.simulation();
    let base = builder(&file, simulation.clone(), globals).build()?;
    match base.simulation() {
        Simulation::Fake => fake_session(&file, simulation, globals, &base),
        Simulation::Replay(_) => Ok(Session {
            client: DiscordClient::new(base)?,
        }),
        Simulation::Disabled | Simulation::Record(_) => {
            check_credentials(&base, needs, webhook)?;
            Ok(Session {
                client: DiscordClient::new(base)?,
            })
        }
        // `Simulation` is non-exhaustive, so this crate needs an arm for
        // modes added after it was written: refuse them rather than send
        // to real Discord.
        other => Err(DiscordError::new(ErrorKind::InvalidConfig {
            field: "simulation".to_owned(),
            problem: format!(
                "this bugle-cli does not know the simulation mode {other:?}; use fake, record:PATH, replay:PATH or off, or update bugle-cli"
            ),
        })
        .into()),
    }
}

/// The configuration builder: the simulated routes in fake mode, then the
/// config file, then the environment for what those leave unset.
fn builder(
    file: &ConfigFile,
    simulation: Option<Simulation>,
    globals: &Globals,
) -> DiscordConfigBuilder {
    let mut builder = DiscordConfig::builder();
    if let Some(url) = &globals.redis {
        builder = builder.redis_url(url.as_str());
    }
    if let Some(prefix) = &globals.redis_prefix {
        builder = builder.redis_prefix(prefix.as_str());
    }
    let fake =
        simulation == Some(Simulation::Fake) || (simulation.is_none() && env_simulation_is_fake());
    if fake {
        for (name, id) in world::CHANNELS {
            builder = builder.route(name, ChannelId::new(id));
        }
    }
    builder = file.apply(builder);
    if let Some(simulation) = simulation {
        builder = builder.simulation(simulation);
    }
    let base = file
        .api_base
        .clone()
        .or_else(|| std::env::var(bugle::config::env::DISCORD_API_BASE).ok());
    if base.as_deref().is_some_and(is_loopback_http) {
        builder = builder.allow_plain_http(true);
    }
    builder.with_env()
}

fn env_simulation_is_fake() -> bool {
    std::env::var(bugle::config::env::BUGLE_SIMULATION)
        .ok()
        .and_then(|text| Simulation::parse(&text).ok())
        == Some(Simulation::Fake)
}

/// The `--fake` session: the simulated world, accepting the configured bot
/// token (or the simulated one) and the configured webhooks (or the
/// simulated one).
fn fake_session(
    file: &ConfigFile,
    simulation: Option<Simulation>,
    globals: &Globals,
    base: &DiscordConfig,
) -> Result<Session, CliError> {
    let mut builder = builder(file, simulation, globals);
    if base.bot_token().is_none() {
        builder = builder.bot_token(DEFAULT_BOT_TOKEN);
    }
    if base.webhook().is_none() {
        builder = builder.webhook_url(&world::webhook_url());
    }
    let config = builder.build()?;
    let token = config
        .bot_token()
        .map_or(DEFAULT_BOT_TOKEN.to_owned(), |token| {
            secrecy::ExposeSecret::expose_secret(token).to_owned()
        });
    let names = config.webhook_names();
    let webhooks = config
        .webhook()
        .into_iter()
        .chain(names.iter().filter_map(|name| config.named_webhook(name)));
    let fake = world::builder(&token, webhooks)
        .auto_create_channels(true)
        .build();
    Ok(Session {
        client: DiscordClient::with_transport(config, fake),
    })
}

/// Refuses, with what to do, when the credential the command needs is
/// missing.
fn check_credentials(
    config: &DiscordConfig,
    needs: Needs,
    webhook: Option<&str>,
) -> Result<(), CliError> {
    match needs {
        Needs::BotToken if config.bot_token().is_none() => {
            Err(missing_credentials(Credential::BotToken))
        }
        Needs::Webhook => match config.require_webhook(webhook) {
            Ok(_) => Ok(()),
            Err(error) if matches!(error.kind(), ErrorKind::NoAuthentication { .. }) => {
                Err(missing_credentials(Credential::Webhook))
            }
            Err(error) => Err(error.into()),
        },
        Needs::BotToken => Ok(()),
    }
}

/// The message for a command run without the credentials it needs.
pub(crate) fn missing_credentials(needed: Credential) -> CliError {
    let what = match needed {
        Credential::Webhook => {
            "this command needs a webhook: set DISCORD_WEBHOOK_URL to the url from the channel's \
             integrations settings (or give a config file with a `webhook`)"
        }
        _ => {
            "this command needs a bot token: set DISCORD_BOT_TOKEN to the token from the \
             discord developer portal (bot page)"
        }
    };
    CliError::new(
        Exit::Auth,
        format!(
            "{what}; or add --fake to run against a simulated discord with no token, \
             or try `bugle demo`, which needs none"
        ),
    )
}

/// Whether `base` is a plain-http URL on this machine (a local proxy or
/// `bugle fake-discord`), the only place plain http is allowed.
fn is_loopback_http(base: &str) -> bool {
    let Some(rest) = base.trim().strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_only_on_loopback() {
        assert!(is_loopback_http("http://127.0.0.1:8080/api"));
        assert!(is_loopback_http("http://localhost:1/api"));
        assert!(is_loopback_http("http://[::1]:9/api"));
        assert!(is_loopback_http("http://127.0.0.2/api"));
        assert!(!is_loopback_http("https://127.0.0.1/api"));
        assert!(!is_loopback_http("http://discord.com/api"));
        assert!(!is_loopback_http("http://127.0.0.1.example.com/api"));
        assert!(!is_loopback_http("http://10.0.0.1/api"));
    }

    #[test]
    fn missing_credentials_say_what_to_set_and_offer_fake() {
        let bot = missing_credentials(Credential::BotToken);
        assert_eq!(bot.exit(), Exit::Auth);
        let text = bot.to_string();
        assert!(
            text.contains("DISCORD_BOT_TOKEN") && text.contains("--fake"),
            "{text}"
        );
        let webhook = missing_credentials(Credential::Webhook).to_string();
        assert!(webhook.contains("DISCORD_WEBHOOK_URL") && webhook.contains("--fake"));
    }

    #[test]
    fn a_missing_token_is_refused_before_anything_is_sent() {
        let config = DiscordConfig::builder()
            .with_env_from(|_| None)
            .build()
            .expect("config");
        let error = check_credentials(&config, Needs::BotToken, None).expect_err("no token");
        assert_eq!(error.exit(), Exit::Auth);
        let error = check_credentials(&config, Needs::Webhook, None).expect_err("no webhook");
        assert!(error.to_string().contains("DISCORD_WEBHOOK_URL"));
        let named = DiscordConfig::builder()
            .webhook_url(&world::webhook_url())
            .with_env_from(|_| None)
            .build()
            .expect("config");
        let error = check_credentials(&named, Needs::Webhook, Some("ops")).expect_err("unknown");
        assert_eq!(error.exit(), Exit::Invalid);
        assert!(check_credentials(&named, Needs::Webhook, None).is_ok());
    }
}

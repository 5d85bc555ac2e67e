//! The transport each [`Simulation`] mode stands for.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use bugle_sim::cassette::{Recorder, Replayer};
use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord};
use bugle_transport::{HyperTransport, Transport};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{DiscordConfig, Simulation};
use crate::error::{DiscordError, ErrorKind};

/// What the client sends through, kept so the client can inspect or save it.
pub(super) enum Backend {
    /// Real Discord over HTTPS.
    Live,
    /// An in-process `FakeDiscord`.
    Fake(FakeDiscord),
    /// Real Discord, recorded to the cassette at the path.
    Record(Arc<Recorder<HyperTransport>>, PathBuf),
    /// Answers replayed from a cassette.
    Replay(Arc<Replayer>),
    /// A transport the caller gave.
    Custom,
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Live => "Live",
            Self::Fake(_) => "Fake",
            Self::Record(..) => "Record",
            Self::Replay(_) => "Replay",
            Self::Custom => "Custom",
        })
    }
}

impl Backend {
    /// The token to use when none is configured: the fake's own, in the modes
    /// that never reach Discord.
    pub(super) fn fallback_bot_token(&self) -> Option<SecretString> {
        match self {
            Self::Fake(_) | Self::Replay(_) => Some(SecretString::from(DEFAULT_BOT_TOKEN)),
            Self::Live | Self::Record(..) | Self::Custom => None,
        }
    }

    pub(super) fn fake(&self) -> Option<&FakeDiscord> {
        match self {
            Self::Fake(fake) => Some(fake),
            Self::Live | Self::Record(..) | Self::Replay(_) | Self::Custom => None,
        }
    }

    pub(super) fn save(&self) -> Result<Option<PathBuf>, DiscordError> {
        match self {
            Self::Record(recorder, path) => {
                recorder.save(path).map_err(DiscordError::from)?;
                Ok(Some(path.clone()))
            }
            Self::Live | Self::Fake(_) | Self::Replay(_) | Self::Custom => Ok(None),
        }
    }

    pub(super) fn check_replayed(&self) -> Result<(), DiscordError> {
        match self {
            Self::Replay(replayer) => replayer.check_all_used().map_err(DiscordError::from),
            Self::Live | Self::Fake(_) | Self::Record(..) | Self::Custom => Ok(()),
        }
    }
}

/// The transport `config`'s simulation mode asks for.
///
/// The match names every mode, with no `_` arm: a mode added to
/// [`Simulation`] does not compile here until someone decides where its
/// requests go, so it cannot reach discord.com by default.
pub(super) fn build(config: &DiscordConfig) -> Result<(Arc<dyn Transport>, Backend), DiscordError> {
    Ok(match config.simulation() {
        Simulation::Fake => {
            let mut builder = FakeDiscord::builder().auto_create_channels(true);
            if let Some(token) = config.bot_token() {
                builder = builder.bot_token(token.expose_secret());
            }
            let fake = builder.build();
            (Arc::new(fake.clone()), Backend::Fake(fake))
        }
        Simulation::Record(path) => {
            let mut recorder = Recorder::new(hyper(config)?);
            if let Some(token) = config.bot_token() {
                recorder = recorder.with_secret(token.expose_secret());
            }
            for url in config.webhook().into_iter().chain(
                config
                    .webhook_names()
                    .iter()
                    .filter_map(|name| config.named_webhook(name)),
            ) {
                recorder.add_secret(url.token().expose_secret());
            }
            let recorder = Arc::new(recorder);
            (recorder.clone(), Backend::Record(recorder, path.clone()))
        }
        Simulation::Replay(path) => {
            let replayer = Arc::new(Replayer::load(path).map_err(DiscordError::from)?);
            (replayer.clone(), Backend::Replay(replayer))
        }
        Simulation::Disabled => (Arc::new(hyper(config)?), Backend::Live),
    })
}

fn hyper(config: &DiscordConfig) -> Result<HyperTransport, DiscordError> {
    HyperTransport::builder()
        .request_timeout(Some(config.request_timeout()))
        .allow_plain_http(config.allow_plain_http())
        .build()
        .map_err(|error| {
            DiscordError::new(ErrorKind::InvalidConfig {
                field: "transport".to_owned(),
                problem: format!("the https transport could not be built: {error}"),
            })
            .with_source(error)
        })
}

//! The transport each [`Simulation`] mode stands for.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(feature = "sim")]
use bugle_sim::cassette::{Recorder, Replayer};
#[cfg(feature = "sim")]
use bugle_sim::fake::{DEFAULT_BOT_TOKEN, FakeDiscord};
use bugle_transport::{HyperTransport, Transport};
#[cfg(feature = "sim")]
use secrecy::ExposeSecret;
use secrecy::SecretString;

use crate::config::{DiscordConfig, Simulation};
use crate::error::{DiscordError, ErrorKind};

/// What the client sends through, kept so the client can inspect or save it.
pub(super) enum Backend {
    /// Real Discord over HTTPS.
    Live,
    /// An in-process `FakeDiscord`.
    #[cfg(feature = "sim")]
    Fake(FakeDiscord),
    /// Real Discord, recorded to the cassette at the path.
    #[cfg(feature = "sim")]
    Record(Arc<Recorder<HyperTransport>>, PathBuf),
    /// Answers replayed from a cassette.
    #[cfg(feature = "sim")]
    Replay(Arc<Replayer>),
    /// A transport the caller gave.
    Custom,
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Live => "Live",
            #[cfg(feature = "sim")]
            Self::Fake(_) => "Fake",
            #[cfg(feature = "sim")]
            Self::Record(..) => "Record",
            #[cfg(feature = "sim")]
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
            #[cfg(feature = "sim")]
            Self::Fake(_) | Self::Replay(_) => Some(SecretString::from(DEFAULT_BOT_TOKEN)),
            #[cfg(feature = "sim")]
            Self::Record(..) => None,
            Self::Live | Self::Custom => None,
        }
    }

    #[cfg(feature = "sim")]
    pub(super) fn fake(&self) -> Option<&FakeDiscord> {
        match self {
            Self::Fake(fake) => Some(fake),
            Self::Live | Self::Record(..) | Self::Replay(_) | Self::Custom => None,
        }
    }

    // Without the `sim` feature only the live backend is left, which never fails here.
    #[cfg_attr(not(feature = "sim"), allow(clippy::unnecessary_wraps))]
    pub(super) fn save(&self) -> Result<Option<PathBuf>, DiscordError> {
        match self {
            #[cfg(feature = "sim")]
            Self::Record(recorder, path) => {
                recorder.save(path).map_err(DiscordError::from)?;
                Ok(Some(path.clone()))
            }
            #[cfg(feature = "sim")]
            Self::Fake(_) | Self::Replay(_) => Ok(None),
            Self::Live | Self::Custom => Ok(None),
        }
    }

    // Without the `sim` feature only the live backend is left, which never fails here.
    #[cfg_attr(not(feature = "sim"), allow(clippy::unnecessary_wraps))]
    pub(super) fn check_replayed(&self) -> Result<(), DiscordError> {
        match self {
            #[cfg(feature = "sim")]
            Self::Replay(replayer) => replayer.check_all_used().map_err(DiscordError::from),
            #[cfg(feature = "sim")]
            Self::Fake(_) | Self::Record(..) => Ok(()),
            Self::Live | Self::Custom => Ok(()),
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
        #[cfg(feature = "sim")]
        Simulation::Fake => {
            let mut builder = FakeDiscord::builder().auto_create_channels(true);
            if let Some(token) = config.bot_token() {
                builder = builder.bot_token(token.expose_secret());
            }
            let fake = builder.build();
            (Arc::new(fake.clone()), Backend::Fake(fake))
        }
        #[cfg(feature = "sim")]
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
        #[cfg(feature = "sim")]
        Simulation::Replay(path) => {
            let replayer = Arc::new(Replayer::load(path).map_err(DiscordError::from)?);
            (replayer.clone(), Backend::Replay(replayer))
        }
        Simulation::Disabled => (Arc::new(hyper(config)?), Backend::Live),
        #[cfg(not(feature = "sim"))]
        Simulation::Fake | Simulation::Record(_) | Simulation::Replay(_) => {
            return Err(DiscordError::new(ErrorKind::InvalidConfig {
                field: "simulation".to_owned(),
                problem: "bugle was built without its `sim` feature, so only `Disabled` \
                          (real Discord) is available; enable the feature for FakeDiscord \
                          and cassettes"
                    .to_owned(),
            }));
        }
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

#[cfg(all(test, not(feature = "sim")))]
mod tests {
    use crate::{DiscordClient, DiscordConfig, ErrorKind, Simulation};

    #[test]
    fn without_the_sim_feature_a_simulation_mode_is_refused_naming_the_setting() {
        let config = DiscordConfig::builder()
            .simulation(Simulation::Fake)
            .build()
            .expect("the mode parses without the feature");
        let error = DiscordClient::new(config).expect_err("no fake to build");
        assert!(
            matches!(error.kind(), ErrorKind::InvalidConfig { field, .. } if field == "simulation"),
            "{error}"
        );
    }
}

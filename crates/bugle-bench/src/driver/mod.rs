//! The clients a workload can drive: bugle always, twilight-http with the `twilight`
//! feature.

mod bugle;
#[cfg(feature = "twilight")]
mod twilight;

pub use self::bugle::{BugleDriver, STORE_DEADLINE_ENV};
#[cfg(feature = "twilight")]
pub use self::twilight::TwilightDriver;

use crate::scenario::Spec;

/// Which client drives the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientKind {
    /// bugle's `DiscordClient`.
    Bugle,
    /// twilight-http's `Client` (needs the `twilight` feature).
    Twilight,
    /// twilight-http's `Client` sending, with each create, the protective fields bugle
    /// adds: a random nonce, and `allowed_mentions` that parse nothing (not
    /// `enforce_nonce`, which twilight cannot send). A control for the throughput
    /// scenarios: with nearly the same request, the server's cost is nearly the same,
    /// so what differs is mostly the client.
    TwilightNonce,
}

impl ClientKind {
    /// The name in JSON lines and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bugle => "bugle",
            Self::Twilight => "twilight",
            Self::TwilightNonce => "twilight-nonce",
        }
    }
}

impl std::str::FromStr for ClientKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "bugle" => Ok(Self::Bugle),
            "twilight" => Ok(Self::Twilight),
            "twilight-nonce" => Ok(Self::TwilightNonce),
            other => Err(format!(
                "unknown client {other:?}; bugle, twilight or twilight-nonce"
            )),
        }
    }
}

/// A client ready to run operations against `FakeDiscord`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Driver {
    /// bugle.
    Bugle(BugleDriver),
    /// twilight-http (boxed: its client is much larger than bugle's handle).
    #[cfg(feature = "twilight")]
    Twilight(Box<TwilightDriver>),
}

impl Driver {
    /// A driver of `kind` for `spec`, pointed at `127.0.0.1:port`.
    ///
    /// # Errors
    ///
    /// When the client cannot be built, or twilight is asked for without the feature.
    pub fn new(kind: ClientKind, spec: &Spec, port: u16) -> Result<Self, String> {
        match kind {
            ClientKind::Bugle => BugleDriver::new(spec, port).map(Self::Bugle),
            #[cfg(feature = "twilight")]
            ClientKind::Twilight => Ok(Self::Twilight(Box::new(TwilightDriver::new(spec, port)))),
            #[cfg(feature = "twilight")]
            ClientKind::TwilightNonce => Ok(Self::Twilight(Box::new(
                TwilightDriver::new(spec, port).with_protective_fields(),
            ))),
            #[cfg(not(feature = "twilight"))]
            ClientKind::Twilight | ClientKind::TwilightNonce => {
                Err("twilight is not built in; rebuild with `--features twilight`".to_owned())
            }
        }
    }

    /// Like [`Driver::new`], with bugle's answers noted by `observer` (the 429s this
    /// process saw) and its limits shared through `shared` when given; twilight cannot
    /// be observed and shares nothing, and gets `None`'s plain driver.
    ///
    /// # Errors
    ///
    /// As [`Driver::new`], and when twilight is asked to share limits.
    pub fn observed(
        kind: ClientKind,
        spec: &Spec,
        port: u16,
        observer: Option<std::sync::Arc<crate::observe::Observer>>,
        shared: Option<bugle_ratelimit_redis::RedisStore>,
    ) -> Result<Self, String> {
        match (kind, observer) {
            (ClientKind::Bugle, Some(observer)) => {
                BugleDriver::observed(spec, port, observer, shared).map(Self::Bugle)
            }
            (ClientKind::Bugle, None) if shared.is_some() => {
                BugleDriver::observed(spec, port, crate::observe::Observer::new(false), shared)
                    .map(Self::Bugle)
            }
            (kind, _) if shared.is_some() => Err(format!(
                "{} cannot share limits through Redis; run it with --no-shared",
                kind.name()
            )),
            (kind, _) => Self::new(kind, spec, port),
        }
    }

    /// Creates a message in `channel`; its id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn create(&self, channel: u64, content: String) -> Result<u64, String> {
        match self {
            Self::Bugle(d) => d.create(channel, content).await,
            #[cfg(feature = "twilight")]
            Self::Twilight(d) => d.create(channel, content).await,
        }
    }

    /// Edits a message's content.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn edit(&self, channel: u64, message: u64, content: String) -> Result<(), String> {
        match self {
            Self::Bugle(d) => d.edit(channel, message, content).await,
            #[cfg(feature = "twilight")]
            Self::Twilight(d) => d.edit(channel, message, content).await,
        }
    }

    /// Deletes a message.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn delete(&self, channel: u64, message: u64) -> Result<(), String> {
        match self {
            Self::Bugle(d) => d.delete(channel, message).await,
            #[cfg(feature = "twilight")]
            Self::Twilight(d) => d.delete(channel, message).await,
        }
    }

    /// Hands the shared store what the client still owes it, before the process exits
    /// (bugle with shared limits; nothing otherwise).
    pub async fn flush(&self) {
        match self {
            Self::Bugle(d) => d.flush().await,
            #[cfg(feature = "twilight")]
            Self::Twilight(_) => {}
        }
    }

    /// Executes webhook number `webhook`, waiting for the message; its id.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn execute(&self, webhook: usize, content: String) -> Result<u64, String> {
        match self {
            Self::Bugle(d) => d.execute(webhook, content).await,
            #[cfg(feature = "twilight")]
            Self::Twilight(d) => d.execute(webhook, content).await,
        }
    }
}

//! `bugle relay`'s arguments. Its flags are named for the relay
//! (`--relay-config`, not the global `--config`, which holds the other
//! commands' JSON routes and is not read by the relay).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `bugle relay`: run the alert relay, or work with its outbox.
#[derive(Debug, Args)]
pub(crate) struct RelayArgs {
    /// The relay's TOML config (see docs/relay.md). With --fake and no
    /// config, a demo config routes everything to the simulated `alerts`
    /// channel, with a thread per incident.
    #[arg(long, value_name = "FILE", env = "BUGLE_RELAY_CONFIG", global = true)]
    pub(crate) relay_config: Option<PathBuf>,

    /// Listen on this address instead of the config's `server.listen`
    /// (default 127.0.0.1:9099).
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<SocketAddr>,

    /// Run without any ingest auth (only on a trusted network; the relay
    /// refuses to start without auth otherwise).
    #[arg(long)]
    pub(crate) insecure_no_auth: bool,

    /// Log as JSON lines (one object per event) instead of text.
    #[arg(long)]
    pub(crate) log_json: bool,

    /// What to do instead of running the relay.
    #[command(subcommand)]
    pub(crate) command: Option<RelayCommand>,
}

/// `bugle relay ...` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum RelayCommand {
    /// Post a realistic firing → repeat → resolved sequence to a running
    /// relay, to watch a card appear, update and resolve.
    SendTest(SendTestArgs),
    /// List or requeue notifications that failed for good.
    #[command(subcommand)]
    DeadLetter(DeadLetterCommand),
}

/// `bugle relay send-test`.
#[derive(Debug, Args)]
pub(crate) struct SendTestArgs {
    /// The relay's base URL (plain http).
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9099")]
    pub(crate) to: String,

    /// The environment variable holding the relay's bearer token (none is
    /// sent when it is unset).
    #[arg(long, value_name = "NAME", default_value = "BUGLE_RELAY_TOKEN")]
    pub(crate) token_env: String,
}

/// `bugle relay dead-letter ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum DeadLetterCommand {
    /// List the dead letters, oldest first.
    List,
    /// Put a dead letter back in the queue (it is delivered again).
    Requeue {
        /// The dead letter's id, from `list`.
        id: i64,
    },
}

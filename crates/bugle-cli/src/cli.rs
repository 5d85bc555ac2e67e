//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit::EXIT_CODES_HELP;

const AFTER_HELP: &str = "\
Credentials come from the environment: DISCORD_BOT_TOKEN (channel messages,
reactions, threads, DMs) and DISCORD_WEBHOOK_URL (webhook commands). Without
them, add --fake to run against a simulated Discord in this process, or
start `bugle fake-discord` and point DISCORD_API_BASE at it.
";

/// Send to Discord from scripts and CI, or watch bugle work against a
/// simulated Discord with `bugle demo`.
#[derive(Debug, Parser)]
#[command(name = "bugle", version, after_help = format!("{AFTER_HELP}\n{EXIT_CODES_HELP}"))]
pub(crate) struct Cli {
    /// Record every exchange with Discord (without secrets) to this cassette.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,

    /// Answer from this recorded cassette instead of Discord; nothing is sent.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) replay: Option<PathBuf>,

    /// Run against a simulated Discord inside this process (no token needed;
    /// every channel id exists, state lasts for this command only).
    #[arg(long, global = true)]
    pub(crate) fake: bool,

    /// Print results as JSON (the message or channel Discord returned).
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// A JSON file with channel routes and named webhooks
    /// (see the bugle-cli README).
    #[arg(long, global = true, value_name = "FILE", env = "BUGLE_CONFIG")]
    pub(crate) config: Option<PathBuf>,

    /// Share rate limits with every other bugle process on the same token through
    /// this Redis (`redis://[:password@]host[:port][/db]`); `BUGLE_REDIS_URL` is read
    /// when it is not given. The password is never printed; prefer the variable for a
    /// URL with a password, since arguments are visible to other users of the machine.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) redis: Option<String>,

    /// The key prefix in that Redis (default `bugle`, or `BUGLE_REDIS_PREFIX`), so
    /// several bots or environments can share one Redis.
    #[arg(long, global = true, value_name = "PREFIX")]
    pub(crate) redis_prefix: Option<String>,

    /// More log output on stderr (-v info, -vv debug, -vvv trace);
    /// `RUST_LOG` overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run bugle's integration patterns against a simulated Discord and print
    /// what happens: a webhook alert, a pipeline thread, routed messages, a DM
    /// and a burst that shows rate limiting at work.
    Demo(DemoArgs),
    /// Serve a simulated Discord on 127.0.0.1 for other tools and tests.
    FakeDiscord(FakeDiscordArgs),
    /// Execute, edit or delete webhook messages.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Send, edit or delete channel messages (needs a bot token).
    #[command(subcommand)]
    Message(MessageCommand),
    /// Add a reaction to a message (needs a bot token).
    React(ReactArgs),
    /// Create threads (needs a bot token).
    #[command(subcommand)]
    Thread(ThreadCommand),
    /// Send direct messages (needs a bot token).
    #[command(subcommand)]
    Dm(DmCommand),
    /// Run the alert relay: Alertmanager and Grafana alerts to one Discord
    /// card per group, edited in place (see docs/relay.md).
    Relay(crate::relay::RelayArgs),
    /// Register application commands (needs a bot token).
    #[command(subcommand)]
    Commands(crate::commands::app_commands::CommandsCommand),
}

/// `bugle demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// How many messages the rate-limit burst sends to one channel (Discord
    /// allows 5 per 5 seconds per channel, so 15 wait about 15 seconds).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub(crate) burst: u32,
}

/// `bugle fake-discord`.
#[derive(Debug, Args)]
pub(crate) struct FakeDiscordArgs {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
}

/// What a message says: text, embeds and files.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct Body {
    /// The message text; `-` reads it from stdin.
    #[arg(value_name = "CONTENT")]
    pub(crate) content: Option<String>,

    /// Embeds as JSON (one embed object or an array of them); `-` reads
    /// stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) embed_json: Option<String>,

    /// A file to upload (repeatable).
    #[arg(long = "file", value_name = "PATH")]
    pub(crate) files: Vec<PathBuf>,
}

/// `bugle webhook ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Execute the webhook: post a message.
    Send(WebhookSend),
    /// Edit a message the webhook posted.
    Edit(WebhookEdit),
    /// Delete a message the webhook posted.
    Delete(WebhookDelete),
}

/// Which webhook, and which thread of its channel.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct WebhookTarget {
    /// A named webhook from the config file (default: `DISCORD_WEBHOOK_URL` or
    /// the file's `webhook`).
    #[arg(long, value_name = "NAME")]
    pub(crate) webhook: Option<String>,

    /// A thread of the webhook's channel to post in (or edit in).
    #[arg(long, value_name = "ID")]
    pub(crate) thread: Option<u64>,
}

/// `bugle webhook send`.
#[derive(Debug, Args)]
pub(crate) struct WebhookSend {
    #[command(flatten)]
    pub(crate) target: WebhookTarget,
    #[command(flatten)]
    pub(crate) body: Body,
    /// Post under this name instead of the webhook's.
    #[arg(long)]
    pub(crate) username: Option<String>,
    /// Post with this avatar instead of the webhook's.
    #[arg(long, value_name = "URL")]
    pub(crate) avatar_url: Option<String>,
    /// In a forum channel: create a post with this title.
    #[arg(long, value_name = "NAME")]
    pub(crate) thread_name: Option<String>,
    /// Do not wait for Discord to confirm the message was saved (it then
    /// drops failures silently, and no message is printed).
    #[arg(long)]
    pub(crate) no_wait: bool,
}

/// `bugle webhook edit`.
#[derive(Debug, Args)]
pub(crate) struct WebhookEdit {
    /// The message to edit.
    pub(crate) message: u64,
    #[command(flatten)]
    pub(crate) target: WebhookTarget,
    #[command(flatten)]
    pub(crate) body: Body,
}

/// `bugle webhook delete`.
#[derive(Debug, Args)]
pub(crate) struct WebhookDelete {
    /// The message to delete.
    pub(crate) message: u64,
    #[command(flatten)]
    pub(crate) target: WebhookTarget,
}

/// `bugle message ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum MessageCommand {
    /// Send a message (or, with --lines, one message per line of a file).
    Send(MessageSend),
    /// Edit a message.
    Edit(MessageEdit),
    /// Delete a message (deleting one already gone succeeds).
    Delete(MessageDelete),
}

/// `bugle message send`.
#[derive(Debug, Args)]
pub(crate) struct MessageSend {
    /// The channel: an id, or a route name from the config file.
    pub(crate) channel: String,
    #[command(flatten)]
    pub(crate) body: Body,
    /// Reply to this message.
    #[arg(long, value_name = "ID")]
    pub(crate) reply_to: Option<u64>,
    /// Send text longer than 2000 characters as several messages.
    #[arg(long)]
    pub(crate) split: bool,
    /// Send each non-empty line of this file as its own message, with
    /// progress on stderr; `-` reads stdin.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["content", "embed_json", "files", "reply_to", "split"])]
    pub(crate) lines: Option<String>,
}

/// `bugle message edit`.
#[derive(Debug, Args)]
pub(crate) struct MessageEdit {
    /// The channel: an id, or a route name from the config file.
    pub(crate) channel: String,
    /// The message to edit.
    pub(crate) message: u64,
    #[command(flatten)]
    pub(crate) body: Body,
}

/// `bugle message delete`.
#[derive(Debug, Args)]
pub(crate) struct MessageDelete {
    /// The channel: an id, or a route name from the config file.
    pub(crate) channel: String,
    /// The message to delete.
    pub(crate) message: u64,
}

/// `bugle react`.
#[derive(Debug, Args)]
pub(crate) struct ReactArgs {
    /// The channel: an id, or a route name from the config file.
    pub(crate) channel: String,
    /// The message to react to.
    pub(crate) message: u64,
    /// A unicode emoji (`✅`) or a custom one as `name:id`.
    pub(crate) emoji: String,
}

/// `bugle thread ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum ThreadCommand {
    /// Create a thread in a channel, or from one of its messages.
    Create(ThreadCreate),
}

/// `bugle thread create`.
#[derive(Debug, Args)]
pub(crate) struct ThreadCreate {
    /// The channel: an id, or a route name from the config file.
    pub(crate) channel: String,
    /// The thread's name.
    pub(crate) name: String,
    /// Start the thread from this message.
    #[arg(long = "from-message", value_name = "ID")]
    pub(crate) from_message: Option<u64>,
    /// Post this first message in the new thread; `-` reads stdin.
    #[arg(long, value_name = "CONTENT")]
    pub(crate) message: Option<String>,
}

/// `bugle dm ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum DmCommand {
    /// Send a direct message to a user.
    Send(DmSend),
}

/// `bugle dm send`.
#[derive(Debug, Args)]
pub(crate) struct DmSend {
    /// The user's id.
    pub(crate) user: u64,
    #[command(flatten)]
    pub(crate) body: Body,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "bugle", "message", "send", "alerts", "hi", "--fake", "--json", "-vv",
        ])
        .expect("parses");
        assert!(cli.fake && cli.json);
        assert_eq!(cli.verbose, 2);
        let Command::Message(MessageCommand::Send(send)) = cli.command else {
            panic!("wrong command");
        };
        assert_eq!(send.channel, "alerts");
        assert_eq!(send.body.content.as_deref(), Some("hi"));
    }

    #[test]
    fn simulation_flags_exclude_each_other() {
        let cli =
            Cli::try_parse_from(["bugle", "demo", "--fake", "--replay", "x.json"]).expect("parses");
        let error = crate::backend::Globals::of(&cli)
            .check()
            .expect_err("conflict");
        assert_eq!(error.exit(), crate::exit::Exit::Invalid);
        assert!(error.to_string().contains("--fake"));
        let one = Cli::try_parse_from(["bugle", "demo", "--record", "x.json"]).expect("parses");
        assert!(crate::backend::Globals::of(&one).check().is_ok());
    }

    #[test]
    fn lines_excludes_content() {
        assert!(
            Cli::try_parse_from(["bugle", "message", "send", "1", "hi", "--lines", "f"]).is_err()
        );
    }

    #[test]
    fn help_lists_the_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Exit codes:"));
        assert!(help.contains("DISCORD_BOT_TOKEN"));
    }
}

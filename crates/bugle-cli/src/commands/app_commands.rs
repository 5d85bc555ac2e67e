//! `bugle commands sync`: register an application's commands from a JSON
//! file, checked locally first, as one bulk overwrite (global or one guild).

use std::path::PathBuf;

use bugle::Simulation;
use bugle_model::command::{ApplicationCommand, CommandSet};
use bugle_model::id::{ApplicationId, GuildId};
use bugle_model::validate::Validate;
use clap::{Args, Subcommand};

use crate::backend::{Globals, Needs, connect};
use crate::exit::CliError;
use crate::output::{Output, print_json};

/// `bugle commands ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum CommandsCommand {
    /// Replace the application's commands (global, or one guild's) with the
    /// ones in a JSON file: an array of command objects as Discord takes
    /// them. Checked locally first; nothing is sent if any is invalid.
    Sync(SyncArgs),
}

/// `bugle commands sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The JSON file with the command definitions; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// The application's id (the developer portal's "Application ID");
    /// with --fake, the simulated application's.
    #[arg(long, value_name = "ID", env = "DISCORD_APPLICATION_ID")]
    pub(crate) application: Option<u64>,
    /// Register in this guild only (updates at once; good for testing)
    /// instead of globally.
    #[arg(long, value_name = "ID")]
    pub(crate) guild: Option<u64>,
    /// Check the file and print what would be sent, without sending.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Send the set even when the registered commands already match it
    /// (by default nothing is sent then: new global commands count against
    /// Discord's 200 creates a day).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Runs `bugle commands ...`.
///
/// # Errors
///
/// An unreadable or invalid file (exit 2, every violation with its path),
/// missing credentials, and every failure of the request.
pub(crate) async fn run(
    command: &CommandsCommand,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    match command {
        CommandsCommand::Sync(args) => sync(args, globals, out).await,
    }
}

fn read(path: &PathBuf) -> Result<CommandSet, CliError> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::invalid(format!("cannot read stdin: {e}")))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::invalid(format!("cannot read {}: {e}", path.display())))?
    };
    let set: CommandSet = serde_json::from_str(&text).map_err(|e| {
        CliError::invalid(format!(
            "{} is not a JSON array of commands: {e}",
            path.display()
        ))
    })?;
    set.validate().map_err(|error| {
        let lines: Vec<String> = error
            .violations()
            .iter()
            .map(|v| format!("  {v}"))
            .collect();
        CliError::invalid(format!(
            "{} has invalid commands; nothing was sent:\n{}",
            path.display(),
            lines.join("\n")
        ))
    })?;
    Ok(set)
}

/// Whether the registered commands are the wanted set (in any order), as
/// Discord stores them: each compared as the JSON a definition serialises to.
/// Fields Discord fills in that the file leaves out make them differ, which
/// only costs a send.
fn unchanged(current: &[ApplicationCommand], wanted: &CommandSet) -> bool {
    let key = |value: &serde_json::Value| {
        (
            value["type"].as_u64().unwrap_or(1),
            value["name"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let mut have: Vec<serde_json::Value> = current
        .iter()
        .filter_map(|c| serde_json::to_value(&c.definition).ok())
        .collect();
    let mut want: Vec<serde_json::Value> = wanted
        .0
        .iter()
        .filter_map(|c| serde_json::to_value(c).ok())
        .collect();
    have.sort_by_key(key);
    want.sort_by_key(key);
    have == want
}

async fn sync(args: &SyncArgs, globals: &Globals, out: Output) -> Result<(), CliError> {
    let set = read(&args.file)?;
    let scope = args
        .guild
        .map_or_else(|| "globally".to_owned(), |g| format!("in guild {g}"));
    if args.dry_run {
        if out.is_json() {
            return print_json(&set);
        }
        let names: Vec<&str> = set.0.iter().map(|c| c.name.as_str()).collect();
        say!(
            "{} commands are valid and would be registered {scope}: {}",
            names.len(),
            names.join(", ")
        );
        return Ok(());
    }
    let session = connect(globals, Needs::BotToken, None)?;
    let fake = matches!(session.client.config().simulation(), Simulation::Fake);
    let application = match args.application {
        Some(id) => id,
        // The simulated application's id is its bot user's.
        None if fake => session.client.current_user().await?.id.get(),
        None => {
            return Err(CliError::invalid(
                "no application id; pass --application ID or set DISCORD_APPLICATION_ID",
            ));
        }
    };
    let application = ApplicationId::new_checked(application)
        .ok_or_else(|| CliError::invalid("the application id cannot be 0"))?;
    let guild = match args.guild {
        Some(id) => Some(
            GuildId::new_checked(id)
                .ok_or_else(|| CliError::invalid("the guild id cannot be 0"))?,
        ),
        None => None,
    };
    session
        .run(async |client| {
            if !args.force {
                let current = match guild {
                    Some(guild) => client.guild_commands(application, guild).await?,
                    None => client.global_commands(application).await?,
                };
                if unchanged(&current, &set) {
                    if out.is_json() {
                        return print_json(&current);
                    }
                    say!(
                        "unchanged: the {} commands registered {scope} already match; nothing sent",
                        current.len()
                    );
                    return Ok(());
                }
            }
            let registered = match guild {
                Some(guild) => {
                    client
                        .overwrite_guild_commands(application, guild, &set)
                        .await?
                }
                None => client.overwrite_global_commands(application, &set).await?,
            };
            if out.is_json() {
                return print_json(&registered);
            }
            let names: Vec<String> = registered
                .iter()
                .map(|c| format!("{} ({})", c.definition.name, c.id))
                .collect();
            say!(
                "registered {} commands {scope} for application {application}: {}",
                registered.len(),
                names.join(", ")
            );
            Ok(())
        })
        .await
}

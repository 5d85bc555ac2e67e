#![doc = include_str!("../README.md")]

/// `println!` that ignores a closed stdout (`bugle demo | head` must not
/// panic): output nobody reads is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod backend;
mod cli;
mod commands;
mod config_file;
mod demo;
mod exit;
mod fake_server;
mod input;
mod output;
mod relay;
mod watch;
mod world;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::backend::Globals;
use crate::cli::{Cli, Command};
use crate::exit::{CliError, Exit};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, relay::log_style(&cli));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bugle: cannot start the async runtime: {error}");
            return ExitCode::from(Exit::Other.code());
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::from(Exit::Ok.code()),
        Err(error) => {
            eprintln!("bugle: {error}");
            ExitCode::from(error.exit().code())
        }
    }
}

/// Logs to stderr: warnings by default (`bugle relay`: info), more with
/// each `-v`; `RUST_LOG` (e.g. `bugle=trace`) overrides the flag; JSON lines
/// with `bugle relay --log-json`.
fn init_logging(verbose: u8, (json, quiet): (bool, Option<&'static str>)) {
    let default = match verbose {
        0 => quiet.unwrap_or("warn"),
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    if json {
        logs.json().init();
    } else {
        logs.init();
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let globals = Globals::of(&cli);
    globals.check()?;
    let out = Output::new(cli.json);
    match &cli.command {
        Command::Demo(args) => demo::run(args, &globals).await,
        Command::FakeDiscord(args) => fake_server::run(args, cli.json).await,
        Command::Webhook(command) => commands::webhook::run(command, &globals, out).await,
        Command::Message(command) => commands::message::run(command, &globals, out).await,
        Command::React(args) => commands::react::run(args, &globals, out).await,
        Command::Thread(command) => commands::thread::run(command, &globals, out).await,
        Command::Dm(command) => commands::dm::run(command, &globals, out).await,
        Command::Relay(args) => relay::run(args, &globals, cli.json).await,
        Command::Commands(command) => commands::app_commands::run(command, &globals, out).await,
    }
}

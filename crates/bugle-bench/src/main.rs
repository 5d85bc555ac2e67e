//! `bugle-bench`: the scenario runner (see the crate README).

use bugle_bench::compare::compare;
use bugle_bench::driver::ClientKind;
use bugle_bench::run::run_once;
use bugle_bench::scenario::Scenario;
use bugle_bench::server::serve_child;
use clap::{Parser, Subcommand};

/// Drives a Discord client against `FakeDiscord` on loopback and prints one JSON line per run.
#[derive(Debug, Parser)]
#[command(name = "bugle-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One run of one scenario with one client.
    Run {
        /// spread, one-channel, global, hostile, webhooks, throughput or many-buckets.
        #[arg(long)]
        scenario: Scenario,
        /// bugle or twilight (the latter needs the `twilight` feature).
        #[arg(long, default_value = "bugle")]
        client: ClientKind,
        /// Override the scenario's message count (the channel count for many-buckets).
        #[arg(long)]
        messages: Option<u64>,
    },
    /// Alternating runs of several clients and their medians.
    Compare {
        /// Scenarios, comma separated (default: all).
        #[arg(long, value_delimiter = ',')]
        scenario: Vec<Scenario>,
        /// Clients, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "bugle,twilight")]
        clients: Vec<ClientKind>,
        /// Runs per client.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Override the message count of every scenario.
        #[arg(long)]
        messages: Option<u64>,
    },
    /// `FakeDiscord` for a scenario (started by `run`; prints its port, reports on stdin).
    Serve {
        /// The scenario whose limits and faults to apply.
        #[arg(long)]
        scenario: Scenario,
        /// The message count override the run uses.
        #[arg(long)]
        messages: Option<u64>,
    },
}

/// The environment variable that turns diagnostics on: a `tracing` filter such as
/// `bugle_ratelimit=debug,bugle=debug`, logged to stderr with tokio-clock offsets.
const LOG_ENV: &str = "BUGLE_BENCH_LOG";

/// Logs `tracing` events to stderr when [`LOG_ENV`] holds a filter; off otherwise, so a
/// measured run pays nothing for it.
fn init_logging() {
    let Ok(filter) = std::env::var(LOG_ENV) else {
        return;
    };
    let filter = match tracing_subscriber::EnvFilter::try_new(&filter) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!("bugle-bench: ignoring {LOG_ENV}: {error}");
            return;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .with_ansi(false)
        .init();
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bugle-bench: cannot start the runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Run {
                scenario,
                client,
                messages,
            } => {
                let report = run_once(scenario, client, messages).await?;
                println!("{}", report.to_json_line());
                Ok(())
            }
            Command::Compare {
                scenario,
                clients,
                runs,
                messages,
            } => {
                let scenarios = if scenario.is_empty() {
                    Scenario::ALL.to_vec()
                } else {
                    scenario
                };
                for scenario in scenarios {
                    compare(scenario, &clients, runs, messages).await?;
                }
                Ok(())
            }
            Command::Serve { scenario, messages } => serve_child(&scenario.spec(messages))
                .await
                .map_err(|e| format!("fake discord failed: {e}")),
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bugle-bench: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

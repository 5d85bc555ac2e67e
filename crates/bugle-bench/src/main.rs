//! `bugle-bench`: the scenario runner (see the crate README).

use bugle_bench::compare::compare;
use bugle_bench::driver::ClientKind;
use bugle_bench::latency::measure_latency;
use bugle_bench::processes::{WorkerArgs, worker};
use bugle_bench::run::run_once;
use bugle_bench::scenario::{Latency, RunOptions, Scenario};
use bugle_bench::server::serve_child;
use clap::{Args, Parser, Subcommand};

/// Drives a Discord client against `FakeDiscord` on loopback and prints one JSON line per run.
#[derive(Debug, Parser)]
#[command(name = "bugle-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What every run can be asked for besides its scenario.
#[derive(Debug, Args)]
struct Options {
    /// Override the scenario's message count (the channel count for many-buckets).
    #[arg(long)]
    messages: Option<u64>,
    /// Override how many operations each client process keeps in flight.
    #[arg(long)]
    in_flight: Option<usize>,
    /// Delay every answer by this many milliseconds, drawn uniformly (`20..50`, or `30`).
    #[arg(long)]
    latency: Option<Latency>,
    /// foreign-load, multi-process: client processes sharing the workload (default 1; 4 for
    /// multi-process).
    #[arg(long)]
    processes: Option<usize>,
    /// foreign-load: add a sender on the same token that ignores limits, at this many
    /// creates per second (100 when no number is given) on the first 4 channels.
    #[arg(long, num_args = 0..=1, default_missing_value = "100")]
    foreign: Option<u32>,
    /// multi-process: every process keeps its limits to itself (no Redis), for contrast.
    #[arg(long)]
    no_shared: bool,
    /// multi-process: share limits on this Redis instead of a redis-server the run starts
    /// (the run's keys get a prefix of their own).
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// multi-process: kill the run's redis-server at this fraction of the minimum time
    /// (0.5: the midpoint).
    #[arg(long, value_name = "FRACTION")]
    kill_redis_at: Option<f64>,
}

impl Options {
    fn run_options(&self, scenario: Scenario) -> RunOptions {
        RunOptions {
            messages: self.messages,
            in_flight: self.in_flight,
            latency: self.latency,
            processes: self
                .processes
                .unwrap_or_else(|| scenario.default_processes())
                .max(1),
            foreign_rate: self.foreign,
            no_shared: self.no_shared,
            redis_url: self.redis.clone(),
            kill_redis_at: self.kill_redis_at,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One run of one scenario with one client.
    Run {
        /// spread, one-channel, global, hostile, webhooks, throughput, many-buckets,
        /// hidden-all, hostile-all, foreign-load, multi-process or latency.
        #[arg(long)]
        scenario: Scenario,
        /// bugle or twilight (the latter needs the `twilight` feature).
        #[arg(long, default_value = "bugle")]
        client: ClientKind,
        #[command(flatten)]
        options: Options,
    },
    /// Alternating runs of several clients and their medians.
    Compare {
        /// Scenarios, comma separated (default: every workload).
        #[arg(long, value_delimiter = ',')]
        scenario: Vec<Scenario>,
        /// Clients, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "bugle,twilight")]
        clients: Vec<ClientKind>,
        /// Runs per client.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[command(flatten)]
        options: Options,
    },
    /// The latency bugle adds to `send_message` and `execute_webhook` (p50, p99; 1 and 64
    /// in flight) over a bare HTTP/1.1 connection's, and the time from a 429's
    /// Retry-After running out to the next successful send.
    Latency {
        /// Requests per measurement (each of 2 operations × 2 concurrencies × 2 clients).
        #[arg(long, default_value_t = 5_000)]
        requests: u64,
        /// Delay every answer by this many milliseconds (`20..50`, or `30`).
        #[arg(long)]
        latency: Option<Latency>,
    },
    /// `FakeDiscord` for a scenario (started by `run`; prints its port, reports on stdin).
    #[command(hide = true)]
    Serve {
        /// The scenario whose limits and faults to apply.
        #[arg(long)]
        scenario: Scenario,
        /// The message count override the run uses.
        #[arg(long)]
        messages: Option<u64>,
        /// The delay to add to every answer.
        #[arg(long)]
        latency: Option<Latency>,
    },
    /// One client process of a split workload (started by `run`; prints `ready`, starts
    /// on a line on stdin, prints its figures).
    #[command(hide = true)]
    Worker {
        /// The scenario.
        #[arg(long)]
        scenario: Scenario,
        /// The client.
        #[arg(long)]
        client: ClientKind,
        /// `FakeDiscord`'s port.
        #[arg(long)]
        port: u16,
        /// This process's number, from 0.
        #[arg(long)]
        process: usize,
        /// How many processes share the workload.
        #[arg(long)]
        processes: usize,
        /// The scenario's minimum, seconds.
        #[arg(long)]
        minimum_s: f64,
        /// The message count override the run uses.
        #[arg(long)]
        messages: Option<u64>,
        /// The in-flight override the run uses.
        #[arg(long)]
        in_flight: Option<usize>,
        /// Share limits on the Redis named by `BUGLE_BENCH_WORKER_REDIS_URL`, keys under
        /// this prefix.
        #[arg(long)]
        redis_prefix: Option<String>,
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
                scenario: Scenario::Latency,
                options,
                ..
            } => measure_latency(5_000, options.latency).await.map(|line| {
                println!("{line}");
            }),
            Command::Run {
                scenario,
                client,
                options,
            } => {
                let report = run_once(scenario, client, &options.run_options(scenario)).await?;
                println!("{}", report.to_json_line());
                Ok(())
            }
            Command::Compare {
                scenario,
                clients,
                runs,
                options,
            } => {
                let scenarios = if scenario.is_empty() {
                    Scenario::WORKLOADS.to_vec()
                } else {
                    scenario
                };
                for scenario in scenarios {
                    compare(scenario, &clients, runs, &options.run_options(scenario)).await?;
                }
                Ok(())
            }
            Command::Latency { requests, latency } => {
                measure_latency(requests, latency).await.map(|line| {
                    println!("{line}");
                })
            }
            Command::Serve {
                scenario,
                messages,
                latency,
            } => {
                let options = RunOptions {
                    messages,
                    latency,
                    ..RunOptions::default()
                };
                serve_child(&options.spec(scenario))
                    .await
                    .map_err(|e| format!("fake discord failed: {e}"))
            }
            Command::Worker {
                scenario,
                client,
                port,
                process,
                processes,
                minimum_s,
                messages,
                in_flight,
                redis_prefix,
            } => {
                let args = WorkerArgs {
                    scenario,
                    client,
                    port,
                    process,
                    processes,
                    minimum_s,
                };
                let options = RunOptions {
                    messages,
                    in_flight,
                    ..RunOptions::default()
                };
                worker(args, &options, redis_prefix.as_deref()).await
            }
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

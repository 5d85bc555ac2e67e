//! Runs that split the workload between several client processes on one token, with no
//! shared state (`foreign-load`, issue 13 case d): what replicas of one bot do today; or
//! sharing their limits through Redis (`multi-process`, issue 10).
//!
//! The parent starts `FakeDiscord` (`bugle-bench serve`) and N workers (`bugle-bench
//! worker`, the same binary), each of which builds its client and says it is ready. When
//! all are, the parent starts the foreign sender (if asked) and tells every worker to go
//! in the same instant. Each worker runs its share of the jobs ([`Spec::share`](crate::scenario::Spec::share): every
//! process posts to every channel) and prints its figures as one JSON line
//! ([`ProcessReport`]); the parent adds `FakeDiscord`'s count of each share's delivered
//! messages and duplicates and prints one [`RunReport`] with the totals and every
//! process's figures.
//!
//! With shared limits the parent also starts a redis-server on a free loopback port
//! ([`RedisServer`]; or uses `--redis URL`), hands its URL to every worker in
//! [`WORKER_REDIS_URL_ENV`] (never on a command line) with a key prefix of the run's own,
//! and each worker connects its `RedisStore` before it says it is ready. With
//! `--kill-redis-at F` the parent kills that redis-server F × the minimum after the start.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use bugle_ratelimit_redis::RedisStore;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::driver::{ClientKind, Driver};
use crate::foreign::ForeignSender;
use crate::observe::Observer;
use crate::redis_server::RedisServer;
use crate::report::{ClientSide, ProcessReport, RunReport};
use crate::run::{deadline, run_workload};
use crate::scenario::{RunOptions, Scenario};
use crate::server::{ReportRequest, ServerProcess, ServerReport};

/// The environment variable that gives a worker the Redis URL to share its limits on
/// (kept off the command line, where other users of the machine could read a password).
pub const WORKER_REDIS_URL_ENV: &str = "BUGLE_BENCH_WORKER_REDIS_URL";

/// The most a process may take, as a multiple of the minimum (issue 13's target).
pub const SLOWEST_ALLOWED: f64 = 1.5;

/// Where a worker process is to send, and which share it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerArgs {
    /// The scenario.
    pub scenario: Scenario,
    /// The client it drives.
    pub client: ClientKind,
    /// `FakeDiscord`'s loopback port.
    pub port: u16,
    /// Its number, from 0.
    pub process: usize,
    /// How many processes share the workload.
    pub processes: usize,
    /// The scenario's minimum, seconds (for its deadline).
    pub minimum_s: f64,
}

/// The `worker` subcommand: builds the client (with its limits shared on the Redis named
/// by [`WORKER_REDIS_URL_ENV`] under `redis_prefix`, when given), prints `ready`, waits
/// for a line on stdin, runs its share and prints its [`ProcessReport`].
///
/// # Errors
///
/// When Redis does not answer, the client cannot be built or stdin closes before the
/// start.
pub async fn worker(
    args: WorkerArgs,
    options: &RunOptions,
    redis_prefix: Option<&str>,
) -> Result<(), String> {
    let spec = options.spec(args.scenario);
    let shared = match redis_prefix {
        Some(prefix) => {
            let url = std::env::var(WORKER_REDIS_URL_ENV).map_err(|_| {
                format!("a worker with --redis-prefix needs {WORKER_REDIS_URL_ENV}")
            })?;
            let store = RedisStore::connect(url, prefix)
                .await
                .map_err(|e| e.to_string())?;
            Some(store)
        }
        None => None,
    };
    let observer = (args.client == ClientKind::Bugle).then(|| Observer::new(false));
    let driver = Arc::new(Driver::observed(
        args.client,
        &spec,
        args.port,
        observer.clone(),
        shared,
    )?);
    println!("ready");
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    stdin
        .next_line()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("stdin closed before the start")?;
    let share = spec.share(args.process, args.processes);
    let jobs = share.end - share.start;
    let limit = deadline(Duration::from_secs_f64(args.minimum_s), jobs);
    let (side, _, _) = run_workload(&spec, share, driver.clone(), limit, false).await;
    // The last completions reach Redis before the process exits: one lost at exit would
    // hold its bucket's place for the other processes until its lease ends.
    driver.flush().await;
    let report = ProcessReport {
        process: args.process,
        client: args.client.name().to_owned(),
        jobs,
        creates_ok: side.creates_ok,
        failed: side.failed,
        deadline_hit: side.deadline_hit,
        wall_s: side.wall_s,
        rate_limited_seen: observer.map(|o| o.rate_limits()),
        cpu_s: side.cpu_s,
        peak_rss_kib: side.peak_rss_kib,
        ..ProcessReport::default()
    };
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// The parent's handle on one worker.
#[derive(Debug)]
struct WorkerProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

/// The Redis a run's workers share their limits on.
#[derive(Debug, Clone)]
struct SharedRedis {
    url: String,
    prefix: String,
}

impl WorkerProcess {
    async fn start(
        args: WorkerArgs,
        options: &RunOptions,
        shared: Option<&SharedRedis>,
    ) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut command = Command::new(exe);
        command.args([
            "worker",
            "--scenario",
            args.scenario.name(),
            "--client",
            args.client.name(),
            "--port",
            &args.port.to_string(),
            "--process",
            &args.process.to_string(),
            "--processes",
            &args.processes.to_string(),
            "--minimum-s",
            &args.minimum_s.to_string(),
        ]);
        if let Some(n) = options.messages {
            command.args(["--messages", &n.to_string()]);
        }
        if let Some(n) = options.in_flight {
            command.args(["--in-flight", &n.to_string()]);
        }
        if let Some(shared) = shared {
            command.args(["--redis-prefix", &shared.prefix]);
            command.env(WORKER_REDIS_URL_ENV, &shared.url);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start worker {}: {e}", args.process))?;
        let stdin = child.stdin.take().ok_or("a worker has no stdin")?;
        let stdout = child.stdout.take().ok_or("a worker has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        match lines.next_line().await {
            Ok(Some(line)) if line == "ready" => Ok(Self {
                child,
                stdin,
                lines,
            }),
            other => Err(format!("worker {} did not start: {other:?}", args.process)),
        }
    }

    async fn go(&mut self) -> Result<(), String> {
        self.stdin
            .write_all(b"go\n")
            .await
            .map_err(|e| e.to_string())?;
        self.stdin.flush().await.map_err(|e| e.to_string())
    }

    async fn report(mut self) -> Result<ProcessReport, String> {
        let line = self
            .lines
            .next_line()
            .await
            .map_err(|e| e.to_string())?
            .ok_or("a worker exited without its report")?;
        let report = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        drop(self.stdin);
        let _ = self.child.wait().await;
        Ok(report)
    }
}

/// A run of `scenario` split between `options.processes` processes of `client`, with the
/// foreign sender if `options.foreign_rate` is set.
///
/// # Errors
///
/// When `FakeDiscord` or a worker cannot be started, or a worker prints no report.
pub async fn run_processes(
    scenario: Scenario,
    client: ClientKind,
    options: &RunOptions,
) -> Result<RunReport, String> {
    let spec = options.spec(scenario);
    if options.kill_redis_at.is_some() && options.redis_url.is_some() {
        return Err(
            "--kill-redis-at kills the redis-server the run starts; leave out --redis".into(),
        );
    }
    let server = ServerProcess::start(scenario, options)
        .await
        .map_err(|e| format!("cannot start fake discord: {e}"))?;
    let ready = server.ready().clone();
    let (redis, sharing) = if options.shares_limits(scenario) {
        let (redis, sharing) = SharedRedis::start(options, ready.port).await?;
        (redis, Some(sharing))
    } else {
        (None, None)
    };
    let processes = options.processes.max(1);
    let mut workers = Vec::with_capacity(processes);
    for process in 0..processes {
        let args = WorkerArgs {
            scenario,
            client,
            port: ready.port,
            process,
            processes,
            minimum_s: ready.minimum_s,
        };
        workers.push(WorkerProcess::start(args, options, sharing.as_ref()).await?);
    }
    let foreign = options
        .foreign_rate
        .map(|rate| ForeignSender::start(ready.port, rate));
    for worker in &mut workers {
        worker.go().await?;
    }
    let kill_at = options
        .kill_redis_at
        .map(|fraction| Duration::from_secs_f64(ready.minimum_s * fraction.max(0.0)));
    let (done, killer) = kill_redis_later(redis, kill_at);
    let mut reports = collect_reports(workers).await?;
    let _ = done.send(());
    let (redis, redis_killed_at_s) = killer.await.map_err(|e| e.to_string())??;
    if let Some(redis) = redis {
        redis.stop().await?;
    }
    let foreign = match foreign {
        Some(sender) => Some(sender.stop().await),
        None => None,
    };
    let shares = (0..processes)
        .map(|p| {
            let share = spec.share(p, processes);
            (share.start, share.end)
        })
        .collect();
    let request = ReportRequest {
        shares,
        rate_limited_routes: scenario == Scenario::MultiProcess,
        ..ReportRequest::default()
    };
    let server_report = server.finish(&request).await?;
    let side = totals(&reports);
    let mut report = RunReport::new(
        scenario.name(),
        client.name(),
        ready.minimum_s,
        side,
        &server_report,
    );
    for (process, share) in reports.iter_mut().zip(&server_report.shares) {
        process.delivered = Some(share.delivered);
        process.duplicates = Some(share.duplicates);
        process.over_ideal = (ready.minimum_s > 0.0).then(|| process.wall_s / ready.minimum_s);
    }
    report.slowest_over_ideal = reports
        .iter()
        .filter_map(|r| r.over_ideal)
        .max_by(f64::total_cmp);
    report.within_1_5x_ideal = report
        .slowest_over_ideal
        .map(|slowest| slowest <= SLOWEST_ALLOWED);
    report.fastest_process_s = reports.iter().map(|r| r.wall_s).min_by(f64::total_cmp);
    report.processes = reports;
    report.foreign = foreign;
    report.latency_ms = options.latency.map(|l| l.to_string());
    if scenario == Scenario::MultiProcess {
        multi_process_figures(
            &mut report,
            sharing.is_some(),
            redis_killed_at_s,
            server_report,
        );
    }
    Ok(report)
}

/// Every worker's report, in the order of their numbers.
async fn collect_reports(workers: Vec<WorkerProcess>) -> Result<Vec<ProcessReport>, String> {
    let mut pending = JoinSet::new();
    let mut reports = Vec::with_capacity(workers.len());
    for worker in workers {
        pending.spawn(worker.report());
    }
    while let Some(joined) = pending.join_next().await {
        reports.push(joined.map_err(|e| e.to_string())??);
    }
    reports.sort_by_key(|r| r.process);
    Ok(reports)
}

/// The figures only `multi-process` reports: how limits were shared, when Redis was
/// killed, and the 429s by route (the webhook's apart).
fn multi_process_figures(
    report: &mut RunReport,
    shared: bool,
    redis_killed_at_s: Option<f64>,
    server: ServerReport,
) {
    report.shared_limits = Some(if shared { "redis" } else { "none" }.to_owned());
    report.redis_killed_at_s = redis_killed_at_s;
    report.webhook_rate_limited = Some(
        server
            .rate_limited_routes
            .iter()
            .filter(|r| r.route == "ExecuteWebhook")
            .map(|r| r.count)
            .sum(),
    );
    report.rate_limited_routes = server.rate_limited_routes;
}

impl SharedRedis {
    /// The Redis of `options` (`--redis`), or a redis-server started for the run (returned
    /// too, to be stopped or killed), with a key prefix of the run's own (`port` is
    /// `FakeDiscord`'s, unique on this machine while the run lasts).
    async fn start(options: &RunOptions, port: u16) -> Result<(Option<RedisServer>, Self), String> {
        let prefix = format!("bugle-bench-{}-{port}", std::process::id());
        if let Some(url) = &options.redis_url {
            return Ok((
                None,
                Self {
                    url: url.clone(),
                    prefix,
                },
            ));
        }
        let redis = RedisServer::start().await?;
        let url = redis.url();
        Ok((Some(redis), Self { url, prefix }))
    }
}

/// What the killer task hands back: the redis-server (to stop), and when it was killed.
type Killed = Result<(Option<RedisServer>, Option<f64>), String>;

/// Holds the run's redis-server and kills it `at` after now (when both are given), unless
/// the sender returned is used first (the run ended).
fn kill_redis_later(
    redis: Option<RedisServer>,
    at: Option<Duration>,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<Killed>) {
    let (done, ended) = oneshot::channel::<()>();
    let started = Instant::now();
    let task = tokio::spawn(async move {
        let Some(at) = at else {
            return Ok((redis, None));
        };
        let Some(mut redis) = redis else {
            return Ok((None, None));
        };
        tokio::select! {
            () = tokio::time::sleep(at) => {
                redis.kill().await?;
                let killed_at = started.elapsed().as_secs_f64();
                eprintln!("bugle-bench: killed redis-server {killed_at:.2} s after the start");
                Ok((Some(redis), Some(killed_at)))
            }
            _ = ended => Ok((Some(redis), None)),
        }
    });
    (done, task)
}

/// The client side of the whole run: sums, the slowest wall time, the largest RSS.
pub fn totals(reports: &[ProcessReport]) -> ClientSide {
    ClientSide {
        messages_sent: reports.iter().map(|r| r.jobs).sum(),
        operations: reports.iter().map(|r| r.jobs).sum(),
        failed: reports.iter().map(|r| r.failed).sum(),
        creates_ok: reports.iter().map(|r| r.creates_ok).sum(),
        deadline_hit: reports.iter().any(|r| r.deadline_hit),
        wall_s: reports.iter().map(|r| r.wall_s).fold(0.0, f64::max),
        cpu_s: reports.iter().map(|r| r.cpu_s).sum(),
        peak_rss_kib: reports.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0),
        rss_samples_kib: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_the_processes_and_keep_the_slowest_wall_time() {
        let one = |process, wall_s, failed| ProcessReport {
            process,
            jobs: 100,
            creates_ok: 100 - failed,
            failed,
            wall_s,
            cpu_s: 0.5,
            peak_rss_kib: 1_000 * (process as u64 + 1),
            ..ProcessReport::default()
        };
        let side = totals(&[one(0, 16.1, 0), one(1, 30.5, 3), one(2, 16.0, 0)]);
        assert_eq!(side.messages_sent, 300);
        assert_eq!(side.creates_ok, 297);
        assert_eq!(side.failed, 3);
        assert!((side.wall_s - 30.5).abs() < 1e-9);
        assert!((side.cpu_s - 1.5).abs() < 1e-9);
        assert_eq!(side.peak_rss_kib, 3_000);
    }
}

//! `FakeDiscord` in a child process (`bugle-bench serve`), so the client process's CPU and
//! memory figures are the client's alone.
//!
//! The child prints one JSON line ([`ServeReady`]: its port and the scenario's theoretical
//! minimum), then answers each [`ReportRequest`] line on its stdin with a [`ServerReport`]
//! line, and exits when its stdin closes.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::Stdio;

use bugle_sim::fake::{
    BucketRule, Counters, Delay, FakeDiscord, FakeRateLimits, FaultConfig, MESSAGES_BUCKET,
    RequestRecord, RouteKind, SharedLimit, Sublimit, WEBHOOKS_BUCKET,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::ideal::scenario_minimum;
use crate::minimum::WindowShape;
use crate::scenario::{Faults, RunOptions, Scenario, Spec, tag_of};

/// The bot token the benchmark's `FakeDiscord` accepts.
pub const BENCH_BOT_TOKEN: &str = "bench-bot-token-0123456789";

/// The child's first line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServeReady {
    /// The loopback port `FakeDiscord` listens on.
    pub port: u16,
    /// The scenario's theoretical minimum, seconds.
    pub minimum_s: f64,
}

/// What the parent asks for after the workload.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReportRequest {
    /// Tags of the messages the client deleted (they no longer show in the channels).
    pub deleted_tags: Vec<u64>,
    /// Ranges of job tags (one per client process) to count delivered messages and
    /// duplicates for, each `[start, end)`.
    #[serde(default)]
    pub shares: Vec<(u64, u64)>,
    /// Whether to break the 429s down by route and second ([`ServerReport::rate_limited_routes`]).
    #[serde(default)]
    pub rate_limited_routes: bool,
}

/// The 429s `FakeDiscord` answered on one route, from its request log, timed from the
/// first request it received (the run's start, give or take a round trip).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RouteRateLimits {
    /// The route (`FakeDiscord`'s `RouteKind`, as its `Debug` spells it).
    pub route: String,
    /// How many.
    pub count: u64,
    /// The first one, milliseconds from the first request.
    pub first_ms: u64,
    /// The last one, milliseconds from the first request.
    pub last_ms: u64,
    /// `[second, count]` for every second of the run (from the first request) that had
    /// any, in order.
    pub per_second: Vec<(u64, u64)>,
}

/// [`RouteRateLimits`] for every route that had a 429, in order of their first.
pub fn rate_limited_routes(log: &[RequestRecord]) -> Vec<RouteRateLimits> {
    let Some(start) = log.iter().map(|r| r.at).min() else {
        return Vec::new();
    };
    let mut routes: Vec<RouteRateLimits> = Vec::new();
    let limited = log
        .iter()
        .filter(|r| r.status == Some(http::StatusCode::TOO_MANY_REQUESTS));
    for record in limited {
        let name = record
            .route
            .map_or_else(|| "unmatched".to_owned(), |route| format!("{route:?}"));
        let at = u64::try_from(record.at.saturating_sub(start).as_millis()).unwrap_or(u64::MAX);
        let index = routes
            .iter()
            .position(|r| r.route == name)
            .unwrap_or_else(|| {
                routes.push(RouteRateLimits {
                    route: name,
                    first_ms: at,
                    last_ms: at,
                    ..RouteRateLimits::default()
                });
                routes.len() - 1
            });
        let entry = &mut routes[index];
        entry.count += 1;
        entry.first_ms = entry.first_ms.min(at);
        entry.last_ms = entry.last_ms.max(at);
        let second = at / 1_000;
        match entry.per_second.last_mut() {
            Some((s, n)) if *s == second => *n += 1,
            _ => entry.per_second.push((second, 1)),
        }
    }
    routes
}

/// Delivered messages and duplicates of one range of job tags, from the channels' content.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShareCount {
    /// Distinct workload messages of the range found in the channels.
    pub delivered: u64,
    /// Messages of the range found beyond one per tag.
    pub duplicates: u64,
}

/// `FakeDiscord`'s own account of the run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServerReport {
    /// `FakeDiscord`'s counters (requests, 429s by scope, bans, invalid requests,
    /// faults, messages created), flattened into the JSON object.
    #[serde(flatten)]
    pub counters: Counters,
    /// Distinct workload messages found (surviving in the channels, or deleted by the
    /// client); `None` when the scenario has too many channels to read back.
    pub distinct_delivered: Option<u64>,
    /// Messages a foreign sender created (content not a workload tag); they are neither
    /// delivered workload messages nor duplicates.
    #[serde(default)]
    pub foreign_messages: u64,
    /// One count per range of [`ReportRequest::shares`], in order.
    #[serde(default)]
    pub shares: Vec<ShareCount>,
    /// The 429s by route and second, when [`ReportRequest::rate_limited_routes`] asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limited_routes: Vec<RouteRateLimits>,
    /// The serving process's CPU milliseconds (user + system, all threads) up to the
    /// report: on these 2-core machines the server and the client share the CPU, so a
    /// client whose requests cost the server more is slower at the same client CPU.
    #[serde(default)]
    pub cpu_ms: u64,
}

/// The environment variable naming a file the child writes `FakeDiscord`'s request log to
/// when it reports (CSV: arrival in milliseconds from the fake's start, method, path with
/// webhook tokens redacted, status or `dropped`). Unset: nothing is written.
pub const REQUEST_LOG_ENV: &str = "BUGLE_BENCH_REQUEST_LOG";

/// When set (to anything), `FakeDiscord` injects no faults whatever the scenario says: a
/// diagnostic, to tell what the faults cost from what the limits do (the JSON line's
/// `faults_injected` then reads 0).
pub const NO_FAULTS_ENV: &str = "BUGLE_BENCH_NO_FAULTS";

/// `FakeDiscord`'s request log as CSV, one request a line, in order of arrival.
pub fn request_log_csv(fake: &FakeDiscord) -> String {
    let mut out = String::from("at_ms,method,path,status\n");
    for record in fake.request_log() {
        let status = record
            .status
            .map_or_else(|| "dropped".to_owned(), |s| s.as_u16().to_string());
        let _ = writeln!(
            out,
            "{},{},{},{status}",
            record.at.as_millis(),
            record.method,
            record.path
        );
    }
    out
}

/// `FakeDiscord` configured for `spec`.
pub fn build_fake(spec: &Spec) -> FakeDiscord {
    let mut faults = FaultConfig::none()
        .error_before(spec.faults.error_before)
        .error_after(spec.faults.error_after)
        .drop_before(spec.faults.drop_before)
        .drop_after(spec.faults.drop_after);
    if let Some(latency) = spec.latency {
        faults = faults.delay(Delay::Uniform {
            min: latency.min,
            max: latency.max,
        });
    }
    let mut builder = FakeDiscord::builder()
        .bot_token(BENCH_BOT_TOKEN)
        .seed(6)
        .auto_create_channels(true)
        .rate_limits(rate_limits(spec))
        .faults(faults);
    for n in 0..spec.webhooks {
        let (id, token, channel) = Spec::webhook(n);
        builder = builder.webhook(channel, id, token);
    }
    builder.build()
}

fn rate_limits(spec: &Spec) -> FakeRateLimits {
    let limits = &spec.buckets;
    if !limits.enabled {
        return FakeRateLimits::disabled();
    }
    let mut config = FakeRateLimits::discord_defaults()
        .without_sublimits()
        .global_per_second(limits.global_per_second)
        .ip_global_per_second(limits.global_per_second)
        .bucket(BucketRule::new(
            MESSAGES_BUCKET,
            limits.messages.0,
            limits.messages.1,
            [
                RouteKind::CreateMessage,
                RouteKind::EditMessage,
                RouteKind::DeleteMessage,
            ],
        ))
        .bucket(BucketRule::new(
            WEBHOOKS_BUCKET,
            limits.webhooks.0,
            limits.webhooks.1,
            [
                RouteKind::ExecuteWebhook,
                RouteKind::GetWebhook,
                RouteKind::GetWebhookMessage,
                RouteKind::EditWebhookMessage,
                RouteKind::DeleteWebhookMessage,
            ],
        ));
    for hidden in &limits.sublimits {
        config = config.sublimit(match hidden.shape {
            WindowShape::Fixed => Sublimit::new(hidden.route, hidden.limit, hidden.window),
            WindowShape::Sliding => Sublimit::sliding(hidden.route, hidden.limit, hidden.window),
        });
    }
    for &(route, n, window) in &limits.shared {
        config = config.shared(SharedLimit::new(route, n, window));
    }
    config
}

/// `FakeDiscord`'s report, reading the channels back when the scenario allows, with this
/// process's CPU so far (the serving process's, when the child calls it).
pub fn report(fake: &FakeDiscord, spec: &Spec, request: &ReportRequest) -> ServerReport {
    let counters = fake.counters();
    let mut foreign_messages = 0;
    let mut copies: HashMap<u64, u64> = HashMap::new();
    let distinct_delivered = spec.checks_content().then(|| {
        let mut found: HashSet<u64> = request
            .deleted_tags
            .iter()
            .copied()
            .filter(|&t| t < spec.jobs)
            .collect();
        for n in 0..spec.channels {
            for message in fake.messages(Spec::channel_id(n)) {
                match tag_of(&message.content).filter(|&t| t < spec.jobs) {
                    Some(tag) => {
                        found.insert(tag);
                        *copies.entry(tag).or_default() += 1;
                    }
                    None => foreign_messages += 1,
                }
            }
        }
        found.len() as u64
    });
    let shares = request
        .shares
        .iter()
        .map(|&(start, end)| {
            let mut share = ShareCount::default();
            for (_, &n) in copies.iter().filter(|(t, _)| (start..end).contains(*t)) {
                share.delivered += 1;
                share.duplicates += n - 1;
            }
            share
        })
        .collect();
    let rate_limited_routes = if request.rate_limited_routes {
        rate_limited_routes(&fake.request_log())
    } else {
        Vec::new()
    };
    ServerReport {
        counters,
        distinct_delivered,
        foreign_messages,
        shares,
        rate_limited_routes,
        cpu_ms: own_cpu_ms(),
    }
}

/// The `serve` subcommand: `FakeDiscord` for `spec` on loopback until stdin closes.
///
/// # Errors
///
/// I/O errors binding the port or talking over stdin and stdout.
pub async fn serve_child(spec: &Spec) -> std::io::Result<()> {
    let minimum = scenario_minimum(spec);
    let mut spec = spec.clone();
    if std::env::var_os(NO_FAULTS_ENV).is_some() {
        spec.faults = Faults::default();
    }
    let spec = &spec;
    let fake = build_fake(spec);
    let handle = fake.serve(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let ready = ServeReady {
        port: handle.local_addr().port(),
        minimum_s: minimum.as_secs_f64(),
    };
    let mut stdout = tokio::io::stdout();
    write_line(&mut stdout, &ready).await?;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let request: ReportRequest = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        let report = report(&fake, spec, &request);
        if let Some(path) = std::env::var_os(REQUEST_LOG_ENV) {
            std::fs::write(path, request_log_csv(&fake))?;
        }
        write_line(&mut stdout, &report).await?;
    }
    handle.shutdown().await;
    Ok(())
}

/// This process's CPU so far, whole milliseconds.
fn own_cpu_ms() -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // non-negative, small
    let ms = (crate::procstat::own_cpu_seconds() * 1e3).round() as u64;
    ms
}

async fn write_line<W: AsyncWriteExt + Unpin>(
    out: &mut W,
    value: &impl Serialize,
) -> std::io::Result<()> {
    let mut text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    text.push('\n');
    out.write_all(text.as_bytes()).await?;
    out.flush().await
}

/// The parent's handle on a `FakeDiscord` child process.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    ready: ServeReady,
}

impl ServerProcess {
    /// Starts `bugle-bench serve` for `scenario` (with the message count and injected
    /// latency of `options`) and waits for its port.
    ///
    /// # Errors
    ///
    /// When the child cannot be started or does not announce its port.
    pub async fn start(scenario: Scenario, options: &RunOptions) -> std::io::Result<Self> {
        let mut command = Command::new(std::env::current_exe()?);
        command.args(["serve", "--scenario", scenario.name()]);
        if let Some(n) = options.messages {
            command.args(["--messages", &n.to_string()]);
        }
        if let Some(latency) = options.latency {
            command.args(["--latency", &latency.to_string()]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let stdin = child.stdin.take().ok_or_else(|| missing("stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| missing("stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let line = lines
            .next_line()
            .await?
            .ok_or_else(|| missing("port line"))?;
        let ready = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        Ok(Self {
            child,
            stdin,
            lines,
            ready,
        })
    }

    /// The port and minimum the child announced.
    pub fn ready(&self) -> &ServeReady {
        &self.ready
    }

    /// `FakeDiscord`'s report after the workload.
    ///
    /// # Errors
    ///
    /// When the child does not answer.
    pub async fn report(&mut self, request: &ReportRequest) -> std::io::Result<ServerReport> {
        write_line(&mut self.stdin, request).await?;
        let line = self
            .lines
            .next_line()
            .await?
            .ok_or_else(|| missing("report line"))?;
        serde_json::from_str(&line).map_err(std::io::Error::other)
    }

    /// Asks for the final report, then stops the child: the end of every run.
    ///
    /// # Errors
    ///
    /// A message naming which of the two failed.
    pub async fn finish(mut self, request: &ReportRequest) -> Result<ServerReport, String> {
        let report = self
            .report(request)
            .await
            .map_err(|e| format!("no report from fake discord: {e}"))?;
        self.stop()
            .await
            .map_err(|e| format!("fake discord did not stop: {e}"))?;
        Ok(report)
    }

    /// Closes the child's stdin and waits for it to exit.
    ///
    /// # Errors
    ///
    /// When waiting fails.
    pub async fn stop(self) -> std::io::Result<()> {
        let Self {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        child.wait().await.map(drop)
    }
}

fn missing(what: &str) -> std::io::Error {
    std::io::Error::other(format!("the fake discord child process closed its {what}"))
}

//! The scenarios of issues 6 and 13, each a workload plus the limits and faults
//! `FakeDiscord` applies.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use bugle_sim::fake::RouteKind;

use crate::minimum::WindowShape;

/// First channel id used by the workloads (ids are `CHANNEL_BASE + n`).
pub const CHANNEL_BASE: u64 = 100_000;
/// First webhook id used by the webhook workload.
pub const WEBHOOK_BASE: u64 = 900_000;

/// `hostile`: how many rounds each channel edits the message it created.
pub const HOSTILE_EDIT_ROUNDS: u64 = 5;
/// `hostile`: how many rounds each channel deletes it after that.
pub const HOSTILE_DELETE_ROUNDS: u64 = 3;
/// `hostile`: how many rounds channel 0 edits ahead of the others. Ten rounds of five
/// requests per window put the others' first edit two bucket windows (10 s) after the
/// start, one window after channel 0's third edit meets the sublimit.
pub const HOSTILE_LEAD_ROUNDS: u64 = 10;

/// A named scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// 400 creates over 20 channels, 50 in flight, Discord's default limits.
    Spread,
    /// 50 concurrent creates to one channel (5 per 5 s).
    OneChannel,
    /// 2,000 creates over 400 channels: the 50/s global limit binds.
    Global,
    /// `spread` with edits and deletes in the create bucket, a hidden sublimit, a shared
    /// limit, 2% 5xx and 1% dropped connections. Channel 0 edits and deletes first; the
    /// other channels follow [`HOSTILE_LEAD_ROUNDS`] rounds later.
    Hostile,
    /// 300 webhook executes over 3 webhooks with a hidden per-webhook sublimit.
    Webhooks,
    /// 20,000 creates with the limits lifted: client overhead.
    Throughput,
    /// 20,000 creates over 20 channels, 64 in flight, every answer announcing limits too
    /// large to wait for (1,000,000 per second): client overhead with known buckets, as
    /// against Discord (issue 13, case c).
    ThroughputAnnounced,
    /// 1,000,000 distinct channels, one create each: memory under eviction.
    ManyBuckets,
    /// `spread` (20 channels × 20 creates, 50 in flight) where creates also meet a hidden
    /// sublimit of 12 per 15 s per channel, a sliding window, and every channel meets it
    /// at once (issue 13, case a).
    HiddenAll,
    /// `hidden-all` plus a shared limit of 15 per 20 s per channel on creates and 2% 5xx,
    /// half of them after the message was stored (issue 13, case b).
    HostileAll,
    /// `spread` split evenly between several client processes with no shared state,
    /// started together against one `FakeDiscord`, optionally with a foreign sender that
    /// ignores limits on the same token (issue 13, case d).
    ForeignLoad,
    /// 2,000 creates over 40 channels and a burst of 80 executes on one webhook (sent at
    /// the start, beside the creates), split between [`MULTI_PROCESS_DEFAULT_PROCESSES`]
    /// client processes that share their limits through Redis (issue 10).
    MultiProcess,
    /// Not a workload: the latency bugle adds to `send_message` and `execute_webhook`,
    /// and the time it takes to send again after a 429 (the `latency` subcommand).
    Latency,
}

impl Scenario {
    /// Every scenario, in the issues' order.
    pub const ALL: [Scenario; 13] = [
        Self::Spread,
        Self::OneChannel,
        Self::Global,
        Self::Hostile,
        Self::Webhooks,
        Self::Throughput,
        Self::ThroughputAnnounced,
        Self::ManyBuckets,
        Self::HiddenAll,
        Self::HostileAll,
        Self::ForeignLoad,
        Self::MultiProcess,
        Self::Latency,
    ];

    /// The scenarios `compare` runs when none is named: every workload (`latency` is a
    /// measurement of its own, with its own subcommand).
    pub const WORKLOADS: [Scenario; 12] = [
        Self::Spread,
        Self::OneChannel,
        Self::Global,
        Self::Hostile,
        Self::Webhooks,
        Self::Throughput,
        Self::ThroughputAnnounced,
        Self::ManyBuckets,
        Self::HiddenAll,
        Self::HostileAll,
        Self::ForeignLoad,
        Self::MultiProcess,
    ];

    /// The name used on the command line and in the JSON lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::Spread => "spread",
            Self::OneChannel => "one-channel",
            Self::Global => "global",
            Self::Hostile => "hostile",
            Self::Webhooks => "webhooks",
            Self::Throughput => "throughput",
            Self::ThroughputAnnounced => "throughput-announced",
            Self::ManyBuckets => "many-buckets",
            Self::HiddenAll => "hidden-all",
            Self::HostileAll => "hostile-all",
            Self::ForeignLoad => "foreign-load",
            Self::MultiProcess => "multi-process",
            Self::Latency => "latency",
        }
    }

    /// The workload and limits, with the issue's message count unless `messages` overrides
    /// it (for `many-buckets` it is the channel count).
    pub fn spec(self, messages: Option<u64>) -> Spec {
        let secs = Duration::from_secs;
        let base = Spec {
            scenario: self,
            jobs: 0,
            channels: 1,
            webhooks: 0,
            concurrency: 50,
            buckets: ServerLimits::discord_defaults(),
            faults: Faults::default(),
            latency: None,
            client_global_per_second: None,
            client_eviction_ttl: None,
            execute_every: 0,
            burst_executes: false,
        };
        let spec = match self {
            Self::Spread | Self::ForeignLoad => Spec {
                jobs: 400,
                channels: 20,
                ..base
            },
            Self::OneChannel => Spec {
                jobs: 50,
                channels: 1,
                ..base
            },
            Self::Global => Spec {
                jobs: 2_000,
                channels: 400,
                concurrency: 100,
                ..base
            },
            Self::Hostile => Spec {
                jobs: 400,
                channels: 20,
                buckets: ServerLimits {
                    sublimits: vec![HiddenLimit::fixed(RouteKind::EditMessage, 2, secs(10))],
                    shared: vec![(RouteKind::DeleteMessage, 1, secs(2))],
                    ..ServerLimits::discord_defaults()
                },
                faults: Faults {
                    error_before: 0.01,
                    error_after: 0.01,
                    drop_before: 0.005,
                    drop_after: 0.005,
                },
                ..base
            },
            Self::Webhooks => Spec {
                jobs: 300,
                channels: 3,
                webhooks: 3,
                concurrency: 30,
                buckets: ServerLimits {
                    sublimits: vec![HiddenLimit::fixed(RouteKind::ExecuteWebhook, 30, secs(20))],
                    ..ServerLimits::discord_defaults()
                },
                execute_every: 1,
                ..base
            },
            Self::Throughput => Spec {
                jobs: 20_000,
                channels: 100,
                concurrency: 64,
                buckets: ServerLimits::lifted(),
                client_global_per_second: Some(1_000_000),
                ..base
            },
            Self::ThroughputAnnounced => Spec {
                jobs: 20_000,
                channels: 20,
                concurrency: 64,
                buckets: ServerLimits::announced_but_lifted(),
                client_global_per_second: Some(1_000_000),
                ..base
            },
            Self::ManyBuckets => Spec {
                jobs: 1_000_000,
                channels: 1_000_000,
                concurrency: 64,
                buckets: ServerLimits {
                    global_per_second: 1_000_000,
                    ..ServerLimits::discord_defaults()
                },
                client_global_per_second: Some(1_000_000),
                client_eviction_ttl: Some(secs(10)),
                ..base
            },
            Self::MultiProcess => multi_process_spec(&base),
            Self::HiddenAll | Self::HostileAll | Self::Latency => self.issue_13_spec(base),
        };
        match messages {
            None => spec,
            Some(n) => spec.scaled(n),
        }
    }

    /// How many client processes the scenario runs when `--processes` does not say: 4 for
    /// `multi-process`, 1 elsewhere.
    pub fn default_processes(self) -> usize {
        match self {
            Self::MultiProcess => MULTI_PROCESS_DEFAULT_PROCESSES,
            _ => 1,
        }
    }

    /// The specs of issue 13's scenarios that differ from `spread` in their limits.
    fn issue_13_spec(self, base: Spec) -> Spec {
        let secs = Duration::from_secs;
        match self {
            Self::HiddenAll => Spec {
                jobs: 400,
                channels: 20,
                buckets: ServerLimits::hidden_all(),
                ..base
            },
            Self::HostileAll => Spec {
                jobs: 400,
                channels: 20,
                buckets: ServerLimits {
                    shared: vec![(RouteKind::CreateMessage, 15, secs(20))],
                    ..ServerLimits::hidden_all()
                },
                faults: Faults {
                    error_before: 0.01,
                    error_after: 0.01,
                    ..Faults::default()
                },
                ..base
            },
            Self::Latency => Spec {
                jobs: 0,
                // Each client's own channels and webhook (see `latency.rs`).
                channels: 2 * LATENCY_CHANNELS,
                webhooks: 2,
                concurrency: 64,
                buckets: ServerLimits::announced_but_lifted(),
                client_global_per_second: Some(1_000_000),
                ..base
            },
            _ => base,
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scenario| scenario.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|s| s.name()).collect();
                format!("unknown scenario {s:?}; one of {}", names.join(", "))
            })
    }
}

/// `multi-process`'s spec: 40 channels, one webhook whose executes are spread through the
/// job order and sent as a burst, Discord's default limits and a hidden 30 per 20 s on
/// the webhook (`FakeDiscord`'s own default is 30 per 60 s).
fn multi_process_spec(base: &Spec) -> Spec {
    let jobs = MULTI_PROCESS_CREATES + MULTI_PROCESS_EXECUTES;
    Spec {
        jobs,
        channels: 40,
        webhooks: 1,
        concurrency: 50,
        buckets: ServerLimits {
            sublimits: vec![HiddenLimit::fixed(
                RouteKind::ExecuteWebhook,
                30,
                Duration::from_secs(20),
            )],
            ..ServerLimits::discord_defaults()
        },
        execute_every: jobs / MULTI_PROCESS_EXECUTES,
        burst_executes: true,
        ..base.clone()
    }
}

/// `multi-process`: the creates, round robin over its 40 channels.
pub const MULTI_PROCESS_CREATES: u64 = 2_000;
/// `multi-process`: the webhook executes, all on one webhook, spread evenly through the
/// job order (every 26th job), so that every process's share has its part of the burst.
pub const MULTI_PROCESS_EXECUTES: u64 = 80;
/// `multi-process`: the client processes when `--processes` does not say.
pub const MULTI_PROCESS_DEFAULT_PROCESSES: usize = 4;

/// The limits `FakeDiscord` enforces, in the terms both the server and the ideal sender use.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLimits {
    /// `false`: `FakeDiscord` enforces nothing and sends no rate-limit headers.
    pub enabled: bool,
    /// Message create, edit and delete: one bucket per channel (limit, window).
    pub messages: (u32, Duration),
    /// Webhook execute: one bucket per webhook (limit, window).
    pub webhooks: (u32, Duration),
    /// Requests per second per bot token (and per IP for webhook routes).
    pub global_per_second: u32,
    /// Hidden sublimits per route and major parameter.
    pub sublimits: Vec<HiddenLimit>,
    /// Shared-scope limits per route and major parameter.
    pub shared: Vec<(RouteKind, u32, Duration)>,
}

impl ServerLimits {
    /// Discord's limits as `FakeDiscord`'s defaults have them, without the default webhook
    /// sublimit (scenarios add their own).
    pub fn discord_defaults() -> Self {
        Self {
            enabled: true,
            messages: (5, Duration::from_secs(5)),
            webhooks: (5, Duration::from_secs(2)),
            global_per_second: 50,
            sublimits: Vec::new(),
            shared: Vec::new(),
        }
    }

    /// No limits at all.
    pub fn lifted() -> Self {
        Self {
            enabled: false,
            ..Self::discord_defaults()
        }
    }

    /// Discord's defaults plus issue 13's hidden limit on creates: 12 per 15 s per
    /// channel, a sliding window.
    pub fn hidden_all() -> Self {
        Self {
            sublimits: vec![HiddenLimit::sliding(
                RouteKind::CreateMessage,
                12,
                Duration::from_secs(15),
            )],
            ..Self::discord_defaults()
        }
    }

    /// Limits so large that nothing waits, but announced in every answer's headers (so a
    /// client parses them as it would against Discord): 1,000,000 per second for buckets
    /// and the global limit.
    pub fn announced_but_lifted() -> Self {
        let huge = (1_000_000, Duration::from_secs(1));
        Self {
            messages: huge,
            webhooks: huge,
            global_per_second: 1_000_000,
            ..Self::discord_defaults()
        }
    }
}

/// A limit no header announces, per route and major parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HiddenLimit {
    /// The route it applies to.
    pub route: RouteKind,
    /// Requests allowed per window.
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
    /// Fixed from its first request, or sliding.
    pub shape: WindowShape,
}

impl HiddenLimit {
    /// `limit` per fixed `window` on `route`.
    pub fn fixed(route: RouteKind, limit: u32, window: Duration) -> Self {
        Self {
            route,
            limit,
            window,
            shape: WindowShape::Fixed,
        }
    }

    /// At most `limit` in any trailing `window` on `route`.
    pub fn sliding(route: RouteKind, limit: u32, window: Duration) -> Self {
        Self {
            shape: WindowShape::Sliding,
            ..Self::fixed(route, limit, window)
        }
    }
}

/// How a run is asked for, beyond its scenario: the command line's options.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Override the scenario's message count (the channel count for `many-buckets`).
    pub messages: Option<u64>,
    /// Override how many operations each client process keeps in flight.
    pub in_flight: Option<usize>,
    /// Add this delay to every answer (`FakeDiscord`'s delay fault).
    pub latency: Option<Latency>,
    /// Client processes sharing the workload (`foreign-load`; 1 elsewhere).
    pub processes: usize,
    /// A foreign sender on the same token, ignoring limits: its creates per second.
    pub foreign_rate: Option<u32>,
    /// `multi-process`: the processes keep their limits each to itself (no Redis), for
    /// contrast.
    pub no_shared: bool,
    /// `multi-process`: share limits on this Redis instead of starting a redis-server
    /// (the run's keys get a prefix of their own).
    pub redis_url: Option<String>,
    /// `multi-process`: kill the redis-server the run started at this fraction of the
    /// minimum time after the start (`0.5`: at the midpoint).
    pub kill_redis_at: Option<f64>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            messages: None,
            in_flight: None,
            latency: None,
            processes: 1,
            foreign_rate: None,
            no_shared: false,
            redis_url: None,
            kill_redis_at: None,
        }
    }
}

impl RunOptions {
    /// The spec of `scenario` under these options.
    pub fn spec(&self, scenario: Scenario) -> Spec {
        let mut spec = scenario.spec(self.messages).with_latency(self.latency);
        if let Some(in_flight) = self.in_flight {
            spec.concurrency = in_flight.max(1);
        }
        spec
    }

    /// The command-line arguments that ask for these options (the defaults are left
    /// out).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(n) = self.messages {
            args.extend(["--messages".to_owned(), n.to_string()]);
        }
        if let Some(n) = self.in_flight {
            args.extend(["--in-flight".to_owned(), n.to_string()]);
        }
        if let Some(latency) = self.latency {
            args.extend(["--latency".to_owned(), latency.to_string()]);
        }
        if self.processes != 1 {
            args.extend(["--processes".to_owned(), self.processes.to_string()]);
        }
        if let Some(rate) = self.foreign_rate {
            args.extend(["--foreign".to_owned(), rate.to_string()]);
        }
        if self.no_shared {
            args.push("--no-shared".to_owned());
        }
        if let Some(url) = &self.redis_url {
            args.extend(["--redis".to_owned(), url.clone()]);
        }
        if let Some(fraction) = self.kill_redis_at {
            args.extend(["--kill-redis-at".to_owned(), fraction.to_string()]);
        }
        args
    }

    /// Whether the run splits its workload between client processes (`foreign-load`
    /// always does, even with one process, so that its report has the same shape).
    pub fn uses_processes(&self, scenario: Scenario) -> bool {
        matches!(scenario, Scenario::ForeignLoad | Scenario::MultiProcess)
            || self.processes > 1
            || self.foreign_rate.is_some()
    }

    /// Whether the run's processes share their limits through Redis: `multi-process`
    /// unless `--no-shared`.
    pub fn shares_limits(&self, scenario: Scenario) -> bool {
        scenario == Scenario::MultiProcess && !self.no_shared
    }
}

/// The channels the `latency` measurement spreads each client's creates over (bugle's are
/// the first ones, the bare connection's the next as many).
pub const LATENCY_CHANNELS: u64 = 64;

/// A delay `FakeDiscord` adds before every answer, drawn uniformly from `min..=max`
/// (its delay fault). On the command line `20..50` (milliseconds) or `30` (fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// The shortest delay.
    pub min: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (min, max) = (self.min.as_millis(), self.max.as_millis());
        if min == max {
            write!(f, "{min}")
        } else {
            write!(f, "{min}..{max}")
        }
    }
}

impl FromStr for Latency {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let millis = |text: &str| -> Result<Duration, String> {
            text.trim()
                .parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("latency {s:?}: milliseconds as `20..50` or `30`"))
        };
        let (min, max) = match s.split_once("..") {
            Some((min, max)) => (millis(min)?, millis(max)?),
            None => (millis(s)?, millis(s)?),
        };
        if min > max {
            return Err(format!("latency {s:?}: the lower bound is above the upper"));
        }
        Ok(Self { min, max })
    }
}

/// Fault rates (probabilities per request).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// 5xx before processing.
    pub error_before: f64,
    /// 5xx after processing (the change happened).
    pub error_after: f64,
    /// Dropped connection before processing.
    pub drop_before: f64,
    /// Dropped connection after processing.
    pub drop_after: f64,
}

/// Where a job posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A channel, by id.
    Channel(u64),
    /// A webhook, by index (`0..webhooks`).
    Webhook(usize),
}

/// One unit of work: a create (or webhook execute), optionally followed by an edit and a
/// delete of the same message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The job's number, also the tag in the message content.
    pub tag: u64,
    /// Where to post.
    pub target: Target,
    /// Edit the message after creating it.
    pub edit: bool,
    /// Delete the message after that.
    pub delete: bool,
}

/// A scenario's workload and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Which scenario.
    pub scenario: Scenario,
    /// Number of jobs (creates or executes).
    pub jobs: u64,
    /// Number of channels the creates spread over, round robin.
    pub channels: u64,
    /// Number of webhooks the executes spread over (0: the jobs create messages).
    pub webhooks: usize,
    /// Jobs in flight at once.
    pub concurrency: usize,
    /// The server's limits.
    pub buckets: ServerLimits,
    /// The server's faults.
    pub faults: Faults,
    /// The delay `FakeDiscord` adds to every answer, if any.
    pub latency: Option<Latency>,
    /// The client's global limit, when the scenario raises it.
    pub client_global_per_second: Option<u32>,
    /// The client's bucket eviction TTL, when the scenario shortens it.
    pub client_eviction_ttl: Option<Duration>,
    /// Which jobs execute a webhook instead of creating a message: every job whose
    /// number is `execute_every - 1` modulo `execute_every` (0: none; 1: every job).
    pub execute_every: u64,
    /// Whether a share's webhook executes go out as one burst at the start, all in
    /// flight at once beside the creates (whose in-flight limit they do not count
    /// against), rather than in job order.
    pub burst_executes: bool,
}

impl Spec {
    /// The same scenario with `n` jobs; `many-buckets` keeps one job per channel, the
    /// others keep their channel count (capped at `n`).
    #[must_use]
    pub fn scaled(mut self, n: u64) -> Self {
        let n = n.max(1);
        self.jobs = n;
        self.channels = if self.scenario == Scenario::ManyBuckets {
            n
        } else {
            self.channels.min(n)
        };
        self
    }

    /// The same scenario with `latency` added to every answer.
    #[must_use]
    pub fn with_latency(mut self, latency: Option<Latency>) -> Self {
        self.latency = latency;
        self
    }

    /// The jobs of process `process` (from 0) of `processes` sharing the workload: an
    /// even split in contiguous runs of job numbers, so that every process posts to
    /// every channel (jobs go round robin over the channels) and the processes share
    /// every bucket.
    pub fn share(&self, process: usize, processes: usize) -> std::ops::Range<u64> {
        let processes = processes.max(1) as u64;
        let process = (process as u64).min(processes - 1);
        let start = self.jobs * process / processes;
        let end = self.jobs * (process + 1) / processes;
        start..end
    }

    /// Job number `index` (`0..jobs`).
    pub fn job(&self, index: u64) -> Job {
        let hostile = self.scenario == Scenario::Hostile;
        let every = self.execute_every;
        let executes = every > 0 && self.webhooks > 0 && index % every == every - 1;
        let target = if executes {
            let webhooks = self.webhooks as u64;
            Target::Webhook(usize::try_from((index / every) % webhooks).unwrap_or_default())
        } else {
            // The creates before this one: the jobs before it, less the executes.
            let creates_before = index - (index + 1).checked_div(every).unwrap_or(0);
            Target::Channel(CHANNEL_BASE + creates_before % self.channels)
        };
        // Edits and deletes go by round (one job per channel per round), five edits and
        // three deletes per channel, close together so that the hidden edit sublimit and
        // the shared delete limit bite. Channel 0 scouts: it edits in rounds 0 to 4, and
        // meets the sublimit with its third edit when its bucket's second window opens
        // (5 s). Every other channel starts editing HOSTILE_LEAD_ROUNDS later, in its
        // bucket's third window (10 s) at the earliest: a client can learn the sublimit
        // from channel 0 and apply it to the others before any of them reaches it.
        let channel = index % self.channels.max(1);
        let first = if channel == 0 { 0 } else { HOSTILE_LEAD_ROUNDS };
        let round = (index / self.channels.max(1)).checked_sub(first);
        Job {
            tag: index,
            target,
            edit: hostile && round.is_some_and(|r| r < HOSTILE_EDIT_ROUNDS),
            delete: hostile && round.is_some_and(|r| r < HOSTILE_DELETE_ROUNDS),
        }
    }

    /// The channel id of channel number `n`.
    pub fn channel_id(n: u64) -> u64 {
        CHANNEL_BASE + n
    }

    /// The id, token and channel of webhook number `n`.
    pub fn webhook(n: usize) -> (u64, String, u64) {
        (
            WEBHOOK_BASE + n as u64,
            format!("bench-webhook-token-{n}"),
            CHANNEL_BASE + n as u64,
        )
    }

    /// Whether the delivery check reads every channel's messages back (affordable up to a
    /// thousand channels; above that only `FakeDiscord`'s creation count is compared).
    pub fn checks_content(&self) -> bool {
        self.channels <= 1_000
    }
}

/// The message content of job `tag`.
pub fn content(tag: u64) -> String {
    format!("bench {tag}")
}

/// The content an edit of job `tag` sets (the tag survives the edit).
pub fn edited_content(tag: u64) -> String {
    format!("bench {tag} edited")
}

/// The job tag in a message's content, if it is a benchmark message.
pub fn tag_of(content: &str) -> Option<u64> {
    let mut words = content.split(' ');
    (words.next() == Some("bench"))
        .then(|| words.next()?.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for scenario in Scenario::ALL {
            assert_eq!(scenario.name().parse::<Scenario>().unwrap(), scenario);
        }
        assert!("nope".parse::<Scenario>().unwrap_err().contains("spread"));
    }

    #[test]
    fn tags_survive_edits() {
        assert_eq!(tag_of(&content(17)), Some(17));
        assert_eq!(tag_of(&edited_content(17)), Some(17));
        assert_eq!(tag_of("hello 17"), None);
    }

    #[test]
    fn hostile_jobs_edit_five_rounds_and_delete_three_channel_zero_first() {
        let spec = Scenario::Hostile.spec(None);
        let jobs: Vec<Job> = (0..spec.jobs).map(|i| spec.job(i)).collect();
        assert_eq!(jobs.iter().filter(|j| j.edit).count(), 100);
        assert_eq!(jobs.iter().filter(|j| j.delete).count(), 60);
        assert!(jobs.iter().all(|j| j.edit || !j.delete));
        let rounds = |channel: u64, pick: fn(&Job) -> bool| -> Vec<u64> {
            jobs.iter()
                .filter(|j| j.target == Target::Channel(CHANNEL_BASE + channel) && pick(j))
                .map(|j| j.tag / 20)
                .collect()
        };
        assert_eq!(rounds(0, |j| j.edit), [0, 1, 2, 3, 4]);
        assert_eq!(rounds(0, |j| j.delete), [0, 1, 2]);
        for channel in 1..20 {
            assert_eq!(rounds(channel, |j| j.edit), [10, 11, 12, 13, 14]);
            assert_eq!(rounds(channel, |j| j.delete), [10, 11, 12]);
        }
        assert_eq!(jobs[21].target, Target::Channel(CHANNEL_BASE + 1));
    }

    #[test]
    fn the_other_channels_first_edit_comes_a_bucket_window_after_the_scouts_third() {
        // Requests a channel must send before its n-th edit (each edit follows its own
        // create), at the least.
        let spec = Scenario::Hostile.spec(None);
        let before_edit = |channel: u64, n: usize| -> u64 {
            let jobs: Vec<Job> = (0..spec.jobs)
                .map(|i| spec.job(i))
                .filter(|j| j.target == Target::Channel(CHANNEL_BASE + channel))
                .collect();
            let edit_at = jobs.iter().filter(|j| j.edit).nth(n - 1).unwrap().tag / 20;
            let creates = edit_at + 1;
            let earlier_edits = u64::try_from(n).unwrap() - 1;
            creates + earlier_edits
        };
        let per_window = u64::from(spec.buckets.messages.0);
        // The scout's third edit can go once five requests filled its first window.
        assert_eq!(before_edit(0, 3), per_window);
        // Every other channel's first edit waits for eleven creates: its third window.
        for channel in 1..spec.channels {
            assert_eq!(before_edit(channel, 1), 2 * per_window + 1);
        }
    }

    #[test]
    fn many_buckets_scales_channels_with_messages() {
        let spec = Scenario::ManyBuckets.spec(Some(1_000));
        assert_eq!((spec.jobs, spec.channels), (1_000, 1_000));
        let spread = Scenario::Spread.spec(Some(5));
        assert_eq!((spread.jobs, spread.channels), (5, 5));
    }

    #[test]
    fn latency_parses_a_range_or_one_value_and_prints_back() {
        let range: Latency = "20..50".parse().unwrap();
        assert_eq!(range.min, Duration::from_millis(20));
        assert_eq!(range.max, Duration::from_millis(50));
        assert_eq!(range.to_string(), "20..50");
        let fixed: Latency = "30".parse().unwrap();
        assert_eq!(
            (fixed.min, fixed.max),
            (Duration::from_millis(30), Duration::from_millis(30))
        );
        assert_eq!(fixed.to_string(), "30");
        assert!("50..20".parse::<Latency>().is_err());
        assert!("fast".parse::<Latency>().is_err());
    }

    #[test]
    fn shares_split_the_jobs_evenly_and_every_share_posts_to_every_channel() {
        let spec = Scenario::ForeignLoad.spec(None);
        for processes in [1, 2, 4] {
            let shares: Vec<_> = (0..processes).map(|p| spec.share(p, processes)).collect();
            assert_eq!(shares.first().unwrap().start, 0);
            assert_eq!(shares.last().unwrap().end, 400);
            for pair in shares.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            for share in shares {
                assert_eq!(share.end - share.start, 400 / processes as u64);
                let channels: std::collections::HashSet<Target> =
                    share.map(|i| spec.job(i).target).collect();
                assert_eq!(channels.len(), 20);
            }
        }
        // Uneven counts leave no job out.
        let small = Scenario::ForeignLoad.spec(Some(7));
        assert_eq!(small.share(0, 3), 0..2);
        assert_eq!(small.share(2, 3), 4..7);
    }

    #[test]
    fn the_new_scenarios_have_issue_13s_limits() {
        let hidden = Scenario::HiddenAll.spec(None);
        assert_eq!(
            (hidden.jobs, hidden.channels, hidden.concurrency),
            (400, 20, 50)
        );
        assert_eq!(hidden.buckets.messages, (5, Duration::from_secs(5)));
        assert_eq!(hidden.buckets.global_per_second, 50);
        assert_eq!(
            hidden.buckets.sublimits,
            [HiddenLimit::sliding(
                RouteKind::CreateMessage,
                12,
                Duration::from_secs(15)
            )]
        );
        // Every channel meets the hidden limit together: creates only, round robin.
        assert!((0..hidden.jobs).all(|i| {
            let job = hidden.job(i);
            !job.edit && !job.delete && job.target == Target::Channel(CHANNEL_BASE + i % 20)
        }));
        let hostile = Scenario::HostileAll.spec(None);
        assert_eq!(hostile.buckets.sublimits, hidden.buckets.sublimits);
        assert_eq!(
            hostile.buckets.shared,
            [(RouteKind::CreateMessage, 15, Duration::from_secs(20))]
        );
        assert!((hostile.faults.error_before - 0.01).abs() < f64::EPSILON);
        assert!((hostile.faults.error_after - 0.01).abs() < f64::EPSILON);
        assert!(hostile.faults.drop_before + hostile.faults.drop_after < f64::EPSILON);
        let foreign = Scenario::ForeignLoad.spec(None);
        assert_eq!(foreign.buckets, ServerLimits::discord_defaults());
        assert_eq!((foreign.jobs, foreign.channels), (400, 20));
    }

    #[test]
    fn multi_process_spreads_its_webhook_burst_through_every_share() {
        let spec = Scenario::MultiProcess.spec(None);
        assert_eq!((spec.jobs, spec.channels, spec.webhooks), (2_080, 40, 1));
        assert_eq!(Scenario::MultiProcess.default_processes(), 4);
        assert_eq!(Scenario::ForeignLoad.default_processes(), 1);
        assert!(spec.burst_executes);
        assert_eq!(spec.buckets.messages, (5, Duration::from_secs(5)));
        assert_eq!(spec.buckets.webhooks, (5, Duration::from_secs(2)));
        assert_eq!(spec.buckets.global_per_second, 50);
        assert_eq!(
            spec.buckets.sublimits,
            [HiddenLimit::fixed(
                RouteKind::ExecuteWebhook,
                30,
                Duration::from_secs(20)
            )]
        );
        let jobs: Vec<Job> = (0..spec.jobs).map(|i| spec.job(i)).collect();
        let executes = jobs
            .iter()
            .filter(|j| j.target == Target::Webhook(0))
            .count();
        assert_eq!(executes, 80);
        // The creates go round robin over the 40 channels, 50 each, skipping the executes.
        let creates: Vec<u64> = jobs
            .iter()
            .filter_map(|j| match j.target {
                Target::Channel(c) => Some(c - CHANNEL_BASE),
                Target::Webhook(_) => None,
            })
            .collect();
        assert_eq!(creates.len(), 2_000);
        assert!(creates.iter().enumerate().all(|(n, &c)| c == n as u64 % 40));
        assert!(jobs.iter().all(|j| !j.edit && !j.delete));
        // Every process's share has a quarter of the burst and posts to every channel.
        for process in 0..4 {
            let share: Vec<Job> = spec.share(process, 4).map(|i| spec.job(i)).collect();
            let burst = share.iter().filter(|j| j.target == Target::Webhook(0));
            assert_eq!(burst.count(), 20);
            let channels: std::collections::HashSet<Target> = share
                .iter()
                .map(|j| j.target)
                .filter(|t| matches!(t, Target::Channel(_)))
                .collect();
            assert_eq!(channels.len(), 40);
        }
        // The webhooks scenario still executes with every job.
        let webhooks = Scenario::Webhooks.spec(None);
        assert!((0..webhooks.jobs).all(|i| {
            webhooks.job(i).target == Target::Webhook(usize::try_from(i % 3).unwrap())
        }));
    }

    #[test]
    fn only_multi_process_shares_limits_and_only_without_no_shared() {
        let shared = RunOptions::default();
        assert!(shared.shares_limits(Scenario::MultiProcess));
        assert!(shared.uses_processes(Scenario::MultiProcess));
        assert!(!shared.shares_limits(Scenario::ForeignLoad));
        let contrast = RunOptions {
            no_shared: true,
            ..RunOptions::default()
        };
        assert!(!contrast.shares_limits(Scenario::MultiProcess));
        let killed = RunOptions {
            kill_redis_at: Some(0.5),
            redis_url: Some("redis://127.0.0.1:7000/".to_owned()),
            no_shared: true,
            ..RunOptions::default()
        };
        assert_eq!(
            killed.to_args(),
            [
                "--no-shared",
                "--redis",
                "redis://127.0.0.1:7000/",
                "--kill-redis-at",
                "0.5"
            ]
        );
    }

    #[test]
    fn options_round_trip_through_the_command_line() {
        let options = RunOptions {
            messages: Some(40),
            in_flight: Some(20),
            latency: Some("20..50".parse().unwrap()),
            processes: 4,
            foreign_rate: Some(100),
            ..RunOptions::default()
        };
        assert_eq!(
            options.to_args(),
            [
                "--messages",
                "40",
                "--in-flight",
                "20",
                "--latency",
                "20..50",
                "--processes",
                "4",
                "--foreign",
                "100"
            ]
        );
        assert!(RunOptions::default().to_args().is_empty());
        assert!(RunOptions::default().uses_processes(Scenario::ForeignLoad));
        assert!(!RunOptions::default().uses_processes(Scenario::HiddenAll));
        let spec = options.spec(Scenario::HiddenAll);
        assert_eq!(spec.latency, options.latency);
        assert_eq!(spec.jobs, 40);
        assert_eq!(spec.concurrency, 20);
        assert_eq!(
            Scenario::HiddenAll.spec(None).concurrency,
            RunOptions::default().spec(Scenario::HiddenAll).concurrency
        );
    }
}

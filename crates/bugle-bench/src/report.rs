//! The JSON line printed for each run, and the median over runs.

use serde::{Deserialize, Serialize};

use crate::observe::SeenRateLimits;
use crate::server::{RouteRateLimits, ServerReport};

/// 429s by scope, as `FakeDiscord` counted them.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RateLimited {
    /// Route buckets (scope `user`).
    pub user: u64,
    /// Hidden sublimits (reported to the client as scope `user`).
    pub sublimit: u64,
    /// The global limit.
    pub global: u64,
    /// Shared limits.
    pub shared: u64,
}

/// One run of one scenario with one client.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunReport {
    /// The scenario's name.
    pub scenario: String,
    /// `bugle` or `twilight`.
    pub client: String,
    /// Messages the workload sent (creates or webhook executes).
    pub messages_sent: u64,
    /// Operations the workload ran (creates plus edits plus deletes).
    pub operations: u64,
    /// Operations that ended in an error the client returned.
    pub failed: u64,
    /// Creates (or executes) the client reported successful.
    pub creates_ok: u64,
    /// Whether the run hit its deadline (three times the minimum plus a minute) and
    /// abandoned the jobs still running.
    pub deadline_hit: bool,
    /// Distinct workload messages `FakeDiscord` holds (or the client deleted).
    pub delivered: u64,
    /// Messages `FakeDiscord` created beyond one per delivered workload message.
    pub duplicates: u64,
    /// How delivery was checked: `content` (every channel read back) or `count`
    /// (`FakeDiscord`'s creation count against the number of jobs).
    pub delivery_check: String,
    /// Wall seconds from the first request to the last answer.
    pub wall_s: f64,
    /// The theoretical minimum seconds under the configured limits.
    pub minimum_s: f64,
    /// `minimum_s / wall_s`; `None` when the minimum is zero (limits lifted).
    pub utilization: Option<f64>,
    /// 429s by scope.
    pub rate_limited: RateLimited,
    /// Cloudflare-style ban answers.
    pub banned: u64,
    /// Invalid requests (401, 403, non-shared 429) `FakeDiscord` counted.
    pub invalid_requests: u64,
    /// Requests `FakeDiscord` received.
    pub requests: u64,
    /// Faults `FakeDiscord` injected.
    pub faults_injected: u64,
    /// Requests per wall second.
    pub requests_per_s: f64,
    /// CPU seconds of the client process (user + system, all threads).
    pub client_cpu_s: f64,
    /// Client CPU microseconds per request `FakeDiscord` received.
    pub cpu_us_per_request: f64,
    /// `FakeDiscord`'s CPU microseconds per request it received (its process shares the
    /// machine's cores with the client's).
    #[serde(default)]
    pub server_cpu_us_per_request: f64,
    /// Peak resident set of the client process, KiB.
    pub peak_rss_kib: u64,
    /// Resident set of the client process sampled at each tenth of the workload, KiB.
    pub rss_samples_kib: Vec<u64>,
    /// The delay injected into every answer, milliseconds (`20..50`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<String>,
    /// With several client processes (`foreign-load`): each one's figures. The fields
    /// above are then the totals (wall time: the slowest process's; CPU: the sum; peak
    /// RSS: the largest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessReport>,
    /// With several client processes: the slowest one's wall time over the minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowest_over_ideal: Option<f64>,
    /// With several client processes: whether every one finished within 1.5 × the
    /// minimum (issue 13's target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_1_5x_ideal: Option<bool>,
    /// The foreign sender's figures, when one ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign: Option<ForeignReport>,
    /// `multi-process`: how the processes shared their limits, `redis` or `none`
    /// (`--no-shared`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_limits: Option<String>,
    /// `multi-process` with `--kill-redis-at`: when the redis-server was killed, seconds
    /// after the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis_killed_at_s: Option<f64>,
    /// With several client processes: the fastest one's wall time (the slowest one's is
    /// `wall_s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastest_process_s: Option<f64>,
    /// `multi-process`: the 429s on webhook executes (all of them count as `user` or
    /// `sublimit` above; those of first contact with the hidden limit are in its first
    /// window, see `rate_limited_routes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_rate_limited: Option<u64>,
    /// `multi-process`: the 429s by route and by second from the first request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limited_routes: Vec<RouteRateLimits>,
}

/// One client process of a run that splits its workload between processes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ProcessReport {
    /// The process's number, from 0.
    pub process: usize,
    /// `bugle` or `twilight`.
    pub client: String,
    /// Jobs (creates) it was given.
    pub jobs: u64,
    /// Creates it reported successful.
    pub creates_ok: u64,
    /// Operations that ended in an error.
    pub failed: u64,
    /// Whether it hit its deadline and abandoned jobs.
    pub deadline_hit: bool,
    /// Its distinct messages `FakeDiscord` holds (filled in by the parent).
    pub delivered: Option<u64>,
    /// Its messages `FakeDiscord` holds beyond one per job (filled in by the parent).
    pub duplicates: Option<u64>,
    /// Wall seconds from the common start to its last answer.
    pub wall_s: f64,
    /// `wall_s` over the minimum (the target is at most 1.5).
    pub over_ideal: Option<f64>,
    /// The 429s it saw, by scope (bugle only: twilight's transport cannot be observed).
    pub rate_limited_seen: Option<SeenRateLimits>,
    /// Its CPU seconds.
    pub cpu_s: f64,
    /// Its peak resident set, KiB.
    pub peak_rss_kib: u64,
}

/// What the foreign sender did: creates on a few of the workload's channels at a fixed
/// rate, whatever the answers.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ForeignReport {
    /// Creates per second it aimed at.
    pub rate_per_s: u32,
    /// How many channels it spread them over.
    pub channels: u64,
    /// Requests sent.
    pub sent: u64,
    /// Answered 2xx (a message was created).
    pub ok: u64,
    /// Answered 429.
    pub rate_limited: u64,
    /// Anything else (5xx, a ban page, no answer).
    pub other: u64,
}

/// What the client side measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSide {
    /// Messages sent.
    pub messages_sent: u64,
    /// Operations run.
    pub operations: u64,
    /// Operations failed.
    pub failed: u64,
    /// Creates the client saw succeed.
    pub creates_ok: u64,
    /// Jobs were abandoned at the deadline.
    pub deadline_hit: bool,
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds.
    pub cpu_s: f64,
    /// Peak RSS, KiB.
    pub peak_rss_kib: u64,
    /// RSS samples, KiB.
    pub rss_samples_kib: Vec<u64>,
}

impl RunReport {
    /// Combines the client's and `FakeDiscord`'s sides of one run.
    pub fn new(
        scenario: &str,
        client: &str,
        minimum_s: f64,
        side: ClientSide,
        server: &ServerReport,
    ) -> Self {
        let (delivered, delivery_check) = match server.distinct_delivered {
            Some(distinct) => (distinct, "content"),
            // Without reading messages back, a message counts as delivered when FakeDiscord
            // created it, up to one per job; creations beyond that are duplicates. (A
            // create the client reported failed but the server made still counts.)
            None => (
                side.messages_sent.min(server.counters.messages_created),
                "count",
            ),
        };
        #[allow(clippy::cast_precision_loss)] // request counts stay far below 2^52
        let requests = server.counters.requests as f64;
        let per_s = |x: f64| {
            if side.wall_s > 0.0 {
                x / side.wall_s
            } else {
                0.0
            }
        };
        let per_request = |x: f64| if requests > 0.0 { x / requests } else { 0.0 };
        Self {
            scenario: scenario.to_owned(),
            client: client.to_owned(),
            messages_sent: side.messages_sent,
            operations: side.operations,
            failed: side.failed,
            creates_ok: side.creates_ok,
            deadline_hit: side.deadline_hit,
            delivered,
            duplicates: server
                .counters
                .messages_created
                .saturating_sub(server.foreign_messages)
                .saturating_sub(delivered),
            delivery_check: delivery_check.to_owned(),
            wall_s: side.wall_s,
            minimum_s,
            utilization: (minimum_s > 0.0 && side.wall_s > 0.0).then(|| minimum_s / side.wall_s),
            rate_limited: RateLimited {
                user: server.counters.rate_limited_user,
                sublimit: server.counters.rate_limited_sublimit,
                global: server.counters.rate_limited_global,
                shared: server.counters.rate_limited_shared,
            },
            banned: server.counters.banned,
            invalid_requests: server.counters.invalid_requests,
            requests: server.counters.requests,
            faults_injected: server.counters.faults_injected,
            requests_per_s: per_s(requests),
            client_cpu_s: side.cpu_s,
            cpu_us_per_request: per_request(side.cpu_s * 1e6),
            #[allow(clippy::cast_precision_loss)] // CPU milliseconds stay far below 2^52
            server_cpu_us_per_request: per_request(server.cpu_ms as f64 * 1e3),
            peak_rss_kib: side.peak_rss_kib,
            rss_samples_kib: side.rss_samples_kib,
            latency_ms: None,
            processes: Vec::new(),
            slowest_over_ideal: None,
            within_1_5x_ideal: None,
            foreign: None,
            shared_limits: None,
            redis_killed_at_s: None,
            fastest_process_s: None,
            webhook_rate_limited: None,
            rate_limited_routes: Vec::new(),
        }
    }

    /// The report as one JSON line (no newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` when
/// empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 0 {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    } else {
        sorted[mid]
    })
}

/// The median run of a scenario and client: each numeric field is the median of that
/// field over the runs (so the fields may come from different runs).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MedianReport {
    /// Always `median`.
    pub kind: String,
    /// The scenario's name.
    pub scenario: String,
    /// The client.
    pub client: String,
    /// How many runs.
    pub runs: usize,
    /// Median wall seconds.
    pub wall_s: f64,
    /// The theoretical minimum, seconds.
    pub minimum_s: f64,
    /// Median utilization.
    pub utilization: Option<f64>,
    /// Median 429s of every scope together.
    pub rate_limited_total: f64,
    /// Median global 429s.
    pub rate_limited_global: f64,
    /// Median invalid requests.
    pub invalid_requests: f64,
    /// Median delivered.
    pub delivered: f64,
    /// Median duplicates.
    pub duplicates: f64,
    /// Median failed operations.
    pub failed: f64,
    /// Median requests per second.
    pub requests_per_s: f64,
    /// Median client CPU seconds.
    pub client_cpu_s: f64,
    /// Median CPU microseconds per request.
    pub cpu_us_per_request: f64,
    /// Median server CPU microseconds per request.
    #[serde(default)]
    pub server_cpu_us_per_request: f64,
    /// Median peak RSS, KiB.
    pub peak_rss_kib: f64,
}

impl MedianReport {
    /// The medians of `runs` (all of one scenario and client); `None` when empty.
    pub fn of(runs: &[RunReport]) -> Option<Self> {
        let first = runs.first()?;
        #[allow(clippy::cast_precision_loss)] // counts stay far below 2^52
        let m = |f: &dyn Fn(&RunReport) -> f64| {
            median(&runs.iter().map(f).collect::<Vec<_>>()).unwrap_or(0.0)
        };
        #[allow(clippy::cast_precision_loss)]
        let utilizations: Vec<f64> = runs.iter().filter_map(|r| r.utilization).collect();
        #[allow(clippy::cast_precision_loss)]
        Some(Self {
            kind: "median".to_owned(),
            scenario: first.scenario.clone(),
            client: first.client.clone(),
            runs: runs.len(),
            wall_s: m(&|r| r.wall_s),
            minimum_s: first.minimum_s,
            utilization: median(&utilizations),
            rate_limited_total: m(&|r| {
                let l = r.rate_limited;
                (l.user + l.sublimit + l.global + l.shared) as f64
            }),
            rate_limited_global: m(&|r| r.rate_limited.global as f64),
            invalid_requests: m(&|r| r.invalid_requests as f64),
            delivered: m(&|r| r.delivered as f64),
            duplicates: m(&|r| r.duplicates as f64),
            failed: m(&|r| r.failed as f64),
            requests_per_s: m(&|r| r.requests_per_s),
            client_cpu_s: m(&|r| r.client_cpu_s),
            cpu_us_per_request: m(&|r| r.cpu_us_per_request),
            server_cpu_us_per_request: m(&|r| r.server_cpu_us_per_request),
            peak_rss_kib: m(&|r| r.peak_rss_kib as f64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}

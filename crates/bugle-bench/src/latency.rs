//! The seed's latency requirements, measured (issue 13): how much time bugle's
//! `DiscordClient` adds to `send_message` and `execute_webhook` on top of the server's, and
//! how soon it sends again once a 429's `Retry-After` has run out.
//!
//! - **Added latency.** `FakeDiscord` (in a child process, announcing limits of 1,000,000
//!   per second in every answer, so nothing waits but headers are parsed) is asked the
//!   same requests by bugle and by a bare HTTP/1.1 connection ([`RawConnection`]: hyper's
//!   connection API, no pool, no limiter), one in flight and 64 in flight. The baseline is
//!   what the server, the loopback and HTTP cost; bugle's p50 and p99 minus the baseline's
//!   are what bugle adds. Both clients are warmed up first, untimed, on the connections
//!   (bugle's pool, the bare ones) the timed requests then use. Each client has channels
//!   and a webhook of its own, so their buckets are not the same: the two are timed one
//!   after the other, and on shared buckets the bare connection's requests would still
//!   count in the window bugle's timing starts in. bugle would rightly take them for
//!   another sender on the token and share the bucket with it (one request at a time),
//!   which `foreign-load` measures; here it would hide what bugle adds.
//! - **Recovery after a 429.** Against Discord's default limits (5 per 5 s per channel), a
//!   bare connection fills a fresh channel's bucket, then bugle sends one create there: it
//!   meets a 429 whose `retry_after` says when the bucket opens. The figure is the time
//!   from then (the 429's arrival plus its `retry_after`) to bugle's next request on that
//!   channel leaving, and to its success arriving.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::driver::{BugleDriver, Driver};
use crate::observe::{Exchange, Observer};
use crate::raw::RawConnection;
use crate::scenario::{
    CHANNEL_BASE, LATENCY_CHANNELS, Latency, RunOptions, Scenario, Spec, content,
};
use crate::server::{ReportRequest, ServerProcess};

/// In flight at once in the contended measurement.
pub const CONTENDED: usize = 64;
/// Channels (rounds × channels per round) the recovery measurement uses.
pub const RECOVERY_ROUNDS: u64 = 3;
/// Channels per recovery round: each round's bare requests (5 per channel) and bugle's
/// first creates stay under the global limit of 50 per second.
pub const RECOVERY_CHANNELS: u64 = 8;

/// The operation measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `POST /channels/{id}/messages`.
    SendMessage,
    /// `POST /webhooks/{id}/{token}?wait=true`.
    ExecuteWebhook,
}

/// The nearest-rank percentile `p` (0 to 1) of `samples`, which it sorts; `None` when
/// empty.
pub fn percentile(samples: &mut [Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    #[allow(clippy::cast_sign_loss)] // p in 0..=1 and the length far below 2^52
    let rank = (p.clamp(0.0, 1.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

/// One operation at one concurrency: bugle's and the bare connection's percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OpLatency {
    /// The operation.
    pub op: Op,
    /// Requests in flight at once.
    pub in_flight: usize,
    /// Requests timed per client.
    pub samples: usize,
    /// bugle's median, µs.
    pub bugle_p50_us: f64,
    /// bugle's 99th percentile, µs.
    pub bugle_p99_us: f64,
    /// The bare connection's median, µs.
    pub raw_p50_us: f64,
    /// The bare connection's 99th percentile, µs.
    pub raw_p99_us: f64,
    /// bugle's median minus the bare connection's, µs.
    pub added_p50_us: f64,
    /// bugle's 99th percentile minus the bare connection's, µs.
    pub added_p99_us: f64,
    /// Requests either client saw fail.
    pub failed: u64,
}

/// The recovery after 429s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// 429s measured (one per channel).
    pub samples: usize,
    /// From the `retry_after` running out to the next request leaving: median, ms.
    pub to_send_p50_ms: f64,
    /// The same, the largest, ms.
    pub to_send_max_ms: f64,
    /// From the `retry_after` running out to the success arriving: median, ms.
    pub to_success_p50_ms: f64,
    /// The same, the largest, ms.
    pub to_success_max_ms: f64,
    /// 429s beyond the first on a channel (bugle sent again too early).
    pub extra_429s: u64,
    /// Creates bugle gave up on.
    pub failed: u64,
}

/// The `latency` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyReport {
    /// Always `latency`.
    pub kind: String,
    /// The delay injected into every answer, ms, if any.
    pub latency_ms: Option<String>,
    /// Each operation at 1 and at 64 in flight.
    pub operations: Vec<OpLatency>,
    /// The recovery after 429s.
    pub recovery: Recovery,
}

fn micros(d: Option<Duration>) -> f64 {
    d.map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

/// Runs both measurements; the report as one JSON line. With `latency`, the one-in-flight
/// measurements time a tenth of `requests` (each takes the injected delay).
///
/// # Errors
///
/// When `FakeDiscord` or a client cannot be started.
pub async fn measure_latency(requests: u64, latency: Option<Latency>) -> Result<String, String> {
    let options = RunOptions {
        latency,
        ..RunOptions::default()
    };
    let spec = options.spec(Scenario::Latency);
    let server = ServerProcess::start(Scenario::Latency, &options)
        .await
        .map_err(|e| format!("cannot start fake discord: {e}"))?;
    let port = server.ready().port;
    let driver = Arc::new(Driver::new(crate::driver::ClientKind::Bugle, &spec, port)?);
    let mut operations = Vec::new();
    for op in [Op::SendMessage, Op::ExecuteWebhook] {
        for in_flight in [1, CONTENDED] {
            let n = if in_flight == 1 && latency.is_some() {
                (requests / 10).max(1)
            } else {
                requests.max(1)
            };
            // A warm-up of each client (connections opened, buckets learned), untimed.
            let warm = (n / 10).clamp(1, 500);
            let connections = (0..in_flight)
                .map(|_| RawConnection::new(port, Ipv4Addr::LOCALHOST.into()))
                .collect();
            let (connections, _) = time_raw(connections, op, warm).await;
            time_bugle(&driver, op, in_flight, warm).await;
            let (_, (mut raw, raw_failed)) = time_raw(connections, op, n).await;
            let (mut bugle, bugle_failed) = time_bugle(&driver, op, in_flight, n).await;
            let (b50, b99) = (percentile(&mut bugle, 0.5), percentile(&mut bugle, 0.99));
            let (r50, r99) = (percentile(&mut raw, 0.5), percentile(&mut raw, 0.99));
            operations.push(OpLatency {
                op,
                in_flight,
                samples: bugle.len(),
                bugle_p50_us: micros(b50),
                bugle_p99_us: micros(b99),
                raw_p50_us: micros(r50),
                raw_p99_us: micros(r99),
                added_p50_us: micros(b50) - micros(r50),
                added_p99_us: micros(b99) - micros(r99),
                failed: raw_failed + bugle_failed,
            });
        }
    }
    let _ = server.finish(&ReportRequest::default()).await;
    let recovery = measure_recovery(&options).await?;
    let report = LatencyReport {
        kind: "latency".to_owned(),
        latency_ms: latency.map(|l| l.to_string()),
        operations,
        recovery,
    };
    serde_json::to_string(&report).map_err(|e| e.to_string())
}

/// Hands out job numbers to the tasks of one measurement.
fn next(counter: &AtomicU64, total: u64) -> Option<u64> {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    (n < total).then_some(n)
}

async fn time_bugle(
    driver: &Arc<Driver>,
    op: Op,
    in_flight: usize,
    total: u64,
) -> (Vec<Duration>, u64) {
    let counter = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..in_flight {
        let (driver, counter) = (Arc::clone(driver), Arc::clone(&counter));
        tasks.spawn(async move {
            let (mut times, mut failed) = (Vec::new(), 0);
            while let Some(n) = next(&counter, total) {
                let started = Instant::now();
                let result = match op {
                    Op::SendMessage => {
                        let channel = CHANNEL_BASE + n % LATENCY_CHANNELS;
                        driver.create(channel, content(n)).await
                    }
                    Op::ExecuteWebhook => driver.execute(0, content(n)).await,
                };
                match result {
                    Ok(_) => times.push(started.elapsed()),
                    Err(_) => failed += 1,
                }
            }
            (times, failed)
        });
    }
    collect(tasks).await
}

/// Times `total` requests over `connections` (one request in flight on each, so as many
/// in flight as connections); gives the connections back, kept open for the next run.
async fn time_raw(
    connections: Vec<RawConnection>,
    op: Op,
    total: u64,
) -> (Vec<RawConnection>, (Vec<Duration>, u64)) {
    let counter = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for mut raw in connections {
        let counter = Arc::clone(&counter);
        tasks.spawn(async move {
            let (mut times, mut failed) = (Vec::new(), 0);
            while let Some(n) = next(&counter, total) {
                let started = Instant::now();
                let result = match op {
                    Op::SendMessage => {
                        let channel = CHANNEL_BASE + LATENCY_CHANNELS + n % LATENCY_CHANNELS;
                        raw.create(channel, &content(n)).await
                    }
                    Op::ExecuteWebhook => {
                        let (id, token, _) = Spec::webhook(1);
                        let body = serde_json::json!({ "content": content(n) }).to_string();
                        let path = format!("webhooks/{id}/{token}?wait=true");
                        raw.send(Method::POST, &path, Bytes::from(body), false)
                            .await
                    }
                };
                match result {
                    Ok(answer) if answer.status.is_success() => times.push(started.elapsed()),
                    _ => failed += 1,
                }
            }
            (raw, times, failed)
        });
    }
    let (mut connections, mut times, mut failed) = (Vec::new(), Vec::new(), 0);
    while let Some(joined) = tasks.join_next().await {
        if let Ok((raw, t, f)) = joined {
            connections.push(raw);
            times.extend(t);
            failed += f;
        }
    }
    (connections, (times, failed))
}

async fn collect(mut tasks: JoinSet<(Vec<Duration>, u64)>) -> (Vec<Duration>, u64) {
    let (mut times, mut failed) = (Vec::new(), 0);
    while let Some(joined) = tasks.join_next().await {
        if let Ok((t, f)) = joined {
            times.extend(t);
            failed += f;
        }
    }
    (times, failed)
}

/// The recovery measurement, against `spread`'s server (Discord's default limits).
async fn measure_recovery(options: &RunOptions) -> Result<Recovery, String> {
    let spec = options.spec(Scenario::Spread);
    let server = ServerProcess::start(Scenario::Spread, options)
        .await
        .map_err(|e| format!("cannot start fake discord: {e}"))?;
    let port = server.ready().port;
    let observer = Observer::new(true);
    let bugle = Arc::new(BugleDriver::observed(
        &spec,
        port,
        Arc::clone(&observer),
        None,
    )?);
    let mut raw = RawConnection::new(port, Ipv4Addr::LOCALHOST.into());
    let mut failed = 0;
    let mut channels = Vec::new();
    for round in 0..RECOVERY_ROUNDS {
        let ids: Vec<u64> = (0..RECOVERY_CHANNELS)
            .map(|i| CHANNEL_BASE + 1_000 + round * RECOVERY_CHANNELS + i)
            .collect();
        for &channel in &ids {
            for n in 0..5 {
                raw.create(channel, &format!("filler {n}")).await?;
            }
        }
        let mut tasks = JoinSet::new();
        for &channel in &ids {
            let bugle = Arc::clone(&bugle);
            tasks.spawn(async move { bugle.create(channel, content(channel)).await });
        }
        while let Some(joined) = tasks.join_next().await {
            if !matches!(joined, Ok(Ok(_))) {
                failed += 1;
            }
        }
        channels.extend(ids);
    }
    let _ = server.finish(&ReportRequest::default()).await;
    let mut recovery = recovery_of(&observer.exchanges(), &channels);
    recovery.failed = failed;
    Ok(recovery)
}

/// The recovery figures of `channels` from the exchanges bugle's transport saw.
pub fn recovery_of(exchanges: &[Exchange], channels: &[u64]) -> Recovery {
    let mut to_send = Vec::new();
    let mut to_success = Vec::new();
    let mut extra_429s = 0;
    for channel in channels {
        let path = format!("/api/v10/channels/{channel}/messages");
        let mine: Vec<&Exchange> = exchanges.iter().filter(|e| e.path == path).collect();
        let Some(first) = mine.iter().position(|e| e.retry_after.is_some()) else {
            continue;
        };
        let limited = mine[first];
        let expiry = limited.answered.as_secs_f64() + limited.retry_after.unwrap_or(0.0);
        let rest = &mine[first + 1..];
        extra_429s += rest.iter().filter(|e| e.retry_after.is_some()).count() as u64;
        let next = rest
            .iter()
            .find(|e| e.status.is_some_and(|s| s.is_success()));
        if let Some(next) = next {
            to_send.push(next.sent.as_secs_f64() - expiry);
            to_success.push(next.answered.as_secs_f64() - expiry);
        }
    }
    let ms = |values: &mut Vec<f64>| -> (f64, f64) {
        values.sort_by(f64::total_cmp);
        let median = crate::report::median(values).unwrap_or(0.0);
        let max = values.last().copied().unwrap_or(0.0);
        (median * 1e3, max * 1e3)
    };
    let (to_send_p50_ms, to_send_max_ms) = ms(&mut to_send);
    let (to_success_p50_ms, to_success_max_ms) = ms(&mut to_success);
    Recovery {
        samples: to_send.len(),
        to_send_p50_ms,
        to_send_max_ms,
        to_success_p50_ms,
        to_success_max_ms,
        extra_429s,
        failed: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(
            percentile(&mut samples, 0.5),
            Some(Duration::from_millis(50))
        );
        assert_eq!(
            percentile(&mut samples, 0.99),
            Some(Duration::from_millis(99))
        );
        assert_eq!(
            percentile(&mut samples[..1], 0.99),
            Some(Duration::from_millis(1))
        );
        assert_eq!(percentile(&mut [], 0.5), None);
    }

    fn exchange(path: &str, sent_ms: u64, answered_ms: u64, status: u16) -> Exchange {
        Exchange {
            path: path.to_owned(),
            sent: Duration::from_millis(sent_ms),
            answered: Duration::from_millis(answered_ms),
            status: StatusCode::from_u16(status).ok(),
            retry_after: (status == 429).then_some(4.5),
        }
    }

    #[test]
    fn recovery_counts_from_the_retry_after_running_out() {
        let a = "/api/v10/channels/1/messages";
        let b = "/api/v10/channels/2/messages";
        let exchanges = [
            exchange(a, 0, 10, 429),
            exchange(b, 0, 20, 429),
            // a: 429 at 10 ms + 4.5 s = 4,510 ms; sent at 4,512, answered at 4,515.
            exchange(a, 4_512, 4_515, 200),
            // b: 4,520 ms; sent too early once, then at 4,530, answered at 4,540.
            exchange(b, 4_500, 4_505, 429),
            exchange(b, 4_530, 4_540, 200),
        ];
        let recovery = recovery_of(&exchanges, &[1, 2, 3]);
        assert_eq!(recovery.samples, 2);
        assert_eq!(recovery.extra_429s, 1);
        assert!((recovery.to_send_p50_ms - 6.0).abs() < 1e-6);
        assert!((recovery.to_send_max_ms - 10.0).abs() < 1e-6);
        assert!((recovery.to_success_max_ms - 20.0).abs() < 1e-6);
    }
}

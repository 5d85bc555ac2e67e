//! The foreign sender of `foreign-load`: another program on the same bot token that
//! ignores rate limits. It posts creates to the first few of the workload's channels at a
//! fixed rate, reads no header and never waits out a 429; each of its connections sends
//! its next request on schedule once the previous one is answered.
//!
//! It connects from `127.0.0.2`, so Discord's invalid-request ban (10,000 in 10 minutes,
//! per IP), if it reaches it, falls on it and not on the bugle processes (as when it runs
//! on another host). What it shares with them is the token's global limit and the buckets
//! of the channels it posts to.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use crate::raw::RawConnection;
use crate::report::ForeignReport;
use crate::scenario::Spec;

/// How many of the workload's channels (the first ones) the foreign sender posts to.
pub const FOREIGN_CHANNELS: u64 = 4;
/// Its connections, each sending one request at a time.
pub const FOREIGN_CONNECTIONS: u32 = 8;
/// The loopback address it connects from.
pub const FOREIGN_ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// The content of the foreign sender's `n`-th create on connection `connection` (not a
/// workload tag, so `FakeDiscord`'s report counts it apart).
pub fn foreign_content(connection: u32, n: u64) -> String {
    format!("foreign {connection}-{n}")
}

/// A running foreign sender.
#[derive(Debug)]
pub struct ForeignSender {
    rate: u32,
    stop: watch::Sender<bool>,
    tasks: JoinSet<ForeignReport>,
}

impl ForeignSender {
    /// Starts sending `rate` creates per second to `FakeDiscord` on `port`.
    pub fn start(port: u16, rate: u32) -> Self {
        let rate = rate.max(1);
        let (stop, watcher) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let period = Duration::from_secs_f64(f64::from(FOREIGN_CONNECTIONS) / f64::from(rate));
        for connection in 0..FOREIGN_CONNECTIONS {
            let mut watcher = watcher.clone();
            tasks.spawn(async move {
                let mut raw = RawConnection::new(port, FOREIGN_ADDR);
                let mut counts = ForeignReport::default();
                let mut ticks = tokio::time::interval(period);
                ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
                // Spread the connections' first sends over one period.
                tokio::time::sleep(period / FOREIGN_CONNECTIONS * connection).await;
                for n in 0.. {
                    tokio::select! {
                        _ = watcher.changed() => break,
                        _ = ticks.tick() => {}
                    }
                    let which = (u64::from(connection) + n) % FOREIGN_CHANNELS;
                    let answer = raw
                        .create(Spec::channel_id(which), &foreign_content(connection, n))
                        .await;
                    counts.sent += 1;
                    match answer {
                        Ok(a) if a.status.is_success() => counts.ok += 1,
                        Ok(a) if a.status == http::StatusCode::TOO_MANY_REQUESTS => {
                            counts.rate_limited += 1;
                        }
                        _ => counts.other += 1,
                    }
                }
                counts
            });
        }
        Self { rate, stop, tasks }
    }

    /// Stops sending and sums up what every connection did.
    pub async fn stop(mut self) -> ForeignReport {
        let _ = self.stop.send(true);
        let mut total = ForeignReport {
            rate_per_s: self.rate,
            channels: FOREIGN_CHANNELS,
            ..ForeignReport::default()
        };
        while let Some(joined) = self.tasks.join_next().await {
            if let Ok(counts) = joined {
                total.sent += counts.sent;
                total.ok += counts.ok;
                total.rate_limited += counts.rate_limited;
                total.other += counts.other;
            }
        }
        total
    }
}

//! What the relay reports through the `metrics` facade, and the Prometheus
//! text `/metrics` serves.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `bugle_relay_received_total` | counter | `source`, `outcome` (accepted, duplicate, unauthorized, bad_request, too_large, unknown_route, full, error) |
//! | `bugle_relay_queued_total` | counter | |
//! | `bugle_relay_delivered_total` | counter | |
//! | `bugle_relay_coalesced_total` | counter | |
//! | `bugle_relay_dead_lettered_total` | counter | |
//! | `bugle_relay_retries_total` | counter | |
//! | `bugle_relay_pending` | gauge | |
//! | `bugle_relay_dead_letters` | gauge | |
//! | `bugle_relay_oldest_pending_seconds` | gauge | |
//! | `bugle_relay_delivery_latency_seconds` | histogram | |
//! | `bugle_relay_discord_reachable` | gauge | 1 when the last call answered |
//! | `bugle_relay_destination_ok` | gauge | `destination`: 1 checked, 0 failed or unchecked |

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::outbox::Stats;

/// The process's Prometheus recorder, installed on first use (the `metrics`
/// facade has one global recorder per process). `None` when another
/// recorder was installed first.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(
                        "bugle_relay_delivery_latency_seconds".to_owned(),
                    ),
                    &[
                        0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
                    ],
                )
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// The text for `/metrics`.
pub fn render() -> String {
    prometheus()
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}

pub(crate) fn received(source: &'static str, outcome: &'static str) {
    metrics::counter!("bugle_relay_received_total", "source" => source, "outcome" => outcome)
        .increment(1);
}

pub(crate) fn queued(count: usize) {
    metrics::counter!("bugle_relay_queued_total").increment(count as u64);
}

pub(crate) fn delivered(delivered: usize, coalesced: usize, dead: usize) {
    metrics::counter!("bugle_relay_delivered_total").increment(delivered as u64);
    metrics::counter!("bugle_relay_coalesced_total").increment(coalesced as u64);
    metrics::counter!("bugle_relay_dead_lettered_total").increment(dead as u64);
}

pub(crate) fn retried() {
    metrics::counter!("bugle_relay_retries_total").increment(1);
}

#[allow(clippy::cast_precision_loss)] // milliseconds as seconds, for a histogram
pub(crate) fn latency(ms: i64) {
    metrics::histogram!("bugle_relay_delivery_latency_seconds").record(ms.max(0) as f64 / 1000.0);
}

pub(crate) fn discord_reachable(reachable: bool) {
    metrics::gauge!("bugle_relay_discord_reachable").set(if reachable { 1.0 } else { 0.0 });
}

pub(crate) fn destination_ok(destination: &str, ok: bool) {
    metrics::gauge!("bugle_relay_destination_ok", "destination" => destination.to_owned())
        .set(if ok { 1.0 } else { 0.0 });
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
pub(crate) fn outbox(stats: Stats, now_ms: i64) {
    metrics::gauge!("bugle_relay_pending").set(stats.pending as f64);
    metrics::gauge!("bugle_relay_dead_letters").set(stats.dead as f64);
    let age = stats
        .oldest_pending_ms
        .map_or(0.0, |oldest| (now_ms - oldest).max(0) as f64 / 1000.0);
    metrics::gauge!("bugle_relay_oldest_pending_seconds").set(age);
}

/// A press of a card's button (or a silence form), by what it asked and
/// how it ended (`done`, `refused`, `failed`, `invalid`).
pub(crate) fn pressed(action: &'static str, outcome: &'static str) {
    metrics::counter!("bugle_relay_card_actions_total", "action" => action, "outcome" => outcome)
        .increment(1);
}

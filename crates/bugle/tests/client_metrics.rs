//! The metrics of `bugle::telemetry`, captured with `metrics-util`'s
//! `DebuggingRecorder` installed for this thread only: a paused-clock
//! runtime runs on the same thread inside `metrics::with_local_recorder`.

mod client_support;

use std::collections::BTreeMap;
use std::time::Duration;

use bugle::telemetry::{
    QUEUE_DEPTH, RATE_LIMITS_HIT, REQUEST_DURATION_SECONDS, REQUESTS_FAILED, REQUESTS_SUCCESS,
    REQUESTS_TOTAL,
};
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, ExecuteWebhook};
use bugle_sim::fake::{FakeRateLimits, RouteKind, Sublimit};
use client_support::{HOOK_TOKEN, TEXT, config_builder, fake_builder, setup_with};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

const SEND_ROUTE: &str = "POST /channels/{channel_id}/messages";

/// One recorded metric: its name and its labels.
type MetricKey = (String, BTreeMap<String, String>);

fn values(snapshotter: &Snapshotter) -> BTreeMap<MetricKey, DebugValue> {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _unit, _description, value)| {
            let key = key.key();
            let labels = key
                .labels()
                .map(|label| (label.key().to_owned(), label.value().to_owned()))
                .collect();
            ((key.name().to_owned(), labels), value)
        })
        .collect()
}

/// `later` added to `earlier`: a snapshot drains every metric (counters and
/// gauges back to zero, histograms emptied), so totals are sums of snapshots.
fn merge(
    mut earlier: BTreeMap<MetricKey, DebugValue>,
    later: BTreeMap<MetricKey, DebugValue>,
) -> BTreeMap<MetricKey, DebugValue> {
    for (key, value) in later {
        let merged = match (earlier.remove(&key), value) {
            (Some(DebugValue::Counter(a)), DebugValue::Counter(b)) => DebugValue::Counter(a + b),
            (Some(DebugValue::Gauge(a)), DebugValue::Gauge(b)) => DebugValue::Gauge(a + b),
            (Some(DebugValue::Histogram(mut a)), DebugValue::Histogram(b)) => {
                a.extend(b);
                DebugValue::Histogram(a)
            }
            (_, value) => value,
        };
        earlier.insert(key, merged);
    }
    earlier
}

fn key(name: &str, labels: &[(&str, &str)]) -> MetricKey {
    (
        name.to_owned(),
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn send_labels() -> [(&'static str, &'static str); 2] {
    [("operation", "send_message"), ("route", SEND_ROUTE)]
}

fn run_paused<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(future)
}

#[test]
fn every_metric_is_recorded_with_operation_and_route_labels() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let mid_flight = metrics::with_local_recorder(&recorder, || {
        run_paused(async {
            // A hidden sublimit the client cannot foresee: the third create
            // meets a 429, and the client waits and retries.
            let limits = FakeRateLimits::discord_defaults().sublimit(Sublimit::new(
                RouteKind::CreateMessage,
                2,
                Duration::from_secs(2),
            ));
            let (client, _fake, _spy) =
                setup_with(fake_builder().rate_limits(limits), config_builder());
            let text = ChannelId::new(TEXT);
            for n in 0..3 {
                client
                    .send_message(text, CreateMessage::new().content(format!("m{n}")))
                    .await
                    .expect("sent");
            }
            // The limiter learned the sublimit: two more creates wait for a
            // permit, and the queue gauge shows them while they do.
            let waiting: Vec<_> = (0..2)
                .map(|n| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        client
                            .send_message(text, CreateMessage::new().content(format!("w{n}")))
                            .await
                    })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(10)).await;
            let mid_flight = values(&snapshotter);
            for task in waiting {
                task.await.expect("task").expect("sent after waiting");
            }
            client
                .send_message(ChannelId::new(4_040), CreateMessage::new().content("x"))
                .await
                .expect_err("unknown channel");
            client
                .execute_webhook(ExecuteWebhook::new().content("hook"))
                .await
                .expect("executed");
            mid_flight
        })
    });
    let queued = mid_flight
        .get(&key(QUEUE_DEPTH, &send_labels()))
        .expect("queue depth recorded");
    assert!(
        matches!(queued, DebugValue::Gauge(depth) if depth.into_inner() >= 1.0),
        "{queued:?}"
    );

    let metrics = merge(mid_flight, values(&snapshotter));
    let counter = |name: &str, labels: &[(&str, &str)]| match metrics.get(&key(name, labels)) {
        Some(DebugValue::Counter(n)) => *n,
        other => panic!("{name} {labels:?}: {other:?} in {:#?}", metrics.keys()),
    };
    // Five creates to the known channel and one to the unknown one; the 429
    // adds an attempt.
    assert_eq!(counter(REQUESTS_TOTAL, &send_labels()), 7);
    assert_eq!(counter(REQUESTS_SUCCESS, &send_labels()), 5);
    assert_eq!(counter(RATE_LIMITS_HIT, &send_labels()), 1);
    let [operation, route] = send_labels();
    assert_eq!(
        counter(REQUESTS_FAILED, &[operation, route, ("kind", "not_found")]),
        1
    );
    match metrics.get(&key(REQUEST_DURATION_SECONDS, &send_labels())) {
        Some(DebugValue::Histogram(seconds)) => {
            assert_eq!(seconds.len(), 6, "one duration per operation");
            assert!(
                seconds.iter().any(|s| s.into_inner() >= 2.0),
                "the rate-limited create waited about two seconds: {seconds:?}"
            );
        }
        other => panic!("no duration histogram: {other:?}"),
    }
    assert_eq!(
        metrics.get(&key(QUEUE_DEPTH, &send_labels())),
        Some(&DebugValue::Gauge(0.0.into())),
        "every waiting request left the queue"
    );

    // The webhook route is a template: the token never becomes a label.
    let hook_labels = [
        ("operation", "execute_webhook"),
        ("route", "POST /webhooks/{webhook_id}/{webhook_token}"),
    ];
    assert_eq!(counter(REQUESTS_SUCCESS, &hook_labels), 1);
    assert_eq!(
        metrics.get(&key(QUEUE_DEPTH, &hook_labels)),
        None,
        "a permit granted at once never joins the queue"
    );
    for (_, labels) in metrics.keys() {
        assert!(labels.values().all(|value| !value.contains(HOOK_TOKEN)));
    }
}

//! The relay's figures for docs/benchmarks.md:
//! - ingest rate: notifications per second accepted over HTTP and committed
//!   to the outbox (SQLite file; PostgreSQL when `BUGLE_TEST_DATABASE_URL`
//!   or 127.0.0.1:5432 answers), with the delivery worker stopped so the
//!   figure is the commit path alone;
//! - the same commit path straight into the SQLite outbox (no HTTP) with a
//!   backlog of 0, 10,000 and 100,000 undelivered notifications;
//! - end-to-end latency from the POST to the card on `FakeDiscord` (served on
//!   loopback, Discord's default limits), p50 and p99.
//!
//! ```text
//! cargo run --release -p bugle-relay --example relay_figures
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bugle::DiscordClient;
use bugle_relay::clock::Clock;
use bugle_relay::outbox::{Envelope, Outbox, PostgresOutbox, SqliteOutbox};
use bugle_relay::{LoadOptions, Relay, RelayConfig, discord_config};
use bugle_sim::fake::FakeDiscord;
use secrecy::SecretString;
use tokio::time::Instant;

const CHANNELS: [u64; 4] = [
    1_600_000_000_000_000_001,
    1_600_000_000_000_000_002,
    1_600_000_000_000_000_003,
    1_600_000_000_000_000_004,
];

fn relay_config(sqlite: &std::path::Path, api: Option<&str>) -> RelayConfig {
    let api = api
        .map(|a| format!("api_base = \"{a}\""))
        .unwrap_or_default();
    let text = format!(
        r#"
[auth]
bearer_token = {{ env = "T" }}
[discord]
bot_token = {{ env = "B" }}
{api}
[channels]
c0 = "{}"
c1 = "{}"
c2 = "{}"
c3 = "{}"
[[rules]]
matchers = ['service=~".*1"']
channel = "c1"
[[rules]]
matchers = ['service=~".*2"']
channel = "c2"
[[rules]]
matchers = ['service=~".*3"']
channel = "c3"
[default]
channel = "c0"
[outbox]
sqlite = "{}"
capacity = 1000000
"#,
        CHANNELS[0],
        CHANNELS[1],
        CHANNELS[2],
        CHANNELS[3],
        sqlite.display()
    );
    RelayConfig::from_toml_with_env(&text, LoadOptions::default(), &|name| match name {
        "T" => Some("figures-token".to_owned()),
        "B" => Some("figures-bot".to_owned()),
        _ => None,
    })
    .expect("config")
}

fn fake() -> FakeDiscord {
    let mut builder = FakeDiscord::builder()
        .bot_token("figures-bot")
        .guild(1_600_000_000_000_000_000);
    for channel in CHANNELS {
        builder = builder.text_channel(channel);
    }
    builder.build()
}

/// A firing group whose `service` label ends in `group % 4`, so the rules
/// spread the groups evenly over the four channels.
fn payload(group: usize) -> Vec<u8> {
    bugle_relay::sender::alertmanager_sample(
        &service(group),
        "firing",
        2,
        "2026-01-01T10:00:00Z",
        "2026-01-01T10:30:00Z",
    )
    .to_string()
    .into_bytes()
}

/// Serves `relay` (without its worker) and posts `total` notifications
/// from `senders` concurrent senders; notifications per second.
async fn ingest_rate(relay: Relay, total: usize, senders: usize) -> f64 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!(
        "http://{}/alertmanager",
        listener.local_addr().expect("addr")
    );
    let server = tokio::spawn(async move { axum::serve(listener, relay.router()).await });
    let next = Arc::new(AtomicUsize::new(0));
    let token = SecretString::from("figures-token");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (next, base, token) = (Arc::clone(&next), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return;
                }
                let answer = bugle_relay::sender::post(&base, Some(&token), &payload(i))
                    .await
                    .expect("post");
                assert!(answer.status.is_success(), "{}", answer.body);
            }
        }));
    }
    for task in tasks {
        task.await.expect("sender");
    }
    let elapsed = started.elapsed();
    server.abort();
    #[allow(clippy::cast_precision_loss)]
    let rate = total as f64 / elapsed.as_secs_f64();
    rate
}

/// Single-notification enqueues per second into a SQLite outbox that
/// already holds each backlog.
async fn backlog_rates(path: &std::path::Path) -> Vec<(usize, f64)> {
    let outbox = SqliteOutbox::open(path, 10_000_000).expect("outbox");
    let config = relay_config(path, None);
    let route = config.rules.route(&bugle_relay::model::Labels::new())[0].clone();
    let envelope = |i: usize| Envelope {
        notification: bugle_relay::ingest::parse(bugle_relay::Source::Alertmanager, &payload(i))
            .expect("parses"),
        route: route.clone(),
    };
    let mut next = 0;
    let mut rates = Vec::new();
    for backlog in [0, 10_000, 100_000] {
        while next < backlog {
            let batch: Vec<Envelope> = (next..next + 1000).map(envelope).collect();
            outbox.enqueue(batch, 0).await.expect("enqueue");
            next += 1000;
        }
        let started = Instant::now();
        for _ in 0..500 {
            outbox
                .enqueue(vec![envelope(next)], 0)
                .await
                .expect("enqueue");
            next += 1;
        }
        rates.push((backlog, 500.0 / started.elapsed().as_secs_f64()));
    }
    rates
}

fn service(group: usize) -> String {
    format!("svc{group}x{}", group % 4)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // three measurements in order
async fn main() {
    let dir = std::env::temp_dir().join(format!("bugle-relay-figures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let total = 3000;
    let senders = 8;

    // Ingest to SQLite.
    let config = relay_config(&dir.join("ingest.sqlite3"), None);
    let client =
        DiscordClient::with_transport(discord_config(&config).build().expect("dc"), fake());
    let relay = Relay::open(config, client, Clock::system())
        .await
        .expect("relay");
    let sqlite_rate = ingest_rate(relay, total, senders).await;
    println!(
        "ingest, SQLite (WAL, synchronous=FULL), {senders} senders, {total} notifications: {sqlite_rate:.0}/s"
    );

    for (backlog, rate) in backlog_rates(&dir.join("backlog.sqlite3")).await {
        println!(
            "enqueue into SQLite directly, one notification per commit, {backlog} already pending: {rate:.0}/s"
        );
    }

    // Ingest to PostgreSQL, when one answers.
    let url = std::env::var("BUGLE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("relay_figures_{}", std::process::id());
    match PostgresOutbox::connect(&url, &schema, 1_000_000).await {
        Ok(outbox) => {
            let config = relay_config(&dir.join("unused.sqlite3"), None);
            let client =
                DiscordClient::with_transport(discord_config(&config).build().expect("dc"), fake());
            let outbox: Arc<dyn Outbox> = Arc::new(outbox);
            let relay = Relay::new(config, outbox, client, Clock::system());
            let rate = ingest_rate(relay, total, senders).await;
            println!(
                "ingest, PostgreSQL (one ingest connection per relay), {senders} senders, {total} notifications: {rate:.0}/s"
            );
            if let Ok((client, connection)) =
                tokio_postgres::connect(&url, tokio_postgres::NoTls).await
            {
                tokio::spawn(connection);
                let _ = client
                    .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                    .await;
            }
        }
        Err(error) => println!("ingest, PostgreSQL: skipped ({error})"),
    }

    // End to end: POST → card on FakeDiscord over loopback, default limits.
    let discord = fake();
    let server = discord
        .serve(([127, 0, 0, 1], 0).into())
        .await
        .expect("bind fake");
    let api = format!("http://{}/api", server.local_addr());
    let config = relay_config(&dir.join("e2e.sqlite3"), Some(&api));
    let client = DiscordClient::new(discord_config(&config).build().expect("dc")).expect("client");
    let relay = Relay::open(config, client, Clock::system())
        .await
        .expect("relay");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!(
        "http://{}/alertmanager",
        listener.local_addr().expect("addr")
    );
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(relay.run(listener, "figures", async {
        let _ = stop_rx.await;
    }));
    let samples = 100;
    let token = SecretString::from("figures-token");
    let mut latencies = Vec::new();
    // 2 notifications a second over 4 channels: within Discord's 5 per 5 s per
    // channel, so the figure is the relay's own latency, not rate-limit waits.
    for i in 0..samples {
        let pace = Instant::now();
        let sent = Instant::now();
        let answer = bugle_relay::sender::post(&base, Some(&token), &payload(i))
            .await
            .expect("post");
        assert!(answer.status.is_success());
        let suffix = format!("· {}", service(i));
        let channel = CHANNELS[i % 4];
        loop {
            let shown = discord.messages(channel).iter().any(|m| {
                m.embeds
                    .first()
                    .and_then(|e| e.title.as_deref())
                    .is_some_and(|t| t.ends_with(&suffix))
            });
            if shown {
                latencies.push(sent.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        tokio::time::sleep_until(pace + Duration::from_millis(500)).await;
    }
    latencies.sort();
    println!(
        "end to end, POST → card on FakeDiscord (loopback, default limits), {samples} notifications at 2/s over 4 channels: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
    let _ = stop_tx.send(());
    let _ = running.await;
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

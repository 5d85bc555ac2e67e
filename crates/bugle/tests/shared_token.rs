//! Issue 13 (d), end to end in virtual time: several clients, each with its own rate
//! limiter (as separate processes have), share one bot token against one `FakeDiscord`
//! with Discord's default limits, answering at once or after 1–40 ms. Every message is
//! delivered exactly once, no client takes more than 1.5 times the 16 s minimum, and
//! the 429s stay few.

mod client_support;

use std::sync::Arc;
use std::time::Duration;

use bugle::DiscordClient;
use bugle_model::id::ChannelId;
use bugle_model::request::CreateMessage;
use bugle_sim::fake::{Delay, FakeDiscord, FaultConfig};
use client_support::{TOKEN, config_builder};
use tokio::sync::Semaphore;
use tokio::time::Instant;

const CHANNELS: u64 = 20;
const JOBS: u64 = 400;
const FIRST_CHANNEL: u64 = 5_000;

/// `clients` clients share the 400 creates (round robin over 20 channels), 50 in flight
/// each; returns each client's finishing time and the fake.
async fn run(clients: u64, delay: Delay) -> (Vec<Duration>, FakeDiscord) {
    let mut fake = FakeDiscord::builder()
        .bot_token(TOKEN)
        .seed(3)
        .faults(FaultConfig::none().delay(delay));
    for n in 0..CHANNELS {
        fake = fake.text_channel(FIRST_CHANNEL + n);
    }
    let fake = fake.build();
    let start = Instant::now();
    let mut runs = Vec::new();
    for c in 0..clients {
        let client = DiscordClient::with_transport(config_builder().build().unwrap(), fake.clone());
        let slots = Arc::new(Semaphore::new(50));
        let jobs: Vec<_> = (0..JOBS)
            .filter(|job| job % clients == c)
            .map(|job| {
                let (client, slots) = (client.clone(), slots.clone());
                tokio::spawn(async move {
                    let _slot = slots.acquire_owned().await.unwrap();
                    let channel = ChannelId::new(FIRST_CHANNEL + job % CHANNELS);
                    client
                        .send_message(channel, CreateMessage::new().content(format!("job {job}")))
                        .await
                        .unwrap_or_else(|error| panic!("job {job}: {error}"));
                })
            })
            .collect();
        runs.push(tokio::spawn(async move {
            for job in jobs {
                job.await.unwrap();
            }
            Instant::now() - start
        }));
    }
    let mut finished = Vec::new();
    for run in runs {
        finished.push(run.await.unwrap());
    }
    (finished, fake)
}

#[tokio::test(start_paused = true)]
async fn clients_sharing_a_token_without_sharing_state_deliver_everything_once() {
    let ms = Duration::from_millis;
    let delays = [
        Delay::None,
        Delay::Uniform {
            min: ms(1),
            max: ms(40),
        },
    ];
    for (clients, delay) in [2, 4].into_iter().flat_map(|c| delays.map(|d| (c, d))) {
        let (finished, fake) = run(clients, delay).await;
        let counters = fake.counters();
        eprintln!(
            "{clients} clients, {delay:?}: {finished:?}; 429s user {}, global {}",
            counters.rate_limited_user, counters.rate_limited_global
        );
        assert_eq!(counters.messages_created, JOBS, "{counters:?}");
        let mut seen = std::collections::HashSet::new();
        for n in 0..CHANNELS {
            for message in fake.messages(FIRST_CHANNEL + n) {
                assert!(
                    seen.insert(message.content.clone()),
                    "duplicate {}",
                    message.content
                );
            }
        }
        // The minimum is 16 s; no client may take more than 1.5 times that.
        for time in &finished {
            assert!(
                *time <= Duration::from_secs(24),
                "{clients} clients, {delay:?}: {finished:?}"
            );
        }
        assert_eq!(counters.banned, 0);
        // Each client starts out owning the whole global pool: the first burst meets the
        // others'. After that, each keeps to its share of the pool.
        let too_many = counters.rate_limited_user + counters.rate_limited_global;
        assert!(too_many <= 80, "{clients} clients: {too_many} 429s");
    }
}

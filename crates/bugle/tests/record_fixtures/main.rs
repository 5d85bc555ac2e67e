//! Records the fixture cassettes in `fixtures/cassettes/` through [`DiscordClient`] itself.
//!
//! There is no real Discord here: each cassette is recorded by running the facade's
//! `DiscordClient` over bugle's `HyperTransport`, wrapped in a cassette `Recorder`, against
//! `FakeDiscord` served on loopback (`127.0.0.1`, any free port), one fresh `FakeDiscord`
//! per cassette. What is recorded is exactly what the client sends: its protective defaults
//! (`allowed_mentions`, `enforce_nonce`), its multipart encoding and its own retries after a
//! 429 or a 5xx.
//!
//! The recording is an ignored test, so CI never rewrites the fixtures:
//!
//! ```text
//! cargo test -p bugle --test record_fixtures -- --ignored
//! ```
//!
//! It writes into the workspace's `fixtures/cassettes` (or into the directory named by
//! `BUGLE_FIXTURES_OUT`). Files are deterministic: tokio's paused clock, a fixed
//! `FakeDiscord` seed and start time, fixed retry jitter, and nonces given by the scenarios
//! (the client's own nonces are random). The bot and webhook tokens are registered with the
//! recorder as secrets, so a cassette that still held one would be refused rather than
//! written.
//!
//! The tests that are not ignored record every scenario twice into memory (same checks, and
//! the two recordings must be identical), and replay every scenario through a client in
//! replay mode against the committed cassette, so a change in what the client sends shows
//! up as a failing test until the fixtures are recorded again.

mod component_scenarios;
#[allow(dead_code)]
#[path = "../../../bugle-sim/tests/fixture_world/constants.rs"]
mod constants;
mod scenarios;
#[allow(dead_code)]
#[path = "../../../bugle-sim/tests/fixture_world/world.rs"]
mod world;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bugle::retry::FixedJitter;
use bugle::{DefaultRetryPolicy, DiscordClient, DiscordConfig, DiscordConfigBuilder, Simulation};
use bugle_sim::cassette::{Cassette, Recorder};
use bugle_sim::clock::SimClock;
use bugle_sim::fake::{
    FakeDiscordBuilder, FakeRateLimits, FaultConfig, Outage, RouteKind, Sublimit,
};
use bugle_transport::HyperTransport;
use http::StatusCode;
use tokio::time::Instant;

use constants::{
    BOT_TOKEN, CASSETTES, FORUM_WEBHOOK, FORUM_WEBHOOK_TOKEN, SECRETS, WEBHOOK, WEBHOOK_TOKEN,
};
use world::{Served, fixture_discord, loopback_transport, start_time};

/// What can go wrong while recording.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The longest a scenario may take on the paused clock. The longest real wait is the 429's
/// (2 s); a scenario that took longer would mean the paused clock jumped to a timeout while
/// a loopback answer was on its way, and its recording would not be trustworthy.
const MAX_SCENARIO_TIME: Duration = Duration::from_secs(10);

/// Per-attempt and whole-operation timeouts while recording: far beyond any scenario, so
/// that only a broken recording could reach them (see [`MAX_SCENARIO_TIME`]).
const RECORDING_TIMEOUT: Duration = Duration::from_secs(3_600);

fn default_out_dir() -> PathBuf {
    std::env::var_os("BUGLE_FIXTURES_OUT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cassettes"),
        PathBuf::from,
    )
}

/// The fixture world adjusted for the scenario of cassette `name`:
/// - `rate_limited_429_then_200`: a hidden sublimit of two message creates per two seconds
///   per channel, below the message bucket's announced five. The headers show capacity left,
///   so the client's limiter cannot foresee the third create's 429; it learns the sublimit
///   from that 429, waits as told, and the retry succeeds.
/// - `server_error_5xx_then_200`: an outage answering 503 for the first 100 ms; the client's
///   backoff (250 ms with the fixed jitter) retries after it ends.
fn configure(name: &str, builder: FakeDiscordBuilder) -> FakeDiscordBuilder {
    match name {
        "rate_limited_429_then_200" => {
            builder.rate_limits(FakeRateLimits::discord_defaults().sublimit(Sublimit::new(
                RouteKind::CreateMessage,
                2,
                Duration::from_secs(2),
            )))
        }
        "server_error_5xx_then_200" => builder.faults(FaultConfig::none().outage(Outage::new(
            Duration::ZERO,
            Duration::from_millis(100),
            StatusCode::SERVICE_UNAVAILABLE,
        ))),
        _ => builder,
    }
}

/// The fixture tokens and webhooks, with backoff with fixed jitter (each retry waits its
/// full ceiling) so that retries happen at the same virtual times on every run.
fn fixture_config() -> DiscordConfigBuilder {
    DiscordConfig::builder()
        .bot_token(BOT_TOKEN)
        .webhook_url(&format!(
            "https://discord.com/api/webhooks/{WEBHOOK}/{WEBHOOK_TOKEN}"
        ))
        .named_webhook_url(
            "forum",
            &format!("https://discord.com/api/webhooks/{FORUM_WEBHOOK}/{FORUM_WEBHOOK_TOKEN}"),
        )
        .retry_policy(DefaultRetryPolicy::new().jitter(FixedJitter::new(1.0)))
}

/// A client for the served fake: [`fixture_config`], plain http to loopback, and timeouts
/// no scenario reaches.
fn client(
    served: &Served,
    transport: Arc<Recorder<HyperTransport>>,
) -> Result<DiscordClient, BoxError> {
    let config = fixture_config()
        .base_url(served.api_base())
        .allow_plain_http(true)
        .request_timeout(RECORDING_TIMEOUT)
        .operation_timeout(RECORDING_TIMEOUT)
        .build()?;
    Ok(DiscordClient::with_transport(config, transport))
}

/// Records the scenario of cassette `name`: returns the cassette, after checking that it
/// holds one interaction per request `FakeDiscord` received and that the scenario did not
/// take longer than it can.
async fn record(name: &str) -> Result<(Cassette, Arc<Recorder<HyperTransport>>), BoxError> {
    let served = Served::start(configure(name, fixture_discord())).await?;
    let recorder = SECRETS.iter().fold(
        Recorder::with_clock(loopback_transport()?, SimClock::starting_at(start_time())),
        |recorder, secret| recorder.with_secret(*secret),
    );
    let recorder = Arc::new(recorder);
    let client = client(&served, recorder.clone())?;
    let started = Instant::now();
    let outcome = scenarios::run(name, &client).await;
    let took = started.elapsed();
    let received = served.discord.request_log().len();
    served.shutdown().await;
    outcome?;
    if took > MAX_SCENARIO_TIME {
        return Err(format!("the scenario took {took:?} of virtual time").into());
    }
    let cassette = recorder.cassette();
    let interactions = cassette.interactions.len();
    if interactions != received {
        return Err(format!(
            "recorded {interactions} interactions but FakeDiscord received {received} requests"
        )
        .into());
    }
    check_statuses(name, &cassette)?;
    Ok((cassette, recorder))
}

/// The statuses a scenario must have recorded: a 429 (of the hidden, `user`-scoped
/// sublimit) then a 200 for the rate-limit cassette, a 503 then a 200 for the server-error
/// one, and only successes elsewhere.
fn check_statuses(name: &str, cassette: &Cassette) -> Result<(), BoxError> {
    let statuses: Vec<u16> = cassette
        .interactions
        .iter()
        .map(|i| i.response.as_ref().map_or(0, |r| r.status))
        .collect();
    let expected_ok = match name {
        "rate_limited_429_then_200" => {
            let scope = cassette.interactions[2]
                .response
                .as_ref()
                .and_then(|r| r.headers.get("x-ratelimit-scope"));
            statuses == [200, 200, 429, 200] && scope.is_some_and(|s| s == "user")
        }
        "server_error_5xx_then_200" => statuses == [503, 200],
        _ => statuses.iter().all(|s| (200..300).contains(s)),
    };
    if expected_ok {
        Ok(())
    } else {
        Err(format!("unexpected statuses {statuses:?}").into())
    }
}

/// Writes every cassette into the fixtures directory.
#[tokio::test(start_paused = true)]
#[ignore = "rewrites fixtures/cassettes; run with --ignored to re-record"]
async fn record_fixture_cassettes() {
    let out = default_out_dir();
    for name in CASSETTES {
        let (cassette, recorder) = record(name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        recorder
            .save(out.join(format!("{name}.json")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        println!("{name}.json: {} interactions", cassette.interactions.len());
    }
    println!("wrote {} cassettes to {}", CASSETTES.len(), out.display());
}

/// Every scenario records through the client, and recording is deterministic: the same
/// scenario recorded twice gives the same cassette text.
#[tokio::test(start_paused = true)]
async fn every_scenario_records_through_the_client_deterministically() {
    for name in CASSETTES {
        let (first, _) = record(name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let (second, _) = record(name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            first.to_json(),
            second.to_json(),
            "{name} differs between recordings"
        );
        let text = first.to_json();
        for secret in SECRETS {
            assert!(!text.contains(secret), "{name} holds a token");
        }
    }
}

/// The committed cassettes are what the client sends today: every scenario, run through a
/// client in replay mode against its cassette, gets its answers (with the fresh ids the
/// replayer hands out, mapped back to the recorded ones) and uses every interaction.
#[tokio::test(start_paused = true)]
async fn the_scenarios_replay_against_the_committed_cassettes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cassettes");
    for name in CASSETTES {
        let config = fixture_config()
            .simulation(Simulation::Replay(dir.join(format!("{name}.json"))))
            .build()
            .expect("config");
        let client = DiscordClient::new(config).expect("the cassette loads");
        scenarios::run(name, &client)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        client
            .check_replay_complete()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

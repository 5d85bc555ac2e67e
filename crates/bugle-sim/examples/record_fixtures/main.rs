//! Records the fixture cassettes in `fixtures/cassettes/`.
//!
//! There is no real Discord here: each cassette is recorded by running bugle's
//! `HyperTransport`, wrapped in a cassette `Recorder`, against `FakeDiscord` served on
//! loopback (`127.0.0.1`, any free port), one fresh `FakeDiscord` per cassette. The run uses
//! tokio's paused clock, a fixed seed and a fixed start time, so recording again gives the
//! same files byte for byte.
//!
//! ```text
//! cargo run -p bugle-sim --example record_fixtures -- [out dir]
//! ```
//!
//! The out dir defaults to the workspace's `fixtures/cassettes`. The bot token and webhook
//! tokens are registered with the recorder as secrets, so a cassette that still held one
//! would be refused rather than written.

mod client;
mod constants;
mod scenarios;
mod world;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bugle_sim::cassette::Recorder;
use bugle_sim::clock::SimClock;

use client::{BoxError, Client};
use constants::{CASSETTES, SECRETS};
use world::{Served, configure, fixture_discord, loopback_transport, start_time};

fn main() -> ExitCode {
    let out = std::env::args_os().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cassettes"),
        PathBuf::from,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(record_all(&out)),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recording failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Records every cassette into `out`.
async fn record_all(out: &Path) -> Result<(), BoxError> {
    for name in CASSETTES {
        let interactions = record(name, out)
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        println!("{name}.json: {interactions} interactions");
    }
    println!("wrote {} cassettes to {}", CASSETTES.len(), out.display());
    Ok(())
}

/// Records the scenario of cassette `name` into `out/<name>.json`; returns how many
/// interactions it holds.
async fn record(name: &str, out: &Path) -> Result<usize, BoxError> {
    let served = Served::start(configure(name, fixture_discord())).await?;
    let clock = SimClock::starting_at(start_time());
    let recorder = SECRETS.iter().fold(
        Recorder::with_clock(loopback_transport()?, clock),
        |recorder, secret| recorder.with_secret(*secret),
    );
    let client = Client::new(&recorder, served.base_url());
    let outcome = scenarios::run(name, &client).await;
    let received = served.discord.request_log().len();
    served.shutdown().await;
    outcome?;
    let interactions = recorder.cassette().interactions.len();
    if interactions != received {
        return Err(format!(
            "recorded {interactions} interactions but FakeDiscord received {received} requests"
        )
        .into());
    }
    recorder.save(out.join(format!("{name}.json")))?;
    Ok(interactions)
}

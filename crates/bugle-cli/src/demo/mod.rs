//! `bugle demo`: bugle's integration patterns against a simulated Discord
//! in this process, with Discord's own rate limits, printed as a transcript
//! and checked against what the simulated Discord received.

mod scenes;
mod transcript;

use std::sync::Arc;

use bugle::ratelimit::RateLimitConfig;
use bugle::{DiscordClient, DiscordConfig};
use bugle_model::id::ChannelId;
use bugle_sim::cassette::Recorder;
use bugle_sim::fake::{Counters, DEFAULT_BOT_TOKEN, FakeDiscord, RouteKind};

use crate::backend::Globals;
use crate::cli::DemoArgs;
use crate::exit::{CliError, Exit};
use crate::watch::seconds;
use crate::world;
use transcript::Transcript;

/// Runs the demo.
///
/// # Errors
///
/// A failed call (with its exit code), a cassette that cannot be written,
/// or a check of the simulated Discord's state that does not hold.
pub(crate) async fn run(args: &DemoArgs, globals: &Globals) -> Result<(), CliError> {
    if globals.replay.is_some() || globals.config.is_some() {
        return Err(CliError::invalid(
            "bugle demo runs against its own simulated discord: --replay and --config do not apply \
             (--record FILE records the demo's exchanges to a cassette)",
        ));
    }
    let fake = world::builder(DEFAULT_BOT_TOKEN, []).seed(418).build();
    let config = config()?;
    let recorder = globals.record.as_ref().map(|path| {
        let recorder = Recorder::new(fake.clone())
            .with_secret(DEFAULT_BOT_TOKEN)
            .with_secret(world::WEBHOOK_TOKEN);
        (Arc::new(recorder), path.clone())
    });
    let client = match &recorder {
        Some((recorder, _)) => DiscordClient::with_transport(config, Arc::clone(recorder)),
        None => DiscordClient::with_transport(config, fake.clone()),
    };

    say!(
        "bugle demo: the integration patterns against a simulated discord in this process\n\
         (discord's rate limits: 5 messages per 5 s per channel, 5 webhook executes per 2 s, 50 requests/s; no token needed)"
    );
    let mut t = Transcript::new(client.clone());
    for (name, id) in world::CHANNELS {
        t.name(id, name);
    }
    let scenes = async {
        scenes::alert(&client, &mut t).await?;
        scenes::pipeline(&client, &mut t).await?;
        scenes::routing(&client, &mut t).await?;
        scenes::dm(&client, &mut t).await?;
        scenes::burst(&client, &mut t, args.burst).await
    }
    .await;

    let counters = fake.counters();
    if scenes.is_ok() {
        summary(&t, &fake, &counters);
    }
    // Saved even when a scene failed: the failed exchange is in the cassette.
    if let Some((recorder, path)) = &recorder {
        match recorder.save(path) {
            Ok(()) => say!(
                "  recorded {} exchanges to {}",
                counters.requests,
                path.display()
            ),
            Err(error) => {
                let unsaved = CliError::new(
                    Exit::Simulation,
                    format!("cannot write the cassette {}: {error}", path.display()),
                );
                // A failed scene is the error to report; the unsaved cassette is said too.
                if scenes.is_ok() {
                    return Err(unsaved);
                }
                eprintln!("bugle: {unsaved}");
            }
        }
    }
    scenes?;
    check(&fake, &counters, args.burst)
}

/// The client's configuration: the simulated world's token, webhook and
/// routes, nothing from the environment (the demo never reaches Discord). The
/// simulated Discord lives in this process, so nothing else can send with its token:
/// the limiter need not watch for other senders (nor hold its start for them).
fn config() -> Result<DiscordConfig, CliError> {
    let mut builder = DiscordConfig::builder()
        .bot_token(DEFAULT_BOT_TOKEN)
        .webhook_url(&world::webhook_url())
        .rate_limit(RateLimitConfig::default().with_sender_detection(false))
        .with_env_from(|_| None);
    for (name, id) in world::CHANNELS {
        builder = builder.route(name, ChannelId::new(id));
    }
    Ok(builder.build()?)
}

/// Rate-limit answers of every kind the simulated Discord counted.
fn too_many_requests(counters: &Counters) -> u64 {
    counters.rate_limited_user
        + counters.rate_limited_sublimit
        + counters.rate_limited_global
        + counters.rate_limited_shared
        + counters.banned
}

fn summary(t: &Transcript, fake: &FakeDiscord, counters: &Counters) {
    say!();
    say!("summary");
    say!(
        "  requests: {} calls made, {} requests received by the simulated discord (send_dm opened the DM channel once)",
        t.calls,
        counters.requests
    );
    say!(
        "  rate-limit waits: {} ({} in total); 429s: {}; invalid requests: {}",
        t.waits,
        seconds(t.waited),
        too_many_requests(counters),
        counters.invalid_requests
    );
    let held = world::CHANNELS
        .iter()
        .map(|(name, id)| format!("#{name} {}", fake.messages(*id).len()))
        .collect::<Vec<_>>()
        .join(", ");
    say!(
        "  messages created: {} ({held}, plus the thread and the DMs)",
        counters.messages_created
    );
    say!("  finished in {}", seconds(t.elapsed()));
}

/// Checks what the simulated Discord holds against what the demo did.
fn check(fake: &FakeDiscord, counters: &Counters, burst: u32) -> Result<(), CliError> {
    let failed = |what: String| {
        Err(CliError::new(
            Exit::Other,
            format!("demo check failed: {what}"),
        ))
    };
    let too_many = too_many_requests(counters);
    if too_many != 0 {
        return failed(format!("the simulated discord answered {too_many} 429s"));
    }
    let deploys = fake.messages(world::channel("deploys")).len();
    if deploys != burst as usize + 1 {
        return failed(format!(
            "#deploys holds {deploys} messages, expected {}",
            burst + 1
        ));
    }
    let threads = fake.threads(world::channel("ci"));
    let Some(thread) = threads.first() else {
        return failed("the pipeline thread is missing".to_owned());
    };
    let status = fake.messages(thread.id.get());
    let reacted = status.first().is_some_and(|message| {
        message.edited_timestamp.is_some()
            && message
                .reactions
                .iter()
                .any(|r| r.emoji.name.as_deref() == Some("\u{2705}"))
    });
    if !reacted {
        return failed("the pipeline status message is not edited and reacted to".to_owned());
    }
    let opened = fake
        .request_log()
        .iter()
        .filter(|record| record.route == Some(RouteKind::CreateDm))
        .count();
    if opened != 1 {
        return failed(format!(
            "the DM channel was opened {opened} times, expected once"
        ));
    }
    say!(
        "  checked: no 429s, every message stored, the thread's status edited and reacted to, one DM channel opened"
    );
    Ok(())
}

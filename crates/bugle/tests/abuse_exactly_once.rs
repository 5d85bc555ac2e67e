//! The benchmark's `hostile` scenario in miniature, on a paused clock.
//!
//! `FakeDiscord` shares one bucket between message create, edit and delete
//! (5 per 5 s per channel), hides a sublimit on edits (2 per 30 s per
//! channel, announced by no header), limits deletes with a shared-scope
//! limit (1 per 2 s per channel), bans the IP after 25 invalid requests, and
//! injects 2% server errors and 1% dropped connections (half of each before
//! and half after it processed the request).
//!
//! The workload: 200 creates over 20 channels, 50 in flight, the first two
//! rounds deleted again; then one channel edits four of its messages in a
//! row, meeting the hidden sublimit; then the other 19 channels edit four
//! messages each, all at once. Every create must arrive exactly once, the IP
//! is never banned, and the hidden sublimit costs one 429: learned on the
//! first channel, it is applied to every other.

mod abuse_support;
mod client_support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bugle::{DiscordClient, DiscordError, ErrorKind};
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::{CreateMessage, EditMessage};
use bugle_sim::fake::{
    BucketRule, FakeDiscord, FaultConfig, MESSAGES_BUCKET, RateLimitConfig, RouteKind, SharedLimit,
    Sublimit,
};
use client_support::{TOKEN, config_builder};
use http::StatusCode;
use tokio::task::JoinSet;

const JOBS: u64 = 200;
const CHANNELS: u64 = 20;
const IN_FLIGHT: usize = 50;
const FIRST_CHANNEL: u64 = 1_500_000_000_000_000_000;
/// Jobs of the first two rounds (one job per channel per round) delete their
/// message after creating it.
const DELETE_ROUNDS: u64 = 2;
/// Each channel edits the messages of these rounds.
const EDIT_ROUNDS: std::ops::Range<u64> = 2..6;

fn channel_of(job: u64) -> ChannelId {
    ChannelId::new(FIRST_CHANNEL + job % CHANNELS)
}

fn content(job: u64) -> String {
    format!("job {job}")
}

fn edited(job: u64) -> String {
    format!("job {job} edited")
}

fn hostile_fake() -> FakeDiscord {
    let s = Duration::from_secs;
    let limits = RateLimitConfig::discord_defaults()
        .without_sublimits()
        .bucket(BucketRule::new(
            MESSAGES_BUCKET,
            5,
            s(5),
            [
                RouteKind::CreateMessage,
                RouteKind::EditMessage,
                RouteKind::DeleteMessage,
            ],
        ))
        .sublimit(Sublimit::new(RouteKind::EditMessage, 2, s(30)))
        .shared(SharedLimit::new(RouteKind::DeleteMessage, 1, s(2)))
        .invalid_request_ban(25, s(600), s(3600));
    let faults = FaultConfig::none()
        .error_before(0.01)
        .error_after(0.01)
        .drop_before(0.005)
        .drop_after(0.005);
    let mut builder = FakeDiscord::builder()
        .bot_token(TOKEN)
        .seed(0x5eed_2024)
        .guild(1)
        .rate_limits(limits)
        .faults(faults);
    for n in 0..CHANNELS {
        builder = builder.text_channel(FIRST_CHANNEL + n);
    }
    builder.build()
}

/// Creates job `job`'s message, and deletes it again in the first rounds.
async fn create(
    client: &DiscordClient,
    job: u64,
) -> Result<MessageId, (&'static str, DiscordError)> {
    let channel = channel_of(job);
    let sent = client
        .send_message(channel, CreateMessage::new().content(content(job)))
        .await
        .map_err(|error| ("create", error))?;
    if job / CHANNELS < DELETE_ROUNDS {
        client
            .delete_message(channel, sent.id)
            .await
            .map_err(|error| ("delete", error))?;
    }
    Ok(sent.id)
}

/// Runs every create, `IN_FLIGHT` at a time; the message id of each job.
async fn create_all(client: &DiscordClient) -> HashMap<u64, MessageId> {
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let client = client.clone();
        let next = Arc::clone(&next);
        workers.spawn(async move {
            let mut ids = Vec::new();
            loop {
                let job = next.fetch_add(1, Ordering::SeqCst);
                if job >= JOBS {
                    return Ok::<_, (u64, &str, DiscordError)>(ids);
                }
                let id = create(&client, job)
                    .await
                    .map_err(|(step, error)| (job, step, error))?;
                ids.push((job, id));
            }
        });
    }
    let mut ids = HashMap::new();
    while let Some(result) = workers.join_next().await {
        match result.expect("worker") {
            Ok(done) => ids.extend(done),
            Err((job, step, error)) => panic!("job {job} failed to {step}: {error} ({error:?})"),
        }
    }
    ids
}

/// Edits job `job`'s message. `Ok(false)` when the edit failed in a way that
/// leaves unknown whether Discord applied it (a lost answer or a 5xx after
/// processing): the client does not repeat a `PATCH`.
async fn edit(client: &DiscordClient, job: u64, id: MessageId) -> Result<bool, DiscordError> {
    let result = client
        .edit_message(channel_of(job), id, EditMessage::new().content(edited(job)))
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::Network {
                    request_may_have_been_sent: true
                } | ErrorKind::ServerError { .. }
            ) =>
        {
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

/// Edits the messages of `jobs`, all at once; the jobs whose edit has an
/// unknown outcome.
async fn edit_all(
    client: &DiscordClient,
    ids: &HashMap<u64, MessageId>,
    jobs: Vec<u64>,
) -> Vec<u64> {
    let mut edits = JoinSet::new();
    for job in jobs {
        let client = client.clone();
        let id = ids[&job];
        edits.spawn(async move { (job, edit(&client, job, id).await) });
    }
    let mut unknown = Vec::new();
    while let Some(result) = edits.join_next().await {
        match result.expect("edit task") {
            (_, Ok(true)) => {}
            (job, Ok(false)) => unknown.push(job),
            (job, Err(error)) => panic!("job {job} failed to edit: {error} ({error:?})"),
        }
    }
    unknown
}

/// How many 429s `fake` answered on `route`.
fn too_many(fake: &FakeDiscord, route: RouteKind) -> usize {
    fake.request_log()
        .iter()
        .filter(|r| r.route == Some(route) && r.status == Some(StatusCode::TOO_MANY_REQUESTS))
        .count()
}

#[tokio::test(start_paused = true)]
async fn the_hostile_scenario_delivers_every_message_exactly_once() {
    let fake = hostile_fake();
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), fake.clone());

    let ids = create_all(&client).await;
    assert_eq!(ids.len() as u64, JOBS);

    // The first channel edits in a row and meets the hidden sublimit once.
    let mut unknown_edits = HashSet::new();
    for job in EDIT_ROUNDS.map(|round| round * CHANNELS) {
        if !edit(&client, job, ids[&job]).await.expect("edit") {
            unknown_edits.insert(job);
        }
    }
    assert_eq!(
        too_many(&fake, RouteKind::EditMessage),
        1,
        "the sublimit was met"
    );

    // Every other channel edits as much, all at once: the learned sublimit
    // holds them back instead of a 429 per channel.
    let rest: Vec<u64> = EDIT_ROUNDS
        .flat_map(|round| (1..CHANNELS).map(move |channel| round * CHANNELS + channel))
        .collect();
    unknown_edits.extend(edit_all(&client, &ids, rest).await);
    assert_eq!(
        too_many(&fake, RouteKind::EditMessage),
        1,
        "the sublimit learned on one channel was applied to the others"
    );

    let counters = fake.counters();
    assert!(counters.faults_injected > 0, "faults were injected");
    assert_eq!(counters.messages_created, JOBS, "one message per create");
    assert_eq!(counters.banned, 0, "never banned");
    assert_eq!(counters.rate_limited_sublimit, 1, "{counters:?}");
    assert_eq!(counters.rate_limited_user, 0, "{counters:?}");
    assert_eq!(counters.rate_limited_global, 0, "{counters:?}");
    assert_eq!(too_many(&fake, RouteKind::CreateMessage), 0);

    // What the channels hold: every job not deleted, once, as last written.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for n in 0..CHANNELS {
        for message in fake.messages(FIRST_CHANNEL + n) {
            *seen.entry(message.content).or_default() += 1;
        }
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
    assert!(duplicates.is_empty(), "duplicates: {duplicates:?}");
    for job in 0..JOBS {
        let round = job / CHANNELS;
        let (original, changed) = (
            seen.contains_key(&content(job)),
            seen.contains_key(&edited(job)),
        );
        let expected = if round < DELETE_ROUNDS {
            (false, false)
        } else if unknown_edits.contains(&job) {
            // Either version, but one of them.
            (original, !original)
        } else if EDIT_ROUNDS.contains(&round) {
            (false, true)
        } else {
            (true, false)
        };
        assert_eq!((original, changed), expected, "job {job}");
    }
    assert_eq!(
        seen.len() as u64,
        JOBS - DELETE_ROUNDS * CHANNELS,
        "nothing else was stored"
    );
    assert!(
        unknown_edits.len() <= 4,
        "edits of unknown outcome are as rare as the faults: {unknown_edits:?}"
    );
}

#[tokio::test(start_paused = true)]
#[ignore = "bug: a message edit whose answer was lost is not repeated, though repeating it cannot duplicate"]
async fn a_message_edit_whose_answer_was_lost_is_repeated() {
    let fake = client_support::fake_builder().build();
    let transport = abuse_support::LoseAnswers::new(fake.clone(), http::Method::PATCH, 1);
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), transport);
    let channel = ChannelId::new(client_support::TEXT);
    let sent = client
        .send_message(channel, CreateMessage::new().content("draft"))
        .await
        .expect("sent");
    client
        .edit_message(channel, sent.id, EditMessage::new().content("final"))
        .await
        .expect("an edit sets the same fields however often it is sent");
    assert_eq!(
        fake.message(sent.id.get()).expect("stored").content,
        "final"
    );
    assert_eq!(fake.counters().requests, 3, "the edit was sent twice");
}

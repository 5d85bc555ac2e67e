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
//! messages each, all at once. Every create must arrive exactly once, every
//! edit must succeed (an edit whose outcome a fault left unknown is
//! repeated, since repeating it cannot duplicate), the IP is never banned,
//! and the hidden sublimit costs one 429: learned on the first channel, it
//! is applied to every other.

mod abuse_support;
mod client_support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bugle::{DiscordClient, DiscordError, WebhookTarget};
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::{CreateMessage, EditMessage, EditWebhookMessage, ExecuteWebhook};
use bugle_sim::fake::{
    BucketRule, FakeDiscord, FakeRateLimits, FaultConfig, MESSAGES_BUCKET, RouteKind, SharedLimit,
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
    let limits = FakeRateLimits::discord_defaults()
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

/// Edits job `job`'s message. An edit sets the fields it carries, so the
/// client repeats one whose outcome a fault left unknown (a lost answer, a
/// 5xx after processing): every edit must succeed.
async fn edit(client: &DiscordClient, job: u64, id: MessageId) -> Result<(), DiscordError> {
    client
        .edit_message(channel_of(job), id, EditMessage::new().content(edited(job)))
        .await
        .map(drop)
}

/// Edits the messages of `jobs`, all at once.
async fn edit_all(client: &DiscordClient, ids: &HashMap<u64, MessageId>, jobs: Vec<u64>) {
    let mut edits = JoinSet::new();
    for job in jobs {
        let client = client.clone();
        let id = ids[&job];
        edits.spawn(async move { (job, edit(&client, job, id).await) });
    }
    while let Some(result) = edits.join_next().await {
        if let (job, Err(error)) = result.expect("edit task") {
            panic!("job {job} failed to edit: {error} ({error:?})");
        }
    }
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
    // Four edits per channel under a 2-per-30-s sublimit take two windows; an edit
    // that a fault made repeat (its first attempt counted) can need a third, past
    // the default 60-s operation timeout. This test is about exactly-once, so the
    // operations may take that long.
    let config = config_builder()
        .operation_timeout(Duration::from_secs(180))
        .build()
        .expect("config");
    let client = DiscordClient::with_transport(config, fake.clone());

    let ids = create_all(&client).await;
    assert_eq!(ids.len() as u64, JOBS);

    // The first channel edits in a row and meets the hidden sublimit once.
    for job in EDIT_ROUNDS.map(|round| round * CHANNELS) {
        edit(&client, job, ids[&job]).await.expect("edit");
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
    edit_all(&client, &ids, rest).await;
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
}

#[tokio::test(start_paused = true)]
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

#[tokio::test(start_paused = true)]
async fn a_webhook_message_edit_whose_answer_was_lost_is_repeated() {
    let fake = client_support::fake_builder().build();
    let transport = abuse_support::LoseAnswers::new(fake.clone(), http::Method::PATCH, 1);
    let client =
        DiscordClient::with_transport(config_builder().build().expect("config"), transport);
    let sent = client
        .execute_webhook(ExecuteWebhook::new().content("draft"))
        .await
        .expect("sent")
        .expect("message");
    let edited = client
        .edit_webhook_message(
            WebhookTarget::default(),
            sent.id,
            EditWebhookMessage::new().content("final"),
        )
        .await
        .expect("an edit sets the same fields however often it is sent");
    assert_eq!(edited.content, "final");
    assert_eq!(
        fake.message(sent.id.get()).expect("stored").content,
        "final"
    );
    assert_eq!(fake.counters().requests, 3, "the edit was sent twice");
}

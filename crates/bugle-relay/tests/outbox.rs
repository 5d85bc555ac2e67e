//! One suite for both outboxes: SQLite (a file) always, PostgreSQL when one
//! is at hand (`BUGLE_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`), each test in a fresh schema.
//! Plus two relay replicas sharing one PostgreSQL outbox.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bugle_relay::config::{Route, Target};
use bugle_relay::model::{Alert, Notification, Source, Status};
use bugle_relay::outbox::{Envelope, Finish, Outbox, OutboxError, PostgresOutbox, SqliteOutbox};
use common::TempDir;

fn envelope(group: &str, status: Status, alerts: usize) -> Envelope {
    Envelope {
        notification: Notification {
            alerts: (0..alerts)
                .map(|i| Alert {
                    fingerprint: Some(format!("{i}")),
                    starts_at_ms: Some(1),
                    ..Alert::default()
                })
                .collect(),
            ..Notification::new(Source::Alertmanager, group, status)
        },
        route: Route {
            name: "alerts".to_owned(),
            target: Target::Channel(bugle::model::id::ChannelId::new(1)),
            thread: false,
            mentions: std::collections::BTreeMap::default(),
            responders: bugle_relay::config::Responders::default(),
        },
    }
}

async fn claims_whole_groups_in_order(outbox: Arc<dyn Outbox>) {
    let a1 = envelope("a", Status::Firing, 1);
    let a2 = envelope("a", Status::Firing, 2);
    let b1 = envelope("b", Status::Firing, 1);
    outbox.enqueue(vec![a1], 1_000).await.unwrap();
    outbox.enqueue(vec![b1, a2], 1_001).await.unwrap();
    let claims = outbox.claim("one", 2_000, 30_000, 10).await.unwrap();
    assert_eq!(claims.len(), 2);
    let a = claims
        .iter()
        .find(|c| c.group_key.ends_with("|a"))
        .expect("group a");
    assert_eq!(a.entries.len(), 2);
    assert!(a.entries[0].id < a.entries[1].id, "in order of arrival");
    assert_eq!(a.entries[1].envelope.notification.alerts.len(), 2);
    // Claimed groups are not claimed again while the lease lasts.
    assert!(
        outbox
            .claim("two", 2_500, 30_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    for claim in &claims {
        let finish = Finish {
            delivered: claim.entries.iter().map(|e| e.id).collect(),
            ..Finish::default()
        };
        outbox
            .finish(&claim.group_key, claim.fence, finish, 3_000)
            .await
            .unwrap();
    }
    assert_eq!(outbox.stats().await.unwrap().pending, 0);
    assert!(
        outbox
            .claim("two", 4_000, 30_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_lapsed_claim_is_taken_over_and_fenced_out(outbox: Arc<dyn Outbox>) {
    outbox
        .enqueue(vec![envelope("g", Status::Firing, 1)], 0)
        .await
        .unwrap();
    let slow = outbox
        .claim("slow", 1_000, 5_000, 1)
        .await
        .unwrap()
        .remove(0);
    // The slow replica stalls past its lease; another takes the group over.
    let fast = outbox
        .claim("fast", 7_000, 5_000, 1)
        .await
        .unwrap()
        .remove(0);
    assert!(fast.fence > slow.fence);
    let card = bugle_relay::outbox::CardState {
        message_id: Some(42),
        ..Default::default()
    };
    assert_eq!(
        outbox
            .save_card(&slow.group_key, slow.fence, &card, 7_100, 5_000)
            .await,
        Err(OutboxError::Fenced)
    );
    let late = Finish {
        delivered: slow.entries.iter().map(|e| e.id).collect(),
        ..Finish::default()
    };
    assert_eq!(
        outbox
            .finish(&slow.group_key, slow.fence, late, 7_200)
            .await,
        Err(OutboxError::Fenced)
    );
    assert_eq!(
        outbox
            .renew(&slow.group_key, slow.fence, 7_200, 5_000)
            .await,
        Err(OutboxError::Fenced)
    );
    // The holder's renewal keeps others out past the first lease.
    outbox
        .renew(&fast.group_key, fast.fence, 11_000, 5_000)
        .await
        .unwrap();
    assert!(
        outbox
            .claim("third", 13_000, 5_000, 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        outbox.stats().await.unwrap().pending,
        1,
        "the fenced finish wrote nothing"
    );
    let done = Finish {
        delivered: fast.entries.iter().map(|e| e.id).collect(),
        card: card.clone(),
        ..Finish::default()
    };
    outbox
        .finish(&fast.group_key, fast.fence, done, 7_300)
        .await
        .unwrap();
    assert_eq!(outbox.card(&fast.group_key).await.unwrap(), Some(card));
}

async fn retries_wait_and_dead_letters_can_be_requeued(outbox: Arc<dyn Outbox>) {
    let ids = outbox
        .enqueue(vec![envelope("r", Status::Firing, 1)], 0)
        .await
        .unwrap()
        .ids;
    let claim = outbox.claim("w", 100, 30_000, 1).await.unwrap().remove(0);
    let retry = Finish {
        retry_at_ms: Some(5_000),
        card: claim.card.clone(),
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, retry, 200)
        .await
        .unwrap();
    assert!(
        outbox
            .claim("w", 4_999, 30_000, 1)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let claim = outbox.claim("w", 5_000, 30_000, 1).await.unwrap().remove(0);
    assert_eq!(claim.attempts, 1);
    let dead = Finish {
        dead: vec![(ids[0], "forbidden (403)".to_owned())],
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, dead, 5_100)
        .await
        .unwrap();
    let letters = outbox.dead_letters().await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].error, "forbidden (403)");
    assert_eq!(outbox.stats().await.unwrap().dead, 1);
    assert!(outbox.requeue(ids[0]).await.unwrap());
    assert!(outbox.dead_letters().await.unwrap().is_empty());
    assert_eq!(outbox.claim("w", 5_200, 30_000, 1).await.unwrap().len(), 1);
}

async fn duplicates_are_stored_once_and_the_outbox_is_bounded(outbox: Arc<dyn Outbox>) {
    // Capacity is 5 in these tests.
    let first = outbox
        .enqueue(vec![envelope("d", Status::Firing, 1)], 0)
        .await
        .unwrap();
    let again = outbox
        .enqueue(vec![envelope("d", Status::Firing, 1)], 1)
        .await
        .unwrap();
    assert_eq!(
        (first.ids.len(), again.ids.len(), again.duplicates),
        (1, 0, 1)
    );
    for i in 2..=5 {
        outbox
            .enqueue(vec![envelope("d", Status::Firing, i)], 2)
            .await
            .unwrap();
    }
    let full = outbox
        .enqueue(vec![envelope("d", Status::Firing, 9)], 3)
        .await;
    assert_eq!(full, Err(OutboxError::Full { capacity: 5 }));
    // Delivering frees room; a dead letter frees room; requeueing takes it back.
    let claim = outbox.claim("w", 10, 30_000, 1).await.unwrap().remove(0);
    let finish = Finish {
        delivered: claim.entries[..2].iter().map(|e| e.id).collect(),
        dead: vec![(claim.entries[2].id, "gone".to_owned())],
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, finish, 20)
        .await
        .unwrap();
    for i in 10..13 {
        outbox
            .enqueue(vec![envelope("d", Status::Firing, i)], 30)
            .await
            .unwrap();
    }
    let full = outbox
        .enqueue(vec![envelope("d", Status::Firing, 20)], 40)
        .await;
    assert_eq!(full, Err(OutboxError::Full { capacity: 5 }));
    let dead = outbox.dead_letters().await.unwrap();
    // Requeueing may take the outbox over its capacity by what it brings back.
    assert!(outbox.requeue(dead[0].id).await.unwrap());
    assert_eq!(outbox.stats().await.unwrap().pending, 6);
    let claim = outbox.claim("w", 50, 30_000, 1).await.unwrap().remove(0);
    let finish = Finish {
        delivered: claim.entries.iter().map(|e| e.id).collect(),
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, finish, 60)
        .await
        .unwrap();
    for i in 30..35 {
        outbox
            .enqueue(vec![envelope("d", Status::Firing, i)], 70)
            .await
            .unwrap();
    }
    assert!(
        outbox
            .enqueue(vec![envelope("d", Status::Firing, 40)], 80)
            .await
            .is_err()
    );
    assert_eq!(
        outbox.stats().await.unwrap().pending,
        5,
        "nothing of the refused one was stored"
    );
}

async fn delivered_rows_are_pruned_after_the_retention(outbox: Arc<dyn Outbox>) {
    outbox
        .enqueue(vec![envelope("p", Status::Resolved, 1)], 0)
        .await
        .unwrap();
    let claim = outbox.claim("w", 10, 30_000, 1).await.unwrap().remove(0);
    let finish = Finish {
        delivered: claim.entries.iter().map(|e| e.id).collect(),
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, finish, 1_000)
        .await
        .unwrap();
    assert_eq!(
        outbox.prune(1_000).await.unwrap(),
        0,
        "kept until the retention passed"
    );
    assert_eq!(outbox.prune(1_001).await.unwrap(), 1);
    assert_eq!(
        outbox.card(&claim.group_key).await.unwrap(),
        None,
        "a closed group is removed too"
    );
    outbox.probe(2_000).await.unwrap();
}

#[allow(clippy::too_many_lines)] // one story, told in order
async fn notes_are_kept_beside_the_card_and_make_the_group_due(outbox: Arc<dyn Outbox>) {
    use bugle_relay::outbox::{Acknowledgement, CardState, NoteChange, SilenceNote};
    let ack = |user: u64| {
        NoteChange::Acknowledge(Acknowledgement {
            user_id: user,
            user_name: format!("user{user}"),
            at_ms: 5_000,
        })
    };
    let shown = envelope("g", Status::Firing, 1);
    outbox.enqueue(vec![shown.clone()], 1_000).await.unwrap();
    let claim = outbox.claim("w", 2_000, 30_000, 1).await.unwrap().remove(0);
    assert!(!claim.notes_changed());
    assert_eq!(claim.shown, None, "nothing shown yet");
    let card = CardState {
        message_id: Some(42),
        channel_id: Some(1),
        status: Some(Status::Firing),
        ..CardState::default()
    };
    // Posted, not yet finished: the card is found with the group's newest entry.
    outbox
        .save_card(&claim.group_key, claim.fence, &card, 2_500, 30_000)
        .await
        .unwrap();
    let posting = outbox
        .find_card(42)
        .await
        .unwrap()
        .expect("found while posting");
    assert_eq!(posting.shown, Some(shown.clone()));
    let finish = Finish {
        delivered: claim.entries.iter().map(|e| e.id).collect(),
        card,
        shown: Some(shown.clone()),
        ..Finish::default()
    };
    outbox
        .finish(&claim.group_key, claim.fence, finish, 3_000)
        .await
        .unwrap();
    let found = outbox
        .find_card(42)
        .await
        .unwrap()
        .expect("found by message");
    assert_eq!(found.group_key, claim.group_key);
    assert_eq!(found.shown, Some(shown.clone()));
    assert_eq!(outbox.find_card(43).await.unwrap(), None);
    assert!(
        outbox
            .claim("w", 4_000, 30_000, 1)
            .await
            .unwrap()
            .is_empty()
    );

    // The first acknowledgement is kept; the group becomes due.
    let first = outbox
        .annotate(&claim.group_key, 42, ack(1), 5_000)
        .await
        .unwrap();
    assert!(first.changed);
    let second = outbox
        .annotate(&claim.group_key, 42, ack(2), 5_001)
        .await
        .unwrap();
    assert!(!second.changed);
    assert_eq!(second.notes.acknowledged.as_ref().unwrap().user_id, 1);
    let due = outbox.claim("w", 6_000, 30_000, 1).await.unwrap().remove(0);
    assert!(due.entries.is_empty(), "only the notes changed");
    assert!(due.notes_changed());
    assert_eq!(due.shown, Some(shown));
    assert_eq!(due.notes.acknowledged.as_ref().unwrap().user_id, 1);

    // A note written while the worker holds the claim is neither lost nor
    // taken as shown by the worker's finish.
    let silence = NoteChange::Silence(SilenceNote {
        silence_id: "s-1".into(),
        user_id: 1,
        user_name: "user1".into(),
        until_ms: 9_000,
        at_ms: 6_500,
    });
    outbox
        .annotate(&due.group_key, 42, silence, 6_500)
        .await
        .unwrap();
    let finish = Finish {
        card: due.card.clone(),
        notes_shown: due.notes_seq,
        ..Finish::default()
    };
    outbox
        .finish(&due.group_key, due.fence, finish, 7_000)
        .await
        .unwrap();
    let again = outbox.claim("w", 8_000, 30_000, 1).await.unwrap().remove(0);
    assert!(again.notes_changed());
    assert_eq!(again.notes.silenced.as_ref().unwrap().silence_id, "s-1");
    assert!(again.notes.acknowledged.is_some(), "both notes kept");
    let finish = Finish {
        card: again.card.clone(),
        notes_shown: again.notes_seq,
        ..Finish::default()
    };
    outbox
        .finish(&again.group_key, again.fence, finish, 8_500)
        .await
        .unwrap();
    assert!(
        outbox
            .claim("w", 9_000, 30_000, 1)
            .await
            .unwrap()
            .is_empty()
    );
    let card = outbox.find_card(42).await.unwrap().expect("still found");
    assert!(
        card.shown.is_some(),
        "a finish without a new shown keeps the old"
    );
}

fn sqlite(dir: &TempDir) -> Arc<dyn Outbox> {
    Arc::new(SqliteOutbox::open(&dir.file("outbox.sqlite3"), 5).expect("sqlite"))
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = TempDir::new();
                    super::$name(sqlite(&dir)).await;
                }
            )*
        }
        mod on_postgres {
            use super::*;
            $(
                #[tokio::test]
                #[cfg_attr(not(bugle_postgres), ignore = "needs PostgreSQL: set BUGLE_TEST_DATABASE_URL or run one on 127.0.0.1:5432")]
                async fn $name() {
                    let schema = Schema::new();
                    super::$name(schema.outbox(5).await).await;
                    schema.drop().await;
                }
            )*
        }
    };
}

suite!(
    claims_whole_groups_in_order,
    a_lapsed_claim_is_taken_over_and_fenced_out,
    retries_wait_and_dead_letters_can_be_requeued,
    duplicates_are_stored_once_and_the_outbox_is_bounded,
    delivered_rows_are_pruned_after_the_retention,
    notes_are_kept_beside_the_card_and_make_the_group_due,
);

fn database_url() -> String {
    std::env::var("BUGLE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh schema for one test.
struct Schema(String);

impl Schema {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::UNIX_EPOCH
            .elapsed()
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        Self(format!(
            "relay_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ))
    }

    async fn outbox(&self, capacity: u64) -> Arc<dyn Outbox> {
        Arc::new(
            PostgresOutbox::connect(&database_url(), &self.0, capacity)
                .await
                .expect("postgresql reachable"),
        )
    }

    async fn drop(self) {
        if let Ok((client, connection)) =
            tokio_postgres::connect(&database_url(), tokio_postgres::NoTls).await
        {
            tokio::spawn(connection);
            let _ = client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.0))
                .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(bugle_postgres),
    ignore = "needs PostgreSQL: set BUGLE_TEST_DATABASE_URL or run one on 127.0.0.1:5432"
)]
async fn two_replicas_on_one_postgresql_deliver_each_notification_once() {
    use bugle::DiscordClient;
    use bugle_relay::clock::Clock;
    use bugle_relay::{Relay, discord_config};
    use common::{ALERTS, cards, title};
    use http::{HeaderMap, HeaderValue};

    let schema = Schema::new();
    // Discord's limits lifted: this test is about claims, not pacing.
    let fake = common::fake()
        .rate_limits(bugle_sim::fake::FakeRateLimits::disabled())
        .build();
    let dir = TempDir::new();
    let text = common::config_text(
        &dir.file("unused.sqlite3"),
        None,
        "[default]\nchannel = \"alerts\"",
    );
    let mut replicas = Vec::new();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for name in ["replica-a", "replica-b"] {
        let config = common::load(&text);
        let client =
            DiscordClient::with_transport(discord_config(&config).build().unwrap(), fake.clone());
        let relay = Relay::new(config, schema.outbox(10_000).await, client, Clock::system());
        workers.push(tokio::spawn(relay.worker(name).run(stop_rx.clone())));
        replicas.push(relay);
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", common::INGEST_TOKEN)).unwrap(),
    );
    // 20 groups, 3 notifications each, sent to either replica.
    for step in 1..=3 {
        for group in 0..20 {
            let body = common::am(
                &format!("svc{group}"),
                "firing",
                step,
                "2026-01-01T10:00:00Z",
            );
            let relay = &replicas[(group + step) % 2];
            relay
                .accept(
                    Source::Alertmanager,
                    None,
                    &headers,
                    body.to_string().as_bytes(),
                )
                .await
                .expect("accepted");
        }
    }
    let outbox = replicas[0].outbox().clone();
    for _ in 0..1200 {
        let stats = outbox.stats().await.unwrap();
        if stats.pending == 0
            && cards(&fake, ALERTS)
                .iter()
                .all(|m| title(m).contains("[FIRING:3]"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let all = cards(&fake, ALERTS);
    assert_eq!(all.len(), 20, "one card per group, none twice");
    assert!(
        all.iter().all(|m| title(m).contains("[FIRING:3]")),
        "every card shows its latest state"
    );
    assert_eq!(fake.counters().messages_created, 20);
    let _ = stop.send(true);
    for worker in workers {
        worker.await.unwrap();
    }
    schema.drop().await;
}

#[tokio::test]
#[cfg_attr(
    not(bugle_postgres),
    ignore = "needs PostgreSQL: set BUGLE_TEST_DATABASE_URL or run one on 127.0.0.1:5432"
)]
async fn the_postgresql_outbox_reconnects_after_its_connection_is_killed() {
    let schema = Schema::new();
    let url = database_url();
    let separator = if url.contains('?') { '&' } else { '?' };
    let outbox: Arc<dyn Outbox> = Arc::new(
        PostgresOutbox::connect(
            &format!("{url}{separator}application_name={}", schema.0),
            &schema.0,
            100,
        )
        .await
        .expect("postgresql reachable"),
    );
    outbox
        .enqueue(vec![envelope("k", Status::Firing, 1)], 0)
        .await
        .unwrap();
    let (admin, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let killed = admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&schema.0],
        )
        .await
        .unwrap();
    assert!(killed >= 1, "the outbox's connection was found and killed");
    // The first call may fail with the dead connection; the relay answers
    // 503 for it and the sender retries. Then it works again.
    let _ = outbox.stats().await;
    let mut recovered = false;
    for _ in 0..50 {
        if outbox.stats().await.is_ok() {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(recovered, "connected again");
    assert_eq!(outbox.stats().await.unwrap().pending, 1);
    schema.drop().await;
}

/// A file made by the first relay (without the notes' columns) opens, and
/// its groups take notes.
#[tokio::test]
async fn an_outbox_file_from_before_the_notes_gets_their_columns() {
    let dir = TempDir::new();
    let path = dir.file("old.sqlite3");
    {
        let old = rusqlite::Connection::open(&path).expect("old file");
        old.execute_batch(
            "CREATE TABLE relay_groups (
                group_key TEXT PRIMARY KEY, card TEXT NOT NULL DEFAULT '{}',
                card_open INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0, lease_owner TEXT,
                lease_until_ms INTEGER NOT NULL DEFAULT 0, fence INTEGER NOT NULL DEFAULT 0,
                updated_ms INTEGER NOT NULL DEFAULT 0);
             INSERT INTO relay_groups (group_key, card) VALUES ('old', '{\"message_id\":7}');",
        )
        .expect("old schema");
    }
    let outbox = SqliteOutbox::open(&path, 5).expect("opens the old file");
    let annotated = outbox
        .annotate(
            "old",
            7,
            bugle_relay::outbox::NoteChange::Acknowledge(bugle_relay::outbox::Acknowledgement {
                user_id: 1,
                user_name: "a".into(),
                at_ms: 1,
            }),
            1,
        )
        .await
        .expect("annotates");
    assert!(annotated.changed);
    let claims = outbox.claim("w", 10, 1_000, 5).await.expect("claims");
    assert_eq!(claims.len(), 1, "the note makes the old group due");
    assert_eq!(claims[0].card.message_id, Some(7));
}

//! The card's lifecycle against `FakeDiscord` served on loopback: the first
//! firing posts a card and opens a thread; changes edit the same card and
//! add a thread line; resolved turns it green; a re-fire gets a new card.

mod common;

use bugle::model::builder::Colour;
use common::{ALERTS, HOOK_CHANNEL, PAGER, Served, am, cards, eventually, fake, title};

const THREAD_RULES: &str = r#"
[[rules]]
matchers = ['service="checkout"']
channel = "alerts"
thread = true
mentions = { critical = ["1400000000000000777"] }
[[rules]]
matchers = ['service="payments"']
channel = "pager"
continue = true
[[rules]]
matchers = ['severity="critical"']
webhook = "ops"
[default]
channel = "alerts"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // one story, told in order
async fn a_group_gets_one_card_edited_in_place_resolved_green_and_a_new_card_on_refire() {
    let relay = Served::start(fake().build(), THREAD_RULES).await;
    let fake = relay.fake.clone();
    let started = "2026-01-01T10:00:00Z";

    assert_eq!(
        relay
            .post("/alertmanager", &am("checkout", "firing", 2, started))
            .await
            .status,
        200
    );
    let card = eventually("the first card", || cards(&fake, ALERTS).into_iter().next()).await;
    assert!(
        title(&card).contains("[FIRING:2] HighLatency"),
        "{}",
        title(&card)
    );
    assert_eq!(
        card.content, "<@&1400000000000000777>",
        "the rule's role is mentioned on the first post"
    );
    let thread = eventually("the incident thread", || {
        fake.threads(ALERTS).into_iter().next()
    })
    .await;
    assert_eq!(
        thread.id.get(),
        card.id.get(),
        "the thread starts from the card"
    );

    // A change: the same card is edited, and the thread gets one line.
    assert_eq!(
        relay
            .post("/alertmanager", &am("checkout", "firing", 3, started))
            .await
            .status,
        200
    );
    eventually("the edited card", || {
        fake.message(card.id.get())
            .filter(|m| title(m).contains("[FIRING:3]"))
    })
    .await;
    let lines = eventually("a thread line", || {
        let lines = fake.thread_messages(thread.id.get());
        lines
            .iter()
            .any(|m| m.content.contains("3 firing"))
            .then_some(lines)
    })
    .await;
    assert_eq!(cards(&fake, ALERTS).len(), 1, "edited, never re-posted");

    // A repeat of the same state changes nothing visible: no new line.
    let before = lines.len();
    assert_eq!(
        relay
            .post("/alertmanager", &am("checkout", "firing", 3, started))
            .await
            .status,
        200
    );

    // Resolved: green, with the duration, and a line in the thread.
    assert_eq!(
        relay
            .post("/alertmanager", &am("checkout", "resolved", 3, started))
            .await
            .status,
        200
    );
    let resolved = eventually("the resolved card", || {
        fake.message(card.id.get())
            .filter(|m| title(m).contains("[RESOLVED]"))
    })
    .await;
    assert_eq!(resolved.embeds[0].color, Some(Colour::SUCCESS.value()));
    assert!(
        resolved.embeds[0]
            .description
            .as_deref()
            .unwrap_or_default()
            .starts_with("Resolved after 30m"),
        "{:?}",
        resolved.embeds[0].description
    );
    let lines = eventually("the resolution line", || {
        let lines = fake.thread_messages(thread.id.get());
        lines
            .iter()
            .any(|m| m.content.contains("resolved after 30m"))
            .then_some(lines)
    })
    .await;
    assert_eq!(
        lines.len(),
        before + 1,
        "one line per state change shown: {lines:#?}"
    );

    // Fires again: a new card; the old one stays resolved.
    assert_eq!(
        relay
            .post(
                "/alertmanager",
                &am("checkout", "firing", 1, "2026-01-01T11:00:00Z")
            )
            .await
            .status,
        200
    );
    let all = eventually("a second card", || {
        let all = cards(&fake, ALERTS);
        (all.len() == 2).then_some(all)
    })
    .await;
    let new = all.iter().find(|m| m.id != card.id).expect("new card");
    assert!(title(new).contains("[FIRING:1]"), "{}", title(new));
    assert!(title(&fake.message(card.id.get()).unwrap()).contains("[RESOLVED]"));
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_fans_out_and_webhook_cards_are_edited_with_link_buttons() {
    let relay = Served::start(fake().build(), THREAD_RULES).await;
    let fake = relay.fake.clone();
    let answer = relay
        .post(
            "/alertmanager",
            &am("payments", "firing", 2, "2026-01-01T10:00:00Z"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("\"pager\"") && answer.body.contains("webhook:ops"),
        "{}",
        answer.body
    );
    let pager = eventually("the pager card", || cards(&fake, PAGER).into_iter().next()).await;
    let hooked = eventually("the webhook card", || {
        cards(&fake, HOOK_CHANNEL).into_iter().next()
    })
    .await;
    assert!(hooked.webhook_id.is_some(), "posted through the webhook");
    let buttons = serde_json::to_string(&hooked.components).unwrap();
    assert!(
        buttons.contains("https://runbooks.example.com/high-latency"),
        "{buttons}"
    );
    assert!(
        pager.embeds[0]
            .footer
            .as_ref()
            .unwrap()
            .text
            .starts_with("bugle-relay · card:")
    );

    relay
        .post(
            "/alertmanager",
            &am("payments", "resolved", 2, "2026-01-01T10:00:00Z"),
        )
        .await;
    eventually("the webhook card resolved", || {
        fake.message(hooked.id.get())
            .filter(|m| title(m).contains("[RESOLVED]"))
    })
    .await;
    eventually("the pager card resolved", || {
        fake.message(pager.id.get())
            .filter(|m| title(m).contains("[RESOLVED]"))
    })
    .await;
    assert_eq!(cards(&fake, HOOK_CHANNEL).len(), 1);
    assert_eq!(cards(&fake, PAGER).len(), 1);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_deleted_in_discord_is_posted_again_on_the_next_change() {
    let relay = Served::start(fake().build(), THREAD_RULES).await;
    let fake = relay.fake.clone();
    relay
        .post(
            "/alertmanager",
            &am("checkout", "firing", 1, "2026-01-01T10:00:00Z"),
        )
        .await;
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    relay
        .relay
        .client()
        .delete_message(bugle::model::id::ChannelId::new(ALERTS), card.id)
        .await
        .expect("deleted");
    relay
        .post(
            "/alertmanager",
            &am("checkout", "firing", 2, "2026-01-01T10:00:00Z"),
        )
        .await;
    let again = eventually("a new card", || {
        cards(&fake, ALERTS).into_iter().find(|m| m.id != card.id)
    })
    .await;
    assert!(title(&again).contains("[FIRING:2]"));
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_failure_is_dead_lettered_and_can_be_requeued() {
    // The webhook's channel exists, but the webhook was never created there.
    let fake = bugle_sim::fake::FakeDiscord::builder()
        .bot_token(common::BOT_TOKEN)
        .guild(common::GUILD)
        .text_channel(ALERTS)
        .text_channel(PAGER)
        .text_channel(HOOK_CHANNEL)
        .build();
    let relay = Served::start(fake, "[default]\nwebhook = \"ops\"").await;
    relay
        .post(
            "/alertmanager",
            &am("db", "firing", 1, "2026-01-01T10:00:00Z"),
        )
        .await;
    let outbox = relay.relay.outbox().clone();
    let mut dead = Vec::new();
    for _ in 0..600 {
        dead = outbox.dead_letters().await.expect("dead letters");
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(
        dead[0].error.contains("404") || dead[0].error.to_lowercase().contains("unknown"),
        "{}",
        dead[0].error
    );
    assert!(!dead[0].error.contains(common::HOOK_TOKEN));
    assert!(outbox.requeue(dead[0].id).await.expect("requeue"));
    assert!(
        !outbox.requeue(dead[0].id).await.expect("requeue twice"),
        "no longer dead"
    );
    // It fails again, and is back in the dead-letter list.
    let mut again = Vec::new();
    for _ in 0..600 {
        again = outbox.dead_letters().await.expect("dead letters");
        if again.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(again.len(), 1);
    relay.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_template_file_shapes_the_delivered_card() {
    let dir = common::TempDir::new();
    let templates = dir.file("cards.toml");
    std::fs::write(
        &templates,
        "title = \"{STATUS} {labels.service} ({firing} firing)\"\nfield_name = \"{alert.labels.instance}\"",
    )
    .unwrap();
    let rules = format!(
        "[default]\nchannel = \"alerts\"\n[templates]\nfile = \"{}\"",
        templates.display().to_string().replace('\\', "/")
    );
    let config = common::load(&common::config_text(
        &dir.file("outbox.sqlite3"),
        None,
        &rules,
    ));
    let relay = common::InProcess::with(fake().build(), config, dir).await;
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "authorization",
        http::HeaderValue::from_str(&format!("Bearer {}", common::INGEST_TOKEN)).unwrap(),
    );
    let body = am("checkout", "firing", 2, "2026-01-01T10:00:00Z").to_string();
    relay
        .relay
        .accept(
            bugle_relay::Source::Alertmanager,
            None,
            &headers,
            body.as_bytes(),
        )
        .await
        .expect("accepted");
    let fake = relay.fake.clone();
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    assert_eq!(title(&card), "FIRING checkout (2 firing)");
    assert_eq!(card.embeds[0].fields[0].name, "checkout-0:9100");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_thread_is_reopened_and_a_locked_one_sends_the_line_to_the_channel() {
    let relay = Served::start(fake().build(), THREAD_RULES).await;
    let fake = relay.fake.clone();
    let started = "2026-01-01T10:00:00Z";
    let post = |count: usize| {
        let body = am("checkout", "firing", count, started);
        let relay = &relay;
        async move { relay.post("/alertmanager", &body).await }
    };
    assert_eq!(post(2).await.status, 200);
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    let thread = eventually("the thread", || fake.threads(ALERTS).into_iter().next()).await;

    // Archived (Discord does so after a while): the line reopens it.
    assert!(fake.archive_thread(thread.id.get()));
    assert_eq!(post(3).await.status, 200);
    eventually("a line in the archived thread", || {
        fake.thread_messages(thread.id.get())
            .into_iter()
            .find(|m| m.content.contains("3 firing"))
    })
    .await;
    let reopened = fake.channel(thread.id.get()).expect("the thread");
    assert_eq!(
        reopened.thread_metadata.map(|t| t.archived),
        Some(false),
        "posting reopened the thread"
    );

    // Locked by a moderator: the line goes to the channel, as a reply to the card.
    assert!(fake.lock_thread(thread.id.get()));
    assert_eq!(post(4).await.status, 200);
    let line = eventually("the line in the channel", || {
        fake.messages(ALERTS)
            .into_iter()
            .find(|m| m.content.contains("4 firing"))
    })
    .await;
    assert_eq!(
        line.message_reference.and_then(|r| r.message_id),
        Some(card.id),
        "the line answers the card"
    );
    // Deleted: the same.
    assert!(fake.delete_channel(thread.id.get()));
    assert_eq!(post(5).await.status, 200);
    eventually("the line for a deleted thread", || {
        fake.messages(ALERTS)
            .into_iter()
            .find(|m| m.content.contains("5 firing"))
    })
    .await;
    assert_eq!(cards(&fake, ALERTS).len(), 1, "still one card");
    relay.stop().await;
}

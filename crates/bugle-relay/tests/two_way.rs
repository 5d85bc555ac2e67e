//! Two-way cards: with an application configured, a firing card carries
//! Acknowledge and Silence buttons. `FakeDiscord` presses them (signed
//! interactions to the relay's own interactions listener, over loopback),
//! the relay checks the presser's roles, creates silences in a fake
//! Alertmanager, and edits the card to show who acknowledged and silenced.

mod common;

use std::path::Path;

use bugle::model::message::Message;
use bugle_relay::clock::Clock;
use bugle_relay::{LoadOptions, Relay, RelayConfig, discord_config};
use bugle_sim::fake::{FakeDiscord, InteractionOutcome, ServeHandle, WebhookSeed};
use common::alertmanager::{ExpectedAuth, FakeAlertmanager};
use common::{ALERTS, HOOK_CHANNEL, PAGER, TempDir, am, cards, config_text, eventually, fake};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const APP: u64 = 1_400_000_000_000_000_900;
const APP_HOOK_ID: u64 = 1_400_000_000_000_000_901;
const APP_HOOK_TOKEN: &str = "relay-test-app-webhook-token-secret";
const ONCALL: u64 = 1_400_000_000_000_000_500;
const OTHER_ROLE: u64 = 1_400_000_000_000_000_501;
const RESPONDER: u64 = 1_400_000_000_000_000_600;
const STRANGER: u64 = 1_400_000_000_000_000_601;
const AM_TOKEN: &str = "relay-test-alertmanager-token-secret";

/// A relay with an application and an Alertmanager, its ingest and
/// interactions listeners on loopback, `FakeDiscord` served on loopback.
struct TwoWay {
    relay: Relay,
    fake: FakeDiscord,
    alertmanager: FakeAlertmanager,
    ingest: String,
    api: String,
    server: ServeHandle,
    dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

fn discord() -> FakeDiscord {
    fake()
        .application_id(APP)
        .user(RESPONDER, "casey")
        .user(STRANGER, "mallory")
        .member_roles(RESPONDER, [ONCALL])
        .member_roles(STRANGER, [OTHER_ROLE])
        .webhook_seed(
            WebhookSeed::new(HOOK_CHANNEL, APP_HOOK_ID, APP_HOOK_TOKEN).application_owned(APP),
        )
        .build()
}

fn text(outbox: &Path, api: &str, fake: &FakeDiscord, alertmanager: &str) -> String {
    let rules = format!(
        r#"
[webhooks.app]
url = {{ env = "APP_HOOK" }}
[interactions]
listen = "127.0.0.1:0"
application_id = "{APP}"
public_key = "{key}"
[alertmanager]
url = "{alertmanager}"
bearer_token = {{ env = "AM" }}
max_silence_hours = 24
[[rules]]
matchers = ['service="checkout"']
channel = "alerts"
responders = ["{ONCALL}"]
[[rules]]
matchers = ['service="search"']
webhook = "app"
responders = ["everyone"]
[[rules]]
matchers = ['service="billing"']
webhook = "ops"
responders = ["{ONCALL}"]
[[rules]]
matchers = ['service="batch"']
channel = "pager"
[default]
channel = "alerts"
"#,
        key = fake.application_public_key(),
    );
    config_text(outbox, Some(api), &rules)
}

impl TwoWay {
    async fn start() -> Self {
        Self::start_with(ExpectedAuth::Bearer(AM_TOKEN.to_owned())).await
    }

    async fn start_with(expected: ExpectedAuth) -> Self {
        let fake = discord();
        let alertmanager = FakeAlertmanager::start(expected).await;
        let server = fake
            .serve(([127, 0, 0, 1], 0).into())
            .await
            .expect("bind fake");
        let api = format!("http://{}/api", server.local_addr());
        Self::launch(fake, server, api, alertmanager, TempDir::new()).await
    }

    /// Starts a relay on `dir`'s outbox, with `fake` served at `api`.
    async fn launch(
        fake: FakeDiscord,
        server: ServeHandle,
        api: String,
        alertmanager: FakeAlertmanager,
        dir: TempDir,
    ) -> Self {
        let env = |name: &str| match name {
            "AM" => Some(AM_TOKEN.to_owned()),
            "APP_HOOK" => Some(format!(
                "https://discord.com/api/webhooks/{APP_HOOK_ID}/{APP_HOOK_TOKEN}"
            )),
            other => common::env(other),
        };
        let config = RelayConfig::from_toml_with_env(
            &text(
                &dir.file("outbox.sqlite3"),
                &api,
                &fake,
                &alertmanager.url(),
            ),
            LoadOptions::default(),
            &env,
        )
        .expect("config loads");
        let client = bugle::DiscordClient::new(discord_config(&config).build().expect("config"))
            .expect("client");
        let relay = Relay::open(config, client, Clock::system())
            .await
            .expect("relay opens");
        let ingest = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind ingest");
        let interactions = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind interactions");
        let endpoint = format!(
            "http://{}/interactions",
            interactions.local_addr().expect("addr")
        );
        let ingest_base = format!("http://{}", ingest.local_addr().expect("addr"));
        fake.set_interactions_endpoint(endpoint);
        let (tx, rx) = oneshot::channel::<()>();
        let running = relay.clone();
        let task = tokio::spawn(async move {
            running
                .run_with(ingest, Some(interactions), "two-way", async {
                    let _ = rx.await;
                })
                .await
                .expect("relay runs");
        });
        // The start-up check finds which webhooks are the application's.
        eventually("the destination check", || {
            relay
                .destination_checks()
                .iter()
                .any(|c| c.name == "webhook:app")
                .then_some(())
        })
        .await;
        Self {
            relay,
            fake,
            alertmanager,
            ingest: ingest_base,
            api,
            server,
            dir,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Stops the relay and starts a new one on the same outbox, Discord
    /// and Alertmanager.
    async fn restart(mut self) -> Self {
        self.halt().await;
        let Self {
            fake,
            server,
            api,
            alertmanager,
            dir,
            ..
        } = self;
        Self::launch(fake, server, api, alertmanager, dir).await
    }

    async fn post(&self, body: &Value) {
        let accepted = self
            .relay
            .accept(
                bugle_relay::Source::Alertmanager,
                None,
                &bearer(),
                body.to_string().as_bytes(),
            )
            .await
            .expect("accepted");
        assert!(accepted.queued > 0, "{accepted:?}");
    }

    async fn halt(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("relay stops");
        }
    }

    async fn stop(mut self) {
        self.halt().await;
        self.server.shutdown().await;
    }
}

fn bearer() -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        axum::http::header::AUTHORIZATION,
        format!("Bearer {}", common::INGEST_TOKEN)
            .parse()
            .expect("header"),
    );
    headers
}

/// The custom ids of the card's buttons that act (not links), and whether each is disabled.
fn actions(card: &Message) -> Vec<(String, bool)> {
    let json = serde_json::to_value(&card.components).expect("json");
    let mut out = Vec::new();
    for row in json.as_array().into_iter().flatten() {
        for button in row["components"].as_array().into_iter().flatten() {
            if let Some(id) = button["custom_id"].as_str() {
                out.push((id.to_owned(), button["disabled"] == true));
            }
        }
    }
    out
}

fn description(card: &Message) -> String {
    card.embeds[0].description.clone().unwrap_or_default()
}

fn said(outcome: &InteractionOutcome) -> String {
    outcome
        .message
        .as_ref()
        .map(|m| m.content.clone())
        .unwrap_or_default()
}

/// The ephemeral answer of an interaction: the message its response made
/// (type 4), or its first followup (after a deferral).
async fn answer(relay: &TwoWay, outcome: &InteractionOutcome) -> String {
    if outcome.callback_type == 4 {
        return said(outcome);
    }
    eventually("the followup", || {
        relay
            .fake
            .followups(outcome.interaction_id)
            .first()
            .map(|m| m.content.clone())
            .or_else(|| {
                relay
                    .fake
                    .original_response(outcome.interaction_id)
                    .map(|m| m.content)
                    .filter(|c| !c.is_empty())
            })
    })
    .await
}

/// Waits until card `id` shows `firing` alerts, and checks that it still
/// says who acknowledged it, with Acknowledge greyed out.
async fn keeps_the_acknowledgement(fake: &FakeDiscord, id: u64, firing: usize) {
    let changed = eventually("the changed card", || {
        fake.message(id)
            .filter(|m| common::title(m).contains(&format!("[FIRING:{firing}]")))
    })
    .await;
    assert!(
        description(&changed).contains("Acknowledged by **casey**"),
        "{}",
        description(&changed)
    );
    assert_eq!(actions(&changed)[0], ("bugle-relay:ack".to_owned(), true));
}

/// The responder presses Silence 1h on card `id` and is told it is done.
async fn silence_for_an_hour(relay: &TwoWay, id: u64) {
    let silenced = relay
        .fake
        .click(id, "bugle-relay:silence:3600", RESPONDER)
        .await
        .expect("answered");
    let told = answer(relay, &silenced).await;
    assert!(told.contains("Silenced for 1h"), "{told}");
}

fn started() -> String {
    let now = Clock::system().now() - time::Duration::minutes(5);
    now.format(&time::format_description::well_known::Rfc3339)
        .expect("time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // one story, told in order
async fn acknowledge_and_silence_from_the_card() {
    let relay = TwoWay::start().await;
    let fake = relay.fake.clone();
    let started = started();
    relay.post(&am("checkout", "firing", 2, &started)).await;
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    assert_eq!(
        actions(&card),
        [
            ("bugle-relay:ack".to_owned(), false),
            ("bugle-relay:silence:3600".to_owned(), false),
            ("bugle-relay:silence:14400".to_owned(), false),
            ("bugle-relay:silence:custom".to_owned(), false),
        ]
    );
    let id = card.id.get();

    // Someone without the route's role is refused, privately, and nothing changes.
    let refused = fake
        .click(id, "bugle-relay:ack", STRANGER)
        .await
        .expect("answered");
    assert_eq!(refused.callback_type, 4);
    let message = refused.message.as_ref().expect("a message");
    assert!(
        message
            .flags
            .contains(bugle::model::message::MessageFlags::EPHEMERAL),
        "the refusal is ephemeral"
    );
    assert!(
        said(&refused).contains(&format!("<@&{ONCALL}>")),
        "{}",
        said(&refused)
    );
    let silence = fake
        .click(id, "bugle-relay:silence:3600", STRANGER)
        .await
        .expect("answered");
    assert!(
        said(&silence).starts_with("Only members"),
        "{}",
        said(&silence)
    );
    assert!(relay.alertmanager.silences().is_empty());

    // A responder acknowledges: the card says so, and Acknowledge greys out.
    let acked = fake
        .click(id, "bugle-relay:ack", RESPONDER)
        .await
        .expect("answered");
    assert!(said(&acked).contains("Acknowledged"), "{}", said(&acked));
    let shown = eventually("the acknowledged card", || {
        fake.message(id)
            .filter(|m| description(m).contains("Acknowledged by **casey**"))
    })
    .await;
    assert_eq!(actions(&shown)[0], ("bugle-relay:ack".to_owned(), true));
    assert!(
        fake.click(id, "bugle-relay:ack", RESPONDER).await.is_err(),
        "a greyed-out button cannot be pressed"
    );

    // A later change of the group edits the card and keeps the acknowledgement.
    relay.post(&am("checkout", "firing", 3, &started)).await;
    keeps_the_acknowledgement(&fake, id, 3).await;

    // Silence 1 h: Alertmanager gets the group's labels as matchers.
    silence_for_an_hour(&relay, id).await;
    let sent = relay.alertmanager.silences();
    assert_eq!(sent.len(), 1);
    let body = &sent[0];
    let mut matchers: Vec<(String, String, bool, bool)> = body["matchers"]
        .as_array()
        .expect("matchers")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or_default().to_owned(),
                m["value"].as_str().unwrap_or_default().to_owned(),
                m["isRegex"] == true,
                m["isEqual"] != false,
            )
        })
        .collect();
    matchers.sort();
    assert_eq!(
        matchers,
        [
            ("alertname".into(), "HighLatency".into(), false, true),
            ("service".into(), "checkout".into(), false, true),
        ]
    );
    let created_by = body["createdBy"].as_str().unwrap_or_default();
    assert!(
        created_by.contains("casey") && created_by.contains(&RESPONDER.to_string()),
        "{created_by}"
    );
    assert_eq!(span_seconds(body), 3600);
    eventually("the silenced card", || {
        fake.message(id)
            .filter(|m| description(m).contains("Silenced by **casey** until"))
    })
    .await;

    // Silence…: a modal; a bad duration is refused naming the field and nothing is sent.
    let opened = fake
        .click(id, "bugle-relay:silence:custom", RESPONDER)
        .await
        .expect("answered");
    assert_eq!(opened.callback_type, 9, "a modal");
    let modal = opened.modal.expect("the modal");
    assert_eq!(modal.field_ids(), ["duration", "comment"]);
    let bad = fake
        .submit(&modal, &[("duration", "2x"), ("comment", "")], RESPONDER)
        .await
        .expect("answered");
    let told = answer(&relay, &bad).await;
    assert!(told.starts_with("`duration`:"), "{told}");
    let too_long = fake
        .submit(&modal, &[("duration", "3d")], RESPONDER)
        .await
        .expect("answered");
    let told = answer(&relay, &too_long).await;
    assert!(told.contains("at most 1d"), "{told}");
    assert_eq!(relay.alertmanager.silences().len(), 1, "nothing sent");
    let good = fake
        .submit(
            &modal,
            &[("duration", "90m"), ("comment", "failover drill")],
            RESPONDER,
        )
        .await
        .expect("answered");
    let told = answer(&relay, &good).await;
    assert!(told.contains("Silenced for 1h 30m"), "{told}");
    let sent = relay.alertmanager.silences();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["comment"], "failover drill");
    assert_eq!(span_seconds(&sent[1]), 90 * 60);

    // Resolved: the card turns green, its acting buttons go, the notes stay.
    relay.post(&am("checkout", "resolved", 3, &started)).await;
    let resolved = eventually("the resolved card", || {
        fake.message(id)
            .filter(|m| common::title(m).contains("RESOLVED"))
    })
    .await;
    assert!(actions(&resolved).is_empty(), "{:?}", actions(&resolved));
    assert!(description(&resolved).contains("Acknowledged by **casey**"));
    relay.stop().await;
}

fn span_seconds(silence: &Value) -> i64 {
    let at = |key: &str| {
        time::OffsetDateTime::parse(
            silence[key].as_str().expect("time"),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("rfc 3339")
        .unix_timestamp()
    };
    at("endsAt") - at("startsAt")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_go_only_where_the_application_owns_the_message_and_the_route_has_responders() {
    let relay = TwoWay::start().await;
    let fake = relay.fake.clone();
    let started = started();
    let checks = relay.relay.destination_checks();
    let app = checks
        .iter()
        .find(|c| c.name == "webhook:app")
        .expect("app");
    assert!(app.state.contains("the application's"), "{}", app.state);
    for service in ["search", "billing", "batch"] {
        relay.post(&am(service, "firing", 1, &started)).await;
    }
    let on_app_hook = eventually("the card on the application's webhook", || {
        cards(&fake, HOOK_CHANNEL)
            .into_iter()
            .find(|m| common::title(m).contains("search"))
    })
    .await;
    assert_eq!(actions(&on_app_hook).len(), 4, "the application's webhook");
    // `everyone` lets any member press.
    let acked = fake
        .click(on_app_hook.id.get(), "bugle-relay:ack", STRANGER)
        .await
        .expect("answered");
    assert!(said(&acked).contains("Acknowledged"), "{}", said(&acked));
    eventually("the acknowledged webhook card", || {
        fake.message(on_app_hook.id.get())
            .filter(|m| description(m).contains("Acknowledged by **mallory**"))
    })
    .await;

    let on_plain_hook = eventually("the card on the other webhook", || {
        cards(&fake, HOOK_CHANNEL)
            .into_iter()
            .find(|m| common::title(m).contains("billing"))
    })
    .await;
    assert!(
        actions(&on_plain_hook).is_empty(),
        "a webhook the application does not own keeps link buttons only"
    );
    assert!(!on_plain_hook.components.is_empty(), "the links stay");
    let no_responders = eventually("the card of a route without responders", || {
        cards(&fake, PAGER).into_iter().next()
    })
    .await;
    assert!(actions(&no_responders).is_empty());
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alertmanager_that_refuses_is_reported_to_the_presser_and_the_card_is_unchanged() {
    let relay = TwoWay::start_with(ExpectedAuth::Bearer("another-token".to_owned())).await;
    let fake = relay.fake.clone();
    relay.post(&am("checkout", "firing", 1, &started())).await;
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    let pressed = fake
        .click(card.id.get(), "bugle-relay:silence:14400", RESPONDER)
        .await
        .expect("answered");
    let told = answer(&relay, &pressed).await;
    assert!(
        told.contains("Alertmanager did not create the silence"),
        "{told}"
    );
    assert!(!told.contains(AM_TOKEN), "the token is never shown");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let card = fake.message(card.id.get()).expect("card");
    assert!(!description(&card).contains("Silenced"));
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interactions_listener_is_separate_and_refuses_bad_signatures() {
    let relay = TwoWay::start().await;
    // Discord's own probe: a PING answered, forged signatures refused.
    relay.fake.probe_endpoint().await.expect("the probe passes");
    // The ingest listener does not serve interactions.
    let answer = bugle_relay::sender::post_with_headers(
        &format!("{}/interactions", relay.ingest),
        &[],
        b"{}",
    )
    .await
    .expect("reachable");
    assert_eq!(answer.status, 404);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledgement_outlives_a_restart_of_the_relay() {
    let relay = TwoWay::start().await;
    let fake = relay.fake.clone();
    let started = started();
    relay.post(&am("checkout", "firing", 1, &started)).await;
    let card = eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    let id = card.id.get();
    fake.click(id, "bugle-relay:ack", RESPONDER)
        .await
        .expect("answered");
    eventually("the acknowledged card", || {
        fake.message(id)
            .filter(|m| description(m).contains("Acknowledged by **casey**"))
    })
    .await;

    let relay = relay.restart().await;
    relay.post(&am("checkout", "firing", 2, &started)).await;
    // The note is in the outbox, not in the process.
    keeps_the_acknowledgement(&fake, id, 2).await;
    // The new process serves the old card's buttons.
    silence_for_an_hour(&relay, id).await;
    relay.stop().await;
}

//! Each input format from the samples in fixtures/alerts/, each auth method
//! (and its refusal), and every 4xx: nothing is queued for a refused body.

mod common;

use std::path::PathBuf;

use base64::Engine as _;
use bugle_relay::auth::grafana_signature;
use bugle_relay::ingest::{IngestError, parse};
use bugle_relay::{Source, Status};
use common::{
    ALERTS, BASIC_PASSWORD, HMAC_SECRET, HOOK_CHANNEL, INGEST_TOKEN, Served, cards, eventually,
    fake, title,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/alerts")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn alertmanager_samples_parse() {
    let firing = parse(Source::Alertmanager, &fixture("alertmanager-firing.json")).expect("firing");
    assert_eq!(firing.status, Status::Firing);
    assert_eq!(firing.alerts.len(), 2);
    assert_eq!(
        firing.alerts[0].ends_at_ms, None,
        "Go's zero time is absent"
    );
    assert_eq!(firing.common_labels["severity"], "warning");
    assert!(firing.group_key.contains("KubePodCrashLooping"));
    let resolved =
        parse(Source::Alertmanager, &fixture("alertmanager-resolved.json")).expect("resolved");
    assert_eq!(resolved.status, Status::Resolved);
    assert_eq!(resolved.group_key, firing.group_key);
    assert!(resolved.alerts.iter().all(|a| a.ends_at_ms.is_some()));
}

#[test]
fn grafana_samples_parse() {
    let firing = parse(Source::Grafana, &fixture("grafana-firing.json")).expect("firing");
    assert_eq!(firing.status, Status::Firing);
    assert_eq!(
        firing.alerts[0].dashboard_url.as_deref(),
        Some("https://grafana.example.com/d/rYdddlPWk?orgId=1")
    );
    assert!(
        firing
            .title
            .as_deref()
            .unwrap()
            .starts_with("[FIRING:1] High CPU")
    );
    assert!(firing.group_key.starts_with("org1:"));
    let resolved = parse(Source::Grafana, &fixture("grafana-resolved.json")).expect("resolved");
    assert_eq!(resolved.status, Status::Resolved);
    assert_eq!(resolved.group_key, firing.group_key);
}

#[test]
fn notify_sample_parses() {
    let n = parse(Source::Notify, &fixture("notify-firing.json")).expect("notify");
    assert_eq!(n.group_key, "backup/db-1");
    assert_eq!(n.common_labels["severity"], "critical");
    assert_eq!(n.common_labels["host"], "db-1");
    assert_eq!(
        n.link.as_deref(),
        Some("https://ci.example.com/jobs/backup/812")
    );
}

#[test]
fn wrong_shapes_name_the_field_and_never_the_value() {
    let error = parse(
        Source::Alertmanager,
        br#"{"version":"4","status":"firing","alerts":[]}"#,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("`groupKey` is missing"),
        "{error}"
    );
    let error = parse(
        Source::Alertmanager,
        br#"{"version":"4","groupKey":"g","status":"firing","alerts":[{"labels":{"a":["hunter2"]}}]}"#,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`alerts[0].labels.a` must be a string"),
        "{error}"
    );
    assert!(!error.to_string().contains("hunter2"));
    let error = parse(
        Source::Alertmanager,
        br#"{"version":"3","groupKey":"g","status":"firing","alerts":[]}"#,
    )
    .unwrap_err();
    assert!(error.to_string().contains("must be \"4\""), "{error}");
    assert!(matches!(
        parse(Source::Grafana, b"[1,2]"),
        Err(IngestError::Shape(_))
    ));
    assert!(matches!(
        parse(Source::Notify, b"{"),
        Err(IngestError::NotJson(_))
    ));
}

#[test]
fn unknown_fields_are_tolerated() {
    let body = br#"{"version":"4","groupKey":"g","status":"firing","alerts":[{"labels":{},"future":{"x":1}}],"somethingNew":true}"#;
    assert!(parse(Source::Alertmanager, body).is_ok());
}

const RULES: &str = "[default]\nchannel = \"alerts\"";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_format_becomes_a_card() {
    let relay = Served::start(fake().build(), RULES).await;
    for (path, file) in [
        ("/alertmanager", "alertmanager-firing.json"),
        ("/grafana", "grafana-firing.json"),
        ("/notify", "notify-firing.json"),
    ] {
        let answer = relay
            .post_raw(
                path,
                &[("authorization", format!("Bearer {INGEST_TOKEN}"))],
                &fixture(file),
            )
            .await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }
    let fake = relay.fake.clone();
    let all = eventually("three cards", || {
        let all = cards(&fake, ALERTS);
        (all.len() == 3).then_some(all)
    })
    .await;
    let titles: Vec<String> = all.iter().map(title).collect();
    assert!(
        titles.iter().any(|t| t.contains("KubePodCrashLooping")),
        "{titles:?}"
    );
    assert!(titles.iter().any(|t| t.contains("High CPU")), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.contains("Nightly backup failed")),
        "{titles:?}"
    );
    for (path, file) in [
        ("/alertmanager", "alertmanager-resolved.json"),
        ("/grafana", "grafana-resolved.json"),
    ] {
        let answer = relay
            .post_raw(
                path,
                &[("authorization", format!("Bearer {INGEST_TOKEN}"))],
                &fixture(file),
            )
            .await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }
    eventually("two resolved cards", || {
        let resolved = cards(&fake, ALERTS)
            .iter()
            .filter(|m| title(m).contains("[RESOLVED]"))
            .count();
        (resolved == 2).then_some(())
    })
    .await;
    assert_eq!(cards(&fake, ALERTS).len(), 3);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_auth_method_passes_and_wrong_credentials_are_refused() {
    let relay = Served::start(fake().build(), RULES).await;
    let body = fixture("alertmanager-firing.json");
    let basic = |user: &str, password: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    };
    let cases: Vec<AuthCase> = vec![
        ("no credentials", vec![], 401),
        (
            "wrong bearer",
            vec![("authorization", "Bearer nope".to_owned())],
            401,
        ),
        (
            "bearer",
            vec![("authorization", format!("Bearer {INGEST_TOKEN}"))],
            200,
        ),
        (
            "wrong basic",
            vec![("authorization", basic("alertmanager", "nope"))],
            401,
        ),
        (
            "wrong user",
            vec![("authorization", basic("mallory", BASIC_PASSWORD))],
            401,
        ),
        (
            "basic",
            vec![("authorization", basic("alertmanager", BASIC_PASSWORD))],
            200,
        ),
    ];
    for (what, headers, status) in cases {
        let answer = relay.post_raw("/alertmanager", &headers, &body).await;
        assert_eq!(answer.status.as_u16(), status, "{what}: {}", answer.body);
        if status == 401 {
            assert!(
                answer.body.contains("missing or wrong credentials"),
                "{what}: {}",
                answer.body
            );
        }
    }
    let grafana = fixture("grafana-firing.json");
    let now = relay.relay.clock().now_ms() / 1000;
    let signed = |secret: &str, ts: i64| {
        vec![
            (
                "x-grafana-alerting-signature",
                grafana_signature(secret, Some(&ts.to_string()), &grafana),
            ),
            ("x-grafana-alerting-timestamp", ts.to_string()),
        ]
    };
    assert_eq!(
        relay
            .post_raw("/grafana", &signed(HMAC_SECRET, now), &grafana)
            .await
            .status,
        200
    );
    assert_eq!(
        relay
            .post_raw("/grafana", &signed("wrong", now), &grafana)
            .await
            .status,
        401
    );
    let stale = relay
        .post_raw("/grafana", &signed(HMAC_SECRET, now - 3600), &grafana)
        .await;
    assert_eq!(stale.status, 401);
    assert!(stale.body.contains("timestamp"), "{}", stale.body);
    // A Grafana signature is not accepted on another endpoint.
    assert_eq!(
        relay
            .post_raw("/alertmanager", &signed(HMAC_SECRET, now), &body)
            .await
            .status,
        401
    );
    relay.stop().await;
}

/// A path, a body, the status and a phrase the answer must hold.
type BadCase = (&'static str, Vec<u8>, u16, &'static str);

/// What an auth case is called, its headers and the status expected.
type AuthCase = (&'static str, Vec<(&'static str, String)>, u16);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_4xx_naming_the_problem_and_nothing_is_queued() {
    let relay = Served::start(fake().build(), RULES).await;
    let auth = || vec![("authorization", format!("Bearer {INGEST_TOKEN}"))];
    let cases: Vec<BadCase> = vec![
        (
            "/alertmanager",
            b"groupKey=x&token=hunter2".to_vec(),
            400,
            "not JSON",
        ),
        (
            "/alertmanager",
            br#"{"version":"4","status":"firing"}"#.to_vec(),
            422,
            "`groupKey` is missing",
        ),
        (
            "/grafana",
            br#"{"groupKey":"g","alerts":[]}"#.to_vec(),
            422,
            "`state` is missing",
        ),
        (
            "/notify",
            br#"{"text":"no title"}"#.to_vec(),
            422,
            "`title` is missing",
        ),
        (
            "/alertmanager",
            vec![b' '; 70_000],
            413,
            "over the limit of 65536 bytes",
        ),
        (
            "/alertmanager?route=nope",
            fixture("alertmanager-firing.json"),
            404,
            "no route named `nope`",
        ),
        (
            "/notify",
            br#"{"title":"t","route":"nope"}"#.to_vec(),
            404,
            "no route named `nope`; the routes are: alerts, pager, ops",
        ),
        (
            "/alertmangler",
            fixture("alertmanager-firing.json"),
            404,
            "POST /alertmanager, /grafana and /notify",
        ),
    ];
    for (path, body, status, message) in cases {
        let answer = relay.post_raw(path, &auth(), &body).await;
        assert_eq!(answer.status.as_u16(), status, "{path}: {}", answer.body);
        assert!(answer.body.contains(message), "{path}: {}", answer.body);
        assert!(!answer.body.contains("hunter2"));
    }
    let stats = relay.relay.outbox().stats().await.expect("stats");
    assert_eq!(stats.pending, 0, "nothing was queued");
    assert_eq!(relay.relay.outbox().card("x").await.expect("card"), None);
    // A route asked for by name skips the rules.
    let answer = relay
        .post_raw(
            "/alertmanager?route=ops",
            &auth(),
            &fixture("alertmanager-firing.json"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fake = relay.fake.clone();
    eventually("the card through the named webhook", || {
        cards(&fake, HOOK_CHANNEL).into_iter().next()
    })
    .await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_notification_is_stored_once() {
    let relay = Served::start(fake().build(), RULES).await;
    let body = fixture("alertmanager-firing.json");
    let auth = [("authorization", format!("Bearer {INGEST_TOKEN}"))];
    let first = relay.post_raw("/alertmanager", &auth, &body).await;
    assert!(first.body.contains("\"queued\":1"), "{}", first.body);
    let again = relay.post_raw("/alertmanager", &auth, &body).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("\"duplicate\""), "{}", again.body);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_answer() {
    let relay = Served::start(fake().build(), RULES).await;
    let client = |path: &str| {
        let url = format!("{}{path}", relay.base);
        async move { get(&url).await }
    };
    assert_eq!(client("/healthz").await.0, 200);
    let (status, body) = client("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"outbox\":\"writable\""), "{body}");
    relay
        .post_raw(
            "/alertmanager",
            &[("authorization", format!("Bearer {INGEST_TOKEN}"))],
            &fixture("alertmanager-firing.json"),
        )
        .await;
    let fake = relay.fake.clone();
    eventually("the card", || cards(&fake, ALERTS).into_iter().next()).await;
    let (status, metrics) = client("/metrics").await;
    assert_eq!(status, 200);
    for name in [
        "bugle_relay_received_total",
        "bugle_relay_queued_total",
        "bugle_relay_delivered_total",
        "bugle_relay_delivery_latency_seconds",
    ] {
        assert!(metrics.contains(name), "{name} missing from:\n{metrics}");
    }
    let (_, body) = client("/readyz").await;
    assert!(body.contains("\"name\":\"alerts\""), "{body}");
    assert!(
        body.contains("\"name\":\"bot-token\",\"state\":\"ok (bot user"),
        "{body}"
    );
    assert!(
        body.contains(
            "\"name\":\"webhook:ops\",\"state\":\"ok (webhook alive, lookup channel readable)\""
        ),
        "{body}"
    );
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_webhook_is_reported_at_start_and_the_relay_still_starts() {
    // The fake knows the channels but not the configured webhook (deleted in Discord).
    let fake = bugle_sim::fake::FakeDiscord::builder()
        .bot_token(common::BOT_TOKEN)
        .bot_user(1_400_000_000_000_000_300, "relay")
        .guild(common::GUILD)
        .text_channel(ALERTS)
        .text_channel(common::PAGER)
        .text_channel(HOOK_CHANNEL);
    let relay = Served::start(fake.build(), RULES).await;
    // The check runs once the relay serves; /readyz lists it when done.
    let mut answer = (0, String::new());
    for _ in 0..100 {
        answer = get(&format!("{}/readyz", relay.base)).await;
        if answer.1.contains("webhook:ops") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, body) = answer;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("\"name\":\"webhook:ops\",\"state\":\"failed: webhook:"),
        "{body}"
    );
    assert!(
        !body.contains(common::HOOK_TOKEN),
        "the webhook's token is shown: {body}"
    );
    relay.stop().await;
}

async fn get(url: &str) -> (u16, String) {
    use http_body_util::BodyExt;
    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let response = client
        .get(url.parse().expect("url"))
        .await
        .expect("reachable");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_outbox_answers_503_and_drops_nothing() {
    // Discord is down for the whole test, so nothing drains.
    let faults = bugle_sim::fake::FaultConfig::none().outage(bugle_sim::fake::Outage::new(
        std::time::Duration::ZERO,
        std::time::Duration::from_secs(3600),
        http::StatusCode::SERVICE_UNAVAILABLE,
    ));
    // `capacity` lands in the [outbox] table the common config ends with.
    let relay = Served::start(
        fake().faults(faults).build(),
        "capacity = 2\n[default]\nchannel = \"alerts\"",
    )
    .await;
    let auth = [("authorization", format!("Bearer {INGEST_TOKEN}"))];
    for group in ["a", "b"] {
        let body = common::am(group, "firing", 1, "2026-01-01T10:00:00Z").to_string();
        let answer = relay
            .post_raw("/alertmanager", &auth, body.as_bytes())
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let body = common::am("c", "firing", 1, "2026-01-01T10:00:00Z").to_string();
    let full = relay
        .post_raw("/alertmanager", &auth, body.as_bytes())
        .await;
    assert_eq!(full.status, 503, "{}", full.body);
    assert!(
        full.body
            .contains("the outbox is full (2 notifications waiting)"),
        "{}",
        full.body
    );
    assert_eq!(
        relay.relay.outbox().stats().await.unwrap().pending,
        2,
        "the two accepted are kept"
    );
    relay.stop().await;
}

#[test]
fn the_config_reference_in_docs_relay_md_loads() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/relay.md"))
        .expect("docs/relay.md");
    let start = doc.find("## Config reference").expect("the section");
    let block = doc[start..]
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a toml block");
    let config = bugle_relay::RelayConfig::from_toml_with_env(
        block,
        bugle_relay::LoadOptions::default(),
        &|name| match name {
            "OPS_WEBHOOK_URL" => Some("https://discord.com/api/webhooks/1/doc-token".to_owned()),
            name if name.starts_with("BUGLE_RELAY_")
                && name != "BUGLE_RELAY_LISTEN"
                && name != "BUGLE_RELAY_SQLITE"
                && name != "BUGLE_RELAY_DATABASE_URL" =>
            {
                Some("doc-secret".to_owned())
            }
            "GRAFANA_HMAC" | "DISCORD_BOT_TOKEN" => Some("doc-secret".to_owned()),
            _ => None,
        },
    )
    .unwrap_or_else(|error| panic!("the documented config does not load: {error}"));
    assert_eq!(config.route_names(), ["alerts", "db-oncall", "ops"]);
}

#[test]
fn the_template_example_in_docs_relay_md_parses() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/relay.md"))
        .expect("docs/relay.md");
    let start = doc.find("**Templates**").expect("the section");
    let block = doc[start..]
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a toml block");
    let templates = bugle_relay::template::Templates::parse(block).expect("parses");
    assert!(templates.title.is_some() && templates.field_value.is_some());
}

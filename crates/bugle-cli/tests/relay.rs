//! `bugle relay` as a process: refusals at start-up, and durability — the
//! relay `SIGKILL`ed at random points while it delivers 200 notifications,
//! restarted each time, ends with every group's final state on Discord,
//! no card posted twice, nothing lost. No secret reaches its logs or its
//! outbox file.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use bugle_sim::fake::{Delay, FakeDiscord, FakeRateLimits, FaultConfig};
use secrecy::SecretString;
use support::{bugle, run, temp_dir};

const BOT_TOKEN: &str = "durability-bot-token-secret";
const INGEST_TOKEN: &str = "durability-ingest-secret";
const HOOK_TOKEN: &str = "durability-webhook-token-secret";
const CHANNELS: [u64; 4] = [
    1_500_000_000_000_000_001,
    1_500_000_000_000_000_002,
    1_500_000_000_000_000_003,
    1_500_000_000_000_000_004,
];
const HOOK_CHANNEL: u64 = 1_500_000_000_000_000_009;
const HOOK_ID: u64 = 1_500_000_000_000_000_100;

fn config(dir: &Path, api: &str, port: u16) -> PathBuf {
    let text = format!(
        r#"
[server]
listen = "127.0.0.1:{port}"
drain_seconds = 1
[auth]
bearer_token = {{ env = "RELAY_TEST_INGEST" }}
[discord]
bot_token = {{ env = "RELAY_TEST_BOT" }}
api_base = "{api}"
[channels]
c0 = "{}"
c1 = "{}"
c2 = "{}"
c3 = "{}"
[webhooks.ops]
url = {{ env = "RELAY_TEST_HOOK" }}
lookup_channel = "{HOOK_CHANNEL}"
[[rules]]
matchers = ['service=~"svc[0-9]*0"']
webhook = "ops"
[[rules]]
matchers = ['service=~"svc[0-9]*[1-3]"']
channel = "c1"
thread = true
[[rules]]
matchers = ['service=~"svc[0-9]*[4-6]"']
channel = "c2"
[[rules]]
matchers = ['service=~"svc[0-9]*[7-8]"']
channel = "c3"
[default]
channel = "c0"
[outbox]
sqlite = "{}"
lease_seconds = 10
"#,
        CHANNELS[0],
        CHANNELS[1],
        CHANNELS[2],
        CHANNELS[3],
        dir.join("outbox.sqlite3")
            .display()
            .to_string()
            .replace('\\', "/"),
    );
    let path = dir.join("relay.toml");
    std::fs::write(&path, text).expect("config written");
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

struct Relay {
    child: Option<Child>,
    log: PathBuf,
    starts: u32,
}

impl Relay {
    /// Starts the relay and waits until it serves (starting it again if it
    /// exited, e.g. when the port was not free yet).
    async fn start(&mut self, config: &Path, base: &str) {
        for _ in 0..100 {
            self.spawn(config);
            for _ in 0..200 {
                if let Some(child) = self.child.as_mut() {
                    if child.try_wait().expect("child status").is_some() {
                        self.child = None;
                        break;
                    }
                }
                if bugle_relay::sender::post(&format!("{base}/healthz"), None, b"")
                    .await
                    .is_ok()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the relay did not start; see {}", self.log.display());
    }

    fn spawn(&mut self, config: &Path) {
        self.starts += 1;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = bugle()
            .args(["relay", "--log-json", "--relay-config"])
            .arg(config)
            .env("RELAY_TEST_INGEST", INGEST_TOKEN)
            .env("RELAY_TEST_BOT", BOT_TOKEN)
            .env(
                "RELAY_TEST_HOOK",
                format!("https://discord.com/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}"),
            )
            .env("RUST_LOG", "bugle_relay=debug,bugle=info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("bugle relay starts");
        self.child = Some(child);
    }

    /// SIGKILL: no drain, no release, no goodbye.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("killed");
            child.wait().expect("reaped");
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A small deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn channel_of(group: usize) -> u64 {
    match group % 10 {
        0 => HOOK_CHANNEL,
        1..=3 => CHANNELS[1],
        4..=6 => CHANNELS[2],
        7 | 8 => CHANNELS[3],
        _ => CHANNELS[0],
    }
}

fn cards_of(fake: &FakeDiscord, group: usize) -> Vec<bugle::model::message::Message> {
    let suffix = format!("· svc{group}");
    fake.messages(channel_of(group))
        .into_iter()
        .filter(|m| {
            m.embeds
                .first()
                .and_then(|e| e.title.as_deref())
                .is_some_and(|t| t.ends_with(&suffix))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // one scenario, told in order
async fn sigkilled_at_random_points_the_relay_delivers_every_group_once() {
    const GROUPS: usize = 40;
    const STEPS: usize = 5; // 200 notifications
    let fake = FakeDiscord::builder()
        .bot_token(BOT_TOKEN)
        .guild(1_500_000_000_000_000_000)
        .text_channel(CHANNELS[0])
        .text_channel(CHANNELS[1])
        .text_channel(CHANNELS[2])
        .text_channel(CHANNELS[3])
        .text_channel(HOOK_CHANNEL)
        .webhook(HOOK_CHANNEL, HOOK_ID, HOOK_TOKEN)
        .rate_limits(FakeRateLimits::disabled())
        .faults(FaultConfig::none().delay(Delay::Uniform {
            min: Duration::from_millis(2),
            max: Duration::from_millis(30),
        }))
        .build();
    let server = fake.serve(([127, 0, 0, 1], 0).into()).await.expect("bind");
    let api = format!("http://{}/api", server.local_addr());
    let dir = temp_dir("relay-durability");
    let port = free_port();
    let config = config(&dir, &api, port);
    let base = format!("http://127.0.0.1:{port}");
    let mut relay = Relay {
        child: None,
        log: dir.join("relay.log"),
        starts: 0,
    };
    relay.start(&config, &base).await;
    let token = SecretString::from(INGEST_TOKEN);
    let mut random = Lcg(0x5eed_0011);
    let mut next_kill = 10 + random.below(40);
    let mut sent = 0;
    // Each group: firing 1, 2, 3 alerts, a repeat, then resolved (even
    // groups) or firing 4 (odd groups).
    for step in 0..STEPS {
        for group in 0..GROUPS {
            let (status, alerts) = match step {
                0..=2 => ("firing", step + 1),
                3 => ("firing", 3),
                _ if group % 2 == 0 => ("resolved", 3),
                _ => ("firing", 4),
            };
            let body = bugle_relay::sender::alertmanager_sample(
                &format!("svc{group}"),
                status,
                alerts,
                "2026-01-01T10:00:00Z",
                "2026-01-01T10:45:00Z",
            )
            .to_string();
            // As Alertmanager does: retry until the relay answers 2xx.
            loop {
                match bugle_relay::sender::post(
                    &format!("{base}/alertmanager"),
                    Some(&token),
                    body.as_bytes(),
                )
                .await
                {
                    Ok(answer) if answer.status.is_success() => break,
                    Ok(answer) => panic!("refused: {} {}", answer.status, answer.body),
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            sent += 1;
            if sent == next_kill {
                // Let deliveries get under way, then kill mid-flight.
                tokio::time::sleep(Duration::from_millis(random.below(150))).await;
                relay.kill();
                relay.start(&config, &base).await;
                next_kill = sent + 15 + random.below(40);
            }
        }
    }
    // One more kill while the backlog drains.
    tokio::time::sleep(Duration::from_millis(40)).await;
    relay.kill();
    relay.start(&config, &base).await;
    assert!(relay.starts >= 5, "killed {} times", relay.starts - 1);

    let settled = |fake: &FakeDiscord| {
        (0..GROUPS).all(|group| {
            let cards = cards_of(fake, group);
            let want = if group % 2 == 0 {
                "[RESOLVED]"
            } else {
                "[FIRING:4]"
            };
            cards.len() == 1
                && cards[0].embeds[0]
                    .title
                    .as_deref()
                    .is_some_and(|t| t.contains(want))
        })
    };
    for _ in 0..1200 {
        if settled(&fake) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut problems = Vec::new();
    for group in 0..GROUPS {
        let cards = cards_of(&fake, group);
        let titles: Vec<_> = cards
            .iter()
            .filter_map(|m| m.embeds[0].title.clone())
            .collect();
        let want = if group % 2 == 0 {
            "[RESOLVED]"
        } else {
            "[FIRING:4]"
        };
        if cards.len() != 1 || !titles[0].contains(want) {
            problems.push(format!("svc{group}: {titles:?}"));
        }
    }
    relay.kill();
    let log = std::fs::read_to_string(&relay.log).unwrap_or_default();
    assert!(
        problems.is_empty(),
        "after {} starts:\n{}\n",
        relay.starts,
        problems.join("\n")
    );
    eprintln!(
        "{} starts; {} cards adopted after a crash; {} creates deduplicated by nonce; {} messages created",
        relay.starts,
        log.matches("found the card an interrupted delivery posted")
            .count(),
        fake.counters().duplicates_prevented,
        fake.counters().messages_created,
    );
    // No secret in the logs or the outbox file.
    let outbox = std::fs::read(dir.join("outbox.sqlite3")).expect("outbox");
    let wal = std::fs::read(dir.join("outbox.sqlite3-wal")).unwrap_or_default();
    for secret in [BOT_TOKEN, INGEST_TOKEN, HOOK_TOKEN] {
        assert!(!log.contains(secret), "{secret} in the relay's log");
        for bytes in [&outbox, &wal] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in the outbox file"
            );
        }
    }
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_relay_needs_a_config_unless_fake() {
    let out = run(bugle().args(["relay"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--relay-config FILE"), "{}", out.stderr);
    assert!(out.stderr.contains("--fake"), "{}", out.stderr);
}

#[test]
fn the_relay_refuses_to_start_without_auth() {
    let dir = temp_dir("relay-no-auth");
    let path = dir.join("relay.toml");
    std::fs::write(&path, "[channels]\na = \"1\"\n[discord]\nbot_token = { env = \"X_BOT\" }\n[default]\nchannel = \"a\"\n").unwrap();
    let out = run(bugle()
        .args(["relay", "--relay-config"])
        .arg(&path)
        .env("X_BOT", "t"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--insecure-no-auth"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rule_naming_an_undefined_channel_is_refused_with_its_position() {
    let dir = temp_dir("relay-bad-rule");
    let path = dir.join("relay.toml");
    std::fs::write(
        &path,
        "[channels]\nalerts = \"1\"\n[discord]\nbot_token = { env = \"X_BOT\" }\n\
         [[rules]]\nchannel = \"alerts\"\n[[rules]]\nchannel = \"pagerr\"\n[default]\nchannel = \"alerts\"\n",
    )
    .unwrap();
    let out = run(bugle()
        .args(["relay", "--insecure-no-auth", "--relay-config"])
        .arg(&path)
        .env("X_BOT", "t"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("rules[1] (rule 2 in the file): channel `pagerr` is not defined"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn record_and_replay_are_refused() {
    let out = run(bugle().args(["--record", "x.json", "--fake", "relay"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(bugle().args(["--replay", "x.json", "relay", "--insecure-no-auth"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--record and --replay"),
        "{}",
        out.stderr
    );
}

#[test]
fn dead_letters_list_empty_and_requeue_of_an_unknown_id_fails() {
    let dir = temp_dir("relay-dead-letters");
    let path = dir.join("relay.toml");
    std::fs::write(
        &path,
        format!(
            "[channels]\nalerts = \"1\"\n[discord]\nbot_token = {{ env = \"X_BOT\" }}\n[default]\nchannel = \"alerts\"\n[outbox]\nsqlite = \"{}\"\n",
            dir.join("o.sqlite3").display().to_string().replace('\\', "/")
        ),
    )
    .unwrap();
    let out = run(bugle()
        .args(["relay", "--relay-config"])
        .arg(&path)
        .args(["dead-letter", "list"])
        .env("X_BOT", "t"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("no dead letters"), "{}", out.stdout);
    let out = run(bugle()
        .args(["relay", "--relay-config"])
        .arg(&path)
        .args(["dead-letter", "requeue", "7"])
        .env("X_BOT", "t"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("no dead letter with id 7"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_accepting_and_leaves_the_rest_in_the_outbox() {
    use bugle_relay::outbox::Outbox;

    let dir = temp_dir("relay-sigterm");
    // Discord is unreachable: nothing can be delivered.
    let dead_port = free_port();
    let port = free_port();
    let config = config(&dir, &format!("http://127.0.0.1:{dead_port}/api"), port);
    let base = format!("http://127.0.0.1:{port}");
    let mut relay = Relay {
        child: None,
        log: dir.join("relay.log"),
        starts: 0,
    };
    relay.start(&config, &base).await;
    let token = SecretString::from(INGEST_TOKEN);
    let body =
        bugle_relay::sender::alertmanager_sample("svc9", "firing", 1, "2026-01-01T10:00:00Z", "");
    let answer = bugle_relay::sender::post(
        &format!("{base}/alertmanager"),
        Some(&token),
        body.to_string().as_bytes(),
    )
    .await
    .expect("posted");
    assert_eq!(
        answer.status, 200,
        "accepted while discord is down: {}",
        answer.body
    );
    let mut child = relay.child.take().expect("running");
    let pid = child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .expect("exits");
    assert!(exit.success(), "a clean exit on SIGTERM: {exit:?}");
    assert!(
        bugle_relay::sender::post(&format!("{base}/healthz"), None, b"")
            .await
            .is_err(),
        "no longer accepting"
    );
    let log = std::fs::read_to_string(&relay.log).unwrap_or_default();
    assert!(log.contains("SIGTERM"), "{log}");
    let outbox =
        bugle_relay::outbox::SqliteOutbox::open(&dir.join("outbox.sqlite3"), 10).expect("outbox");
    assert_eq!(
        outbox.stats().await.expect("stats").pending,
        1,
        "the notification is safe in the outbox"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

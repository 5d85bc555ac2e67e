//! Secret scan: every `bugle` subcommand and every example of the `bugle`
//! crate runs with a known bot token and a webhook URL holding a known
//! webhook token, logging at `RUST_LOG=trace`; neither token may appear in
//! any stdout, stderr or file a run writes (cassettes included).
//!
//! Nothing may reach discord.com, so every process runs in a simulated mode,
//! and the test checks that rather than hoping for it:
//!
//! - Every process gets `DISCORD_API_BASE` pointing at a tripwire: a TCP
//!   listener on 127.0.0.1 that only counts connections. A process that fell
//!   back to real Discord would send there (the base decides where every
//!   request goes, webhook executes included) and the count would not be 0.
//! - `--fake` runs answer from a `FakeDiscord` inside the process: their
//!   trace logs must show no HTTP client at work (`hyper_util` logs every
//!   connection at trace level; the `--record` runs below prove that it does).
//! - `--record` records real HTTP exchanges, so those runs point
//!   `DISCORD_API_BASE` at a `FakeDiscord` this test serves on loopback
//!   (accepting the known token and webhook), and the test checks that it
//!   received their requests. The cassettes are then replayed (`--replay`).
//! - The examples are run with `cargo run -q -p bugle --example NAME` (built
//!   once, in the workspace's target directory) with `BUGLE_SIMULATION=fake`
//!   and the token and webhook URL set, but without `DISCORD_CHANNEL_ID`:
//!   `send_webhook` treats a set `DISCORD_WEBHOOK_URL` as "live" and then
//!   takes its mode from `BUGLE_SIMULATION` (so it runs against the
//!   in-process fake), while `simulation_mode`, `channel_messaging`,
//!   `pipeline_workflow` and `alert_routing` go live only with
//!   `DISCORD_CHANNEL_ID`, and `simulation_mode` would then record against
//!   Discord whatever `BUGLE_SIMULATION` says. The examples install no
//!   tracing subscriber, so for them the scan covers stdout and stderr.
//!
//! Every process gets `TMPDIR` pointing into the test's directory, so files
//! written to the temporary directory are scanned as well.

mod support;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bugle_sim::fake::FakeDiscord;
use support::{Run, bugle, run, temp_dir};

/// The bot token; its middle part is searched for on its own as well.
const TOKEN: &str = "MTMxMDAwMDAwMDAw.ScAn9x.secret-scan-bot-token-never-shown";
/// The webhook token.
const WEBHOOK_TOKEN: &str = "secret-scan-webhook-token-Zq81Lw-never-shown";
/// What must never appear: the tokens, and distinctive parts of them.
const NEEDLES: [&str; 4] = [TOKEN, WEBHOOK_TOKEN, "ScAn9x", "Zq81Lw"];
const WEBHOOK_ID: u64 = 1_310_000_000_000_000_777;
const CHANNEL: &str = "1310000000000000001";
const USER: &str = "1310000000000000200";
const EXAMPLES: [&str; 6] = [
    "send_webhook",
    "channel_messaging",
    "simulation_mode",
    "pipeline_workflow",
    "alert_routing",
    "testing_with_fakediscord",
];

fn webhook_url() -> String {
    format!("https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
}

/// A TCP listener that counts the connections made to it.
struct Tripwire {
    base: String,
    hits: Arc<AtomicUsize>,
}

impl Tripwire {
    fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the tripwire");
        let base = format!("https://{}/api", listener.local_addr().expect("address"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { base, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Everything one run printed, to scan.
struct Scan {
    outputs: Vec<(String, String)>,
}

impl Scan {
    fn new() -> Self {
        Self {
            outputs: Vec::new(),
        }
    }

    fn add(&mut self, what: &str, run: &Run) {
        self.outputs
            .push((format!("{what} stdout"), run.stdout.clone()));
        self.outputs
            .push((format!("{what} stderr"), run.stderr.clone()));
    }

    /// Adds every file under `dir`.
    fn add_files(&mut self, dir: &Path) {
        for path in files_under(dir) {
            let bytes = std::fs::read(&path).expect("readable");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            self.outputs.push((path.display().to_string(), text));
        }
    }

    fn assert_clean(&self) {
        let leaks: Vec<String> = self
            .outputs
            .iter()
            .flat_map(|(what, text)| {
                NEEDLES
                    .iter()
                    .filter(|needle| text.contains(*needle))
                    .map(move |needle| format!("{what} holds {needle:?}"))
            })
            .collect();
        assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// `bugle` with the known credentials, trace logging, the tripwire as its
/// API base and `tmp` as its temporary directory.
fn bugle_with_secrets(tripwire: &Tripwire, tmp: &Path) -> Command {
    let mut command = bugle();
    command
        .env("RUST_LOG", "trace")
        .env("DISCORD_BOT_TOKEN", TOKEN)
        .env("DISCORD_WEBHOOK_URL", webhook_url())
        .env("DISCORD_API_BASE", &tripwire.base)
        .env("TMPDIR", tmp);
    command
}

/// Asserts the run answered from an in-process fake: no HTTP client logged
/// a connection.
fn assert_in_process(what: &str, run: &Run) {
    assert!(
        run.stderr.contains("discord.request") || what.starts_with("demo"),
        "{what}: tracing is not on: {}",
        run.stderr
    );
    for trace in ["hyper_util", "connecting to"] {
        assert!(
            !run.stderr.contains(trace),
            "{what}: an http client was used: {}",
            run.stderr
        );
    }
}

#[test]
fn no_subcommand_or_example_shows_a_token_and_none_reaches_discord() {
    let dir = temp_dir("secret-scan");
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let tripwire = Tripwire::start();
    let mut scan = Scan::new();

    fake_runs(&tripwire, &dir, &tmp, &mut scan);
    fake_discord_server(&tripwire, &tmp, &mut scan);
    record_and_replay_runs(&tripwire, &dir, &tmp, &mut scan);
    example_runs(&tripwire, &tmp, &mut scan);

    scan.add_files(&dir);
    scan.assert_clean();
    assert_eq!(tripwire.hits(), 0, "a process tried to reach discord");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every subcommand with `--fake` (one through `BUGLE_SIMULATION=fake`),
/// with the exit code each must end with.
fn fake_runs(tripwire: &Tripwire, dir: &Path, tmp: &Path, scan: &mut Scan) {
    let lines = dir.join("lines.txt");
    std::fs::write(&lines, "first line\nsecond line\n").expect("lines file");
    let long = "a line of a long report\n".repeat(150);
    let lines = lines.to_str().expect("utf-8 path");
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["demo", "--burst", "2"], 0),
        (vec!["webhook", "send", "hello", "--json"], 0),
        (
            vec!["webhook", "send", "hi", "--username", "ops", "--no-wait"],
            0,
        ),
        (vec!["webhook", "edit", "1", "changed"], 4),
        (vec!["webhook", "delete", "1"], 4),
        (vec!["message", "send", "alerts", "hello", "--json"], 0),
        (vec!["message", "send", CHANNEL, &long, "--split"], 0),
        (vec!["message", "send", "deploys", "--lines", lines], 0),
        (vec!["message", "send", "ci", "hi", "--reply-to", "1"], 2),
        (vec!["message", "edit", "alerts", "1", "changed"], 4),
        (vec!["message", "delete", "alerts", "1"], 0),
        (vec!["react", "alerts", "1", "✅"], 4),
        (
            vec![
                "thread",
                "create",
                "alerts",
                "deploy #1",
                "--message",
                "hi",
                "--json",
            ],
            0,
        ),
        (
            vec![
                "thread",
                "create",
                "alerts",
                "deploy #2",
                "--from-message",
                "1",
            ],
            4,
        ),
        (vec!["dm", "send", USER, "hello", "--json"], 0),
    ];
    for (args, code) in runs {
        let what = args.join(" ");
        let output = run(bugle_with_secrets(tripwire, tmp).args(&args).arg("--fake"));
        assert_eq!(
            output.code, code,
            "{what}: exit {}\nstdout: {}\nstderr: {}",
            output.code, output.stdout, output.stderr
        );
        assert_in_process(&what, &output);
        scan.add(&what, &output);
    }
    // The simulation chosen through the environment instead of the flag.
    let output = run(bugle_with_secrets(tripwire, tmp)
        .env("BUGLE_SIMULATION", "fake")
        .args(["message", "send", "alerts", "from the environment", "-vvv"]))
    .expect_code(0);
    assert_in_process("BUGLE_SIMULATION=fake message send", &output);
    scan.add("BUGLE_SIMULATION=fake message send", &output);
}

/// `bugle fake-discord`: starts, describes itself, and is stopped.
fn fake_discord_server(tripwire: &Tripwire, tmp: &Path, scan: &mut Scan) {
    let mut child = bugle_with_secrets(tripwire, tmp)
        .args(["fake-discord", "--port", "0", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fake-discord starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("it describes itself");
    let info: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert!(
        info["api_base"]
            .as_str()
            .is_some_and(|base| base.starts_with("http://127.0.0.1:")),
        "{info}"
    );
    child.kill().expect("stopped");
    let output = child.wait_with_output().expect("output");
    // Killed, so there is no exit code to report.
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: format!("{line}{}", String::from_utf8_lossy(&output.stdout)),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    scan.add("fake-discord", &run);
}

/// `--record` against a `FakeDiscord` served on loopback, then `--replay`.
fn record_and_replay_runs(tripwire: &Tripwire, dir: &Path, tmp: &Path, scan: &mut Scan) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(async {
        FakeDiscord::builder()
            .bot_token(TOKEN)
            .text_channel(CHANNEL.parse().expect("id"))
            .webhook(CHANNEL.parse().expect("id"), WEBHOOK_ID, WEBHOOK_TOKEN)
            .auto_create_channels(true)
            .build()
    });
    let server = runtime
        .block_on(fake.serve(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))))
        .expect("serve on loopback");
    let base = format!("http://{}/api", server.local_addr());
    let cassettes = dir.join("cassettes");
    std::fs::create_dir_all(&cassettes).expect("cassette dir");
    let records: [(&str, Vec<&str>); 3] = [
        (
            "message.json",
            vec!["message", "send", CHANNEL, "recorded", "--json"],
        ),
        (
            "webhook.json",
            vec!["webhook", "send", "recorded", "--json"],
        ),
        ("dm.json", vec!["dm", "send", USER, "recorded"]),
    ];
    for (file, args) in &records {
        let cassette = cassettes.join(file);
        let what = format!("{} --record", args.join(" "));
        let output = run(bugle_with_secrets(tripwire, tmp)
            .env("DISCORD_API_BASE", &base)
            .args(args)
            .arg("--record")
            .arg(&cassette))
        .expect_code(0);
        assert!(
            output.stderr.contains("hyper_util"),
            "{what}: the http client's trace logs are visible: {}",
            output.stderr
        );
        assert!(cassette.is_file(), "{what}: no cassette written");
        scan.add(&what, &output);
    }
    let received = fake.request_log();
    assert!(
        received.len() >= records.len()
            && received
                .iter()
                .all(|r| r.status.is_some_and(|s| s.is_success())),
        "the recordings were made against the loopback fake: {received:?}"
    );
    runtime.block_on(server.shutdown());

    let output = run(bugle_with_secrets(tripwire, tmp)
        .args(["message", "send", CHANNEL, "recorded", "--replay"])
        .arg(cassettes.join("message.json")))
    .expect_code(0);
    assert_in_process("message send --replay", &output);
    scan.add("message send --replay", &output);
}

/// Every example of the `bugle` crate, through cargo.
fn example_runs(tripwire: &Tripwire, tmp: &Path, scan: &mut Scan) {
    for name in EXAMPLES {
        let output = Command::new(env!("CARGO"))
            .args(["run", "-q", "-p", "bugle", "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("DISCORD_CHANNEL_ID")
            .env("BUGLE_SIMULATION", "fake")
            .env("RUST_LOG", "trace")
            .env("DISCORD_BOT_TOKEN", TOKEN)
            .env("DISCORD_WEBHOOK_URL", webhook_url())
            .env("DISCORD_API_BASE", &tripwire.base)
            .env("TMPDIR", tmp)
            .stdin(Stdio::null())
            .output()
            .expect("cargo runs");
        let output = Run::from(output);
        assert_eq!(
            output.code, 0,
            "example {name} failed\nstdout: {}\nstderr: {}",
            output.stdout, output.stderr
        );
        assert!(!output.stdout.is_empty(), "example {name} printed nothing");
        scan.add(&format!("example {name}"), &output);
    }
}

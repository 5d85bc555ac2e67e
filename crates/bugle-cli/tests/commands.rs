//! The sending commands: against `--fake` in one process, and across
//! processes against `bugle fake-discord` over loopback HTTP.

mod support;

use std::io::Write;
use std::process::Stdio;

use support::{FakeServer, bugle, bugle_run, run};

#[test]
fn message_send_with_fake_prints_the_message_as_json() {
    let run = bugle_run(&[
        "message",
        "send",
        "alerts",
        "disk 91% full",
        "--fake",
        "--json",
    ])
    .expect_code(0);
    let message = run.json();
    assert_eq!(message["content"], "disk 91% full");
    assert_eq!(message["channel_id"], "1310000000000000001");
    assert!(message["id"].as_str().is_some_and(|id| !id.is_empty()));
}

#[test]
fn webhook_send_with_fake_uses_username_and_embeds() {
    let dir = support::temp_dir("webhook-embed");
    let embed = dir.join("embed.json");
    std::fs::write(&embed, r#"{"title": "CPU above 90%", "color": 15105570}"#).expect("write");
    let run = bugle_run(&[
        "webhook",
        "send",
        "heads up",
        "--embed-json",
        embed.to_str().expect("utf-8"),
        "--username",
        "grafana",
        "--fake",
        "--json",
    ])
    .expect_code(0);
    let message = run.json();
    assert_eq!(message["content"], "heads up");
    assert_eq!(message["author"]["username"], "grafana");
    assert_eq!(message["embeds"][0]["title"], "CPU above 90%");
    assert!(message["webhook_id"].as_str().is_some());
}

#[test]
fn content_dash_reads_stdin() {
    let mut child = bugle()
        .args(["message", "send", "ci", "-", "--fake", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"build #12 passed\n")
        .expect("writes");
    let run = support::Run::from(child.wait_with_output().expect("finishes")).expect_code(0);
    assert_eq!(run.json()["content"], "build #12 passed");
}

#[test]
fn files_are_uploaded_as_attachments() {
    let dir = support::temp_dir("upload");
    let report = dir.join("report.txt");
    std::fs::write(&report, "all green\n").expect("write");
    let run = bugle_run(&[
        "message",
        "send",
        "ci",
        "nightly report",
        "--file",
        report.to_str().expect("utf-8"),
        "--fake",
        "--json",
    ])
    .expect_code(0);
    let message = run.json();
    assert_eq!(message["attachments"][0]["filename"], "report.txt");
    assert_eq!(message["attachments"][0]["size"], 10);
}

#[test]
fn thread_create_and_dm_send_with_fake() {
    let thread = bugle_run(&[
        "thread",
        "create",
        "ci",
        "web-app #418",
        "--message",
        "started",
        "--fake",
        "--json",
    ])
    .expect_code(0)
    .json();
    assert_eq!(thread["thread"]["name"], "web-app #418");
    assert_eq!(thread["message"]["content"], "started");
    assert_eq!(thread["message"]["channel_id"], thread["thread"]["id"]);

    let dm = bugle_run(&[
        "dm",
        "send",
        "1310000000000000200",
        "you are on call",
        "--fake",
        "--json",
    ])
    .expect_code(0)
    .json();
    assert_eq!(dm["content"], "you are on call");
    assert_ne!(dm["channel_id"], "1310000000000000200");
}

#[test]
fn message_edit_react_and_delete_across_processes() {
    let server = FakeServer::start();
    let channel = server.channel("alerts");
    let sent = run(server
        .bugle()
        .args(["message", "send", &channel, "first", "--json"]))
    .expect_code(0)
    .json();
    let id = sent["id"].as_str().expect("id").to_owned();

    let edited = run(server
        .bugle()
        .args(["message", "edit", &channel, &id, "second", "--json"]))
    .expect_code(0)
    .json();
    assert_eq!(edited["content"], "second");
    assert!(edited["edited_timestamp"].is_string());

    let reacted = run(server
        .bugle()
        .args(["react", &channel, &id, "\u{2705}", "--json"]))
    .expect_code(0)
    .json();
    assert_eq!(reacted["reacted"], true);
    assert_eq!(reacted["emoji"], "\u{2705}");

    let deleted = run(server
        .bugle()
        .args(["message", "delete", &channel, &id, "--json"]))
    .expect_code(0)
    .json();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["message_id"], id.as_str());

    // Editing the deleted message: Discord's 404, exit 4.
    let gone = run(server
        .bugle()
        .args(["message", "edit", &channel, &id, "third"]))
    .expect_code(4);
    assert!(gone.stderr.contains("404"), "{}", gone.stderr);
}

#[test]
fn webhook_send_edit_and_delete_across_processes() {
    let server = FakeServer::start();
    let sent = run(server
        .bugle()
        .args(["webhook", "send", "deploying", "--json"]))
    .expect_code(0)
    .json();
    let id = sent["id"].as_str().expect("id").to_owned();
    let edited = run(server
        .bugle()
        .args(["webhook", "edit", &id, "deployed", "--json"]))
    .expect_code(0)
    .json();
    assert_eq!(edited["content"], "deployed");
    let deleted = run(server.bugle().args(["webhook", "delete", &id])).expect_code(0);
    assert!(
        deleted.stdout.contains("deleted webhook message"),
        "{}",
        deleted.stdout
    );
}

#[test]
fn routes_come_from_the_config_file() {
    let server = FakeServer::start();
    let dir = support::temp_dir("config-routes");
    let config = dir.join("bugle.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"routes": {{"oncall": "{}"}}}}"#,
            server.channel("deploys")
        ),
    )
    .expect("write");
    let config = config.to_str().expect("utf-8");
    let sent = run(server.bugle().args([
        "message", "send", "oncall", "paged", "--config", config, "--json",
    ]))
    .expect_code(0)
    .json();
    assert_eq!(sent["channel_id"], server.channel("deploys").as_str());
    let unknown = run(server
        .bugle()
        .args(["message", "send", "alerts", "x", "--config", config]))
    .expect_code(2);
    assert!(
        unknown.stderr.contains("configured routes: oncall"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn bulk_send_reports_progress_and_waits_for_the_rate_limit() {
    let server = FakeServer::start();
    let dir = support::temp_dir("bulk");
    let lines = dir.join("lines.txt");
    let text = (1..=7)
        .map(|n| format!("line {n}\n"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&lines, text).expect("write");
    let run = run(server.bugle().args([
        "message",
        "send",
        &server.channel("ci"),
        "--lines",
        lines.to_str().expect("utf-8"),
        "--json",
    ]))
    .expect_code(0);
    let sent = run.json();
    let sent = sent.as_array().expect("an array of messages");
    assert_eq!(sent.len(), 7, "blank lines are skipped");
    assert_eq!(sent[6]["content"], "line 7");
    // Discord allows 5 messages per 5 s per channel: the sixth waits.
    assert!(run.stderr.contains("sent 7/7"), "{}", run.stderr);
    assert!(run.stderr.contains("1 rate-limit wait"), "{}", run.stderr);
    // Stderr is not a terminal here (as in CI): plain lines, no bar redrawn in place.
    assert!(!run.stderr.contains(['\r', '\x1b']), "{:?}", run.stderr);
}

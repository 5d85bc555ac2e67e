//! `bugle demo`: the main job runs without a token and meets the rate limit
//! without a single 429.

mod support;

use support::bugle_run;

#[test]
fn demo_runs_every_pattern_and_reports_zero_429s() {
    let run = bugle_run(&["demo"]).expect_code(0);
    let out = &run.stdout;
    for section in [
        "1. alert notification via webhook",
        "2. pipeline run in a thread",
        "3. multi-channel routing",
        "4. direct message",
        "5. a burst that meets the rate limit",
    ] {
        assert!(out.contains(section), "missing {section:?} in\n{out}");
    }
    for call in [
        "execute_webhook(",
        "create_thread(",
        "edit_message(",
        "add_reaction(",
        "send_message(route \"deploys\"",
        "send_dm(",
    ] {
        assert!(out.contains(call), "missing {call:?} in\n{out}");
    }
    assert!(out.contains("429s: 0;"), "{out}");
    assert!(out.contains("invalid requests: 0"), "{out}");
    // 1 routed message and 15 burst messages to #deploys at 5 per 5 s: three waits.
    assert_eq!(out.matches("for the rate limit)").count(), 3, "{out}");
    assert!(out.contains("rate-limit waits: 3 ("), "{out}");
    assert!(out.contains("checked: no 429s"), "{out}");
}

#[test]
fn a_small_burst_needs_no_wait() {
    let run = bugle_run(&["demo", "--burst", "3"]).expect_code(0);
    assert!(
        run.stdout.contains("rate-limit waits: 0 ("),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("#deploys 4"), "{}", run.stdout);
}

#[test]
fn demo_records_its_exchanges_without_secrets() {
    let dir = support::temp_dir("demo-record");
    let cassette = dir.join("demo.json");
    let path = cassette.to_str().expect("utf-8 path");
    let run = bugle_run(&["demo", "--burst", "2", "--record", path]).expect_code(0);
    assert!(run.stdout.contains("recorded"), "{}", run.stdout);
    let text = std::fs::read_to_string(&cassette).expect("cassette written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("cassette is JSON");
    assert!(json.is_object());
    assert!(text.contains("execute_webhook") || text.contains("/webhooks/"));
    assert!(
        !text.contains("fake-bot-token"),
        "the bot token reached the cassette"
    );
    assert!(
        !text.contains("fake-webhook-token"),
        "the webhook token reached the cassette"
    );
}

#[test]
fn demo_refuses_replay() {
    let run = bugle_run(&["demo", "--replay", "x.json"]).expect_code(2);
    assert!(run.stderr.contains("--replay"), "{}", run.stderr);
}

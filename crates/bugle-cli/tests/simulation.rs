//! `--record` and `--replay`: record against a Discord (here `bugle
//! fake-discord` over loopback), then replay the cassette with nothing sent.

mod support;

use support::{FakeServer, bugle_run, run};

#[test]
fn record_then_replay_without_a_server() {
    let dir = support::temp_dir("record-replay");
    let cassette = dir.join("send.json");
    let cassette = cassette.to_str().expect("utf-8");
    let channel;
    {
        let server = FakeServer::start();
        channel = server.channel("alerts");
        let recorded = run(server.bugle().args([
            "message", "send", &channel, "recorded", "--record", cassette, "--json",
        ]))
        .expect_code(0);
        assert_eq!(recorded.json()["content"], "recorded");
        assert!(
            recorded.stderr.contains("recorded the exchanges"),
            "{}",
            recorded.stderr
        );
    }
    let text = std::fs::read_to_string(cassette).expect("cassette written");
    assert!(
        !text.contains("fake-bot-token"),
        "the token reached the cassette"
    );

    // The server is gone: the answer can only come from the cassette.
    let replayed = bugle_run(&[
        "message", "send", &channel, "recorded", "--replay", cassette, "--json",
    ])
    .expect_code(0);
    assert_eq!(replayed.json()["content"], "recorded");

    // An operation the cassette never saw: exit 8.
    let unmatched = bugle_run(&["dm", "send", "77", "hi", "--replay", cassette]).expect_code(8);
    assert!(
        unmatched.stderr.contains("cassette"),
        "{}",
        unmatched.stderr
    );
}

#[test]
fn replaying_a_missing_cassette_exits_8() {
    let run = bugle_run(&[
        "message",
        "send",
        "1",
        "x",
        "--replay",
        "no/such/cassette.json",
    ]);
    let run = run.expect_code(8);
    assert!(run.stderr.contains("cassette"), "{}", run.stderr);
}

#[test]
fn a_failed_exchange_is_recorded_and_replays_the_same_error() {
    let dir = support::temp_dir("record-failure");
    let cassette = dir.join("rejected.json");
    let cassette = cassette.to_str().expect("utf-8");
    let channel;
    let live;
    {
        let server = FakeServer::start();
        channel = server.channel("alerts");
        // A reply to a message that does not exist: Discord answers 400 (50035).
        live = run(server.bugle().args([
            "message",
            "send",
            &channel,
            "hi",
            "--reply-to",
            "12345",
            "--record",
            cassette,
        ]))
        .expect_code(2);
    }
    assert!(
        live.stderr.contains("recorded the exchanges"),
        "{}",
        live.stderr
    );
    assert!(live.stderr.contains("(code 50035)"), "{}", live.stderr);
    let text = std::fs::read_to_string(cassette).expect("the failure was recorded");
    assert!(text.contains("\"status\": 400"), "{text}");

    let replayed = bugle_run(&[
        "message",
        "send",
        &channel,
        "hi",
        "--reply-to",
        "12345",
        "--replay",
        cassette,
    ])
    .expect_code(2);
    let error_line = |stderr: &str| {
        stderr
            .lines()
            .find(|line| line.contains("code 50035"))
            .map(str::to_owned)
    };
    assert_eq!(error_line(&replayed.stderr), error_line(&live.stderr));
}

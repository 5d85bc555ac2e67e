//! Exit codes and messages for input bugle refuses before sending, and for
//! missing credentials.

mod support;

use support::bugle_run;

#[test]
fn content_over_2000_characters_exits_2_naming_content() {
    let long = "x".repeat(2001);
    let run = bugle_run(&["message", "send", "alerts", &long, "--fake"]).expect_code(2);
    assert!(run.stderr.contains("content"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn content_of_exactly_2000_characters_is_sent() {
    let long = "x".repeat(2000);
    bugle_run(&["message", "send", "alerts", &long, "--fake"]).expect_code(0);
}

#[test]
fn nothing_to_send_exits_2() {
    let run = bugle_run(&["message", "send", "alerts", "--fake"]).expect_code(2);
    assert!(run.stderr.contains("nothing to send"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    bugle_run(&["message", "send"]).expect_code(2);
    bugle_run(&["no-such-command"]).expect_code(2);
    let both =
        bugle_run(&["message", "send", "1", "x", "--fake", "--replay", "c.json"]).expect_code(2);
    assert!(
        both.stderr.contains("cannot be used together"),
        "{}",
        both.stderr
    );
}

#[test]
fn bad_embed_json_and_missing_files_exit_2() {
    let dir = support::temp_dir("bad-input");
    let embed = dir.join("embed.json");
    std::fs::write(&embed, r#"{"title": 42}"#).expect("write");
    let run = bugle_run(&[
        "message",
        "send",
        "alerts",
        "--embed-json",
        embed.to_str().expect("utf-8"),
        "--fake",
    ])
    .expect_code(2);
    assert!(run.stderr.contains("embeds[0]"), "{}", run.stderr);
    let missing = bugle_run(&[
        "message",
        "send",
        "alerts",
        "x",
        "--file",
        "no/such.png",
        "--fake",
    ])
    .expect_code(2);
    assert!(missing.stderr.contains("no/such.png"), "{}", missing.stderr);
}

#[test]
fn an_unknown_route_exits_2_listing_the_known_ones() {
    let run = bugle_run(&["message", "send", "alertz", "x", "--fake"]).expect_code(2);
    assert!(run.stderr.contains("`alertz`"), "{}", run.stderr);
    assert!(run.stderr.contains("alerts, ci, deploys"), "{}", run.stderr);
}

#[test]
fn an_unknown_message_exits_4() {
    bugle_run(&["message", "edit", "alerts", "12345", "x", "--fake"]).expect_code(4);
}

#[test]
fn a_bad_config_file_exits_2_without_echoing_secrets() {
    let dir = support::temp_dir("bad-config");
    let config = dir.join("bugle.json");
    std::fs::write(
        &config,
        r#"{"webhook": "https://discord.com/api/webhooks/1/sekrit", "routes": {"a": "nope"}}"#,
    )
    .expect("write");
    let run = bugle_run(&[
        "message",
        "send",
        "a",
        "x",
        "--fake",
        "--config",
        config.to_str().expect("utf-8"),
    ])
    .expect_code(2);
    assert!(run.stderr.contains("routes.a"), "{}", run.stderr);
    assert!(!run.stderr.contains("sekrit"), "{}", run.stderr);
}

#[test]
fn missing_bot_token_explains_what_to_set() {
    let run = bugle_run(&["message", "send", "123", "hello"]).expect_code(3);
    assert!(run.stderr.contains("DISCORD_BOT_TOKEN"), "{}", run.stderr);
    assert!(run.stderr.contains("--fake"), "{}", run.stderr);
    assert!(run.stderr.contains("bugle demo"), "{}", run.stderr);
}

#[test]
fn missing_webhook_explains_what_to_set() {
    let run = bugle_run(&["webhook", "send", "hello"]).expect_code(3);
    assert!(run.stderr.contains("DISCORD_WEBHOOK_URL"), "{}", run.stderr);
    assert!(run.stderr.contains("--fake"), "{}", run.stderr);
}

#[test]
fn help_documents_the_exit_codes() {
    let run = bugle_run(&["--help"]).expect_code(0);
    assert!(run.stdout.contains("Exit codes:"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("7  the request may have been delivered")
    );
}

#[test]
fn a_bad_redis_setting_exits_2_naming_it_without_its_password() {
    let run = bugle_run(&[
        "message",
        "send",
        "alerts",
        "hello",
        "--fake",
        "--redis",
        "redis://:pw-s3cret@127.0.0.1:6379/",
        "--redis-prefix",
        "no spaces allowed",
    ])
    .expect_code(2);
    assert!(run.stderr.contains("redis_url"), "{}", run.stderr);
    assert!(!run.stderr.contains("pw-s3cret"), "{}", run.stderr);
}

#[test]
fn an_unreachable_redis_does_not_stop_a_send() {
    // Nothing listens on this port: the client keeps to its fallback share of the
    // limits and sends anyway.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port");
    let url = format!("redis://127.0.0.1:{port}/");
    bugle_run(&[
        "message", "send", "alerts", "hello", "--fake", "--redis", &url,
    ])
    .expect_code(0);
}

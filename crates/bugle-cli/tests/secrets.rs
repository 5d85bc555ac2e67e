//! Secrets never reach the output: a `--fake` run at trace level with a
//! known bot token and webhook token prints neither.

mod support;

use support::{bugle, run};

const TOKEN: &str = "MTI3NzQ0.GhT4kE.trace-test-bot-token-do-not-print";
const WEBHOOK_TOKEN: &str = "trace-test-webhook-token-do-not-print";

#[test]
fn trace_logs_of_fake_runs_never_contain_the_tokens() {
    let webhook = format!("https://discord.com/api/webhooks/424242/{WEBHOOK_TOKEN}");
    let runs: [&[&str]; 3] = [
        &["message", "send", "alerts", "hello", "--fake", "--json"],
        &["webhook", "send", "hello", "--fake", "--json"],
        &[
            "dm",
            "send",
            "1310000000000000200",
            "hello",
            "--fake",
            "-vvv",
        ],
    ];
    for args in runs {
        let output = run(bugle()
            .args(args)
            .env("RUST_LOG", "trace")
            .env("DISCORD_BOT_TOKEN", TOKEN)
            .env("DISCORD_WEBHOOK_URL", &webhook))
        .expect_code(0);
        assert!(
            output.stderr.contains("discord.request"),
            "tracing is not on: {}",
            output.stderr
        );
        for secret in [TOKEN, WEBHOOK_TOKEN, "GhT4kE"] {
            assert!(
                !output.stdout.contains(secret),
                "{args:?} printed a secret on stdout"
            );
            assert!(
                !output.stderr.contains(secret),
                "{args:?} logged a secret on stderr"
            );
        }
    }
}

#[test]
fn an_invalid_webhook_url_is_reported_without_its_token() {
    let output = run(bugle().args(["webhook", "send", "hello", "--fake"]).env(
        "DISCORD_WEBHOOK_URL",
        format!("https://example.com/api/webhooks/1/{WEBHOOK_TOKEN}"),
    ))
    .expect_code(2);
    assert!(
        output.stderr.contains("DISCORD_WEBHOOK_URL"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains(WEBHOOK_TOKEN), "{}", output.stderr);
}

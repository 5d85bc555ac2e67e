//! No token or webhook URL ever appears in `Debug` or `Display` output of the
//! configuration, its builder, webhook URLs or any error produced from input
//! that contains them. Uses the public API only.

use std::collections::HashMap;
use std::error::Error as _;

use bugle::{DiscordConfig, DiscordError, WebhookUrl};
use bugle_model::id::ChannelId;

const BOT_TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gx1234.zq-SECRET_bot_T0KEN";
const HOOK_TOKEN: &str = "Zx9-SECRET_hook_T0KENabcdef";
const HOOK_PATH: &str = "api/webhooks/445566/Zx9-SECRET_hook_T0KENabcdef";

fn hook_url() -> String {
    format!("https://discord.com/{HOOK_PATH}")
}

/// Every way the value can be shown, including the error source chain.
fn renderings(value: &(impl std::fmt::Debug + std::fmt::Display)) -> Vec<String> {
    vec![
        format!("{value}"),
        format!("{value:?}"),
        format!("{value:#?}"),
    ]
}

fn error_renderings(error: &DiscordError) -> Vec<String> {
    let mut shown = renderings(error);
    let mut source = error.source();
    while let Some(cause) = source {
        shown.push(cause.to_string());
        shown.push(format!("{cause:?}"));
        source = cause.source();
    }
    shown
}

fn assert_clean(shown: &str) {
    for secret in [BOT_TOKEN, HOOK_TOKEN, HOOK_PATH, "SECRET"] {
        assert!(!shown.contains(secret), "leaked {secret:?} in: {shown}");
    }
}

#[test]
fn configuration_and_builder_debug_are_redacted() {
    let env = HashMap::from([
        ("DISCORD_BOT_TOKEN".to_owned(), BOT_TOKEN.to_owned()),
        ("DISCORD_WEBHOOK_URL".to_owned(), hook_url()),
    ]);
    let builder = DiscordConfig::builder()
        .bot_token(BOT_TOKEN)
        .webhook_url(&hook_url())
        .named_webhook_url("ops", &hook_url())
        .route("alerts", ChannelId::new(1))
        .with_env_from(|name| env.get(name).cloned());
    assert_clean(&format!("{builder:?}"));
    let config = builder.build().expect("valid");
    assert_clean(&format!("{config:?}"));
    assert_clean(&format!("{config:#?}"));
    assert_clean(&format!("{:?}", config.webhook()));
    assert_clean(&format!("{:?}", config.bot_token()));
}

#[test]
fn webhook_url_debug_is_redacted() {
    let url: WebhookUrl = hook_url().parse().expect("valid");
    assert_clean(&format!("{url:?}"));
    assert_clean(&format!("{url:#?}"));
}

#[test]
fn errors_from_inputs_holding_secrets_do_not_repeat_them() {
    let bad_urls = [
        format!("http://discord.com/{HOOK_PATH}"),
        format!("https://example.com/{HOOK_PATH}"),
        format!("https://discord.com/{HOOK_PATH}/extra"),
        format!("https://discord.com/{HOOK_PATH}?thread_id={HOOK_TOKEN}"),
        format!("https://discord.com/{HOOK_PATH}?{HOOK_TOKEN}=1"),
        format!("https://discord.com/api/webhooks/{HOOK_TOKEN}/{HOOK_TOKEN}"),
        format!("{HOOK_TOKEN} not a url"),
    ];
    for url in &bad_urls {
        let parse_error = WebhookUrl::parse(url).expect_err("rejected");
        for shown in renderings(&parse_error) {
            assert_clean(&shown);
        }
        for builder in [
            DiscordConfig::builder().webhook_url(url),
            DiscordConfig::builder().named_webhook_url("ops", url),
            DiscordConfig::builder()
                .with_env_from(|name| (name == "DISCORD_WEBHOOK_URL").then(|| url.clone())),
        ] {
            let error = builder.build().expect_err("rejected");
            for shown in error_renderings(&error) {
                assert_clean(&shown);
            }
        }
    }

    let bad_tokens = [
        format!("{BOT_TOKEN} trailing words"),
        format!("{BOT_TOKEN}\u{7f}"),
        format!("Bearer {BOT_TOKEN}"),
    ];
    for token in &bad_tokens {
        let error = DiscordConfig::builder()
            .bot_token(token.as_str())
            .build()
            .expect_err("rejected");
        for shown in error_renderings(&error) {
            assert_clean(&shown);
        }
    }

    for base in [
        format!("https://user:{HOOK_TOKEN}@proxy.local/api"),
        format!("https://proxy.local/api?key={HOOK_TOKEN}"),
        format!("http://proxy.local/{HOOK_TOKEN}"),
    ] {
        let error = DiscordConfig::builder()
            .base_url(base)
            .build()
            .expect_err("rejected");
        for shown in error_renderings(&error) {
            assert_clean(&shown);
        }
    }
}

#[test]
fn configuration_errors_name_the_field() {
    let error = DiscordConfig::builder()
        .named_webhook_url("ops", &format!("https://example.com/{HOOK_PATH}"))
        .build()
        .expect_err("rejected");
    assert!(error.to_string().contains("`webhooks.ops`"), "{error}");
}

//! Builder defaults, validation, environment merging and redaction. The
//! environment is always a map passed in, never the process environment, so
//! tests can run in parallel.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;
use crate::retry::NeverRetry;

const BOT_TOKEN: &str = "MTIzNDU2Nzg5.GhIjKl.s3cr3t_bot-T0KEN";
const HOOK_TOKEN: &str = "hook-S3CR3T_t0ken";

fn hook_url(id: u64) -> String {
    format!("https://discord.com/api/webhooks/{id}/{HOOK_TOKEN}")
}

fn env(pairs: &[(&str, &str)]) -> impl FnMut(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn config_error(builder: DiscordConfigBuilder) -> (String, DiscordError) {
    let error = builder.build().expect_err("invalid configuration");
    let field = match error.kind() {
        ErrorKind::InvalidConfig { field, .. } => field.clone(),
        ErrorKind::InvalidWebhookUrl { field, .. } => field.clone().unwrap_or_default(),
        other => panic!("unexpected {other:?}"),
    };
    (field, error)
}

#[test]
fn defaults_are_discords() {
    let config = DiscordConfig::builder()
        .build()
        .expect("defaults are valid");
    assert_eq!(config.api_version(), 10);
    assert_eq!(config.base_url(), "https://discord.com/api");
    assert_eq!(config.api_root(), "https://discord.com/api/v10");
    assert_eq!(
        config.user_agent(),
        format!(
            "DiscordBot (https://github.com/bugle-rs/bugle, {})",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(config.request_timeout(), DEFAULT_REQUEST_TIMEOUT);
    assert_eq!(config.operation_timeout(), DEFAULT_OPERATION_TIMEOUT);
    assert_eq!(config.max_rate_limit_wait(), None);
    assert_eq!(config.simulation(), &Simulation::Disabled);
    assert!(!config.allow_plain_http());
    assert!(config.bot_token().is_none());
    assert!(config.webhook().is_none());
    assert!(config.routes().is_empty());
    assert_eq!(config.rate_limit(), &RateLimitConfig::default());
}

#[test]
fn every_setting_is_kept() {
    let config = DiscordConfig::builder()
        .bot_token(BOT_TOKEN)
        .webhook_url(&hook_url(1))
        .named_webhook_url("ops", &hook_url(2))
        .api_version(9)
        .base_url("http://127.0.0.1:9999/api/")
        .allow_plain_http(true)
        .user_agent("DiscordBot (https://example.dev, 2.0) ci")
        .request_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(30))
        .max_rate_limit_wait(Duration::from_secs(2))
        .retry_policy(NeverRetry)
        .rate_limit(RateLimitConfig::default().with_global_per_second(10))
        .route("alerts", ChannelId::new(7))
        .simulation(Simulation::Record("run.json".into()))
        .build()
        .expect("valid");
    assert_eq!(
        config.bot_token().map(ExposeSecret::expose_secret),
        Some(BOT_TOKEN)
    );
    assert_eq!(config.webhook().map(|w| w.id().get()), Some(1));
    assert_eq!(config.named_webhook("ops").map(|w| w.id().get()), Some(2));
    assert_eq!(config.api_root(), "http://127.0.0.1:9999/api/v9");
    assert_eq!(
        config.user_agent(),
        "DiscordBot (https://example.dev, 2.0) ci"
    );
    assert_eq!(config.request_timeout(), Duration::from_secs(5));
    assert_eq!(config.operation_timeout(), Duration::from_secs(30));
    assert_eq!(config.max_rate_limit_wait(), Some(Duration::from_secs(2)));
    assert_eq!(config.rate_limit().global_per_second(), 10);
    assert_eq!(
        config.resolve_channel(&"alerts".into()).ok(),
        Some(ChannelId::new(7))
    );
    assert_eq!(config.simulation(), &Simulation::Record("run.json".into()));
    assert!(format!("{:?}", config.retry_policy()).contains("NeverRetry"));
}

#[test]
fn the_environment_fills_unset_fields() {
    let config = DiscordConfig::builder()
        .with_env_from(env(&[
            ("DISCORD_BOT_TOKEN", BOT_TOKEN),
            ("DISCORD_WEBHOOK_URL", &hook_url(42)),
            ("DISCORD_API_VERSION", "9"),
            ("DISCORD_API_BASE", "https://proxy.internal/api"),
            ("BUGLE_SIMULATION", "replay:tests/run.json"),
        ]))
        .build()
        .expect("valid");
    assert_eq!(
        config.bot_token().map(ExposeSecret::expose_secret),
        Some(BOT_TOKEN)
    );
    assert_eq!(config.webhook().map(|w| w.id().get()), Some(42));
    assert_eq!(config.api_root(), "https://proxy.internal/api/v9");
    assert_eq!(
        config.simulation(),
        &Simulation::Replay("tests/run.json".into())
    );
}

#[test]
fn builder_settings_win_over_the_environment_in_either_order() {
    let vars = [
        ("DISCORD_BOT_TOKEN", "env.token"),
        ("DISCORD_WEBHOOK_URL", "not a url"),
        ("DISCORD_API_VERSION", "8"),
        ("DISCORD_API_BASE", "http://plain.example"),
        ("BUGLE_SIMULATION", "nonsense"),
    ];
    let direct = |builder: DiscordConfigBuilder| {
        builder
            .bot_token("direct.token")
            .webhook_url(&hook_url(5))
            .api_version(10)
            .base_url("https://discord.com/api")
            .simulation(Simulation::Fake)
    };
    let env_first = direct(DiscordConfig::builder().with_env_from(env(&vars)));
    let env_last = direct(DiscordConfig::builder()).with_env_from(env(&vars));
    for builder in [env_first, env_last] {
        // The invalid environment values are never looked at.
        let config = builder.build().expect("direct settings win");
        assert_eq!(
            config.bot_token().map(ExposeSecret::expose_secret),
            Some("direct.token")
        );
        assert_eq!(config.webhook().map(|w| w.id().get()), Some(5));
        assert_eq!(config.api_version(), 10);
        assert_eq!(config.simulation(), &Simulation::Fake);
    }
}

#[test]
fn empty_environment_values_count_as_unset() {
    let config = DiscordConfig::builder()
        .with_env_from(env(&[
            ("DISCORD_BOT_TOKEN", ""),
            ("DISCORD_API_VERSION", "  "),
        ]))
        .build()
        .expect("valid");
    assert!(config.bot_token().is_none());
    assert_eq!(config.api_version(), 10);
}

#[test]
fn invalid_environment_values_name_the_variable() {
    for (name, value) in [
        ("DISCORD_BOT_TOKEN", "has spaces in it"),
        ("DISCORD_API_VERSION", "8"),
        ("DISCORD_API_BASE", "http://plain.example/api"),
        ("BUGLE_SIMULATION", "record"),
    ] {
        let (field, error) =
            config_error(DiscordConfig::builder().with_env_from(env(&[(name, value)])));
        assert_eq!(field, name, "{error}");
    }
    let (field, error) = config_error(DiscordConfig::builder().with_env_from(env(&[(
        "DISCORD_WEBHOOK_URL",
        &format!("http://discord.com/api/webhooks/1/{HOOK_TOKEN}"),
    )])));
    assert_eq!(field, "DISCORD_WEBHOOK_URL");
    assert!(!error.to_string().contains(HOOK_TOKEN));
}

#[test]
fn invalid_builder_values_name_the_field() {
    let cases: Vec<(&str, DiscordConfigBuilder)> = vec![
        ("bot_token", DiscordConfig::builder().bot_token("")),
        (
            "webhook_url",
            DiscordConfig::builder().webhook_url("https://example.com/x"),
        ),
        (
            "webhooks.ops",
            DiscordConfig::builder().named_webhook_url("ops", "https://discord.com/api/webhooks/1"),
        ),
        ("api_version", DiscordConfig::builder().api_version(11)),
        (
            "base_url",
            DiscordConfig::builder().base_url("http://127.0.0.1/api"),
        ),
        (
            "base_url",
            DiscordConfig::builder().base_url("https://discord.com/api/v10"),
        ),
        ("user_agent", DiscordConfig::builder().user_agent("reqwest")),
        (
            "request_timeout",
            DiscordConfig::builder().request_timeout(Duration::ZERO),
        ),
        (
            "request_timeout",
            DiscordConfig::builder()
                .request_timeout(Duration::from_secs(60))
                .operation_timeout(Duration::from_secs(10)),
        ),
        (
            "operation_timeout",
            DiscordConfig::builder().operation_timeout(Duration::ZERO),
        ),
        (
            "route",
            DiscordConfig::builder().route("", ChannelId::new(1)),
        ),
        (
            "named_webhook",
            DiscordConfig::builder().named_webhook_url(" ops", &hook_url(1)),
        ),
    ];
    for (expected, builder) in cases {
        let (field, error) = config_error(builder);
        assert_eq!(field, expected, "{error}");
        assert!(
            error.to_string().contains(&format!("`{expected}`")),
            "{error}"
        );
    }
}

#[test]
fn credentials_are_required_only_by_the_operations_that_need_them() {
    let config = DiscordConfig::builder()
        .named_webhook_url("ops", &hook_url(3))
        .build()
        .expect("valid");
    let missing_token = config.require_bot_token().expect_err("no token");
    assert_eq!(
        missing_token.kind(),
        &ErrorKind::NoAuthentication {
            needed: Credential::BotToken
        }
    );
    let missing_hook = config.require_webhook(None).expect_err("no default");
    assert_eq!(
        missing_hook.kind(),
        &ErrorKind::NoAuthentication {
            needed: Credential::Webhook
        }
    );
    assert_eq!(
        config
            .require_webhook(Some("ops"))
            .map(|w| w.id().get())
            .ok(),
        Some(3)
    );
    let unknown = config.require_webhook(Some("alerts")).expect_err("unknown");
    assert_eq!(
        unknown.kind(),
        &ErrorKind::UnknownWebhook {
            name: "alerts".into(),
            known: vec!["ops".into()]
        }
    );
}

#[test]
fn debug_never_shows_a_secret() {
    let builder = DiscordConfig::builder()
        .bot_token(BOT_TOKEN)
        .webhook_url(&hook_url(1))
        .named_webhook_url("ops", &hook_url(2))
        .with_env_from(env(&[
            ("DISCORD_BOT_TOKEN", BOT_TOKEN),
            ("DISCORD_WEBHOOK_URL", &hook_url(9)),
        ]));
    let builder_debug = format!("{builder:?}");
    let config = builder.build().expect("valid");
    for shown in [builder_debug, format!("{config:?}"), format!("{config:#?}")] {
        assert!(!shown.contains(BOT_TOKEN), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains(HOOK_TOKEN), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}

#[test]
fn bot_prefix_is_dropped() {
    let config = DiscordConfig::builder()
        .bot_token(format!("Bot {BOT_TOKEN}"))
        .build()
        .expect("valid");
    assert_eq!(
        config.bot_token().map(ExposeSecret::expose_secret),
        Some(BOT_TOKEN)
    );
}

#[cfg(not(feature = "redis"))]
#[test]
fn a_redis_url_without_the_redis_feature_is_refused_by_name() {
    let builder = DiscordConfig::builder().with_env_from(env(&[(
        env::BUGLE_REDIS_URL,
        "redis://:pw-s3cret@127.0.0.1:6379/",
    )]));
    let (field, error) = config_error(builder);
    assert_eq!(field, env::BUGLE_REDIS_URL);
    assert!(error.to_string().contains("`redis` feature"), "{error}");
    assert!(!error.to_string().contains("pw-s3cret"), "{error}");
}

#[cfg(feature = "redis")]
#[test]
fn a_redis_url_from_the_environment_shares_limits_and_stays_secret() {
    let config = DiscordConfig::builder()
        .with_env_from(env(&[
            (env::BUGLE_REDIS_URL, "redis://:pw-s3cret@127.0.0.1:6379/"),
            (env::BUGLE_REDIS_PREFIX, "alerts-prod"),
        ]))
        .build()
        .expect("valid");
    let shared = config.shared_limits().expect("limits are shared");
    let shown = format!("{config:?} {shared:?}");
    assert!(shown.contains("alerts-prod"), "{shown}");
    assert!(!shown.contains("pw-s3cret"), "{shown}");

    let builder = DiscordConfig::builder()
        .redis_url("redis://:pw-s3cret@127.0.0.1:6379/")
        .redis_prefix("not a prefix!");
    let (field, error) = config_error(builder);
    assert_eq!(field, "redis_url");
    assert!(!error.to_string().contains("pw-s3cret"), "{error}");
}

#[test]
fn no_redis_url_means_no_shared_limits() {
    let config = DiscordConfig::builder()
        .with_env_from(env(&[]))
        .build()
        .expect("valid");
    assert!(config.shared_limits().is_none());
}

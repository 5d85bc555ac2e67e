//! The config's unit tests: what loads, and what is refused with which message.

use super::*;

const BASE: &str = r#"
    [auth]
    bearer_token = { env = "TOKEN" }
    [discord]
    bot_token = { env = "BOT" }
    [channels]
    alerts = "100"
    db = "200"
    [webhooks.ops]
    url = { env = "OPS_URL" }
"#;

fn env(name: &str) -> Option<String> {
    match name {
        "TOKEN" => Some("ingest-secret".into()),
        "BOT" => Some("bot-secret".into()),
        "OPS_URL" => Some("https://discord.com/api/webhooks/5/hook-secret".into()),
        _ => None,
    }
}

fn load(extra: &str) -> Result<RelayConfig, ConfigError> {
    RelayConfig::from_toml_with_env(&format!("{BASE}\n{extra}"), LoadOptions::default(), &env)
}

#[test]
fn a_full_config_loads() {
    let config = load(
        r#"
        [[rules]]
        matchers = ['team=~"db|infra"']
        channel = "db"
        thread = true
        continue = true
        mentions = { critical = ["42"] }
        [[rules]]
        matchers = ['severity="info"']
        webhook = "ops"
        [default]
        channel = "alerts"
        "#,
    )
    .expect("loads");
    let labels = [
        ("team".to_owned(), "db".to_owned()),
        ("severity".to_owned(), "info".to_owned()),
    ]
    .into_iter()
    .collect();
    let routes = config.rules.route(&labels);
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[0].name, "db");
    assert!(routes[0].thread);
    assert_eq!(routes[0].mentions["critical"], [RoleId::new(42)]);
    assert_eq!(routes[1].name, "webhook:ops");
    let other = [("team".to_owned(), "web".to_owned())]
        .into_iter()
        .collect();
    assert_eq!(config.rules.route(&other)[0].name, "alerts");
}

#[test]
fn an_undefined_channel_is_refused_with_the_rules_position() {
    let error = load(
        r#"
        [[rules]]
        channel = "alerts"
        [[rules]]
        matchers = ['a="b"']
        channel = "pager"
        [default]
        channel = "alerts"
        "#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("rules[1] (rule 2 in the file)"), "{error}");
    assert!(error.contains("channel `pager` is not defined"), "{error}");
    assert!(error.contains("alerts, db"), "{error}");
}

#[test]
fn an_undefined_webhook_is_refused_with_the_rules_position() {
    let error = load("[[rules]]\nwebhook = \"opz\"\n[default]\nchannel = \"alerts\"")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("rules[0]") && error.contains("webhook `opz`"),
        "{error}"
    );
}

#[test]
fn a_config_without_a_default_route_is_refused() {
    let error = load("").unwrap_err().to_string();
    assert!(error.contains("no [default] route"), "{error}");
}

#[test]
fn no_auth_is_refused_unless_insecure() {
    let text = "[channels]\na = \"1\"\n[default]\nchannel_id = \"1\"";
    let options = LoadOptions {
        bot_token_supplied: true,
        ..LoadOptions::default()
    };
    let error = RelayConfig::from_toml_with_env(text, options, &env).unwrap_err();
    assert!(error.to_string().contains("--insecure-no-auth"), "{error}");
    let insecure = LoadOptions {
        insecure_no_auth: true,
        bot_token_supplied: true,
    };
    assert!(RelayConfig::from_toml_with_env(text, insecure, &env).is_ok());
}

#[test]
fn a_thread_on_a_webhook_route_is_refused() {
    let error = load("[default]\nwebhook = \"ops\"\nthread = true")
        .unwrap_err()
        .to_string();
    assert!(error.contains("needs a channel destination"), "{error}");
}

#[test]
fn debug_and_errors_never_show_secrets() {
    let config = load("[default]\nchannel = \"alerts\"").expect("loads");
    let debug = format!("{config:?}");
    for secret in ["ingest-secret", "bot-secret", "hook-secret"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let missing = RelayConfig::from_toml_with_env(BASE, LoadOptions::default(), &|_| None)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("TOKEN is not set"), "{missing}");
}

#[test]
fn a_template_file_is_loaded_and_a_bad_one_refused_at_start() {
    let dir = std::env::temp_dir().join(format!("bugle-relay-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, "title = \"{STATUS}: {name}\"").unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "title = \"{colour}\"").unwrap();
    let with = |path: &std::path::Path| {
        load(&format!(
            "[default]\nchannel = \"alerts\"\n[templates]\nfile = \"{}\"",
            path.display().to_string().replace('\\', "/")
        ))
    };
    let config = with(&good).expect("loads");
    assert_eq!(config.templates.title.as_deref(), Some("{STATUS}: {name}"));
    let error = with(&bad).unwrap_err().to_string();
    assert!(error.contains("unknown placeholder `{colour}`"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn environment_overrides_the_file() {
    let lookup = |name: &str| match name {
        env::LISTEN => Some("127.0.0.1:7000".to_owned()),
        env::SQLITE => Some("other.sqlite3".to_owned()),
        other => super::tests::env(other),
    };
    let config = RelayConfig::from_toml_with_env(
        &format!("{BASE}\n[server]\nlisten = \"0.0.0.0:1\"\n[default]\nchannel = \"alerts\""),
        LoadOptions::default(),
        &lookup,
    )
    .expect("loads");
    assert_eq!(config.listen.port(), 7000);
    assert!(
        matches!(&config.outbox.store, StoreSettings::Sqlite(p) if p.to_str() == Some("other.sqlite3"))
    );
}

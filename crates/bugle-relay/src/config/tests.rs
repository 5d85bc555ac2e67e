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

/// The RFC 8032 test key 1: a valid Ed25519 public key.
const PUBLIC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

const INTERACTIONS: &str = r#"
    [interactions]
    listen = "0.0.0.0:8443"
    application_id = "1234567890"
    public_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
"#;

fn buttons_env(name: &str) -> Option<String> {
    match name {
        "AM_TOKEN" => Some("am-token-secret".into()),
        "AM_PASSWORD" => Some("am-password-secret".into()),
        other => env(other),
    }
}

fn load_buttons(extra: &str) -> Result<RelayConfig, ConfigError> {
    RelayConfig::from_toml_with_env(
        &format!("{BASE}\n{extra}"),
        LoadOptions::default(),
        &buttons_env,
    )
}

#[test]
fn a_config_with_buttons_and_alertmanager_loads() {
    let config = load_buttons(
        r#"
        [interactions]
        listen = "0.0.0.0:8443"
        path = "/discord/interactions"
        application_id = "1234567890"
        public_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        silence_durations = ["30m", "4h", "1d"]
        [alertmanager]
        url = "https://grafana.example/api/alertmanager/grafana/"
        bearer_token = { env = "AM_TOKEN" }
        timeout_seconds = 5
        max_silence_hours = 48
        [[rules]]
        matchers = ['team="db"']
        channel = "db"
        responders = ["42", "everyone", "7"]
        [default]
        channel = "alerts"
        responders = ["42"]
        "#,
    )
    .expect("loads");
    let interactions = config.interactions.expect("interactions");
    assert_eq!(interactions.listen, "0.0.0.0:8443".parse().unwrap());
    assert_eq!(interactions.path, "/discord/interactions");
    assert_eq!(
        interactions.application_id,
        bugle_model::id::ApplicationId::new(1_234_567_890)
    );
    assert_eq!(interactions.public_key, PUBLIC_KEY);
    let minutes = |m: u64| Duration::from_secs(m * 60);
    assert_eq!(
        interactions.silence_durations,
        [minutes(30), minutes(240), minutes(1440)]
    );
    let am = config.alertmanager.expect("alertmanager");
    assert_eq!(am.url, "https://grafana.example/api/alertmanager/grafana");
    assert!(matches!(&am.auth, Some(AlertmanagerAuth::Bearer(_))));
    assert_eq!(am.timeout, Duration::from_secs(5));
    assert_eq!(am.max_silence, Duration::from_secs(48 * 3600));
    let db = [("team".to_owned(), "db".to_owned())].into_iter().collect();
    let responders = &config.rules.route(&db)[0].responders;
    assert!(responders.everyone);
    assert_eq!(responders.roles, [RoleId::new(7), RoleId::new(42)]);
    let other = BTreeMap::new();
    let default = &config.rules.route(&other)[0].responders;
    assert!(!default.everyone && default.roles == [RoleId::new(42)]);
}

#[test]
fn the_sections_defaults_fill_in() {
    let config = load_buttons(&format!(
        "{INTERACTIONS}\n[alertmanager]\nurl = \"http://alertmanager:9093\"\n[default]\nchannel = \"alerts\""
    ))
    .expect("loads");
    let interactions = config.interactions.as_ref().expect("interactions");
    assert_eq!(interactions.path, DEFAULT_INTERACTIONS_PATH);
    let hours = |h: u64| Duration::from_secs(h * 3600);
    assert_eq!(interactions.silence_durations, [hours(1), hours(4)]);
    let am = config.alertmanager.as_ref().expect("alertmanager");
    assert!(am.auth.is_none());
    assert_eq!(am.timeout, Duration::from_secs(10));
    assert_eq!(am.max_silence, hours(168));
    let other = BTreeMap::new();
    assert!(config.rules.route(&other)[0].responders.is_empty());
    assert!(config.named_route("alerts").unwrap().responders.is_empty());
}

#[test]
fn a_config_without_the_sections_has_no_buttons() {
    let config = load("[default]\nchannel = \"alerts\"").expect("loads");
    assert!(config.interactions.is_none() && config.alertmanager.is_none());
}

#[test]
fn basic_auth_loads_and_bearer_with_basic_is_refused() {
    let basic = r#"basic = { username = "relay", password = { env = "AM_PASSWORD" } }"#;
    let config = load_buttons(&format!(
        "{INTERACTIONS}\n[alertmanager]\nurl = \"http://am:9093\"\n{basic}\n[default]\nchannel = \"alerts\""
    ))
    .expect("loads");
    assert!(matches!(
        config.alertmanager.unwrap().auth,
        Some(AlertmanagerAuth::Basic { ref username, .. }) if username == "relay"
    ));
    let error = load_buttons(&format!(
        "{INTERACTIONS}\n[alertmanager]\nurl = \"http://am:9093\"\nbearer_token = {{ env = \"AM_TOKEN\" }}\n{basic}\n[default]\nchannel = \"alerts\""
    ))
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`bearer_token` or `basic`, not both"),
        "{error}"
    );
}

#[test]
fn the_environment_overrides_the_interactions_listen_address_and_public_key() {
    let other_key = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    let lookup = |name: &str| match name {
        env::INTERACTIONS_LISTEN => Some("127.0.0.1:9443".to_owned()),
        env::PUBLIC_KEY => Some(other_key.to_owned()),
        other => buttons_env(other),
    };
    let text = "[interactions]\napplication_id = \"5\"\n[default]\nchannel = \"alerts\"";
    let config = RelayConfig::from_toml_with_env(
        &format!("{BASE}\n{text}"),
        LoadOptions::default(),
        &lookup,
    )
    .expect("loads");
    let interactions = config.interactions.unwrap();
    assert_eq!(interactions.listen.port(), 9443);
    assert_eq!(interactions.public_key, other_key);
}

/// `load_buttons(text)`'s error, which must contain each of `expected`.
fn refused(text: &str, expected: &[&str]) {
    let error = load_buttons(text).unwrap_err().to_string();
    for part in expected {
        assert!(error.contains(part), "`{part}` not in: {error}");
    }
}

#[test]
fn the_interactions_section_is_checked_naming_each_key() {
    let section = |lines: &str| format!("[interactions]\n{lines}\n[default]\nchannel = \"alerts\"");
    let id = "application_id = \"1\"";
    let key = format!("public_key = \"{PUBLIC_KEY}\"");
    let listen = "listen = \"0.0.0.0:8443\"";
    refused(
        &section(&format!("{id}\n{key}")),
        &["interactions.listen: required", "0.0.0.0:8443"],
    );
    refused(
        &section(&format!("listen = \"port 8443\"\n{id}\n{key}")),
        &["interactions.listen: `port 8443` is not an address"],
    );
    refused(
        &section(&format!("{listen}\n{key}")),
        &["interactions.application_id: required"],
    );
    refused(
        &section(&format!("{listen}\napplication_id = \"app\"\n{key}")),
        &["interactions.application_id: `app` is not an application id"],
    );
    refused(
        &section(&format!("{listen}\n{id}")),
        &["interactions.public_key: required", env::PUBLIC_KEY],
    );
    refused(
        &section(&format!("{listen}\n{id}\npublic_key = \"abcd\"")),
        &["interactions.public_key: the public key must be 64 hex characters"],
    );
    refused(
        &section(&format!("{listen}\n{id}\n{key}\npath = \"interactions\"")),
        &["interactions.path: `interactions` must start with '/'"],
    );
    refused(
        &section(&format!("{listen}\n{id}\n{key}\nsilence_durations = []")),
        &["interactions.silence_durations: 0 entries, give 1 to 3"],
    );
    refused(
        &section(&format!(
            "{listen}\n{id}\n{key}\nsilence_durations = [\"1h\", \"2h\", \"4h\", \"8h\"]"
        )),
        &["interactions.silence_durations: 4 entries, give 1 to 3"],
    );
    refused(
        &section(&format!(
            "{listen}\n{id}\n{key}\nsilence_durations = [\"1h\", \"2x\"]"
        )),
        &["interactions.silence_durations[1]: `2x` is not a duration like 30m, 4h or 1d"],
    );
    refused(
        &section(&format!(
            "{listen}\n{id}\n{key}\nsilence_durations = [\"1h\", \"60m\"]"
        )),
        &["interactions.silence_durations[1]: 1h is already a button"],
    );
    refused(
        &section(&format!("{listen}\n{id}\n{key}\ncolour = \"red\"")),
        &["unknown field `colour`"],
    );
}

#[test]
fn the_interactions_endpoint_may_not_share_the_ingest_address() {
    refused(
        &format!(
            "[server]\nlisten = \"0.0.0.0:8443\"\n{INTERACTIONS}\n[default]\nchannel = \"alerts\""
        ),
        &[
            "interactions.listen: `0.0.0.0:8443` is also the ingest address",
            "own port",
        ],
    );
}

#[test]
fn the_alertmanager_section_is_checked_naming_each_key() {
    let section = |lines: &str| {
        format!("{INTERACTIONS}\n[alertmanager]\n{lines}\n[default]\nchannel = \"alerts\"")
    };
    refused(&section(""), &["alertmanager.url: required"]);
    refused(
        &section("url = \"alertmanager:9093\""),
        &[
            "alertmanager.url: `alertmanager:9093`",
            "http://alertmanager:9093",
        ],
    );
    refused(
        &section("url = \"http://relay:pw-in-url@am:9093\""),
        &[
            "alertmanager.url: `http://am:9093` carries credentials",
            "basic",
        ],
    );
    refused(
        &section("url = \"http://am:9093\"\nbearer_token = { env = \"UNSET\" }"),
        &["alertmanager.bearer_token: environment variable UNSET is not set"],
    );
    refused(
        &section("url = \"http://am:9093\"\ntimeout_seconds = 0"),
        &["alertmanager.timeout_seconds: 0"],
    );
    refused(
        &section("url = \"http://am:9093\"\nmax_silence_hours = 0"),
        &["alertmanager.max_silence_hours: 0"],
    );
    refused(
        &section("url = \"http://am:9093\"\nmax_silence_hours = 2"),
        &[
            "interactions.silence_durations[1]: 4h is longer than alertmanager.max_silence_hours (2h)",
        ],
    );
}

#[test]
fn alertmanager_without_interactions_is_refused() {
    refused(
        "[alertmanager]\nurl = \"http://am:9093\"\n[default]\nchannel = \"alerts\"",
        &["[alertmanager] needs [interactions]"],
    );
}

#[test]
fn responders_without_interactions_are_refused_with_the_rules_position() {
    refused(
        "[[rules]]\nchannel = \"db\"\n[[rules]]\nchannel = \"alerts\"\nresponders = [\"42\"]\n[default]\nchannel = \"alerts\"",
        &["rules[1] (rule 2 in the file): `responders` needs an [interactions] section"],
    );
    refused(
        "[default]\nchannel = \"alerts\"\nresponders = [\"everyone\"]",
        &["default: `responders` needs an [interactions] section"],
    );
}

#[test]
fn a_responder_that_is_not_a_role_is_refused_with_the_rules_position() {
    refused(
        &format!(
            "{INTERACTIONS}\n[[rules]]\nchannel = \"db\"\nresponders = [\"@oncall\"]\n[default]\nchannel = \"alerts\""
        ),
        &[
            "rules[0] (rule 1 in the file): responders: `@oncall` is neither a role id (a number) nor `everyone`",
        ],
    );
}

#[test]
fn responders_on_a_webhook_route_load() {
    // Buttons go on its cards only if the webhook turns out to be the application's.
    let config = load(&format!(
        "{INTERACTIONS}\n[default]\nwebhook = \"ops\"\nresponders = [\"42\"]"
    ))
    .expect("loads");
    let routes = config.rules.route(&crate::model::Labels::new());
    assert!(!routes[0].responders.is_empty());
}

#[test]
fn a_route_stored_before_responders_existed_loads_as_nobody() {
    let stored = r#"{"name":"alerts","target":{"Channel":"1"},"thread":false,"mentions":{}}"#;
    let route: Route = serde_json::from_str(stored).expect("an old row loads");
    assert!(route.responders.is_empty());
    let mut with = route.clone();
    with.responders.roles.push(RoleId::new(9));
    let back: Route = serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
    assert_eq!(back, with);
}

#[test]
fn debug_of_the_buttons_settings_never_shows_alertmanager_credentials() {
    let with = |auth: &str| {
        load_buttons(&format!(
            "{INTERACTIONS}\n[alertmanager]\nurl = \"http://am:9093\"\n{auth}\n[default]\nchannel = \"alerts\""
        ))
        .expect("loads")
    };
    let bearer = with("bearer_token = { env = \"AM_TOKEN\" }");
    let basic = with("basic = { username = \"relay\", password = { env = \"AM_PASSWORD\" } }");
    for config in [bearer, basic] {
        let debug = format!("{config:?}");
        for secret in ["am-token-secret", "am-password-secret"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("http://am:9093"), "{debug}");
    }
    let in_url = AlertmanagerSettings {
        url: "http://relay:url-secret@am:9093".to_owned(),
        auth: None,
        timeout: Duration::from_secs(1),
        max_silence: Duration::from_secs(3600),
    };
    assert!(!format!("{in_url:?}").contains("url-secret"));
}

//! The relay's TOML config: where it listens, who may post, where alerts
//! go, where the outbox lives, and (optionally) the buttons on the cards and
//! the Alertmanager their silences go to. Read once at start-up and checked
//! whole: a rule naming a channel or webhook the config does not define is
//! refused with the rule's position.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bugle::WebhookUrl;
use bugle_model::id::{ChannelId, RoleId};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::routing::{Matcher, Rule, Rules};
use crate::secret::SecretRef;

mod alertmanager;
mod interactions;
mod responders;

pub use alertmanager::{
    AlertmanagerAuth, AlertmanagerSettings, DEFAULT_ALERTMANAGER_TIMEOUT_SECONDS,
    DEFAULT_MAX_SILENCE_HOURS,
};
pub use interactions::{
    DEFAULT_INTERACTIONS_PATH, DEFAULT_SILENCE_DURATIONS, InteractionSettings,
    MAX_SILENCE_DURATIONS,
};
pub use responders::{EVERYONE, Responders};

pub(crate) use alertmanager::without_userinfo;

/// Environment variables that override the file.
pub mod env {
    /// The listen address (`127.0.0.1:9099`).
    pub const LISTEN: &str = "BUGLE_RELAY_LISTEN";
    /// The SQLite outbox file.
    pub const SQLITE: &str = "BUGLE_RELAY_SQLITE";
    /// A PostgreSQL URL: the outbox moves there (replicas share it).
    pub const DATABASE_URL: &str = "BUGLE_RELAY_DATABASE_URL";
    /// The interactions endpoint's listen address (`0.0.0.0:8443`); read
    /// only when the file has an `[interactions]` section.
    pub const INTERACTIONS_LISTEN: &str = "BUGLE_RELAY_INTERACTIONS_LISTEN";
    /// The application's public key (64 hex characters); read only when the
    /// file has an `[interactions]` section.
    pub const PUBLIC_KEY: &str = "BUGLE_RELAY_PUBLIC_KEY";
}

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9099";
/// The default body limit: 1 MiB (Alertmanager groups of hundreds of alerts fit).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A config that cannot be used, with what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("relay config: {0}")]
pub struct ConfigError(pub String);

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError(message.into())
}

/// The file as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    auth: RawAuth,
    #[serde(default)]
    discord: RawDiscord,
    #[serde(default)]
    channels: BTreeMap<String, String>,
    #[serde(default)]
    webhooks: BTreeMap<String, RawWebhook>,
    #[serde(default)]
    rules: Vec<RawRule>,
    default: Option<RawRule>,
    #[serde(default)]
    outbox: RawOutbox,
    #[serde(default)]
    templates: RawTemplates,
    interactions: Option<interactions::RawInteractions>,
    alertmanager: Option<alertmanager::RawAlertmanager>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    file: Option<PathBuf>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: Option<String>,
    body_limit_bytes: Option<usize>,
    drain_seconds: Option<u64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    bearer_token: Option<SecretRef>,
    basic: Option<RawBasic>,
    grafana_hmac: Option<RawHmac>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasic {
    username: String,
    password: SecretRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHmac {
    secret: SecretRef,
    header: Option<String>,
    timestamp_header: Option<String>,
    max_skew_seconds: Option<u64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    bot_token: Option<SecretRef>,
    api_base: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    url: SecretRef,
    lookup_channel: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    matchers: Vec<String>,
    channel: Option<String>,
    channel_id: Option<String>,
    webhook: Option<String>,
    #[serde(default)]
    thread: bool,
    #[serde(default, rename = "continue")]
    continue_matching: bool,
    #[serde(default)]
    mentions: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    responders: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutbox {
    sqlite: Option<PathBuf>,
    postgres: Option<SecretRef>,
    schema: Option<String>,
    capacity: Option<u64>,
    retention_hours: Option<u64>,
    lease_seconds: Option<u64>,
    concurrency: Option<usize>,
}

/// Where a route's cards go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Target {
    /// A channel, posted to with the bot token.
    Channel(ChannelId),
    /// The webhook of this name in `[webhooks]` (its URL stays in the config,
    /// never in the outbox).
    Webhook(String),
}

/// A destination and how to post there, as a rule names it. Stored with each
/// outbox row, so a row is delivered as it was routed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The destination's name: the channel route name, `channel:ID`, or
    /// `webhook:NAME`. One card per group key per route name.
    pub name: String,
    /// Where to post.
    pub target: Target,
    /// Whether a thread is opened from the card for the incident.
    pub thread: bool,
    /// Roles mentioned when a card is first posted, by severity label.
    pub mentions: BTreeMap<String, Vec<RoleId>>,
    /// Who may press the card's buttons (nobody: no buttons). Absent from
    /// rows stored before buttons existed, which load as nobody.
    #[serde(default)]
    pub responders: Responders,
}

/// A webhook destination.
#[derive(Clone)]
pub struct WebhookSettings {
    /// The webhook's URL (its token is a secret).
    pub url: WebhookUrl,
    /// A channel the bot token can read to find a card after an unclear
    /// execute (the webhook's own channel).
    pub lookup_channel: Option<ChannelId>,
}

impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("lookup_channel", &self.lookup_channel)
            .finish()
    }
}

/// Grafana's HMAC signature settings.
#[derive(Debug, Clone)]
pub struct HmacSettings {
    /// The shared secret.
    pub secret: SecretString,
    /// The signature header (default `X-Grafana-Alerting-Signature`).
    pub header: String,
    /// The timestamp header, when Grafana is configured to send one.
    pub timestamp_header: Option<String>,
    /// How far the timestamp may be from the relay's clock.
    pub max_skew: Duration,
}

/// Who may post notifications.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// `Authorization: Bearer <token>`, on every endpoint.
    pub bearer_token: Option<SecretString>,
    /// `Authorization: Basic`, as Alertmanager's `http_config.basic_auth` sends it.
    pub basic: Option<(String, SecretString)>,
    /// Grafana's signature, on `/grafana`.
    pub grafana_hmac: Option<HmacSettings>,
}

impl AuthSettings {
    /// Whether any method is configured.
    pub fn is_configured(&self) -> bool {
        self.bearer_token.is_some() || self.basic.is_some() || self.grafana_hmac.is_some()
    }
}

/// Where the outbox lives.
#[derive(Clone)]
#[non_exhaustive]
pub enum StoreSettings {
    /// A SQLite file (one relay process).
    Sqlite(PathBuf),
    /// A PostgreSQL database shared by replicas, in this schema.
    Postgres {
        /// The connection URL (may hold a password).
        url: SecretString,
        /// The schema the relay's tables live in.
        schema: String,
    },
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres { schema, .. } => f
                .debug_struct("Postgres")
                .field("url", &"[redacted]")
                .field("schema", schema)
                .finish(),
        }
    }
}

/// The outbox settings.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// Where it lives.
    pub store: StoreSettings,
    /// At most this many undelivered rows; past it, ingestion answers 503.
    pub capacity: u64,
    /// How long delivered rows are kept.
    pub retention: Duration,
    /// How long a claim on a group lasts without renewal.
    pub lease: Duration,
    /// How many groups are delivered at once.
    pub concurrency: usize,
}

/// A checked relay config.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// The largest body accepted, in bytes.
    pub body_limit: usize,
    /// How long shutdown waits for deliveries in flight.
    pub drain: Duration,
    /// Who may post.
    pub auth: AuthSettings,
    /// Whether the relay may run without auth (`--insecure-no-auth`).
    pub insecure_no_auth: bool,
    /// The bot token (channel destinations, thread lines, card lookups).
    pub bot_token: Option<SecretString>,
    /// Another Discord API base (a local `FakeDiscord`).
    pub api_base: Option<String>,
    /// Channel route names.
    pub channels: BTreeMap<String, ChannelId>,
    /// Named webhooks.
    pub webhooks: BTreeMap<String, WebhookSettings>,
    /// The rules and the default route.
    pub rules: Rules<Route>,
    /// The outbox.
    pub outbox: OutboxSettings,
    /// Card templates (empty: the default rendering).
    pub templates: crate::template::Templates,
    /// The interactions endpoint, when the cards carry buttons.
    pub interactions: Option<InteractionSettings>,
    /// Where Silence buttons create silences (needs `interactions`).
    pub alertmanager: Option<AlertmanagerSettings>,
}

/// What the command line adds to the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// `--insecure-no-auth`.
    pub insecure_no_auth: bool,
    /// A bot token will be supplied by the caller (a simulated Discord), so
    /// channel routes do not need one in the file.
    pub bot_token_supplied: bool,
}

impl RelayConfig {
    /// Reads and checks `text` (TOML), with the environment for secrets and
    /// overrides.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] naming the problem: TOML syntax, an unknown key, a
    /// rule naming an undefined channel or webhook (with its position), a
    /// missing secret, no auth without `--insecure-no-auth`.
    pub fn from_toml(text: &str, options: LoadOptions) -> Result<Self, ConfigError> {
        Self::from_toml_with_env(text, options, &|name| std::env::var(name).ok())
    }

    /// [`from_toml`](Self::from_toml) with `lookup` as the environment.
    ///
    /// # Errors
    ///
    /// As [`from_toml`](Self::from_toml).
    pub fn from_toml_with_env(
        text: &str,
        options: LoadOptions,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| err(error.to_string()))?;
        resolve(raw, options, lookup)
    }

    /// Every destination name a sender may ask for with `?route=`.
    pub fn route_names(&self) -> Vec<String> {
        self.channels
            .keys()
            .cloned()
            .chain(self.webhooks.keys().cloned())
            .collect()
    }

    /// The destination a sender asked for by name: a channel route name or a
    /// webhook name. Such a route opens no thread, mentions no one and
    /// carries no buttons.
    pub fn named_route(&self, name: &str) -> Option<Route> {
        if let Some(id) = self.channels.get(name) {
            return Some(Route {
                name: name.to_owned(),
                target: Target::Channel(*id),
                thread: false,
                mentions: BTreeMap::new(),
                responders: Responders::default(),
            });
        }
        self.webhooks.contains_key(name).then(|| Route {
            name: format!("webhook:{name}"),
            target: Target::Webhook(name.to_owned()),
            thread: false,
            mentions: BTreeMap::new(),
            responders: Responders::default(),
        })
    }
}

fn resolve(
    raw: RawConfig,
    options: LoadOptions,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<RelayConfig, ConfigError> {
    let listen_text = lookup(env::LISTEN)
        .or(raw.server.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let listen: SocketAddr = listen_text.parse().map_err(|_| {
        err(format!(
            "server.listen: `{listen_text}` is not an address like 127.0.0.1:9099"
        ))
    })?;
    let auth = load_auth(raw.auth, lookup)?;
    if !auth.is_configured() && !options.insecure_no_auth {
        return Err(err(
            "no auth is configured: set [auth] bearer_token (and basic or grafana_hmac where the sender supports them), or start with --insecure-no-auth on a trusted network",
        ));
    }
    let bot_token = raw
        .discord
        .bot_token
        .map(|secret| {
            secret
                .load(lookup)
                .map_err(|e| err(format!("discord.bot_token: {e}")))
        })
        .transpose()?;
    let mut channels = BTreeMap::new();
    for (name, id) in raw.channels {
        let id = parse_id(&id).ok_or_else(|| {
            err(format!(
                "channels.{name}: `{id}` is not a channel id (a number)"
            ))
        })?;
        channels.insert(name, ChannelId::new(id));
    }
    let webhooks = load_webhooks(raw.webhooks, &channels, lookup)?;
    let has_bot = bot_token.is_some() || options.bot_token_supplied;
    let (interactions, alertmanager) =
        load_buttons(raw.interactions, raw.alertmanager, listen, lookup)?;
    let interactive = interactions.is_some();
    let mut rules = Vec::new();
    for (index, rule) in raw.rules.into_iter().enumerate() {
        let at = format!("rules[{index}] (rule {} in the file)", index + 1);
        let matchers = rule
            .matchers
            .iter()
            .map(|m| Matcher::parse(m).map_err(|e| err(format!("{at}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let continue_matching = rule.continue_matching;
        let destination = route_of(rule, &at, &channels, &webhooks, has_bot, interactive)?;
        rules.push(Rule {
            matchers,
            destination,
            continue_matching,
        });
    }
    let default = raw.default.ok_or_else(|| {
        err("no [default] route: add one (e.g. `[default]` with `channel = \"alerts\"`) for alerts no rule matches")
    })?;
    if !default.matchers.is_empty() || default.continue_matching {
        return Err(err("default: takes no matchers and no `continue`"));
    }
    let default = route_of(
        default,
        "default",
        &channels,
        &webhooks,
        has_bot,
        interactive,
    )?;
    let outbox = load_outbox(raw.outbox, lookup)?;
    let templates = load_templates(raw.templates)?;
    Ok(RelayConfig {
        listen,
        body_limit: raw.server.body_limit_bytes.unwrap_or(DEFAULT_BODY_LIMIT),
        drain: Duration::from_secs(raw.server.drain_seconds.unwrap_or(10)),
        auth,
        insecure_no_auth: options.insecure_no_auth,
        bot_token,
        api_base: raw.discord.api_base,
        channels,
        webhooks,
        rules: Rules::new(rules, default),
        outbox,
        templates,
        interactions,
        alertmanager,
    })
}

/// Reads `[interactions]` and `[alertmanager]`, which only go together:
/// silences are created from the buttons the interactions endpoint answers.
fn load_buttons(
    interactions: Option<interactions::RawInteractions>,
    alertmanager: Option<alertmanager::RawAlertmanager>,
    listen: SocketAddr,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(Option<InteractionSettings>, Option<AlertmanagerSettings>), ConfigError> {
    if alertmanager.is_some() && interactions.is_none() {
        return Err(err(
            "[alertmanager] needs [interactions]: silences are created from the cards' buttons, which the interactions endpoint answers; add [interactions] (listen, application_id, public_key) or remove [alertmanager]",
        ));
    }
    let interactions = interactions
        .map(|raw| interactions::load_interactions(raw, listen, lookup))
        .transpose()?;
    let alertmanager = alertmanager
        .map(|raw| alertmanager::load_alertmanager(raw, lookup))
        .transpose()?;
    if let (Some(buttons), Some(am)) = (&interactions, &alertmanager) {
        if let Some(index) = buttons
            .silence_durations
            .iter()
            .position(|d| *d > am.max_silence)
        {
            return Err(err(format!(
                "interactions.silence_durations[{index}]: {} is longer than alertmanager.max_silence_hours ({}); shorten it or raise the maximum",
                crate::alertmanager::human(buttons.silence_durations[index]),
                crate::alertmanager::human(am.max_silence),
            )));
        }
    }
    Ok((interactions, alertmanager))
}

fn load_webhooks(
    raw: BTreeMap<String, RawWebhook>,
    channels: &BTreeMap<String, ChannelId>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, WebhookSettings>, ConfigError> {
    let mut webhooks = BTreeMap::new();
    for (name, hook) in raw {
        let url = hook
            .url
            .load(lookup)
            .map_err(|e| err(format!("webhooks.{name}.url: {e}")))?;
        let url = WebhookUrl::parse(secrecy::ExposeSecret::expose_secret(&url))
            .map_err(|e| err(format!("webhooks.{name}.url: {e}")))?;
        let lookup_channel = hook
            .lookup_channel
            .map(|channel| {
                channel_ref(&channel, channels).ok_or_else(|| {
                    err(format!(
                        "webhooks.{name}.lookup_channel: `{channel}` is neither a channel in [channels] nor a channel id"
                    ))
                })
            })
            .transpose()?;
        webhooks.insert(
            name,
            WebhookSettings {
                url,
                lookup_channel,
            },
        );
    }
    Ok(webhooks)
}

fn load_templates(raw: RawTemplates) -> Result<crate::template::Templates, ConfigError> {
    let Some(path) = raw.file else {
        return Ok(crate::template::Templates::default());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        err(format!(
            "templates.file: cannot read {}: {e}",
            path.display()
        ))
    })?;
    crate::template::Templates::parse(&text)
        .map_err(|e| err(format!("templates.file {}: {e}", path.display())))
}

fn parse_id(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok().filter(|id| *id > 0)
}

fn channel_ref(text: &str, channels: &BTreeMap<String, ChannelId>) -> Option<ChannelId> {
    channels
        .get(text)
        .copied()
        .or_else(|| parse_id(text).map(ChannelId::new))
}

fn route_of(
    rule: RawRule,
    at: &str,
    channels: &BTreeMap<String, ChannelId>,
    webhooks: &BTreeMap<String, WebhookSettings>,
    has_bot: bool,
    interactive: bool,
) -> Result<Route, ConfigError> {
    let (name, target) = match (rule.channel, rule.channel_id, rule.webhook) {
        (Some(name), None, None) => {
            let id = channels.get(&name).ok_or_else(|| {
                err(format!(
                    "{at}: channel `{name}` is not defined in [channels] (defined: {})",
                    list(channels.keys())
                ))
            })?;
            (name, Target::Channel(*id))
        }
        (None, Some(id), None) => {
            let id = parse_id(&id)
                .ok_or_else(|| err(format!("{at}: channel_id `{id}` is not a channel id")))?;
            (format!("channel:{id}"), Target::Channel(ChannelId::new(id)))
        }
        (None, None, Some(name)) => {
            if !webhooks.contains_key(&name) {
                return Err(err(format!(
                    "{at}: webhook `{name}` is not defined in [webhooks] (defined: {})",
                    list(webhooks.keys())
                )));
            }
            (format!("webhook:{name}"), Target::Webhook(name))
        }
        _ => {
            return Err(err(format!(
                "{at}: give exactly one of `channel`, `channel_id` and `webhook`"
            )));
        }
    };
    if matches!(target, Target::Channel(_)) && !has_bot {
        return Err(err(format!(
            "{at}: sends to a channel, which needs a bot token: set [discord] bot_token = {{ env = \"DISCORD_BOT_TOKEN\" }}, or send through a webhook"
        )));
    }
    if rule.thread && !matches!(target, Target::Channel(_)) {
        return Err(err(format!(
            "{at}: `thread = true` needs a channel destination (a webhook cannot start a thread in a text channel)"
        )));
    }
    let mut mentions = BTreeMap::new();
    for (severity, roles) in rule.mentions {
        let roles = roles
            .iter()
            .map(|role| {
                parse_id(role).map(RoleId::new).ok_or_else(|| {
                    err(format!(
                        "{at}: mentions.{severity}: `{role}` is not a role id"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        mentions.insert(severity, roles);
    }
    let responders = Responders::parse(&rule.responders, at)?;
    if !rule.responders.is_empty() && !interactive {
        return Err(err(format!(
            "{at}: `responders` needs an [interactions] section (listen, application_id, public_key): Discord sends button presses to that endpoint"
        )));
    }
    // A webhook route with responders is allowed: its cards get buttons when
    // the start-up check finds the webhook is the application's (Discord
    // sends presses only for messages the application owns), and link
    // buttons only otherwise.
    Ok(Route {
        name,
        target,
        thread: rule.thread,
        mentions,
        responders,
    })
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn load_auth(
    raw: RawAuth,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<AuthSettings, ConfigError> {
    let bearer_token = raw
        .bearer_token
        .map(|s| {
            s.load(lookup)
                .map_err(|e| err(format!("auth.bearer_token: {e}")))
        })
        .transpose()?;
    let basic = raw
        .basic
        .map(|basic| {
            basic
                .password
                .load(lookup)
                .map(|password| (basic.username, password))
                .map_err(|e| err(format!("auth.basic.password: {e}")))
        })
        .transpose()?;
    let grafana_hmac = raw
        .grafana_hmac
        .map(|hmac| {
            let secret = hmac
                .secret
                .load(lookup)
                .map_err(|e| err(format!("auth.grafana_hmac.secret: {e}")))?;
            Ok::<_, ConfigError>(HmacSettings {
                secret,
                header: hmac
                    .header
                    .unwrap_or_else(|| "X-Grafana-Alerting-Signature".to_owned()),
                timestamp_header: hmac.timestamp_header,
                max_skew: Duration::from_secs(hmac.max_skew_seconds.unwrap_or(300)),
            })
        })
        .transpose()?;
    Ok(AuthSettings {
        bearer_token,
        basic,
        grafana_hmac,
    })
}

fn load_outbox(
    raw: RawOutbox,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<OutboxSettings, ConfigError> {
    let schema = raw.schema.unwrap_or_else(|| "bugle_relay".to_owned());
    if !schema
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || schema.is_empty()
    {
        return Err(err(format!(
            "outbox.schema: `{schema}` must be lower-case letters, digits and underscores"
        )));
    }
    let store = if let Some(url) = lookup(env::DATABASE_URL).filter(|u| !u.is_empty()) {
        StoreSettings::Postgres {
            url: SecretString::from(url),
            schema,
        }
    } else if let Some(path) = lookup(env::SQLITE).filter(|p| !p.is_empty()) {
        StoreSettings::Sqlite(PathBuf::from(path))
    } else {
        match (raw.sqlite, raw.postgres) {
            (Some(_), Some(_)) => {
                return Err(err("outbox: give `sqlite` or `postgres`, not both"));
            }
            (_, Some(url)) => StoreSettings::Postgres {
                url: url
                    .load(lookup)
                    .map_err(|e| err(format!("outbox.postgres: {e}")))?,
                schema,
            },
            (Some(path), None) => StoreSettings::Sqlite(path),
            (None, None) => StoreSettings::Sqlite(PathBuf::from("bugle-relay.sqlite3")),
        }
    };
    Ok(OutboxSettings {
        store,
        capacity: raw.capacity.unwrap_or(100_000).max(1),
        retention: Duration::from_secs(raw.retention_hours.unwrap_or(72) * 3600),
        lease: Duration::from_secs(raw.lease_seconds.unwrap_or(60).max(5)),
        concurrency: raw.concurrency.unwrap_or(8).clamp(1, 256),
    })
}

#[cfg(test)]
mod tests;

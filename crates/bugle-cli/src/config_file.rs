//! The `--config FILE` file: channel routes and named webhooks, in JSON.
//!
//! ```json
//! {
//!   "routes": { "alerts": "111111111111111111", "deploys": "222222222222222222" },
//!   "webhook": "https://discord.com/api/webhooks/123/token",
//!   "webhooks": { "ops": "https://discord.com/api/webhooks/456/token" },
//!   "api_base": "https://discord.com/api",
//!   "api_version": 10
//! }
//! ```
//!
//! Every key is optional. Webhook URLs are secrets: they are held as
//! [`SecretString`] from the moment they are read, and no error message or
//! `Debug` output ever repeats them (errors name the key instead).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use bugle::DiscordConfigBuilder;
use bugle_model::id::ChannelId;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::exit::CliError;

/// The keys a config file may have.
const KEYS: &[&str] = &["routes", "webhook", "webhooks", "api_base", "api_version"];

/// A parsed config file.
#[derive(Default)]
pub(crate) struct ConfigFile {
    /// Route name → channel id.
    pub(crate) routes: BTreeMap<String, ChannelId>,
    /// The default webhook's URL.
    pub(crate) webhook: Option<SecretString>,
    /// Webhook name → URL.
    pub(crate) webhooks: BTreeMap<String, SecretString>,
    /// The API base URL, without the version.
    pub(crate) api_base: Option<String>,
    /// The API version.
    pub(crate) api_version: Option<u8>,
}

impl fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("routes", &self.routes)
            .field("webhook", &self.webhook.as_ref().map(|_| "[redacted]"))
            .field("webhooks", &self.webhooks.keys().collect::<Vec<_>>())
            .field("api_base", &self.api_base)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl ConfigFile {
    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    ///
    /// An invalid-input error naming the file and what is wrong with it.
    pub(crate) fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            CliError::invalid(format!(
                "cannot read the config file {}: {error}; check the --config path",
                path.display()
            ))
        })?;
        Self::parse(&text).map_err(|problem| {
            CliError::invalid(format!("invalid config file {}: {problem}", path.display()))
        })
    }

    /// Parses config-file JSON.
    ///
    /// # Errors
    ///
    /// What is wrong, naming the key; never a webhook URL.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        // serde_json's syntax errors carry a line and column, never the text.
        let value: Value = serde_json::from_str(text).map_err(|error| {
            format!(
                "not valid JSON (line {}, column {})",
                error.line(),
                error.column()
            )
        })?;
        let Value::Object(object) = value else {
            return Err("the top level must be a JSON object".to_owned());
        };
        if let Some(key) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(format!(
                "unknown key `{key}`; the keys are {}",
                KEYS.join(", ")
            ));
        }
        let mut file = Self::default();
        if let Some(routes) = object.get("routes") {
            for (name, id) in entries("routes", routes)? {
                file.routes.insert(name.clone(), channel_id(name, id)?);
            }
        }
        if let Some(url) = object.get("webhook") {
            file.webhook = Some(secret_string("webhook", url)?);
        }
        if let Some(webhooks) = object.get("webhooks") {
            for (name, url) in entries("webhooks", webhooks)? {
                let secret = secret_string(&format!("webhooks.{name}"), url)?;
                file.webhooks.insert(name.clone(), secret);
            }
        }
        if let Some(base) = object.get("api_base") {
            match base {
                Value::String(base) => file.api_base = Some(base.clone()),
                _ => return Err("`api_base` must be a string".to_owned()),
            }
        }
        if let Some(version) = object.get("api_version") {
            let version = version
                .as_u64()
                .and_then(|v| u8::try_from(v).ok())
                .ok_or("`api_version` must be 10 or 9")?;
            file.api_version = Some(version);
        }
        Ok(file)
    }

    /// Sets what the file holds on `builder` (the builder then checks it, and
    /// its values win over the environment's).
    pub(crate) fn apply(&self, mut builder: DiscordConfigBuilder) -> DiscordConfigBuilder {
        for (name, channel) in &self.routes {
            builder = builder.route(name.clone(), *channel);
        }
        if let Some(url) = &self.webhook {
            builder = builder.webhook_url(url.expose_secret());
        }
        for (name, url) in &self.webhooks {
            builder = builder.named_webhook_url(name.clone(), url.expose_secret());
        }
        if let Some(base) = &self.api_base {
            builder = builder.base_url(base.clone());
        }
        if let Some(version) = self.api_version {
            builder = builder.api_version(version);
        }
        builder
    }
}

fn entries<'a>(key: &str, value: &'a Value) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("`{key}` must be an object of name: value pairs"))
}

fn channel_id(name: &str, id: &Value) -> Result<ChannelId, String> {
    let number = match id {
        Value::String(text) => text.trim().parse::<u64>().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    };
    number.and_then(ChannelId::new_checked).ok_or_else(|| {
        format!(
            "`routes.{name}` must be a channel id (a non-zero number, best written as a string)"
        )
    })
}

fn secret_string(key: &str, value: &Value) -> Result<SecretString, String> {
    match value {
        Value::String(text) => Ok(SecretString::from(text.clone())),
        _ => Err(format!("`{key}` must be a webhook url string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://discord.com/api/webhooks/123456/sekrit-webhook-token";

    #[test]
    fn reads_routes_webhooks_and_endpoint() {
        let text = format!(
            r#"{{"routes": {{"alerts": "111", "ci": 333}}, "webhook": "{URL}",
                "webhooks": {{"ops": "{URL}"}}, "api_base": "http://127.0.0.1:1/api", "api_version": 9}}"#
        );
        let file = ConfigFile::parse(&text).expect("valid");
        assert_eq!(file.routes["alerts"], ChannelId::new(111));
        assert_eq!(file.routes["ci"], ChannelId::new(333));
        assert_eq!(
            file.webhook.as_ref().map(ExposeSecret::expose_secret),
            Some(URL)
        );
        assert!(file.webhooks.contains_key("ops"));
        assert_eq!(file.api_base.as_deref(), Some("http://127.0.0.1:1/api"));
        assert_eq!(file.api_version, Some(9));
    }

    #[test]
    fn the_parsed_file_configures_the_client() {
        let text = format!(r#"{{"routes": {{"alerts": "111"}}, "webhooks": {{"ops": "{URL}"}}}}"#);
        let file = ConfigFile::parse(&text).expect("valid");
        let config = file
            .apply(bugle::DiscordConfig::builder())
            .build()
            .expect("builds");
        assert_eq!(
            config.resolve_channel(&"alerts".into()).expect("route"),
            ChannelId::new(111)
        );
        assert_eq!(config.webhook_names(), vec!["ops".to_owned()]);
    }

    #[test]
    fn debug_never_shows_a_webhook_url() {
        let text = format!(r#"{{"webhook": "{URL}", "webhooks": {{"ops": "{URL}"}}}}"#);
        let shown = format!("{:?}", ConfigFile::parse(&text).expect("valid"));
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(shown.contains("ops"));
    }

    #[test]
    fn errors_name_the_key_and_never_the_url() {
        let cases = [
            (
                r#"{"routes": {"alerts": "abc"}}"#.to_owned(),
                "routes.alerts",
            ),
            (r#"{"routes": {"alerts": "0"}}"#.to_owned(), "routes.alerts"),
            (r#"{"routes": []}"#.to_owned(), "`routes`"),
            (r#"{"webhooks": {"ops": 5}}"#.to_owned(), "webhooks.ops"),
            (r#"{"api_version": 300}"#.to_owned(), "api_version"),
            (
                format!(r#"{{"webhook_url": "{URL}"}}"#),
                "unknown key `webhook_url`",
            ),
            (format!(r#"{{"webhook": "{URL}""#), "line 1"),
            ("[1]".to_owned(), "object"),
        ];
        for (text, expected) in cases {
            let error = ConfigFile::parse(&text).expect_err(&text);
            assert!(error.contains(expected), "{error} lacks {expected}");
            assert!(!error.contains("sekrit"), "{error}");
        }
    }
}

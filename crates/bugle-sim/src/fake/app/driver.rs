//! The driver: `invoke`, `autocomplete`, `click`, `select`, `submit` and
//! `probe_endpoint` on `FakeDiscord`, each a signed POST to the app's endpoint.

use std::time::Duration;

use bugle_model::interaction::CommandOption;
use bugle_model::message::Message;
use bytes::Bytes;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::answer::{self, kind};
use super::loopback::{self, Answer};
use super::state::InteractionRec;
use super::{ANSWER_DEADLINE, InteractionFailure, InteractionOutcome, ProbeFailure, ShownModal};
use crate::fake::handlers::Ctx;
use crate::fake::render::{self, MessageView};
use crate::fake::state::{Author, ChannelRec, kind as channel_kind};
use crate::fake::{FakeDiscord, World};

/// Every permission bit Discord defines today, as an administrator has them.
const ALL_PERMISSIONS: &str = "2251799813685247";

/// One bad request of the probe: what is wrong, its headers and its body.
type ProbeCase = (&'static str, Vec<(&'static str, String)>, Bytes);

/// What to send: the interaction's type, its `data`, and its source message.
struct Send {
    kind: u8,
    data: Value,
    source_message: Option<u64>,
    user: u64,
}

impl FakeDiscord {
    /// The application's id (interactions, commands and interaction webhooks use it).
    pub fn application_id(&self) -> u64 {
        self.inner.settings.application_id
    }

    /// The application's public key, as the developer portal shows it (64 hex
    /// characters): give it to the endpoint's verifier.
    pub fn application_public_key(&self) -> String {
        hex::encode(self.inner.signing_key.verifying_key().as_bytes())
    }

    /// Sets the URL the driver sends interactions to: plain http on a loopback
    /// address (`http://127.0.0.1:PORT/interactions`), as served by the app under test.
    pub fn set_interactions_endpoint(&self, url: impl Into<String>) {
        self.world().state.app.endpoint = Some(url.into());
    }

    /// The commands registered globally (`None`) or in a guild.
    pub fn registered_commands(&self, guild: Option<u64>) -> Vec<Value> {
        let world = self.world();
        match guild {
            None => world.state.app.global.clone(),
            Some(guild) => world
                .state
                .app
                .guilds
                .get(&guild)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The original response of an interaction, as it is now.
    pub fn original_response(&self, interaction_id: u64) -> Option<Message> {
        let world = self.world();
        let id = world.state.app.by_id(interaction_id)?.original?;
        let rec = world.state.messages.get(&id)?;
        Some(render::message(
            &world.state,
            rec,
            self.inner.settings.bot_id,
            MessageView::FETCHED,
        ))
    }

    /// The followups of an interaction, oldest first.
    pub fn followups(&self, interaction_id: u64) -> Vec<Message> {
        let world = self.world();
        let Some(rec) = world.state.app.by_id(interaction_id) else {
            return Vec::new();
        };
        rec.followups
            .iter()
            .filter_map(|id| world.state.messages.get(id))
            .map(|m| {
                render::message(
                    &world.state,
                    m,
                    self.inner.settings.bot_id,
                    MessageView::FETCHED,
                )
            })
            .collect()
    }

    /// A user runs the slash (or context-menu) command `command` with `options`, in
    /// the interactions channel. The command must be registered.
    ///
    /// # Errors
    ///
    /// An [`InteractionFailure`] when the interaction cannot be sent or the answer
    /// breaks Discord's rules (the user would see "This interaction failed").
    pub async fn invoke(
        &self,
        command: &str,
        options: Vec<CommandOption>,
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        let data = self.command_data(command, &options)?;
        self.send_interaction(Send {
            kind: kind::COMMAND,
            data,
            source_message: None,
            user,
        })
        .await
    }

    /// A user types in an option with autocomplete: `options` holds the option
    /// being typed with `focused` set.
    ///
    /// # Errors
    ///
    /// As [`invoke`](Self::invoke).
    pub async fn autocomplete(
        &self,
        command: &str,
        options: Vec<CommandOption>,
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        let data = self.command_data(command, &options)?;
        self.send_interaction(Send {
            kind: kind::AUTOCOMPLETE,
            data,
            source_message: None,
            user,
        })
        .await
    }

    /// A user presses the button `custom_id` on message `message_id` (a message of
    /// the application, where the button is enabled).
    ///
    /// # Errors
    ///
    /// As [`invoke`](Self::invoke);
    /// [`InteractionFailure::UnknownComponent`] when there is no such button.
    pub async fn click(
        &self,
        message_id: u64,
        custom_id: &str,
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        self.component(message_id, custom_id, &[], user).await
    }

    /// A user picks `values` in the select `custom_id` on message `message_id`.
    ///
    /// # Errors
    ///
    /// As [`click`](Self::click).
    pub async fn select(
        &self,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        self.component(message_id, custom_id, values, user).await
    }

    /// A user fills in `modal` with `values` (text input `custom_id`, text) and
    /// submits it.
    ///
    /// # Errors
    ///
    /// As [`invoke`](Self::invoke); [`InteractionFailure::BadField`] for a value of a
    /// field the modal does not have.
    pub async fn submit(
        &self,
        modal: &ShownModal,
        values: &[(&str, &str)],
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        let fields = modal.field_ids();
        if let Some((unknown, _)) = values
            .iter()
            .find(|(id, _)| !fields.iter().any(|f| f == id))
        {
            return Err(InteractionFailure::BadField((*unknown).to_owned()));
        }
        let rows: Vec<Value> = values
            .iter()
            .map(|(id, value)| {
                json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
            })
            .collect();
        self.send_interaction(Send {
            kind: kind::MODAL_SUBMIT,
            data: json!({"custom_id": modal.custom_id, "components": rows}),
            source_message: modal.source_message,
            user,
        })
        .await
    }

    /// Runs Discord's checks of an endpoint: a signed PING must get a JSON PONG, and
    /// requests with an invalid signature (another key, a tampered body, no
    /// signature) must be refused with 401.
    ///
    /// # Errors
    ///
    /// The first [`ProbeFailure`] found.
    pub async fn probe_endpoint(&self) -> Result<(), ProbeFailure> {
        let endpoint = self
            .world()
            .state
            .app
            .endpoint
            .clone()
            .ok_or(ProbeFailure::NoEndpoint)?;
        let url = loopback::loopback(&endpoint).ok_or_else(|| {
            ProbeFailure::Unreachable(format!("{endpoint:?} is not loopback http"))
        })?;
        let id = self.next_snowflake();
        let ping = json!({
            "id": id.to_string(), "application_id": self.application_id().to_string(),
            "type": 1, "token": format!("probe-{id}"), "version": 1,
        });
        let body = Bytes::from(ping.to_string());
        let timestamp = self.unix_seconds().to_string();
        let good = sign(&self.inner.signing_key, &timestamp, &body);
        let answer = loopback::post(&url, &signed(&good, &timestamp), body.clone())
            .await
            .map_err(ProbeFailure::Unreachable)?;
        let answered: Option<Value> = serde_json::from_slice(&answer.body).ok();
        let json_type = answer
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if answer.status != 200
            || !json_type
            || answered.as_ref().and_then(|p| p["type"].as_u64()) != Some(1)
        {
            return Err(ProbeFailure::NoPong(format!(
                "status {}, body {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            )));
        }
        let stranger = SigningKey::from_bytes(&[0x42; 32]);
        let tampered = Bytes::from(ping.to_string().replace("\"type\":1", "\"type\": 1"));
        let cases: [ProbeCase; 4] = [
            (
                "another key's signature",
                signed(&sign(&stranger, &timestamp, &body), &timestamp),
                body.clone(),
            ),
            ("a tampered body", signed(&good, &timestamp), tampered),
            (
                "no signature",
                vec![("x-signature-timestamp", timestamp.clone())],
                body.clone(),
            ),
            (
                "a malformed signature",
                signed("zz", &timestamp),
                body.clone(),
            ),
        ];
        for (case, headers, body) in cases {
            let answer = loopback::post(&url, &headers, body)
                .await
                .map_err(ProbeFailure::Unreachable)?;
            if answer.status != 401 {
                return Err(ProbeFailure::AcceptedBadSignature {
                    case,
                    status: answer.status,
                });
            }
        }
        Ok(())
    }

    fn next_snowflake(&self) -> u64 {
        self.inner.ids.next(self.inner.clock.now_unix_millis())
    }

    fn unix_seconds(&self) -> i64 {
        self.inner.clock.now().unix_timestamp()
    }

    /// The `data` of a command invocation, from the registered command.
    fn command_data(
        &self,
        name: &str,
        options: &[CommandOption],
    ) -> Result<Value, InteractionFailure> {
        let channel = self.interaction_channel();
        let world = self.world();
        let guild = world.state.channels.get(&channel).and_then(|c| c.guild_id);
        let registered = guild
            .and_then(|g| world.state.app.guilds.get(&g))
            .into_iter()
            .flatten()
            .chain(world.state.app.global.iter())
            .find(|c| c["name"] == name)
            .cloned()
            .ok_or_else(|| InteractionFailure::UnknownCommand(name.to_owned()))?;
        let mut data = json!({
            "id": registered["id"],
            "name": name,
            "type": registered["type"],
            "options": options,
        });
        if let Some(guild) = registered.get("guild_id") {
            data["guild_id"] = guild.clone();
        }
        Ok(data)
    }

    async fn component(
        &self,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
        user: u64,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        let component_type = {
            let world = self.world();
            let message = world
                .state
                .messages
                .get(&message_id)
                .ok_or(InteractionFailure::UnknownMessage(message_id))?;
            let owned = match &message.author {
                Author::User(id) => *id == self.inner.settings.bot_id,
                Author::Webhook { application_id, .. } => {
                    *application_id == Some(self.application_id())
                }
            };
            let found = find_component(&message.components, custom_id);
            match found {
                Some(kind) if owned => kind,
                _ => return Err(InteractionFailure::UnknownComponent(custom_id.to_owned())),
            }
        };
        let mut data = json!({"custom_id": custom_id, "component_type": component_type});
        if component_type != 2 {
            data["values"] = json!(values);
        }
        self.send_interaction(Send {
            kind: kind::COMPONENT,
            data,
            source_message: Some(message_id),
            user,
        })
        .await
    }

    /// The channel interactions happen in, made on first use when none was given.
    fn interaction_channel(&self) -> u64 {
        let mut chosen = self
            .inner
            .interactions_channel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(channel) = *chosen {
            return channel;
        }
        let id = self.next_snowflake();
        let mut world = self.world();
        let mut channel = ChannelRec::new(id, channel_kind::TEXT);
        channel.guild_id = Some(self.inner.settings.default_guild);
        channel.name = Some("interactions".to_owned());
        world.state.channels.insert(id, channel);
        *chosen = Some(id);
        id
    }

    /// The interaction payload, and the record of it.
    fn build(&self, world: &World, send: &Send, channel: u64) -> (Value, InteractionRec) {
        let id = self.next_snowflake();
        let token = format!(
            "aW50ZXJhY3Rpb24{id:x}{:x}",
            self.next_snowflake() ^ 0x5bd1_e995
        );
        let state = &world.state;
        let bot = self.inner.settings.bot_id;
        let user = serde_json::to_value(render::user(state, send.user)).unwrap_or(Value::Null);
        let channel_rec = state.channels.get(&channel);
        let guild = channel_rec.and_then(|c| c.guild_id);
        let mut payload = json!({
            "id": id.to_string(),
            "application_id": self.application_id().to_string(),
            "type": send.kind,
            "data": send.data,
            "token": token,
            "version": 1,
            "channel_id": channel.to_string(),
            "channel": {"id": channel.to_string(), "type": channel_rec.map_or(0, |c| c.kind)},
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
        });
        if let Some(guild) = guild {
            payload["guild_id"] = json!(guild.to_string());
            payload["guild_locale"] = json!("en-US");
            payload["context"] = json!(0);
            let roles: Vec<String> = state
                .app
                .member_roles
                .get(&send.user)
                .into_iter()
                .flatten()
                .map(ToString::to_string)
                .collect();
            payload["member"] = json!({
                "user": user, "roles": roles, "permissions": ALL_PERMISSIONS,
                "nick": null, "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": false, "mute": false, "flags": 0,
            });
            payload["authorizing_integration_owners"] = json!({"0": guild.to_string()});
        } else {
            payload["user"] = user;
            payload["context"] = json!(1);
        }
        if let Some(source) = send.source_message.and_then(|m| state.messages.get(&m)) {
            payload["message"] = render::message_json(state, source, bot, MessageView::FETCHED);
        }
        let rec = InteractionRec {
            id,
            kind: send.kind,
            channel_id: channel,
            created: Instant::now(),
            source_message: send.source_message,
            acknowledged: false,
            original: None,
            followups: Vec::new(),
        };
        (payload, rec)
    }

    async fn send_interaction(&self, send: Send) -> Result<InteractionOutcome, InteractionFailure> {
        // A component's interaction comes from the channel of its message, as
        // in Discord (the member's roles are those of that channel's server).
        let source_channel = send
            .source_message
            .and_then(|id| self.world().state.messages.get(&id).map(|m| m.channel_id));
        let channel = match source_channel {
            Some(channel) => channel,
            None => self.interaction_channel(),
        };
        let (url, payload, token) = {
            let mut world = self.world();
            let endpoint = world
                .state
                .app
                .endpoint
                .clone()
                .ok_or(InteractionFailure::NoEndpoint)?;
            let url = loopback::loopback(&endpoint)
                .ok_or_else(|| InteractionFailure::NotLoopback(endpoint.clone()))?;
            let (payload, rec) = self.build(&world, &send, channel);
            let token = payload["token"].as_str().unwrap_or_default().to_owned();
            world.state.app.interactions.insert(token.clone(), rec);
            (url, payload, token)
        };
        let body = Bytes::from(payload.to_string());
        let timestamp = self.unix_seconds().to_string();
        let signature = sign(&self.inner.signing_key, &timestamp, &body);
        let started = Instant::now();
        let answer = tokio::time::timeout(
            ANSWER_DEADLINE,
            loopback::post(&url, &signed(&signature, &timestamp), body),
        )
        .await
        .map_err(|_| InteractionFailure::TooSlow)?
        .map_err(InteractionFailure::Unreachable)?;
        let answered_after = started.elapsed();
        let (callback, data) = read_answer(&answer)?;
        self.apply_answer(&token, callback, data, answered_after)
    }

    fn apply_answer(
        &self,
        token: &str,
        callback: u8,
        data: Map<String, Value>,
        answered_after: Duration,
    ) -> Result<InteractionOutcome, InteractionFailure> {
        let mut guard = self.world();
        let world = &mut *guard;
        let Some(mut rec) = world.state.app.interactions.get(token).cloned() else {
            return Err(InteractionFailure::NotAResponse(
                "the interaction vanished".to_owned(),
            ));
        };
        let mut ctx = Ctx {
            state: &mut world.state,
            counters: &mut world.counters,
            settings: &self.inner.settings,
            clock: &self.inner.clock,
            ids: &self.inner.ids,
            now: Instant::now(),
        };
        let applied = answer::apply(&mut ctx, &mut rec, callback, data)?;
        let interaction_id = rec.id;
        world.state.app.interactions.insert(token.to_owned(), rec);
        let bot = self.inner.settings.bot_id;
        let message = applied
            .message
            .and_then(|id| world.state.messages.get(&id))
            .map(|m| render::message(&world.state, m, bot, MessageView::FETCHED));
        Ok(InteractionOutcome {
            interaction_id,
            callback_type: callback,
            message,
            choices: applied.choices,
            modal: applied.modal,
            answered_after,
        })
    }
}

/// The signature of `timestamp` followed by `body`, in hex.
fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    hex::encode(key.sign(&message).to_bytes())
}

fn signed(signature: &str, timestamp: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-signature-ed25519", signature.to_owned()),
        ("x-signature-timestamp", timestamp.to_owned()),
    ]
}

/// The callback type and data of a 200 JSON answer.
fn read_answer(answer: &Answer) -> Result<(u8, Map<String, Value>), InteractionFailure> {
    if answer.status != 200 {
        return Err(InteractionFailure::Status {
            status: answer.status,
            body: String::from_utf8_lossy(&answer.body)
                .chars()
                .take(500)
                .collect(),
        });
    }
    let json: Value = serde_json::from_slice(&answer.body)
        .map_err(|e| InteractionFailure::NotAResponse(e.to_string()))?;
    let callback = json
        .get("type")
        .and_then(Value::as_u64)
        .and_then(|t| u8::try_from(t).ok())
        .ok_or_else(|| InteractionFailure::NotAResponse("no integer `type`".to_owned()))?;
    let data = json
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    Ok((callback, data))
}

/// The type of the enabled interactive component `custom_id` in `components`.
fn find_component(components: &[Value], custom_id: &str) -> Option<u64> {
    for component in components {
        let kind = component.get("type").and_then(Value::as_u64);
        let disabled = component.get("disabled").and_then(Value::as_bool) == Some(true);
        if component.get("custom_id").and_then(Value::as_str) == Some(custom_id) && !disabled {
            if let Some(kind) = kind.filter(|k| matches!(k, 2..=8)) {
                return Some(kind);
            }
        }
        for key in ["components", "accessory"] {
            let nested = match component.get(key) {
                Some(Value::Array(children)) => find_component(children, custom_id),
                Some(child @ Value::Object(_)) => {
                    find_component(std::slice::from_ref(child), custom_id)
                }
                _ => None,
            };
            if nested.is_some() {
                return nested;
            }
        }
    }
    None
}

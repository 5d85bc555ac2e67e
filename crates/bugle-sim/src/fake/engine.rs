//! The path of one request through the fake: delay, outage, ban, route, auth, fault,
//! rate limit, handler, fault, headers, bookkeeping.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{StatusCode, header};
use tokio::time::Instant;

use super::faults::{FaultAction, FaultInjector};
use super::handlers::{self, Ctx, Settings};
use super::ratelimit::headers::{cloudflare_ban, too_many_requests, with_bucket_headers};
use super::ratelimit::limiter::{Caller, Limiter, Scope};
use super::reply::{self, Reply};
use super::request::Incoming;
use super::route::{Route, RouteError, match_route, redact_path};
use super::state::{ChannelRec, REQUIRE_TAG, State, UserRec, WebhookRec};
use super::{Counters, FakeDiscord, FakeDiscordBuilder, Inner, Record, World};
use crate::clock::SimClock;
use crate::snowflake::SnowflakeGenerator;

/// The connection was closed without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dropped;

impl FakeDiscordBuilder {
    /// Builds the fake. Reads the wall clock once (unless a start time was given) and
    /// tokio's clock; call it inside a tokio runtime when the clock is paused.
    pub fn build(self) -> FakeDiscord {
        let clock = self.start.map_or_else(SimClock::new, SimClock::starting_at);
        let ids = SnowflakeGenerator::new(self.seed);
        let next = || ids.next(clock.now_unix_millis());
        let (bot_id, bot_name) = self
            .bot_user
            .clone()
            .unwrap_or_else(|| (next(), "bugle-fake-bot".to_owned()));
        let default_guild = self.guilds.first().copied().unwrap_or_else(next);
        let mut state = State {
            guilds: self.guilds.clone(),
            ..State::default()
        };
        if state.guilds.is_empty() {
            state.guilds.push(default_guild);
        }
        let bot = UserRec {
            username: bot_name,
            bot: true,
        };
        state.users.insert(bot_id, bot);
        for (id, username) in &self.users {
            let user = UserRec {
                username: username.clone(),
                bot: false,
            };
            state.users.insert(*id, user);
        }
        for seed in &self.channels {
            let mut channel = ChannelRec::new(seed.id, seed.kind);
            channel.guild_id = Some(seed.guild.unwrap_or(default_guild));
            channel.name = Some(
                seed.name
                    .clone()
                    .unwrap_or_else(|| format!("channel-{}", seed.id)),
            );
            channel.available_tags.clone_from(&seed.tags);
            if seed.require_tag {
                channel.flags |= REQUIRE_TAG;
            }
            state.channels.insert(seed.id, channel);
        }
        for seed in &self.webhooks {
            state.channels.entry(seed.channel_id).or_insert_with(|| {
                let mut channel = ChannelRec::new(seed.channel_id, super::state::kind::TEXT);
                channel.guild_id = Some(default_guild);
                channel.name = Some(format!("channel-{}", seed.channel_id));
                channel
            });
            let hook = WebhookRec {
                id: seed.id,
                token: seed.token.clone(),
                channel_id: seed.channel_id,
                name: seed.name.clone(),
                application_id: seed.application_id,
            };
            state.webhooks.insert(seed.id, hook);
        }
        state.app.member_roles = self.member_roles.iter().cloned().collect();
        let world = World {
            state,
            limiter: Limiter::new(self.rate_limits),
            faults: FaultInjector::new(self.faults, self.seed),
            counters: Counters::default(),
            log: Vec::new(),
        };
        let settings = Settings {
            bot_token: self.bot_token,
            bot_id,
            auto_create: self.auto_create,
            default_guild,
            nonce_window: self.nonce_window,
            client_ip: self.client_ip,
            application_id: self.application_id.unwrap_or(bot_id),
        };
        let interactions_channel = self.interactions_channel.or_else(|| {
            self.channels
                .iter()
                .find(|c| c.kind == super::state::kind::TEXT)
                .map(|c| c.id)
        });
        FakeDiscord {
            inner: Arc::new(Inner {
                settings,
                clock,
                ids,
                world: Mutex::new(world),
                signing_key: super::app::signing_key(self.seed),
                interactions_channel: Mutex::new(interactions_channel),
            }),
        }
    }
}

/// A reply for an injected (or outage) status.
fn fault_reply(status: StatusCode) -> Reply {
    if status == StatusCode::BAD_GATEWAY {
        return Reply::html(
            status,
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n".to_owned(),
        );
    }
    let reason = status.canonical_reason().unwrap_or("Server Error");
    Reply::error(status, 0, &format!("{}: {reason}", status.as_u16()))
}

/// Where a request ended.
enum Outcome {
    Answer(Reply),
    Dropped,
}

/// The versionless path segments, or the reply for a bad prefix or version.
fn strip_version(path: &str) -> Result<Vec<&str>, Reply> {
    let mut segments = path.trim_start_matches('/').split('/');
    if segments.next() != Some("api") {
        return Err(reply::not_found());
    }
    let rest: Vec<&str> = segments.collect();
    match rest.first() {
        Some(&"v10" | &"v9") => Ok(rest[1..]
            .iter()
            .copied()
            .filter(|s| !s.is_empty())
            .collect()),
        _ => Err(reply::invalid_api_version()),
    }
}

impl FakeDiscord {
    /// Answers one request as Discord would; `Err` when the connection is dropped.
    pub(crate) async fn handle(
        &self,
        request: http::Request<Bytes>,
        ip: IpAddr,
    ) -> Result<http::Response<Bytes>, Dropped> {
        let plan = self.world().faults.plan();
        if !plan.delay.is_zero() {
            tokio::time::sleep(plan.delay).await;
        }
        let mut world = self.world();
        let world = &mut *world;
        let now = Instant::now();
        let at = self.inner.clock.elapsed();
        let (parts, body) = request.into_parts();
        let query = parts
            .uri
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let mut record = Record {
            method: parts.method.clone(),
            path: format!("{}{query}", redact_path(parts.uri.path())),
            route: None,
            status: None,
            at,
        };
        world.counters.requests += 1;
        let outcome = self.process(world, &parts, body, ip, now, plan, &mut record.route);
        let result = match outcome {
            Outcome::Answer(reply) => {
                record.status = Some(reply.status);
                Ok(reply.into_response())
            }
            Outcome::Dropped => {
                world.counters.dropped_connections += 1;
                Err(Dropped)
            }
        };
        world.log.push(record);
        result
    }

    #[allow(clippy::too_many_arguments)] // the steps of one request, kept in one place
    fn process(
        &self,
        world: &mut World,
        parts: &http::request::Parts,
        body: Bytes,
        ip: IpAddr,
        now: Instant,
        plan: super::faults::FaultPlan,
        matched: &mut Option<super::RouteKind>,
    ) -> Outcome {
        let settings = &self.inner.settings;
        if let Some(status) = world.faults.outage(self.inner.clock.elapsed()) {
            world.counters.faults_injected += 1;
            return Outcome::Answer(fault_reply(status));
        }
        if let Some(left) = world.limiter.banned_for(ip, now) {
            world.counters.banned += 1;
            return Outcome::Answer(cloudflare_ban(left));
        }
        let route = match resolve(parts) {
            Ok(route) => route,
            Err(reply) => return Outcome::Answer(reply),
        };
        let mut route = route;
        if route.kind.is_webhook_token_route() && route.webhook_id == Some(settings.application_id)
        {
            // The application's id in a webhook path: an interaction webhook.
            route.kind = route.kind.as_interaction_route();
        }
        *matched = Some(route.kind);
        let Some(caller) = authorise(settings, parts, &route, ip) else {
            return Outcome::Answer(invalid(world, ip, now, reply::unauthorized()));
        };
        match plan.before {
            Some(FaultAction::Drop) => {
                world.counters.faults_injected += 1;
                return Outcome::Dropped;
            }
            Some(FaultAction::Status(status)) => {
                world.counters.faults_injected += 1;
                return Outcome::Answer(fault_reply(status));
            }
            None => {}
        }
        let bucket = match world.limiter.admit(now, &caller, &route) {
            Ok(bucket) => bucket,
            Err(limited) => {
                let counter = match limited.scope {
                    Scope::User => &mut world.counters.rate_limited_user,
                    Scope::Sublimit => &mut world.counters.rate_limited_sublimit,
                    Scope::Global => &mut world.counters.rate_limited_global,
                    Scope::Shared => &mut world.counters.rate_limited_shared,
                };
                *counter += 1;
                let reply = too_many_requests(&limited, self.inner.clock.now());
                if limited.scope == Scope::Shared {
                    return Outcome::Answer(reply);
                }
                return Outcome::Answer(invalid(world, ip, now, reply));
            }
        };
        let incoming = Incoming {
            route,
            query: parts
                .uri
                .query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        };
        let mut ctx = Ctx {
            state: &mut world.state,
            counters: &mut world.counters,
            settings,
            clock: &self.inner.clock,
            ids: &self.inner.ids,
            now,
        };
        let mut reply = handlers::dispatch(&mut ctx, &incoming).unwrap_or_else(|error| error);
        match plan.after {
            Some(FaultAction::Drop) => {
                world.counters.faults_injected += 1;
                return Outcome::Dropped;
            }
            Some(FaultAction::Status(status)) => {
                world.counters.faults_injected += 1;
                reply = fault_reply(status);
            }
            None => {}
        }
        if let Some(bucket) = bucket {
            reply = with_bucket_headers(reply, &bucket, self.inner.clock.now());
        }
        if matches!(
            reply.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            reply = invalid(world, ip, now, reply);
        }
        Outcome::Answer(reply)
    }
}

/// The route a request names, or the reply for a path no route has.
fn resolve(parts: &http::request::Parts) -> Result<Route, Reply> {
    let segments = strip_version(parts.uri.path())?;
    match match_route(&parts.method, &segments) {
        Ok(route) => Ok(route),
        Err(RouteError::NotFound) => Err(reply::not_found()),
        Err(RouteError::MethodNotAllowed) => Err(reply::method_not_allowed()),
        Err(RouteError::BadSnowflake { field, value }) => {
            let mut tree = super::validation::tree::ErrorTree::new();
            tree.push(
                &[super::validation::tree::Seg::Key(field)],
                "NUMBER_TYPE_COERCE",
                format!("Value \"{value}\" is not snowflake."),
            );
            Err(tree.finish().expect_err("the tree has an error"))
        }
    }
}

/// Counts `reply` as an invalid request from `ip` and passes it through.
fn invalid(world: &mut World, ip: IpAddr, now: Instant, reply: Reply) -> Reply {
    world.counters.invalid_requests += 1;
    world.limiter.record_invalid(ip, now);
    reply
}

/// Who the request counts against, or `None` for a missing or wrong bot token.
///
/// Bot routes need `Authorization: Bot <token>`. Webhook-token routes need nothing and
/// count against the IP; if they do carry a bot token it must be right, and they then
/// count against the bot.
fn authorise(
    settings: &Settings,
    parts: &http::request::Parts,
    route: &Route,
    ip: IpAddr,
) -> Option<Caller> {
    let auth = parts
        .headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default());
    let valid = |value: &str| {
        value
            .strip_prefix("Bot ")
            .is_some_and(|token| token == settings.bot_token)
    };
    match auth {
        Some(value) if valid(value) => Some(Caller::Bot(settings.bot_token.clone())),
        None if route.kind.is_webhook_token_route() => Some(Caller::Ip(ip)),
        _ => None,
    }
}

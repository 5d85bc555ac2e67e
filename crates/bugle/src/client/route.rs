//! [`Route`]: the one definition of each endpoint the client calls.
//!
//! An operation builds its route with the endpoint's constructor; the request
//! URI, the rate-limit key, the `route` metric label and the cassette's
//! operation name ([`RouteTemplate`] on the request) all come from it, so none
//! of them parses a path back. The templates use the names cassettes hash into
//! their replay keys (`{channel_id}`, `{message_id}`, `{webhook_token}`, ...),
//! which `RequestKey::from_path` gives too: the route-agreement test below
//! holds every route to both.

use std::fmt::{self, Write as _};

use bugle_model::id::{ApplicationId, ChannelId, GuildId, MessageId, WebhookId};
use bugle_ratelimit::{
    GlobalPool, Major, Method as LimitMethod, RequestKey, TokenHash, message_age_suffix,
};
use bugle_transport::RouteTemplate;
use http::Method;
use secrecy::{ExposeSecret, SecretString};

use super::reaction::ReactionEmoji;
use crate::telemetry::OperationKind;

/// One endpoint call: method, template, major parameter, global pool and the
/// concrete path.
///
/// A webhook route holds its token only as the borrowed [`SecretString`]; the
/// token is exposed to write the URI and to hash it into the major
/// parameter, never kept in the template and never shown by `Debug`.
pub(crate) struct Route<'a> {
    method: LimitMethod,
    template: &'static str,
    major: Major,
    pool: GlobalPool,
    /// What the rate-limit template adds to `template` (the age split of a
    /// message delete), or `""`.
    bucket_suffix: &'static str,
    path: Path<'a>,
}

/// The concrete path of a route.
enum Path<'a> {
    /// A bot route such as `/channels/1/messages`, sent with
    /// `Authorization: Bot <token>`.
    Bot(String),
    /// A webhook-token route `/webhooks/{id}/{token}{rest}`, sent without an
    /// `Authorization` header (the token in the path authorises it).
    Webhook {
        id: WebhookId,
        token: &'a SecretString,
        /// The rest of the path, e.g. `/messages/1`, or empty.
        rest: String,
    },
}

impl<'a> Route<'a> {
    /// A bot route on `template`, with `major`.
    fn bot(method: LimitMethod, template: &'static str, major: Major, path: String) -> Self {
        Self {
            method,
            template,
            major,
            pool: GlobalPool::Bot,
            bucket_suffix: "",
            path: Path::Bot(path),
        }
    }

    /// A webhook-token route: unauthenticated, keyed by the webhook and a
    /// hash of its token.
    fn webhook(
        method: LimitMethod,
        template: &'static str,
        id: WebhookId,
        token: &'a SecretString,
        rest: String,
    ) -> Self {
        Self {
            method,
            template,
            major: Major::Webhook {
                id: id.get(),
                token: Some(TokenHash::of(token.expose_secret())),
            },
            pool: GlobalPool::Unauthenticated,
            bucket_suffix: "",
            path: Path::Webhook { id, token, rest },
        }
    }

    /// `POST /channels/{channel_id}/messages`.
    pub(crate) fn create_message(channel: ChannelId) -> Self {
        Self::bot(
            LimitMethod::Post,
            "/channels/{channel_id}/messages",
            Major::Channel(channel.get()),
            format!("/channels/{channel}/messages"),
        )
    }

    /// `GET /channels/{channel_id}/messages`.
    pub(crate) fn list_messages(channel: ChannelId) -> Self {
        Self::bot(
            LimitMethod::Get,
            "/channels/{channel_id}/messages",
            Major::Channel(channel.get()),
            format!("/channels/{channel}/messages"),
        )
    }

    /// `GET /channels/{channel_id}/messages/{message_id}`.
    pub(crate) fn get_message(channel: ChannelId, message: MessageId) -> Self {
        Self::message(LimitMethod::Get, channel, message)
    }

    /// `PATCH /channels/{channel_id}/messages/{message_id}`.
    pub(crate) fn edit_message(channel: ChannelId, message: MessageId) -> Self {
        Self::message(LimitMethod::Patch, channel, message)
    }

    /// `DELETE /channels/{channel_id}/messages/{message_id}`, whose
    /// rate-limit template Discord splits by the message's age
    /// ([`message_age_suffix`]).
    pub(crate) fn delete_message(channel: ChannelId, message: MessageId) -> Self {
        Self {
            bucket_suffix: message_age_suffix(message.get()),
            ..Self::message(LimitMethod::Delete, channel, message)
        }
    }

    fn message(method: LimitMethod, channel: ChannelId, message: MessageId) -> Self {
        Self::bot(
            method,
            "/channels/{channel_id}/messages/{message_id}",
            Major::Channel(channel.get()),
            format!("/channels/{channel}/messages/{message}"),
        )
    }

    /// `PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me`.
    pub(crate) fn add_reaction(
        channel: ChannelId,
        message: MessageId,
        emoji: &ReactionEmoji,
    ) -> Self {
        Self::bot(
            LimitMethod::Put,
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            Major::Channel(channel.get()),
            format!(
                "/channels/{channel}/messages/{message}/reactions/{}/@me",
                emoji.path_segment()
            ),
        )
    }

    /// `POST /channels/{channel_id}/threads` (a thread without a message, or
    /// a forum post).
    pub(crate) fn create_thread(channel: ChannelId) -> Self {
        Self::bot(
            LimitMethod::Post,
            "/channels/{channel_id}/threads",
            Major::Channel(channel.get()),
            format!("/channels/{channel}/threads"),
        )
    }

    /// `POST /channels/{channel_id}/messages/{message_id}/threads`.
    pub(crate) fn create_thread_from_message(channel: ChannelId, message: MessageId) -> Self {
        Self::bot(
            LimitMethod::Post,
            "/channels/{channel_id}/messages/{message_id}/threads",
            Major::Channel(channel.get()),
            format!("/channels/{channel}/messages/{message}/threads"),
        )
    }

    /// `GET /channels/{channel_id}`.
    pub(crate) fn get_channel(channel: ChannelId) -> Self {
        Self::bot(
            LimitMethod::Get,
            "/channels/{channel_id}",
            Major::Channel(channel.get()),
            format!("/channels/{channel}"),
        )
    }

    /// `GET /users/@me`.
    pub(crate) fn current_user() -> Self {
        Self::bot(
            LimitMethod::Get,
            "/users/@me",
            Major::None,
            "/users/@me".to_owned(),
        )
    }

    /// `POST /users/@me/channels` (open a DM channel).
    pub(crate) fn create_dm() -> Self {
        Self::bot(
            LimitMethod::Post,
            "/users/@me/channels",
            Major::None,
            "/users/@me/channels".to_owned(),
        )
    }

    /// `GET /gateway/bot`.
    pub(crate) fn gateway_bot() -> Self {
        Self::bot(
            LimitMethod::Get,
            "/gateway/bot",
            Major::None,
            "/gateway/bot".to_owned(),
        )
    }

    /// `POST /webhooks/{webhook_id}/{webhook_token}`.
    pub(crate) fn execute_webhook(id: WebhookId, token: &'a SecretString) -> Self {
        Self::webhook(
            LimitMethod::Post,
            "/webhooks/{webhook_id}/{webhook_token}",
            id,
            token,
            String::new(),
        )
    }

    /// `GET /webhooks/{webhook_id}/{webhook_token}`.
    pub(crate) fn get_webhook(id: WebhookId, token: &'a SecretString) -> Self {
        Self::webhook(
            LimitMethod::Get,
            "/webhooks/{webhook_id}/{webhook_token}",
            id,
            token,
            String::new(),
        )
    }

    /// `PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}`.
    pub(crate) fn edit_webhook_message(
        id: WebhookId,
        token: &'a SecretString,
        message: MessageId,
    ) -> Self {
        Self::webhook_message(LimitMethod::Patch, id, token, message)
    }

    /// `DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}`.
    pub(crate) fn delete_webhook_message(
        id: WebhookId,
        token: &'a SecretString,
        message: MessageId,
    ) -> Self {
        Self::webhook_message(LimitMethod::Delete, id, token, message)
    }

    fn webhook_message(
        method: LimitMethod,
        id: WebhookId,
        token: &'a SecretString,
        message: MessageId,
    ) -> Self {
        Self::webhook(
            method,
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            id,
            token,
            format!("/messages/{message}"),
        )
    }

    /// A route on an interaction's webhook,
    /// `/webhooks/{application_id}/{interaction_token}{rest}`: shaped like a
    /// webhook-token route (same templates, so the limiter learns buckets
    /// and cassettes name operations alike), but in the exempt pool, since
    /// interaction followups are not bound to the global limit.
    fn interaction(
        method: LimitMethod,
        template: &'static str,
        application: ApplicationId,
        token: &'a SecretString,
        rest: String,
    ) -> Self {
        Self {
            pool: GlobalPool::Exempt,
            ..Self::webhook(
                method,
                template,
                WebhookId::new(application.get()),
                token,
                rest,
            )
        }
    }

    /// `POST /webhooks/{application_id}/{interaction_token}` (a followup).
    pub(crate) fn create_followup(application: ApplicationId, token: &'a SecretString) -> Self {
        Self::interaction(
            LimitMethod::Post,
            "/webhooks/{webhook_id}/{webhook_token}",
            application,
            token,
            String::new(),
        )
    }

    /// `PATCH|DELETE /webhooks/{application_id}/{interaction_token}/messages/@original`
    /// when `message` is `None`, else `…/messages/{message_id}` (a followup).
    pub(crate) fn interaction_message(
        method: LimitMethod,
        application: ApplicationId,
        token: &'a SecretString,
        message: Option<MessageId>,
    ) -> Self {
        match message {
            None => Self::interaction(
                method,
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                application,
                token,
                "/messages/@original".to_owned(),
            ),
            Some(message) => Self::interaction(
                method,
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                application,
                token,
                format!("/messages/{message}"),
            ),
        }
    }

    /// `GET /applications/{application_id}/commands`.
    pub(crate) fn list_global_commands(application: ApplicationId) -> Self {
        Self {
            method: LimitMethod::Get,
            ..Self::overwrite_global_commands(application)
        }
    }

    /// `GET /applications/{application_id}/guilds/{guild_id}/commands`.
    pub(crate) fn list_guild_commands(application: ApplicationId, guild: GuildId) -> Self {
        Self {
            method: LimitMethod::Get,
            ..Self::overwrite_guild_commands(application, guild)
        }
    }

    /// `PUT /applications/{application_id}/commands` (bulk overwrite of the
    /// global commands).
    pub(crate) fn overwrite_global_commands(application: ApplicationId) -> Self {
        Self::bot(
            LimitMethod::Put,
            "/applications/{application_id}/commands",
            Major::None,
            format!("/applications/{application}/commands"),
        )
    }

    /// `PUT /applications/{application_id}/guilds/{guild_id}/commands`.
    pub(crate) fn overwrite_guild_commands(application: ApplicationId, guild: GuildId) -> Self {
        Self::bot(
            LimitMethod::Put,
            "/applications/{application_id}/guilds/{guild_id}/commands",
            Major::None,
            format!("/applications/{application}/guilds/{guild}/commands"),
        )
    }

    /// The rate limiter's method.
    #[cfg(test)]
    pub(crate) fn limit_method(&self) -> LimitMethod {
        self.method
    }

    /// The kind of operation `operation` is on this route: what its metrics are
    /// labelled with.
    pub(crate) fn operation_kind(&self, operation: &'static str) -> OperationKind {
        OperationKind {
            operation,
            method: self.method,
            template: self.template,
            suffix: self.bucket_suffix,
        }
    }

    /// The HTTP method.
    pub(crate) fn method(&self) -> Method {
        match self.method {
            LimitMethod::Get => Method::GET,
            LimitMethod::Put => Method::PUT,
            LimitMethod::Patch => Method::PATCH,
            LimitMethod::Delete => Method::DELETE,
            // `Post`, and any method the limiter adds later (no route uses one).
            _ => Method::POST,
        }
    }

    /// The template, e.g. `/channels/{channel_id}/messages/{message_id}`:
    /// what the cassette names the request by.
    pub(crate) fn template(&self) -> RouteTemplate {
        RouteTemplate::new(self.template)
    }

    /// The rate-limit key: the template (with a message delete's age
    /// suffix), the major parameter and the global pool.
    pub(crate) fn rate_limit_key(&self) -> RequestKey {
        let key = if self.bucket_suffix.is_empty() {
            RequestKey::new(self.method, self.template, self.major)
        } else {
            RequestKey::new(
                self.method,
                format!("{}{}", self.template, self.bucket_suffix),
                self.major,
            )
        };
        key.with_pool(self.pool)
    }

    /// Whether the request is sent with the bot's `Authorization` (webhook
    /// routes are authorised by the token in their path).
    pub(crate) fn needs_bot_token(&self) -> bool {
        matches!(self.path, Path::Bot(_))
    }

    /// Writes the concrete path after `uri`. For a webhook route this is the
    /// one place its token is exposed.
    pub(crate) fn write_path(&self, uri: &mut String) {
        match &self.path {
            Path::Bot(path) => uri.push_str(path),
            Path::Webhook { id, token, rest } => {
                let _ = write!(uri, "/webhooks/{id}/");
                uri.push_str(token.expose_secret());
                uri.push_str(rest);
            }
        }
    }

    /// The length of the concrete path, to size the URI.
    pub(crate) fn path_len(&self) -> usize {
        match &self.path {
            Path::Bot(path) => path.len(),
            Path::Webhook { token, rest, .. } => {
                "/webhooks//".len() + 20 + token.expose_secret().len() + rest.len()
            }
        }
    }
}

/// The method and template, and the major parameter (a webhook token only
/// as its hash); never the concrete path.
impl fmt::Debug for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("template", &self.template)
            .field("major", &self.major)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANNEL: ChannelId = ChannelId::new(1_100_000_000_000_000_001);
    const MESSAGE: MessageId = MessageId::new(1_200_000_000_000_000_002);
    const WEBHOOK: WebhookId = WebhookId::new(1_300_000_000_000_000_003);
    const APPLICATION: ApplicationId = ApplicationId::new(1_400_000_000_000_000_004);
    const GUILD: GuildId = GuildId::new(1_500_000_000_000_000_005);

    fn token() -> SecretString {
        SecretString::from("aSecretWebhookToken_0123456789-xyz")
    }

    /// Every route the client builds, one per constructor.
    fn every_route(token: &SecretString) -> Vec<Route<'_>> {
        vec![
            Route::create_message(CHANNEL),
            Route::list_messages(CHANNEL),
            Route::get_message(CHANNEL, MESSAGE),
            Route::edit_message(CHANNEL, MESSAGE),
            Route::delete_message(CHANNEL, MESSAGE),
            Route::add_reaction(CHANNEL, MESSAGE, &ReactionEmoji::from("✅")),
            Route::add_reaction(CHANNEL, MESSAGE, &ReactionEmoji::from("shipit:123456")),
            Route::create_thread(CHANNEL),
            Route::create_thread_from_message(CHANNEL, MESSAGE),
            Route::get_channel(CHANNEL),
            Route::current_user(),
            Route::create_dm(),
            Route::gateway_bot(),
            Route::execute_webhook(WEBHOOK, token),
            Route::edit_webhook_message(WEBHOOK, token, MESSAGE),
            Route::delete_webhook_message(WEBHOOK, token, MESSAGE),
            Route::overwrite_global_commands(APPLICATION),
            Route::overwrite_guild_commands(APPLICATION, GUILD),
            Route::list_global_commands(APPLICATION),
            Route::list_guild_commands(APPLICATION, GUILD),
        ]
    }

    /// The interaction-webhook routes: shaped as webhook routes, in the exempt pool.
    fn interaction_routes(token: &SecretString) -> Vec<Route<'_>> {
        vec![
            Route::create_followup(APPLICATION, token),
            Route::interaction_message(LimitMethod::Patch, APPLICATION, token, None),
            Route::interaction_message(LimitMethod::Delete, APPLICATION, token, None),
            Route::interaction_message(LimitMethod::Patch, APPLICATION, token, Some(MESSAGE)),
            Route::interaction_message(LimitMethod::Delete, APPLICATION, token, Some(MESSAGE)),
        ]
    }

    #[test]
    fn interaction_routes_are_exempt_and_otherwise_agree_with_from_path() {
        let token = token();
        for route in interaction_routes(&token) {
            let path = path(&route);
            let parsed = RequestKey::from_path(route.limit_method(), &path);
            let key = route.rate_limit_key();
            assert_eq!(parsed.route(), key.route(), "{route:?}");
            assert_eq!(parsed.major(), key.major(), "{route:?}");
            // from_path cannot tell an interaction token from a webhook token.
            assert_eq!(parsed.pool(), GlobalPool::Unauthenticated, "{route:?}");
            assert_eq!(key.pool(), GlobalPool::Exempt, "{route:?}");
            assert!(!route.needs_bot_token());
            assert!(path.len() <= route.path_len(), "{route:?}");
            assert!(!format!("{route:?}").contains(token.expose_secret()));
        }
    }

    #[cfg(feature = "sim")]
    #[test]
    fn the_cassette_names_interaction_routes_by_their_template() {
        let token = token();
        for route in interaction_routes(&token) {
            let path = format!("/api/v10{}", path(&route));
            assert_eq!(
                bugle_sim::cassette::route_template(&path),
                route.template().as_str(),
                "{route:?}"
            );
        }
    }

    fn path(route: &Route<'_>) -> String {
        let mut path = String::new();
        route.write_path(&mut path);
        path
    }

    #[test]
    fn from_path_agrees_with_every_route() {
        let token = token();
        for route in every_route(&token) {
            let path = path(&route);
            let parsed = RequestKey::from_path(route.limit_method(), &path);
            let key = route.rate_limit_key();
            assert_eq!(parsed.route(), key.route(), "{route:?}");
            assert_eq!(parsed.major(), key.major(), "{route:?}");
            assert_eq!(parsed.pool(), key.pool(), "{route:?}");
            assert_eq!(parsed.method(), key.method(), "{route:?}");
            // With the API prefix and a query, as a transport sees it.
            let prefixed =
                RequestKey::from_path(route.limit_method(), &format!("/api/v10{path}?wait=true"));
            assert_eq!(prefixed.route(), key.route(), "{route:?}");
            assert_eq!(prefixed.major(), key.major(), "{route:?}");
        }
    }

    #[cfg(feature = "sim")]
    #[test]
    fn the_cassette_names_every_route_by_its_template() {
        let token = token();
        for route in every_route(&token) {
            let path = format!("/api/v10{}", path(&route));
            assert_eq!(
                bugle_sim::cassette::route_template(&path),
                route.template().as_str(),
                "{route:?}"
            );
        }
    }

    #[test]
    fn the_size_hint_covers_the_path() {
        let token = token();
        for route in every_route(&token) {
            assert!(path(&route).len() <= route.path_len(), "{route:?}");
        }
    }

    #[test]
    fn no_template_or_debug_holds_a_token_or_an_id() {
        let token = token();
        for route in every_route(&token) {
            let shown = format!("{route:?} {}", route.rate_limit_key().route());
            assert!(!shown.contains(token.expose_secret()), "{shown}");
            for id in [CHANNEL.get(), MESSAGE.get(), WEBHOOK.get()] {
                assert!(!route.template().as_str().contains(&id.to_string()));
            }
        }
    }

    #[test]
    fn a_message_delete_is_limited_by_the_message_age() {
        // A message made long ago: older than 14 days.
        let route = Route::delete_message(CHANNEL, MessageId::new(1 << 22));
        assert_eq!(
            route.rate_limit_key().route(),
            "/channels/{channel_id}/messages/{message_id}#older-than-14d"
        );
        assert_eq!(
            route.template().as_str(),
            "/channels/{channel_id}/messages/{message_id}"
        );
    }
}

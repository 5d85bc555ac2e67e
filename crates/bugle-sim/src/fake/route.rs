//! Which operation a request names: method + path → [`RouteKind`] and its parameters.

use http::Method;

/// The operations `FakeDiscord` answers, one per route template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RouteKind {
    /// `POST /channels/{channel.id}/messages`
    CreateMessage,
    /// `GET /channels/{channel.id}/messages` (`before`, `after`, `around`, `limit`)
    ListMessages,
    /// `GET /channels/{channel.id}/messages/{message.id}`
    GetMessage,
    /// `PATCH /channels/{channel.id}/messages/{message.id}`
    EditMessage,
    /// `DELETE /channels/{channel.id}/messages/{message.id}`
    DeleteMessage,
    /// `PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me`
    AddReaction,
    /// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me`
    RemoveOwnReaction,
    /// `POST /channels/{channel.id}/messages/{message.id}/threads`
    CreateThreadFromMessage,
    /// `POST /channels/{channel.id}/threads` (a thread without a message, or a forum post)
    CreateThread,
    /// `POST /users/@me/channels`
    CreateDm,
    /// `POST /webhooks/{webhook.id}/{webhook.token}`
    ExecuteWebhook,
    /// `GET /webhooks/{webhook.id}/{webhook.token}` (the webhook, without its token)
    GetWebhook,
    /// `GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
    GetWebhookMessage,
    /// `PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
    EditWebhookMessage,
    /// `DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
    DeleteWebhookMessage,
    /// `GET /channels/{channel.id}`
    GetChannel,
    /// `GET /users/@me` (the bot user)
    GetCurrentUser,
    /// `GET /gateway/bot`
    GetGatewayBot,
    /// `POST /webhooks/{application.id}/{interaction.token}` (a followup)
    CreateFollowup,
    /// `GET /webhooks/{application.id}/{interaction.token}/messages/@original`
    GetOriginalResponse,
    /// `PATCH /webhooks/{application.id}/{interaction.token}/messages/@original`
    EditOriginalResponse,
    /// `DELETE /webhooks/{application.id}/{interaction.token}/messages/@original`
    DeleteOriginalResponse,
    /// `PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}`
    EditFollowup,
    /// `DELETE /webhooks/{application.id}/{interaction.token}/messages/{message.id}`
    DeleteFollowup,
    /// `PUT /applications/{application.id}/commands`
    OverwriteGlobalCommands,
    /// `GET /applications/{application.id}/commands`
    ListGlobalCommands,
    /// `PUT /applications/{application.id}/guilds/{guild.id}/commands`
    OverwriteGuildCommands,
    /// `GET /applications/{application.id}/guilds/{guild.id}/commands`
    ListGuildCommands,
}

impl RouteKind {
    /// Every operation, in declaration order.
    pub const ALL: [RouteKind; 28] = [
        Self::CreateMessage,
        Self::ListMessages,
        Self::GetMessage,
        Self::EditMessage,
        Self::DeleteMessage,
        Self::AddReaction,
        Self::RemoveOwnReaction,
        Self::CreateThreadFromMessage,
        Self::CreateThread,
        Self::CreateDm,
        Self::ExecuteWebhook,
        Self::GetWebhook,
        Self::GetWebhookMessage,
        Self::EditWebhookMessage,
        Self::DeleteWebhookMessage,
        Self::GetChannel,
        Self::GetCurrentUser,
        Self::GetGatewayBot,
        Self::CreateFollowup,
        Self::GetOriginalResponse,
        Self::EditOriginalResponse,
        Self::DeleteOriginalResponse,
        Self::EditFollowup,
        Self::DeleteFollowup,
        Self::OverwriteGlobalCommands,
        Self::ListGlobalCommands,
        Self::OverwriteGuildCommands,
        Self::ListGuildCommands,
    ];

    /// The method and route template, e.g. `POST /channels/{channel.id}/messages`.
    pub fn template(self) -> &'static str {
        match self {
            Self::CreateMessage => "POST /channels/{channel.id}/messages",
            Self::ListMessages => "GET /channels/{channel.id}/messages",
            Self::GetMessage => "GET /channels/{channel.id}/messages/{message.id}",
            Self::EditMessage => "PATCH /channels/{channel.id}/messages/{message.id}",
            Self::DeleteMessage => "DELETE /channels/{channel.id}/messages/{message.id}",
            Self::AddReaction => {
                "PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me"
            }
            Self::RemoveOwnReaction => {
                "DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me"
            }
            Self::CreateThreadFromMessage => {
                "POST /channels/{channel.id}/messages/{message.id}/threads"
            }
            Self::CreateThread => "POST /channels/{channel.id}/threads",
            Self::CreateDm => "POST /users/@me/channels",
            Self::ExecuteWebhook => "POST /webhooks/{webhook.id}/{webhook.token}",
            Self::GetWebhook => "GET /webhooks/{webhook.id}/{webhook.token}",
            Self::GetWebhookMessage => {
                "GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}"
            }
            Self::EditWebhookMessage => {
                "PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}"
            }
            Self::DeleteWebhookMessage => {
                "DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}"
            }
            Self::GetChannel => "GET /channels/{channel.id}",
            Self::GetCurrentUser => "GET /users/@me",
            Self::GetGatewayBot => "GET /gateway/bot",
            Self::CreateFollowup => "POST /webhooks/{application.id}/{interaction.token}",
            Self::GetOriginalResponse => {
                "GET /webhooks/{application.id}/{interaction.token}/messages/@original"
            }
            Self::EditOriginalResponse => {
                "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original"
            }
            Self::DeleteOriginalResponse => {
                "DELETE /webhooks/{application.id}/{interaction.token}/messages/@original"
            }
            Self::EditFollowup => {
                "PATCH /webhooks/{application.id}/{interaction.token}/messages/{message.id}"
            }
            Self::DeleteFollowup => {
                "DELETE /webhooks/{application.id}/{interaction.token}/messages/{message.id}"
            }
            Self::OverwriteGlobalCommands => "PUT /applications/{application.id}/commands",
            Self::ListGlobalCommands => "GET /applications/{application.id}/commands",
            Self::OverwriteGuildCommands => {
                "PUT /applications/{application.id}/guilds/{guild.id}/commands"
            }
            Self::ListGuildCommands => {
                "GET /applications/{application.id}/guilds/{guild.id}/commands"
            }
        }
    }

    /// Whether the route is an interaction webhook's: authorised by the interaction
    /// token and exempt from the global rate limit.
    pub fn is_interaction_route(self) -> bool {
        matches!(
            self,
            Self::CreateFollowup
                | Self::GetOriginalResponse
                | Self::EditOriginalResponse
                | Self::DeleteOriginalResponse
                | Self::EditFollowup
                | Self::DeleteFollowup
        )
    }

    /// Whether the route is authorised by a webhook token in the path rather than a bot token.
    pub fn is_webhook_token_route(self) -> bool {
        matches!(
            self,
            Self::ExecuteWebhook
                | Self::GetWebhook
                | Self::GetWebhookMessage
                | Self::EditWebhookMessage
                | Self::DeleteWebhookMessage
        ) || self.is_interaction_route()
    }

    /// The interaction-webhook route of the same shape as this webhook route, for a
    /// path whose id is the application's.
    pub(crate) fn as_interaction_route(self) -> Self {
        match self {
            Self::ExecuteWebhook => Self::CreateFollowup,
            Self::EditWebhookMessage => Self::EditFollowup,
            Self::DeleteWebhookMessage => Self::DeleteFollowup,
            other => other,
        }
    }
}

/// A matched request path: the operation and the parameters in its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) kind: RouteKind,
    pub(crate) channel_id: Option<u64>,
    pub(crate) message_id: Option<u64>,
    pub(crate) webhook_id: Option<u64>,
    pub(crate) webhook_token: Option<String>,
    /// The emoji path segment exactly as sent (still percent-encoded).
    pub(crate) emoji: Option<String>,
    /// The application of a command route.
    pub(crate) application_id: Option<u64>,
    /// The guild of a guild-command route.
    pub(crate) guild_id: Option<u64>,
}

impl Route {
    fn new(kind: RouteKind) -> Self {
        Self {
            kind,
            channel_id: None,
            message_id: None,
            webhook_id: None,
            webhook_token: None,
            emoji: None,
            application_id: None,
            guild_id: None,
        }
    }

    /// The major parameter as Discord buckets it: the channel, or the webhook id and token.
    pub(crate) fn major_parameter(&self) -> String {
        match (self.channel_id, self.webhook_id, &self.webhook_token) {
            (Some(channel), _, _) => format!("channel:{channel}"),
            (None, Some(id), Some(token)) => format!("webhook:{id}:{token}"),
            _ => String::new(),
        }
    }
}

/// Why a path matched no route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RouteError {
    /// No route has this shape.
    NotFound,
    /// The path exists but not for this method.
    MethodNotAllowed,
    /// A path segment that must be a snowflake is not one.
    BadSnowflake {
        /// The parameter's name, e.g. `channel_id`.
        field: &'static str,
        /// What was sent.
        value: String,
    },
}

fn snowflake(field: &'static str, segment: &str) -> Result<u64, RouteError> {
    let ok = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    segment
        .parse::<u64>()
        .ok()
        .filter(|_| ok)
        .ok_or_else(|| RouteError::BadSnowflake {
            field,
            value: segment.to_owned(),
        })
}

/// Matches a versionless path (`/channels/1/messages`) split into segments.
pub(crate) fn match_route(method: &Method, segments: &[&str]) -> Result<Route, RouteError> {
    match segments {
        ["channels", channel, rest @ ..] => match_channel(method, channel, rest),
        ["users", "@me", "channels"] => {
            one_method(method, &Method::POST, Route::new(RouteKind::CreateDm))
        }
        ["users", "@me"] => one_method(method, &Method::GET, Route::new(RouteKind::GetCurrentUser)),
        ["gateway", "bot"] => {
            one_method(method, &Method::GET, Route::new(RouteKind::GetGatewayBot))
        }
        ["webhooks", id, token, rest @ ..] => match_webhook(method, id, token, rest),
        ["applications", app, rest @ ..] => match_application(method, app, rest),
        _ => Err(RouteError::NotFound),
    }
}

fn one_method(method: &Method, expected: &Method, route: Route) -> Result<Route, RouteError> {
    if method == expected {
        Ok(route)
    } else {
        Err(RouteError::MethodNotAllowed)
    }
}

fn match_channel(method: &Method, channel: &str, rest: &[&str]) -> Result<Route, RouteError> {
    let with_channel = |kind, message: Option<&str>| -> Result<Route, RouteError> {
        let mut route = Route::new(kind);
        route.channel_id = Some(snowflake("channel_id", channel)?);
        if let Some(message) = message {
            route.message_id = Some(snowflake("message_id", message)?);
        }
        Ok(route)
    };
    let kind = match rest {
        [] if method == Method::GET => RouteKind::GetChannel,
        ["messages"] if method == Method::POST => RouteKind::CreateMessage,
        ["messages"] if method == Method::GET => RouteKind::ListMessages,
        ["threads"] if method == Method::POST => RouteKind::CreateThread,
        [] | ["messages" | "threads"] => return Err(RouteError::MethodNotAllowed),
        ["messages", message] => {
            let kind = match *method {
                Method::GET => RouteKind::GetMessage,
                Method::PATCH => RouteKind::EditMessage,
                Method::DELETE => RouteKind::DeleteMessage,
                _ => return Err(RouteError::MethodNotAllowed),
            };
            return with_channel(kind, Some(message));
        }
        ["messages", message, "threads"] => {
            let route = with_channel(RouteKind::CreateThreadFromMessage, Some(message))?;
            return one_method(method, &Method::POST, route);
        }
        ["messages", message, "reactions", emoji, "@me"] => {
            let kind = match *method {
                Method::PUT => RouteKind::AddReaction,
                Method::DELETE => RouteKind::RemoveOwnReaction,
                _ => return Err(RouteError::MethodNotAllowed),
            };
            let mut route = with_channel(kind, Some(message))?;
            route.emoji = Some((*emoji).to_owned());
            return Ok(route);
        }
        _ => return Err(RouteError::NotFound),
    };
    with_channel(kind, None)
}

fn match_webhook(
    method: &Method,
    id: &str,
    token: &str,
    rest: &[&str],
) -> Result<Route, RouteError> {
    let kind = match rest {
        [] if method == Method::POST => RouteKind::ExecuteWebhook,
        [] if method == Method::GET => RouteKind::GetWebhook,
        [] => return Err(RouteError::MethodNotAllowed),
        ["messages", "@original"] => match *method {
            Method::GET => RouteKind::GetOriginalResponse,
            Method::PATCH => RouteKind::EditOriginalResponse,
            Method::DELETE => RouteKind::DeleteOriginalResponse,
            _ => return Err(RouteError::MethodNotAllowed),
        },
        ["messages", _] => match *method {
            Method::GET => RouteKind::GetWebhookMessage,
            Method::PATCH => RouteKind::EditWebhookMessage,
            Method::DELETE => RouteKind::DeleteWebhookMessage,
            _ => return Err(RouteError::MethodNotAllowed),
        },
        _ => return Err(RouteError::NotFound),
    };
    let mut route = Route::new(kind);
    route.webhook_id = Some(snowflake("webhook_id", id)?);
    route.webhook_token = Some(token.to_owned());
    if let (["messages", message], false) = (rest, kind.is_interaction_route()) {
        route.message_id = Some(snowflake("message_id", message)?);
    }
    Ok(route)
}

fn match_application(method: &Method, app: &str, rest: &[&str]) -> Result<Route, RouteError> {
    let (kind, guild) = match (rest, method) {
        (["commands"], &Method::PUT) => (RouteKind::OverwriteGlobalCommands, None),
        (["commands"], &Method::GET) => (RouteKind::ListGlobalCommands, None),
        (["guilds", guild, "commands"], &Method::PUT) => {
            (RouteKind::OverwriteGuildCommands, Some(*guild))
        }
        (["guilds", guild, "commands"], &Method::GET) => {
            (RouteKind::ListGuildCommands, Some(*guild))
        }
        (["commands"] | ["guilds", _, "commands"], _) => return Err(RouteError::MethodNotAllowed),
        _ => return Err(RouteError::NotFound),
    };
    let mut route = Route::new(kind);
    route.application_id = Some(snowflake("application_id", app)?);
    if let Some(guild) = guild {
        route.guild_id = Some(snowflake("guild_id", guild)?);
    }
    Ok(route)
}

/// The path with any webhook token replaced, safe to log.
pub(crate) fn redact_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut previous: [&str; 2] = ["", ""];
    for segment in path.split('/') {
        let token_position = previous[0] == "webhooks" && !previous[1].is_empty();
        out.push(if token_position {
            "[redacted]"
        } else {
            segment
        });
        previous = [previous[1], segment];
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<&str> {
        path.trim_matches('/').split('/').collect()
    }

    #[test]
    fn matches_reaction_route_with_raw_emoji() {
        let route = match_route(
            &Method::PUT,
            &segs("/channels/1/messages/2/reactions/%F0%9F%94%A5/@me"),
        )
        .unwrap();
        assert_eq!(route.kind, RouteKind::AddReaction);
        assert_eq!(route.channel_id, Some(1));
        assert_eq!(route.message_id, Some(2));
        assert_eq!(route.emoji.as_deref(), Some("%F0%9F%94%A5"));
    }

    #[test]
    fn wrong_method_is_405_and_unknown_path_404() {
        assert_eq!(
            match_route(&Method::PUT, &segs("/channels/1/messages")),
            Err(RouteError::MethodNotAllowed)
        );
        assert_eq!(
            match_route(&Method::POST, &segs("/users/@me")),
            Err(RouteError::MethodNotAllowed)
        );
        assert_eq!(
            match_route(&Method::DELETE, &segs("/channels/1")),
            Err(RouteError::MethodNotAllowed)
        );
        assert_eq!(
            match_route(&Method::GET, &segs("/guilds/1")),
            Err(RouteError::NotFound)
        );
    }

    #[test]
    fn reads_match_their_routes() {
        let cases = [
            ("/users/@me", RouteKind::GetCurrentUser, None),
            ("/gateway/bot", RouteKind::GetGatewayBot, None),
            ("/channels/7", RouteKind::GetChannel, Some(7)),
            ("/channels/7/messages", RouteKind::ListMessages, Some(7)),
            ("/channels/7/messages/8", RouteKind::GetMessage, Some(7)),
        ];
        for (path, kind, channel) in cases {
            let route = match_route(&Method::GET, &segs(path)).unwrap();
            assert_eq!(route.kind, kind, "{path}");
            assert_eq!(route.channel_id, channel, "{path}");
            assert_eq!(
                route.major_parameter(),
                channel.map(|c| format!("channel:{c}")).unwrap_or_default(),
                "{path}"
            );
        }
        assert!(matches!(
            match_route(&Method::GET, &segs("/channels/x")),
            Err(RouteError::BadSnowflake {
                field: "channel_id",
                ..
            })
        ));
    }

    #[test]
    fn non_numeric_id_is_a_bad_snowflake() {
        assert!(matches!(
            match_route(&Method::POST, &segs("/channels/abc/messages")),
            Err(RouteError::BadSnowflake {
                field: "channel_id",
                ..
            })
        ));
    }

    #[test]
    fn webhook_token_is_redacted() {
        assert_eq!(
            redact_path("/api/v10/webhooks/12/s3cret/messages/5"),
            "/api/v10/webhooks/12/[redacted]/messages/5"
        );
        assert_eq!(
            redact_path("/api/v10/channels/1/messages"),
            "/api/v10/channels/1/messages"
        );
    }
}

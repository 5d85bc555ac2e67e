//! Building a `FakeDiscord`: token, seed, pre-created guilds, channels, webhooks and users,
//! rate limits and faults.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use time::OffsetDateTime;

use crate::fake::faults::FaultConfig;
use crate::fake::ratelimit::FakeRateLimits;
use crate::fake::state::kind;

/// The bot token a `FakeDiscord` accepts unless [`FakeDiscordBuilder::bot_token`] sets one.
pub const DEFAULT_BOT_TOKEN: &str = "fake-bot-token";

/// A channel to create before the first request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ChannelSeed {
    pub(crate) id: u64,
    pub(crate) kind: u8,
    pub(crate) guild: Option<u64>,
    pub(crate) name: Option<String>,
    pub(crate) tags: Vec<(u64, String)>,
    pub(crate) require_tag: bool,
}

impl ChannelSeed {
    fn new(id: u64, kind: u8) -> Self {
        Self {
            id,
            kind,
            guild: None,
            name: None,
            tags: Vec::new(),
            require_tag: false,
        }
    }

    /// A guild text channel (type 0).
    pub fn text(id: u64) -> Self {
        Self::new(id, kind::TEXT)
    }

    /// A guild announcement channel (type 5).
    pub fn announcement(id: u64) -> Self {
        Self::new(id, kind::ANNOUNCEMENT)
    }

    /// A forum channel (type 15).
    pub fn forum(id: u64) -> Self {
        Self::new(id, kind::FORUM)
    }

    /// A media channel (type 16).
    pub fn media(id: u64) -> Self {
        Self::new(id, kind::MEDIA)
    }

    /// The channel's name (default `channel-<id>`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The guild it belongs to (default: the builder's first guild).
    pub fn guild(mut self, guild_id: u64) -> Self {
        self.guild = Some(guild_id);
        self
    }

    /// A tag forum posts may apply.
    pub fn tag(mut self, id: u64, name: impl Into<String>) -> Self {
        self.tags.push((id, name.into()));
        self
    }

    /// Posts must apply a tag (channel flag `REQUIRE_TAG`; error 40067 otherwise).
    pub fn require_tag(mut self) -> Self {
        self.require_tag = true;
        self
    }
}

/// A webhook to create before the first request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct WebhookSeed {
    pub(crate) channel_id: u64,
    pub(crate) id: u64,
    pub(crate) token: String,
    pub(crate) name: String,
    pub(crate) application_id: Option<u64>,
}

impl WebhookSeed {
    /// An incoming webhook `id` with `token` posting to `channel_id`.
    pub fn new(channel_id: u64, id: u64, token: impl Into<String>) -> Self {
        Self {
            channel_id,
            id,
            token: token.into(),
            name: "Captain Hook".to_owned(),
            application_id: None,
        }
    }

    /// The webhook's default name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Owned by application `application_id` (components are then always sent, without
    /// `with_components`).
    pub fn application_owned(mut self, application_id: u64) -> Self {
        self.application_id = Some(application_id);
        self
    }
}

/// Builds a [`FakeDiscord`](crate::fake::FakeDiscord).
#[derive(Debug, Clone)]
#[must_use]
pub struct FakeDiscordBuilder {
    pub(crate) bot_token: String,
    pub(crate) bot_user: Option<(u64, String)>,
    pub(crate) seed: u64,
    pub(crate) start: Option<OffsetDateTime>,
    pub(crate) guilds: Vec<u64>,
    pub(crate) channels: Vec<ChannelSeed>,
    pub(crate) webhooks: Vec<WebhookSeed>,
    pub(crate) users: Vec<(u64, String)>,
    pub(crate) auto_create: bool,
    pub(crate) rate_limits: FakeRateLimits,
    pub(crate) faults: FaultConfig,
    pub(crate) nonce_window: Duration,
    pub(crate) client_ip: IpAddr,
    pub(crate) application_id: Option<u64>,
    pub(crate) interactions_channel: Option<u64>,
    pub(crate) member_roles: Vec<(u64, Vec<u64>)>,
}

impl Default for FakeDiscordBuilder {
    fn default() -> Self {
        Self {
            bot_token: DEFAULT_BOT_TOKEN.to_owned(),
            bot_user: None,
            seed: 0,
            start: None,
            guilds: Vec::new(),
            channels: Vec::new(),
            webhooks: Vec::new(),
            users: Vec::new(),
            auto_create: false,
            rate_limits: FakeRateLimits::discord_defaults(),
            faults: FaultConfig::none(),
            nonce_window: Duration::from_secs(5 * 60),
            client_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            application_id: None,
            interactions_channel: None,
            member_roles: Vec::new(),
        }
    }
}

impl FakeDiscordBuilder {
    /// The bot token requests must carry as `Authorization: Bot <token>`
    /// (default [`DEFAULT_BOT_TOKEN`]).
    pub fn bot_token(mut self, token: impl Into<String>) -> Self {
        self.bot_token = token.into();
        self
    }

    /// The bot's own user id and name (default: an id from the seed, `bugle-fake-bot`).
    pub fn bot_user(mut self, id: u64, username: impl Into<String>) -> Self {
        self.bot_user = Some((id, username.into()));
        self
    }

    /// The seed for generated ids and injected faults.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The simulated wall-clock time at creation (default: the real time, read once).
    pub fn start_time(mut self, start: OffsetDateTime) -> Self {
        self.start = Some(start);
        self
    }

    /// A guild; channels without an explicit guild join the first one declared.
    pub fn guild(mut self, guild_id: u64) -> Self {
        self.guilds.push(guild_id);
        self
    }

    /// A text channel.
    pub fn text_channel(self, id: u64) -> Self {
        self.channel(ChannelSeed::text(id))
    }

    /// An announcement channel.
    pub fn announcement_channel(self, id: u64) -> Self {
        self.channel(ChannelSeed::announcement(id))
    }

    /// A forum channel.
    pub fn forum_channel(self, id: u64) -> Self {
        self.channel(ChannelSeed::forum(id))
    }

    /// A media channel.
    pub fn media_channel(self, id: u64) -> Self {
        self.channel(ChannelSeed::media(id))
    }

    /// A channel described in full.
    pub fn channel(mut self, seed: ChannelSeed) -> Self {
        self.channels.push(seed);
        self
    }

    /// A webhook `id` with `token` posting to `channel_id`.
    pub fn webhook(self, channel_id: u64, id: u64, token: impl Into<String>) -> Self {
        self.webhook_seed(WebhookSeed::new(channel_id, id, token))
    }

    /// A webhook described in full.
    pub fn webhook_seed(mut self, seed: WebhookSeed) -> Self {
        self.webhooks.push(seed);
        self
    }

    /// A user (a DM recipient).
    pub fn user(mut self, id: u64, username: impl Into<String>) -> Self {
        self.users.push((id, username.into()));
        self
    }

    /// Let unknown channels (as text channels), webhooks (bound to a new text channel) and
    /// DM recipients appear on first use instead of answering 404.
    pub fn auto_create_channels(mut self, enabled: bool) -> Self {
        self.auto_create = enabled;
        self
    }

    /// The rate-limit table (default [`FakeRateLimits::discord_defaults`]).
    pub fn rate_limits(mut self, config: FakeRateLimits) -> Self {
        self.rate_limits = config;
        self
    }

    /// The faults to inject (default none).
    pub fn faults(mut self, config: FaultConfig) -> Self {
        self.faults = config;
        self
    }

    /// How long a nonce sent with `enforce_nonce` is remembered (default 5 minutes).
    pub fn nonce_window(mut self, window: Duration) -> Self {
        self.nonce_window = window;
        self
    }

    /// The client IP in-process requests come from (for the per-IP limits and the ban).
    pub fn client_ip(mut self, ip: IpAddr) -> Self {
        self.client_ip = ip;
        self
    }

    /// The application's id (default: the bot user's id, as for apps made in the
    /// developer portal). Its Ed25519 key pair comes from the seed.
    pub fn application_id(mut self, id: u64) -> Self {
        self.application_id = Some(id);
        self
    }

    /// The channel the driver's interactions happen in (default: the first text
    /// channel declared, else one made on first use).
    pub fn interactions_channel(mut self, channel_id: u64) -> Self {
        self.interactions_channel = Some(channel_id);
        self
    }

    /// The roles user `user` has in the guild, as interactions the driver sends carry
    /// them (`member.roles`); default none.
    pub fn member_roles(mut self, user: u64, roles: impl IntoIterator<Item = u64>) -> Self {
        self.member_roles.push((user, roles.into_iter().collect()));
        self
    }
}

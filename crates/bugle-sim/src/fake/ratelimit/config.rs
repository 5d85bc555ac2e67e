//! The rate-limit table: buckets, global limits, hidden sublimits, shared limits, the ban.

use std::time::Duration;

use crate::fake::route::RouteKind;

/// One bucket: a limit per window, shared by the routes listed, keyed by major parameter.
///
/// Routes listed in one rule report the same `X-RateLimit-Bucket` hash and draw from the
/// same counter for the same channel (or webhook).
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BucketRule {
    hash: String,
    limit: u32,
    window: Duration,
    routes: Vec<RouteKind>,
}

impl BucketRule {
    /// `limit` requests per `window` for `routes`, reported under bucket `hash`.
    pub fn new(
        hash: impl Into<String>,
        limit: u32,
        window: Duration,
        routes: impl IntoIterator<Item = RouteKind>,
    ) -> Self {
        Self {
            hash: hash.into(),
            limit: limit.max(1),
            window,
            routes: routes.into_iter().collect(),
        }
    }

    /// The `X-RateLimit-Bucket` value.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Requests allowed per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window's length.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The routes that share this bucket.
    pub fn routes(&self) -> &[RouteKind] {
        &self.routes
    }
}

/// How a hidden sublimit counts its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Shape {
    /// A fixed window that starts at its first request and resets `window` later.
    #[default]
    Fixed,
    /// At most `limit` requests in any trailing `window`.
    Sliding,
}

/// A limit that no header announces: after `limit` requests in `window` to one route and
/// major parameter, a 429 of scope `user` arrives while `X-RateLimit-Remaining` still
/// shows capacity. Its rate-limit headers describe the route's announced bucket, not the
/// sublimit.
///
/// Discord documents neither the numbers nor the shape of its hidden limits, so both
/// shapes exist: [`Sublimit::new`] (a fixed window from its first request; `Retry-After`
/// is the rest of that window) and [`Sublimit::sliding`] (a trailing window;
/// `Retry-After` is the wait until the oldest of the `limit` counted requests leaves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Sublimit {
    pub(crate) route: RouteKind,
    pub(crate) limit: u32,
    pub(crate) window: Duration,
    pub(crate) shape: Shape,
}

impl Sublimit {
    /// `limit` requests per fixed `window` to `route`, per major parameter and caller; the
    /// window starts at its first request.
    pub fn new(route: RouteKind, limit: u32, window: Duration) -> Self {
        Self {
            route,
            limit: limit.max(1),
            window,
            shape: Shape::Fixed,
        }
    }

    /// At most `limit` requests to `route` in any trailing `window`, per major parameter
    /// and caller.
    pub fn sliding(route: RouteKind, limit: u32, window: Duration) -> Self {
        Self {
            shape: Shape::Sliding,
            ..Self::new(route, limit, window)
        }
    }

    /// Whether the window slides ([`Sublimit::sliding`]) rather than being fixed.
    pub fn is_sliding(&self) -> bool {
        self.shape == Shape::Sliding
    }
}

/// A limit on a shared resource (all callers together), answered with
/// `X-RateLimit-Scope: shared`; such 429s do not count as invalid requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct SharedLimit {
    pub(crate) route: RouteKind,
    pub(crate) limit: u32,
    pub(crate) window: Duration,
}

impl SharedLimit {
    /// `limit` requests per `window` to `route` per major parameter, across all callers.
    pub fn new(route: RouteKind, limit: u32, window: Duration) -> Self {
        Self {
            route,
            limit: limit.max(1),
            window,
        }
    }
}

/// The server-side rate-limit table `FakeDiscord` enforces.
///
/// [`FakeRateLimits::discord_defaults`] mirrors Discord; `docs/simulation.md` says which
/// numbers Discord documents and which are observed behaviour. Named apart from the client's
/// `bugle_ratelimit::RateLimitConfig`, which configures the limiter that respects these limits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct FakeRateLimits {
    pub(crate) enabled: bool,
    pub(crate) buckets: Vec<BucketRule>,
    pub(crate) global_per_second: u32,
    pub(crate) ip_global_per_second: u32,
    pub(crate) sublimits: Vec<Sublimit>,
    pub(crate) shared: Vec<SharedLimit>,
    pub(crate) invalid_threshold: u32,
    pub(crate) invalid_window: Duration,
    pub(crate) ban_duration: Duration,
}

/// The old name of [`FakeRateLimits`], which read the same as the client's
/// `bugle_ratelimit::RateLimitConfig`.
#[deprecated(
    note = "renamed to `FakeRateLimits`; `bugle_ratelimit::RateLimitConfig` is the client's"
)]
pub type RateLimitConfig = FakeRateLimits;

/// Bucket hash of message create, edit and delete.
pub const MESSAGES_BUCKET: &str = "80c17d2f203122d936070c88c8d10f33";
/// Bucket hash of message fetches.
pub const MESSAGE_GET_BUCKET: &str = "d6a0c9a1a5d24c29b1a7f2e3c4b5a697";
/// Bucket hash of reaction add and remove.
pub const REACTIONS_BUCKET: &str = "a1f3e8b2c47d4e5f9a0b1c2d3e4f5a6b";
/// Bucket hash of both thread-creating routes.
pub const THREADS_BUCKET: &str = "3f7c9e1d2b4a48c6a8e0f1b2c3d4e5f6";
/// Bucket hash of DM channel creation.
pub const DM_BUCKET: &str = "5e2d7c1b9a3f4e6d8c0b2a4f6e8d0c2b";
/// Bucket hash of every webhook-token route.
pub const WEBHOOKS_BUCKET: &str = "9c4b2e7f1a3d45b8c6e0a2f4b6d8e0a1";
/// Bucket hash of channel history (`GET /channels/{id}/messages`).
pub const MESSAGE_LIST_BUCKET: &str = "72bb45c124a0e3db225c228dc81283ed";
/// Bucket hash of channel fetches (`GET /channels/{id}`).
pub const CHANNEL_GET_BUCKET: &str = "f0d6e7481bcf874ae9876e6c2b3ddb16";
/// Bucket hash of `GET /users/@me`.
pub const CURRENT_USER_BUCKET: &str = "37e7793574fbb90c59c253061782df3e";
/// Bucket hash of `GET /gateway/bot`.
pub const GATEWAY_BOT_BUCKET: &str = "5c95f97f28850e6fcbeb0bf16b264311";
/// The bucket of the application command routes (bulk overwrite and list).
pub const COMMANDS_BUCKET: &str = "b3e1c5a7d9f24b6e8a0c2e4f6a8b0d2c";

impl FakeRateLimits {
    /// Discord's limits: routes and sublimits as commonly observed, global and
    /// invalid-request limits as documented.
    pub fn discord_defaults() -> Self {
        let ms = Duration::from_millis;
        let s = Duration::from_secs;
        Self {
            enabled: true,
            buckets: vec![
                BucketRule::new(
                    MESSAGES_BUCKET,
                    5,
                    s(5),
                    [
                        RouteKind::CreateMessage,
                        RouteKind::EditMessage,
                        RouteKind::DeleteMessage,
                    ],
                ),
                BucketRule::new(MESSAGE_GET_BUCKET, 5, s(1), [RouteKind::GetMessage]),
                BucketRule::new(MESSAGE_LIST_BUCKET, 5, s(5), [RouteKind::ListMessages]),
                BucketRule::new(CHANNEL_GET_BUCKET, 5, s(5), [RouteKind::GetChannel]),
                BucketRule::new(CURRENT_USER_BUCKET, 5, s(5), [RouteKind::GetCurrentUser]),
                BucketRule::new(GATEWAY_BOT_BUCKET, 5, s(5), [RouteKind::GetGatewayBot]),
                BucketRule::new(
                    REACTIONS_BUCKET,
                    1,
                    ms(250),
                    [RouteKind::AddReaction, RouteKind::RemoveOwnReaction],
                ),
                BucketRule::new(
                    THREADS_BUCKET,
                    10,
                    s(10),
                    [RouteKind::CreateThreadFromMessage, RouteKind::CreateThread],
                ),
                BucketRule::new(DM_BUCKET, 5, s(5), [RouteKind::CreateDm]),
                BucketRule::new(
                    COMMANDS_BUCKET,
                    5,
                    s(20),
                    [
                        RouteKind::OverwriteGlobalCommands,
                        RouteKind::ListGlobalCommands,
                        RouteKind::OverwriteGuildCommands,
                        RouteKind::ListGuildCommands,
                    ],
                ),
                BucketRule::new(
                    WEBHOOKS_BUCKET,
                    5,
                    s(2),
                    [
                        RouteKind::ExecuteWebhook,
                        RouteKind::GetWebhook,
                        RouteKind::GetWebhookMessage,
                        RouteKind::EditWebhookMessage,
                        RouteKind::DeleteWebhookMessage,
                        // "The same rate limit properties as normal webhooks", per
                        // interaction token (the major parameter), without the global.
                        RouteKind::CreateFollowup,
                        RouteKind::GetOriginalResponse,
                        RouteKind::EditOriginalResponse,
                        RouteKind::DeleteOriginalResponse,
                        RouteKind::EditFollowup,
                        RouteKind::DeleteFollowup,
                    ],
                ),
            ],
            global_per_second: 50,
            ip_global_per_second: 50,
            sublimits: vec![Sublimit::new(RouteKind::ExecuteWebhook, 30, s(60))],
            shared: Vec::new(),
            invalid_threshold: 10_000,
            invalid_window: s(600),
            ban_duration: s(3600),
        }
    }

    /// No limits at all: no buckets, no global limit, no ban (headers are not sent).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::discord_defaults()
        }
    }

    /// Adds `rule`, taking its routes away from any rule that had them.
    pub fn bucket(mut self, rule: BucketRule) -> Self {
        for existing in &mut self.buckets {
            existing.routes.retain(|r| !rule.routes.contains(r));
        }
        self.buckets.retain(|b| !b.routes.is_empty());
        self.buckets.push(rule);
        self
    }

    /// The bot's global limit, requests per second per bot token (Discord: 50).
    pub fn global_per_second(mut self, limit: u32) -> Self {
        self.global_per_second = limit.max(1);
        self
    }

    /// The global limit for requests without `Authorization`, per IP (Discord: 50).
    pub fn ip_global_per_second(mut self, limit: u32) -> Self {
        self.ip_global_per_second = limit.max(1);
        self
    }

    /// Adds a hidden sublimit.
    pub fn sublimit(mut self, sublimit: Sublimit) -> Self {
        self.sublimits.push(sublimit);
        self
    }

    /// Removes every hidden sublimit (including the default webhook one).
    pub fn without_sublimits(mut self) -> Self {
        self.sublimits.clear();
        self
    }

    /// Adds a shared-resource limit.
    pub fn shared(mut self, shared: SharedLimit) -> Self {
        self.shared.push(shared);
        self
    }

    /// The invalid-request ban: `threshold` 401/403/non-shared-429 responses to one IP
    /// within `window` ban it for `ban` (Discord: 10,000 in 10 minutes).
    pub fn invalid_request_ban(mut self, threshold: u32, window: Duration, ban: Duration) -> Self {
        self.invalid_threshold = threshold.max(1);
        self.invalid_window = window;
        self.ban_duration = ban;
        self
    }

    /// The bucket rule that covers `route`, if any.
    pub fn rule_for(&self, route: RouteKind) -> Option<&BucketRule> {
        self.buckets.iter().find(|b| b.routes.contains(&route))
    }

    /// Every bucket rule.
    pub fn buckets(&self) -> &[BucketRule] {
        &self.buckets
    }
}

impl Default for FakeRateLimits {
    fn default() -> Self {
        Self::discord_defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_edit_and_delete_share_creates_hash() {
        let config = FakeRateLimits::discord_defaults();
        let create = config.rule_for(RouteKind::CreateMessage).unwrap();
        assert_eq!(create.hash(), MESSAGES_BUCKET);
        assert_eq!(
            config.rule_for(RouteKind::EditMessage).unwrap().hash(),
            MESSAGES_BUCKET
        );
        assert_eq!(
            config.rule_for(RouteKind::DeleteMessage).unwrap().hash(),
            MESSAGES_BUCKET
        );
    }

    #[test]
    fn a_new_rule_takes_its_routes_from_the_old_one() {
        let config = FakeRateLimits::discord_defaults().bucket(BucketRule::new(
            "custom",
            2,
            Duration::from_secs(1),
            [RouteKind::DeleteMessage],
        ));
        assert_eq!(
            config.rule_for(RouteKind::DeleteMessage).unwrap().hash(),
            "custom"
        );
        assert_eq!(
            config.rule_for(RouteKind::CreateMessage).unwrap().hash(),
            MESSAGES_BUCKET
        );
    }

    #[test]
    fn every_route_has_a_default_bucket() {
        let config = FakeRateLimits::discord_defaults();
        for route in RouteKind::ALL {
            assert!(config.rule_for(route).is_some(), "{route:?}");
        }
    }
}

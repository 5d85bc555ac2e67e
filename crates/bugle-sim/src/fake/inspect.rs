//! What a test can look at: stored messages, threads, reactions, the request log and
//! counters.

use std::time::Duration;

use bugle_model::channel::Channel;
use bugle_model::message::{Message, Reaction};
use http::{Method, StatusCode};

use crate::fake::FakeDiscord;
use crate::fake::render::{self, MessageView};
use crate::fake::route::RouteKind;

/// One request the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: Method,
    /// The path and query, with any webhook token replaced by `[redacted]`.
    pub path: String,
    /// The operation, when the path matched one.
    pub route: Option<RouteKind>,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<StatusCode>,
    /// When it arrived, on tokio's clock, measured from the fake's creation.
    pub at: Duration,
}

/// Running totals since the fake was built. Serialisable, so a fake serving another
/// process (a benchmark's, say) can report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Counters {
    /// Requests received.
    pub requests: u64,
    /// 429s from a route bucket (scope `user`).
    pub rate_limited_user: u64,
    /// 429s from a hidden sublimit (reported as scope `user`).
    pub rate_limited_sublimit: u64,
    /// 429s from the global limit (scope `global`).
    pub rate_limited_global: u64,
    /// 429s from a shared-resource limit (scope `shared`).
    pub rate_limited_shared: u64,
    /// Cloudflare-style 429s answered to a banned IP.
    pub banned: u64,
    /// Invalid requests as Discord counts them: 401, 403 and 429 other than scope shared.
    pub invalid_requests: u64,
    /// Creates answered with an earlier message because of `enforce_nonce`.
    pub duplicates_prevented: u64,
    /// Faults injected (errors, drops and outage answers).
    pub faults_injected: u64,
    /// Connections dropped without an answer.
    pub dropped_connections: u64,
    /// Messages created (channel messages, webhook messages, forum starters).
    pub messages_created: u64,
}

impl FakeDiscord {
    /// The messages of a channel (or thread), oldest first.
    pub fn messages(&self, channel_id: u64) -> Vec<Message> {
        let world = self.world();
        let bot = self.inner.settings.bot_id;
        world
            .state
            .channel_messages(channel_id)
            .map(|m| render::message(&world.state, m, bot, MessageView::FETCHED))
            .collect()
    }

    /// The messages of thread `thread_id`, oldest first (a forum post's starter included).
    pub fn thread_messages(&self, thread_id: u64) -> Vec<Message> {
        self.messages(thread_id)
    }

    /// One message by id, wherever it is.
    pub fn message(&self, message_id: u64) -> Option<Message> {
        let world = self.world();
        let bot = self.inner.settings.bot_id;
        world
            .state
            .messages
            .get(&message_id)
            .map(|m| render::message(&world.state, m, bot, MessageView::FETCHED))
    }

    /// One channel, thread or DM by id.
    pub fn channel(&self, channel_id: u64) -> Option<Channel> {
        let world = self.world();
        let bot = self.inner.settings.bot_id;
        world
            .state
            .channels
            .get(&channel_id)
            .map(|c| render::channel(&world.state, c, bot))
    }

    /// The threads whose parent is `channel_id`, oldest first.
    pub fn threads(&self, channel_id: u64) -> Vec<Channel> {
        let world = self.world();
        let bot = self.inner.settings.bot_id;
        world
            .state
            .channels
            .values()
            .filter(|c| c.thread.is_some() && c.parent_id == Some(channel_id))
            .map(|c| render::channel(&world.state, c, bot))
            .collect()
    }

    /// The reactions on a message (empty when it has none or does not exist).
    pub fn reactions(&self, channel_id: u64, message_id: u64) -> Vec<Reaction> {
        self.message(message_id)
            .filter(|m| m.channel_id.get() == channel_id)
            .map(|m| m.reactions)
            .unwrap_or_default()
    }

    /// The avatar URL a webhook message was posted with (`avatar_url` override), if any.
    pub fn webhook_avatar_url(&self, message_id: u64) -> Option<String> {
        let world = self.world();
        match &world.state.messages.get(&message_id)?.author {
            crate::fake::state::Author::Webhook { avatar_url, .. } => avatar_url.clone(),
            crate::fake::state::Author::User(_) => None,
        }
    }

    /// Every request received, in order.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.world().log.clone()
    }

    /// The running totals.
    pub fn counters(&self) -> Counters {
        self.world().counters
    }
}

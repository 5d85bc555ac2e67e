//! Where a request's state lives in Redis. Every key starts with
//! `PREFIX:LAYOUT_VERSION:`; no key holds a token, only [`bugle_ratelimit::BotId`]s and
//! token hashes.
//!
//! - `…:bot:BOTID:…` state of requests sent with a bot token: its global log, buckets,
//!   holds and the revoked-token flag;
//! - `…:open:…` state of requests sent without one (webhook-token routes, interactions);
//! - `…:egress:NAME:…` per outgoing address: the per-IP global log, the invalid-request
//!   counter, the ban breaker;
//! - `…:webhook:ID:dead` the dead-webhook memory;
//! - `…:wake` the pub/sub channel on which completions wake waiting processes.

use bugle_ratelimit::{GlobalPool, Major, SharedRequest};

/// The keys and arguments one request's scripts need.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) scope: String,
    pub(crate) egress: String,
    pub(crate) pool: &'static str,
    pub(crate) major: String,
    pub(crate) webhook: String,
}

impl Keys {
    pub(crate) fn of(base: &str, request: &SharedRequest) -> Self {
        let scope = match (request.pool(), request.bot()) {
            (GlobalPool::Bot, Some(bot)) => format!("{base}:bot:{}", bot.as_str()),
            _ => format!("{base}:open"),
        };
        let pool = match request.pool() {
            GlobalPool::Unauthenticated => "ip",
            GlobalPool::Exempt => "exempt",
            _ => "bot",
        };
        // Interaction webhooks (exempt pool) have no dead-webhook memory: see report.rs.
        let webhook = match (request.major(), request.pool()) {
            (_, GlobalPool::Exempt) => String::new(),
            (Major::Webhook { id, .. }, _) => format!("{base}:webhook:{id}:dead"),
            _ => String::new(),
        };
        Self {
            scope,
            egress: format!("{base}:egress:{}", request.egress()),
            pool,
            major: request.major_key(),
            webhook,
        }
    }
}

/// The channel completions are published on.
pub(crate) fn wake_channel(base: &str) -> String {
    format!("{base}:wake")
}

//! `GET /gateway/bot`: where a bot's gateway connection goes. The fake serves no gateway;
//! it answers with Discord's URL and the numbers of an unsharded bot that has started no
//! session.

use http::StatusCode;
use serde_json::json;

use super::Ctx;
use crate::fake::reply::Reply;
use crate::fake::request::Incoming;

/// The gateway URL Discord gives.
const GATEWAY_URL: &str = "wss://gateway.discord.gg";
/// Sessions a bot may start per day (Discord's default for bots in under 150,000 guilds).
const SESSION_START_TOTAL: u32 = 1000;

/// `GET /gateway/bot`
pub(super) fn bot(_ctx: &Ctx<'_>, _req: &Incoming) -> Reply {
    Reply::json(
        StatusCode::OK,
        json!({
            "url": GATEWAY_URL,
            "shards": 1,
            "session_start_limit": {
                "total": SESSION_START_TOTAL,
                "remaining": SESSION_START_TOTAL,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }),
    )
}

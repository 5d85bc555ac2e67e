//! `GET /channels/{channel.id}`: a channel, thread or DM channel.

use http::StatusCode;

use super::Ctx;
use crate::fake::reply::HandlerResult;
use crate::fake::request::Incoming;

/// `GET /channels/{channel.id}`: the channel, created first when it is unknown and
/// auto-create is on (as every channel route does), else 10003 Unknown Channel.
pub(super) fn get(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = req.route.channel_id.unwrap_or_default();
    ctx.channel(id)?;
    Ok(ctx.channel_reply(StatusCode::OK, id))
}

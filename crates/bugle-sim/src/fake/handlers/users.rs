//! The current user: `GET /users/@me`, the first call most clients make.

use http::StatusCode;

use super::Ctx;
use crate::fake::render;
use crate::fake::reply::Reply;
use crate::fake::request::Incoming;

/// `GET /users/@me`: the bot user the token belongs to.
pub(super) fn current(ctx: &Ctx<'_>, _req: &Incoming) -> Reply {
    let user = render::current_user(ctx.state, ctx.settings.bot_id);
    Reply::json(StatusCode::OK, user)
}

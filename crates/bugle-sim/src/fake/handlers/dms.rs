//! DM channels: `POST /users/@me/channels`.

use http::StatusCode;
use serde_json::Value;

use super::Ctx;
use crate::fake::reply::{self, HandlerResult};
use crate::fake::request::Incoming;
use crate::fake::state::{ChannelRec, UserRec, kind};
use crate::fake::validation::tree::{ErrorTree, Seg, required};

/// Opens (or returns the existing) DM channel with `recipient_id`.
pub(super) fn create(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let payload = req.payload()?;
    let recipient = payload.json.get("recipient_id");
    let id = recipient.and_then(|v| {
        v.as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .or_else(|| v.as_u64())
    });
    let Some(recipient) = id else {
        let mut tree = ErrorTree::new();
        match payload.json.get("recipient_id") {
            None | Some(Value::Null) => required(&mut tree, &[Seg::Key("recipient_id")]),
            Some(other) => tree.push(
                &[Seg::Key("recipient_id")],
                "NUMBER_TYPE_COERCE",
                format!(
                    "Value \"{}\" is not snowflake.",
                    other.as_str().unwrap_or("?")
                ),
            ),
        }
        return Err(tree.finish().expect_err("the tree has an error"));
    };
    if !ctx.state.users.contains_key(&recipient) {
        if !ctx.settings.auto_create {
            return Err(reply::unknown_user());
        }
        let user = UserRec {
            username: format!("user{recipient}"),
            bot: false,
        };
        ctx.state.users.insert(recipient, user);
    }
    if let Some(existing) = ctx.state.dms.get(&recipient).copied() {
        return Ok(ctx.channel_reply(StatusCode::OK, existing));
    }
    let id = ctx.next_id();
    let mut channel = ChannelRec::new(id, kind::DM);
    channel.recipients = vec![recipient];
    ctx.state.channels.insert(id, channel);
    ctx.state.dms.insert(recipient, id);
    Ok(ctx.channel_reply(StatusCode::OK, id))
}

//! Interaction webhook routes: followups, and the original response's get, edit and
//! delete, authorised by the interaction token for 15 minutes.

use std::time::Duration;

use super::messages::apply_edit;
use super::{Ctx, new_message};
use crate::fake::app::state::InteractionRec;
use crate::fake::render::MessageView;
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::Incoming;
use crate::fake::state::Author;
use crate::fake::validation::{BodyKind, check_message};

/// How long an interaction token works for followups and edits.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Message flag: the "thinking…" state of a deferred response.
pub(crate) const LOADING: u64 = 1 << 7;
/// Message flag: only the invoking user sees it.
pub(crate) const EPHEMERAL: u64 = 1 << 6;
/// Flags a response or followup message may set.
pub(crate) const RESPONSE_FLAGS: u64 = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 13) | (1 << 15);

/// The interaction the path's token names: `10015 Unknown Webhook` for another
/// application, an unknown token or an expired one (as Discord answers).
fn interaction(ctx: &Ctx<'_>, req: &Incoming) -> Result<InteractionRec, Reply> {
    let token = req.route.webhook_token.as_deref().unwrap_or_default();
    let rec = ctx
        .state
        .app
        .interactions
        .get(token)
        .filter(|_| req.route.webhook_id == Some(ctx.settings.application_id))
        .filter(|rec| ctx.now.saturating_duration_since(rec.created) < TOKEN_LIFETIME)
        .ok_or_else(reply::unknown_webhook)?;
    if !rec.acknowledged {
        // Not answered yet: the token is not usable until it is.
        return Err(reply::unknown_webhook());
    }
    Ok(rec.clone())
}

/// The application as a message author.
pub(crate) fn app_author(ctx: &Ctx<'_>) -> Author {
    let username = ctx
        .state
        .users
        .get(&ctx.settings.bot_id)
        .map_or_else(|| "bugle-fake-bot".to_owned(), |u| u.username.clone());
    Author::Webhook {
        id: ctx.settings.application_id,
        username,
        avatar: None,
        avatar_url: None,
        application_id: Some(ctx.settings.application_id),
    }
}

/// `POST /webhooks/{application.id}/{interaction.token}`: a followup. As Discord
/// documents (deprecated), the first followup after a deferred message edits the
/// "thinking…" message instead of creating one.
pub(super) fn followup(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let rec = interaction(ctx, req)?;
    let payload = req.payload()?;
    check_message(&payload.json, BodyKind::WebhookExecute, payload.files.len())?;
    if let Some(original) = rec.original {
        let loading = ctx
            .state
            .messages
            .get(&original)
            .is_some_and(|m| m.flags & LOADING != 0);
        if loading {
            apply_edit(ctx, original, &payload)?;
            if let Some(message) = ctx.state.messages.get_mut(&original) {
                message.flags &= !LOADING;
            }
            return Ok(ctx.message_reply(original, MessageView::SENT));
        }
    }
    let id = ctx.next_id();
    let author = app_author(ctx);
    let message = new_message(ctx, id, rec.channel_id, author, &payload, RESPONSE_FLAGS)?;
    ctx.state.insert_message(message);
    ctx.counters.messages_created += 1;
    let token = req.route.webhook_token.clone().unwrap_or_default();
    if let Some(rec) = ctx.state.app.interactions.get_mut(&token) {
        rec.followups.push(id);
    }
    Ok(ctx.message_reply(id, MessageView::SENT))
}

fn original(ctx: &Ctx<'_>, req: &Incoming) -> Result<u64, Reply> {
    let rec = interaction(ctx, req)?;
    rec.original
        .filter(|id| ctx.state.messages.contains_key(id))
        .ok_or_else(reply::unknown_message)
}

fn followup_message(ctx: &Ctx<'_>, req: &Incoming) -> Result<u64, Reply> {
    let rec = interaction(ctx, req)?;
    let id = req.route.message_id.unwrap_or_default();
    rec.followups
        .iter()
        .copied()
        .find(|m| *m == id && ctx.state.messages.contains_key(m))
        .or_else(|| rec.original.filter(|o| *o == id))
        .ok_or_else(reply::unknown_message)
}

fn edit(ctx: &mut Ctx<'_>, req: &Incoming, id: u64) -> HandlerResult {
    let payload = req.payload()?;
    apply_edit(ctx, id, &payload)?;
    if let Some(message) = ctx.state.messages.get_mut(&id) {
        message.flags &= !LOADING;
    }
    Ok(ctx.message_reply(id, MessageView::FETCHED))
}

/// `GET …/messages/@original`
pub(super) fn get_original(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = original(ctx, req)?;
    Ok(ctx.message_reply(id, MessageView::FETCHED))
}

/// `PATCH …/messages/@original`
pub(super) fn edit_original(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = original(ctx, req)?;
    edit(ctx, req, id)
}

/// `DELETE …/messages/@original`
pub(super) fn delete_original(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = original(ctx, req)?;
    ctx.state.remove_message(id);
    Ok(Reply::no_content())
}

/// `PATCH …/messages/{message.id}` of a followup.
pub(super) fn edit_followup(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = followup_message(ctx, req)?;
    edit(ctx, req, id)
}

/// `DELETE …/messages/{message.id}` of a followup.
pub(super) fn delete_followup(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let id = followup_message(ctx, req)?;
    ctx.state.remove_message(id);
    Ok(Reply::no_content())
}

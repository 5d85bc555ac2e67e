//! Reactions: add and remove the bot's own, unicode or custom `name:id` emoji.

use http::StatusCode;
use percent_encoding::percent_decode_str;

use super::Ctx;
use crate::fake::reply::{self, HandlerResult, Reply};
use crate::fake::request::Incoming;
use crate::fake::state::ReactionRec;

/// Distinct emoji one message may carry.
const MAX_DISTINCT: usize = 20;

/// A decoded reaction emoji: its key, custom id and name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParsedEmoji {
    pub(crate) key: String,
    pub(crate) id: Option<u64>,
    pub(crate) name: String,
}

/// Decodes the emoji path segment: percent-encoded unicode, or `name:id` for custom emoji.
/// `None` when Discord would answer 10014.
pub(crate) fn parse_emoji(raw: &str) -> Option<ParsedEmoji> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    if let Some((name, id)) = decoded.split_once(':') {
        let name_ok = (2..=32).contains(&name.chars().count())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let id: u64 = id
            .parse()
            .ok()
            .filter(|_| id.bytes().all(|b| b.is_ascii_digit()))?;
        return name_ok.then(|| ParsedEmoji {
            key: format!("{name}:{id}"),
            id: Some(id),
            name: name.to_owned(),
        });
    }
    let keycap = decoded.contains('\u{20E3}');
    let valid = !decoded.is_empty()
        && decoded.chars().count() <= 16
        && decoded.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && (!c.is_ascii() || (keycap && (c.is_ascii_digit() || c == '#' || c == '*')))
        });
    valid.then(|| ParsedEmoji {
        key: decoded.to_string(),
        id: None,
        name: decoded.to_string(),
    })
}

fn target(ctx: &mut Ctx<'_>, req: &Incoming) -> Result<(u64, ParsedEmoji), Reply> {
    let channel_id = req.route.channel_id.unwrap_or_default();
    let message_id = req.route.message_id.unwrap_or_default();
    ctx.channel(channel_id)?;
    if ctx.state.message_in(channel_id, message_id).is_none() {
        return Err(reply::unknown_message());
    }
    let emoji = req
        .route
        .emoji
        .as_deref()
        .and_then(parse_emoji)
        .ok_or_else(reply::unknown_emoji)?;
    Ok((message_id, emoji))
}

/// `PUT …/reactions/{emoji}/@me`
pub(super) fn add(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (message_id, emoji) = target(ctx, req)?;
    let bot = ctx.settings.bot_id;
    let message = ctx
        .state
        .messages
        .get_mut(&message_id)
        .ok_or_else(reply::unknown_message)?;
    if let Some(reaction) = message.reactions.iter_mut().find(|r| r.key == emoji.key) {
        if !reaction.users.contains(&bot) {
            reaction.users.push(bot);
        }
    } else {
        {
            if message.reactions.len() >= MAX_DISTINCT {
                return Err(Reply::error(
                    StatusCode::BAD_REQUEST,
                    30010,
                    "Maximum number of reactions reached (20)",
                ));
            }
            message.reactions.push(ReactionRec {
                key: emoji.key,
                emoji_id: emoji.id,
                emoji_name: emoji.name,
                users: vec![bot],
            });
        }
    }
    Ok(Reply::no_content())
}

/// `DELETE …/reactions/{emoji}/@me`
pub(super) fn remove(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    let (message_id, emoji) = target(ctx, req)?;
    let bot = ctx.settings.bot_id;
    if let Some(message) = ctx.state.messages.get_mut(&message_id) {
        for reaction in &mut message.reactions {
            if reaction.key == emoji.key {
                reaction.users.retain(|u| *u != bot);
            }
        }
        message.reactions.retain(|r| !r.users.is_empty());
    }
    Ok(Reply::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_custom_and_invalid_emoji() {
        assert_eq!(parse_emoji("%F0%9F%94%A5").unwrap().name, "🔥");
        let custom = parse_emoji("mmLol:216154654256398347").unwrap();
        assert_eq!(custom.id, Some(216_154_654_256_398_347));
        assert_eq!(custom.key, "mmLol:216154654256398347");
        assert_eq!(
            parse_emoji("1%EF%B8%8F%E2%83%A3").unwrap().name,
            "1\u{fe0f}\u{20e3}"
        );
        assert!(parse_emoji("fire").is_none());
        assert!(parse_emoji("%FF%FE").is_none());
        assert!(parse_emoji("name:notanid").is_none());
        assert!(parse_emoji("").is_none());
    }
}

//! Discord's rules for an interaction's answer, and applying it: which callback types
//! each interaction type accepts, the limits of their data, and what each does.

use serde_json::{Map, Value};

use super::state::InteractionRec;
use super::{InteractionFailure, ShownModal};
use crate::fake::handlers::interactions::{EPHEMERAL, LOADING, RESPONSE_FLAGS, app_author};
use crate::fake::handlers::messages::apply_edit;
use crate::fake::handlers::{Ctx, new_message};
use crate::fake::request::Payload;
use crate::fake::validation::{BodyKind, check_message};

/// Interaction types.
pub(crate) mod kind {
    pub(crate) const PING: u8 = 1;
    pub(crate) const COMMAND: u8 = 2;
    pub(crate) const COMPONENT: u8 = 3;
    pub(crate) const AUTOCOMPLETE: u8 = 4;
    pub(crate) const MODAL_SUBMIT: u8 = 5;
}

/// Whether Discord accepts callback type `callback` for an interaction of type
/// `interaction` (`from_message`: a modal submit whose modal a component opened).
pub(crate) fn accepts(interaction: u8, callback: u8, from_message: bool) -> bool {
    match interaction {
        kind::PING => callback == 1,
        kind::COMMAND => matches!(callback, 4 | 5 | 9),
        kind::COMPONENT => matches!(callback, 4..=7 | 9),
        kind::AUTOCOMPLETE => callback == 8,
        kind::MODAL_SUBMIT => {
            matches!(callback, 4 | 5) || (from_message && matches!(callback, 6 | 7))
        }
        _ => false,
    }
}

/// What an applied answer produced.
pub(crate) struct Applied {
    pub(crate) message: Option<u64>,
    pub(crate) choices: Vec<Value>,
    pub(crate) modal: Option<ShownModal>,
}

fn invalid(reply: &crate::fake::reply::Reply) -> InteractionFailure {
    let body = match &reply.body {
        crate::fake::reply::ReplyBody::Json(value) => value.to_string(),
        crate::fake::reply::ReplyBody::EncodedJson(body) => {
            String::from_utf8_lossy(body).into_owned()
        }
        crate::fake::reply::ReplyBody::Html(page) => page.clone(),
        crate::fake::reply::ReplyBody::Empty => String::new(),
    };
    InteractionFailure::Invalid(body)
}

fn chars(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_str)
        .map_or(0, |s| s.chars().count())
}

/// Checks the answer `callback` with `data` and applies it to the state.
#[allow(clippy::too_many_lines)] // one arm per callback type, each short
pub(crate) fn apply(
    ctx: &mut Ctx<'_>,
    rec: &mut InteractionRec,
    callback: u8,
    data: Map<String, Value>,
) -> Result<Applied, InteractionFailure> {
    if !accepts(rec.kind, callback, rec.source_message.is_some()) {
        return Err(InteractionFailure::NotAllowed {
            interaction_type: rec.kind,
            callback_type: callback,
        });
    }
    let mut applied = Applied {
        message: None,
        choices: Vec::new(),
        modal: None,
    };
    let payload = Payload {
        json: data,
        files: Vec::new(),
    };
    match callback {
        4 => {
            check_message(&payload.json, BodyKind::WebhookExecute, 0).map_err(|r| invalid(&r))?;
            let shows = chars(payload.json.get("content")) > 0
                || ["embeds", "components"].iter().any(|k| {
                    payload
                        .json
                        .get(*k)
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                });
            if !shows {
                return Err(InteractionFailure::Invalid(
                    "empty message: set content, embeds or components".to_owned(),
                ));
            }
            let id = ctx.next_id();
            let author = app_author(ctx);
            let message = new_message(ctx, id, rec.channel_id, author, &payload, RESPONSE_FLAGS)
                .map_err(|r| invalid(&r))?;
            ctx.state.insert_message(message);
            ctx.counters.messages_created += 1;
            rec.original = Some(id);
            applied.message = Some(id);
        }
        5 => {
            let flags = payload
                .json
                .get("flags")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let mut thinking = Payload::default();
            thinking.json.insert(
                "flags".to_owned(),
                Value::from(LOADING | (flags & EPHEMERAL)),
            );
            let id = ctx.next_id();
            let author = app_author(ctx);
            let message = new_message(
                ctx,
                id,
                rec.channel_id,
                author,
                &thinking,
                LOADING | EPHEMERAL,
            )
            .map_err(|r| invalid(&r))?;
            ctx.state.insert_message(message);
            rec.original = Some(id);
            applied.message = Some(id);
        }
        6 => {
            rec.original = rec.source_message;
            applied.message = rec.source_message;
        }
        7 => {
            let source = rec.source_message.unwrap_or_default();
            apply_edit(ctx, source, &payload).map_err(|r| invalid(&r))?;
            rec.original = Some(source);
            applied.message = Some(source);
        }
        8 => {
            let choices = payload
                .json
                .get("choices")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if choices.len() > 25 {
                return Err(InteractionFailure::Invalid(format!(
                    "{} choices, at most 25",
                    choices.len()
                )));
            }
            applied.choices = choices;
        }
        9 => {
            let custom_id = chars(payload.json.get("custom_id"));
            let title = chars(payload.json.get("title"));
            let components = payload
                .json
                .get("components")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !(1..=100).contains(&custom_id) {
                return Err(InteractionFailure::Invalid(
                    "modal custom_id: 1 to 100 chars".to_owned(),
                ));
            }
            if !(1..=45).contains(&title) {
                return Err(InteractionFailure::Invalid(
                    "modal title: 1 to 45 chars".to_owned(),
                ));
            }
            if !(1..=5).contains(&components.len()) {
                return Err(InteractionFailure::Invalid(
                    "modal components: 1 to 5".to_owned(),
                ));
            }
            applied.modal = Some(ShownModal {
                custom_id: payload.json["custom_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                title: payload.json["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                components,
                source_message: rec.source_message,
            });
        }
        _ => {
            return Err(InteractionFailure::NotAllowed {
                interaction_type: rec.kind,
                callback_type: callback,
            });
        }
    }
    rec.acknowledged = true;
    Ok(applied)
}

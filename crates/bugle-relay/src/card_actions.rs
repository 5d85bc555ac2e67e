//! The relay's interactions endpoint: what happens when a responder presses
//! a card's Acknowledge or Silence button, or submits the silence modal.
//!
//! Each press is checked against the route's responders (anyone else gets
//! an ephemeral refusal) and recorded in the outbox as a note on the card;
//! the delivery worker then edits the card to show it, in order with the
//! group's other updates. A silence is created in Alertmanager first, with
//! matchers from the group's labels.

use std::fmt::Write as _;
use std::time::Duration;

use bugle_interactions::{InteractionContext, Interactions, Reply};
use bugle_model::interaction::{InteractionMessage, Modal};
use bugle_model::user::User;

use crate::alertmanager::{Silence, human, matchers_for, parse_duration};
use crate::buttons::{self, COMMENT_FIELD, DURATION_FIELD, Pressed, SILENCE_MODAL};
use crate::clock::millis;
use crate::config::Route;
use crate::metrics as m;
use crate::model::{Source, Status};
use crate::outbox::{Acknowledgement, CardLookup, NoteChange, SilenceNote};
use crate::render::{group_name, truncate};
use crate::service::Relay;

/// Discord's longest modal title.
const MODAL_TITLE_MAX_CHARS: usize = 45;

/// Who pressed: their id, the name to show, and their roles.
struct Presser {
    id: u64,
    name: String,
    roles: Vec<bugle_model::id::RoleId>,
}

fn presser(ctx: &InteractionContext) -> Option<Presser> {
    let interaction = ctx.interaction();
    let user: &User = interaction.author()?;
    let member = interaction.member.as_ref();
    let name = member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.username.clone());
    Some(Presser {
        id: user.id.get(),
        name,
        roles: member.map(|m| m.roles.clone()).unwrap_or_default(),
    })
}

impl Relay {
    /// The interactions endpoint's service (mount its
    /// [`router`](Interactions::router) at the configured path), when an
    /// application is configured.
    pub fn interactions(&self) -> Option<Interactions> {
        let settings = self.config().interactions.as_ref()?;
        let builder = match Interactions::builder(&settings.public_key, self.client().clone()) {
            Ok(builder) => builder,
            Err(error) => {
                // The config checked the key; this cannot happen with a loaded config.
                tracing::error!(%error, "the application's public key cannot be read");
                return None;
            }
        };
        let (pressed, submitted) = (self.clone(), self.clone());
        Some(
            builder
                .component("bugle-relay:", move |ctx| {
                    let relay = pressed.clone();
                    async move { relay.pressed(ctx).await }
                })
                .modal(SILENCE_MODAL, move |ctx| {
                    let relay = submitted.clone();
                    async move { relay.submitted(ctx).await }
                })
                .build(),
        )
    }

    async fn pressed(&self, ctx: InteractionContext) -> Reply {
        let Some(button) = ctx
            .component()
            .and_then(|data| buttons::parse(&data.custom_id))
        else {
            return Reply::ephemeral("This button is not one of the relay's.");
        };
        let Some(message_id) = ctx.interaction().message.as_ref().map(|m| m.id.get()) else {
            return Reply::ephemeral("Discord did not say which card this button is on.");
        };
        let action = match button {
            Pressed::Acknowledge => "acknowledge",
            Pressed::Silence(_) => "silence",
            Pressed::SilenceCustom => "silence_form",
        };
        let (lookup, presser) = match self.authorize(&ctx, message_id, action).await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
        match button {
            Pressed::Acknowledge => self.acknowledge(&lookup, message_id, &presser).await,
            Pressed::Silence(duration) => {
                self.silence(&lookup, message_id, &presser, duration, None)
                    .await
            }
            Pressed::SilenceCustom => self.silence_modal(&lookup, message_id),
        }
    }

    async fn submitted(&self, ctx: InteractionContext) -> Reply {
        let Some(data) = ctx.modal() else {
            return Reply::ephemeral("This is not the relay's silence form.");
        };
        let Some(message_id) = data
            .custom_id
            .strip_prefix(SILENCE_MODAL)
            .and_then(|id| id.parse::<u64>().ok())
        else {
            return Reply::ephemeral("This form does not name a card.");
        };
        let text = data.value(DURATION_FIELD).unwrap_or_default().to_owned();
        let comment = data
            .value(COMMENT_FIELD)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let (lookup, presser) = match self.authorize(&ctx, message_id, "silence").await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
        let duration = match parse_duration(&text) {
            Ok(duration) => duration,
            Err(error) => {
                m::pressed("silence", "invalid");
                return Reply::ephemeral(format!("`{DURATION_FIELD}`: {error}"));
            }
        };
        self.silence(&lookup, message_id, &presser, duration, comment)
            .await
    }

    /// Finds the card of `message_id` and checks that the presser is one of
    /// its route's responders.
    async fn authorize(
        &self,
        ctx: &InteractionContext,
        message_id: u64,
        action: &'static str,
    ) -> Result<(CardLookup, Presser), Reply> {
        let lookup = match self.outbox().find_card(message_id).await {
            Ok(Some(lookup)) => lookup,
            Ok(None) => {
                return Err(Reply::ephemeral(
                    "The relay no longer tracks this card (a newer card replaced it, or it was pruned).",
                ));
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot read the outbox for a button");
                return Err(Reply::ephemeral(
                    "The relay cannot read its outbox right now; try again in a moment.",
                ));
            }
        };
        let Some(route) = lookup.shown.as_ref().map(|shown| &shown.route) else {
            return Err(Reply::ephemeral(
                "The card is still being delivered; try again in a moment.",
            ));
        };
        if lookup.card.status == Some(Status::Resolved) {
            return Err(Reply::ephemeral(
                "This alert group is resolved; there is nothing left to acknowledge or silence.",
            ));
        }
        let Some(presser) = presser(ctx) else {
            return Err(Reply::ephemeral("Discord did not say who pressed."));
        };
        if !route.responders.allows(&presser.roles) {
            tracing::info!(user = presser.id, route = %route.name, "refused a press by someone not among the route's responders");
            m::pressed(action, "refused");
            return Err(Reply::ephemeral(refusal(route)));
        }
        Ok((lookup, presser))
    }

    async fn acknowledge(&self, lookup: &CardLookup, message_id: u64, presser: &Presser) -> Reply {
        let change = NoteChange::Acknowledge(Acknowledgement {
            user_id: presser.id,
            user_name: presser.name.clone(),
            at_ms: self.clock().now_ms(),
        });
        match self
            .outbox()
            .annotate(&lookup.group_key, message_id, change, self.clock().now_ms())
            .await
        {
            Ok(annotated) if annotated.changed => {
                self.wake();
                m::pressed("acknowledge", "done");
                tracing::info!(group = %lookup.group_key, user = presser.id, "acknowledged");
                Reply::ephemeral("✋ Acknowledged. The card shows it.")
            }
            Ok(annotated) => match annotated.notes.acknowledged {
                Some(ack) => Reply::ephemeral(format!(
                    "Already acknowledged by {} <t:{}:R>.",
                    ack.user_name,
                    ack.at_ms / 1000
                )),
                None => Reply::ephemeral("Acknowledged."),
            },
            Err(error) => {
                tracing::warn!(error = %error, "cannot record an acknowledgement");
                Reply::ephemeral("The relay cannot record this right now; try again in a moment.")
            }
        }
    }

    fn silence_modal(&self, lookup: &CardLookup, message_id: u64) -> Reply {
        let name = lookup
            .shown
            .as_ref()
            .map(|shown| group_name(&shown.notification))
            .unwrap_or_default();
        let max = self.config().alertmanager.as_ref().map(|am| am.max_silence);
        let placeholder = match max {
            Some(max) => format!("30m, 2h, 1d (at most {})", human(max)),
            None => "30m, 2h, 1d".to_owned(),
        };
        let duration = bugle_model::component::TextInput {
            id: None,
            custom_id: DURATION_FIELD.to_owned(),
            style: bugle_model::component::TextInputStyle::Short,
            label: Some("For how long".to_owned()),
            min_length: Some(2),
            max_length: Some(20),
            required: Some(true),
            value: None,
            placeholder: Some(truncate(&placeholder, 100)),
        };
        let comment = bugle_model::component::TextInput {
            id: None,
            custom_id: COMMENT_FIELD.to_owned(),
            style: bugle_model::component::TextInputStyle::Paragraph,
            label: Some("Why (Alertmanager's comment)".to_owned()),
            min_length: None,
            max_length: Some(500),
            required: Some(false),
            value: None,
            placeholder: None,
        };
        Reply::Modal(
            Modal::new(
                format!("{SILENCE_MODAL}{message_id}"),
                truncate(&format!("Silence {name}"), MODAL_TITLE_MAX_CHARS),
            )
            .text_input(duration)
            .text_input(comment),
        )
    }

    async fn silence(
        &self,
        lookup: &CardLookup,
        message_id: u64,
        presser: &Presser,
        duration: Duration,
        comment: Option<String>,
    ) -> Reply {
        let (Some(alertmanager), Some(settings), Some(shown)) = (
            self.alertmanager(),
            self.config().alertmanager.as_ref(),
            lookup.shown.as_ref(),
        ) else {
            return Reply::ephemeral("No Alertmanager is configured for silences.");
        };
        let notification = &shown.notification;
        if notification.source != Source::Alertmanager {
            return Reply::ephemeral("Only Alertmanager's alerts can be silenced from a card.");
        }
        if duration.is_zero() || duration > settings.max_silence {
            m::pressed("silence", "invalid");
            return Reply::ephemeral(format!(
                "`{DURATION_FIELD}`: a silence lasts at most {}; {} is too long.",
                human(settings.max_silence),
                human(duration)
            ));
        }
        let matchers = match matchers_for(notification) {
            Ok(matchers) => matchers,
            Err(error) => return Reply::ephemeral(error.to_string()),
        };
        let now = self.clock().now_ms();
        let until = now + millis(duration);
        let name = group_name(notification);
        let silence = Silence {
            matchers: matchers.clone(),
            starts_at_ms: now,
            ends_at_ms: until,
            created_by: format!(
                "{} (discord user {}) via bugle-relay",
                presser.name, presser.id
            ),
            comment: comment.unwrap_or_else(|| format!("Silenced from the Discord card of {name}")),
        };
        let silence_id = match alertmanager.create_silence(&silence).await {
            Ok(id) => id,
            Err(error) => {
                m::pressed("silence", "failed");
                tracing::warn!(group = %lookup.group_key, error = %error, "alertmanager did not create a silence");
                return Reply::ephemeral(format!(
                    "Alertmanager did not create the silence: {error}"
                ));
            }
        };
        m::pressed("silence", "done");
        tracing::info!(group = %lookup.group_key, user = presser.id, silence = %silence_id, "silenced");
        let note = NoteChange::Silence(SilenceNote {
            silence_id: silence_id.clone(),
            user_id: presser.id,
            user_name: presser.name.clone(),
            until_ms: until,
            at_ms: now,
        });
        let recorded = self
            .outbox()
            .annotate(&lookup.group_key, message_id, note, now)
            .await;
        if let Err(error) = &recorded {
            tracing::warn!(error = %error, "cannot record a silence on its card");
        }
        self.wake();
        let mut text = format!(
            "🔕 Silenced for {} (until <t:{}:f>): ",
            human(duration),
            until / 1000
        );
        let shown: Vec<String> = matchers
            .iter()
            .map(|m| format!("`{}=\"{}\"`", m.name, m.value))
            .collect();
        text.push_str(&shown.join(", "));
        let _ = write!(text, ". Alertmanager silence `{silence_id}`.");
        if recorded.is_err() {
            text.push_str(" The card could not be updated to show it.");
        }
        Reply::Message(
            InteractionMessage::new()
                .content(truncate(&text, 2000))
                .ephemeral(),
        )
    }
}

/// The refusal a presser outside the route's responders sees.
fn refusal(route: &Route) -> String {
    let roles: Vec<String> = route
        .responders
        .roles
        .iter()
        .map(|role| format!("<@&{role}>"))
        .collect();
    if roles.is_empty() {
        "Nobody may act on this route's alerts from Discord.".to_owned()
    } else {
        format!(
            "Only members with one of these roles may act on this route's alerts: {}.",
            roles.join(", ")
        )
    }
}

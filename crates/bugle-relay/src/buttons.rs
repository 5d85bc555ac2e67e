//! The buttons that act on a firing card, and their custom ids:
//! Acknowledge, Silence for each configured duration, and "Silence…" (a
//! modal asking for the duration).
//!
//! Discord sends a button's interaction only for a message the application
//! owns: a card the bot posted (channel routes) or one posted through a
//! webhook the application created. Cards through any other webhook keep
//! link buttons only, and so do routes with no responders.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bugle_model::component::{ActionRow, Button, ButtonStyle};

use crate::alertmanager::human;
use crate::config::{Route, Target};
use crate::model::{Notification, Source, Status};
use crate::outbox::CardNotes;

/// The Acknowledge button's custom id.
pub const ACKNOWLEDGE: &str = "bugle-relay:ack";
/// The prefix of the Silence buttons' custom ids: followed by the duration
/// in seconds, or by [`CUSTOM`].
pub const SILENCE: &str = "bugle-relay:silence:";
/// The "Silence…" button's suffix (after [`SILENCE`]).
pub const CUSTOM: &str = "custom";
/// The prefix of the silence modal's custom id: followed by the card's
/// message id.
pub const SILENCE_MODAL: &str = "bugle-relay:silence-modal:";
/// The modal's duration field.
pub const DURATION_FIELD: &str = "duration";
/// The modal's comment field.
pub const COMMENT_FIELD: &str = "comment";

/// A button a responder pressed, read from its custom id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pressed {
    /// Acknowledge.
    Acknowledge,
    /// Silence for this long.
    Silence(Duration),
    /// Silence for a time the responder types in.
    SilenceCustom,
}

/// Reads a custom id of the card's buttons.
pub fn parse(custom_id: &str) -> Option<Pressed> {
    if custom_id == ACKNOWLEDGE {
        return Some(Pressed::Acknowledge);
    }
    let rest = custom_id.strip_prefix(SILENCE)?;
    if rest == CUSTOM {
        return Some(Pressed::SilenceCustom);
    }
    rest.parse::<u64>()
        .ok()
        .filter(|seconds| *seconds > 0)
        .map(|seconds| Pressed::Silence(Duration::from_secs(seconds)))
}

/// The buttons cards get when an application is configured.
#[derive(Debug, Clone, Default)]
pub struct Actions {
    /// The Silence buttons' durations; empty when no Alertmanager is
    /// configured (no Silence buttons).
    pub silence_durations: Vec<Duration>,
}

/// Which cards get buttons: the application's buttons, and the webhooks
/// found (at start) to belong to the application.
#[derive(Debug, Clone, Default)]
pub struct Interactivity {
    actions: Option<Actions>,
    owned_webhooks: Arc<RwLock<BTreeSet<String>>>,
}

impl Interactivity {
    /// Cards get `actions` (none: link buttons only, as without an application).
    pub fn new(actions: Option<Actions>) -> Self {
        Self {
            actions,
            owned_webhooks: Arc::default(),
        }
    }

    /// Whether an application is configured.
    pub fn enabled(&self) -> bool {
        self.actions.is_some()
    }

    /// Records that the webhook `name` belongs to the application, so its
    /// cards can carry buttons.
    pub fn webhook_owned(&self, name: &str) {
        self.owned_webhooks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(name.to_owned());
    }

    /// The buttons `route`'s cards get: none without an application, without
    /// responders, or through a webhook the application does not own.
    pub fn for_route(&self, route: &Route) -> Option<&Actions> {
        let actions = self.actions.as_ref()?;
        if route.responders.is_empty() {
            return None;
        }
        let owned = match &route.target {
            Target::Channel(_) => true,
            Target::Webhook(name) => self
                .owned_webhooks
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .contains(name),
        };
        owned.then_some(actions)
    }
}

/// The row of buttons a firing card shows: Acknowledge (greyed out once
/// someone acknowledged), and the Silence buttons for Alertmanager's groups.
/// A resolved card gets none.
pub fn row(
    actions: &Actions,
    notification: &Notification,
    notes: Option<&CardNotes>,
) -> Option<ActionRow> {
    if notification.status != Status::Firing {
        return None;
    }
    let acknowledged = notes.is_some_and(|notes| notes.acknowledged.is_some());
    let mut buttons = vec![if acknowledged {
        Button {
            disabled: true,
            ..Button::new(ButtonStyle::Secondary, ACKNOWLEDGE, "Acknowledged")
        }
    } else {
        Button::new(ButtonStyle::Primary, ACKNOWLEDGE, "Acknowledge")
    }];
    if notification.source == Source::Alertmanager && !actions.silence_durations.is_empty() {
        for duration in &actions.silence_durations {
            buttons.push(Button::new(
                ButtonStyle::Secondary,
                format!("{SILENCE}{}", duration.as_secs()),
                format!("Silence {}", human(*duration)),
            ));
        }
        buttons.push(Button::new(
            ButtonStyle::Secondary,
            format!("{SILENCE}{CUSTOM}"),
            "Silence…",
        ));
    }
    Some(ActionRow::new(buttons))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_read_back() {
        assert_eq!(parse(ACKNOWLEDGE), Some(Pressed::Acknowledge));
        assert_eq!(
            parse("bugle-relay:silence:3600"),
            Some(Pressed::Silence(Duration::from_secs(3600)))
        );
        assert_eq!(
            parse("bugle-relay:silence:custom"),
            Some(Pressed::SilenceCustom)
        );
        for other in ["bugle-relay:silence:0", "bugle-relay:silence:x", "ack", ""] {
            assert_eq!(parse(other), None, "{other}");
        }
    }
}

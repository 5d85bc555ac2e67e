//! What responders did on a card through its buttons: who acknowledged it,
//! and the silence someone created from it.
//!
//! Notes live beside the card in `relay_groups`, in columns of their own.
//! The interactions endpoint writes them ([`Outbox::annotate`](super::Outbox::annotate));
//! the delivery worker only reads them, so a delivery in flight can never
//! write over an acknowledgement. Each change bumps the group's note count,
//! which makes the group claimable: the worker then edits the card to show
//! the notes, in order with the group's other deliveries.

use serde::{Deserialize, Serialize};

use super::{CardState, Envelope};

/// Someone pressed Acknowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// Their Discord user id.
    pub user_id: u64,
    /// Their name as Discord showed it (global name, else username).
    pub user_name: String,
    /// When (ms since the epoch).
    pub at_ms: i64,
}

/// Someone silenced the group in Alertmanager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceNote {
    /// Alertmanager's silence id.
    pub silence_id: String,
    /// Their Discord user id.
    pub user_id: u64,
    /// Their name as Discord showed it.
    pub user_name: String,
    /// When the silence ends (ms since the epoch).
    pub until_ms: i64,
    /// When it was created (ms since the epoch).
    pub at_ms: i64,
}

/// The notes of one card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardNotes {
    /// The card message they were made on. A later episode's card (a new
    /// message) starts without notes.
    pub message_id: u64,
    /// The first acknowledgement.
    pub acknowledged: Option<Acknowledgement>,
    /// The latest silence.
    pub silenced: Option<SilenceNote>,
}

/// A change a button makes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoteChange {
    /// Acknowledge the card; a card already acknowledged keeps the first.
    Acknowledge(Acknowledgement),
    /// Record a silence; a later silence replaces an earlier one.
    Silence(SilenceNote),
}

/// The outcome of [`Outbox::annotate`](super::Outbox::annotate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// The card's notes after the change.
    pub notes: CardNotes,
    /// Whether anything changed (an acknowledgement of a card already
    /// acknowledged changes nothing).
    pub changed: bool,
}

impl CardNotes {
    /// The notes for the card message `message_id`: these, or none when they
    /// were made on another message.
    pub fn for_message(&self, message_id: u64) -> Option<&Self> {
        (self.message_id == message_id && message_id != 0).then_some(self)
    }

    /// These notes after `change` on message `message_id`, and whether they
    /// changed. Notes of another message are dropped first.
    pub fn apply(&self, message_id: u64, change: NoteChange) -> Annotated {
        let mut notes = self
            .for_message(message_id)
            .cloned()
            .unwrap_or_else(|| Self {
                message_id,
                ..Self::default()
            });
        let changed = match change {
            NoteChange::Acknowledge(ack) => {
                if notes.acknowledged.is_some() {
                    false
                } else {
                    notes.acknowledged = Some(ack);
                    true
                }
            }
            NoteChange::Silence(silence) => {
                notes.silenced = Some(silence);
                true
            }
        };
        Annotated {
            changed: changed || notes != *self,
            notes,
        }
    }
}

/// A card found by its message, for the interactions endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CardLookup {
    /// The group the card belongs to.
    pub group_key: String,
    /// The card's state.
    pub card: CardState,
    /// Its notes (possibly of an earlier message: see [`CardNotes::for_message`]).
    pub notes: CardNotes,
    /// What the card showed at the end of its last delivery (the
    /// notification and the route it was sent by); during the card's first
    /// delivery, the group's newest entry.
    pub shown: Option<Envelope>,
}

pub(crate) fn notes_json(notes: &CardNotes) -> String {
    serde_json::to_string(notes).unwrap_or_else(|_| "{}".to_owned())
}

pub(crate) fn notes_from(text: &str) -> CardNotes {
    serde_json::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(user: u64) -> NoteChange {
        NoteChange::Acknowledge(Acknowledgement {
            user_id: user,
            user_name: format!("user{user}"),
            at_ms: 1,
        })
    }

    #[test]
    fn the_first_acknowledgement_is_kept() {
        let first = CardNotes::default().apply(7, ack(1));
        assert!(first.changed);
        let second = first.notes.apply(7, ack(2));
        assert!(!second.changed);
        assert_eq!(second.notes.acknowledged.unwrap().user_id, 1);
    }

    #[test]
    fn notes_of_an_earlier_card_are_not_carried_to_a_new_one() {
        let old = CardNotes::default().apply(7, ack(1)).notes;
        assert!(old.for_message(8).is_none());
        let new = old.apply(8, ack(2));
        assert!(new.changed);
        assert_eq!(new.notes.message_id, 8);
        assert_eq!(new.notes.acknowledged.unwrap().user_id, 2);
    }

    #[test]
    fn a_later_silence_replaces_an_earlier_one() {
        let silence = |id: &str| {
            NoteChange::Silence(SilenceNote {
                silence_id: id.to_owned(),
                user_id: 1,
                user_name: "a".into(),
                until_ms: 10,
                at_ms: 1,
            })
        };
        let first = CardNotes::default().apply(7, silence("a")).notes;
        let second = first.apply(7, silence("b"));
        assert!(second.changed);
        assert_eq!(second.notes.silenced.unwrap().silence_id, "b");
    }
}

//! Checks for interaction responses: the message of a response or followup,
//! autocomplete choices and modals.

use super::Validate;
use super::error::ViolationKind;
use super::limits::{
    CHOICE_NAME_MAX_CHARS, CHOICE_NAME_MIN_CHARS, CHOICE_VALUE_MAX_CHARS, CHOICES_MAX,
    CUSTOM_ID_MAX_CHARS, CUSTOM_ID_MIN_CHARS, INTERACTION_MESSAGE_FLAGS, MODAL_COMPONENTS_MAX,
    MODAL_COMPONENTS_MIN, MODAL_TITLE_MAX_CHARS, MODAL_TITLE_MIN_CHARS, TEXT_INPUT_LABEL_MAX_CHARS,
    TEXT_INPUT_PLACEHOLDER_MAX_CHARS, TEXT_INPUT_VALUE_MAX_CHARS,
};
use super::message::check_not_empty;
use super::report::{Report, field, item, sub_path};
use crate::component::{Component, TextInput};
use crate::interaction::{
    CommandChoice, CommandChoiceValue, InteractionMessage, InteractionResponse, Modal,
};
use crate::request::common::MessageFields;

/// What a new interaction message needs one of.
const INTERACTION_NEEDS: &str = "content, embeds or components";

/// The message fields of `message`.
fn fields(message: &InteractionMessage) -> MessageFields<'_> {
    MessageFields {
        content: message.content.as_deref(),
        embeds: Some(&message.embeds),
        components: Some(&message.components),
        allowed_mentions: message.allowed_mentions.as_ref(),
        attachments: None,
        sticker_ids: None,
        poll: None,
        flags: Some(message.flags),
    }
}

/// Checks the message of a response (type 4) or a followup: the message
/// limits (content, embeds, components, mentions), the flags a callback may
/// set ([`INTERACTION_MESSAGE_FLAGS`]), and [`ViolationKind::Empty`] when it
/// shows nothing.
pub fn check_interaction_message(report: &mut Report, path: &str, message: &InteractionMessage) {
    let fields = fields(message);
    fields.check(report, path, INTERACTION_MESSAGE_FLAGS);
    check_not_empty(report, path, fields.has_any(), INTERACTION_NEEDS);
}

/// Checks the message of an update (type 7): as
/// [`check_interaction_message`] without the emptiness rule (an update sets
/// only what it carries).
pub fn check_interaction_update(report: &mut Report, path: &str, message: &InteractionMessage) {
    fields(message).check(report, path, INTERACTION_MESSAGE_FLAGS);
}

/// Checks choices (an autocomplete result, or a command option's):
/// [`ViolationKind::TooMany`] at `path` over [`CHOICES_MAX`]; at each
/// choice, `name` outside [`CHOICE_NAME_MIN_CHARS`] to
/// [`CHOICE_NAME_MAX_CHARS`] and a text `value` over
/// [`CHOICE_VALUE_MAX_CHARS`].
pub fn check_choices(report: &mut Report, path: &str, choices: &[CommandChoice]) {
    report.max_items(path, choices.len(), CHOICES_MAX);
    for (index, choice) in choices.iter().enumerate() {
        let at = item(path, index);
        report.chars_between(
            &field(&at, "name"),
            &choice.name,
            CHOICE_NAME_MIN_CHARS,
            CHOICE_NAME_MAX_CHARS,
        );
        if let CommandChoiceValue::String(value) = &choice.value {
            report.max_chars(&field(&at, "value"), value, CHOICE_VALUE_MAX_CHARS);
        }
    }
}

/// Checks a modal: `custom_id` outside [`CUSTOM_ID_MIN_CHARS`] to
/// [`CUSTOM_ID_MAX_CHARS`], `title` outside [`MODAL_TITLE_MIN_CHARS`] to
/// [`MODAL_TITLE_MAX_CHARS`], `components` outside [`MODAL_COMPONENTS_MIN`]
/// to [`MODAL_COMPONENTS_MAX`]; each row must be an action row holding
/// exactly one text input, a text display, or a label (type 18)
/// ([`ViolationKind::WrongComponent`], [`ViolationKind::TooFew`],
/// [`ViolationKind::TooMany`]); each text input per
/// [`check_text_input`]; a `custom_id` used twice is
/// [`ViolationKind::Duplicate`].
pub fn check_modal(report: &mut Report, path: &str, modal: &Modal) {
    report.chars_between(
        &sub_path(path, "custom_id"),
        &modal.custom_id,
        CUSTOM_ID_MIN_CHARS,
        CUSTOM_ID_MAX_CHARS,
    );
    report.chars_between(
        &sub_path(path, "title"),
        &modal.title,
        MODAL_TITLE_MIN_CHARS,
        MODAL_TITLE_MAX_CHARS,
    );
    let rows = sub_path(path, "components");
    report.items_between(
        &rows,
        modal.components.len(),
        MODAL_COMPONENTS_MIN,
        MODAL_COMPONENTS_MAX,
    );
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (index, row) in modal.components.iter().enumerate() {
        let at = item(&rows, index);
        match row {
            Component::ActionRow(row) => {
                let inner = field(&at, "components");
                report.items_between(&inner, row.components.len(), 1, 1);
                for (i, child) in row.components.iter().enumerate() {
                    let child_at = item(&inner, i);
                    if let Component::TextInput(input) = child {
                        check_text_input(report, &child_at, input);
                        let id_at = field(&child_at, "custom_id");
                        if let Some((_, first)) = seen.iter().find(|(id, _)| *id == input.custom_id)
                        {
                            report.push(
                                id_at,
                                ViolationKind::Duplicate {
                                    value: input.custom_id.clone(),
                                    first: first.clone(),
                                },
                            );
                        } else {
                            seen.push((&input.custom_id, id_at));
                        }
                    } else {
                        report.push(
                            child_at,
                            ViolationKind::WrongComponent {
                                found: "a component other than a text input".to_owned(),
                                expected: "a text input",
                            },
                        );
                    }
                }
            }
            Component::TextDisplay(_) | Component::Unknown { kind: 18, .. } => {}
            _ => report.push(
                at,
                ViolationKind::WrongComponent {
                    found: "a component other than a row, label or text display".to_owned(),
                    expected: "an action row holding one text input, a label or a text display",
                },
            ),
        }
    }
}

/// Checks a text input: `custom_id` outside [`CUSTOM_ID_MIN_CHARS`] to
/// [`CUSTOM_ID_MAX_CHARS`], `label` over [`TEXT_INPUT_LABEL_MAX_CHARS`]
/// (at least 1 char when set), `placeholder` over
/// [`TEXT_INPUT_PLACEHOLDER_MAX_CHARS`], `value` over
/// [`TEXT_INPUT_VALUE_MAX_CHARS`], `min_length` outside 0 to 4000 and
/// `max_length` outside 1 to 4000 ([`ViolationKind::OutOfRange`]), and
/// `min_length` above `max_length` ([`ViolationKind::MoreThan`]).
pub fn check_text_input(report: &mut Report, path: &str, input: &TextInput) {
    let max = i64::try_from(TEXT_INPUT_VALUE_MAX_CHARS).unwrap_or(i64::MAX);
    report.chars_between(
        &field(path, "custom_id"),
        &input.custom_id,
        CUSTOM_ID_MIN_CHARS,
        CUSTOM_ID_MAX_CHARS,
    );
    if let Some(label) = &input.label {
        report.chars_between(&field(path, "label"), label, 1, TEXT_INPUT_LABEL_MAX_CHARS);
    }
    if let Some(placeholder) = &input.placeholder {
        report.max_chars(
            &field(path, "placeholder"),
            placeholder,
            TEXT_INPUT_PLACEHOLDER_MAX_CHARS,
        );
    }
    if let Some(value) = &input.value {
        report.max_chars(&field(path, "value"), value, TEXT_INPUT_VALUE_MAX_CHARS);
    }
    if let Some(min) = input.min_length {
        report.in_range(&field(path, "min_length"), i64::from(min), 0, max);
    }
    if let Some(most) = input.max_length {
        report.in_range(&field(path, "max_length"), i64::from(most), 1, max);
    }
    if let (Some(min), Some(most)) = (input.min_length, input.max_length) {
        if min > most {
            report.push(
                field(path, "min_length"),
                ViolationKind::MoreThan {
                    actual: i64::from(min),
                    other: "max_length",
                    other_value: i64::from(most),
                },
            );
        }
    }
}

impl Validate for InteractionMessage {
    /// As [`check_interaction_message`]: the body of a response message or
    /// a followup.
    fn check(&self, report: &mut Report, path: &str) {
        check_interaction_message(report, path, self);
    }
}

impl Validate for InteractionResponse {
    /// Checks the response's `data` (paths start with `data.`): a message
    /// per [`check_interaction_message`], an update per
    /// [`check_interaction_update`], choices per [`check_choices`], a modal
    /// per [`check_modal`]; a deferred message may set only `EPHEMERAL`,
    /// which it always satisfies.
    fn check(&self, report: &mut Report, path: &str) {
        let data = sub_path(path, "data");
        match self {
            Self::Pong | Self::DeferredMessage { .. } | Self::DeferredUpdate => {}
            Self::Message(message) => check_interaction_message(report, &data, message),
            Self::UpdateMessage(message) => check_interaction_update(report, &data, message),
            Self::Choices(choices) => check_choices(report, &field(&data, "choices"), choices),
            Self::Modal(modal) => check_modal(report, &data, modal),
        }
    }
}

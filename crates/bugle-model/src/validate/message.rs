//! Checks for the parts of a message body other than embeds and components.

use super::error::ViolationKind;
use super::limits::{
    ALLOWED_MENTIONS_ROLES_MAX, ALLOWED_MENTIONS_USERS_MAX, ATTACHMENT_DESCRIPTION_MAX_CHARS,
    ATTACHMENT_FILENAME_MAX_CHARS, ATTACHMENT_TITLE_MAX_CHARS, ATTACHMENTS_MAX, CONTENT_MAX_CHARS,
    NONCE_MAX_CHARS, POLL_ANSWER_MAX_CHARS, POLL_ANSWERS_MAX, POLL_ANSWERS_MIN,
    POLL_DURATION_MAX_HOURS, POLL_DURATION_MIN_HOURS, POLL_QUESTION_MAX_CHARS, STICKER_IDS_MAX,
    VOICE_DURATION_MAX_SECS, VOICE_WAVEFORM_MAX_CHARS,
};
use super::report::{Report, field, item};
use crate::message::{MessageFlags, MessageReference, MessageReferenceType, Nonce};
use crate::request::{AllowedMentions, Attachments, CreatePoll, MentionType};

/// Checks a message's `content`.
///
/// Violations: [`ViolationKind::TooLong`] at `path` over [`CONTENT_MAX_CHARS`].
pub fn check_content(report: &mut Report, path: &str, content: &str) {
    report.max_chars(path, content, CONTENT_MAX_CHARS);
}

/// Checks a `nonce`.
///
/// Violations: [`ViolationKind::TooLong`] at `path` for a string over
/// [`NONCE_MAX_CHARS`] (integers are always accepted).
pub fn check_nonce(report: &mut Report, path: &str, nonce: &Nonce) {
    if let Nonce::String(text) = nonce {
        report.max_chars(path, text, NONCE_MAX_CHARS);
    }
}

/// Checks the number of `sticker_ids`.
///
/// Violations: [`ViolationKind::TooMany`] at `path` over [`STICKER_IDS_MAX`].
pub fn check_sticker_ids(report: &mut Report, path: &str, count: usize) {
    report.max_items(path, count, STICKER_IDS_MAX);
}

/// Checks a body's `attachments` and the files uploaded with it.
///
/// Violations:
/// - [`ViolationKind::TooMany`] at `path` over [`ATTACHMENTS_MAX`] entries;
/// - [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`] at
///   `path[i].filename` outside 1 to [`ATTACHMENT_FILENAME_MAX_CHARS`];
/// - [`ViolationKind::TooLong`] at `path[i].description` over
///   [`ATTACHMENT_DESCRIPTION_MAX_CHARS`], and at `path[i].title` over
///   [`ATTACHMENT_TITLE_MAX_CHARS`];
/// - [`ViolationKind::FileTooLarge`] at `path[i]` for a file over the
///   context's [`max_file_bytes`](super::ValidationContext::max_file_bytes)
///   ([`FILE_MAX_BYTES`](super::FILE_MAX_BYTES), 10 MiB, by default);
/// - [`ViolationKind::TooLarge`] at `path` when the files add up to more
///   than the context's
///   [`max_request_bytes`](super::ValidationContext::max_request_bytes)
///   ([`REQUEST_MAX_BYTES`](super::REQUEST_MAX_BYTES), 25 MiB, by default).
pub fn check_attachments(report: &mut Report, path: &str, attachments: &Attachments) {
    report.max_items(path, attachments.len(), ATTACHMENTS_MAX);
    let max_file = report.context().max_file_bytes();
    for (position, bytes) in attachments.upload_sizes() {
        if bytes > max_file {
            report.push(
                item(path, position),
                ViolationKind::FileTooLarge {
                    max: max_file,
                    actual: bytes,
                },
            );
        }
    }
    for (index, entry) in attachments.entries().iter().enumerate() {
        let at = item(path, index);
        if let Some(filename) = &entry.filename {
            report.chars_between(
                &field(&at, "filename"),
                filename,
                1,
                ATTACHMENT_FILENAME_MAX_CHARS,
            );
        }
        if let Some(description) = &entry.description {
            report.max_chars(
                &field(&at, "description"),
                description,
                ATTACHMENT_DESCRIPTION_MAX_CHARS,
            );
        }
        if let Some(title) = &entry.title {
            report.max_chars(&field(&at, "title"), title, ATTACHMENT_TITLE_MAX_CHARS);
        }
    }
    let bytes = attachments.upload_bytes();
    let max_request = report.context().max_request_bytes();
    if bytes > max_request {
        report.push(
            path,
            ViolationKind::TooLarge {
                max: max_request,
                actual: bytes,
            },
        );
    }
}

/// Checks the attachments of a voice message (`IS_VOICE_MESSAGE`): the
/// audio file must say how long it is and carry its waveform.
///
/// Violations:
/// - [`ViolationKind::Required`] at `path` when there is no attachment;
/// - [`ViolationKind::Required`] at `path[i].duration_secs` and
///   `path[i].waveform` when missing;
/// - [`ViolationKind::OutOfRange`] at `path[i].duration_secs` over
///   [`VOICE_DURATION_MAX_SECS`];
/// - [`ViolationKind::TooLong`] at `path[i].waveform` over
///   [`VOICE_WAVEFORM_MAX_CHARS`] (base64 text), and
///   [`ViolationKind::BadFormat`] there unless it is padded standard base64.
pub fn check_voice_message(report: &mut Report, path: &str, attachments: &Attachments) {
    const WHEN: &str = "on the attachment of a voice message";
    if attachments.is_empty() {
        report.push(
            path,
            ViolationKind::Required {
                when: "on a voice message (its audio file)",
            },
        );
    }
    for (index, entry) in attachments.entries().iter().enumerate() {
        let at = item(path, index);
        let duration_path = field(&at, "duration_secs");
        match entry.duration {
            Some(duration) => report.in_range(
                &duration_path,
                i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
                0,
                i64::try_from(VOICE_DURATION_MAX_SECS).unwrap_or(i64::MAX),
            ),
            None => report.push(duration_path, ViolationKind::Required { when: WHEN }),
        }
        let waveform_path = field(&at, "waveform");
        match &entry.waveform {
            Some(waveform) => {
                report.max_chars(&waveform_path, waveform, VOICE_WAVEFORM_MAX_CHARS);
                if !is_base64(waveform) {
                    report.push(
                        waveform_path,
                        ViolationKind::BadFormat {
                            expected: "be base64 (standard alphabet, padded)",
                        },
                    );
                }
            }
            None => report.push(waveform_path, ViolationKind::Required { when: WHEN }),
        }
    }
}

/// Whether `text` is standard base64 with its `=` padding: groups of four
/// characters of `A-Z a-z 0-9 + /`, the last group ending in at most two `=`.
fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|&&byte| byte == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/')
}

/// Checks a `message_reference` sent to make a reply or a forward.
///
/// Violations:
/// - [`ViolationKind::Required`] at `path.message_id` when missing;
/// - [`ViolationKind::Required`] at `path.channel_id` when missing on a
///   forward (`type` 1): a reply may leave it out, a forward may not.
pub fn check_message_reference(report: &mut Report, path: &str, reference: &MessageReference) {
    if reference.message_id.is_none() {
        report.push(
            field(path, "message_id"),
            ViolationKind::Required {
                when: "on a message reference",
            },
        );
    }
    if reference.kind == Some(MessageReferenceType::Forward) && reference.channel_id.is_none() {
        report.push(
            field(path, "channel_id"),
            ViolationKind::Required {
                when: "on a forward",
            },
        );
    }
}

/// Checks that an edit setting `IS_COMPONENTS_V2` clears the fields V2
/// turns off. Discord refuses the switch (400) unless the edit itself
/// resets them: `null` (`Patch::Clear`), or an empty string or list, are
/// both accepted here. `fields` pairs each such field's name (`content`,
/// `embeds`, `poll`, `sticker_ids`, those the body has) with whether the
/// edit clears it; a field set to a value is reported by
/// [`check_components_v2_exclusive`] instead, so pass `true` for it.
///
/// Violations: [`ViolationKind::Required`] at `path.<field>` for each one
/// the edit leaves alone.
pub fn check_components_v2_switch(report: &mut Report, path: &str, fields: &[(&str, bool)]) {
    for &(name, cleared) in fields {
        if !cleared {
            report.push(
                field(path, name),
                ViolationKind::Required {
                    when: "as null or empty when an edit sets IS_COMPONENTS_V2",
                },
            );
        }
    }
}

/// Checks a `poll` set by an edit of a webhook message: Discord takes one
/// only when the edit is of a deferred interaction response, which the
/// body cannot tell, so it is refused unless the report's context says so
/// ([`ValidationContext::with_deferred_interaction_response`](super::ValidationContext::with_deferred_interaction_response)).
///
/// Violations: [`ViolationKind::NotAllowed`] at `path` when `has_poll` and
/// the context is not a deferred interaction response.
pub fn check_webhook_edit_poll(report: &mut Report, path: &str, has_poll: bool) {
    if has_poll && !report.context().is_deferred_interaction_response() {
        report.push(
            path,
            ViolationKind::NotAllowed {
                when: "in a webhook message edit, except of a deferred interaction response",
            },
        );
    }
}

/// Checks that `flags` sets only bits in `allowed` (e.g.
/// [`CREATE_MESSAGE_FLAGS`](super::CREATE_MESSAGE_FLAGS)).
///
/// Violations: [`ViolationKind::FlagsNotSettable`] at `path` with the other bits.
pub fn check_flags(report: &mut Report, path: &str, flags: MessageFlags, allowed: MessageFlags) {
    let extra = flags - allowed;
    if !extra.is_empty() {
        report.push(path, ViolationKind::FlagsNotSettable { bits: extra.bits() });
    }
}

/// Checks that a Components V2 message sets none of the fields V2 turns
/// off. `fields` pairs each such field's name (`content`, `embeds`, `poll`,
/// `sticker_ids`) with whether the body sets it.
///
/// Violations: [`ViolationKind::NotAllowed`] at `path.<field>` for each one set.
pub fn check_components_v2_exclusive(report: &mut Report, path: &str, fields: &[(&str, bool)]) {
    for &(name, set) in fields {
        if set {
            report.push(
                field(path, name),
                ViolationKind::NotAllowed {
                    when: "on a components v2 message",
                },
            );
        }
    }
}

/// Checks that a new message has something to show.
///
/// Violations: [`ViolationKind::Empty`] at `path` when `has_any` is false;
/// `needs` lists the fields of which one is required.
pub fn check_not_empty(report: &mut Report, path: &str, has_any: bool, needs: &'static str) {
    if !has_any {
        report.push(path, ViolationKind::Empty { needs });
    }
}

/// Checks `allowed_mentions`.
///
/// Violations:
/// - [`ViolationKind::TooMany`] at `path.users` / `path.roles` over
///   [`ALLOWED_MENTIONS_USERS_MAX`] / [`ALLOWED_MENTIONS_ROLES_MAX`];
/// - [`ViolationKind::Conflict`] at `path.users` when `parse` has `users`
///   and the list is not empty (the same for roles);
/// - [`ViolationKind::Duplicate`] at `path.users[i]` / `path.roles[i]` for
///   an id listed twice.
pub fn check_allowed_mentions(report: &mut Report, path: &str, mentions: &AllowedMentions) {
    if mentions.users.is_empty() && mentions.roles.is_empty() {
        // Every rule is about a listed id: nothing to break (the common
        // case, and every send checks it).
        return;
    }
    let users = field(path, "users");
    let roles = field(path, "roles");
    report.max_items(&users, mentions.users.len(), ALLOWED_MENTIONS_USERS_MAX);
    report.max_items(&roles, mentions.roles.len(), ALLOWED_MENTIONS_ROLES_MAX);
    if mentions.parse.contains(&MentionType::Users) && !mentions.users.is_empty() {
        let parse = field(path, "parse");
        report.push(
            &users,
            ViolationKind::Conflict {
                with: format!("{parse} \"users\""),
            },
        );
    }
    if mentions.parse.contains(&MentionType::Roles) && !mentions.roles.is_empty() {
        let parse = field(path, "parse");
        report.push(
            &roles,
            ViolationKind::Conflict {
                with: format!("{parse} \"roles\""),
            },
        );
    }
    check_unique(report, &users, &mentions.users);
    check_unique(report, &roles, &mentions.roles);
}

/// [`ViolationKind::Duplicate`] at `path[i]` for each item equal to an earlier one.
fn check_unique<T: PartialEq + std::fmt::Display>(report: &mut Report, path: &str, items: &[T]) {
    for (index, value) in items.iter().enumerate() {
        if let Some(first) = items[..index].iter().position(|earlier| earlier == value) {
            report.push(
                item(path, index),
                ViolationKind::Duplicate {
                    value: value.to_string(),
                    first: item(path, first),
                },
            );
        }
    }
}

/// Checks a new poll.
///
/// Violations:
/// - [`ViolationKind::Required`] at `path.question.text` when missing,
///   [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`] outside 1 to
///   [`POLL_QUESTION_MAX_CHARS`];
/// - [`ViolationKind::TooFew`] / [`ViolationKind::TooMany`] at `path.answers`
///   outside [`POLL_ANSWERS_MIN`] to [`POLL_ANSWERS_MAX`];
/// - [`ViolationKind::Required`] at `path.answers[i].poll_media.text` when
///   missing, [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`]
///   outside 1 to [`POLL_ANSWER_MAX_CHARS`];
/// - [`ViolationKind::OutOfRange`] at `path.duration` outside
///   [`POLL_DURATION_MIN_HOURS`] to [`POLL_DURATION_MAX_HOURS`].
pub fn check_poll(report: &mut Report, path: &str, poll: &CreatePoll) {
    let question = field(path, "question.text");
    match &poll.question.text {
        Some(text) => report.chars_between(&question, text, 1, POLL_QUESTION_MAX_CHARS),
        None => report.push(question, ViolationKind::Required { when: "in a poll" }),
    }
    let answers = field(path, "answers");
    report.items_between(
        &answers,
        poll.answers.len(),
        POLL_ANSWERS_MIN,
        POLL_ANSWERS_MAX,
    );
    for (index, answer) in poll.answers.iter().enumerate() {
        let text_path = field(&item(&answers, index), "poll_media.text");
        match &answer.poll_media.text {
            Some(text) => report.chars_between(&text_path, text, 1, POLL_ANSWER_MAX_CHARS),
            None => report.push(
                text_path,
                ViolationKind::Required {
                    when: "in a poll answer",
                },
            ),
        }
    }
    if let Some(hours) = poll.duration {
        report.in_range(
            &field(path, "duration"),
            i64::from(hours),
            i64::from(POLL_DURATION_MIN_HOURS),
            i64::from(POLL_DURATION_MAX_HOURS),
        );
    }
}

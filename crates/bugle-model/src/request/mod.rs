//! The bodies bugle sends, with fluent builders and [`Validate`]
//! implementations:
//!
//! | body | operation |
//! |---|---|
//! | [`CreateMessage`] | create a channel message (or DM message) |
//! | [`EditMessage`] | edit a channel message |
//! | [`ExecuteWebhook`] + [`ExecuteWebhookQuery`] | execute a webhook |
//! | [`EditWebhookMessage`] + [`EditWebhookMessageQuery`] | edit a webhook's message |
//! | [`CreateThreadFromMessage`] | start a thread from a message |
//! | [`CreateThread`] | start a thread without a message |
//! | [`CreateForumThread`] ([`ForumThreadMessage`]) | create a forum or media post |
//! | [`CreateDm`] | open a DM channel |
//!
//! Absent fields are left out of the JSON. Edit bodies use [`Patch`] to
//! tell "leave alone" from "clear" from "set".
//!
//! # Sending a body
//!
//! Every body implements [`RequestBody`]: validate it, then if
//! [`files`](RequestBody::files) is empty send
//! [`payload_json`](RequestBody::payload_json) as `application/json`;
//! otherwise send `multipart/form-data` with a `payload_json` part holding
//! that JSON (`Content-Type: application/json`) and one part per file, named
//! [`FilePart::field_name`] (`files[n]`) with the file name
//! [`FilePart::filename`]. The `attachments[]` entries in the JSON carry the
//! same `n` as ids, by construction (see [`Attachments`]).
//!
//! [`Validate`]: crate::validate::Validate

mod attachment;
pub(crate) mod common;
mod create_message;
mod dm;
mod edit_message;
mod mentions;
mod patch;
mod poll;
mod thread;
mod webhook;

pub use attachment::{
    AttachmentEntry, AttachmentFile, AttachmentSlot, Attachments, FilePart, SPOILER_PREFIX,
};
pub use create_message::CreateMessage;
pub use dm::CreateDm;
pub use edit_message::EditMessage;
pub use mentions::{AllowedMentions, MentionType};
pub use patch::Patch;
pub use poll::{CreatePoll, CreatePollAnswer};
pub use thread::{CreateForumThread, CreateThread, CreateThreadFromMessage, ForumThreadMessage};
pub use webhook::{
    EditWebhookMessage, EditWebhookMessageQuery, ExecuteWebhook, ExecuteWebhookQuery,
};

use serde::Serialize;

use crate::validate::Validate;

/// What the facade needs to send a body: its JSON and its files.
pub trait RequestBody: Serialize + Validate {
    /// The files to upload as multipart parts, each with its `files[n]`
    /// index; empty when the body goes as plain JSON.
    fn files(&self) -> Vec<FilePart<'_>> {
        Vec::new()
    }

    /// The JSON body: the whole request for plain JSON, the `payload_json`
    /// part for multipart.
    ///
    /// # Errors
    ///
    /// If serialisation fails, which the bodies here never do.
    fn payload_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(self)
    }
}

/// A followup or a response message: plain JSON (files are not supported in
/// interaction messages by this version).
impl RequestBody for crate::interaction::InteractionMessage {}

/// A bulk overwrite of application commands: plain JSON.
impl RequestBody for crate::command::CommandSet {}

//! [`CreateMessage`]: the body of `POST /channels/{channel.id}/messages`.

use serde::{Deserialize, Serialize};

use super::common::{MessageFields, is_false, no_flags};
use super::{AllowedMentions, AttachmentFile, Attachments, CreatePoll, FilePart, RequestBody};
use crate::component::Component;
use crate::embed::Embed;
use crate::id::{MessageId, StickerId};
use crate::message::{MessageFlags, MessageReference, MessageReferenceType, Nonce};
use crate::validate::{
    CREATE_MESSAGE_FLAGS, Report, Validate, check_message_reference, check_nonce, check_not_empty,
};

/// The fields of which a new message needs at least one.
const CREATE_NEEDS: &str = "content, embeds, components, sticker_ids, files or poll";

/// A new channel message (also a DM, once the DM channel exists).
///
/// ```
/// use bugle_model::request::{AllowedMentions, CreateMessage};
/// use bugle_model::validate::Validate;
///
/// let message = CreateMessage::new()
///     .content("deploy finished")
///     .allowed_mentions(AllowedMentions::none());
/// assert!(message.validate().is_ok());
/// assert_eq!(
///     serde_json::to_string(&message).unwrap(),
///     r#"{"content":"deploy finished","allowed_mentions":{"parse":[]}}"#,
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct CreateMessage {
    /// The text, at most 2000 chars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A value echoed back in the message; with `enforce_nonce`, a resend
    /// with the same nonce returns the first message instead of a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<Nonce>,
    /// Whether Discord drops a repeat of this `nonce` from the same author.
    #[serde(default, skip_serializing_if = "is_false")]
    pub enforce_nonce: bool,
    /// Whether the message is read aloud (needs `SEND_TTS_MESSAGES`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub tts: bool,
    /// Up to 10 rich embeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<Embed>,
    /// Which mentions may ping; absent means Discord's default (all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_mentions: Option<AllowedMentions>,
    /// The message this replies to or forwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_reference: Option<MessageReference>,
    /// Action rows, or Components V2 layout with [`MessageFlags::IS_COMPONENTS_V2`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Up to 3 stickers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sticker_ids: Vec<StickerId>,
    /// Files to upload (see [`Attachments`]).
    #[serde(default, skip_serializing_if = "Attachments::is_empty")]
    pub attachments: Attachments,
    /// `SUPPRESS_EMBEDS`, `SUPPRESS_NOTIFICATIONS`, `IS_VOICE_MESSAGE` or `IS_COMPONENTS_V2`.
    #[serde(default, skip_serializing_if = "no_flags")]
    pub flags: MessageFlags,
    /// A poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<CreatePoll>,
}

impl CreateMessage {
    /// An empty message; add at least one of content, embeds, components,
    /// stickers, files or a poll.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Adds an embed.
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.push(embed);
        self
    }

    /// Adds embeds.
    pub fn embeds(mut self, embeds: impl IntoIterator<Item = Embed>) -> Self {
        self.embeds.extend(embeds);
        self
    }

    /// Adds a top-level component (an action row, or a V2 layout component).
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }

    /// Adds top-level components.
    pub fn components(mut self, components: impl IntoIterator<Item = Component>) -> Self {
        self.components.extend(components);
        self
    }

    /// Sets which mentions may ping.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Some(mentions);
        self
    }

    /// Makes the message a reply to `message_id` (in the same channel).
    pub fn reply_to(mut self, message_id: MessageId) -> Self {
        self.message_reference = Some(MessageReference::reply(message_id));
        self
    }

    /// Sets the message reference (a reply or a forward).
    pub fn reference(mut self, reference: MessageReference) -> Self {
        self.message_reference = Some(reference);
        self
    }

    /// Sets a nonce and whether Discord should drop repeats of it.
    pub fn nonce(mut self, nonce: impl Into<Nonce>, enforce: bool) -> Self {
        self.nonce = Some(nonce.into());
        self.enforce_nonce = enforce;
        self
    }

    /// Sets text-to-speech.
    pub fn tts(mut self, tts: bool) -> Self {
        self.tts = tts;
        self
    }

    /// Adds a sticker.
    pub fn sticker(mut self, sticker: StickerId) -> Self {
        self.sticker_ids.push(sticker);
        self
    }

    /// Adds a file to upload.
    pub fn file(mut self, file: AttachmentFile) -> Self {
        self.attachments.push_file(file);
        self
    }

    /// Adds flags to the message's flags.
    pub fn flags(mut self, flags: MessageFlags) -> Self {
        self.flags |= flags;
        self
    }

    /// Sets a poll.
    pub fn poll(mut self, poll: CreatePoll) -> Self {
        self.poll = Some(poll);
        self
    }

    fn fields(&self) -> MessageFields<'_> {
        MessageFields {
            content: self.content.as_deref(),
            embeds: Some(&self.embeds),
            components: Some(&self.components),
            allowed_mentions: self.allowed_mentions.as_ref(),
            attachments: Some(&self.attachments),
            sticker_ids: Some(self.sticker_ids.len()),
            poll: self.poll.as_ref(),
            flags: Some(self.flags),
        }
    }
}

impl Validate for CreateMessage {
    /// Checks content, embeds, components, allowed mentions, nonce,
    /// stickers, attachments (and the voice message rules with
    /// `IS_VOICE_MESSAGE`), flags, poll, the message reference (a forward
    /// names its channel), the Components V2 exclusivity and that the
    /// message is not empty (a forward needs only its reference).
    fn check(&self, report: &mut Report, path: &str) {
        let fields = self.fields();
        fields.check(report, path, CREATE_MESSAGE_FLAGS);
        if let Some(nonce) = &self.nonce {
            check_nonce(report, &crate::validate::sub_path(path, "nonce"), nonce);
        }
        if let Some(reference) = &self.message_reference {
            check_message_reference(
                report,
                &crate::validate::sub_path(path, "message_reference"),
                reference,
            );
        }
        let forward = self
            .message_reference
            .as_ref()
            .is_some_and(|reference| reference.kind == Some(MessageReferenceType::Forward));
        check_not_empty(report, path, forward || fields.has_any(), CREATE_NEEDS);
    }
}

impl RequestBody for CreateMessage {
    fn files(&self) -> Vec<FilePart<'_>> {
        self.attachments.files()
    }
}

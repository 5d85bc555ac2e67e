//! [`EditMessage`]: the body of `PATCH /channels/{channel.id}/messages/{message.id}`.

use serde::{Deserialize, Serialize};

use super::common::MessageFields;
use super::{AllowedMentions, AttachmentFile, Attachments, FilePart, Patch, RequestBody};
use crate::component::Component;
use crate::embed::Embed;
use crate::id::{AttachmentId, StickerId};
use crate::message::MessageFlags;
use crate::validate::{EDIT_MESSAGE_FLAGS, Report, Validate, check_components_v2_switch};

/// An edit of a message. Every field is a [`Patch`]: left alone (the
/// default), cleared (`null`) or replaced.
///
/// Attachments: since API v10 a sent `attachments` array lists every
/// attachment the message keeps, old and new; anything not listed is
/// removed. So when adding a file, also [`keep_attachment`](Self::keep_attachment)
/// each existing one that should stay.
///
/// Mentions are recomputed when content changes; without `allowed_mentions`
/// the default parsing applies, not the original message's settings.
///
/// ```
/// use bugle_model::request::EditMessage;
///
/// let edit = EditMessage::new().content("stage 2 of 3 done").clear_embeds();
/// assert_eq!(
///     serde_json::to_string(&edit).unwrap(),
///     r#"{"content":"stage 2 of 3 done","embeds":null}"#,
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct EditMessage {
    /// The text, at most 2000 chars.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub content: Patch<String>,
    /// Up to 10 embeds, replacing all the current ones.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub embeds: Patch<Vec<Embed>>,
    /// The flags to keep set: only `SUPPRESS_EMBEDS` (set or clear) and
    /// `IS_COMPONENTS_V2` (set only) take effect.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub flags: Patch<MessageFlags>,
    /// Which mentions in the new content may ping.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub allowed_mentions: Patch<AllowedMentions>,
    /// Stickers; set to empty when switching a message to Components V2.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub sticker_ids: Patch<Vec<StickerId>>,
    /// The components, replacing all the current ones.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub components: Patch<Vec<Component>>,
    /// The attachments to keep and the files to add.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub attachments: Patch<Attachments>,
}

impl EditMessage {
    /// An edit that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Patch::Set(content.into());
        self
    }

    /// Removes the text.
    pub fn clear_content(mut self) -> Self {
        self.content = Patch::Clear;
        self
    }

    /// Adds an embed to the embeds being set (the first call replaces the
    /// message's current embeds).
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.get_or_insert_with(Vec::new).push(embed);
        self
    }

    /// Replaces the embeds.
    pub fn embeds(mut self, embeds: impl IntoIterator<Item = Embed>) -> Self {
        self.embeds = Patch::Set(embeds.into_iter().collect());
        self
    }

    /// Removes every embed.
    pub fn clear_embeds(mut self) -> Self {
        self.embeds = Patch::Clear;
        self
    }

    /// Sets the flags (send every bit that should stay set).
    pub fn flags(mut self, flags: MessageFlags) -> Self {
        self.flags = Patch::Set(flags);
        self
    }

    /// Sets which mentions may ping.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Patch::Set(mentions);
        self
    }

    /// Adds a component to the components being set (the first call
    /// replaces the message's current components).
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components
            .get_or_insert_with(Vec::new)
            .push(component.into());
        self
    }

    /// Replaces the components.
    pub fn components(mut self, components: impl IntoIterator<Item = Component>) -> Self {
        self.components = Patch::Set(components.into_iter().collect());
        self
    }

    /// Removes every component.
    pub fn clear_components(mut self) -> Self {
        self.components = Patch::Clear;
        self
    }

    /// Replaces the stickers (empty to remove them).
    pub fn sticker_ids(mut self, stickers: impl IntoIterator<Item = StickerId>) -> Self {
        self.sticker_ids = Patch::Set(stickers.into_iter().collect());
        self
    }

    /// Keeps an existing attachment (list every one that should stay).
    pub fn keep_attachment(mut self, id: AttachmentId) -> Self {
        self.attachments
            .get_or_insert_with(Attachments::new)
            .keep(id);
        self
    }

    /// Adds a file to upload.
    pub fn file(mut self, file: AttachmentFile) -> Self {
        self.attachments
            .get_or_insert_with(Attachments::new)
            .push_file(file);
        self
    }

    /// Switches the message to Components V2: sets `IS_COMPONENTS_V2` (keeping
    /// `SUPPRESS_EMBEDS` if the edit already sets it), replaces the
    /// components, and clears the content, embeds and stickers, as Discord
    /// requires of the switch.
    ///
    /// ```
    /// use bugle_model::component::TextDisplay;
    /// use bugle_model::request::EditMessage;
    /// use bugle_model::validate::Validate;
    ///
    /// let edit = EditMessage::new().switch_to_components_v2([TextDisplay::new("done").into()]);
    /// assert!(edit.validate().is_ok());
    /// assert_eq!(
    ///     serde_json::to_string(&edit).unwrap(),
    ///     r#"{"content":null,"embeds":null,"flags":32768,"sticker_ids":null,"components":[{"type":10,"content":"done"}]}"#,
    /// );
    /// ```
    pub fn switch_to_components_v2(
        mut self,
        components: impl IntoIterator<Item = Component>,
    ) -> Self {
        let kept = self.flags.as_set().copied().unwrap_or_default() & MessageFlags::SUPPRESS_EMBEDS;
        self.flags = Patch::Set(kept | MessageFlags::IS_COMPONENTS_V2);
        self.content = Patch::Clear;
        self.embeds = Patch::Clear;
        self.sticker_ids = Patch::Clear;
        self.components(components)
    }

    /// Removes every attachment (sends an empty list).
    pub fn clear_attachments(mut self) -> Self {
        self.attachments = Patch::Set(Attachments::new());
        self
    }
}

impl Validate for EditMessage {
    /// Checks every field being set as for a new message (no emptiness rule),
    /// the flags an edit may set, and when the edit sets `IS_COMPONENTS_V2`,
    /// the Components V2 exclusivity and that `content`, `embeds` and
    /// `sticker_ids` are cleared (null or empty), which Discord requires of
    /// a switch to V2 (see [`check_components_v2_switch`]; this body has no
    /// `poll`, as Discord's edit schema has none).
    fn check(&self, report: &mut Report, path: &str) {
        let fields = MessageFields {
            content: self.content.as_set().map(String::as_str),
            embeds: self.embeds.as_set().map(Vec::as_slice),
            components: self.components.as_set().map(Vec::as_slice),
            allowed_mentions: self.allowed_mentions.as_set(),
            attachments: self.attachments.as_set(),
            sticker_ids: self.sticker_ids.as_set().map(Vec::len),
            poll: None,
            flags: self.flags.as_set().copied(),
        };
        fields.check(report, path, EDIT_MESSAGE_FLAGS);
        if self.sets_components_v2() {
            check_components_v2_switch(
                report,
                path,
                &[
                    ("content", !self.content.is_keep()),
                    ("embeds", !self.embeds.is_keep()),
                    ("sticker_ids", !self.sticker_ids.is_keep()),
                ],
            );
        }
    }
}

impl EditMessage {
    /// Whether the edit sets `IS_COMPONENTS_V2`.
    fn sets_components_v2(&self) -> bool {
        self.flags
            .as_set()
            .is_some_and(|flags| flags.contains(MessageFlags::IS_COMPONENTS_V2))
    }
}

impl RequestBody for EditMessage {
    fn files(&self) -> Vec<FilePart<'_>> {
        self.attachments
            .as_set()
            .map(Attachments::files)
            .unwrap_or_default()
    }
}

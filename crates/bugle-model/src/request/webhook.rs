//! Webhook bodies: [`ExecuteWebhook`] (`POST /webhooks/{id}/{token}`) and
//! [`EditWebhookMessage`] (`PATCH /webhooks/{id}/{token}/messages/{message.id}`),
//! with their query strings.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::common::{MessageFields, is_false, no_flags};
use super::{
    AllowedMentions, AttachmentFile, Attachments, CreatePoll, FilePart, Patch, RequestBody,
};
use crate::component::Component;
use crate::embed::Embed;
use crate::id::{ChannelId, TagId};
use crate::message::MessageFlags;
use crate::validate::{
    Report, Validate, ValidationContext, ValidationError, WEBHOOK_MESSAGE_FLAGS,
    check_applied_tags, check_avatar_url, check_components_v2_switch, check_not_empty,
    check_thread_name, check_thread_target, check_webhook_edit_poll, check_webhook_username,
    sub_path,
};

/// The fields of which a webhook message needs at least one.
const WEBHOOK_NEEDS: &str = "content, embeds, components, files or poll";

/// A message sent through a webhook.
///
/// Pair it with an [`ExecuteWebhookQuery`]: `wait=true` to get the created
/// message back, `thread_id` to post in a thread. In a forum or media
/// channel, name the post's thread with [`thread_name`](Self::thread_name)
/// *or* post in one with `thread_id`, never both
/// ([`validate_with_query`](Self::validate_with_query) checks this).
///
/// ```
/// use bugle_model::builder::{Colour, EmbedBuilder};
/// use bugle_model::request::ExecuteWebhook;
/// use bugle_model::validate::Validate;
///
/// let alert = ExecuteWebhook::new()
///     .username("alerts")
///     .embed(EmbedBuilder::new().title("disk full").colour(Colour::RED).build());
/// assert!(alert.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct ExecuteWebhook {
    /// The text, at most 2000 chars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Overrides the webhook's name: 1 to 80 chars, without "clyde" or "discord".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Overrides the webhook's avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Whether the message is read aloud.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tts: bool,
    /// Up to 10 embeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<Embed>,
    /// Which mentions may ping; absent means users only (webhook default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_mentions: Option<AllowedMentions>,
    /// Components; non-app-owned webhooks need `with_components=true` and
    /// may send only non-interactive ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Files to upload.
    #[serde(default, skip_serializing_if = "Attachments::is_empty")]
    pub attachments: Attachments,
    /// `SUPPRESS_EMBEDS`, `SUPPRESS_NOTIFICATIONS` or `IS_COMPONENTS_V2`.
    #[serde(default, skip_serializing_if = "no_flags")]
    pub flags: MessageFlags,
    /// Creates a forum/media post with this title (forum channels only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_name: Option<String>,
    /// Tags of the forum post created with `thread_name` (at most 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_tags: Vec<TagId>,
    /// A poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<CreatePoll>,
}

impl ExecuteWebhook {
    /// An empty webhook message; add content, embeds, components, files or a poll.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Overrides the webhook's name for this message.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Overrides the webhook's avatar for this message.
    pub fn avatar_url(mut self, url: impl Into<String>) -> Self {
        self.avatar_url = Some(url.into());
        self
    }

    /// Sets text-to-speech.
    pub fn tts(mut self, tts: bool) -> Self {
        self.tts = tts;
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

    /// Sets which mentions may ping.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Some(mentions);
        self
    }

    /// Adds a top-level component.
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }

    /// Adds a file to upload.
    pub fn file(mut self, file: AttachmentFile) -> Self {
        self.attachments.push_file(file);
        self
    }

    /// Adds flags.
    pub fn flags(mut self, flags: MessageFlags) -> Self {
        self.flags |= flags;
        self
    }

    /// Creates a forum post titled `name` (forum and media channels only).
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.thread_name = Some(name.into());
        self
    }

    /// Adds a tag to the forum post created with `thread_name`.
    pub fn applied_tag(mut self, tag: TagId) -> Self {
        self.applied_tags.push(tag);
        self
    }

    /// Sets a poll.
    pub fn poll(mut self, poll: CreatePoll) -> Self {
        self.poll = Some(poll);
        self
    }

    /// [`validate`](Validate::validate) plus the rules that need the query:
    /// `thread_name` and `thread_id` must not both be set.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] listing every violation.
    pub fn validate_with_query(&self, query: &ExecuteWebhookQuery) -> Result<(), ValidationError> {
        self.validate_with_query_in(query, &ValidationContext::new())
    }

    /// [`validate_with_query`](Self::validate_with_query) in `context`
    /// (e.g. a larger file size for a boosted server).
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] listing every violation.
    pub fn validate_with_query_in(
        &self,
        query: &ExecuteWebhookQuery,
        context: &ValidationContext,
    ) -> Result<(), ValidationError> {
        let mut report = Report::with_context(*context);
        self.check(&mut report, "");
        check_thread_target(
            &mut report,
            "thread_name",
            self.thread_name.is_some(),
            query.thread_id.is_some(),
        );
        report.finish()
    }
}

impl Validate for ExecuteWebhook {
    /// Checks the message fields as for a channel message (webhook flags),
    /// `username`, `avatar_url`, `thread_name`, `applied_tags`, and that the
    /// message is not empty.
    fn check(&self, report: &mut Report, path: &str) {
        let fields = MessageFields {
            content: self.content.as_deref(),
            embeds: Some(&self.embeds),
            components: Some(&self.components),
            allowed_mentions: self.allowed_mentions.as_ref(),
            attachments: Some(&self.attachments),
            sticker_ids: None,
            poll: self.poll.as_ref(),
            flags: Some(self.flags),
        };
        fields.check(report, path, WEBHOOK_MESSAGE_FLAGS);
        if let Some(username) = &self.username {
            check_webhook_username(report, &sub_path(path, "username"), username);
        }
        if let Some(url) = &self.avatar_url {
            check_avatar_url(report, &sub_path(path, "avatar_url"), url);
        }
        if let Some(name) = &self.thread_name {
            check_thread_name(report, &sub_path(path, "thread_name"), name);
        }
        check_applied_tags(
            report,
            &sub_path(path, "applied_tags"),
            self.applied_tags.len(),
        );
        check_not_empty(report, path, fields.has_any(), WEBHOOK_NEEDS);
    }
}

impl RequestBody for ExecuteWebhook {
    fn files(&self) -> Vec<FilePart<'_>> {
        self.attachments.files()
    }
}

/// The query of an execute-webhook request.
///
/// ```
/// use bugle_model::id::ChannelId;
/// use bugle_model::request::ExecuteWebhookQuery;
///
/// let query = ExecuteWebhookQuery::new().wait(true).thread_id(ChannelId::new(42));
/// assert_eq!(query.to_query_string(), "wait=true&thread_id=42");
/// assert_eq!(ExecuteWebhookQuery::new().to_query_string(), "");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[must_use]
pub struct ExecuteWebhookQuery {
    /// Wait for the message to be saved and get it back (200 with the
    /// message instead of 204); without it, a failed save is silent.
    pub wait: bool,
    /// Post into this thread of the webhook's channel (unarchived if needed).
    pub thread_id: Option<ChannelId>,
    /// Let a non-app-owned webhook send (non-interactive) components.
    pub with_components: bool,
}

impl ExecuteWebhookQuery {
    /// The default query: no wait, no thread, no components.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `wait`.
    pub fn wait(mut self, wait: bool) -> Self {
        self.wait = wait;
        self
    }

    /// Sets `thread_id`.
    pub fn thread_id(mut self, thread: ChannelId) -> Self {
        self.thread_id = Some(thread);
        self
    }

    /// Sets `with_components`.
    pub fn with_components(mut self, with: bool) -> Self {
        self.with_components = with;
        self
    }

    /// The query string without the leading `?`, e.g.
    /// `wait=true&thread_id=42`; empty when nothing is set. Only parameters
    /// that differ from Discord's defaults are written.
    pub fn to_query_string(&self) -> String {
        query_string(self.wait, self.thread_id, self.with_components)
    }
}

/// Writes `wait`, `thread_id`, `with_components` (those set) as a query string.
fn query_string(wait: bool, thread_id: Option<ChannelId>, with_components: bool) -> String {
    let mut out = String::new();
    let mut add = |pair: std::fmt::Arguments<'_>| {
        if !out.is_empty() {
            out.push('&');
        }
        let _ = out.write_fmt(pair);
    };
    if wait {
        add(format_args!("wait=true"));
    }
    if let Some(thread) = thread_id {
        add(format_args!("thread_id={thread}"));
    }
    if with_components {
        add(format_args!("with_components=true"));
    }
    out
}

/// An edit of a message a webhook sent. Every field is a [`Patch`]; the
/// attachment rule of [`EditMessage`](super::EditMessage) applies (a sent
/// list names every attachment that stays).
///
/// ```
/// use bugle_model::request::EditWebhookMessage;
///
/// let edit = EditWebhookMessage::new().content("resolved").clear_components();
/// assert_eq!(serde_json::to_string(&edit).unwrap(), r#"{"content":"resolved","components":null}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct EditWebhookMessage {
    /// The text, at most 2000 chars.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub content: Patch<String>,
    /// Up to 10 embeds, replacing the current ones.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub embeds: Patch<Vec<Embed>>,
    /// Which mentions in the new content may ping.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub allowed_mentions: Patch<AllowedMentions>,
    /// The components, replacing the current ones.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub components: Patch<Vec<Component>>,
    /// The attachments to keep and the files to add.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub attachments: Patch<Attachments>,
    /// A poll: only when editing a deferred interaction response, which
    /// validation refuses unless its [`ValidationContext`] says so.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub poll: Patch<CreatePoll>,
    /// `SUPPRESS_EMBEDS` (set or clear) or `IS_COMPONENTS_V2` (set only).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub flags: Patch<MessageFlags>,
}

impl EditWebhookMessage {
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

    /// Adds an embed to the embeds being set.
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.get_or_insert_with(Vec::new).push(embed);
        self
    }

    /// Removes every embed.
    pub fn clear_embeds(mut self) -> Self {
        self.embeds = Patch::Clear;
        self
    }

    /// Sets which mentions may ping.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Patch::Set(mentions);
        self
    }

    /// Adds a component to the components being set.
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components
            .get_or_insert_with(Vec::new)
            .push(component.into());
        self
    }

    /// Removes every component.
    pub fn clear_components(mut self) -> Self {
        self.components = Patch::Clear;
        self
    }

    /// Adds a file to upload.
    pub fn file(mut self, file: AttachmentFile) -> Self {
        self.attachments
            .get_or_insert_with(Attachments::new)
            .push_file(file);
        self
    }

    /// Sets the flags.
    pub fn flags(mut self, flags: MessageFlags) -> Self {
        self.flags = Patch::Set(flags);
        self
    }

    /// Sets a poll (only when editing a deferred interaction response; see
    /// [`ValidationContext::with_deferred_interaction_response`]).
    pub fn poll(mut self, poll: CreatePoll) -> Self {
        self.poll = Patch::Set(poll);
        self
    }

    /// Switches the message to Components V2: sets `IS_COMPONENTS_V2`
    /// (keeping `SUPPRESS_EMBEDS` if the edit already sets it), replaces the
    /// components, and clears the content, embeds and poll, as Discord
    /// requires of the switch.
    pub fn switch_to_components_v2(
        mut self,
        components: impl IntoIterator<Item = Component>,
    ) -> Self {
        let kept = self.flags.as_set().copied().unwrap_or_default() & MessageFlags::SUPPRESS_EMBEDS;
        self.flags = Patch::Set(kept | MessageFlags::IS_COMPONENTS_V2);
        self.content = Patch::Clear;
        self.embeds = Patch::Clear;
        self.poll = Patch::Clear;
        self.components = Patch::Set(components.into_iter().collect());
        self
    }
}

impl Validate for EditWebhookMessage {
    /// Checks every field being set as for a new webhook message (no
    /// emptiness rule), with the flags an edit may set; a `poll` only in the
    /// context of a deferred interaction response
    /// ([`check_webhook_edit_poll`]); and when the edit sets
    /// `IS_COMPONENTS_V2`, that `content`, `embeds` and `poll` are cleared
    /// (null or empty), which Discord requires of a switch to V2
    /// ([`check_components_v2_switch`]).
    fn check(&self, report: &mut Report, path: &str) {
        let fields = MessageFields {
            content: self.content.as_set().map(String::as_str),
            embeds: self.embeds.as_set().map(Vec::as_slice),
            components: self.components.as_set().map(Vec::as_slice),
            allowed_mentions: self.allowed_mentions.as_set(),
            attachments: self.attachments.as_set(),
            sticker_ids: None,
            poll: self.poll.as_set(),
            flags: self.flags.as_set().copied(),
        };
        fields.check(report, path, crate::validate::EDIT_MESSAGE_FLAGS);
        check_webhook_edit_poll(
            report,
            &sub_path(path, "poll"),
            self.poll.as_set().is_some(),
        );
        let v2 = self
            .flags
            .as_set()
            .is_some_and(|flags| flags.contains(MessageFlags::IS_COMPONENTS_V2));
        if v2 {
            check_components_v2_switch(
                report,
                path,
                &[
                    ("content", !self.content.is_keep()),
                    ("embeds", !self.embeds.is_keep()),
                    ("poll", !self.poll.is_keep()),
                ],
            );
        }
    }
}

impl RequestBody for EditWebhookMessage {
    fn files(&self) -> Vec<FilePart<'_>> {
        self.attachments
            .as_set()
            .map(Attachments::files)
            .unwrap_or_default()
    }
}

/// The query of an edit-webhook-message request.
///
/// ```
/// use bugle_model::request::EditWebhookMessageQuery;
///
/// assert_eq!(EditWebhookMessageQuery::new().with_components(true).to_query_string(), "with_components=true");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[must_use]
pub struct EditWebhookMessageQuery {
    /// The thread the message is in.
    pub thread_id: Option<ChannelId>,
    /// Let a non-app-owned webhook send (non-interactive) components.
    pub with_components: bool,
}

impl EditWebhookMessageQuery {
    /// The default query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `thread_id`.
    pub fn thread_id(mut self, thread: ChannelId) -> Self {
        self.thread_id = Some(thread);
        self
    }

    /// Sets `with_components`.
    pub fn with_components(mut self, with: bool) -> Self {
        self.with_components = with;
        self
    }

    /// The query string without the leading `?`; empty when nothing is set.
    pub fn to_query_string(&self) -> String {
        query_string(false, self.thread_id, self.with_components)
    }
}

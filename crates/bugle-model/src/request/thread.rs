//! Thread bodies: [`CreateThreadFromMessage`], [`CreateThread`] and
//! [`CreateForumThread`] with its [`ForumThreadMessage`].

use serde::{Deserialize, Serialize};

use super::common::{MessageFields, no_flags};
use super::{AllowedMentions, AttachmentFile, Attachments, FilePart, RequestBody};
use crate::channel::{AutoArchiveDuration, ChannelType};
use crate::component::Component;
use crate::embed::Embed;
use crate::id::{StickerId, TagId};
use crate::message::MessageFlags;
use crate::validate::{
    FORUM_MESSAGE_FLAGS, Report, Validate, ViolationKind, check_applied_tags,
    check_auto_archive_duration, check_invitable, check_not_empty, check_rate_limit_per_user,
    check_thread_name, field,
};

/// The thread types [`CreateThread`] may ask for.
const THREAD_TYPES: &[i64] = &[10, 11, 12];
/// The fields of which a forum post's message needs at least one.
const FORUM_NEEDS: &str = "content, embeds, components, sticker_ids or files";

/// Checks the fields every thread body has.
fn check_thread_fields(
    report: &mut Report,
    path: &str,
    name: &str,
    archive: Option<AutoArchiveDuration>,
    slow_mode: Option<u32>,
) {
    check_thread_name(report, &field(path, "name"), name);
    if let Some(duration) = archive {
        check_auto_archive_duration(report, &field(path, "auto_archive_duration"), duration);
    }
    if let Some(seconds) = slow_mode {
        check_rate_limit_per_user(report, &field(path, "rate_limit_per_user"), seconds);
    }
}

/// Starts a thread from an existing message
/// (`POST /channels/{channel.id}/messages/{message.id}/threads`): a public
/// thread in a text channel, an announcement thread in an announcement channel.
///
/// ```
/// use bugle_model::channel::AutoArchiveDuration;
/// use bugle_model::request::CreateThreadFromMessage;
///
/// let thread = CreateThreadFromMessage::new("deploy #418").auto_archive_duration(AutoArchiveDuration::Day);
/// assert_eq!(serde_json::to_string(&thread).unwrap(), r#"{"name":"deploy #418","auto_archive_duration":1440}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct CreateThreadFromMessage {
    /// The thread's name, 1 to 100 chars.
    pub name: String,
    /// Minutes of inactivity before it is archived: 60, 1440, 4320 or 10080.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_archive_duration: Option<AutoArchiveDuration>,
    /// Slow mode in seconds, 0 to 21600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_user: Option<u32>,
}

impl CreateThreadFromMessage {
    /// A thread named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Sets when the thread archives itself.
    pub fn auto_archive_duration(mut self, duration: AutoArchiveDuration) -> Self {
        self.auto_archive_duration = Some(duration);
        self
    }

    /// Sets slow mode, in seconds.
    pub fn rate_limit_per_user(mut self, seconds: u32) -> Self {
        self.rate_limit_per_user = Some(seconds);
        self
    }
}

impl Validate for CreateThreadFromMessage {
    /// Checks `name`, `auto_archive_duration` and `rate_limit_per_user`.
    fn check(&self, report: &mut Report, path: &str) {
        check_thread_fields(
            report,
            path,
            &self.name,
            self.auto_archive_duration,
            self.rate_limit_per_user,
        );
    }
}

impl RequestBody for CreateThreadFromMessage {}

/// Starts a thread without a message (`POST /channels/{channel.id}/threads`
/// in a text or announcement channel).
///
/// ```
/// use bugle_model::request::CreateThread;
///
/// let thread = CreateThread::private("incident 7").invitable(false);
/// assert_eq!(serde_json::to_string(&thread).unwrap(), r#"{"name":"incident 7","type":12,"invitable":false}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct CreateThread {
    /// The thread's name, 1 to 100 chars.
    pub name: String,
    /// Minutes of inactivity before it is archived: 60, 1440, 4320 or 10080.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_archive_duration: Option<AutoArchiveDuration>,
    /// Slow mode in seconds, 0 to 21600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_user: Option<u32>,
    /// The thread type: public (11), private (12) or announcement (10).
    /// Discord's default is private.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChannelType>,
    /// Whether non-moderators may add others (private threads only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitable: Option<bool>,
}

impl CreateThread {
    /// A public thread named `name` (needs `CREATE_PUBLIC_THREADS`).
    pub fn public(name: impl Into<String>) -> Self {
        Self::of_kind(name, ChannelType::PublicThread)
    }

    /// A private thread named `name` (text channels; needs `CREATE_PRIVATE_THREADS`).
    pub fn private(name: impl Into<String>) -> Self {
        Self::of_kind(name, ChannelType::PrivateThread)
    }

    /// An announcement thread named `name` (announcement channels).
    pub fn announcement(name: impl Into<String>) -> Self {
        Self::of_kind(name, ChannelType::AnnouncementThread)
    }

    fn of_kind(name: impl Into<String>, kind: ChannelType) -> Self {
        Self {
            name: name.into(),
            kind: Some(kind),
            ..Self::default()
        }
    }

    /// Sets when the thread archives itself.
    pub fn auto_archive_duration(mut self, duration: AutoArchiveDuration) -> Self {
        self.auto_archive_duration = Some(duration);
        self
    }

    /// Sets slow mode, in seconds.
    pub fn rate_limit_per_user(mut self, seconds: u32) -> Self {
        self.rate_limit_per_user = Some(seconds);
        self
    }

    /// Sets whether non-moderators may add others to a private thread.
    pub fn invitable(mut self, invitable: bool) -> Self {
        self.invitable = Some(invitable);
        self
    }
}

impl Validate for CreateThread {
    /// Checks `name`, `auto_archive_duration`, `rate_limit_per_user`,
    /// [`ViolationKind::NotOneOf`] at `type` unless it is 10, 11 or 12, and
    /// `invitable` only on a private thread ([`check_invitable`]).
    fn check(&self, report: &mut Report, path: &str) {
        check_thread_fields(
            report,
            path,
            &self.name,
            self.auto_archive_duration,
            self.rate_limit_per_user,
        );
        if let Some(kind) = self.kind {
            let value = i64::from(kind.value());
            if !THREAD_TYPES.contains(&value) {
                report.push(
                    field(path, "type"),
                    ViolationKind::NotOneOf {
                        allowed: THREAD_TYPES,
                        actual: value,
                    },
                );
            }
        }
        check_invitable(report, &field(path, "invitable"), self.kind, self.invitable);
    }
}

impl RequestBody for CreateThread {}

/// The first message of a forum or media post.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct ForumThreadMessage {
    /// The text, at most 2000 chars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Up to 10 embeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<Embed>,
    /// Which mentions may ping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_mentions: Option<AllowedMentions>,
    /// Action rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Up to 3 stickers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sticker_ids: Vec<StickerId>,
    /// Files to upload.
    #[serde(default, skip_serializing_if = "Attachments::is_empty")]
    pub attachments: Attachments,
    /// `SUPPRESS_EMBEDS` or `SUPPRESS_NOTIFICATIONS`.
    #[serde(default, skip_serializing_if = "no_flags")]
    pub flags: MessageFlags,
}

impl ForumThreadMessage {
    /// A message with this text.
    pub fn content(content: impl Into<String>) -> Self {
        Self {
            content: Some(content.into()),
            ..Self::default()
        }
    }

    /// Adds an embed.
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.push(embed);
        self
    }

    /// Adds a top-level component.
    pub fn component(mut self, component: impl Into<Component>) -> Self {
        self.components.push(component.into());
        self
    }

    /// Sets which mentions may ping.
    pub fn allowed_mentions(mut self, mentions: AllowedMentions) -> Self {
        self.allowed_mentions = Some(mentions);
        self
    }

    /// Adds a file to upload.
    pub fn file(mut self, file: AttachmentFile) -> Self {
        self.attachments.push_file(file);
        self
    }
}

impl Validate for ForumThreadMessage {
    /// Checks the message fields (forum flags) and that it is not empty.
    fn check(&self, report: &mut Report, path: &str) {
        let fields = MessageFields {
            content: self.content.as_deref(),
            embeds: Some(&self.embeds),
            components: Some(&self.components),
            allowed_mentions: self.allowed_mentions.as_ref(),
            attachments: Some(&self.attachments),
            sticker_ids: Some(self.sticker_ids.len()),
            poll: None,
            flags: Some(self.flags),
        };
        fields.check(report, path, FORUM_MESSAGE_FLAGS);
        check_not_empty(report, path, fields.has_any(), FORUM_NEEDS);
    }
}

/// A forum or media post: a thread with its first message
/// (`POST /channels/{channel.id}/threads` in a forum or media channel).
///
/// ```
/// use bugle_model::request::{CreateForumThread, ForumThreadMessage};
/// use bugle_model::validate::Validate;
///
/// let post = CreateForumThread::new("weekly report", ForumThreadMessage::content("all green"));
/// assert!(post.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct CreateForumThread {
    /// The post's title, 1 to 100 chars.
    pub name: String,
    /// Minutes of inactivity before it is archived: 60, 1440, 4320 or 10080.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_archive_duration: Option<AutoArchiveDuration>,
    /// Slow mode in seconds, 0 to 21600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_user: Option<u32>,
    /// Forum tags (at most 5); some forums require one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_tags: Vec<TagId>,
    /// The first message.
    pub message: ForumThreadMessage,
}

impl CreateForumThread {
    /// A post titled `name` opening with `message`.
    pub fn new(name: impl Into<String>, message: ForumThreadMessage) -> Self {
        Self {
            name: name.into(),
            message,
            ..Self::default()
        }
    }

    /// Sets when the post archives itself.
    pub fn auto_archive_duration(mut self, duration: AutoArchiveDuration) -> Self {
        self.auto_archive_duration = Some(duration);
        self
    }

    /// Sets slow mode, in seconds.
    pub fn rate_limit_per_user(mut self, seconds: u32) -> Self {
        self.rate_limit_per_user = Some(seconds);
        self
    }

    /// Adds a forum tag.
    pub fn applied_tag(mut self, tag: TagId) -> Self {
        self.applied_tags.push(tag);
        self
    }
}

impl Validate for CreateForumThread {
    /// Checks `name`, `auto_archive_duration`, `rate_limit_per_user`,
    /// `applied_tags`, and the message under `message`.
    fn check(&self, report: &mut Report, path: &str) {
        check_thread_fields(
            report,
            path,
            &self.name,
            self.auto_archive_duration,
            self.rate_limit_per_user,
        );
        check_applied_tags(
            report,
            &field(path, "applied_tags"),
            self.applied_tags.len(),
        );
        self.message.check(report, &field(path, "message"));
    }
}

impl RequestBody for CreateForumThread {
    fn files(&self) -> Vec<FilePart<'_>> {
        self.message.attachments.files()
    }
}

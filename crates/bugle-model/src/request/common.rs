//! What the message-like bodies share: their common checks and serde helpers.

use crate::component::Component;
use crate::embed::Embed;
use crate::message::MessageFlags;
use crate::validate::{
    Report, check_allowed_mentions, check_attachments, check_components,
    check_components_v2_exclusive, check_content, check_embeds, check_flags, check_poll,
    check_sticker_ids, check_voice_message, sub_path,
};

use super::{AllowedMentions, Attachments, CreatePoll};

/// `skip_serializing_if` predicate for `false` booleans.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// `skip_serializing_if` predicate for empty flag sets.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
pub(crate) fn no_flags(flags: &MessageFlags) -> bool {
    flags.is_empty()
}

/// The message fields a body sets (`None` = not sent), checked together
/// because some rules span fields (Components V2 exclusivity).
#[derive(Debug, Default)]
pub(crate) struct MessageFields<'a> {
    pub(crate) content: Option<&'a str>,
    pub(crate) embeds: Option<&'a [Embed]>,
    pub(crate) components: Option<&'a [Component]>,
    pub(crate) allowed_mentions: Option<&'a AllowedMentions>,
    pub(crate) attachments: Option<&'a Attachments>,
    pub(crate) sticker_ids: Option<usize>,
    pub(crate) poll: Option<&'a CreatePoll>,
    pub(crate) flags: Option<MessageFlags>,
}

impl MessageFields<'_> {
    /// Runs every per-field check, the Components V2 exclusivity rule and,
    /// when the request may and does set `IS_VOICE_MESSAGE`, the voice
    /// message rules; `allowed_flags` are the flags this request may set.
    pub(crate) fn check(&self, report: &mut Report, path: &str, allowed_flags: MessageFlags) {
        let v2 = self
            .flags
            .is_some_and(|flags| flags.contains(MessageFlags::IS_COMPONENTS_V2));
        if let Some(content) = self.content {
            check_content(report, &sub_path(path, "content"), content);
        }
        if let Some(embeds) = self.embeds {
            check_embeds(report, &sub_path(path, "embeds"), embeds);
        }
        if let Some(components) = self.components {
            check_components(report, &sub_path(path, "components"), components, v2);
        }
        if let Some(mentions) = self.allowed_mentions {
            check_allowed_mentions(report, &sub_path(path, "allowed_mentions"), mentions);
        }
        if let Some(count) = self.sticker_ids {
            check_sticker_ids(report, &sub_path(path, "sticker_ids"), count);
        }
        if let Some(attachments) = self.attachments {
            check_attachments(report, &sub_path(path, "attachments"), attachments);
        }
        if let Some(flags) = self.flags {
            check_flags(report, &sub_path(path, "flags"), flags, allowed_flags);
        }
        if let Some(poll) = self.poll {
            check_poll(report, &sub_path(path, "poll"), poll);
        }
        let voice = self.flags.is_some_and(|flags| {
            flags.contains(MessageFlags::IS_VOICE_MESSAGE)
                && allowed_flags.contains(MessageFlags::IS_VOICE_MESSAGE)
        });
        if voice {
            let none = Attachments::new();
            check_voice_message(
                report,
                &sub_path(path, "attachments"),
                self.attachments.unwrap_or(&none),
            );
        }
        if v2 {
            check_components_v2_exclusive(
                report,
                path,
                &[
                    (
                        "content",
                        self.content.is_some_and(|content| !content.is_empty()),
                    ),
                    (
                        "embeds",
                        self.embeds.is_some_and(|embeds| !embeds.is_empty()),
                    ),
                    ("poll", self.poll.is_some()),
                    (
                        "sticker_ids",
                        self.sticker_ids.is_some_and(|count| count > 0),
                    ),
                ],
            );
        }
    }

    /// Whether a new message built from these fields shows something:
    /// non-blank content, an embed, a component, a sticker, a file or a poll.
    pub(crate) fn has_any(&self) -> bool {
        self.content
            .is_some_and(|content| !content.trim().is_empty())
            || self.embeds.is_some_and(|embeds| !embeds.is_empty())
            || self
                .components
                .is_some_and(|components| !components.is_empty())
            || self.sticker_ids.is_some_and(|count| count > 0)
            || self
                .attachments
                .is_some_and(|attachments| !attachments.is_empty())
            || self.poll.is_some()
    }
}

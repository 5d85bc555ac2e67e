//! Client-side validation of every documented Discord limit, so that no
//! request is sent that Discord would reject for its shape.
//!
//! Each limit is one `pub const` (e.g. [`CONTENT_MAX_CHARS`]); each check is
//! one function taking a [`Report`] and a field path, whose doc lists the
//! violations it adds; each request body implements [`Validate`], whose
//! [`validate`](Validate::validate) runs every check and returns all the
//! violations at once in a [`ValidationError`]:
//!
//! ```
//! use bugle_model::embed::{Embed, EmbedField};
//! use bugle_model::request::CreateMessage;
//! use bugle_model::validate::Validate;
//!
//! let mut embed = Embed::default();
//! embed.fields = vec![EmbedField::new("ok", "x".repeat(1100))];
//! let error = CreateMessage::new().embed(embed).validate().unwrap_err();
//! assert_eq!(error.to_string(), "embeds[0].fields[0].value: 1100 chars, at most 1024");
//! ```
//!
//! **Lengths are counted in characters**, that is Unicode scalar values
//! (`str::chars().count()`), the way Discord counts them; not bytes and not
//! UTF-16 units. Embed text is measured after trimming leading and trailing
//! whitespace, as Discord does. Limits are inclusive: a 2000-char content
//! passes, 2001 fails.
//!
//! Some limits are not fixed: the size of one file depends on the server's
//! boosts, and a poll may go into a webhook edit only when it edits a
//! deferred interaction response. [`Validate::validate`] uses Discord's
//! defaults; [`Validate::validate_in`] takes a [`ValidationContext`] that
//! says otherwise.
//!
//! Paths name fields as in the JSON body: keys joined by `.`, array indices
//! in brackets (`components[0].components[2].custom_id`); an empty path
//! means the body as a whole.

mod command;
mod component;
mod context;
mod embed;
mod error;
mod interaction;
mod limits;
mod message;
mod report;
mod thread;

pub use command::{check_command, check_command_name, check_option};
pub use component::{check_components, count_components};
pub use context::ValidationContext;
pub use embed::{check_embed, check_embeds, embed_char_count};
pub use error::{ValidationError, Violation, ViolationKind};
pub use interaction::{
    check_choices, check_interaction_message, check_interaction_update, check_modal,
    check_text_input,
};
pub use limits::*;
pub use message::{
    check_allowed_mentions, check_attachments, check_components_v2_exclusive,
    check_components_v2_switch, check_content, check_flags, check_message_reference, check_nonce,
    check_not_empty, check_poll, check_sticker_ids, check_voice_message, check_webhook_edit_poll,
};
pub(crate) use report::sub_path;
pub use report::{Report, char_count, field, item};
pub use thread::{
    check_applied_tags, check_auto_archive_duration, check_avatar_url, check_invitable,
    check_rate_limit_per_user, check_thread_name, check_thread_target, check_webhook_username,
    validate_audit_log_reason,
};

/// A request body that can be checked against Discord's limits before it
/// is sent.
pub trait Validate {
    /// Adds every violation in `self` to `report`, with paths under `path`
    /// (empty for a whole body).
    fn check(&self, report: &mut Report, path: &str);

    /// Checks everything against Discord's defaults (the default
    /// [`ValidationContext`]) and returns all violations at once.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] listing every violation, when there is any.
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_in(&ValidationContext::new())
    }

    /// Checks everything in `context` (e.g. a larger file size for a
    /// boosted server) and returns all violations at once.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] listing every violation, when there is any.
    fn validate_in(&self, context: &ValidationContext) -> Result<(), ValidationError> {
        let mut report = Report::with_context(*context);
        self.check(&mut report, "");
        report.finish()
    }
}

//! [`ValidationContext`]: what a check needs to know beyond the body itself.

use super::limits::{FILE_MAX_BYTES, REQUEST_MAX_BYTES};

/// What validation needs to know that the body does not say: the upload
/// limits of the server the message goes to, and whether an edit is of a
/// deferred interaction response.
///
/// [`Validate::validate`](super::Validate::validate) uses the default
/// ([`ValidationContext::new`]): Discord's default limits, and no
/// interaction response. A client that knows better (a boosted server takes
/// larger files) passes its own to
/// [`Validate::validate_in`](super::Validate::validate_in):
///
/// ```
/// use bugle_model::request::{AttachmentFile, CreateMessage};
/// use bugle_model::validate::{FILE_MAX_BYTES, Validate, ValidationContext};
///
/// let video = vec![0_u8; 12 * 1024 * 1024];
/// let message = CreateMessage::new().file(AttachmentFile::new("clip.mp4", video));
/// let error = message.validate().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     format!("attachments[0]: 12582912 bytes in one file, at most {FILE_MAX_BYTES}"),
/// );
///
/// let boosted = ValidationContext::new().with_max_file_bytes(50 * 1024 * 1024);
/// assert!(message.validate_in(&boosted).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct ValidationContext {
    max_file_bytes: u64,
    max_request_bytes: u64,
    deferred_interaction_response: bool,
}

impl ValidationContext {
    /// Discord's defaults: files up to [`FILE_MAX_BYTES`] each, requests up
    /// to [`REQUEST_MAX_BYTES`] of files, and not a deferred interaction
    /// response.
    pub const fn new() -> Self {
        Self {
            max_file_bytes: FILE_MAX_BYTES,
            max_request_bytes: REQUEST_MAX_BYTES,
            deferred_interaction_response: false,
        }
    }

    /// Sets the largest file accepted, in bytes (the default is
    /// [`FILE_MAX_BYTES`], 10 MiB; boosted servers allow more). The cap on
    /// all the files of one request is separate: raise it with
    /// [`with_max_request_bytes`](Self::with_max_request_bytes) when a single
    /// file may be larger than it.
    pub const fn with_max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }

    /// The largest file accepted, in bytes.
    pub const fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    /// Sets the most bytes of files one request may carry (the default is
    /// [`REQUEST_MAX_BYTES`], 25 MiB).
    pub const fn with_max_request_bytes(mut self, bytes: u64) -> Self {
        self.max_request_bytes = bytes;
        self
    }

    /// The most bytes of files one request may carry.
    pub const fn max_request_bytes(&self) -> u64 {
        self.max_request_bytes
    }

    /// Says whether the body is an edit of a deferred interaction response
    /// (`PATCH /webhooks/{application.id}/{interaction.token}/messages/@original`
    /// after a deferred reply): the one webhook edit that may set a `poll`.
    /// Off by default, so that an [`EditWebhookMessage`] setting a poll is
    /// refused unless the caller knows it edits such a response.
    ///
    /// [`EditWebhookMessage`]: crate::request::EditWebhookMessage
    pub const fn with_deferred_interaction_response(mut self, deferred: bool) -> Self {
        self.deferred_interaction_response = deferred;
        self
    }

    /// Whether the body is an edit of a deferred interaction response.
    pub const fn is_deferred_interaction_response(&self) -> bool {
        self.deferred_interaction_response
    }
}

impl Default for ValidationContext {
    fn default() -> Self {
        Self::new()
    }
}

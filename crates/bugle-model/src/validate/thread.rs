//! Checks for threads, forum posts, webhook names and audit-log reasons.

use super::error::{ValidationError, ViolationKind};
use super::limits::{
    APPLIED_TAGS_MAX, AUDIT_LOG_REASON_MAX_CHARS, AUDIT_LOG_REASON_MIN_CHARS,
    AUTO_ARCHIVE_DURATIONS, RATE_LIMIT_PER_USER_MAX, THREAD_NAME_MAX_CHARS, THREAD_NAME_MIN_CHARS,
    WEBHOOK_AVATAR_URL_MAX_CHARS, WEBHOOK_USERNAME_FORBIDDEN, WEBHOOK_USERNAME_MAX_CHARS,
    WEBHOOK_USERNAME_MIN_CHARS, WEBHOOK_USERNAME_RESERVED,
};
use super::report::Report;
use crate::channel::{AutoArchiveDuration, ChannelType};

/// Checks a thread's `name` (also a webhook's `thread_name`).
///
/// Violations: [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`] at
/// `path` outside [`THREAD_NAME_MIN_CHARS`] to [`THREAD_NAME_MAX_CHARS`].
pub fn check_thread_name(report: &mut Report, path: &str, name: &str) {
    report.chars_between(path, name, THREAD_NAME_MIN_CHARS, THREAD_NAME_MAX_CHARS);
}

/// Checks an `auto_archive_duration`.
///
/// Violations: [`ViolationKind::NotOneOf`] at `path` unless it is one of
/// [`AUTO_ARCHIVE_DURATIONS`] (60, 1440, 4320, 10080 minutes).
pub fn check_auto_archive_duration(report: &mut Report, path: &str, duration: AutoArchiveDuration) {
    let minutes = i64::from(duration.value());
    if !AUTO_ARCHIVE_DURATIONS.contains(&minutes) {
        report.push(
            path,
            ViolationKind::NotOneOf {
                allowed: AUTO_ARCHIVE_DURATIONS,
                actual: minutes,
            },
        );
    }
}

/// Checks a `rate_limit_per_user` (slow mode, seconds).
///
/// Violations: [`ViolationKind::OutOfRange`] at `path` over [`RATE_LIMIT_PER_USER_MAX`].
pub fn check_rate_limit_per_user(report: &mut Report, path: &str, seconds: u32) {
    report.in_range(
        path,
        i64::from(seconds),
        0,
        i64::from(RATE_LIMIT_PER_USER_MAX),
    );
}

/// Checks the number of forum `applied_tags`.
///
/// Violations: [`ViolationKind::TooMany`] at `path` over [`APPLIED_TAGS_MAX`].
pub fn check_applied_tags(report: &mut Report, path: &str, count: usize) {
    report.max_items(path, count, APPLIED_TAGS_MAX);
}

/// Checks a webhook `username` override. Surrounding whitespace is trimmed
/// first, as Discord trims names.
///
/// Violations:
/// - [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`] at `path`
///   outside [`WEBHOOK_USERNAME_MIN_CHARS`] to [`WEBHOOK_USERNAME_MAX_CHARS`];
/// - [`ViolationKind::ForbiddenWord`] at `path` for each word of
///   [`WEBHOOK_USERNAME_FORBIDDEN`] (`clyde`, `discord`) it contains, in any
///   letter case;
/// - [`ViolationKind::ReservedName`] at `path` when it is one of
///   [`WEBHOOK_USERNAME_RESERVED`] (`everyone`, `here`), in any letter case.
pub fn check_webhook_username(report: &mut Report, path: &str, username: &str) {
    let trimmed = username.trim();
    report.chars_between(
        path,
        trimmed,
        WEBHOOK_USERNAME_MIN_CHARS,
        WEBHOOK_USERNAME_MAX_CHARS,
    );
    let lower = trimmed.to_lowercase();
    for word in WEBHOOK_USERNAME_FORBIDDEN {
        if lower.contains(word) {
            report.push(path, ViolationKind::ForbiddenWord { word });
        }
    }
    if let Some(name) = WEBHOOK_USERNAME_RESERVED
        .into_iter()
        .find(|&name| lower == name)
    {
        report.push(path, ViolationKind::ReservedName { name });
    }
}

/// Checks `invitable` on a new thread: it applies to private threads only.
/// `kind` is the thread's `type`; unset means private, Discord's default.
///
/// Violations: [`ViolationKind::NotAllowed`] at `path` when `invitable` is
/// set on a thread whose type is set to anything but private (12).
pub fn check_invitable(
    report: &mut Report,
    path: &str,
    kind: Option<ChannelType>,
    invitable: Option<bool>,
) {
    let private = kind.is_none_or(|kind| kind == ChannelType::PrivateThread);
    if invitable.is_some() && !private {
        report.push(
            path,
            ViolationKind::NotAllowed {
                when: "on a thread that is not private (type 12)",
            },
        );
    }
}

/// Checks a webhook `avatar_url` override.
///
/// Violations: [`ViolationKind::TooLong`] at `path` over [`WEBHOOK_AVATAR_URL_MAX_CHARS`].
pub fn check_avatar_url(report: &mut Report, path: &str, url: &str) {
    report.max_chars(path, url, WEBHOOK_AVATAR_URL_MAX_CHARS);
}

/// Checks that a webhook message to a forum or media channel names its
/// thread only one way: `thread_id` (query) to post in a thread, or
/// `thread_name` (body) to create one. Whether the channel is a forum is
/// known only to Discord, so "neither" (error 220001 there) is not checked.
///
/// Violations: [`ViolationKind::Conflict`] at `path` (the `thread_name`)
/// when both are set (Discord's error 220002).
pub fn check_thread_target(
    report: &mut Report,
    path: &str,
    has_thread_name: bool,
    has_thread_id: bool,
) {
    if has_thread_name && has_thread_id {
        report.push(
            path,
            ViolationKind::Conflict {
                with: "the thread_id query parameter".to_owned(),
            },
        );
    }
}

/// Checks an `X-Audit-Log-Reason` header value.
///
/// # Errors
///
/// A [`ValidationError`] with [`ViolationKind::TooShort`] /
/// [`ViolationKind::TooLong`] at `reason` outside
/// [`AUDIT_LOG_REASON_MIN_CHARS`] to [`AUDIT_LOG_REASON_MAX_CHARS`].
///
/// ```
/// use bugle_model::validate::validate_audit_log_reason;
///
/// assert!(validate_audit_log_reason("cleanup after deploy").is_ok());
/// let error = validate_audit_log_reason("").unwrap_err();
/// assert_eq!(error.to_string(), "reason: 0 chars, at least 1");
/// ```
pub fn validate_audit_log_reason(reason: &str) -> Result<(), ValidationError> {
    let mut report = Report::new();
    report.chars_between(
        "reason",
        reason,
        AUDIT_LOG_REASON_MIN_CHARS,
        AUDIT_LOG_REASON_MAX_CHARS,
    );
    report.finish()
}

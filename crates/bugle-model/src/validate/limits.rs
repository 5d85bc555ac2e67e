//! Discord's documented limits, one constant each. Lengths are in
//! characters (Unicode scalar values); limits are inclusive.

use crate::message::MessageFlags;

// Messages.

/// Most characters in a message's `content` (create, edit, webhook, forum post).
pub const CONTENT_MAX_CHARS: usize = 2000;
/// Most characters in a string `nonce`.
pub const NONCE_MAX_CHARS: usize = 25;
/// Most stickers (`sticker_ids`) on a message.
pub const STICKER_IDS_MAX: usize = 3;
/// Most attachments (`attachments` / `files[n]`) on a message.
pub const ATTACHMENTS_MAX: usize = 10;
/// Most characters in an attachment's `filename` (at least 1).
pub const ATTACHMENT_FILENAME_MAX_CHARS: usize = 1024;
/// Most characters in an attachment's `description` (alt text).
pub const ATTACHMENT_DESCRIPTION_MAX_CHARS: usize = 1024;
/// Most characters in an attachment's `title`, per the spec.
pub const ATTACHMENT_TITLE_MAX_CHARS: usize = 1024;
/// Most bytes in one request (create message, forum post): 25 MiB. bugle
/// checks the files' bytes against it; the JSON part is small beside them.
/// The default of [`ValidationContext::max_request_bytes`](super::ValidationContext::max_request_bytes).
pub const REQUEST_MAX_BYTES: u64 = 25 * 1024 * 1024;
/// Most bytes in one uploaded file by default: 10 MiB. Boosted servers allow
/// more, so this is only the default of
/// [`ValidationContext::max_file_bytes`](super::ValidationContext::max_file_bytes).
pub const FILE_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Most characters in a voice message attachment's `waveform` (base64 text,
/// so at most 300 decoded bytes), per the spec.
pub const VOICE_WAVEFORM_MAX_CHARS: usize = 400;
/// Largest voice message `duration_secs`, in seconds, per the spec.
pub const VOICE_DURATION_MAX_SECS: u64 = 2_147_483_647;
/// Most ids in `allowed_mentions.users`.
pub const ALLOWED_MENTIONS_USERS_MAX: usize = 100;
/// Most ids in `allowed_mentions.roles`.
pub const ALLOWED_MENTIONS_ROLES_MAX: usize = 100;

/// The flags a new channel message may set: `SUPPRESS_EMBEDS`,
/// `SUPPRESS_NOTIFICATIONS`, `IS_VOICE_MESSAGE` and `IS_COMPONENTS_V2`.
pub const CREATE_MESSAGE_FLAGS: MessageFlags = MessageFlags::SUPPRESS_EMBEDS
    .union(MessageFlags::SUPPRESS_NOTIFICATIONS)
    .union(MessageFlags::IS_VOICE_MESSAGE)
    .union(MessageFlags::IS_COMPONENTS_V2);
/// The flags an edit may set: `SUPPRESS_EMBEDS` and `IS_COMPONENTS_V2`.
pub const EDIT_MESSAGE_FLAGS: MessageFlags =
    MessageFlags::SUPPRESS_EMBEDS.union(MessageFlags::IS_COMPONENTS_V2);
/// The flags a webhook message may set: `SUPPRESS_EMBEDS`,
/// `SUPPRESS_NOTIFICATIONS` and `IS_COMPONENTS_V2`.
pub const WEBHOOK_MESSAGE_FLAGS: MessageFlags = MessageFlags::SUPPRESS_EMBEDS
    .union(MessageFlags::SUPPRESS_NOTIFICATIONS)
    .union(MessageFlags::IS_COMPONENTS_V2);
/// The flags a forum post's message may set: `SUPPRESS_EMBEDS` and
/// `SUPPRESS_NOTIFICATIONS`.
pub const FORUM_MESSAGE_FLAGS: MessageFlags =
    MessageFlags::SUPPRESS_EMBEDS.union(MessageFlags::SUPPRESS_NOTIFICATIONS);

// Embeds.

/// Most embeds on a message.
pub const EMBEDS_MAX: usize = 10;
/// Most characters in an embed's `title`.
pub const EMBED_TITLE_MAX_CHARS: usize = 256;
/// Most characters in an embed's `description`.
pub const EMBED_DESCRIPTION_MAX_CHARS: usize = 4096;
/// Most fields in an embed.
pub const EMBED_FIELDS_MAX: usize = 25;
/// Most characters in an embed field's `name`.
pub const EMBED_FIELD_NAME_MAX_CHARS: usize = 256;
/// Most characters in an embed field's `value`.
pub const EMBED_FIELD_VALUE_MAX_CHARS: usize = 1024;
/// Most characters in an embed footer's `text`.
pub const EMBED_FOOTER_TEXT_MAX_CHARS: usize = 2048;
/// Most characters in an embed author's `name`.
pub const EMBED_AUTHOR_NAME_MAX_CHARS: usize = 256;
/// Most characters of title, description, field names and values, footer
/// text and author name together, across all embeds of one message.
pub const EMBED_TOTAL_MAX_CHARS: usize = 6000;
/// Most characters in an embed URL (`url`, author `url` and `icon_url`,
/// footer `icon_url`, image and thumbnail `url`), per the spec.
pub const EMBED_URL_MAX_CHARS: usize = 2048;
/// The file types an embed image may name after `attachment://` (image,
/// thumbnail, author and footer icons), compared without letter case.
pub const EMBED_ATTACHMENT_IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "gif", "webp"];
/// The largest embed `color` (`0xFFFFFF`); also a container's `accent_color`.
pub const COLOR_MAX: u32 = 0xFF_FF_FF;

// Components.

/// Most action rows at the top level of a message without Components V2.
pub const ACTION_ROWS_MAX: usize = 5;
/// Most buttons in one action row (at least 1).
pub const ACTION_ROW_BUTTONS_MAX: usize = 5;
/// Most components in a Components V2 message, nested ones included.
pub const COMPONENTS_V2_MAX: usize = 40;
/// Fewest characters in a `custom_id`.
pub const CUSTOM_ID_MIN_CHARS: usize = 1;
/// Most characters in a `custom_id`.
pub const CUSTOM_ID_MAX_CHARS: usize = 100;
/// Most characters in a button `label`.
pub const BUTTON_LABEL_MAX_CHARS: usize = 80;
/// Most characters in the `name` of a button's or select option's `emoji`, per the spec.
pub const COMPONENT_EMOJI_NAME_MAX_CHARS: usize = 32;
/// Most characters in a link button's `url`.
pub const BUTTON_URL_MAX_CHARS: usize = 512;
/// Fewest options in a string select.
pub const SELECT_OPTIONS_MIN: usize = 1;
/// Most options in a string select.
pub const SELECT_OPTIONS_MAX: usize = 25;
/// Most characters in a select's `placeholder`.
pub const SELECT_PLACEHOLDER_MAX_CHARS: usize = 150;
/// Largest `min_values` of a select (the smallest is 0).
pub const SELECT_MIN_VALUES_MAX: u8 = 25;
/// Smallest `max_values` of a select.
pub const SELECT_MAX_VALUES_MIN: u8 = 1;
/// Largest `max_values` of a select.
pub const SELECT_MAX_VALUES_MAX: u8 = 25;
/// Most characters in a select option's `label` (at least 1).
pub const SELECT_OPTION_LABEL_MAX_CHARS: usize = 100;
/// Most characters in a select option's `value` (at least 1).
pub const SELECT_OPTION_VALUE_MAX_CHARS: usize = 100;
/// Most characters in a select option's `description`.
pub const SELECT_OPTION_DESCRIPTION_MAX_CHARS: usize = 100;
/// Fewest text displays in a section.
pub const SECTION_TEXT_DISPLAYS_MIN: usize = 1;
/// Most text displays in a section.
pub const SECTION_TEXT_DISPLAYS_MAX: usize = 3;
/// Most characters in one text display's `content` (at least 1), per the spec.
pub const TEXT_DISPLAY_MAX_CHARS: usize = 4000;
/// Fewest items in a media gallery.
pub const MEDIA_GALLERY_ITEMS_MIN: usize = 1;
/// Most items in a media gallery.
pub const MEDIA_GALLERY_ITEMS_MAX: usize = 10;
/// Most characters in a thumbnail's or gallery item's `description`.
pub const MEDIA_DESCRIPTION_MAX_CHARS: usize = 1024;
/// Most characters in an unfurled media item's `url`, per the spec.
pub const MEDIA_URL_MAX_CHARS: usize = 2048;
/// The values a separator's `spacing` may take: 1 (small) and 2 (large).
pub const SEPARATOR_SPACINGS: &[i64] = &[1, 2];

// Webhooks.

/// Fewest characters in a webhook `username` override.
pub const WEBHOOK_USERNAME_MIN_CHARS: usize = 1;
/// Most characters in a webhook `username` override.
pub const WEBHOOK_USERNAME_MAX_CHARS: usize = 80;
/// Words a webhook name must not contain, in any letter case.
pub const WEBHOOK_USERNAME_FORBIDDEN: [&str; 2] = ["clyde", "discord"];
/// Names a webhook name must not be, in any letter case (after trimming).
pub const WEBHOOK_USERNAME_RESERVED: [&str; 2] = ["everyone", "here"];
/// Most characters in a webhook `avatar_url` override, per the spec.
pub const WEBHOOK_AVATAR_URL_MAX_CHARS: usize = 2048;

// Threads and forums.

/// Fewest characters in a thread name (also a webhook's `thread_name`).
pub const THREAD_NAME_MIN_CHARS: usize = 1;
/// Most characters in a thread name (also a webhook's `thread_name`).
pub const THREAD_NAME_MAX_CHARS: usize = 100;
/// The values `auto_archive_duration` may take, in minutes.
pub const AUTO_ARCHIVE_DURATIONS: &[i64] = &[60, 1440, 4320, 10080];
/// Largest `rate_limit_per_user` (slow mode), in seconds; the smallest is 0.
pub const RATE_LIMIT_PER_USER_MAX: u32 = 21600;
/// Most forum tags (`applied_tags`) on a forum post, per the spec.
pub const APPLIED_TAGS_MAX: usize = 5;

// Polls.

/// Most characters in a poll's question.
pub const POLL_QUESTION_MAX_CHARS: usize = 300;
/// Most characters in a poll answer.
pub const POLL_ANSWER_MAX_CHARS: usize = 55;
/// Fewest answers in a poll.
pub const POLL_ANSWERS_MIN: usize = 1;
/// Most answers in a poll.
pub const POLL_ANSWERS_MAX: usize = 10;
/// Shortest poll `duration`, in hours.
pub const POLL_DURATION_MIN_HOURS: u32 = 1;
/// Longest poll `duration`, in hours (32 days).
pub const POLL_DURATION_MAX_HOURS: u32 = 32 * 24;

// Headers.

/// Fewest characters in an `X-Audit-Log-Reason`.
pub const AUDIT_LOG_REASON_MIN_CHARS: usize = 1;
/// Most characters in an `X-Audit-Log-Reason`.
pub const AUDIT_LOG_REASON_MAX_CHARS: usize = 512;

// Interaction responses.

/// The flags a message in an interaction response or followup may set:
/// `SUPPRESS_EMBEDS`, `EPHEMERAL`, `SUPPRESS_NOTIFICATIONS`,
/// `IS_COMPONENTS_V2` and `IS_VOICE_MESSAGE`.
pub const INTERACTION_MESSAGE_FLAGS: MessageFlags = MessageFlags::SUPPRESS_EMBEDS
    .union(MessageFlags::EPHEMERAL)
    .union(MessageFlags::SUPPRESS_NOTIFICATIONS)
    .union(MessageFlags::IS_COMPONENTS_V2)
    .union(MessageFlags::IS_VOICE_MESSAGE);
/// Most choices in an autocomplete result, and in a command option.
pub const CHOICES_MAX: usize = 25;
/// Fewest characters in a choice's `name`.
pub const CHOICE_NAME_MIN_CHARS: usize = 1;
/// Most characters in a choice's `name`.
pub const CHOICE_NAME_MAX_CHARS: usize = 100;
/// Most characters in a choice's text `value`.
pub const CHOICE_VALUE_MAX_CHARS: usize = 100;
/// Fewest characters in a modal's `title`.
pub const MODAL_TITLE_MIN_CHARS: usize = 1;
/// Most characters in a modal's `title`.
pub const MODAL_TITLE_MAX_CHARS: usize = 45;
/// Fewest top-level components (rows) in a modal.
pub const MODAL_COMPONENTS_MIN: usize = 1;
/// Most top-level components (rows) in a modal.
pub const MODAL_COMPONENTS_MAX: usize = 5;
/// Most characters in a text input's `label`.
pub const TEXT_INPUT_LABEL_MAX_CHARS: usize = 45;
/// Most characters in a text input's `placeholder`.
pub const TEXT_INPUT_PLACEHOLDER_MAX_CHARS: usize = 100;
/// Most characters in a text input's `value`, and the largest
/// `min_length` / `max_length`.
pub const TEXT_INPUT_VALUE_MAX_CHARS: usize = 4000;

// Application commands.

/// Fewest characters in a command or option name.
pub const COMMAND_NAME_MIN_CHARS: usize = 1;
/// Most characters in a command or option name.
pub const COMMAND_NAME_MAX_CHARS: usize = 32;
/// Fewest characters in a slash command's or an option's description.
pub const COMMAND_DESCRIPTION_MIN_CHARS: usize = 1;
/// Most characters in a command's or an option's description.
pub const COMMAND_DESCRIPTION_MAX_CHARS: usize = 100;
/// Most options on a command or a subcommand.
pub const COMMAND_OPTIONS_MAX: usize = 25;
/// Most characters of a command's names, descriptions and choice names
/// and values together (the longest localisation counting for each).
pub const COMMAND_TOTAL_MAX_CHARS: usize = 4000;
/// The largest `min_length` / `max_length` of a string option.
pub const OPTION_STRING_LENGTH_MAX: i64 = 6000;
/// Most slash commands per scope (global, or one guild).
pub const CHAT_INPUT_COMMANDS_MAX: usize = 100;
/// Most user context-menu commands per scope.
pub const USER_COMMANDS_MAX: usize = 15;
/// Most message context-menu commands per scope.
pub const MESSAGE_COMMANDS_MAX: usize = 15;

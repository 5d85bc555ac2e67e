//! Checks for embeds: each part's length, the field count, URLs and their
//! schemes, colour, the fields only Discord fills in, and the
//! 6000-character total across a message's embeds.
//!
//! Discord trims leading and trailing whitespace before measuring embed
//! text, so these checks do too.

use super::error::ViolationKind;
use super::limits::{
    COLOR_MAX, EMBED_ATTACHMENT_IMAGE_EXTENSIONS, EMBED_AUTHOR_NAME_MAX_CHARS,
    EMBED_DESCRIPTION_MAX_CHARS, EMBED_FIELD_NAME_MAX_CHARS, EMBED_FIELD_VALUE_MAX_CHARS,
    EMBED_FIELDS_MAX, EMBED_FOOTER_TEXT_MAX_CHARS, EMBED_TITLE_MAX_CHARS, EMBED_TOTAL_MAX_CHARS,
    EMBED_URL_MAX_CHARS, EMBEDS_MAX,
};
use super::report::{Report, char_count, field, item};
use crate::embed::{Embed, EmbedType};

/// Why a field Discord fills in is refused in a sent embed.
const RESPONSE_ONLY: &str =
    "in a sent embed, Discord fills it in (Embed::without_response_fields drops it)";

/// Checks the embeds of one message.
///
/// Violations:
/// - [`ViolationKind::TooMany`] at `path` over [`EMBEDS_MAX`] embeds;
/// - everything [`check_embed`] reports, at `path[i]`;
/// - [`ViolationKind::TotalTooLong`] at `path` when the embeds together
///   count more than [`EMBED_TOTAL_MAX_CHARS`] (see [`embed_char_count`]).
pub fn check_embeds(report: &mut Report, path: &str, embeds: &[Embed]) {
    report.max_items(path, embeds.len(), EMBEDS_MAX);
    for (index, embed) in embeds.iter().enumerate() {
        check_embed(report, &item(path, index), embed);
    }
    let total: usize = embeds.iter().map(embed_char_count).sum();
    if total > EMBED_TOTAL_MAX_CHARS {
        report.push(
            path,
            ViolationKind::TotalTooLong {
                max: EMBED_TOTAL_MAX_CHARS,
                actual: total,
            },
        );
    }
}

/// Checks one embed's own limits (not the total across a message's embeds,
/// which [`check_embeds`] adds). Text is measured after trimming.
///
/// Violations, each [`ViolationKind::TooLong`] unless said otherwise:
/// - `path.title` over [`EMBED_TITLE_MAX_CHARS`];
/// - `path.description` over [`EMBED_DESCRIPTION_MAX_CHARS`];
/// - `path.fields`: [`ViolationKind::TooMany`] over [`EMBED_FIELDS_MAX`];
/// - `path.fields[i].name` over [`EMBED_FIELD_NAME_MAX_CHARS`], or
///   [`ViolationKind::TooShort`] when empty (Discord requires it);
/// - `path.fields[i].value` over [`EMBED_FIELD_VALUE_MAX_CHARS`], or
///   [`ViolationKind::TooShort`] when empty;
/// - `path.footer.text` over [`EMBED_FOOTER_TEXT_MAX_CHARS`];
/// - `path.author.name` over [`EMBED_AUTHOR_NAME_MAX_CHARS`];
/// - `path.url`, `path.author.url`, `path.author.icon_url`,
///   `path.footer.icon_url`, `path.image.url`, `path.thumbnail.url` over
///   [`EMBED_URL_MAX_CHARS`];
/// - [`ViolationKind::BadFormat`] at `path.image.url`, `path.thumbnail.url`,
///   `path.author.icon_url` and `path.footer.icon_url` unless the URL is
///   `http://`, `https://` or `attachment://` naming a file of one of
///   [`EMBED_ATTACHMENT_IMAGE_EXTENSIONS`], and at `path.author.url` unless
///   it is `http://` or `https://` (schemes in any letter case; the title's
///   `path.url` has no documented scheme rule);
/// - `path.color`: [`ViolationKind::OutOfRange`] over [`COLOR_MAX`];
/// - [`ViolationKind::NotAllowed`] at the fields a client cannot send,
///   which Discord fills in: `path.type` (other than `rich`),
///   `path.provider`, `path.video`, `path.image.` / `path.thumbnail.`
///   `proxy_url`, `height` and `width`, and `path.author.proxy_icon_url` /
///   `path.footer.proxy_icon_url`. A received embed sent again needs
///   [`Embed::without_response_fields`] first.
pub fn check_embed(report: &mut Report, path: &str, embed: &Embed) {
    if let Some(title) = &embed.title {
        report.max_chars(&field(path, "title"), title.trim(), EMBED_TITLE_MAX_CHARS);
    }
    if let Some(description) = &embed.description {
        report.max_chars(
            &field(path, "description"),
            description.trim(),
            EMBED_DESCRIPTION_MAX_CHARS,
        );
    }
    let fields = field(path, "fields");
    report.max_items(&fields, embed.fields.len(), EMBED_FIELDS_MAX);
    for (index, embed_field) in embed.fields.iter().enumerate() {
        let at = item(&fields, index);
        report.chars_between(
            &field(&at, "name"),
            embed_field.name.trim(),
            1,
            EMBED_FIELD_NAME_MAX_CHARS,
        );
        report.chars_between(
            &field(&at, "value"),
            embed_field.value.trim(),
            1,
            EMBED_FIELD_VALUE_MAX_CHARS,
        );
    }
    if let Some(footer) = &embed.footer {
        report.max_chars(
            &field(path, "footer.text"),
            footer.text.trim(),
            EMBED_FOOTER_TEXT_MAX_CHARS,
        );
        image_url(report, path, "footer.icon_url", footer.icon_url.as_deref());
        response_only(
            report,
            path,
            "footer.proxy_icon_url",
            footer.proxy_icon_url.is_some(),
        );
    }
    if let Some(author) = &embed.author {
        report.max_chars(
            &field(path, "author.name"),
            author.name.trim(),
            EMBED_AUTHOR_NAME_MAX_CHARS,
        );
        link_url(report, path, "author.url", author.url.as_deref());
        image_url(report, path, "author.icon_url", author.icon_url.as_deref());
        response_only(
            report,
            path,
            "author.proxy_icon_url",
            author.proxy_icon_url.is_some(),
        );
    }
    url(report, path, "url", embed.url.as_deref());
    if let Some(image) = &embed.image {
        image_url(report, path, "image.url", Some(&image.url));
        response_only(report, path, "image.proxy_url", image.proxy_url.is_some());
        response_only(report, path, "image.height", image.height.is_some());
        response_only(report, path, "image.width", image.width.is_some());
    }
    if let Some(thumbnail) = &embed.thumbnail {
        image_url(report, path, "thumbnail.url", Some(&thumbnail.url));
        response_only(
            report,
            path,
            "thumbnail.proxy_url",
            thumbnail.proxy_url.is_some(),
        );
        response_only(report, path, "thumbnail.height", thumbnail.height.is_some());
        response_only(report, path, "thumbnail.width", thumbnail.width.is_some());
    }
    if embed
        .kind
        .as_ref()
        .is_some_and(|kind| *kind != EmbedType::Rich)
    {
        report.push(
            field(path, "type"),
            ViolationKind::NotAllowed {
                when: "in a sent embed except \"rich\", which Discord sets itself",
            },
        );
    }
    response_only(report, path, "provider", embed.provider.is_some());
    response_only(report, path, "video", embed.video.is_some());
    if let Some(color) = embed.color {
        report.in_range(
            &field(path, "color"),
            i64::from(color),
            0,
            i64::from(COLOR_MAX),
        );
    }
}

/// The characters `embed` counts toward the [`EMBED_TOTAL_MAX_CHARS`]
/// shared by a message's embeds: title, description, field names and
/// values, footer text and author name, each trimmed.
pub fn embed_char_count(embed: &Embed) -> usize {
    let trimmed = |text: &str| char_count(text.trim());
    embed.title.as_deref().map_or(0, trimmed)
        + embed.description.as_deref().map_or(0, trimmed)
        + embed
            .fields
            .iter()
            .map(|f| trimmed(&f.name) + trimmed(&f.value))
            .sum::<usize>()
        + embed
            .footer
            .as_ref()
            .map_or(0, |footer| trimmed(&footer.text))
        + embed
            .author
            .as_ref()
            .map_or(0, |author| trimmed(&author.name))
}

/// [`ViolationKind::TooLong`] at `path.name` for a URL over [`EMBED_URL_MAX_CHARS`].
fn url(report: &mut Report, path: &str, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        report.max_chars(&field(path, name), value, EMBED_URL_MAX_CHARS);
    }
}

/// [`url`], and [`ViolationKind::BadFormat`] at `path.name` unless the URL
/// is `http(s)://` (a link: `author.url`).
fn link_url(report: &mut Report, path: &str, name: &str, value: Option<&str>) {
    url(report, path, name, value);
    if value.is_some_and(|value| !is_http(value)) {
        report.push(
            field(path, name),
            ViolationKind::BadFormat {
                expected: "be an http:// or https:// URL",
            },
        );
    }
}

/// [`url`], and [`ViolationKind::BadFormat`] at `path.name` unless the URL
/// is `http(s)://`, or `attachment://` naming an image file (see
/// [`EMBED_ATTACHMENT_IMAGE_EXTENSIONS`]).
fn image_url(report: &mut Report, path: &str, name: &str, value: Option<&str>) {
    url(report, path, name, value);
    let Some(value) = value else { return };
    if is_http(value) {
        return;
    }
    let expected = match strip_prefix_ignore_case(value, "attachment://") {
        Some(filename) if is_image_filename(filename) => return,
        Some(_) => "name a .png, .jpg, .jpeg, .gif or .webp file after attachment://",
        None => "be an http://, https:// or attachment:// URL",
    };
    report.push(field(path, name), ViolationKind::BadFormat { expected });
}

/// [`ViolationKind::NotAllowed`] at `path.name` when `set`: a field only
/// Discord fills in.
fn response_only(report: &mut Report, path: &str, name: &str, set: bool) {
    if set {
        report.push(
            field(path, name),
            ViolationKind::NotAllowed {
                when: RESPONSE_ONLY,
            },
        );
    }
}

/// Whether `url` starts with `http://` or `https://`, in any letter case.
fn is_http(url: &str) -> bool {
    strip_prefix_ignore_case(url, "http://").is_some()
        || strip_prefix_ignore_case(url, "https://").is_some()
}

/// Whether `filename` ends in one of [`EMBED_ATTACHMENT_IMAGE_EXTENSIONS`],
/// in any letter case, after a non-empty name.
fn is_image_filename(filename: &str) -> bool {
    filename.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && EMBED_ATTACHMENT_IMAGE_EXTENSIONS
                .iter()
                .any(|allowed| extension.eq_ignore_ascii_case(allowed))
    })
}

/// `text` without `prefix`, compared without ASCII letter case.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

//! Checks for embeds: each part's length, the field count, URLs, colour and
//! the 6000-character total across a message's embeds.
//!
//! Discord trims leading and trailing whitespace before measuring embed
//! text, so these checks do too.

use super::error::ViolationKind;
use super::limits::{
    COLOR_MAX, EMBED_AUTHOR_NAME_MAX_CHARS, EMBED_DESCRIPTION_MAX_CHARS,
    EMBED_FIELD_NAME_MAX_CHARS, EMBED_FIELD_VALUE_MAX_CHARS, EMBED_FIELDS_MAX,
    EMBED_FOOTER_TEXT_MAX_CHARS, EMBED_TITLE_MAX_CHARS, EMBED_TOTAL_MAX_CHARS, EMBED_URL_MAX_CHARS,
    EMBEDS_MAX,
};
use super::report::{Report, char_count, field, item};
use crate::embed::Embed;

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
/// - `path.color`: [`ViolationKind::OutOfRange`] over [`COLOR_MAX`].
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
        url(report, path, "footer.icon_url", footer.icon_url.as_deref());
    }
    if let Some(author) = &embed.author {
        report.max_chars(
            &field(path, "author.name"),
            author.name.trim(),
            EMBED_AUTHOR_NAME_MAX_CHARS,
        );
        url(report, path, "author.url", author.url.as_deref());
        url(report, path, "author.icon_url", author.icon_url.as_deref());
    }
    url(report, path, "url", embed.url.as_deref());
    url(
        report,
        path,
        "image.url",
        embed.image.as_ref().map(|image| image.url.as_str()),
    );
    url(
        report,
        path,
        "thumbnail.url",
        embed
            .thumbnail
            .as_ref()
            .map(|thumbnail| thumbnail.url.as_str()),
    );
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

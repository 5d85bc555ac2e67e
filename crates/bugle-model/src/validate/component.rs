//! Checks for message components: action-row shape, buttons, selects,
//! custom ids, and the Components V2 layout types and total.

use std::collections::HashMap;

use super::error::ViolationKind;
use super::limits::{
    ACTION_ROW_BUTTONS_MAX, ACTION_ROWS_MAX, BUTTON_LABEL_MAX_CHARS, BUTTON_URL_MAX_CHARS,
    COLOR_MAX, COMPONENT_EMOJI_NAME_MAX_CHARS, COMPONENTS_V2_MAX, CUSTOM_ID_MAX_CHARS,
    CUSTOM_ID_MIN_CHARS, MEDIA_DESCRIPTION_MAX_CHARS, MEDIA_GALLERY_ITEMS_MAX,
    MEDIA_GALLERY_ITEMS_MIN, MEDIA_URL_MAX_CHARS, SECTION_TEXT_DISPLAYS_MAX,
    SECTION_TEXT_DISPLAYS_MIN, SELECT_MAX_VALUES_MAX, SELECT_MAX_VALUES_MIN, SELECT_MIN_VALUES_MAX,
    SELECT_OPTION_DESCRIPTION_MAX_CHARS, SELECT_OPTION_LABEL_MAX_CHARS,
    SELECT_OPTION_VALUE_MAX_CHARS, SELECT_OPTIONS_MAX, SELECT_OPTIONS_MIN,
    SELECT_PLACEHOLDER_MAX_CHARS, SEPARATOR_SPACINGS, TEXT_DISPLAY_MAX_CHARS,
};
use super::report::{Report, field, item};
use crate::component::{
    ActionRow, Button, ButtonStyle, Component, Container, MediaGallery, Section, Separator,
    StringSelect, UnfurledMediaItem,
};
use crate::emoji::PartialEmoji;

/// What may stand at the top level of a Components V2 message.
const V2_TOP_LEVEL: &str =
    "an action row, container, file, media gallery, section, separator or text display";
/// What may stand inside a container.
const CONTAINER_CHILDREN: &str =
    "an action row, file, media gallery, section, separator or text display";

/// Checks a message's `components`. `v2` says whether the message has the
/// `IS_COMPONENTS_V2` flag.
///
/// Violations for the list as a whole:
/// - without V2: [`ViolationKind::TooMany`] at `path` over
///   [`ACTION_ROWS_MAX`], and [`ViolationKind::WrongComponent`] at
///   `path[i]` for anything but an action row;
/// - with V2: [`ViolationKind::TooManyComponents`] at `path` when the
///   components, nested ones included, are over [`COMPONENTS_V2_MAX`], and
///   [`ViolationKind::WrongComponent`] at `path[i]` for a type that cannot
///   stand at the top level;
/// - [`ViolationKind::Duplicate`] at `….custom_id` for a custom id used
///   twice in the message, and at `….id` for a numeric id used twice.
///
/// And for each component, at its path:
/// - action row: 1 to 5 buttons or exactly one select, each a button or select (`components`: [`ViolationKind::SelectNotAlone`], [`ViolationKind::TooFew`], [`ViolationKind::TooMany`], [`ViolationKind::WrongComponent`]);
/// - button: the style rules: styles 1 to 4 need `custom_id` and no `url`/`sku_id`, link (5) needs `url` and no `custom_id`/`sku_id`, premium (6) needs `sku_id` and no `custom_id`/`label`/`url`/`emoji` ([`ViolationKind::Required`], [`ViolationKind::NotAllowed`]); `label` over [`BUTTON_LABEL_MAX_CHARS`] and `url` over [`BUTTON_URL_MAX_CHARS`] ([`ViolationKind::TooLong`]);
/// - string select: `options` outside [`SELECT_OPTIONS_MIN`] to [`SELECT_OPTIONS_MAX`]; each option's `label` and `value` outside 1 to [`SELECT_OPTION_LABEL_MAX_CHARS`] / [`SELECT_OPTION_VALUE_MAX_CHARS`], `description` over [`SELECT_OPTION_DESCRIPTION_MAX_CHARS`] and `emoji.name` over [`COMPONENT_EMOJI_NAME_MAX_CHARS`]; `max_values` above the number of options ([`ViolationKind::MoreThan`]); plus what every select gets (below);
/// - every select, and every button with a `custom_id`: `custom_id`
///   outside [`CUSTOM_ID_MIN_CHARS`] to [`CUSTOM_ID_MAX_CHARS`]
///   ([`ViolationKind::TooShort`], [`ViolationKind::TooLong`]);
///   `placeholder` over
///   [`SELECT_PLACEHOLDER_MAX_CHARS`], `min_values` over [`SELECT_MIN_VALUES_MAX`] and
///   `max_values` outside [`SELECT_MAX_VALUES_MIN`] to
///   [`SELECT_MAX_VALUES_MAX`] ([`ViolationKind::OutOfRange`]),
///   `min_values` above `max_values` ([`ViolationKind::MoreThan`]), and for
///   user, role, mentionable and channel selects [`ViolationKind::TooFew`] /
///   [`ViolationKind::TooMany`] at `default_values` outside
///   `min_values..=max_values`;
/// - section: [`ViolationKind::TooFew`] / [`ViolationKind::TooMany`] at
///   `components` outside [`SECTION_TEXT_DISPLAYS_MIN`] to
///   [`SECTION_TEXT_DISPLAYS_MAX`], [`ViolationKind::WrongComponent`] for a
///   child that is not a text display or an `accessory` that is not a button
///   or thumbnail;
/// - text display: [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`]
///   at `content` outside 1 to [`TEXT_DISPLAY_MAX_CHARS`];
/// - thumbnail and media gallery items: [`ViolationKind::TooLong`] at
///   `description` over [`MEDIA_DESCRIPTION_MAX_CHARS`] and at `media.url`
///   over [`MEDIA_URL_MAX_CHARS`]; a gallery's `items` outside
///   [`MEDIA_GALLERY_ITEMS_MIN`] to [`MEDIA_GALLERY_ITEMS_MAX`];
/// - file: [`ViolationKind::BadFormat`] at `file.url` unless it is
///   `attachment://<filename>`;
/// - separator: [`ViolationKind::NotOneOf`] at `spacing` unless it is one
///   of [`SEPARATOR_SPACINGS`] (1 small, 2 large);
/// - container: [`ViolationKind::TooFew`] at `components` when empty,
///   [`ViolationKind::WrongComponent`] for a child type containers cannot
///   hold, [`ViolationKind::OutOfRange`] at `accent_color` over [`COLOR_MAX`];
/// - text input: [`ViolationKind::WrongComponent`] (modals only);
/// - a numeric `id` used twice: [`ViolationKind::Duplicate`] at `id`.
pub fn check_components(report: &mut Report, path: &str, components: &[Component], v2: bool) {
    if v2 {
        let total = count_components(components);
        if total > COMPONENTS_V2_MAX {
            report.push(
                path,
                ViolationKind::TooManyComponents {
                    max: COMPONENTS_V2_MAX,
                    actual: total,
                },
            );
        }
    } else {
        report.max_items(path, components.len(), ACTION_ROWS_MAX);
    }
    let mut seen = Seen::default();
    for (index, component) in components.iter().enumerate() {
        let at = item(path, index);
        let allowed = if v2 {
            matches!(
                component,
                Component::ActionRow(_)
                    | Component::Container(_)
                    | Component::File(_)
                    | Component::MediaGallery(_)
                    | Component::Section(_)
                    | Component::Separator(_)
                    | Component::TextDisplay(_)
                    | Component::Unknown { .. }
            )
        } else {
            matches!(
                component,
                Component::ActionRow(_) | Component::Unknown { .. }
            )
        };
        if !allowed {
            let expected = if v2 {
                V2_TOP_LEVEL
            } else {
                "an action row (other types need the IS_COMPONENTS_V2 flag)"
            };
            report.push(
                &at,
                ViolationKind::WrongComponent {
                    found: describe(component),
                    expected,
                },
            );
        }
        check_component(report, &at, component, &mut seen);
    }
}

/// The number of components in `components`, nested ones (row children,
/// container children, section texts and accessories) included.
pub fn count_components(components: &[Component]) -> usize {
    components
        .iter()
        .map(|component| 1 + count_components_ref(&component.children()))
        .sum()
}

fn count_components_ref(components: &[&Component]) -> usize {
    components
        .iter()
        .map(|component| 1 + count_components_ref(&component.children()))
        .sum()
}

/// Custom ids and numeric ids seen so far in one message, with their paths.
#[derive(Debug, Default)]
struct Seen {
    custom_ids: HashMap<String, String>,
    ids: HashMap<u32, String>,
}

/// Checks one component and what it holds, at `path` (the per-type
/// violations are listed on [`check_components`]).
fn check_component(report: &mut Report, path: &str, component: &Component, seen: &mut Seen) {
    if let Some(id) = component.id().filter(|&id| id != 0) {
        let id_path = field(path, "id");
        if let Some(first) = seen.ids.get(&id) {
            report.push(
                &id_path,
                ViolationKind::Duplicate {
                    value: id.to_string(),
                    first: first.clone(),
                },
            );
        } else {
            seen.ids.insert(id, id_path);
        }
    }
    match component {
        Component::ActionRow(row) => check_action_row(report, path, row, seen),
        Component::Button(button) => check_button(report, path, button, seen),
        Component::StringSelect(select) => check_string_select(report, path, select, seen),
        Component::UserSelect(select)
        | Component::RoleSelect(select)
        | Component::MentionableSelect(select) => {
            check_custom_id(report, &field(path, "custom_id"), &select.custom_id, seen);
            check_placeholder(report, path, select.placeholder.as_deref());
            check_select_values(report, path, select.min_values, select.max_values, None);
            check_default_values(
                report,
                path,
                select.default_values.len(),
                select.min_values,
                select.max_values,
            );
        }
        Component::ChannelSelect(select) => {
            check_custom_id(report, &field(path, "custom_id"), &select.custom_id, seen);
            check_placeholder(report, path, select.placeholder.as_deref());
            check_select_values(report, path, select.min_values, select.max_values, None);
            check_default_values(
                report,
                path,
                select.default_values.len(),
                select.min_values,
                select.max_values,
            );
        }
        Component::TextInput(_) => report.push(
            path,
            ViolationKind::WrongComponent {
                found: describe(component),
                expected: "a component that messages can show",
            },
        ),
        Component::Section(section) => check_section(report, path, section, seen),
        Component::TextDisplay(text) => {
            report.chars_between(
                &field(path, "content"),
                &text.content,
                1,
                TEXT_DISPLAY_MAX_CHARS,
            );
        }
        Component::Thumbnail(thumbnail) => {
            check_media(
                report,
                path,
                &thumbnail.media,
                thumbnail.description.as_deref(),
            );
        }
        Component::MediaGallery(gallery) => check_gallery(report, path, gallery),
        Component::File(file) if !file.file.url.starts_with("attachment://") => {
            report.push(
                field(path, "file.url"),
                ViolationKind::BadFormat {
                    expected: "be attachment://<filename>",
                },
            );
        }
        Component::Container(container) => check_container(report, path, container, seen),
        Component::Separator(separator) => check_separator(report, path, separator),
        _ => {}
    }
}

/// Checks an action row.
///
/// Violations:
/// - [`ViolationKind::SelectNotAlone`] at `path.components` when a select
///   shares the row with anything;
/// - otherwise [`ViolationKind::TooFew`] / [`ViolationKind::TooMany`] at
///   `path.components` outside 1 to [`ACTION_ROW_BUTTONS_MAX`];
/// - [`ViolationKind::WrongComponent`] at `path.components[i]` for anything
///   but a button or a select;
/// - and what each child's own checks report.
fn check_action_row(report: &mut Report, path: &str, row: &ActionRow, seen: &mut Seen) {
    let children = field(path, "components");
    let has_select = row.components.iter().any(is_select);
    if has_select && row.components.len() != 1 {
        report.push(
            &children,
            ViolationKind::SelectNotAlone {
                actual: row.components.len(),
            },
        );
    } else if !has_select {
        report.items_between(&children, row.components.len(), 1, ACTION_ROW_BUTTONS_MAX);
    }
    for (index, child) in row.components.iter().enumerate() {
        let at = item(&children, index);
        let allowed =
            is_select(child) || matches!(child, Component::Button(_) | Component::Unknown { .. });
        if !allowed && !matches!(child, Component::TextInput(_)) {
            report.push(
                &at,
                ViolationKind::WrongComponent {
                    found: describe(child),
                    expected: "a button or a select",
                },
            );
        }
        check_component(report, &at, child, seen);
    }
}

/// Checks a button.
///
/// Violations:
/// - styles 1 to 4: [`ViolationKind::Required`] at `path.custom_id` when
///   missing, [`ViolationKind::NotAllowed`] at `path.url` and `path.sku_id`;
/// - link (5): [`ViolationKind::Required`] at `path.url` when missing,
///   [`ViolationKind::NotAllowed`] at `path.custom_id` and `path.sku_id`;
/// - premium (6): [`ViolationKind::Required`] at `path.sku_id` when missing,
///   [`ViolationKind::NotAllowed`] at `path.custom_id`, `path.label`,
///   `path.url` and `path.emoji`;
/// - [`ViolationKind::TooLong`] at `path.label` over
///   [`BUTTON_LABEL_MAX_CHARS`] and at `path.url` over [`BUTTON_URL_MAX_CHARS`];
/// - `path.emoji.name` as in [`check_emoji`];
/// - `path.custom_id` as in [`check_custom_id`].
fn check_button(report: &mut Report, path: &str, button: &Button, seen: &mut Seen) {
    let mut rule = |name: &str, present: bool, required: bool, when: &'static str| {
        if required && !present {
            report.push(field(path, name), ViolationKind::Required { when });
        } else if !required && present {
            report.push(field(path, name), ViolationKind::NotAllowed { when });
        }
    };
    let has_custom_id = button.custom_id.is_some();
    let has_url = button.url.is_some();
    let has_sku = button.sku_id.is_some();
    match button.style {
        ButtonStyle::Primary
        | ButtonStyle::Secondary
        | ButtonStyle::Success
        | ButtonStyle::Danger => {
            const WHEN: &str = "on a button of style 1 to 4";
            rule("custom_id", has_custom_id, true, WHEN);
            rule("url", has_url, false, WHEN);
            rule("sku_id", has_sku, false, WHEN);
        }
        ButtonStyle::Link => {
            const WHEN: &str = "on a link button";
            rule("url", has_url, true, WHEN);
            rule("custom_id", has_custom_id, false, WHEN);
            rule("sku_id", has_sku, false, WHEN);
        }
        ButtonStyle::Premium => {
            const WHEN: &str = "on a premium button";
            rule("sku_id", has_sku, true, WHEN);
            rule("custom_id", has_custom_id, false, WHEN);
            rule("label", button.label.is_some(), false, WHEN);
            rule("url", has_url, false, WHEN);
            rule("emoji", button.emoji.is_some(), false, WHEN);
        }
        _ => {}
    }
    if let Some(label) = &button.label {
        report.max_chars(&field(path, "label"), label, BUTTON_LABEL_MAX_CHARS);
    }
    if let Some(url) = &button.url {
        report.max_chars(&field(path, "url"), url, BUTTON_URL_MAX_CHARS);
    }
    if let Some(emoji) = &button.emoji {
        check_emoji(report, path, emoji);
    }
    if let Some(custom_id) = &button.custom_id {
        check_custom_id(report, &field(path, "custom_id"), custom_id, seen);
    }
}

/// Checks a string select.
///
/// Violations:
/// - `path.custom_id` as in [`check_custom_id`];
/// - [`ViolationKind::TooFew`] / [`ViolationKind::TooMany`] at `path.options`
///   outside [`SELECT_OPTIONS_MIN`] to [`SELECT_OPTIONS_MAX`];
/// - [`ViolationKind::TooLong`] at `path.placeholder` over
///   [`SELECT_PLACEHOLDER_MAX_CHARS`];
/// - `min_values`/`max_values` as in [`check_select_values`], with the
///   number of options as a cap;
/// - for each option, [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`]
///   at `path.options[i].label` and `.value` outside 1 to
///   [`SELECT_OPTION_LABEL_MAX_CHARS`] / [`SELECT_OPTION_VALUE_MAX_CHARS`],
///   and [`ViolationKind::TooLong`] at `.description` over
///   [`SELECT_OPTION_DESCRIPTION_MAX_CHARS`]; `.emoji.name` as in
///   [`check_emoji`].
fn check_string_select(report: &mut Report, path: &str, select: &StringSelect, seen: &mut Seen) {
    check_custom_id(report, &field(path, "custom_id"), &select.custom_id, seen);
    let options = field(path, "options");
    report.items_between(
        &options,
        select.options.len(),
        SELECT_OPTIONS_MIN,
        SELECT_OPTIONS_MAX,
    );
    check_placeholder(report, path, select.placeholder.as_deref());
    check_select_values(
        report,
        path,
        select.min_values,
        select.max_values,
        Some(select.options.len()),
    );
    for (index, option) in select.options.iter().enumerate() {
        let at = item(&options, index);
        report.chars_between(
            &field(&at, "label"),
            &option.label,
            1,
            SELECT_OPTION_LABEL_MAX_CHARS,
        );
        report.chars_between(
            &field(&at, "value"),
            &option.value,
            1,
            SELECT_OPTION_VALUE_MAX_CHARS,
        );
        if let Some(description) = &option.description {
            report.max_chars(
                &field(&at, "description"),
                description,
                SELECT_OPTION_DESCRIPTION_MAX_CHARS,
            );
        }
        if let Some(emoji) = &option.emoji {
            check_emoji(report, &at, emoji);
        }
    }
}

/// [`ViolationKind::TooLong`] at `path.emoji.name` for a component emoji
/// whose name is over [`COMPONENT_EMOJI_NAME_MAX_CHARS`].
fn check_emoji(report: &mut Report, path: &str, emoji: &PartialEmoji) {
    if let Some(name) = &emoji.name {
        report.max_chars(
            &field(path, "emoji.name"),
            name,
            COMPONENT_EMOJI_NAME_MAX_CHARS,
        );
    }
}

/// [`ViolationKind::NotOneOf`] at `path.spacing` unless it is one of
/// [`SEPARATOR_SPACINGS`].
fn check_separator(report: &mut Report, path: &str, separator: &Separator) {
    if let Some(spacing) = separator.spacing {
        let value = i64::from(spacing.value());
        if !SEPARATOR_SPACINGS.contains(&value) {
            report.push(
                field(path, "spacing"),
                ViolationKind::NotOneOf {
                    allowed: SEPARATOR_SPACINGS,
                    actual: value,
                },
            );
        }
    }
}

/// Checks a `custom_id` and records it for the uniqueness check.
///
/// Violations: [`ViolationKind::TooShort`] / [`ViolationKind::TooLong`] at
/// `path` outside [`CUSTOM_ID_MIN_CHARS`] to [`CUSTOM_ID_MAX_CHARS`];
/// [`ViolationKind::Duplicate`] at `path` when the message already used it.
fn check_custom_id(report: &mut Report, path: &str, custom_id: &str, seen: &mut Seen) {
    report.chars_between(path, custom_id, CUSTOM_ID_MIN_CHARS, CUSTOM_ID_MAX_CHARS);
    if let Some(first) = seen.custom_ids.get(custom_id) {
        report.push(
            path,
            ViolationKind::Duplicate {
                value: custom_id.to_owned(),
                first: first.clone(),
            },
        );
    } else {
        seen.custom_ids
            .insert(custom_id.to_owned(), path.to_owned());
    }
}

/// [`ViolationKind::TooLong`] at `path.placeholder` over [`SELECT_PLACEHOLDER_MAX_CHARS`].
fn check_placeholder(report: &mut Report, path: &str, placeholder: Option<&str>) {
    if let Some(placeholder) = placeholder {
        report.max_chars(
            &field(path, "placeholder"),
            placeholder,
            SELECT_PLACEHOLDER_MAX_CHARS,
        );
    }
}

/// Checks a select's `min_values` and `max_values` (each defaults to 1).
///
/// Violations:
/// - [`ViolationKind::OutOfRange`] at `path.min_values` over
///   [`SELECT_MIN_VALUES_MAX`], and at `path.max_values` outside
///   [`SELECT_MAX_VALUES_MIN`] to [`SELECT_MAX_VALUES_MAX`];
/// - [`ViolationKind::MoreThan`] at `path.min_values` when it is above
///   `max_values`;
/// - [`ViolationKind::MoreThan`] at `path.max_values` when it is above
///   `options` (string selects: the number of options).
fn check_select_values(
    report: &mut Report,
    path: &str,
    min: Option<u8>,
    max: Option<u8>,
    options: Option<usize>,
) {
    let min_path = field(path, "min_values");
    let max_path = field(path, "max_values");
    if let Some(min) = min {
        report.in_range(
            &min_path,
            i64::from(min),
            0,
            i64::from(SELECT_MIN_VALUES_MAX),
        );
    }
    if let Some(max) = max {
        report.in_range(
            &max_path,
            i64::from(max),
            i64::from(SELECT_MAX_VALUES_MIN),
            i64::from(SELECT_MAX_VALUES_MAX),
        );
    }
    let (min_value, max_value) = (min.unwrap_or(1), max.unwrap_or(1));
    if min.is_some() && min_value > max_value {
        report.push(
            &min_path,
            ViolationKind::MoreThan {
                actual: i64::from(min_value),
                other: "max_values",
                other_value: i64::from(max_value),
            },
        );
    }
    if let (Some(max), Some(options)) = (max, options) {
        let options = i64::try_from(options).unwrap_or(i64::MAX);
        if i64::from(max) > options && options > 0 {
            report.push(
                &max_path,
                ViolationKind::MoreThan {
                    actual: i64::from(max),
                    other: "the number of options",
                    other_value: options,
                },
            );
        }
    }
}

/// [`ViolationKind::TooFew`] / [`ViolationKind::TooMany`] at
/// `path.default_values` when a non-empty list is outside `min..=max` values.
fn check_default_values(
    report: &mut Report,
    path: &str,
    count: usize,
    min: Option<u8>,
    max: Option<u8>,
) {
    if count > 0 {
        let (min, max) = (usize::from(min.unwrap_or(1)), usize::from(max.unwrap_or(1)));
        report.items_between(&field(path, "default_values"), count, min, max);
    }
}

/// Checks a section: its text displays and its accessory.
fn check_section(report: &mut Report, path: &str, section: &Section, seen: &mut Seen) {
    let children = field(path, "components");
    report.items_between(
        &children,
        section.components.len(),
        SECTION_TEXT_DISPLAYS_MIN,
        SECTION_TEXT_DISPLAYS_MAX,
    );
    for (index, child) in section.components.iter().enumerate() {
        let at = item(&children, index);
        if !matches!(child, Component::TextDisplay(_) | Component::Unknown { .. }) {
            report.push(
                &at,
                ViolationKind::WrongComponent {
                    found: describe(child),
                    expected: "a text display",
                },
            );
        }
        check_component(report, &at, child, seen);
    }
    let accessory = field(path, "accessory");
    if !matches!(
        *section.accessory,
        Component::Button(_) | Component::Thumbnail(_) | Component::Unknown { .. }
    ) {
        report.push(
            &accessory,
            ViolationKind::WrongComponent {
                found: describe(&section.accessory),
                expected: "a button or a thumbnail",
            },
        );
    }
    check_component(report, &accessory, &section.accessory, seen);
}

/// Checks a media gallery and its items.
fn check_gallery(report: &mut Report, path: &str, gallery: &MediaGallery) {
    let items = field(path, "items");
    report.items_between(
        &items,
        gallery.items.len(),
        MEDIA_GALLERY_ITEMS_MIN,
        MEDIA_GALLERY_ITEMS_MAX,
    );
    for (index, media) in gallery.items.iter().enumerate() {
        check_media(
            report,
            &item(&items, index),
            &media.media,
            media.description.as_deref(),
        );
    }
}

/// Checks a media item's URL and description.
fn check_media(
    report: &mut Report,
    path: &str,
    media: &UnfurledMediaItem,
    description: Option<&str>,
) {
    report.max_chars(&field(path, "media.url"), &media.url, MEDIA_URL_MAX_CHARS);
    if let Some(description) = description {
        report.max_chars(
            &field(path, "description"),
            description,
            MEDIA_DESCRIPTION_MAX_CHARS,
        );
    }
}

/// Checks a container and its children.
fn check_container(report: &mut Report, path: &str, container: &Container, seen: &mut Seen) {
    let children = field(path, "components");
    report.items_between(&children, container.components.len(), 1, COMPONENTS_V2_MAX);
    for (index, child) in container.components.iter().enumerate() {
        let at = item(&children, index);
        let allowed = matches!(
            child,
            Component::ActionRow(_)
                | Component::TextDisplay(_)
                | Component::Section(_)
                | Component::MediaGallery(_)
                | Component::Separator(_)
                | Component::File(_)
                | Component::Unknown { .. }
        );
        if !allowed {
            report.push(
                &at,
                ViolationKind::WrongComponent {
                    found: describe(child),
                    expected: CONTAINER_CHILDREN,
                },
            );
        }
        check_component(report, &at, child, seen);
    }
    if let Some(color) = container.accent_color {
        report.in_range(
            &field(path, "accent_color"),
            i64::from(color),
            0,
            i64::from(COLOR_MAX),
        );
    }
}

/// Whether `component` is one of the select menus.
fn is_select(component: &Component) -> bool {
    matches!(
        component,
        Component::StringSelect(_)
            | Component::UserSelect(_)
            | Component::RoleSelect(_)
            | Component::MentionableSelect(_)
            | Component::ChannelSelect(_)
    )
}

/// How a component is named in violation messages, e.g. `a text display`.
fn describe(component: &Component) -> String {
    let name = match component {
        Component::ActionRow(_) => "an action row",
        Component::Button(_) => "a button",
        Component::StringSelect(_) => "a string select",
        Component::TextInput(_) => "a text input",
        Component::UserSelect(_) => "a user select",
        Component::RoleSelect(_) => "a role select",
        Component::MentionableSelect(_) => "a mentionable select",
        Component::ChannelSelect(_) => "a channel select",
        Component::Section(_) => "a section",
        Component::TextDisplay(_) => "a text display",
        Component::Thumbnail(_) => "a thumbnail",
        Component::MediaGallery(_) => "a media gallery",
        Component::File(_) => "a file",
        Component::Separator(_) => "a separator",
        Component::Container(_) => "a container",
        Component::Unknown { kind, .. } => return format!("a component of type {kind}"),
    };
    name.to_owned()
}

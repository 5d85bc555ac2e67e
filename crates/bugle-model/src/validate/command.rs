//! Checks for application command definitions: names, descriptions,
//! options, choices, the nesting of subcommands and the character total.

use std::collections::HashMap;

use super::Validate;
use super::error::ViolationKind;
use super::interaction::check_choices;
use super::limits::{
    CHAT_INPUT_COMMANDS_MAX, COMMAND_DESCRIPTION_MAX_CHARS, COMMAND_DESCRIPTION_MIN_CHARS,
    COMMAND_NAME_MAX_CHARS, COMMAND_NAME_MIN_CHARS, COMMAND_OPTIONS_MAX, COMMAND_TOTAL_MAX_CHARS,
    MESSAGE_COMMANDS_MAX, OPTION_STRING_LENGTH_MAX, USER_COMMANDS_MAX,
};
use super::report::{Report, char_count, field, item};
use crate::command::{CommandDefinition, CommandOptionDefinition, CommandSet};
use crate::interaction::{CommandChoiceValue, CommandOptionType, CommandType};

/// Whether `c` may appear in a slash command or option name: Discord's
/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '-' | '_' | '\'')
        || ('\u{0900}'..='\u{097F}').contains(&c) // Devanagari
        || ('\u{0E00}'..='\u{0E7F}').contains(&c) // Thai
}

/// Checks a slash command's or an option's name: 1 to
/// [`COMMAND_NAME_MAX_CHARS`] chars ([`ViolationKind::TooShort`],
/// [`ViolationKind::TooLong`]); only letters, digits, `-`, `_` and `'`
/// ([`ViolationKind::BadFormat`] "only use letters, digits, -, _ and '");
/// no upper-case letter ([`ViolationKind::BadFormat`] "be lower case").
pub fn check_command_name(report: &mut Report, path: &str, name: &str) {
    report.chars_between(path, name, COMMAND_NAME_MIN_CHARS, COMMAND_NAME_MAX_CHARS);
    if !name.chars().all(is_name_char) {
        report.push(
            path,
            ViolationKind::BadFormat {
                expected: "only use letters, digits, -, _ and '",
            },
        );
    } else if name.chars().any(char::is_uppercase) {
        report.push(
            path,
            ViolationKind::BadFormat {
                expected: "be lower case",
            },
        );
    }
}

fn check_description(report: &mut Report, path: &str, description: &str) {
    report.chars_between(
        path,
        description,
        COMMAND_DESCRIPTION_MIN_CHARS,
        COMMAND_DESCRIPTION_MAX_CHARS,
    );
}

/// The longest of a text and its localisations, in chars.
fn longest(text: &str, localized: &HashMap<String, String>) -> usize {
    localized
        .values()
        .map(|t| char_count(t))
        .chain([char_count(text)])
        .max()
        .unwrap_or(0)
}

/// The characters a command counts toward [`COMMAND_TOTAL_MAX_CHARS`].
fn total_chars(command: &CommandDefinition) -> usize {
    fn options(list: &[CommandOptionDefinition]) -> usize {
        list.iter()
            .map(|o| {
                longest(&o.name, &o.name_localizations)
                    + longest(&o.description, &o.description_localizations)
                    + o.choices
                        .iter()
                        .map(|c| {
                            char_count(&c.name)
                                + match &c.value {
                                    CommandChoiceValue::String(v) => char_count(v),
                                    _ => 0,
                                }
                        })
                        .sum::<usize>()
                    + options(&o.options)
            })
            .sum()
    }
    longest(&command.name, &command.name_localizations)
        + longest(&command.description, &command.description_localizations)
        + options(&command.options)
}

/// Where an option list stands: what it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// A command's own options: subcommands, groups, or plain options.
    Command,
    /// A group's options: subcommands only.
    Group,
    /// A subcommand's options: plain options only.
    Subcommand,
}

fn is_sub(kind: CommandOptionType) -> bool {
    matches!(
        kind,
        CommandOptionType::SubCommand | CommandOptionType::SubCommandGroup
    )
}

/// Checks a list of options at `path` (e.g. `options`, or
/// `options[0].options`): at most [`COMMAND_OPTIONS_MAX`]; unique names
/// ([`ViolationKind::Duplicate`]); required options before optional ones
/// ([`ViolationKind::NotAllowed`] "after an optional option"); subcommands
/// and groups not mixed with plain options, groups holding only
/// subcommands, subcommands holding no subcommands
/// ([`ViolationKind::NotAllowed`]); and each option per [`check_option`].
fn check_options(
    report: &mut Report,
    path: &str,
    options: &[CommandOptionDefinition],
    level: Level,
) {
    report.max_items(path, options.len(), COMMAND_OPTIONS_MAX);
    let mut names: Vec<(&str, String)> = Vec::new();
    let mut optional_seen = false;
    let subs = options.iter().filter(|o| is_sub(o.kind)).count();
    for (index, option) in options.iter().enumerate() {
        let at = item(path, index);
        let name_at = field(&at, "name");
        if let Some((_, first)) = names.iter().find(|(n, _)| *n == option.name) {
            report.push(
                name_at.clone(),
                ViolationKind::Duplicate {
                    value: option.name.clone(),
                    first: first.clone(),
                },
            );
        } else {
            names.push((&option.name, name_at));
        }
        let sub = is_sub(option.kind);
        match level {
            Level::Command if sub && subs != options.len() => report.push(
                field(&at, "type"),
                ViolationKind::NotAllowed {
                    when: "beside options that are not subcommands",
                },
            ),
            Level::Group if option.kind != CommandOptionType::SubCommand => report.push(
                field(&at, "type"),
                ViolationKind::NotAllowed {
                    when: "in a subcommand group (only subcommands)",
                },
            ),
            Level::Subcommand if sub => report.push(
                field(&at, "type"),
                ViolationKind::NotAllowed {
                    when: "in a subcommand",
                },
            ),
            _ => {}
        }
        if !sub {
            if option.required && optional_seen {
                report.push(
                    field(&at, "required"),
                    ViolationKind::NotAllowed {
                        when: "after an optional option",
                    },
                );
            }
            optional_seen |= !option.required;
        }
        check_option(report, &at, option);
    }
}

/// Checks one option: its name ([`check_command_name`]) and description
/// (1 to [`COMMAND_DESCRIPTION_MAX_CHARS`]), localisations alike; choices
/// per [`check_choices`], only on string, integer and number options and
/// never with `autocomplete`; `min_value`/`max_value` only on integer and
/// number options, `min_length`/`max_length` only on string options and
/// within 0 (1 for the max) to [`OPTION_STRING_LENGTH_MAX`]; a min above
/// its max ([`ViolationKind::MoreThan`]); the nested options of
/// subcommands and groups (groups and subcommands need at least one).
pub fn check_option(report: &mut Report, path: &str, option: &CommandOptionDefinition) {
    check_command_name(report, &field(path, "name"), &option.name);
    check_description(report, &field(path, "description"), &option.description);
    for (locale, name) in &option.name_localizations {
        check_command_name(
            report,
            &field(path, &format!("name_localizations.{locale}")),
            name,
        );
    }
    for (locale, text) in &option.description_localizations {
        check_description(
            report,
            &field(path, &format!("description_localizations.{locale}")),
            text,
        );
    }
    check_option_values(report, path, option);
    let nested = field(path, "options");
    match option.kind {
        CommandOptionType::SubCommandGroup => {
            report.items_between(&nested, option.options.len(), 1, COMMAND_OPTIONS_MAX);
            check_options(report, &nested, &option.options, Level::Group);
        }
        CommandOptionType::SubCommand => {
            check_options(report, &nested, &option.options, Level::Subcommand);
        }
        _ if !option.options.is_empty() => report.push(
            nested,
            ViolationKind::NotAllowed {
                when: "on an option that is not a subcommand or group",
            },
        ),
        _ => {}
    }
}

/// The value rules of [`check_option`]: choices, autocomplete, ranges and lengths.
fn check_option_values(report: &mut Report, path: &str, option: &CommandOptionDefinition) {
    let kind = option.kind;
    let valued = matches!(
        kind,
        CommandOptionType::String | CommandOptionType::Integer | CommandOptionType::Number
    );
    let numeric = matches!(kind, CommandOptionType::Integer | CommandOptionType::Number);
    if !option.choices.is_empty() {
        if !valued {
            report.push(
                field(path, "choices"),
                ViolationKind::NotAllowed {
                    when: "on an option that is not a string, integer or number",
                },
            );
        } else if option.autocomplete {
            report.push(
                field(path, "autocomplete"),
                ViolationKind::Conflict {
                    with: "choices".to_owned(),
                },
            );
        }
        check_choices(report, &field(path, "choices"), &option.choices);
    }
    if option.autocomplete && !valued {
        report.push(
            field(path, "autocomplete"),
            ViolationKind::NotAllowed {
                when: "on an option that is not a string, integer or number",
            },
        );
    }
    if !numeric && (option.min_value.is_some() || option.max_value.is_some()) {
        let name = if option.min_value.is_some() {
            "min_value"
        } else {
            "max_value"
        };
        report.push(
            field(path, name),
            ViolationKind::NotAllowed {
                when: "on an option that is not an integer or number",
            },
        );
    }
    if let (Some(min), Some(max)) = (option.min_value, option.max_value) {
        if min > max {
            report.push(
                field(path, "min_value"),
                ViolationKind::NotAllowed {
                    when: "above max_value",
                },
            );
        }
    }
    let stringy = kind == CommandOptionType::String;
    if !stringy && (option.min_length.is_some() || option.max_length.is_some()) {
        let name = if option.min_length.is_some() {
            "min_length"
        } else {
            "max_length"
        };
        report.push(
            field(path, name),
            ViolationKind::NotAllowed {
                when: "on an option that is not a string",
            },
        );
    }
    if let Some(min) = option.min_length {
        report.in_range(&field(path, "min_length"), min, 0, OPTION_STRING_LENGTH_MAX);
    }
    if let Some(max) = option.max_length {
        report.in_range(&field(path, "max_length"), max, 1, OPTION_STRING_LENGTH_MAX);
    }
    if let (Some(min), Some(max)) = (option.min_length, option.max_length) {
        if min > max {
            report.push(
                field(path, "min_length"),
                ViolationKind::MoreThan {
                    actual: min,
                    other: "max_length",
                    other_value: max,
                },
            );
        }
    }
}

/// Checks a command definition.
///
/// - A slash command: `name` per [`check_command_name`], `description` 1
///   to [`COMMAND_DESCRIPTION_MAX_CHARS`], localisations alike, `options`
///   as [`check_option`] describes, and its names, descriptions and choices
///   together at most [`COMMAND_TOTAL_MAX_CHARS`]
///   ([`ViolationKind::TotalTooLong`] at the root).
/// - A user or message command: `name` 1 to [`COMMAND_NAME_MAX_CHARS`] of
///   any characters, no `description` and no `options`
///   ([`ViolationKind::NotAllowed`]).
/// - `contexts` and `integration_types`, when set, not empty
///   ([`ViolationKind::TooFew`]) and without repeats
///   ([`ViolationKind::Duplicate`]).
pub fn check_command(report: &mut Report, path: &str, command: &CommandDefinition) {
    let name_at = field(path, "name");
    let description_at = field(path, "description");
    if command.kind == CommandType::ChatInput {
        check_command_name(report, &name_at, &command.name);
        check_description(report, &description_at, &command.description);
        for (locale, name) in &command.name_localizations {
            check_command_name(
                report,
                &field(path, &format!("name_localizations.{locale}")),
                name,
            );
        }
        for (locale, text) in &command.description_localizations {
            check_description(
                report,
                &field(path, &format!("description_localizations.{locale}")),
                text,
            );
        }
        check_options(
            report,
            &field(path, "options"),
            &command.options,
            Level::Command,
        );
        let total = total_chars(command);
        if total > COMMAND_TOTAL_MAX_CHARS {
            report.push(
                path,
                ViolationKind::TotalTooLong {
                    max: COMMAND_TOTAL_MAX_CHARS,
                    actual: total,
                },
            );
        }
    } else {
        report.chars_between(
            &name_at,
            &command.name,
            COMMAND_NAME_MIN_CHARS,
            COMMAND_NAME_MAX_CHARS,
        );
        if !command.description.is_empty() {
            report.push(
                description_at,
                ViolationKind::NotAllowed {
                    when: "on a context-menu command",
                },
            );
        }
        if !command.options.is_empty() {
            report.push(
                field(path, "options"),
                ViolationKind::NotAllowed {
                    when: "on a context-menu command",
                },
            );
        }
    }
    if let Some(contexts) = &command.contexts {
        let values: Vec<u64> = contexts.iter().map(|c| u64::from(c.value())).collect();
        check_unique_list(report, &field(path, "contexts"), &values);
    }
    if let Some(types) = &command.integration_types {
        let values: Vec<u64> = types.iter().map(|c| u64::from(c.value())).collect();
        check_unique_list(report, &field(path, "integration_types"), &values);
    }
}

fn check_unique_list(report: &mut Report, path: &str, values: &[u64]) {
    if values.is_empty() {
        report.push(path, ViolationKind::TooFew { min: 1, actual: 0 });
    }
    for (index, value) in values.iter().enumerate() {
        if let Some(first) = values[..index].iter().position(|v| v == value) {
            report.push(
                item(path, index),
                ViolationKind::Duplicate {
                    value: value.to_string(),
                    first: item(path, first),
                },
            );
        }
    }
}

impl Validate for CommandDefinition {
    /// As [`check_command`].
    fn check(&self, report: &mut Report, path: &str) {
        check_command(report, path, self);
    }
}

impl Validate for CommandSet {
    /// Checks each command ([`check_command`], at `[i]`), names unique per
    /// command type ([`ViolationKind::Duplicate`] at `[i].name`), and at
    /// most [`CHAT_INPUT_COMMANDS_MAX`] slash, [`USER_COMMANDS_MAX`] user
    /// and [`MESSAGE_COMMANDS_MAX`] message commands
    /// ([`ViolationKind::TooMany`] at the root).
    fn check(&self, report: &mut Report, path: &str) {
        let mut seen: Vec<(CommandType, &str, String)> = Vec::new();
        for (index, command) in self.0.iter().enumerate() {
            let at = item(path, index);
            check_command(report, &at, command);
            let name_at = field(&at, "name");
            if let Some((_, _, first)) = seen
                .iter()
                .find(|(kind, name, _)| *kind == command.kind && *name == command.name)
            {
                report.push(
                    name_at,
                    ViolationKind::Duplicate {
                        value: command.name.clone(),
                        first: first.clone(),
                    },
                );
            } else {
                seen.push((command.kind, &command.name, name_at));
            }
        }
        for (kind, max) in [
            (CommandType::ChatInput, CHAT_INPUT_COMMANDS_MAX),
            (CommandType::User, USER_COMMANDS_MAX),
            (CommandType::Message, MESSAGE_COMMANDS_MAX),
        ] {
            let count = self.0.iter().filter(|c| c.kind == kind).count();
            report.max_items(path, count, max);
        }
    }
}

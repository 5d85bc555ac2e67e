//! Turning command-line input into model values: text (or stdin), embeds
//! from JSON, files, channels, emoji.

use std::io::Read;
use std::path::Path;

use bugle::ChannelTarget;
use bugle_model::embed::Embed;
use bugle_model::emoji::PartialEmoji;
use bugle_model::id::{ChannelId, EmojiId};
use bugle_model::request::AttachmentFile;
use serde_json::Value;

use crate::cli::Body;
use crate::exit::CliError;

/// A message body read from the command line: text, embeds, files.
#[derive(Debug, Default)]
pub(crate) struct Content {
    /// The text, if any.
    pub(crate) text: Option<String>,
    /// The embeds.
    pub(crate) embeds: Vec<Embed>,
    /// The files to upload.
    pub(crate) files: Vec<AttachmentFile>,
}

impl Content {
    /// Reads what `body` names. At most one of the content and the embed JSON
    /// may be `-` (stdin).
    ///
    /// # Errors
    ///
    /// Invalid input: both read stdin, an unreadable file, embed JSON that
    /// is not an embed.
    pub(crate) fn read(body: &Body) -> Result<Self, CliError> {
        if body.content.as_deref() == Some("-") && body.embed_json.as_deref() == Some("-") {
            return Err(CliError::invalid(
                "only one of CONTENT and --embed-json can be `-` (stdin)",
            ));
        }
        let text = body.content.as_deref().map(text_arg).transpose()?;
        let embeds = match body.embed_json.as_deref() {
            Some("-") => parse_embeds(&read_stdin()?)?,
            Some(path) => parse_embeds(&read_file("--embed-json", Path::new(path))?)?,
            None => Vec::new(),
        };
        let files = body
            .files
            .iter()
            .map(|path| attachment(path))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            text,
            embeds,
            files,
        })
    }

    /// Whether nothing at all would be sent.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_none() && self.embeds.is_empty() && self.files.is_empty()
    }

    /// `self`, or an invalid-input error when it is empty.
    ///
    /// # Errors
    ///
    /// When there is no text, embed or file.
    pub(crate) fn require_something(self) -> Result<Self, CliError> {
        if self.is_empty() {
            Err(CliError::invalid(
                "nothing to send: give CONTENT (or `-` for stdin), --embed-json or --file",
            ))
        } else {
            Ok(self)
        }
    }
}

/// The text argument: itself, or stdin for `-`.
///
/// # Errors
///
/// When stdin cannot be read or is not UTF-8.
pub(crate) fn text_arg(arg: &str) -> Result<String, CliError> {
    if arg == "-" {
        let text = read_stdin()?;
        Ok(text.strip_suffix('\n').unwrap_or(&text).to_owned())
    } else {
        Ok(arg.to_owned())
    }
}

/// All of stdin, as text.
///
/// # Errors
///
/// When stdin cannot be read or is not UTF-8.
pub(crate) fn read_stdin() -> Result<String, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|error| CliError::invalid(format!("cannot read stdin: {error}")))?;
    Ok(text)
}

/// A file as text.
///
/// # Errors
///
/// Invalid input naming the option and the path.
pub(crate) fn read_file(option: &str, path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|error| {
        CliError::invalid(format!(
            "cannot read {option} file {}: {error}",
            path.display()
        ))
    })
}

/// Embeds from JSON: one embed object or an array of them.
///
/// # Errors
///
/// Invalid input saying where the JSON is wrong.
pub(crate) fn parse_embeds(text: &str) -> Result<Vec<Embed>, CliError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|error| CliError::invalid(format!("--embed-json is not valid JSON: {error}")))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => {
            return Err(CliError::invalid(
                "--embed-json must hold an embed object or an array of embed objects",
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            serde_json::from_value(item).map_err(|error| {
                CliError::invalid(format!(
                    "--embed-json: embeds[{index}] is not an embed: {error}"
                ))
            })
        })
        .collect()
}

/// A file to upload, named after its path's last component.
///
/// # Errors
///
/// Invalid input when the file cannot be read.
pub(crate) fn attachment(path: &Path) -> Result<AttachmentFile, CliError> {
    let data = std::fs::read(path).map_err(|error| {
        CliError::invalid(format!("cannot read --file {}: {error}", path.display()))
    })?;
    let name = path.file_name().map_or_else(
        || "file".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    Ok(AttachmentFile::new(name, data))
}

/// A channel argument: a number is an id, anything else a route name.
///
/// # Errors
///
/// Invalid input for `0`.
pub(crate) fn channel(arg: &str) -> Result<ChannelTarget, CliError> {
    if !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit()) {
        arg.parse::<u64>()
            .ok()
            .and_then(ChannelId::new_checked)
            .map(ChannelTarget::Id)
            .ok_or_else(|| CliError::invalid(format!("`{arg}` is not a valid channel id")))
    } else {
        Ok(ChannelTarget::Name(arg.to_owned()))
    }
}

/// An emoji argument: `name:id` (or `<:name:id>`, `<a:name:id>`) for a
/// custom emoji, anything else unicode.
///
/// # Errors
///
/// Invalid input for an empty emoji or a custom emoji with a bad id.
pub(crate) fn emoji(arg: &str) -> Result<PartialEmoji, CliError> {
    let trimmed = arg.trim();
    if trimmed.is_empty() {
        return Err(CliError::invalid("the emoji is empty"));
    }
    let (animated, inner) = match trimmed.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        Some(inner) => match inner.strip_prefix("a:") {
            Some(rest) => (true, rest),
            None => (false, inner.strip_prefix(':').unwrap_or(inner)),
        },
        None => (false, trimmed),
    };
    match inner.rsplit_once(':') {
        Some((name, id)) if !name.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            let id = id
                .parse::<u64>()
                .ok()
                .and_then(EmojiId::new_checked)
                .ok_or_else(|| {
                    CliError::invalid(format!("`{arg}`: the custom emoji id is not valid"))
                })?;
            Ok(PartialEmoji::custom(id, name, animated))
        }
        _ => Ok(PartialEmoji::unicode(trimmed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_ids_or_route_names() {
        assert_eq!(
            channel("123").expect("id"),
            ChannelTarget::Id(ChannelId::new(123))
        );
        assert_eq!(
            channel("alerts").expect("name"),
            ChannelTarget::Name("alerts".into())
        );
        assert_eq!(
            channel("ci-2").expect("name"),
            ChannelTarget::Name("ci-2".into())
        );
        assert!(channel("0").is_err());
    }

    #[test]
    fn emoji_are_unicode_or_custom() {
        assert_eq!(emoji("✅").expect("unicode"), PartialEmoji::unicode("✅"));
        let custom = PartialEmoji::custom(EmojiId::new(41_771_983_429_993_937), "party", false);
        assert_eq!(emoji("party:41771983429993937").expect("custom"), custom);
        assert_eq!(emoji("<:party:41771983429993937>").expect("custom"), custom);
        let animated = emoji("<a:spin:12>").expect("animated");
        assert!(animated.animated);
        assert_eq!(animated.reaction_form().as_deref(), Some("spin:12"));
        assert!(emoji("  ").is_err());
        assert!(emoji("bad:0").is_err());
    }

    #[test]
    fn embeds_parse_from_an_object_or_an_array() {
        let one = parse_embeds(r#"{"title": "CPU high", "color": 15548997}"#).expect("object");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].title.as_deref(), Some("CPU high"));
        let two = parse_embeds(r#"[{"title": "a"}, {"description": "b"}]"#).expect("array");
        assert_eq!(two.len(), 2);
        let error = parse_embeds(r#"[{"title": 5}]"#).expect_err("bad type");
        assert!(error.to_string().contains("embeds[0]"), "{error}");
        assert!(parse_embeds("3").is_err());
        assert!(parse_embeds("{").is_err());
    }

    #[test]
    fn empty_bodies_are_refused() {
        let error = Content::default().require_something().expect_err("empty");
        assert!(error.to_string().contains("nothing to send"));
    }

    #[test]
    fn files_are_read_and_named_after_the_path() {
        let missing = attachment(Path::new("no/such/file.txt")).expect_err("missing");
        assert!(missing.to_string().contains("no/such/file.txt"));
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let file = attachment(&manifest).expect("reads");
        assert_eq!(file.filename, "Cargo.toml");
        assert!(!file.data.is_empty());
    }
}

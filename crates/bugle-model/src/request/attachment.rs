//! File uploads: [`AttachmentFile`] descriptors and the `attachments[]`
//! array derived from them ([`Attachments`]).
//!
//! A body with files is sent as `multipart/form-data`: a `payload_json` part
//! with the body's JSON, then one part per file named `files[n]`, where `n`
//! is the id of the file's entry in the body's `attachments` array. Bodies
//! keep their files in an [`Attachments`] that numbers the entries itself,
//! so the JSON entries and the parts can never disagree: serialise the body
//! for `payload_json` and send each [`FilePart`] of its `files()` as
//! [`FilePart::field_name`] with [`FilePart::filename`].

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::id::AttachmentId;

/// The prefix Discord reads as "this attachment is a spoiler".
pub const SPOILER_PREFIX: &str = "SPOILER_";

/// A file to upload with a message: its name, bytes, alt text, whether it
/// is a spoiler, and for a voice message its duration and waveform.
///
/// The bytes are shared (`Arc<[u8]>`), so cloning a body to retry it does
/// not copy them. `Debug` shows the length, not the bytes.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct AttachmentFile {
    /// The file name, e.g. `report.png`; embeds and components refer to it
    /// as `attachment://report.png`.
    pub filename: String,
    /// The file's contents.
    pub data: Arc<[u8]>,
    /// Alt text (at most 1024 chars).
    pub description: Option<String>,
    /// Whether the file is hidden behind a spoiler (sent as `SPOILER_<filename>`).
    pub spoiler: bool,
    /// The attachment's title (at most 1024 chars).
    pub title: Option<String>,
    /// A voice message's length, sent as `duration_secs` (required on the
    /// file of a message with `IS_VOICE_MESSAGE`).
    pub duration: Option<Duration>,
    /// A voice message's sampled waveform, base64 (at most 400 chars;
    /// required on the file of a message with `IS_VOICE_MESSAGE`).
    pub waveform: Option<String>,
}

impl AttachmentFile {
    /// A file named `filename` holding `data` (a `Vec<u8>`, `&[u8]` or `Arc<[u8]>`).
    pub fn new(filename: impl Into<String>, data: impl Into<Arc<[u8]>>) -> Self {
        Self {
            filename: filename.into(),
            data: data.into(),
            description: None,
            spoiler: false,
            title: None,
            duration: None,
            waveform: None,
        }
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Makes the file a voice message's audio: its length and its waveform
    /// (base64 of one byte per sample, at most 400 chars). The message also
    /// needs [`MessageFlags::IS_VOICE_MESSAGE`](crate::message::MessageFlags::IS_VOICE_MESSAGE).
    pub fn voice(mut self, duration: Duration, waveform: impl Into<String>) -> Self {
        self.duration = Some(duration);
        self.waveform = Some(waveform.into());
        self
    }

    /// Sets the alt text.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Marks the file as a spoiler (or not).
    pub fn spoiler(mut self, spoiler: bool) -> Self {
        self.spoiler = spoiler;
        self
    }

    /// The name the file is uploaded under: `filename`, prefixed with
    /// `SPOILER_` for a spoiler (unless it already is).
    pub fn upload_filename(&self) -> Cow<'_, str> {
        if self.spoiler && !self.filename.starts_with(SPOILER_PREFIX) {
            Cow::Owned(format!("{SPOILER_PREFIX}{}", self.filename))
        } else {
            Cow::Borrowed(&self.filename)
        }
    }
}

impl fmt::Debug for AttachmentFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachmentFile")
            .field("filename", &self.filename)
            .field("bytes", &self.data.len())
            .field("description", &self.description)
            .field("spoiler", &self.spoiler)
            .field("title", &self.title)
            .field("duration", &self.duration)
            .field("waveform", &self.waveform)
            .finish()
    }
}

/// The id of an `attachments[]` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttachmentSlot {
    /// A file uploaded with this request, as the part `files[n]`; a JSON integer.
    Upload(u64),
    /// An attachment the message already has (edits); a JSON string.
    Existing(AttachmentId),
}

impl Serialize for AttachmentSlot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Upload(index) => serializer.serialize_u64(*index),
            Self::Existing(id) => id.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AttachmentSlot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Index(u64),
            Id(AttachmentId),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Index(index) => Self::Upload(index),
            Raw::Id(id) => Self::Existing(id),
        })
    }
}

/// One entry of a body's `attachments` array, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentEntry {
    /// Which file or attachment the entry is about.
    pub id: AttachmentSlot,
    /// The file name (uploads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The alt text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A voice message's length (`duration_secs`, in seconds).
    #[serde(
        rename = "duration_secs",
        default,
        with = "duration_secs",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration: Option<Duration>,
    /// A voice message's waveform, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waveform: Option<String>,
}

impl AttachmentEntry {
    /// An entry with only its id.
    pub fn new(id: AttachmentSlot) -> Self {
        Self {
            id,
            filename: None,
            description: None,
            title: None,
            duration: None,
            waveform: None,
        }
    }
}

/// `duration_secs`: a [`Duration`] as a JSON number of seconds.
mod duration_secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde passes fields by reference
    pub(super) fn serialize<S: Serializer>(
        duration: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match duration {
            Some(duration) => serializer.serialize_f64(duration.as_secs_f64()),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<f64>::deserialize(deserializer)?
            .map(|secs| Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A file to send as one multipart part: `files[index]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilePart<'a> {
    /// The `n` of `files[n]`, equal to the id of the file's `attachments[]` entry.
    pub index: u64,
    /// The file.
    pub file: &'a AttachmentFile,
}

impl FilePart<'_> {
    /// The multipart field name, `files[n]`.
    pub fn field_name(&self) -> String {
        format!("files[{}]", self.index)
    }

    /// The multipart file name (with the spoiler prefix if any).
    pub fn filename(&self) -> Cow<'_, str> {
        self.file.upload_filename()
    }

    /// The bytes to send.
    pub fn data(&self) -> &[u8] {
        &self.file.data
    }
}

/// What an `attachments[]` entry holds inside [`Attachments`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    /// A file to upload; its id is assigned when the entries are made.
    Upload(AttachmentFile),
    /// An entry passed through as given: a kept attachment, or an entry read from JSON.
    Entry(AttachmentEntry),
}

/// A body's `attachments`: new files to upload and, on edits, existing
/// attachments to keep. Serialises as the `attachments[]` JSON array, with
/// upload ids that match the [`files`](Self::files) part names.
///
/// Parsing JSON gives entries only (the bytes travel in other parts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachments {
    items: Vec<Item>,
}

impl Attachments {
    /// No attachments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file to upload.
    pub fn push_file(&mut self, file: AttachmentFile) {
        self.items.push(Item::Upload(file));
    }

    /// Keeps an attachment the message already has (edits list every
    /// attachment that should stay).
    pub fn keep(&mut self, id: AttachmentId) {
        self.push_entry(AttachmentEntry::new(AttachmentSlot::Existing(id)));
    }

    /// Adds an entry as given.
    pub fn push_entry(&mut self, entry: AttachmentEntry) {
        self.items.push(Item::Entry(entry));
    }

    /// How many entries the `attachments` array has.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The files to upload, each with the index of its `files[n]` part.
    ///
    /// Indices count up from 0, skipping any upload index already taken by an
    /// entry read from JSON, so each is unique and matches its entry's id.
    pub fn files(&self) -> Vec<FilePart<'_>> {
        let mut indices = self.upload_indices();
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Upload(file) => Some(FilePart {
                    index: indices.next().unwrap_or_default(),
                    file,
                }),
                Item::Entry(_) => None,
            })
            .collect()
    }

    /// The `attachments[]` entries as they are sent, in the order added.
    pub fn entries(&self) -> Vec<AttachmentEntry> {
        let mut indices = self.upload_indices();
        self.items
            .iter()
            .map(|item| match item {
                Item::Upload(file) => AttachmentEntry {
                    id: AttachmentSlot::Upload(indices.next().unwrap_or_default()),
                    filename: Some(file.upload_filename().into_owned()),
                    description: file.description.clone(),
                    title: file.title.clone(),
                    duration: file.duration,
                    waveform: file.waveform.clone(),
                },
                Item::Entry(entry) => entry.clone(),
            })
            .collect()
    }

    /// The total bytes of the files to upload.
    pub fn upload_bytes(&self) -> u64 {
        self.files()
            .iter()
            .map(|part| part.data().len() as u64)
            .sum()
    }

    /// The size in bytes of each file to upload, with the position of its
    /// entry in the `attachments` array.
    pub(crate) fn upload_sizes(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(position, item)| match item {
                Item::Upload(file) => Some((position, file.data.len() as u64)),
                Item::Entry(_) => None,
            })
    }

    /// The upload indices free for new files: 0, 1, 2, ... minus those taken.
    fn upload_indices(&self) -> impl Iterator<Item = u64> {
        let taken: BTreeSet<u64> = self
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Entry(AttachmentEntry {
                    id: AttachmentSlot::Upload(index),
                    ..
                }) => Some(*index),
                _ => None,
            })
            .collect();
        (0..).filter(move |index| !taken.contains(index))
    }
}

impl Serialize for Attachments {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Attachments {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Vec::<AttachmentEntry>::deserialize(deserializer)?;
        Ok(Self {
            items: entries.into_iter().map(Item::Entry).collect(),
        })
    }
}

impl FromIterator<AttachmentFile> for Attachments {
    fn from_iter<I: IntoIterator<Item = AttachmentFile>>(files: I) -> Self {
        Self {
            items: files.into_iter().map(Item::Upload).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_and_parts_share_ids() {
        let mut attachments = Attachments::new();
        attachments.keep(AttachmentId::new(1_234_567_890));
        attachments.push_file(AttachmentFile::new("a.png", vec![1, 2]).description("chart"));
        attachments.push_file(AttachmentFile::new("b.txt", &b"xyz"[..]).spoiler(true));
        assert_eq!(
            serde_json::to_value(&attachments).unwrap(),
            json!([
                {"id": "1234567890"},
                {"id": 0, "filename": "a.png", "description": "chart"},
                {"id": 1, "filename": "SPOILER_b.txt"},
            ])
        );
        let parts = attachments.files();
        assert_eq!(
            parts.iter().map(FilePart::field_name).collect::<Vec<_>>(),
            ["files[0]", "files[1]"]
        );
        assert_eq!(parts[1].filename(), "SPOILER_b.txt");
        assert_eq!(parts[1].data(), b"xyz");
        assert_eq!(attachments.upload_bytes(), 5);
    }

    #[test]
    fn new_uploads_skip_indices_taken_by_parsed_entries() {
        let mut attachments: Attachments =
            serde_json::from_value(json!([{"id": 0, "filename": "old.png"}])).unwrap();
        attachments.push_file(AttachmentFile::new("new.png", vec![0]));
        assert_eq!(attachments.files()[0].index, 1);
        assert_eq!(
            serde_json::to_value(&attachments).unwrap()[1]["id"],
            json!(1)
        );
    }

    #[test]
    fn voice_fields_are_sent_on_the_entry() {
        let mut attachments = Attachments::new();
        attachments.push_file(
            AttachmentFile::new("note.ogg", vec![0; 4])
                .voice(Duration::from_millis(2500), "AAEC")
                .title("stand-up"),
        );
        let json = serde_json::to_value(&attachments).unwrap();
        assert_eq!(
            json,
            json!([{"id": 0, "filename": "note.ogg", "title": "stand-up",
                    "duration_secs": 2.5, "waveform": "AAEC"}])
        );
        let parsed: Attachments = serde_json::from_value(json).unwrap();
        assert_eq!(
            parsed.entries()[0].duration,
            Some(Duration::from_millis(2500))
        );
        assert!(
            serde_json::from_value::<Attachments>(json!([{"id": 0, "duration_secs": -1.0}]))
                .is_err()
        );
    }

    #[test]
    fn spoiler_prefix_is_not_doubled() {
        let file = AttachmentFile::new("SPOILER_x.png", vec![]).spoiler(true);
        assert_eq!(file.upload_filename(), "SPOILER_x.png");
    }

    #[test]
    fn debug_hides_the_bytes() {
        let file = AttachmentFile::new("x", vec![7; 3]);
        assert_eq!(
            format!("{file:?}"),
            r#"AttachmentFile { filename: "x", bytes: 3, description: None, spoiler: false, title: None, duration: None, waveform: None }"#
        );
    }
}

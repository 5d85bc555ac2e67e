//! `multipart/form-data` bodies for file uploads.
//!
//! Discord takes files as a multipart body: a `payload_json` part holding the
//! JSON body, then one `files[n]` part per file. The `n` is the file's upload
//! id ([`FileUpload::index`]), the id its `attachments[]` entry in the JSON
//! carries; embeds refer to a file as `attachment://<filename>`. A body from
//! bugle-model numbers its files itself: encode each of its
//! [`FilePart`]s through `FileUpload::from`,
//! which keeps the part's index and shares its bytes.
//!
//! This is bugle's one multipart encoder; its tests parse what it writes with
//! `multer`, a parser it shares nothing with.
//!
//! ```
//! use bugle::multipart::{FileUpload, encode};
//!
//! let files = [FileUpload::new(0, "report.txt", "all green")];
//! let json = br#"{"content":"nightly report","attachments":[{"id":0}]}"#;
//! let body = encode(json, &files).expect("valid");
//! assert!(body.content_type.starts_with("multipart/form-data; boundary="));
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use bugle_model::request::FilePart;
use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::error::{DiscordError, ErrorKind};

/// Random characters in each boundary.
const BOUNDARY_RANDOM_CHARS: usize = 32;
/// Fresh boundaries tried before giving up (each clash has odds of about
/// 62⁻³²; running out means the parts were built to defeat the check).
const BOUNDARY_ATTEMPTS: usize = 8;

/// One file to upload, as the part `files[index]`.
///
/// The bytes are a [`Bytes`]: converting a model [`FilePart`] shares its
/// `Arc<[u8]>` instead of copying it.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    index: u64,
    filename: String,
    content_type: String,
    data: Bytes,
}

impl FileUpload {
    /// A file called `filename` holding `data`, sent as `files[index]` (so
    /// the `attachments[]` entry with id `index` describes it); its content
    /// type is guessed from the extension (see [`guess_content_type`]).
    pub fn new(index: u64, filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        let filename = filename.into();
        Self {
            index,
            content_type: guess_content_type(&filename).into_owned(),
            filename,
            data: data.into(),
        }
    }

    /// Sets the content type instead of guessing it.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The upload id: the `n` of `files[n]`.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The part name, `files[n]`.
    pub fn field_name(&self) -> String {
        format!("files[{}]", self.index)
    }

    /// The file name Discord shows.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The content type sent with the file.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The file's bytes.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("index", &self.index)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type())
            .field("len", &self.data.len())
            .finish()
    }
}

impl From<FilePart<'_>> for FileUpload {
    /// The part's index, upload file name (spoiler prefix included) and
    /// bytes; the bytes are shared with the model, not copied.
    fn from(part: FilePart<'_>) -> Self {
        Self::new(
            part.index,
            part.filename().into_owned(),
            Bytes::from_owner(Arc::clone(&part.file.data)),
        )
    }
}

/// An encoded multipart body and the `Content-Type` header that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartBody {
    /// `multipart/form-data; boundary=…`.
    pub content_type: String,
    /// The encoded body.
    pub body: Bytes,
}

/// The content type for a file name, from its extension (case-insensitive,
/// by `mime_guess`'s table); `application/octet-stream` for an extension it
/// does not know. Text types are declared UTF-8 (`text/plain; charset=utf-8`).
pub fn guess_content_type(filename: &str) -> Cow<'static, str> {
    let extension = filename
        .rsplit_once('.')
        .map_or("", |(_, extension)| extension);
    match mime_guess::from_ext(extension).first_raw() {
        Some(text) if text.starts_with("text/") => format!("{text}; charset=utf-8").into(),
        Some(other) => other.into(),
        None => "application/octet-stream".into(),
    }
}

/// Encodes `payload_json` (the request's JSON body) and `files` as
/// `multipart/form-data`: `payload_json` first, then each file, in the order
/// given, as `files[n]` with its own [`index`](FileUpload::index).
///
/// The transport sends one contiguous body, so each file's bytes are copied
/// once, into a buffer allocated at the body's exact size; nothing else is
/// copied.
///
/// # Errors
///
/// [`ErrorKind::Validation`] when a file name is empty, when two files share
/// an index, when a content type has characters other than visible ASCII and
/// spaces, or (practically never) when no random boundary could be found that
/// occurs in none of the parts.
pub fn encode(payload_json: &[u8], files: &[FileUpload]) -> Result<MultipartBody, DiscordError> {
    encode_with(payload_json, files, random_boundary)
}

/// [`encode`] with the boundaries drawn from `next_boundary`.
fn encode_with(
    payload_json: &[u8],
    files: &[FileUpload],
    mut next_boundary: impl FnMut() -> String,
) -> Result<MultipartBody, DiscordError> {
    if let Some(file) = files.iter().find(|file| file.filename.is_empty()) {
        return Err(validation(format!("{}.filename: empty", file.field_name())));
    }
    let mut indices = BTreeSet::new();
    if let Some(file) = files.iter().find(|file| !indices.insert(file.index)) {
        return Err(validation(format!(
            "{}: two files with upload id {}, each needs its own",
            file.field_name(),
            file.index
        )));
    }
    if let Some(file) = files
        .iter()
        .find(|file| !is_header_safe(file.content_type()))
    {
        return Err(validation(format!(
            "{}.content_type: only visible ascii characters and spaces are allowed",
            file.field_name()
        )));
    }
    for _ in 0..BOUNDARY_ATTEMPTS {
        let boundary = next_boundary();
        let needle = boundary.as_bytes();
        let clashes = std::iter::once(payload_json)
            .chain(files.iter().map(|file| &file.data[..]))
            .chain(files.iter().map(|file| file.filename.as_bytes()))
            .chain(files.iter().map(|file| file.content_type().as_bytes()))
            .any(|part| contains(part, needle));
        if !clashes {
            return Ok(write_body(&boundary, payload_json, files));
        }
    }
    Err(validation(
        "files: every boundary tried occurs inside a part".to_owned(),
    ))
}

/// Visible ASCII and spaces: nothing that could end the header line.
fn is_header_safe(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

fn validation(message: String) -> DiscordError {
    DiscordError::new(ErrorKind::Validation { message })
}

fn random_boundary() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(BOUNDARY_RANDOM_CHARS)
        .map(char::from)
        .collect();
    format!("bugle-{random}")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack.len() >= needle.len()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

fn write_body(boundary: &str, payload_json: &[u8], files: &[FileUpload]) -> MultipartBody {
    let heads: Vec<String> = std::iter::once(part_head(
        true,
        boundary,
        "form-data; name=\"payload_json\"",
        "application/json",
    ))
    .chain(files.iter().map(|file| {
        let disposition = format!(
            "form-data; name=\"{}\"; filename=\"{}\"",
            file.field_name(),
            escape_quoted(&file.filename)
        );
        part_head(false, boundary, &disposition, file.content_type())
    }))
    .collect();
    let closing = format!("\r\n--{boundary}--\r\n");
    let contents = std::iter::once(payload_json).chain(files.iter().map(|file| &file.data[..]));
    let size = heads.iter().map(String::len).sum::<usize>()
        + contents.clone().map(<[u8]>::len).sum::<usize>()
        + closing.len();
    // The one copy of each file: into a buffer of exactly the body's size.
    let mut body = BytesMut::with_capacity(size);
    for (head, content) in heads.iter().zip(contents) {
        body.put_slice(head.as_bytes());
        body.put_slice(content);
    }
    body.put_slice(closing.as_bytes());
    debug_assert_eq!(body.len(), size);
    MultipartBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: body.freeze(),
    }
}

/// The delimiter (after a CRLF, except for the first part) and the part's
/// headers, up to and including the empty line.
fn part_head(first: bool, boundary: &str, disposition: &str, content_type: &str) -> String {
    let line_end = if first { "" } else { "\r\n" };
    format!(
        "{line_end}--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {content_type}\r\n\r\n"
    )
}

/// Escapes a file name for a quoted header parameter the way browsers do
/// (WHATWG HTML, "multipart/form-data encoding"): `"` → `%22`, CR → `%0D`,
/// LF → `%0A`; and also `\` → `%5C`, which browsers leave alone: parsers
/// that read `\"` as an escaped quote (multer, RFC 2616's quoted-pair) would
/// otherwise lose the name of a file whose name ends in a backslash. Other
/// characters, UTF-8 included, pass through.
fn escape_quoted(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => escaped.push_str("%22"),
            '\\' => escaped.push_str("%5C"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests;

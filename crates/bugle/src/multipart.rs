//! `multipart/form-data` bodies for file uploads.
//!
//! Discord takes files as a multipart body: a `payload_json` part holding the
//! JSON body, then one `files[n]` part per file. The `n` is the file's
//! position in the list; `attachments[].id` entries in the JSON refer to it,
//! and embeds refer to a file as `attachment://<filename>`.
//!
//! ```
//! use bugle::multipart::{FileUpload, encode};
//!
//! let files = [FileUpload::new("report.txt", "all green")];
//! let body = encode(br#"{"content":"nightly report"}"#, &files).expect("valid");
//! assert!(body.content_type.starts_with("multipart/form-data; boundary="));
//! ```

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::error::{DiscordError, ErrorKind};

/// Random characters in each boundary.
const BOUNDARY_RANDOM_CHARS: usize = 32;
/// Fresh boundaries tried before giving up (each clash has odds of about
/// 62⁻³²; running out means the parts were built to defeat the check).
const BOUNDARY_ATTEMPTS: usize = 8;

/// One file to upload.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    filename: String,
    content_type: String,
    data: Bytes,
}

impl FileUpload {
    /// A file called `filename` holding `data`; its content type is guessed
    /// from the extension (see [`guess_content_type`]).
    pub fn new(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        let filename = filename.into();
        Self {
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
            .field("filename", &self.filename)
            .field("content_type", &self.content_type())
            .field("len", &self.data.len())
            .finish()
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
/// `multipart/form-data`.
///
/// # Errors
///
/// [`ErrorKind::Validation`] when a file name is empty, when a content type
/// has characters other than visible ASCII and spaces, or (practically never)
/// when no random boundary could be found that occurs in none of the parts.
pub fn encode(payload_json: &[u8], files: &[FileUpload]) -> Result<MultipartBody, DiscordError> {
    encode_with(payload_json, files, random_boundary)
}

/// [`encode`] with the boundaries drawn from `next_boundary`.
fn encode_with(
    payload_json: &[u8],
    files: &[FileUpload],
    mut next_boundary: impl FnMut() -> String,
) -> Result<MultipartBody, DiscordError> {
    if let Some(index) = files.iter().position(|file| file.filename.is_empty()) {
        return Err(validation(format!("files[{index}].filename: empty")));
    }
    if let Some(index) = files
        .iter()
        .position(|file| !is_header_safe(file.content_type()))
    {
        return Err(validation(format!(
            "files[{index}].content_type: only visible ascii characters and spaces are allowed"
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
    let size = payload_json.len()
        + files
            .iter()
            .map(|file| file.data.len() + file.filename.len() + 160)
            .sum::<usize>()
        + 200;
    let mut body = BytesMut::with_capacity(size);
    write_part_head(
        &mut body,
        boundary,
        "form-data; name=\"payload_json\"",
        "application/json",
    );
    body.put_slice(payload_json);
    for (index, file) in files.iter().enumerate() {
        let disposition = format!(
            "form-data; name=\"files[{index}]\"; filename=\"{}\"",
            escape_quoted(&file.filename)
        );
        write_part_head(&mut body, boundary, &disposition, file.content_type());
        body.put_slice(&file.data);
    }
    body.put_slice(b"\r\n--");
    body.put_slice(boundary.as_bytes());
    body.put_slice(b"--\r\n");
    MultipartBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: body.freeze(),
    }
}

/// Writes the delimiter (preceded by CRLF except for the first part) and the
/// part's headers.
fn write_part_head(body: &mut BytesMut, boundary: &str, disposition: &str, content_type: &str) {
    if !body.is_empty() {
        body.put_slice(b"\r\n");
    }
    body.put_slice(b"--");
    body.put_slice(boundary.as_bytes());
    body.put_slice(b"\r\nContent-Disposition: ");
    body.put_slice(disposition.as_bytes());
    body.put_slice(b"\r\nContent-Type: ");
    body.put_slice(content_type.as_bytes());
    body.put_slice(b"\r\n\r\n");
}

/// Escapes a file name for a quoted header parameter the way browsers do
/// (WHATWG HTML, "multipart/form-data encoding"): `"` → `%22`, CR → `%0D`,
/// LF → `%0A`. Other characters, UTF-8 included, pass through.
fn escape_quoted(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => escaped.push_str("%22"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests;

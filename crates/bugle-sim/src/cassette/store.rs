//! Reading and atomically writing cassette files.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::{CassetteError, CassetteErrorKind};
use super::format::{Cassette, FORMAT_VERSION};

impl Cassette {
    /// Reads and parses the cassette at `path`.
    ///
    /// # Errors
    ///
    /// [`Load`](CassetteErrorKind::Load) when the file cannot be read, is not a cassette,
    /// or has a newer format version than this bugle knows.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        let path = path.as_ref();
        let text = fs::read_to_string(path).map_err(|e| {
            CassetteError::new(
                CassetteErrorKind::Load,
                format!("cannot read cassette {}; record it first", path.display()),
            )
            .with_source(e)
        })?;
        Self::from_json(&text).map_err(|e| {
            let message = format!("{} (in {})", e.message(), path.display());
            CassetteError::new(CassetteErrorKind::Load, message)
        })
    }

    /// Parses a cassette from JSON text.
    ///
    /// # Errors
    ///
    /// [`Load`](CassetteErrorKind::Load) when the text is not a cassette of a known format
    /// version.
    pub fn from_json(text: &str) -> Result<Self, CassetteError> {
        let cassette: Self = serde_json::from_str(text).map_err(|e| {
            CassetteError::new(
                CassetteErrorKind::Load,
                format!(
                    "the cassette is not valid cassette json at line {}",
                    e.line()
                ),
            )
            .with_source(e)
        })?;
        if cassette.format_version > FORMAT_VERSION {
            return Err(CassetteError::new(
                CassetteErrorKind::Load,
                format!(
                    "cassette format version {} is newer than this bugle reads ({FORMAT_VERSION}); \
                     upgrade bugle",
                    cassette.format_version
                ),
            ));
        }
        Ok(cassette)
    }

    /// The cassette as pretty-printed JSON with a final newline.
    ///
    /// # Panics
    ///
    /// Never in practice: a cassette holds only strings, numbers and JSON values, which
    /// always serialise.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .expect("a cassette holds only strings, numbers and json values");
        text.push('\n');
        text
    }
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. On failure the temporary file is removed.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<(), CassetteError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let save_error = |what: &str| {
        CassetteError::new(
            CassetteErrorKind::Save,
            format!("cannot {what} for cassette {}", path.display()),
        )
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| save_error("use a path without a file name"))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).map_err(|e| save_error("create the directory").with_source(e))?;
    let temp = dir.join(format!(
        ".{}.{}-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        save_error("write the file").with_source(e)
    })
}

//! Turning a request body into a [`Notification`]: Alertmanager's webhook
//! (version 4), Grafana's webhook contact point and the relay's own small
//! JSON. Unknown fields are ignored; a body that is not JSON or has the
//! wrong shape is refused with a message naming the field, never quoting
//! the body (it may carry secrets).

mod alertmanager;
mod fields;
mod grafana;
mod notify;

use crate::model::{Notification, Source};

pub use fields::ShapeError;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// Not JSON at all.
    #[error(
        "the body is not JSON ({0}); send the sender's JSON payload with Content-Type: application/json"
    )]
    NotJson(String),
    /// JSON, but not the shape this endpoint takes.
    #[error("{0}")]
    Shape(#[from] ShapeError),
}

/// Parses `body` as `source` sends it.
///
/// # Errors
///
/// [`IngestError`] naming the problem.
pub fn parse(source: Source, body: &[u8]) -> Result<Notification, IngestError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        // serde_json's syntax errors name a position, never the content.
        IngestError::NotJson(format!(
            "{} at line {} column {}",
            category(&error),
            error.line(),
            error.column()
        ))
    })?;
    let notification = match source {
        Source::Alertmanager => alertmanager::parse(&value)?,
        Source::Grafana => grafana::parse(&value)?,
        Source::Notify => notify::parse(&value)?,
    };
    Ok(notification)
}

fn category(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Eof => "it ends early",
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => "invalid syntax",
        serde_json::error::Category::Io => "unreadable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_json_is_refused_without_quoting_the_body() {
        let error = parse(Source::Alertmanager, b"token=hunter2-secret").unwrap_err();
        assert!(matches!(error, IngestError::NotJson(_)));
        let text = error.to_string();
        assert!(text.contains("not JSON"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

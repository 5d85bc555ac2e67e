//! Request bodies on the wire: JSON, or `multipart/form-data` when files are
//! attached; and decoding answers into model types.

use bugle_model::request::RequestBody;
use bugle_transport::TransportResponse;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{DiscordError, ErrorKind};
use crate::multipart::{self, FileUpload};

/// A body ready to send: encoded once, cloned cheaply for every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Bytes),
    /// `multipart/form-data` with `payload_json` and `files[n]` parts, each
    /// `n` the id of the file's `attachments[]` entry.
    Multipart {
        /// The `Content-Type`, with its boundary.
        content_type: String,
        /// The encoded parts.
        body: Bytes,
    },
}

impl Body {
    /// Encodes an already validated `body`: plain JSON, or multipart when it
    /// has files.
    pub(super) fn encode<B: RequestBody>(body: &B) -> Result<Self, DiscordError> {
        let json = body.payload_json().map_err(|error| {
            DiscordError::new(ErrorKind::Validation {
                message: format!("the body could not be written as json: {error}"),
            })
        })?;
        let files = body.files();
        if files.is_empty() {
            return Ok(Self::Json(Bytes::from(json)));
        }
        // Each part keeps the model's own index (the id its `attachments[]`
        // entry carries) and shares the model's bytes.
        let uploads: Vec<FileUpload> = files.into_iter().map(FileUpload::from).collect();
        let encoded = multipart::encode(&json, &uploads)?;
        Ok(Self::Multipart {
            content_type: encoded.content_type,
            body: encoded.body,
        })
    }
}

/// Decodes a success answer's JSON body into `T`.
pub(super) fn decode<T: DeserializeOwned>(response: &TransportResponse) -> Result<T, DiscordError> {
    serde_json::from_slice(response.body()).map_err(|error| {
        DiscordError::new(ErrorKind::Decode {
            status: response.status().as_u16(),
        })
        .with_source(error)
    })
}

//! Record and replay: cassettes of real exchanges, served back without a network.
//!
//! - [`Recorder`] wraps any [`Transport`](bugle_transport::Transport), passes requests
//!   through and records each exchange, redacted; [`Recorder::save`] writes the
//!   [`Cassette`] atomically and refuses one that still holds a secret.
//! - [`Replayer`] is a transport that answers from a cassette: requests are matched by
//!   operation, path, query and normalised body (see [`ReplayOptions`]), responses get
//!   fresh snowflakes and current timestamps, and fresh ids in later requests are mapped
//!   back so created objects can be used again in the same replay.
//! - The facade's `bugle::Simulation` names which of these a client uses.
//!
//! The cassette on disk never holds an `Authorization` header or a webhook token.
//!
//! ```
//! use bugle_sim::cassette::{Recorder, Replayer};
//! use bugle_transport::{Transport, TransportFuture, TransportRequest};
//! use bytes::Bytes;
//!
//! /// Stands in for the real transport while recording.
//! #[derive(Debug)]
//! struct Answer;
//!
//! impl Transport for Answer {
//!     fn send(&self, _request: TransportRequest) -> TransportFuture<'_> {
//!         let response = http::Response::builder()
//!             .header("content-type", "application/json")
//!             .body(Bytes::from_static(br#"{"id":"1234567890123456789","content":"hi"}"#))
//!             .unwrap();
//!         Box::pin(std::future::ready(Ok(response)))
//!     }
//! }
//!
//! fn execute() -> TransportRequest {
//!     http::Request::post("https://discord.com/api/v10/webhooks/1/very-secret-token?wait=true")
//!         .header("content-type", "application/json")
//!         .body(Bytes::from_static(br#"{"content":"hi"}"#))
//!         .unwrap()
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let recorder = Recorder::new(Answer);
//! recorder.send(execute()).await.unwrap();
//! let cassette = recorder.cassette(); // or recorder.save(path) and Replayer::load(path)
//! assert!(!cassette.to_json().contains("very-secret-token"));
//!
//! let replayer = Replayer::new(cassette);
//! let response = replayer.send(execute()).await.unwrap();
//! assert_eq!(response.status(), 200);
//! replayer.assert_all_used();
//! # }
//! ```

mod capture;
mod error;
mod format;
mod ids;
mod matching;
mod normalise;
mod operation;
mod recorder;
mod redact;
mod replayer;
mod store;

pub use error::{CassetteError, CassetteErrorKind, FieldDiff, NearestInteraction, NoMatch};
pub use format::{
    Body, Cassette, FORMAT_VERSION, Fingerprint, Interaction, Metadata, RecordedError,
    RecordedFile, RecordedMultipart, RecordedRateLimit, RecordedRequest, RecordedResponse,
};
#[allow(deprecated)]
pub use format::{FilePart, MultipartBody, RateLimitSnapshot};
pub use matching::ReplayOptions;
pub use operation::{INTERACTION_TOKEN_PLACEHOLDER, WEBHOOK_TOKEN_PLACEHOLDER, route_template};
pub use recorder::Recorder;
pub use redact::{SECRET_PLACEHOLDER, TOKEN_FIELD_PLACEHOLDER};
pub use replayer::Replayer;

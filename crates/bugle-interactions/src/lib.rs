#![doc = include_str!("../README.md")]

mod builder;
mod clock;
mod context;
mod deliver;
mod error;
mod grace;
mod progress;
mod replay;
mod reply;
mod service;
mod verify;

pub use builder::{
    DEFAULT_DEADLINE_MARGIN, DEFAULT_MAX_BODY_BYTES, InteractionsBuilder, RESPONSE_DEADLINE,
};
pub use clock::WallClock;
pub use context::InteractionContext;
pub use error::{DeliveryError, DeliveryErrorKind};
pub use reply::{IntoReply, Reply};
pub use service::Interactions;
pub use verify::{
    DEFAULT_FRESHNESS_WINDOW, PublicKeyError, SIGNATURE_HEADER, SignatureError, TIMESTAMP_HEADER,
    Verifier,
};

/// docs/interactions.md's examples, compiled as doctests so the guide cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/interactions.md")]
struct InteractionsGuide;

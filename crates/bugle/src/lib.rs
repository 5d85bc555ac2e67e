#![doc = include_str!("../README.md")]

pub mod client;
pub mod config;
pub mod error;
pub mod multipart;
pub mod nonce;
pub mod retry;
pub mod routing;
pub mod telemetry;
pub mod webhook_url;

pub use client::{
    DiscordClient, ExecuteWebhookParams, INTERACTION_TOKEN_LIFETIME, InteractionWebhook, NewThread,
    ReactionEmoji, WebhookTarget,
};
pub use config::{DiscordConfig, DiscordConfigBuilder, SharedLimits, Simulation};
pub use error::{Credential, DiscordError, ErrorCategory, ErrorKind, FieldError, JsonErrorCode};
#[allow(deprecated)]
pub use nonce::Nonce;
pub use nonce::RandomNonce;
pub use retry::{DefaultRetryPolicy, RetryDecision, RetryPolicy};
pub use routing::{ChannelRoutes, ChannelTarget};
pub use webhook_url::{WebhookUrl, WebhookUrlError};

// The crates the facade is built on, so a program can depend on `bugle` alone.
#[doc(inline)]
pub use bugle_model as model;
#[doc(inline)]
pub use bugle_ratelimit as ratelimit;
#[doc(inline)]
#[cfg(feature = "sim")]
pub use bugle_sim as sim;
#[doc(inline)]
pub use bugle_transport as transport;

/// The workspace README's example, compiled as a doctest so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;

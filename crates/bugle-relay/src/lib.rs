#![doc = include_str!("../README.md")]

pub mod accept;
pub mod alertmanager;
pub mod auth;
pub mod buttons;
mod card_actions;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod outbox;
pub mod render;
pub mod routing;
pub mod secret;
pub mod sender;
pub mod server;
pub mod service;
pub mod template;

pub use accept::{Accepted, Rejection};
pub use config::{LoadOptions, RelayConfig};
pub use model::{Notification, Source, Status};
pub use service::{Relay, RelayError, discord_config};

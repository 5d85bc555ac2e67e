#![doc = include_str!("../README.md")]

pub mod channel;
pub mod command;
pub mod component;
pub mod embed;
pub mod emoji;
pub mod error;
pub mod gateway;
pub mod history;
pub mod id;
pub mod interaction;
pub mod message;
pub mod timestamp;
pub mod user;
pub mod webhook;

mod support;

pub mod builder;
pub mod request;
pub mod text;
pub mod validate;

/// docs/validation.md's example, compiled as a doctest so the page cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/validation.md")]
struct ValidationGuide;

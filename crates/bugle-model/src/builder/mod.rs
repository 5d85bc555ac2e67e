//! Fluent builders: [`EmbedBuilder`], [`Colour`] helpers, and builder
//! methods on the component types (`Button::primary`, `StringSelect::new`,
//! `ActionRow::buttons`, ...).
//!
//! Request bodies build themselves (`CreateMessage::new().content(..)`), and
//! [`AllowedMentions`](crate::request::AllowedMentions) starts from `none()`.
//!
//! ```
//! use bugle_model::builder::{Colour, EmbedBuilder};
//! use bugle_model::component::{ActionRow, Button};
//! use bugle_model::request::CreateMessage;
//! use bugle_model::validate::Validate;
//!
//! let message = CreateMessage::new()
//!     .embed(
//!         EmbedBuilder::new()
//!             .title("CPU above 90%")
//!             .colour(Colour::WARNING)
//!             .inline_field("host", "web-3")
//!             .build(),
//!     )
//!     .component(ActionRow::buttons([
//!         Button::primary("ack", "Acknowledge"),
//!         Button::link("https://status.example.com", "Status page"),
//!     ]));
//! assert!(message.validate().is_ok());
//! ```

mod colour;
mod component;
mod embed;

pub use colour::{Color, Colour};
pub use embed::EmbedBuilder;

//! Text helpers for putting untrusted text into Discord messages.
//!
//! - [`neutralise_mentions`] stops `@everyone`, `@here` and user/role
//!   mentions from pinging anyone, by putting a zero-width space after the `@`.
//! - [`escape_markdown`] makes markdown characters show as themselves.
//! - [`sanitise`] does both.
//! - [`split_message`] cuts long text into messages of at most `max_chars`
//!   characters, at line then word boundaries, never inside a link, a
//!   mention or a character, and closes and reopens code fences at the cuts.
//!
//! Lengths are counted in Unicode scalar values (`str::chars().count()`), the
//! way Discord counts message length.
//!
//! Neutralising mentions is a second line of defence: the reliable way to
//! stop pings is [`AllowedMentions::none`](crate::request::AllowedMentions::none)
//! on the request. Do both for text you do not control.

mod escape;
mod split;
mod tokens;

pub use escape::{ZERO_WIDTH_SPACE, escape_markdown, neutralise_mentions, sanitise};
pub use split::{Chunk, split_message, split_message_chunks};

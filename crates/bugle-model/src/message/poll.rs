//! Polls, as messages carry them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::emoji::PartialEmoji;
use crate::support::open_int_enum;

/// A poll attached to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    /// The question (text at most 300 chars).
    pub question: PollMedia,
    /// The answers (at most 10).
    #[serde(default)]
    pub answers: Vec<PollAnswer>,
    /// When the poll ends; `None` for polls that never expire.
    #[serde(default, with = "crate::timestamp::option")]
    pub expiry: Option<OffsetDateTime>,
    /// Whether more than one answer may be chosen.
    #[serde(default)]
    pub allow_multiselect: bool,
    /// The layout.
    #[serde(default = "default_layout")]
    pub layout_type: PollLayoutType,
    /// The vote counts, when Discord sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<PollResults>,
}

fn default_layout() -> PollLayoutType {
    PollLayoutType::Default
}

open_int_enum! {
    /// How a poll is laid out.
    pub enum PollLayoutType: u8 {
        /// The default layout.
        Default = 1,
    }
}

/// The text and emoji of a poll question or answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollMedia {
    /// The text (question at most 300 chars, answer at most 55).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The emoji (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<PartialEmoji>,
}

/// One answer of a poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollAnswer {
    /// The answer's id (1, 2, ... in order).
    pub answer_id: u32,
    /// Its text and emoji.
    pub poll_media: PollMedia,
}

/// A poll's vote counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResults {
    /// Whether the counts are final.
    #[serde(default)]
    pub is_finalized: bool,
    /// The count of each answer.
    #[serde(default)]
    pub answer_counts: Vec<PollAnswerCount>,
}

/// The votes for one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollAnswerCount {
    /// The answer's id.
    pub id: u32,
    /// Its votes.
    pub count: u32,
    /// Whether the current user voted for it.
    #[serde(default)]
    pub me_voted: bool,
}

//! [`CreatePoll`]: the poll a new message carries.

use serde::{Deserialize, Serialize};

use crate::emoji::PartialEmoji;
use crate::message::{PollLayoutType, PollMedia};

/// One answer of a new poll.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePollAnswer {
    /// The answer's text and emoji.
    pub poll_media: PollMedia,
}

/// A poll to attach to a new message (`poll` of create message, execute
/// webhook).
///
/// ```
/// use bugle_model::request::CreatePoll;
///
/// let poll = CreatePoll::new("Ship it?").answer("yes").answer("no").duration_hours(4);
/// assert_eq!(poll.answers.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct CreatePoll {
    /// The question (text only, at most 300 chars).
    pub question: PollMedia,
    /// The answers, 1 to 10, each at most 55 chars.
    #[serde(default)]
    pub answers: Vec<CreatePollAnswer>,
    /// How long the poll stays open, in hours: 1 to 768 (32 days). Discord's
    /// default is 24.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// Whether people may pick more than one answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_multiselect: Option<bool>,
    /// The layout; Discord knows only the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout_type: Option<PollLayoutType>,
}

impl CreatePoll {
    /// A poll asking `question`, with no answers yet.
    pub fn new(question: impl Into<String>) -> Self {
        Self {
            question: poll_media(question),
            ..Self::default()
        }
    }

    /// Adds a text answer.
    pub fn answer(mut self, text: impl Into<String>) -> Self {
        self.answers.push(CreatePollAnswer {
            poll_media: poll_media(text),
        });
        self
    }

    /// Adds an answer with an emoji.
    pub fn answer_with_emoji(mut self, text: impl Into<String>, emoji: PartialEmoji) -> Self {
        self.answers.push(CreatePollAnswer {
            poll_media: PollMedia {
                text: Some(text.into()),
                emoji: Some(emoji),
            },
        });
        self
    }

    /// Sets how long the poll stays open, in hours.
    pub fn duration_hours(mut self, hours: u32) -> Self {
        self.duration = Some(hours);
        self
    }

    /// Sets whether people may pick more than one answer.
    pub fn multiselect(mut self, allow: bool) -> Self {
        self.allow_multiselect = Some(allow);
        self
    }
}

/// Media holding only `text`.
fn poll_media(text: impl Into<String>) -> PollMedia {
    PollMedia {
        text: Some(text.into()),
        emoji: None,
    }
}

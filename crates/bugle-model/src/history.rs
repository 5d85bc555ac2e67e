//! A channel's message history: [`ListMessagesQuery`], the query of
//! `GET /channels/{channel.id}/messages`.
//!
//! Discord answers newest first, at most [`LIST_MESSAGES_LIMIT_MAX`] messages a
//! page, around at most one anchor: messages `before` an id, `after` it, or
//! `around` it. To walk back through a channel, ask for the page before the
//! oldest message of the previous one:
//!
//! ```
//! use bugle_model::history::ListMessagesQuery;
//! use bugle_model::id::MessageId;
//! use bugle_model::validate::Validate;
//!
//! let first = ListMessagesQuery::new().limit(100);
//! assert_eq!(first.to_query_string(), "limit=100");
//! let next = first.before(MessageId::new(1_234));
//! assert_eq!(next.to_query_string(), "before=1234&limit=100");
//!
//! let error = next.after(MessageId::new(99)).limit(101).validate().unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "limit: 101, must be 1 to 100; after: cannot be set together with before"
//! );
//! ```

use std::fmt::Write as _;

use crate::id::MessageId;
use crate::validate::{Report, Validate, ViolationKind, field};

/// The fewest messages a page may ask for.
pub const LIST_MESSAGES_LIMIT_MIN: u32 = 1;
/// The most messages a page may ask for.
pub const LIST_MESSAGES_LIMIT_MAX: u32 = 100;
/// The messages a page holds when the query sets no limit.
pub const LIST_MESSAGES_LIMIT_DEFAULT: u32 = 50;

/// The query of `GET /channels/{channel.id}/messages`: which page of a
/// channel's history to fetch.
///
/// Set at most one of `around`, `before` and `after` (Discord reads only
/// one), and a `limit` of 1 to 100 (50 when unset);
/// [`validate`](Validate::validate) checks both. Without an anchor the page
/// holds the newest messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[must_use]
pub struct ListMessagesQuery {
    /// Messages around this one, itself included: half the limit after it,
    /// the rest at and before it.
    pub around: Option<MessageId>,
    /// Messages older than this one, the newest of them.
    pub before: Option<MessageId>,
    /// Messages newer than this one, the oldest of them.
    pub after: Option<MessageId>,
    /// How many messages, 1 to [`LIST_MESSAGES_LIMIT_MAX`]; Discord's
    /// default of [`LIST_MESSAGES_LIMIT_DEFAULT`] when unset.
    pub limit: Option<u32>,
}

impl ListMessagesQuery {
    /// The newest messages, as many as Discord's default limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `around`.
    pub fn around(mut self, message: MessageId) -> Self {
        self.around = Some(message);
        self
    }

    /// Sets `before`.
    pub fn before(mut self, message: MessageId) -> Self {
        self.before = Some(message);
        self
    }

    /// Sets `after`.
    pub fn after(mut self, message: MessageId) -> Self {
        self.after = Some(message);
        self
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The query string without the leading `?`: the parameters set, in the
    /// order `around`, `before`, `after`, `limit`; empty when none is.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        let parameters = [
            ("around", self.around.map(MessageId::get)),
            ("before", self.before.map(MessageId::get)),
            ("after", self.after.map(MessageId::get)),
            ("limit", self.limit.map(u64::from)),
        ];
        for (name, value) in parameters {
            if let Some(value) = value {
                if !out.is_empty() {
                    out.push('&');
                }
                let _ = write!(out, "{name}={value}");
            }
        }
        out
    }

    /// The anchors set, in the order `around`, `before`, `after`.
    fn anchors(&self) -> impl Iterator<Item = &'static str> {
        [
            ("around", self.around.is_some()),
            ("before", self.before.is_some()),
            ("after", self.after.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
    }
}

impl Validate for ListMessagesQuery {
    /// Adds [`ViolationKind::OutOfRange`] at `limit` for a limit outside 1 to
    /// 100, and [`ViolationKind::Conflict`] at each anchor set after the
    /// first (in the order `around`, `before`, `after`), naming the first.
    fn check(&self, report: &mut Report, path: &str) {
        if let Some(limit) = self.limit {
            report.in_range(
                &field(path, "limit"),
                i64::from(limit),
                i64::from(LIST_MESSAGES_LIMIT_MIN),
                i64::from(LIST_MESSAGES_LIMIT_MAX),
            );
        }
        let mut anchors = self.anchors();
        if let Some(first) = anchors.next() {
            for other in anchors {
                report.push(
                    field(path, other),
                    ViolationKind::Conflict {
                        with: first.to_owned(),
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_query_is_empty_and_valid() {
        assert_eq!(ListMessagesQuery::new().to_query_string(), "");
        assert!(ListMessagesQuery::new().validate().is_ok());
    }

    #[test]
    fn limits_1_and_100_pass_0_and_101_fail_at_limit() {
        for limit in [LIST_MESSAGES_LIMIT_MIN, LIST_MESSAGES_LIMIT_MAX] {
            assert!(ListMessagesQuery::new().limit(limit).validate().is_ok());
        }
        for limit in [0, 101] {
            let error = ListMessagesQuery::new()
                .limit(limit)
                .validate()
                .unwrap_err();
            let violation = error.at("limit").expect("a violation at limit");
            assert_eq!(
                violation.kind,
                ViolationKind::OutOfRange {
                    min: 1,
                    max: 100,
                    actual: i64::from(limit),
                }
            );
        }
    }

    #[test]
    fn one_anchor_passes_two_name_the_field_and_the_other() {
        let id = MessageId::new(5);
        for query in [
            ListMessagesQuery::new().around(id),
            ListMessagesQuery::new().before(id),
            ListMessagesQuery::new().after(id),
        ] {
            assert!(query.validate().is_ok(), "{query:?}");
        }
        let error = ListMessagesQuery::new()
            .around(id)
            .before(id)
            .after(id)
            .validate()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "before: cannot be set together with around; after: cannot be set together with around"
        );
    }

    #[test]
    fn the_query_string_lists_what_is_set_in_order() {
        let query = ListMessagesQuery::new()
            .limit(3)
            .after(MessageId::new(9))
            .around(MessageId::new(7));
        assert_eq!(query.to_query_string(), "around=7&after=9&limit=3");
    }
}

//! [`Report`]: collects violations while a body is checked, and the path helpers.

use std::borrow::Cow;

use super::context::ValidationContext;
use super::error::{ValidationError, Violation, ViolationKind};

/// Collects the [`Violation`]s found while checking a body. Every check
/// function takes one and adds to it, so one pass reports every problem.
///
/// It also carries the [`ValidationContext`] of the pass, for the checks
/// whose limit is a setting (the file size) or depends on where the body
/// goes (a poll in a webhook edit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    violations: Vec<Violation>,
    context: ValidationContext,
}

impl Report {
    /// An empty report, with the default [`ValidationContext`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty report for a pass in `context`.
    pub fn with_context(context: ValidationContext) -> Self {
        Self {
            violations: Vec::new(),
            context,
        }
    }

    /// The context of this pass.
    pub fn context(&self) -> &ValidationContext {
        &self.context
    }

    /// Adds a violation at `path`.
    pub fn push(&mut self, path: impl Into<String>, kind: ViolationKind) {
        self.violations.push(Violation::new(path, kind));
    }

    /// The violations found so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// `Ok` if nothing was found, else the [`ValidationError`] holding everything.
    ///
    /// # Errors
    ///
    /// When at least one violation was added.
    pub fn finish(self) -> Result<(), ValidationError> {
        ValidationError::from_violations(self.violations).map_or(Ok(()), Err)
    }

    /// [`ViolationKind::TooLong`] at `path` if `text` has more than `max` chars.
    pub fn max_chars(&mut self, path: &str, text: &str, max: usize) {
        if text.len() <= max {
            // No more chars than bytes: nothing to count.
            return;
        }
        let actual = char_count(text);
        if actual > max {
            self.push(path, ViolationKind::TooLong { max, actual });
        }
    }

    /// [`ViolationKind::TooShort`] or [`ViolationKind::TooLong`] at `path`
    /// unless `text` has `min..=max` chars.
    pub fn chars_between(&mut self, path: &str, text: &str, min: usize, max: usize) {
        let actual = char_count(text);
        if actual < min {
            self.push(path, ViolationKind::TooShort { min, actual });
        } else if actual > max {
            self.push(path, ViolationKind::TooLong { max, actual });
        }
    }

    /// [`ViolationKind::TooMany`] at `path` if `count` is over `max`.
    pub fn max_items(&mut self, path: &str, count: usize, max: usize) {
        if count > max {
            self.push(path, ViolationKind::TooMany { max, actual: count });
        }
    }

    /// [`ViolationKind::TooFew`] or [`ViolationKind::TooMany`] at `path`
    /// unless `count` is in `min..=max`.
    pub fn items_between(&mut self, path: &str, count: usize, min: usize, max: usize) {
        if count < min {
            self.push(path, ViolationKind::TooFew { min, actual: count });
        } else {
            self.max_items(path, count, max);
        }
    }

    /// [`ViolationKind::OutOfRange`] at `path` unless `value` is in `min..=max`.
    pub fn in_range(&mut self, path: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.push(
                path,
                ViolationKind::OutOfRange {
                    min,
                    max,
                    actual: value,
                },
            );
        }
    }
}

/// The length Discord measures: Unicode scalar values.
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// The path of field `name` under `path`: `path.name`, or `name` at the root.
pub fn field(path: &str, name: &str) -> String {
    // Every body is checked before it is sent, so this runs for each field
    // of each request: plain appends, not the formatting machinery.
    if path.is_empty() {
        return name.to_owned();
    }
    let mut joined = String::with_capacity(path.len() + 1 + name.len());
    joined.push_str(path);
    joined.push('.');
    joined.push_str(name);
    joined
}

/// [`field`] without a copy at the root, where the path of a field is its
/// name: the checks of a whole body (run before every send) name most of
/// their fields from there.
pub(crate) fn sub_path<'a>(path: &str, name: &'a str) -> Cow<'a, str> {
    if path.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(field(path, name))
    }
}

/// The path of item `index` of the array at `path`: `path[index]`.
pub fn item(path: &str, index: usize) -> String {
    use std::fmt::Write as _;
    let mut joined = String::with_capacity(path.len() + 6);
    joined.push_str(path);
    // Writing an integer into a String cannot fail.
    let _ = write!(joined, "[{index}]");
    joined
}

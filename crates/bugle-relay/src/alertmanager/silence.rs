//! A silence as the relay asks for it, the matchers that pick a card's alert
//! group, and the body Alertmanager's v2 API takes (`PostableSilence`).

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use super::SilenceError;
use crate::clock::from_ms;
use crate::model::{Labels, Notification};

/// A silence to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// The alerts it silences: those whose labels match every matcher.
    pub matchers: Vec<SilenceMatcher>,
    /// When it starts, in milliseconds since the Unix epoch.
    pub starts_at_ms: i64,
    /// When it ends, in milliseconds since the Unix epoch.
    pub ends_at_ms: i64,
    /// Who asked for it (shown in Alertmanager's UI).
    pub created_by: String,
    /// Why (shown in Alertmanager's UI).
    pub comment: String,
}

/// One equality matcher: the label `name` equals `value`. The value is sent
/// literally, never as a regex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SilenceMatcher {
    /// The label's name.
    pub name: String,
    /// The label's value.
    pub value: String,
}

/// The matchers that silence `notification`'s alert group: its group
/// labels, or its common labels when it was grouped by nothing; sorted by
/// name. Labels whose values are all empty count as none (Alertmanager
/// refuses a silence whose every matcher matches the empty string).
///
/// # Errors
///
/// [`SilenceError::NoLabels`] when neither holds a label to silence by.
pub fn matchers_for(notification: &Notification) -> Result<Vec<SilenceMatcher>, SilenceError> {
    let usable = |labels: &Labels| labels.values().any(|value| !value.is_empty());
    let labels = [&notification.group_labels, &notification.common_labels]
        .into_iter()
        .find(|labels| usable(labels))
        .ok_or(SilenceError::NoLabels)?;
    // A `Labels` map is sorted by name already.
    Ok(labels
        .iter()
        .map(|(name, value)| SilenceMatcher {
            name: name.clone(),
            value: value.clone(),
        })
        .collect())
}

/// Alertmanager v2's `PostableSilence`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PostableSilence<'a> {
    matchers: Vec<PostableMatcher<'a>>,
    starts_at: String,
    ends_at: String,
    created_by: &'a str,
    comment: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PostableMatcher<'a> {
    name: &'a str,
    value: &'a str,
    is_regex: bool,
    is_equal: bool,
}

impl<'a> PostableSilence<'a> {
    /// The body for `silence`.
    pub(super) fn of(silence: &'a Silence) -> Self {
        Self {
            matchers: silence
                .matchers
                .iter()
                .map(|matcher| PostableMatcher {
                    name: &matcher.name,
                    value: &matcher.value,
                    is_regex: false,
                    is_equal: true,
                })
                .collect(),
            starts_at: rfc3339(silence.starts_at_ms),
            ends_at: rfc3339(silence.ends_at_ms),
            created_by: &silence.created_by,
            comment: &silence.comment,
        }
    }
}

/// `ms` as RFC 3339 (UTC); out-of-range times show as the epoch, which
/// Alertmanager then refuses with its own message.
fn rfc3339(ms: i64) -> String {
    from_ms(ms).format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Source, Status};

    fn notification(group: &[(&str, &str)], common: &[(&str, &str)]) -> Notification {
        let labels = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        Notification {
            group_labels: labels(group),
            common_labels: labels(common),
            ..Notification::new(Source::Alertmanager, "{}:{}", Status::Firing)
        }
    }

    fn matcher(name: &str, value: &str) -> SilenceMatcher {
        SilenceMatcher {
            name: name.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn group_labels_are_used_sorted_by_name() {
        let n = notification(
            &[("service", "api"), ("alertname", "HighLatency")],
            &[("severity", "critical")],
        );
        assert_eq!(
            matchers_for(&n).unwrap(),
            [
                matcher("alertname", "HighLatency"),
                matcher("service", "api")
            ]
        );
    }

    #[test]
    fn common_labels_are_used_when_the_group_has_none() {
        let n = notification(&[], &[("severity", "critical"), ("alertname", "Down")]);
        assert_eq!(
            matchers_for(&n).unwrap(),
            [
                matcher("alertname", "Down"),
                matcher("severity", "critical")
            ]
        );
        let empty_values = notification(&[("team", "")], &[("alertname", "Down")]);
        assert_eq!(
            matchers_for(&empty_values).unwrap(),
            [matcher("alertname", "Down")]
        );
    }

    #[test]
    fn a_group_without_labels_cannot_be_silenced() {
        let error = matchers_for(&notification(&[], &[])).unwrap_err();
        assert!(matches!(error, SilenceError::NoLabels));
        assert!(error.to_string().contains("no labels to silence by"));
    }

    #[test]
    fn the_body_is_alertmanagers_postable_silence() {
        let silence = Silence {
            matchers: vec![matcher("alertname", "Down.*")],
            starts_at_ms: 1_700_000_000_000,
            ends_at_ms: 1_700_003_600_500,
            created_by: "ana (Discord)".to_owned(),
            comment: "silenced from the card".to_owned(),
        };
        let body = serde_json::to_value(PostableSilence::of(&silence)).unwrap();
        assert_eq!(
            body,
            json!({
                "matchers": [
                    {"name": "alertname", "value": "Down.*", "isRegex": false, "isEqual": true}
                ],
                "startsAt": "2023-11-14T22:13:20Z",
                "endsAt": "2023-11-14T23:13:20.5Z",
                "createdBy": "ana (Discord)",
                "comment": "silenced from the card",
            })
        );
    }
}

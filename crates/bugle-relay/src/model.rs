//! One notification, whatever sent it: the shape ingestion produces, the
//! outbox stores and rendering reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Labels or annotations: name to value, sorted (so renders are stable).
pub type Labels = BTreeMap<String, String>;

/// Which endpoint a notification came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// `POST /alertmanager`: Prometheus Alertmanager's webhook, version 4.
    Alertmanager,
    /// `POST /grafana`: Grafana-managed alerting's webhook contact point.
    Grafana,
    /// `POST /notify`: the relay's small JSON for scripts.
    Notify,
}

impl Source {
    /// The source's name in URLs, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alertmanager => "alertmanager",
            Self::Grafana => "grafana",
            Self::Notify => "notify",
        }
    }
}

/// Whether something is firing or resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Firing (Grafana: alerting).
    Firing,
    /// Resolved (Grafana: ok).
    Resolved,
}

impl Status {
    /// `firing` or `resolved`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firing => "firing",
            Self::Resolved => "resolved",
        }
    }
}

/// One alert of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Alert {
    /// Firing or resolved; `None` takes the group's status.
    pub status: Option<Status>,
    /// The alert's labels.
    pub labels: Labels,
    /// The alert's annotations (summary, description, `runbook_url`...).
    pub annotations: Labels,
    /// When it started firing, in milliseconds since the Unix epoch.
    pub starts_at_ms: Option<i64>,
    /// When it resolved (absent while firing: Alertmanager's zero time).
    pub ends_at_ms: Option<i64>,
    /// The link to the rule's source (Prometheus graph, Grafana rule).
    pub generator_url: Option<String>,
    /// Grafana's dashboard link.
    pub dashboard_url: Option<String>,
    /// Grafana's panel link.
    pub panel_url: Option<String>,
    /// Grafana's current values, as text.
    pub value_string: Option<String>,
    /// The sender's fingerprint of the alert.
    pub fingerprint: Option<String>,
}

/// A notification about one alert group, as the relay stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Where it came from.
    pub source: Source,
    /// The sender's group key: one card per group key (and route).
    pub group_key: String,
    /// The group's status.
    pub status: Status,
    /// The sender's receiver name, if any.
    pub receiver: Option<String>,
    /// The labels the group was formed by.
    pub group_labels: Labels,
    /// The labels all alerts share (what rules match against, with `group_labels`).
    pub common_labels: Labels,
    /// The annotations all alerts share.
    pub common_annotations: Labels,
    /// A link back to the sender (Alertmanager's or Grafana's URL).
    pub external_url: Option<String>,
    /// The alerts.
    pub alerts: Vec<Alert>,
    /// Alerts the sender left out (`max_alerts`).
    pub truncated_alerts: u64,
    /// A title the sender chose (Grafana's `title`, `/notify`'s `title`).
    pub title: Option<String>,
    /// A text the sender chose (Grafana's `message`, `/notify`'s `text`).
    pub text: Option<String>,
    /// A link the sender chose (`/notify`'s `link`).
    pub link: Option<String>,
    /// The destination the sender asked for (`?route=` or `/notify`'s `route`),
    /// which skips the rules.
    pub route: Option<String>,
}

impl Notification {
    /// A notification of `group_key` from `source` with `status`, and no
    /// labels, alerts or texts yet (set the fields that matter).
    pub fn new(source: Source, group_key: impl Into<String>, status: Status) -> Self {
        Self {
            source,
            group_key: group_key.into(),
            status,
            receiver: None,
            group_labels: Labels::new(),
            common_labels: Labels::new(),
            common_annotations: Labels::new(),
            external_url: None,
            alerts: Vec::new(),
            truncated_alerts: 0,
            title: None,
            text: None,
            link: None,
            route: None,
        }
    }

    /// The labels rules match against: the common labels, then the group
    /// labels over them.
    pub fn match_labels(&self) -> Labels {
        let mut labels = self.common_labels.clone();
        labels.extend(self.group_labels.clone());
        labels
    }

    /// The group's severity label, if any.
    pub fn severity(&self) -> Option<&str> {
        self.common_labels
            .get("severity")
            .or_else(|| self.group_labels.get("severity"))
            .map(String::as_str)
    }

    /// How many alerts are firing and how many resolved (an alert without a
    /// status of its own takes the group's).
    pub fn counts(&self) -> (usize, usize) {
        let firing = self
            .alerts
            .iter()
            .filter(|alert| alert.status.unwrap_or(self.status) == Status::Firing)
            .count();
        (firing, self.alerts.len() - firing)
    }
}

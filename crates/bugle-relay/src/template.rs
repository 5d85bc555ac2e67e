//! Card templates from a file: the title, the description and each alert's
//! field, with `{placeholders}` filled from the group. The limits still
//! apply after filling (cut with `…`, "and N more").
//!
//! ```toml
//! title = "{status_icon} {STATUS} · {labels.alertname} ({firing} firing)"
//! description = "{annotations.description}"
//! field_name = "{alert.labels.instance}"
//! field_value = "{alert.annotations.summary}"
//! ```
//!
//! Placeholders: `status` (`firing`/`resolved`), `STATUS`, `status_icon`,
//! `name` (the default title's group name), `firing`, `resolved` (counts),
//! `summary` (the sender's text, or the common description or summary),
//! `labels.NAME`, `annotations.NAME` (the group's), and in the field
//! templates `alert.status`, `alert.labels.NAME`, `alert.annotations.NAME`.
//! A missing value is empty; `{{` and `}}` are literal braces. An unknown
//! placeholder is refused when the relay starts.

use serde::Deserialize;

use crate::model::{Alert, Notification, Status};

/// The templates; an absent one keeps the default rendering.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// The card's title.
    pub title: Option<String>,
    /// The card's description (the resolved duration and counts lines are
    /// not added when this is set).
    pub description: Option<String>,
    /// Each alert's field name.
    pub field_name: Option<String>,
    /// Each alert's field value.
    pub field_value: Option<String>,
}

impl Templates {
    /// Reads and checks a template file's text.
    ///
    /// # Errors
    ///
    /// A sentence naming the template and the placeholder that is unknown, or
    /// the TOML problem.
    pub fn parse(text: &str) -> Result<Self, String> {
        let templates: Self = toml::from_str(text).map_err(|error| error.to_string())?;
        for (what, template, in_field) in [
            ("title", &templates.title, false),
            ("description", &templates.description, false),
            ("field_name", &templates.field_name, true),
            ("field_value", &templates.field_value, true),
        ] {
            if let Some(template) = template {
                for name in placeholders(template)? {
                    if !known(&name, in_field) {
                        return Err(format!("{what}: unknown placeholder `{{{name}}}`"));
                    }
                }
            }
        }
        Ok(templates)
    }
}

fn known(name: &str, in_field: bool) -> bool {
    matches!(
        name,
        "status" | "STATUS" | "status_icon" | "name" | "firing" | "resolved" | "summary"
    ) || name
        .strip_prefix("labels.")
        .is_some_and(|rest| !rest.is_empty())
        || name
            .strip_prefix("annotations.")
            .is_some_and(|rest| !rest.is_empty())
        || (in_field
            && (name == "alert.status"
                || name
                    .strip_prefix("alert.labels.")
                    .is_some_and(|rest| !rest.is_empty())
                || name
                    .strip_prefix("alert.annotations.")
                    .is_some_and(|rest| !rest.is_empty())))
}

/// The placeholders of `template`.
fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            rest = after;
            continue;
        }
        if tail.starts_with('}') {
            return Err("a `}` without its `{` (write `}}` for a brace)".to_owned());
        }
        let end = tail
            .find('}')
            .ok_or_else(|| "a `{` without its `}` (write `{{` for a brace)".to_owned())?;
        out.push(tail[1..end].trim().to_owned());
        rest = &tail[end + 1..];
    }
    Ok(out)
}

/// Fills `template` for `notification` (and `alert`, in field templates).
pub fn fill(template: &str, notification: &Notification, alert: Option<&Alert>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
            continue;
        }
        let Some(end) = tail.find('}') else {
            out.push_str(tail);
            return out;
        };
        out.push_str(&value(tail[1..end].trim(), notification, alert));
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

fn value(name: &str, n: &Notification, alert: Option<&Alert>) -> String {
    let (firing, resolved) = n.counts();
    let get = |map: &crate::model::Labels, key: &str| map.get(key).cloned().unwrap_or_default();
    match name {
        "status" => n.status.as_str().to_owned(),
        "STATUS" => n.status.as_str().to_uppercase(),
        "status_icon" => match n.status {
            Status::Firing => "🔥".to_owned(),
            Status::Resolved => "✅".to_owned(),
        },
        "name" => crate::render::group_name(n),
        "firing" => firing.to_string(),
        "resolved" => resolved.to_string(),
        "summary" => n
            .text
            .clone()
            .or_else(|| n.common_annotations.get("description").cloned())
            .or_else(|| n.common_annotations.get("summary").cloned())
            .unwrap_or_default(),
        "alert.status" => alert
            .map(|a| a.status.unwrap_or(n.status).as_str().to_owned())
            .unwrap_or_default(),
        _ => {
            if let Some(key) = name.strip_prefix("alert.labels.") {
                alert.map(|a| get(&a.labels, key)).unwrap_or_default()
            } else if let Some(key) = name.strip_prefix("alert.annotations.") {
                alert.map(|a| get(&a.annotations, key)).unwrap_or_default()
            } else if let Some(key) = name.strip_prefix("labels.") {
                get(&n.match_labels(), key)
            } else if let Some(key) = name.strip_prefix("annotations.") {
                get(&n.common_annotations, key)
            } else {
                String::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Labels, Source};

    fn notification() -> Notification {
        let labels: Labels = [("alertname".to_owned(), "DiskFull".to_owned())]
            .into_iter()
            .collect();
        Notification {
            source: Source::Alertmanager,
            group_key: "g".to_owned(),
            status: Status::Firing,
            receiver: None,
            group_labels: labels.clone(),
            common_labels: labels.clone(),
            common_annotations: [("summary".to_owned(), "disk 95%".to_owned())]
                .into_iter()
                .collect(),
            external_url: None,
            alerts: vec![Alert {
                labels: [("instance".to_owned(), "db-1".to_owned())]
                    .into_iter()
                    .collect(),
                ..Alert::default()
            }],
            truncated_alerts: 0,
            title: None,
            text: None,
            link: None,
            route: None,
        }
    }

    #[test]
    fn placeholders_are_filled_and_braces_escaped() {
        let n = notification();
        assert_eq!(
            fill(
                "{status_icon} {STATUS} {labels.alertname}: {summary} ({firing}) {{x}}",
                &n,
                None
            ),
            "🔥 FIRING DiskFull: disk 95% (1) {x}"
        );
        assert_eq!(
            fill(
                "on {alert.labels.instance}{labels.missing}",
                &n,
                n.alerts.first()
            ),
            "on db-1"
        );
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_are_refused() {
        let error = Templates::parse("title = \"{colour}\"").unwrap_err();
        assert_eq!(error, "title: unknown placeholder `{colour}`");
        let error = Templates::parse("title = \"{alert.labels.x}\"").unwrap_err();
        assert!(error.contains("unknown placeholder"), "{error}");
        assert!(
            Templates::parse("title = \"{status\"")
                .unwrap_err()
                .contains("without its")
        );
        assert!(Templates::parse("field_name = \"{alert.labels.instance}\"").is_ok());
        assert!(
            Templates::parse("colour = \"x\"").is_err(),
            "unknown keys are refused"
        );
    }
}

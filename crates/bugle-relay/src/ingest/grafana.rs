//! Grafana-managed alerting's webhook contact point (`version: "1"`): the
//! Alertmanager shape plus `title`, `message`, `state` and per-alert links.

use serde_json::Value;

use super::alertmanager::alerts;
use super::fields::{Obj, ShapeError};
use crate::model::{Notification, Source};

const WHAT: &str = "a Grafana webhook";

pub(super) fn parse(value: &Value) -> Result<Notification, ShapeError> {
    let root = Obj::root(WHAT, value)?;
    let group_key = root.string("groupKey")?;
    if group_key.is_empty() {
        return Err(root.error("groupKey", "must not be empty"));
    }
    let status = match root.opt_status("status")? {
        Some(status) => status,
        None => root.status("state")?,
    };
    let org = root.opt_u64("orgId")?;
    Ok(Notification {
        source: Source::Grafana,
        // Grafana's group keys are per organisation.
        group_key: match org {
            Some(org) => format!("org{org}:{group_key}"),
            None => group_key,
        },
        status,
        receiver: root.opt_text("receiver")?,
        group_labels: root.labels("groupLabels")?,
        common_labels: root.labels("commonLabels")?,
        common_annotations: root.labels("commonAnnotations")?,
        external_url: root.opt_text("externalURL")?,
        alerts: alerts(&root)?,
        truncated_alerts: root.opt_u64("truncatedAlerts")?.unwrap_or(0),
        title: root.opt_text("title")?,
        text: root.opt_text("message")?,
        link: None,
        route: None,
    })
}

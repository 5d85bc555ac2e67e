//! Alertmanager's webhook payload, version 4.

use serde_json::Value;

use super::fields::{Obj, ShapeError};
use crate::model::{Alert, Notification, Source};

const WHAT: &str = "an Alertmanager webhook (version 4)";

pub(super) fn parse(value: &Value) -> Result<Notification, ShapeError> {
    let root = Obj::root(WHAT, value)?;
    let version = root.string("version")?;
    if version != "4" {
        return Err(root.error("version", "must be \"4\" (Alertmanager's webhook format)"));
    }
    let group_key = root.string("groupKey")?;
    if group_key.is_empty() {
        return Err(root.error("groupKey", "must not be empty"));
    }
    Ok(Notification {
        source: Source::Alertmanager,
        group_key,
        status: root.status("status")?,
        receiver: root.opt_text("receiver")?,
        group_labels: root.labels("groupLabels")?,
        common_labels: root.labels("commonLabels")?,
        common_annotations: root.labels("commonAnnotations")?,
        external_url: root.opt_text("externalURL")?,
        alerts: alerts(&root)?,
        truncated_alerts: root.opt_u64("truncatedAlerts")?.unwrap_or(0),
        title: None,
        text: None,
        link: None,
        route: None,
    })
}

/// The `alerts` array, shared with Grafana's payload (a superset).
pub(super) fn alerts(root: &Obj<'_>) -> Result<Vec<Alert>, ShapeError> {
    root.objects("alerts")?
        .iter()
        .map(|alert| {
            Ok(Alert {
                status: alert.opt_status("status")?,
                labels: alert.labels("labels")?,
                annotations: alert.labels("annotations")?,
                starts_at_ms: alert.opt_time("startsAt")?,
                ends_at_ms: alert.opt_time("endsAt")?,
                generator_url: alert.opt_text("generatorURL")?,
                dashboard_url: alert.opt_text("dashboardURL")?,
                panel_url: alert.opt_text("panelURL")?,
                value_string: alert.opt_text("valueString")?,
                fingerprint: alert.opt_text("fingerprint")?,
            })
        })
        .collect()
}

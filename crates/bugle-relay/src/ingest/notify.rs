//! `POST /notify`: the relay's small JSON for scripts.
//!
//! ```json
//! { "title": "backup failed", "text": "nightly backup of db-1 exited 2",
//!   "severity": "critical", "status": "firing", "group_key": "backup/db-1",
//!   "fields": { "host": "db-1" }, "link": "https://ci.example/run/9",
//!   "route": "alerts" }
//! ```
//!
//! Only `title` is required. `status` defaults to firing; `group_key` to the
//! title (so the same title updates the same card); `fields` become the
//! group's labels (rules match them, with `severity`).

use serde_json::Value;

use super::fields::{Obj, ShapeError};
use crate::model::{Alert, Notification, Source, Status};

const WHAT: &str = "a /notify body";

pub(super) fn parse(value: &Value) -> Result<Notification, ShapeError> {
    let root = Obj::root(WHAT, value)?;
    let title = root
        .opt_text("title")?
        .ok_or_else(|| root.error("title", "is missing"))?;
    let status = root.opt_status("status")?.unwrap_or(Status::Firing);
    let mut labels = root.labels("fields")?;
    if let Some(severity) = root.opt_text("severity")? {
        labels.insert("severity".to_owned(), severity);
    }
    let group_key = root.opt_text("group_key")?.unwrap_or_else(|| title.clone());
    let text = root.opt_text("text")?;
    let mut annotations = crate::model::Labels::new();
    annotations.insert("summary".to_owned(), title.clone());
    if let Some(text) = &text {
        annotations.insert("description".to_owned(), text.clone());
    }
    Ok(Notification {
        source: Source::Notify,
        group_key,
        status,
        receiver: None,
        group_labels: crate::model::Labels::new(),
        common_labels: labels.clone(),
        common_annotations: annotations.clone(),
        external_url: None,
        alerts: vec![Alert {
            status: Some(status),
            labels,
            annotations,
            ..Alert::default()
        }],
        truncated_alerts: 0,
        title: Some(title),
        text,
        link: root.opt_text("link")?,
        route: root.opt_text("route")?,
    })
}

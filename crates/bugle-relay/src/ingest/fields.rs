//! Reading fields out of a JSON value with errors that name the field's
//! path and what was expected, never the value found.

use serde_json::{Map, Value};

use crate::clock;
use crate::model::{Labels, Status};

/// A body of the wrong shape: the field and what it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("wrong shape for {what}: `{path}` {problem}")]
pub struct ShapeError {
    /// The payload format (`an Alertmanager webhook (version 4)`).
    pub what: &'static str,
    /// The field's path (`alerts[2].labels`).
    pub path: String,
    /// What is wrong (`is missing`, `must be a string`).
    pub problem: String,
}

/// A JSON object being read, with its path for error messages.
pub(crate) struct Obj<'a> {
    pub(crate) what: &'static str,
    pub(crate) path: String,
    pub(crate) map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// The top-level object.
    pub(crate) fn root(what: &'static str, value: &'a Value) -> Result<Self, ShapeError> {
        match value {
            Value::Object(map) => Ok(Self {
                what,
                path: String::new(),
                map,
            }),
            _ => Err(ShapeError {
                what,
                path: "(the body)".to_owned(),
                problem: "must be a JSON object".to_owned(),
            }),
        }
    }

    pub(crate) fn error(&self, key: &str, problem: &str) -> ShapeError {
        ShapeError {
            what: self.what,
            path: self.join(key),
            problem: problem.to_owned(),
        }
    }

    fn join(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn present(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|value| !value.is_null())
    }

    /// A required string.
    pub(crate) fn string(&self, key: &str) -> Result<String, ShapeError> {
        self.opt_string(key)?
            .ok_or_else(|| self.error(key, "is missing"))
    }

    /// An optional string (null counts as absent).
    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, ShapeError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(key, "must be a string")),
        }
    }

    /// An optional non-empty string.
    pub(crate) fn opt_text(&self, key: &str) -> Result<Option<String>, ShapeError> {
        Ok(self.opt_string(key)?.filter(|text| !text.trim().is_empty()))
    }

    /// An optional unsigned integer.
    pub(crate) fn opt_u64(&self, key: &str) -> Result<Option<u64>, ShapeError> {
        match self.present(key) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.error(key, "must be a whole number")),
        }
    }

    /// An optional object of string values (numbers and booleans are
    /// accepted as their text).
    pub(crate) fn labels(&self, key: &str) -> Result<Labels, ShapeError> {
        match self.present(key) {
            None => Ok(Labels::new()),
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| match value {
                    Value::String(text) => Ok((name.clone(), text.clone())),
                    Value::Number(n) => Ok((name.clone(), n.to_string())),
                    Value::Bool(b) => Ok((name.clone(), b.to_string())),
                    _ => Err(self.error(&format!("{key}.{name}"), "must be a string")),
                })
                .collect(),
            Some(_) => Err(self.error(key, "must be an object of strings")),
        }
    }

    /// A required array of objects.
    pub(crate) fn objects(&self, key: &str) -> Result<Vec<Obj<'a>>, ShapeError> {
        match self.present(key) {
            None => Err(self.error(key, "is missing")),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| match item {
                    Value::Object(map) => Ok(Obj {
                        what: self.what,
                        path: format!("{}[{index}]", self.join(key)),
                        map,
                    }),
                    _ => Err(self.error(&format!("{key}[{index}]"), "must be an object")),
                })
                .collect(),
            Some(_) => Err(self.error(key, "must be an array")),
        }
    }

    /// An optional RFC 3339 time, as milliseconds since the epoch; Go's zero
    /// time (`0001-01-01T00:00:00Z`, a firing alert's `endsAt`) is absent.
    pub(crate) fn opt_time(&self, key: &str) -> Result<Option<i64>, ShapeError> {
        let Some(text) = self.opt_text(key)? else {
            return Ok(None);
        };
        let parsed =
            time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| self.error(key, "must be an RFC 3339 time"))?;
        if parsed.year() <= 1 {
            return Ok(None);
        }
        Ok(Some(clock::millis_of(parsed)))
    }

    /// A `firing`/`resolved` status (Grafana's `alerting`/`ok` too).
    pub(crate) fn status(&self, key: &str) -> Result<Status, ShapeError> {
        self.opt_status(key)?
            .ok_or_else(|| self.error(key, "is missing"))
    }

    /// An optional status.
    pub(crate) fn opt_status(&self, key: &str) -> Result<Option<Status>, ShapeError> {
        match self.opt_string(key)?.as_deref() {
            None => Ok(None),
            Some("firing" | "alerting") => Ok(Some(Status::Firing)),
            Some("resolved" | "ok") => Ok(Some(Status::Resolved)),
            Some(_) => Err(self.error(key, "must be \"firing\" or \"resolved\"")),
        }
    }
}

//! The data of a modal submit: the modal's `custom_id` and the value of
//! each field.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A modal submit's `data`.
///
/// Discord sends the fields inside action rows (legacy modals) or labels
/// (newer ones); [`fields`](Self::fields) flattens both into one list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ModalSubmitData {
    /// The `custom_id` the app gave the modal.
    pub custom_id: String,
    /// Every field that carries a value, in the modal's order.
    pub fields: Vec<ModalField>,
    /// The submitted components as received.
    pub components: Vec<Value>,
}

impl ModalSubmitData {
    /// The text of field `custom_id` (a text input's value, or a select's
    /// first value).
    pub fn value(&self, custom_id: &str) -> Option<&str> {
        let field = self.fields.iter().find(|f| f.custom_id == custom_id)?;
        field
            .value
            .as_deref()
            .or(field.values.first().map(String::as_str))
    }
}

/// One submitted field of a modal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModalField {
    /// The field's `custom_id`.
    pub custom_id: String,
    /// A text input's `value`.
    pub value: Option<String>,
    /// A select's or file upload's `values`.
    pub values: Vec<String>,
}

#[derive(Deserialize)]
struct Raw {
    custom_id: String,
    #[serde(default)]
    components: Vec<Value>,
}

/// Collects every object with a `custom_id` and a `value` or `values`,
/// descending through `components` and `component`.
fn collect(value: &Value, into: &mut Vec<ModalField>, depth: usize) {
    let Some(object) = value.as_object() else {
        return;
    };
    if depth > 8 {
        return;
    }
    if let Some(custom_id) = object.get("custom_id").and_then(Value::as_str) {
        let text = object
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let values: Vec<String> = object
            .get("values")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if text.is_some() || object.contains_key("values") {
            into.push(ModalField {
                custom_id: custom_id.to_owned(),
                value: text,
                values,
            });
        }
    }
    if let Some(children) = object.get("components").and_then(Value::as_array) {
        for child in children {
            collect(child, into, depth + 1);
        }
    }
    if let Some(child) = object.get("component") {
        collect(child, into, depth + 1);
    }
}

impl<'de> Deserialize<'de> for ModalSubmitData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Raw::deserialize(deserializer)?;
        let mut fields = Vec::new();
        for component in &raw.components {
            collect(component, &mut fields, 0);
        }
        Ok(Self {
            custom_id: raw.custom_id,
            fields,
            components: raw.components,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_rows_and_labels_are_found() {
        let data: ModalSubmitData = serde_json::from_str(
            r#"{"custom_id":"silence:1","components":[
                {"type":1,"components":[{"type":4,"custom_id":"duration","value":"2h"}]},
                {"type":18,"component":{"type":3,"custom_id":"reason","values":["noise"]}}]}"#,
        )
        .unwrap();
        assert_eq!(data.value("duration"), Some("2h"));
        assert_eq!(data.value("reason"), Some("noise"));
        assert_eq!(data.value("missing"), None);
    }
}

//! Server-side component checks: layout counts, buttons, selects, unique custom ids.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::tree::{ErrorTree, Seg, bad_length, chars, max_length, required};

/// Top-level action rows on a message without `IS_COMPONENTS_V2`.
pub(crate) const MAX_LEGACY_ROWS: usize = 5;
/// Components in total (nested included) on an `IS_COMPONENTS_V2` message.
pub(crate) const MAX_V2_TOTAL: usize = 40;
const ROW_WIDTH: usize = 5;
const CUSTOM_ID: usize = 100;
const LABEL: usize = 80;
const SELECT_OPTIONS: usize = 25;

/// Checks `components` (legacy or V2 per `v2`), adding errors under `components.N...`.
pub(crate) fn check_components(tree: &mut ErrorTree, components: &[Value], v2: bool) {
    let mut seen = HashSet::new();
    if v2 {
        let total = count(components);
        if total > MAX_V2_TOTAL {
            max_length(tree, &[Seg::Key("components")], MAX_V2_TOTAL);
        }
    } else if components.len() > MAX_LEGACY_ROWS {
        max_length(tree, &[Seg::Key("components")], MAX_LEGACY_ROWS);
    }
    for (index, component) in components.iter().enumerate() {
        let mut path = vec![Seg::Key("components"), Seg::Index(index)];
        let Some(object) = component.as_object() else {
            tree.push(&path, "MODEL_TYPE_CONVERT", "Must be an object.");
            continue;
        };
        if !v2 && kind(object) != Some(1) {
            path.push(Seg::Key("type"));
            tree.push(
                &path,
                "UNION_TYPE_CHOICES",
                "Value of field \"type\" must be one of (1,).",
            );
            continue;
        }
        check_one(tree, &mut path, object, &mut seen);
    }
}

fn kind(object: &Map<String, Value>) -> Option<u64> {
    object.get("type").and_then(Value::as_u64)
}

fn children(object: &Map<String, Value>) -> &[Value] {
    object
        .get("components")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Components counted with everything nested in them (rows, sections, containers, accessories).
fn count(components: &[Value]) -> usize {
    components
        .iter()
        .map(|c| {
            let object = c.as_object();
            let nested = object.map_or(0, |o| count(children(o)));
            let accessory = object.and_then(|o| o.get("accessory")).map_or(0, |_| 1);
            1 + nested + accessory
        })
        .sum()
}

fn check_one<'a>(
    tree: &mut ErrorTree,
    path: &mut Vec<Seg<'a>>,
    object: &'a Map<String, Value>,
    seen: &mut HashSet<String>,
) {
    match kind(object) {
        Some(1) => check_row(tree, path, object, seen),
        Some(2) => check_button(tree, path, object, seen),
        Some(3 | 5..=8) => check_select(tree, path, object, seen),
        Some(9 | 17) => {
            for (index, child) in children(object).iter().enumerate() {
                if let Some(child) = child.as_object() {
                    path.extend([Seg::Key("components"), Seg::Index(index)]);
                    check_one(tree, path, child, seen);
                    path.truncate(path.len() - 2);
                }
            }
        }
        Some(_) => {}
        None => {
            path.push(Seg::Key("type"));
            required(tree, path);
            path.pop();
        }
    }
}

fn check_row<'a>(
    tree: &mut ErrorTree,
    path: &mut Vec<Seg<'a>>,
    row: &'a Map<String, Value>,
    seen: &mut HashSet<String>,
) {
    let items = children(row);
    path.push(Seg::Key("components"));
    if items.is_empty() || items.len() > ROW_WIDTH {
        bad_length(tree, path, 1, ROW_WIDTH);
    }
    let selects = items
        .iter()
        .filter(|c| c.as_object().and_then(kind).is_some_and(|k| k != 2))
        .count();
    if selects > 0 && items.len() > 1 {
        tree.push(
            path,
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        );
    }
    for (index, item) in items.iter().enumerate() {
        if let Some(item) = item.as_object() {
            path.push(Seg::Index(index));
            check_one(tree, path, item, seen);
            path.pop();
        }
    }
    path.pop();
}

fn check_custom_id<'a>(
    tree: &mut ErrorTree,
    path: &mut Vec<Seg<'a>>,
    object: &'a Map<String, Value>,
    seen: &mut HashSet<String>,
) {
    path.push(Seg::Key("custom_id"));
    match object.get("custom_id").and_then(Value::as_str) {
        None => required(tree, path),
        Some(id) => {
            let len = chars(id);
            if len == 0 || len > CUSTOM_ID {
                bad_length(tree, path, 1, CUSTOM_ID);
            } else if !seen.insert(id.to_owned()) {
                tree.push(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                );
            }
        }
    }
    path.pop();
}

fn check_button<'a>(
    tree: &mut ErrorTree,
    path: &mut Vec<Seg<'a>>,
    button: &'a Map<String, Value>,
    seen: &mut HashSet<String>,
) {
    if let Some(label) = button.get("label").and_then(Value::as_str) {
        if chars(label) > LABEL {
            path.push(Seg::Key("label"));
            max_length(tree, path, LABEL);
            path.pop();
        }
    }
    match button.get("style").and_then(Value::as_u64) {
        Some(1..=4) => check_custom_id(tree, path, button, seen),
        Some(5) => {
            if button.get("url").and_then(Value::as_str).is_none() {
                path.push(Seg::Key("url"));
                required(tree, path);
                path.pop();
            }
            if button.contains_key("custom_id") {
                path.push(Seg::Key("custom_id"));
                tree.push(
                    path,
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A custom id cannot be set on a link button",
                );
                path.pop();
            }
        }
        Some(6) => {
            if button.get("sku_id").is_none() {
                path.push(Seg::Key("sku_id"));
                required(tree, path);
                path.pop();
            }
        }
        _ => {
            path.push(Seg::Key("style"));
            tree.push(
                path,
                "BASE_TYPE_CHOICES",
                "Value must be one of {1, 2, 3, 4, 5, 6}.",
            );
            path.pop();
        }
    }
}

fn check_select<'a>(
    tree: &mut ErrorTree,
    path: &mut Vec<Seg<'a>>,
    select: &'a Map<String, Value>,
    seen: &mut HashSet<String>,
) {
    check_custom_id(tree, path, select, seen);
    if kind(select) == Some(3) {
        let options = select
            .get("options")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if options == 0 || options > SELECT_OPTIONS {
            path.push(Seg::Key("options"));
            bad_length(tree, path, 1, SELECT_OPTIONS);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn has_errors(components: &Value, v2: bool) -> bool {
        let mut tree = ErrorTree::new();
        check_components(&mut tree, components.as_array().unwrap(), v2);
        !tree.is_empty()
    }

    fn button(id: &str) -> Value {
        json!({"type": 2, "style": 1, "label": "ok", "custom_id": id})
    }

    #[test]
    fn five_rows_pass_six_fail() {
        let row = json!({"type": 1, "components": [button("a")]});
        let rows: Vec<Value> = (0..5)
            .map(|i| json!({"type": 1, "components": [button(&format!("b{i}"))]}))
            .collect();
        assert!(!has_errors(&Value::Array(rows.clone()), false));
        let mut six = rows;
        six.push(row);
        assert!(has_errors(&Value::Array(six), false));
    }

    #[test]
    fn duplicate_custom_id_and_missing_custom_id_fail() {
        let dup = json!([{"type": 1, "components": [button("x"), button("x")]}]);
        assert!(has_errors(&dup, false));
        let missing = json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "l"}]}]);
        assert!(has_errors(&missing, false));
    }

    #[test]
    fn v2_counts_nested_components() {
        let text = json!({"type": 10, "content": "t"});
        let container = json!({"type": 17, "components": vec![text; 39]});
        assert!(!has_errors(&json!([container]), true));
        let text = json!({"type": 10, "content": "t"});
        let container = json!({"type": 17, "components": vec![text; 40]});
        assert!(has_errors(&json!([container]), true));
    }
}

//! Server-side embed checks: per-field lengths, 25 fields, and the 6000-character total.

use serde_json::{Map, Value};

use super::tree::{ErrorTree, Seg, chars, max_length, required, wrong_type};

/// Most embeds a message may carry.
pub(crate) const MAX_EMBEDS: usize = 10;
/// Combined characters across all embeds of one message.
pub(crate) const MAX_EMBED_TOTAL: usize = 6000;
const TITLE: usize = 256;
const DESCRIPTION: usize = 4096;
const FIELDS: usize = 25;
const FIELD_NAME: usize = 256;
const FIELD_VALUE: usize = 1024;
const FOOTER_TEXT: usize = 2048;
const AUTHOR_NAME: usize = 256;
const URL: usize = 2048;
const MAX_COLOR: u64 = 0x00FF_FFFF;

/// Checks `embeds`, adding errors under `embeds.N...`; returns the counted total length.
pub(crate) fn check_embeds(tree: &mut ErrorTree, embeds: &[Value]) {
    if embeds.len() > MAX_EMBEDS {
        max_length(tree, &[Seg::Key("embeds")], MAX_EMBEDS);
    }
    let mut total = 0;
    for (index, embed) in embeds.iter().enumerate() {
        match embed.as_object() {
            Some(embed) => total += check_embed(tree, index, embed),
            None => wrong_type(
                tree,
                &[Seg::Key("embeds"), Seg::Index(index)],
                "MODEL_TYPE_CONVERT",
                "an object",
            ),
        }
    }
    if total > MAX_EMBED_TOTAL {
        tree.push(
            &[Seg::Key("embeds")],
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"),
        );
    }
}

/// Trimmed length of a string field, checking its limit; 0 when absent.
fn text(
    tree: &mut ErrorTree,
    path: &[Seg<'_>],
    object: &Map<String, Value>,
    key: &str,
    max: usize,
    is_required: bool,
) -> usize {
    let mut full: Vec<Seg<'_>> = path.to_vec();
    full.push(Seg::Key(key));
    match object.get(key) {
        None | Some(Value::Null) => {
            if is_required {
                required(tree, &full);
            }
            0
        }
        Some(Value::String(s)) => {
            let len = chars(s.trim());
            if len > max {
                max_length(tree, &full, max);
            }
            if is_required && len == 0 {
                required(tree, &full);
            }
            len
        }
        Some(_) => {
            wrong_type(tree, &full, "BASE_TYPE_STRING", "a string");
            0
        }
    }
}

fn check_embed(tree: &mut ErrorTree, index: usize, embed: &Map<String, Value>) -> usize {
    let here = [Seg::Key("embeds"), Seg::Index(index)];
    let mut total = text(tree, &here, embed, "title", TITLE, false);
    total += text(tree, &here, embed, "description", DESCRIPTION, false);
    text(tree, &here, embed, "url", URL, false);
    if let Some(color) = embed.get("color").filter(|c| !c.is_null()) {
        let path = [Seg::Key("embeds"), Seg::Index(index), Seg::Key("color")];
        match color.as_u64() {
            Some(c) if c > MAX_COLOR => tree.push(
                &path,
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {MAX_COLOR}."),
            ),
            Some(_) => {}
            None => wrong_type(tree, &path, "NUMBER_TYPE_COERCE", "an integer"),
        }
    }
    if let Some(footer) = embed.get("footer").and_then(Value::as_object) {
        let path = [Seg::Key("embeds"), Seg::Index(index), Seg::Key("footer")];
        total += text(tree, &path, footer, "text", FOOTER_TEXT, true);
        text(tree, &path, footer, "icon_url", URL, false);
    }
    if let Some(author) = embed.get("author").and_then(Value::as_object) {
        let path = [Seg::Key("embeds"), Seg::Index(index), Seg::Key("author")];
        total += text(tree, &path, author, "name", AUTHOR_NAME, true);
        text(tree, &path, author, "url", URL, false);
        text(tree, &path, author, "icon_url", URL, false);
    }
    for key in ["image", "thumbnail"] {
        if let Some(media) = embed.get(key).and_then(Value::as_object) {
            let path = [Seg::Key("embeds"), Seg::Index(index), Seg::Key(key)];
            text(tree, &path, media, "url", URL, true);
        }
    }
    if let Some(fields) = embed.get("fields") {
        let path = [Seg::Key("embeds"), Seg::Index(index), Seg::Key("fields")];
        match fields.as_array() {
            Some(fields) => {
                if fields.len() > FIELDS {
                    max_length(tree, &path, FIELDS);
                }
                for (position, field) in fields.iter().enumerate() {
                    let field_path = [
                        Seg::Key("embeds"),
                        Seg::Index(index),
                        Seg::Key("fields"),
                        Seg::Index(position),
                    ];
                    let Some(field) = field.as_object() else {
                        wrong_type(tree, &field_path, "MODEL_TYPE_CONVERT", "an object");
                        continue;
                    };
                    total += text(tree, &field_path, field, "name", FIELD_NAME, true);
                    total += text(tree, &field_path, field, "value", FIELD_VALUE, true);
                }
            }
            None if fields.is_null() => {}
            None => wrong_type(tree, &path, "BASE_TYPE_ARRAY", "an array"),
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(embeds: &Value) -> Option<Value> {
        let mut tree = ErrorTree::new();
        check_embeds(&mut tree, embeds.as_array().unwrap());
        tree.finish().err().map(|reply| match reply.body {
            crate::fake::reply::ReplyBody::Json(v) => v["errors"].clone(),
            _ => Value::Null,
        })
    }

    #[test]
    fn field_value_at_limit_passes_and_one_over_fails() {
        let ok = json!([{ "fields": [{ "name": "n", "value": "v".repeat(1024) }] }]);
        assert!(errors(&ok).is_none());
        let bad = json!([{ "fields": [{ "name": "n", "value": "v".repeat(1025) }] }]);
        assert_eq!(
            errors(&bad).unwrap()["embeds"]["0"]["fields"]["0"]["value"]["_errors"][0]["code"],
            "BASE_TYPE_MAX_LENGTH"
        );
    }

    #[test]
    fn total_over_6000_across_embeds_fails() {
        let four = json!({ "description": "d".repeat(1500) });
        let ok = json!([four, four, four, four]);
        assert!(errors(&ok).is_none());
        let bad = json!([four, four, four, four, { "title": "t" }]);
        assert_eq!(
            errors(&bad).unwrap()["embeds"]["_errors"][0]["code"],
            "MAX_EMBED_SIZE_EXCEEDED"
        );
    }

    #[test]
    fn whitespace_is_trimmed_before_counting() {
        let padded = json!([{ "title": format!("  {}  ", "t".repeat(256)) }]);
        assert!(errors(&padded).is_none());
    }

    #[test]
    fn color_above_ffffff_fails() {
        let bad = json!([{ "color": 16_777_216 }]);
        assert_eq!(
            errors(&bad).unwrap()["embeds"]["0"]["color"]["_errors"][0]["code"],
            "NUMBER_TYPE_MAX"
        );
    }
}

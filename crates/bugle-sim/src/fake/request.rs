//! A matched request: route, query and body decoded the way Discord reads them.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::fake::reply::{self, Reply};
use crate::fake::route::Route;
use crate::fake::validation::tree::{ErrorTree, Seg};
use crate::multipart;

/// Largest request body Discord accepts (25 MiB).
pub(crate) const MAX_REQUEST_BYTES: usize = 25 * 1024 * 1024;
/// Largest single file without boosts or Nitro (10 MiB).
pub(crate) const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// A request the router matched.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) route: Route,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
}

/// One uploaded file part.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    /// The `n` of `files[n]` (the placeholder id `attachments[].id` refers to).
    pub(crate) index: String,
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Bytes,
}

/// A decoded body: the JSON object (or `payload_json`) and any files.
#[derive(Debug, Default)]
pub(crate) struct Payload {
    pub(crate) json: Map<String, Value>,
    pub(crate) files: Vec<Upload>,
}

fn content_type_error() -> Reply {
    let mut tree = ErrorTree::new();
    tree.push(
        &[],
        "CONTENT_TYPE_INVALID",
        "Expected \"Content-Type\" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.",
    );
    tree.finish().expect_err("the tree has an error")
}

fn query_error(key: &str, code: &str, message: String) -> Reply {
    let mut tree = ErrorTree::new();
    tree.push(&[Seg::Key(key)], code, message);
    tree.finish().expect_err("the tree has an error")
}

impl Incoming {
    /// The first value of query parameter `key`.
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query parameter (`true`/`True`/`1`, `false`/`False`/`0`), default false.
    pub(crate) fn query_bool(&self, key: &str) -> Result<bool, Reply> {
        match self.query(key) {
            Some("true" | "True" | "1") => Ok(true),
            None | Some("false" | "False" | "0") => Ok(false),
            Some(other) => Err(query_error(
                key,
                "BASE_TYPE_BOOLEAN",
                format!("Value \"{other}\" is not a boolean."),
            )),
        }
    }

    /// A snowflake query parameter.
    pub(crate) fn query_snowflake(&self, key: &str) -> Result<Option<u64>, Reply> {
        self.query(key)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    query_error(
                        key,
                        "NUMBER_TYPE_COERCE",
                        format!("Value \"{v}\" is not snowflake."),
                    )
                })
            })
            .transpose()
    }

    /// Decodes the body per its content type: JSON, form-urlencoded, or multipart with
    /// `payload_json` and `files[n]`. An empty body is an empty object.
    pub(crate) fn payload(&self) -> Result<Payload, Reply> {
        if self.body.len() > MAX_REQUEST_BYTES {
            return Err(reply::entity_too_large());
        }
        if self.body.is_empty() {
            return Ok(Payload::default());
        }
        let content_type = self.content_type.as_deref().unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let is = |expected: &str| essence.eq_ignore_ascii_case(expected);
        if is("application/json") {
            Ok(Payload {
                json: json_object(&self.body)?,
                files: Vec::new(),
            })
        } else if is("application/x-www-form-urlencoded") {
            Ok(Payload {
                json: url::form_urlencoded::parse(&self.body)
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect(),
                files: Vec::new(),
            })
        } else if is("multipart/form-data") {
            multipart_payload(&self.body, content_type)
        } else {
            Err(content_type_error())
        }
    }
}

fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, Reply> {
    serde_json::from_slice::<Map<String, Value>>(bytes).map_err(|_| reply::invalid_json())
}

fn multipart_payload(body: &Bytes, content_type: &str) -> Result<Payload, Reply> {
    let boundary = multipart::boundary(content_type).ok_or_else(content_type_error)?;
    let parts = multipart::parse(body, &boundary).map_err(|_| reply::invalid_json())?;
    let mut payload = Payload::default();
    let mut loose = Map::new();
    for (position, part) in parts.into_iter().enumerate() {
        let name = part.name.ok_or_else(reply::invalid_json)?;
        if name == "payload_json" {
            payload.json = json_object(part.data)?;
        } else if let Some(filename) = part.filename {
            if part.data.len() > MAX_FILE_BYTES {
                return Err(reply::entity_too_large());
            }
            let index = name
                .strip_prefix("files[")
                .and_then(|rest| rest.strip_suffix(']'))
                .map_or_else(|| position.to_string(), str::to_owned);
            payload.files.push(Upload {
                index,
                filename,
                content_type: part.content_type,
                data: body.slice_ref(part.data),
            });
        } else {
            let text = String::from_utf8_lossy(part.data).into_owned();
            loose.insert(name, Value::String(text));
        }
    }
    for (key, value) in loose {
        payload.json.entry(key).or_insert(value);
    }
    Ok(payload)
}

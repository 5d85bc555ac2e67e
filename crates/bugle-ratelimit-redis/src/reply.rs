//! What the acquire script answered.

use std::time::Duration;

use bugle_ratelimit::{Refusal, StoreError};
use redis::Value;

/// The acquire script's answer, before it becomes a [`bugle_ratelimit::SharedDecision`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    /// Granted from `slot` (the bucket's key).
    Grant { slot: String },
    /// Wait `after`; `slot` is the bucket whose completions may end the wait early.
    Wait {
        after: Duration,
        slot: Option<String>,
    },
    /// Refused.
    Refuse(Refusal),
}

pub(crate) fn parse(value: &Value) -> Result<Reply, StoreError> {
    let Value::Array(items) = value else {
        return Err(unexpected(value));
    };
    let text = |i: usize| items.get(i).and_then(as_text);
    let millis = |i: usize| {
        items
            .get(i)
            .and_then(as_int)
            .map(|ms| Duration::from_millis(u64::try_from(ms.max(0)).unwrap_or(0)))
    };
    match text(0).as_deref() {
        Some("grant") => text(1)
            .map(|slot| Reply::Grant { slot })
            .ok_or_else(|| unexpected(value)),
        Some("wait") => {
            let after = millis(1).ok_or_else(|| unexpected(value))?;
            let slot = text(2).filter(|s| !s.is_empty());
            Ok(Reply::Wait { after, slot })
        }
        Some("refuse") => {
            let remaining = millis(2).unwrap_or_default();
            let refusal = match text(1).as_deref() {
                Some("token") => Refusal::TokenInvalid,
                Some("ban") => Refusal::Banned { remaining },
                Some("ceiling") => Refusal::InvalidRequestCeiling { remaining },
                Some("webhook") => Refusal::WebhookDead { remaining },
                _ => return Err(unexpected(value)),
            };
            Ok(Reply::Refuse(refusal))
        }
        _ => Err(unexpected(value)),
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(text) => Some(text.clone()),
        Value::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        Value::BulkString(bytes) => std::str::from_utf8(bytes).ok()?.parse().ok(),
        _ => None,
    }
}

fn unexpected(value: &Value) -> StoreError {
    StoreError::new(format!(
        "unexpected answer from the acquire script: {value:?}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn each_answer_parses() {
        assert_eq!(
            parse(&Value::Array(vec![
                bulk("grant"),
                bulk("p:v1:bot:x:b:h|channel:1")
            ])),
            Ok(Reply::Grant {
                slot: "p:v1:bot:x:b:h|channel:1".into()
            })
        );
        assert_eq!(
            parse(&Value::Array(vec![bulk("wait"), Value::Int(250), bulk("")])),
            Ok(Reply::Wait {
                after: Duration::from_millis(250),
                slot: None
            })
        );
        assert_eq!(
            parse(&Value::Array(vec![
                bulk("refuse"),
                bulk("webhook"),
                Value::Int(1_000)
            ])),
            Ok(Reply::Refuse(Refusal::WebhookDead {
                remaining: Duration::from_secs(1)
            }))
        );
        assert!(parse(&Value::Nil).is_err());
        assert!(parse(&Value::Array(vec![bulk("maybe")])).is_err());
    }
}

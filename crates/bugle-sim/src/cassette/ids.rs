//! Fresh ids and timestamps for replayed responses, and the way back.
//!
//! A replayed response gets new snowflakes for ids the caller has not seen (consistently:
//! the same recorded id always becomes the same fresh id within one replay) and the
//! simulation clock's time for its timestamps. Later requests that use a fresh id, in their
//! path, query or body, are translated back to the recorded id before matching, so a message
//! created during replay can be edited, reacted to and threaded.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;
use time::format_description::well_known::Rfc3339;

use super::format::{Body, RecordedRequest};
use super::normalise::is_volatile_field;
use super::operation::is_id_segment;
use crate::clock::SimClock;
use crate::snowflake::SnowflakeGenerator;

/// Whether a JSON field holds one id.
fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("_id")
}

/// Whether a JSON field holds a list of ids.
fn is_id_list_key(key: &str) -> bool {
    key.ends_with("_ids") || matches!(key, "mention_roles" | "applied_tags" | "roles")
}

/// Whether a query parameter holds an id.
fn is_id_query(key: &str) -> bool {
    is_id_key(key) || matches!(key, "before" | "after" | "around")
}

fn parse_id(text: &str) -> Option<u64> {
    if is_id_segment(text) {
        text.parse().ok()
    } else {
        None
    }
}

/// The two-way map between recorded and fresh ids of one replay.
#[derive(Debug)]
pub(crate) struct IdTranslator {
    fresh_to_recorded: HashMap<u64, u64>,
    recorded_to_fresh: HashMap<u64, u64>,
    /// Recorded-space ids the caller has used in requests: kept as they are in responses.
    known: HashSet<u64>,
    generator: SnowflakeGenerator,
    clock: SimClock,
}

impl IdTranslator {
    pub(crate) fn new(seed: u64, clock: SimClock) -> Self {
        Self {
            fresh_to_recorded: HashMap::new(),
            recorded_to_fresh: HashMap::new(),
            known: HashSet::new(),
            generator: SnowflakeGenerator::new(seed),
            clock,
        }
    }

    fn recorded_of(&mut self, id: u64) -> u64 {
        let recorded = self.fresh_to_recorded.get(&id).copied().unwrap_or(id);
        self.known.insert(recorded);
        recorded
    }

    fn fresh_of(&mut self, id: u64) -> u64 {
        if let Some(fresh) = self.recorded_to_fresh.get(&id) {
            return *fresh;
        }
        if self.known.contains(&id) {
            return id;
        }
        let fresh = self.generator.next(self.clock.now_unix_millis());
        self.recorded_to_fresh.insert(id, fresh);
        self.fresh_to_recorded.insert(fresh, id);
        fresh
    }

    /// Translates fresh ids in a captured request back to the recorded ones.
    pub(crate) fn request_to_recorded(&mut self, request: &mut RecordedRequest) {
        request.path = request
            .path
            .split('/')
            .map(|segment| match parse_id(segment) {
                Some(id) => self.recorded_of(id).to_string(),
                None => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let query = std::mem::take(&mut request.query);
        request.query = query
            .into_iter()
            .map(|(k, v)| {
                let v = match parse_id(&v) {
                    Some(id) if is_id_query(&k) => self.recorded_of(id).to_string(),
                    _ => v,
                };
                (k, v)
            })
            .collect::<BTreeMap<_, _>>();
        match request.body.as_mut() {
            Some(Body::Json(value)) => self.walk_ids(value, &mut Self::recorded_of),
            Some(Body::Multipart(multipart)) => {
                if let Some(value) = multipart.payload_json.as_mut() {
                    self.walk_ids(value, &mut Self::recorded_of);
                }
            }
            _ => {}
        }
    }

    /// Gives a recorded response body fresh ids and current timestamps.
    pub(crate) fn freshen_response(&mut self, body: &mut Value) {
        self.walk_ids(body, &mut Self::fresh_of);
        let now = self
            .clock
            .now()
            .format(&Rfc3339)
            .unwrap_or_else(|_| String::new());
        refresh_timestamps(body, &now);
    }

    fn walk_ids(&mut self, value: &mut Value, map: &mut impl FnMut(&mut Self, u64) -> u64) {
        match value {
            Value::Object(fields) => {
                for (key, v) in fields.iter_mut() {
                    match v {
                        Value::String(text) if is_id_key(key) => {
                            if let Some(id) = parse_id(text) {
                                *text = map(self, id).to_string();
                            }
                        }
                        Value::Array(items) if is_id_list_key(key) => {
                            for item in items {
                                if let Some(id) = item.as_str().and_then(parse_id) {
                                    *item = Value::String(map(self, id).to_string());
                                }
                            }
                        }
                        other => self.walk_ids(other, map),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk_ids(v, map)),
            _ => {}
        }
    }
}

fn refresh_timestamps(value: &mut Value, now: &str) {
    match value {
        Value::Object(fields) => {
            for (key, v) in fields.iter_mut() {
                match v {
                    Value::String(text) if is_volatile_field(key) && key != "nonce" => {
                        if time::OffsetDateTime::parse(text, &Rfc3339).is_ok() {
                            now.clone_into(text);
                        }
                    }
                    other => refresh_timestamps(other, now),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| refresh_timestamps(v, now)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn translator() -> IdTranslator {
        IdTranslator::new(1, SimClock::starting_at(datetime!(2030-01-01 0:00 UTC)))
    }

    #[tokio::test(start_paused = true)]
    async fn new_ids_are_fresh_consistent_and_map_back() {
        let mut ids = translator();
        let mut body = json!({"id": "1000", "channel_id": "2000", "author": {"id": "3000"},
            "message_reference": {"message_id": "1000"}, "content": "1000",
            "timestamp": "2020-01-01T00:00:00+00:00", "edited_timestamp": null});
        ids.freshen_response(&mut body);
        let fresh = body["id"].as_str().unwrap().to_owned();
        assert_ne!(fresh, "1000");
        assert_eq!(body["message_reference"]["message_id"], json!(fresh));
        assert_eq!(body["content"], json!("1000"), "text is not an id");
        assert_eq!(body["timestamp"], json!("2030-01-01T00:00:00Z"));
        assert_eq!(body["edited_timestamp"], Value::Null);

        let mut request = RecordedRequest {
            method: "PATCH".into(),
            path: format!("/api/v10/channels/2000/messages/{fresh}"),
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
            body: None,
        };
        ids.request_to_recorded(&mut request);
        assert_eq!(request.path, "/api/v10/channels/2000/messages/1000");
    }

    #[tokio::test(start_paused = true)]
    async fn ids_the_caller_sent_stay_as_they_are() {
        let mut ids = translator();
        let mut request = RecordedRequest {
            method: "POST".into(),
            path: "/api/v10/channels/2000/messages".into(),
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
            body: None,
        };
        ids.request_to_recorded(&mut request);
        let mut body = json!({"id": "1000", "channel_id": "2000"});
        ids.freshen_response(&mut body);
        assert_eq!(body["channel_id"], json!("2000"));
        assert_ne!(body["id"], json!("1000"));
    }
}

//! Deserialising `Message`, `Channel` and `ApiError` (and flattening its field errors)
//! from arbitrary bytes.
//!
//! Invariants: parsing never panics; whatever parses serialises, and the result parses
//! back to an equal value; `field_errors()` and `Display` never panic and agree.

#![no_main]

use bugle_model::channel::Channel;
use bugle_model::error::ApiError;
use bugle_model::message::Message;
use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};

/// Parses `data` as `T`; if it parses, checks the serialise / parse round trip.
fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_string(&value).expect("a parsed value serialises");
    let again: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("serialised value does not parse back: {e}\n{text}"));
    assert_eq!(again, value, "round trip changed the value\n{text}");
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    round_trip::<Message>(data);
    round_trip::<Channel>(data);
    if let Some(error) = round_trip::<ApiError>(data) {
        let fields = error.field_errors();
        let shown = error.to_string();
        for field in &fields {
            assert!(shown.contains(&field.to_string()), "display misses {field}");
        }
        if error.errors.is_none() {
            assert!(fields.is_empty());
        }
    }
});

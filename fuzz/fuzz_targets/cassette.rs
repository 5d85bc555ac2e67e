//! `Cassette::from_json` on arbitrary text.
//!
//! Invariants: loading never panics; a cassette that loads has a known format version,
//! and saving it (`to_json`) gives text that loads back to an equal cassette and saves
//! to the same text.

#![no_main]

use bugle_sim::cassette::{Cassette, FORMAT_VERSION};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cassette) = Cassette::from_json(text) else {
        return;
    };
    assert!(cassette.format_version <= FORMAT_VERSION);
    let saved = cassette.to_json();
    let reloaded = Cassette::from_json(&saved).expect("a saved cassette loads");
    assert_eq!(reloaded.to_json(), saved, "saving is not stable");
    assert_eq!(reloaded, cassette, "a saved cassette loads back different");
});

//! `neutralise_mentions` and `sanitise` on arbitrary text.
//!
//! Invariants: the output contains no live `@everyone` or `@here` (any letter case) and
//! no live `<@…>` mention; removing the zero-width spaces gives back the input's text
//! (with its own zero-width spaces removed); neutralising twice changes nothing.

#![no_main]

use bugle_model::text::{ZERO_WIDTH_SPACE, neutralise_mentions, sanitise};
use libfuzzer_sys::fuzz_target;

/// The byte offset of a live mention in `text`, if there is one.
fn live_mention(text: &str) -> Option<usize> {
    let mut previous = None;
    for (index, ch) in text.char_indices() {
        if ch == '@' {
            let rest = &text[index + 1..];
            let lower = rest.get(..8).map(str::to_ascii_lowercase);
            let lower4 = rest.get(..4).map(str::to_ascii_lowercase);
            if previous == Some('<') && !rest.starts_with(ZERO_WIDTH_SPACE)
                || lower.as_deref() == Some("everyone")
                || lower4.as_deref() == Some("here")
            {
                return Some(index);
            }
        }
        previous = Some(ch);
    }
    None
}

fn without_zwsp(text: &str) -> String {
    text.chars().filter(|&c| c != ZERO_WIDTH_SPACE).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let out = neutralise_mentions(text);
    if let Some(at) = live_mention(&out) {
        panic!("live mention at byte {at} of {out:?}");
    }
    assert_eq!(without_zwsp(&out), without_zwsp(text), "text changed");
    assert_eq!(neutralise_mentions(&out), out, "not idempotent");
    let clean = sanitise(text);
    if let Some(at) = live_mention(&clean) {
        panic!("live mention at byte {at} of sanitised {clean:?}");
    }
});

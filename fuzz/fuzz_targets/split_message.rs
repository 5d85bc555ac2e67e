//! `split_message` / `split_message_chunks` on arbitrary text and limits.
//!
//! Invariants: every message is at most `max_chars` characters and not empty; each
//! message is the chunk's prefix, body and suffix; the bodies joined give back the text
//! (no text lost once the added fences are removed); prefixes and suffixes are only
//! code fences; `split_message` renders exactly the chunks.

#![no_main]

use arbitrary::Arbitrary;
use bugle_model::text::{split_message, split_message_chunks};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    max: u16,
    text: String,
}

fuzz_target!(|input: Input| {
    // Mostly small limits, where the edge cases are; now and then Discord's 2000.
    let max_chars = if input.max == u16::MAX {
        2000
    } else {
        usize::from(input.max % 64) + 1
    };
    let text = input.text.as_str();
    let chunks = split_message_chunks(text, max_chars);
    let messages = split_message(text, max_chars);
    assert_eq!(chunks.is_empty(), text.is_empty(), "chunks for empty text");
    assert_eq!(chunks.len(), messages.len());
    let mut joined = String::with_capacity(text.len());
    for (chunk, message) in chunks.iter().zip(&messages) {
        let count = message.chars().count();
        assert!(
            count <= max_chars,
            "message of {count} chars over {max_chars}: {message:?}"
        );
        assert_eq!(count, chunk.char_count());
        assert!(!chunk.body().is_empty(), "empty body");
        assert_eq!(
            *message,
            format!("{}{}{}", chunk.prefix(), chunk.body(), chunk.suffix())
        );
        let prefix = chunk.prefix();
        assert!(
            prefix.is_empty()
                || (prefix.starts_with("```")
                    && prefix.ends_with('\n')
                    && prefix.matches('\n').count() == 1),
            "prefix {prefix:?}"
        );
        assert!(
            matches!(chunk.suffix(), "" | "```" | "\n```"),
            "suffix {:?}",
            chunk.suffix()
        );
        joined.push_str(chunk.body());
    }
    assert_eq!(joined, text, "text lost or changed");
});

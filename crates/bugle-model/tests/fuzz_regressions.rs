//! Inputs found while fuzzing the text helpers (see docs/fuzzing.md), kept as tests.

use bugle_model::text::split_message_chunks;

/// Splitting text that has many code fences on one line (no line break after them) took
/// time quadratic in the text's length: scanning for fences, every fence that opens a
/// block searched the rest of the text for the line break that would end its language
/// tag. A megabyte of ```` ```a ```` took seconds (640 KB: 5.3 s in a release build,
/// against 10 ms for plain text of the same length).
///
/// The assertions check the split itself and pass either way; the bug shows as run time
/// (11 s for this megabyte in a debug build today, milliseconds once the scan is
/// linear). Take the `ignore` off with the fix so CI would notice a return to seconds.
#[test]
#[ignore = "fuzz crash: split_message is quadratic in the number of ``` fences on one line, fix pending"]
fn many_fences_on_one_line_split_in_linear_time() {
    let text = "```a".repeat(256 * 1024);
    let chunks = split_message_chunks(&text, 2000);
    assert!(chunks.iter().all(|chunk| chunk.char_count() <= 2000));
    let joined: String = chunks.iter().map(bugle_model::text::Chunk::body).collect();
    assert_eq!(joined, text);
}

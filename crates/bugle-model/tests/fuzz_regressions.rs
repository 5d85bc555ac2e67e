//! Inputs found while fuzzing the text helpers (see docs/fuzzing.md), kept as tests.

use bugle_model::text::split_message_chunks;

/// Splitting text that has many code fences on one line (no line break after them) took
/// time quadratic in the text's length: scanning for fences, every fence that opens a
/// block searched the rest of the text for the line break that would end its language
/// tag. A megabyte of ```` ```a ```` took seconds (640 KB: 5.3 s in a release build,
/// against 10 ms for plain text of the same length).
///
/// The scan now remembers where the current line ends, so the text is searched once.
/// The assertions check the split itself; a return of the bug shows as this test taking
/// seconds (it took 11 s in a debug build before the fix).
#[test]
fn many_fences_on_one_line_split_in_linear_time() {
    let text = "```a".repeat(256 * 1024);
    let chunks = split_message_chunks(&text, 2000);
    assert!(chunks.iter().all(|chunk| chunk.char_count() <= 2000));
    let joined: String = chunks.iter().map(bugle_model::text::Chunk::body).collect();
    assert_eq!(joined, text);
}

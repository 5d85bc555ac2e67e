//! Properties of `split_message`, and examples of the text helpers.
//!
//! "Loses no text" is defined precisely: every chunk renders as
//! `prefix + body + suffix`, where the prefix is empty or a reopened fence
//! ```` ```lang\n ```` and the suffix is empty, ```` ``` ```` or ```` \n``` ````
//! (the only text the splitter adds); removing them and joining the bodies
//! in order gives back the input byte for byte.

use bugle_model::text::{
    Chunk, escape_markdown, neutralise_mentions, sanitise, split_message, split_message_chunks,
};
use bugle_model::validate::CONTENT_MAX_CHARS;
use proptest::prelude::*;

/// One piece of generated text and whether it must never be cut.
fn piece() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        4 => "[a-zA-Z0-9]{1,12}".prop_map(|word| (word, false)),
        1 => "[a-z]{40,90}".prop_map(|word| (word, false)),
        1 => "[éß漢字🙂]{1,6}".prop_map(|word| (word, false)),
        1 => (1u64..u64::MAX).prop_map(|id| (format!("<@{id}>"), true)),
        1 => (1u64..u64::MAX).prop_map(|id| (format!("<@&{id}>"), true)),
        1 => (1u64..1_000_000).prop_map(|id| (format!("<:party:{id}>"), true)),
        1 => "[a-z]{1,10}".prop_map(|path| (format!("https://example.com/{path}"), true)),
        1 => Just(("```rust\n".to_owned(), false)),
        1 => Just(("\n```\n".to_owned(), false)),
    ]
}

/// Text made of pieces separated by spaces or line breaks, with the byte
/// ranges of the pieces that must stay whole.
fn text() -> impl Strategy<Value = (String, Vec<std::ops::Range<usize>>)> {
    prop::collection::vec(
        (
            piece(),
            prop_oneof![3 => Just(" "), 1 => Just("\n"), 1 => Just("  \n")],
        ),
        0..200,
    )
    .prop_map(|pieces| {
        let mut text = String::new();
        let mut atomic = Vec::new();
        for ((piece, whole), separator) in pieces {
            if whole {
                atomic.push(text.len()..text.len() + piece.len());
            }
            text.push_str(&piece);
            text.push_str(separator);
        }
        (text, atomic)
    })
}

fn check_split(
    text: &str,
    atomic: &[std::ops::Range<usize>],
    max: usize,
) -> Result<(), TestCaseError> {
    let chunks = split_message_chunks(text, max);
    let rendered = split_message(text, max);
    prop_assert_eq!(chunks.len(), rendered.len());
    let mut joined = String::new();
    let mut cuts = Vec::new();
    for (chunk, message) in chunks.iter().zip(&rendered) {
        prop_assert!(
            message.chars().count() <= max,
            "chunk of {} chars over {max}",
            message.chars().count()
        );
        prop_assert!(!chunk.body().is_empty());
        prop_assert!(
            chunk.prefix().is_empty()
                || (chunk.prefix().starts_with("```") && chunk.prefix().ends_with('\n'))
        );
        prop_assert!(["", "```", "\n```"].contains(&chunk.suffix()));
        let body = message
            .strip_prefix(chunk.prefix())
            .and_then(|rest| rest.strip_suffix(chunk.suffix()));
        prop_assert_eq!(body, Some(chunk.body()));
        joined.push_str(chunk.body());
        cuts.push(joined.len());
    }
    prop_assert_eq!(&joined, text);
    for cut in cuts {
        for range in atomic {
            prop_assert!(
                !(range.start < cut && cut < range.end),
                "cut at {cut} inside {:?}",
                &text[range.clone()]
            );
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn chunks_fit_lose_nothing_and_keep_tokens_whole((text, atomic) in text(), max in 45usize..300) {
        check_split(&text, &atomic, max)?;
    }

    #[test]
    fn discord_sized_chunks((text, atomic) in text(), repeat in 1usize..6) {
        let long = text.repeat(repeat);
        let shift = text.len();
        let atomic: Vec<_> = (0..repeat).flat_map(|i| atomic.iter().map(move |r| r.start + i * shift..r.end + i * shift)).collect();
        check_split(&long, &atomic, CONTENT_MAX_CHARS)?;
    }

    #[test]
    fn any_text_any_limit_fits_and_loses_nothing(text in "\\PC{0,400}", max in 1usize..60) {
        let chunks = split_message_chunks(&text, max);
        prop_assert!(chunks.iter().all(|chunk| chunk.char_count() <= max));
        prop_assert_eq!(chunks.iter().map(Chunk::body).collect::<String>(), text);
    }

    #[test]
    fn neutralised_text_has_no_live_mentions(text in "[a-z @<>&!0-9everyonhr]{0,80}") {
        let safe = neutralise_mentions(&text);
        prop_assert!(!safe.contains("@everyone") && !safe.contains("@here"));
        for (at, _) in safe.match_indices("<@") {
            prop_assert!(safe[at + 2..].starts_with('\u{200B}'), "live mention in {safe:?}");
        }
        prop_assert_eq!(safe.replace('\u{200B}', ""), text.replace('\u{200B}', ""));
    }
}

#[test]
fn reopens_the_fence_with_its_language() {
    let code = (0..30)
        .map(|i| format!("let x{i} = {i};\n"))
        .collect::<Vec<_>>()
        .concat();
    let text = format!("before\n```rust\n{code}```\nafter");
    let parts = split_message(&text, 120);
    assert!(parts.len() > 2);
    for part in &parts[1..parts.len() - 1] {
        assert!(part.starts_with("```rust\n"), "{part:?}");
        assert!(part.ends_with("\n```"), "{part:?}");
    }
    assert!(parts[0].ends_with("```"));
}

#[test]
fn splits_2500_chars_of_lines_into_two_messages() {
    let text = "line of forty characters exactly here!!\n".repeat(62);
    let parts = split_message(&text, CONTENT_MAX_CHARS);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].chars().count(), 2000);
    assert!(parts[0].ends_with('\n'));
}

#[test]
fn sanitise_escapes_and_neutralises() {
    assert_eq!(
        sanitise("# @here **now** <@&1>"),
        "\\# @\u{200B}here \\*\\*now\\*\\* <@\u{200B}&1>"
    );
    assert_eq!(
        escape_markdown("> ~~x~~ ||y||"),
        "\\> \\~\\~x\\~\\~ \\|\\|y\\|\\|"
    );
}

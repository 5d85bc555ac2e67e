//! Splitting long text into messages.

use std::fmt;

use super::tokens::Scan;

/// The fence that closes a code block at the end of a chunk whose body
/// already ends with a line break.
const CLOSE_AFTER_NEWLINE: &str = "```";
/// The fence that closes a code block at the end of any other chunk.
const CLOSE: &str = "\n```";

/// One message of a split text: the reopened code fence the splitter put in
/// front (if any), a slice of the input, and the closing fence it put after
/// (if any).
///
/// Concatenating the [`body`](Self::body) of every chunk, in order, gives
/// back the input exactly. [`Display`](fmt::Display) writes
/// prefix + body + suffix, which is the message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    prefix: String,
    body: &'a str,
    suffix: &'static str,
}

impl<'a> Chunk<'a> {
    /// The code fence reopened in front of the body, e.g. ```` "```rust\n" ````,
    /// or `""`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The slice of the input this chunk carries.
    pub fn body(&self) -> &'a str {
        self.body
    }

    /// The code fence closed after the body (```` "\n```" ```` or ```` "```" ````
    /// when the body ends with a line break), or `""`.
    pub fn suffix(&self) -> &'static str {
        self.suffix
    }

    /// The length of the message in characters (prefix + body + suffix).
    pub fn char_count(&self) -> usize {
        self.prefix.chars().count() + self.body.chars().count() + self.suffix.chars().count()
    }
}

impl fmt::Display for Chunk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix)?;
        f.write_str(self.body)?;
        f.write_str(self.suffix)
    }
}

/// Splits `text` into messages of at most `max_chars` characters each
/// (use [`CONTENT_MAX_CHARS`](crate::validate::CONTENT_MAX_CHARS) for
/// Discord's 2000). The messages are [`split_message_chunks`] rendered.
///
/// ```
/// use bugle_model::text::split_message;
///
/// let parts = split_message("first line\nsecond line", 15);
/// assert_eq!(parts, ["first line\n", "second line"]);
/// ```
///
/// # Panics
///
/// If `max_chars` is 0.
pub fn split_message(text: &str, max_chars: usize) -> Vec<String> {
    split_message_chunks(text, max_chars)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Splits `text` into chunks whose messages are at most `max_chars`
/// characters long, keeping the pieces the splitter added apart from the text.
///
/// Each cut is made at the last place that fits, preferring, in order:
/// 1. just after a line break;
/// 2. just after other whitespace;
/// 3. between two characters, when one word is longer than the space left.
///
/// A cut never falls inside a link (`http://…`/`https://…` up to the next
/// whitespace, with a `<` in front if any), a mention or similar token
/// (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `<:name:id>`, `<a:name:id>`,
/// `<t:…>`, `</command:id>`) or a code-fence marker (```` ```lang ````),
/// unless that token alone is longer than a message; nor inside a character,
/// nor before a zero-width joiner, variation selector or combining mark
/// unless nothing else fits.
///
/// When a cut falls inside a ```` ``` ```` code block, the chunk's message
/// ends by closing the fence and the next one starts by reopening it with the
/// same language tag (see [`Chunk::prefix`] and [`Chunk::suffix`]). If
/// `max_chars` is too small to hold the fences and a character, the fences
/// are left out.
///
/// The whitespace at a cut stays at the end of the earlier chunk, so the
/// bodies joined give back `text` exactly. Discord trims messages, so a chunk
/// made only of whitespace (possible only when `text` has a run of
/// whitespace longer than `max_chars`) would be rejected as empty: skip such
/// chunks when sending. Empty `text` gives no chunks.
///
/// # Panics
///
/// If `max_chars` is 0.
pub fn split_message_chunks(text: &str, max_chars: usize) -> Vec<Chunk<'_>> {
    assert!(max_chars > 0, "split_message needs max_chars of at least 1");
    let scan = Scan::new(text);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut prefix = scan
            .open_block(start)
            .filter(|_| start > 0)
            .map_or_else(String::new, reopen);
        let mut fences = true;
        if prefix.chars().count() + CLOSE.len() + 1 > max_chars {
            prefix.clear();
            fences = false;
        }
        let budget = max_chars - prefix.chars().count();
        let rest = &text[start..];
        if rest.chars().nth(budget).is_none() {
            chunks.push(Chunk {
                prefix,
                body: rest,
                suffix: "",
            });
            break;
        }
        let (end, suffix) = best_cut(text, start, budget, &scan, fences);
        chunks.push(Chunk {
            prefix,
            body: &text[start..end],
            suffix,
        });
        start = end;
    }
    chunks
}

/// How good a place to cut is; later variants are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cut {
    /// Inside a token or a character sequence: only when nothing else fits.
    Forced,
    /// Between two characters of a word.
    Hard,
    /// After whitespace.
    Word,
    /// After a line break.
    Line,
}

/// Finds the best cut for a chunk starting at byte `start` whose body may
/// hold `budget` characters, and the closing fence it needs. The body always
/// holds at least one character.
fn best_cut(
    text: &str,
    start: usize,
    budget: usize,
    scan: &Scan<'_>,
    fences: bool,
) -> (usize, &'static str) {
    let mut best: Option<(Cut, usize, &'static str)> = None;
    let mut chars = text[start..].char_indices().peekable();
    let mut count = 0;
    while let Some((offset, ch)) = chars.next() {
        count += 1;
        if count > budget {
            break;
        }
        let at = start + offset + ch.len_utf8();
        let Some(&(_, next)) = chars.peek() else {
            break;
        };
        let suffix = match scan.open_block(at) {
            Some(_) if fences && ch == '\n' => CLOSE_AFTER_NEWLINE,
            Some(_) if fences => CLOSE,
            _ => "",
        };
        if count + suffix.chars().count() > budget {
            continue;
        }
        let kind = if scan.cuts_token(at) || joins(ch, next) {
            Cut::Forced
        } else if ch == '\n' {
            Cut::Line
        } else if ch.is_whitespace() {
            Cut::Word
        } else {
            Cut::Hard
        };
        if best.is_none_or(|(best_kind, _, _)| kind >= best_kind) {
            best = Some((kind, at, suffix));
        }
    }
    // The first character always fits: `split_message_chunks` leaves room
    // for it and the longest closing fence.
    let (_, end, suffix) = best.expect("a chunk has room for at least one character");
    (end, suffix)
}

/// The fence that reopens a code block with language `lang`.
fn reopen(lang: &str) -> String {
    format!("```{lang}\n")
}

/// Whether `before` and `after` belong together on screen: a zero-width
/// joiner on either side, or `after` a variation selector or combining mark.
fn joins(before: char, after: char) -> bool {
    before == '\u{200D}'
        || matches!(after,
            '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}' | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_chunk() {
        assert_eq!(split_message("hello", 5), ["hello"]);
        assert!(split_message("", 5).is_empty());
    }

    #[test]
    fn prefers_line_breaks_over_spaces() {
        assert_eq!(
            split_message("aa bb\ncc dd ee", 10),
            ["aa bb\n", "cc dd ee"]
        );
    }

    #[test]
    fn falls_back_to_spaces_then_hard_cuts() {
        assert_eq!(split_message("aaa bbb ccc", 8), ["aaa bbb ", "ccc"]);
        assert_eq!(split_message("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn never_cuts_a_mention_or_link() {
        assert_eq!(split_message("ab<@123456>", 9), ["ab", "<@123456>"]);
        assert_eq!(
            split_message("see https://a.io/xyz more", 18),
            ["see ", "https://a.io/xyz ", "more"]
        );
    }

    #[test]
    fn cuts_inside_a_token_longer_than_a_message() {
        assert_eq!(split_message("<@123456>", 4), ["<@12", "3456", ">"]);
    }

    #[test]
    fn closes_and_reopens_code_fences() {
        let text = "```rust\nlet a = 1;\nlet b = 2;\n```\nafter";
        let chunks = split_message_chunks(text, 24);
        let rendered: Vec<String> = chunks.iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            [
                "```rust\nlet a = 1;\n```",
                "```rust\nlet b = 2;\n```\n",
                "after"
            ]
        );
        assert_eq!(chunks[1].prefix(), "```rust\n");
        assert_eq!(chunks.iter().map(Chunk::body).collect::<String>(), text);
    }

    #[test]
    fn keeps_emoji_sequences_together() {
        let family = "\u{1F468}\u{200D}\u{1F469}";
        assert_eq!(split_message(&format!("ab{family}"), 4), ["ab", family]);
    }

    #[test]
    fn drops_fences_when_the_limit_is_too_small() {
        let chunks = split_message_chunks("```\nabcdef", 5);
        assert!(chunks.iter().all(|chunk| chunk.char_count() <= 5));
        assert_eq!(
            chunks.iter().map(Chunk::body).collect::<String>(),
            "```\nabcdef"
        );
    }
}

//! Finds what [`split_message`](super::split_message) must not cut: links,
//! mentions and code-fence markers, and where code blocks open and close.

use std::ops::Range;

use super::escape::is_link_start;

/// The longest mention-like token (`<@…>`, `<:name:id>`, …) looked for, in bytes.
const MENTION_MAX_BYTES: usize = 128;

/// What a scan of the text found.
#[derive(Debug)]
pub(super) struct Scan<'a> {
    /// Byte ranges that must stay in one piece, sorted and disjoint.
    atomic: Vec<Range<usize>>,
    /// Each fence marker: the byte offset just after it (language tag
    /// included) and the language of the block it opens, `None` if it closes one.
    fences: Vec<(usize, Option<&'a str>)>,
}

impl<'a> Scan<'a> {
    /// Scans `text` once.
    pub(super) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut atomic: Vec<Range<usize>> = Vec::new();
        let mut fences = Vec::new();
        let mut open = false;
        let mut index = 0;
        // Byte offset of the next line break (or the text's end) at or after the last
        // place one was looked for. `index` only moves forward, so each part of the text is
        // searched once, however many fences share a line.
        let mut line_end: Option<usize> = None;
        while index < bytes.len() {
            let rest = &text[index..];
            if rest.starts_with("```") {
                let run = rest.bytes().take_while(|&b| b == b'`').count();
                let mut end = index + run;
                let lang = if open {
                    None
                } else {
                    let line = &text[end..];
                    let next_break = match line_end {
                        Some(at) if at >= end => at,
                        _ => end + line.find('\n').unwrap_or(line.len()),
                    };
                    line_end = Some(next_break);
                    let tag_len = next_break - end;
                    let tag = &line[..tag_len];
                    let is_tag = !tag.is_empty()
                        && tag_len < line.len()
                        && !tag.contains(char::is_whitespace);
                    if is_tag {
                        end += tag_len;
                        Some(tag)
                    } else {
                        Some("")
                    }
                };
                open = lang.is_some();
                fences.push((end, lang));
                atomic.push(index..end);
                index = end;
            } else if is_link_start(rest) {
                let start = if index > 0 && bytes[index - 1] == b'<' {
                    index - 1
                } else {
                    index
                };
                let end = index + rest.find(char::is_whitespace).unwrap_or(rest.len());
                push_merged(&mut atomic, start..end);
                index = end;
            } else if let Some(len) = mention_len(rest) {
                push_merged(&mut atomic, index..index + len);
                index += len;
            } else {
                index += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
        Self { atomic, fences }
    }

    /// Whether cutting at byte offset `at` would split an atomic token.
    pub(super) fn cuts_token(&self, at: usize) -> bool {
        let after = self.atomic.partition_point(|range| range.start < at);
        after > 0 && self.atomic[after - 1].end > at
    }

    /// The code block open at byte offset `at`: `Some(language)` (empty if
    /// none was given) inside a block, `None` outside.
    pub(super) fn open_block(&self, at: usize) -> Option<&'a str> {
        let passed = self.fences.partition_point(|&(end, _)| end <= at);
        passed.checked_sub(1).and_then(|last| self.fences[last].1)
    }
}

/// Adds `range`, merging it into the last range if they overlap.
fn push_merged(ranges: &mut Vec<Range<usize>>, range: Range<usize>) {
    match ranges.last_mut() {
        Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
        _ => ranges.push(range),
    }
}

/// The byte length of the mention-like token `text` starts with, if any:
/// `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `<:name:id>`, `<a:name:id>`,
/// `<t:stamp:style>` or `</command:id>`.
fn mention_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix('<')?;
    let slash = body.starts_with('/');
    let known = ["@", "#", ":", "a:", "t:", "/"]
        .iter()
        .any(|p| body.starts_with(p));
    if !known {
        return None;
    }
    for (offset, ch) in body.char_indices() {
        if offset + 1 > MENTION_MAX_BYTES {
            return None;
        }
        match ch {
            '>' => return Some(offset + 2),
            '<' | '\n' => return None,
            ' ' if slash => {}
            c if c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_mentions_and_fences() {
        let text = "a <@12> <https://x.y/z> ```rust\nfn\n``` <:e:1>";
        let scan = Scan::new(text);
        let mention = text.find("<@").unwrap();
        assert!(scan.cuts_token(mention + 2));
        assert!(!scan.cuts_token(mention));
        let link = text.find("<https").unwrap();
        assert!(scan.cuts_token(link + 1));
        assert!(scan.cuts_token(link + 5));
        let fence = text.find("```rust").unwrap();
        assert!(scan.cuts_token(fence + 4));
        assert_eq!(scan.open_block(fence), None);
        assert_eq!(scan.open_block(fence + 8), Some("rust"));
        let close = text.rfind("```").unwrap();
        assert_eq!(scan.open_block(close), Some("rust"));
        assert_eq!(scan.open_block(close + 3), None);
        assert!(scan.cuts_token(text.len() - 2));
    }

    #[test]
    fn fence_without_tag_opens_plain_block() {
        let scan = Scan::new("```\ncode");
        assert_eq!(scan.open_block(4), Some(""));
        let inline = Scan::new("```a b\n");
        assert_eq!(inline.open_block(5), Some(""));
    }

    #[test]
    fn unfinished_mentions_are_not_tokens() {
        assert_eq!(mention_len("<@12"), None);
        assert_eq!(mention_len("<@1 2>"), None);
        assert_eq!(mention_len("<b>"), None);
        assert_eq!(mention_len("</deploy now:7>"), Some(15));
    }
}

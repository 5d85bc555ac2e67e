//! Neutralising mentions and escaping markdown in untrusted text.

/// U+200B ZERO WIDTH SPACE, put after an `@` to break a mention.
pub const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Stops the mentions in `text` from pinging anyone.
///
/// A zero-width space ([`ZERO_WIDTH_SPACE`]) goes after the `@` of
/// `@everyone` and `@here` (in any letter case) and of every `<@…>` form:
/// user `<@id>`, nickname `<@!id>` and role `<@&id>` mentions. The text still
/// reads the same; Discord just no longer sees a mention. Channel mentions,
/// custom emoji and e-mail addresses are left alone.
///
/// Running it twice gives the same result as running it once.
///
/// ```
/// use bugle_model::text::neutralise_mentions;
///
/// assert_eq!(neutralise_mentions("hi @everyone"), "hi @\u{200B}everyone");
/// assert_eq!(neutralise_mentions("<@&42>"), "<@\u{200B}&42>");
/// assert_eq!(neutralise_mentions("ops@example.com"), "ops@example.com");
/// ```
pub fn neutralise_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous = None;
    for (index, ch) in text.char_indices() {
        out.push(ch);
        if ch == '@' {
            let rest = &text[index + 1..];
            let already = rest.starts_with(ZERO_WIDTH_SPACE);
            if !already
                && (previous == Some('<')
                    || starts_with_ignore_case(rest, "everyone")
                    || starts_with_ignore_case(rest, "here"))
            {
                out.push(ZERO_WIDTH_SPACE);
            }
        }
        previous = Some(ch);
    }
    out
}

/// Escapes markdown in `text` so every character shows as itself.
///
/// A backslash goes before each of `\`, `*`, `_`, `~`, `` ` ``, `|`, `[` and `]`
/// anywhere, and before
/// `>`, `#` and `-` when they open a line (block quotes, headers, lists and
/// subtext). Links (`http://…` and `https://…` up to the next whitespace)
/// are copied unchanged so they keep working.
///
/// ```
/// use bugle_model::text::escape_markdown;
///
/// assert_eq!(escape_markdown("**bold** _it_"), r"\*\*bold\*\* \_it\_");
/// assert_eq!(escape_markdown("# title\n> quote"), "\\# title\n\\> quote");
/// assert_eq!(escape_markdown("see https://a.b/x_y"), "see https://a.b/x_y");
/// ```
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut at_line_start = true;
    let mut link_end = 0;
    for (index, ch) in text.char_indices() {
        if index < link_end {
            out.push(ch);
            continue;
        }
        if is_link_start(&text[index..]) {
            link_end = index
                + text[index..]
                    .find(char::is_whitespace)
                    .unwrap_or(text.len() - index);
            out.push(ch);
            at_line_start = false;
            continue;
        }
        let escape = match ch {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' => true,
            '>' | '#' | '-' => at_line_start,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
        at_line_start = ch == '\n' || (at_line_start && (ch == ' ' || ch == '\t'));
    }
    out
}

/// Escapes markdown and neutralises mentions: [`escape_markdown`] then
/// [`neutralise_mentions`]. Use it for any text you do not control (user
/// input, log lines, error messages) that goes into a message.
///
/// ```
/// use bugle_model::text::sanitise;
///
/// assert_eq!(sanitise("*@here*"), "\\*@\u{200B}here\\*");
/// ```
pub fn sanitise(text: &str) -> String {
    neutralise_mentions(&escape_markdown(text))
}

/// Whether `text` starts with `prefix`, ignoring ASCII letter case.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `text` starts with `http://` or `https://` (any letter case).
pub(super) fn is_link_start(text: &str) -> bool {
    starts_with_ignore_case(text, "http://") || starts_with_ignore_case(text, "https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_every_mention_form() {
        let text = "@everyone @here <@1> <@!2> <@&3> @EVERYONE";
        let expected = "@\u{200B}everyone @\u{200B}here <@\u{200B}1> <@\u{200B}!2> <@\u{200B}&3> @\u{200B}EVERYONE";
        assert_eq!(neutralise_mentions(text), expected);
    }

    #[test]
    fn neutralising_is_idempotent() {
        let once = neutralise_mentions("<@1> @here");
        assert_eq!(neutralise_mentions(&once), once);
    }

    #[test]
    fn leaves_channel_mentions_and_emails() {
        let text = "<#5> a@b.c <:ok:9>";
        assert_eq!(neutralise_mentions(text), text);
    }

    #[test]
    fn escapes_inline_markers_everywhere() {
        assert_eq!(
            escape_markdown(r"a\b ~~s~~ `c` ||x|| [l]"),
            r"a\\b \~\~s\~\~ \`c\` \|\|x\|\| \[l\]"
        );
    }

    #[test]
    fn escapes_block_markers_only_at_line_start() {
        assert_eq!(escape_markdown("a - b # c > d"), "a - b # c > d");
        assert_eq!(
            escape_markdown("  - item\n-# small"),
            "  \\- item\n\\-# small"
        );
    }

    #[test]
    fn leaves_links_alone() {
        assert_eq!(
            escape_markdown("*HTTPS://x.y/a_b* _"),
            "\\*HTTPS://x.y/a_b* \\_"
        );
    }

    #[test]
    fn ascii_prefix_check_handles_multibyte_text() {
        assert!(!starts_with_ignore_case("é", "everyone"));
        assert!(!is_link_start("ht"));
    }
}

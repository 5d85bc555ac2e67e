//! The one `multipart/form-data` parser of the simulator: `FakeDiscord` reads uploads with
//! it, and cassettes record and match multipart bodies with it.
//!
//! Hand-written rather than `multer`: both users hold the complete body in memory and the
//! cassette side is synchronous, while multer is a streaming parser driven by an async
//! runtime. The facade's encoder is tested against multer instead, so the two sides never
//! only agree with each other.
//!
//! The grammar is RFC 2046's (§5.1.1) as RFC 7578 uses it: an optional preamble, a
//! delimiter line `--boundary` (spaces or tabs may follow), each part's headers up to an
//! empty line (a part may have no headers, or no content after them), the next part after
//! `CRLF--boundary`, and the close delimiter `--boundary--`. Parameters are `key=token` or
//! `key="quoted"`, with keys case-insensitive and `\"` read as a quote; percent escapes
//! (`%22`, which browsers and bugle write for `"`) are kept as sent, as servers do.

/// One part of a multipart body; its content borrows from the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    /// The `name` parameter of `Content-Disposition`.
    pub(crate) name: Option<String>,
    /// The `filename` parameter of `Content-Disposition`, for file parts.
    pub(crate) filename: Option<String>,
    /// The part's `Content-Type`, if given.
    pub(crate) content_type: Option<String>,
    /// The part's content.
    pub(crate) data: &'a [u8],
}

/// Why a body is not well-formed multipart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// No delimiter line opens the first part.
    NoDelimiter,
    /// A delimiter is followed by something other than `--` or a line end.
    BadDelimiter,
    /// A part does not end with a delimiter (the body was cut short).
    Truncated,
    /// A header line has no `:`, is not UTF-8, or has an unclosed quoted parameter.
    BadHeader,
}

/// The boundary of a `multipart/form-data` content type; `None` for other types or a
/// missing or empty boundary.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (essence, _) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params(content_type)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == "boundary")
        .map(|(_, value)| value)
        .filter(|boundary| !boundary.is_empty())
}

/// Splits `body` into its parts.
pub(crate) fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, ParseError> {
    let delimiter = format!("\r\n--{boundary}");
    let delimiter = delimiter.as_bytes();
    let dash_boundary = &delimiter[2..];
    // The first delimiter opens the body, or ends a preamble with its CRLF.
    let mut at = if body.starts_with(dash_boundary) {
        dash_boundary.len()
    } else {
        find(body, delimiter, 0).ok_or(ParseError::NoDelimiter)? + delimiter.len()
    };
    let mut parts = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        let padding = rest
            .iter()
            .take_while(|&&byte| byte == b' ' || byte == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err(ParseError::BadDelimiter);
        }
        let start = at + padding + 2;
        let end = find(body, delimiter, start).ok_or(ParseError::Truncated)?;
        parts.push(part(&body[start..end])?);
        at = end + delimiter.len();
    }
}

/// The first `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}

/// One part: headers, an empty line, content.
fn part(raw: &[u8]) -> Result<Part<'_>, ParseError> {
    let (head, data) = if let Some(data) = raw.strip_prefix(b"\r\n") {
        // No headers: the empty line comes first.
        (&raw[..0], data)
    } else if let Some(at) = find(raw, b"\r\n\r\n", 0) {
        (&raw[..at], &raw[at + 4..])
    } else {
        // Headers only: the last header's CRLF is followed by the next delimiter.
        (raw.strip_suffix(b"\r\n").unwrap_or(raw), &raw[raw.len()..])
    };
    let head = std::str::from_utf8(head).map_err(|_| ParseError::BadHeader)?;
    let mut part = Part {
        name: None,
        filename: None,
        content_type: None,
        data,
    };
    for line in head.split("\r\n").filter(|line| !line.is_empty()) {
        let (key, value) = line.split_once(':').ok_or(ParseError::BadHeader)?;
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            for (param, value) in params(value)? {
                match param.as_str() {
                    "name" => part.name = Some(value),
                    "filename" => part.filename = Some(value),
                    _ => {}
                }
            }
        } else if key.eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_owned());
        }
    }
    Ok(part)
}

/// The parameters after a header value's first `;`, keys lower-cased: `key=token` or
/// `key="quoted"` (where `;` is content and `\"` is a quote).
fn params(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let Some((_, mut rest)) = value.split_once(';') else {
        return Ok(Vec::new());
    };
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            return Ok(params);
        }
        let (key, after) = rest.split_once('=').ok_or(ParseError::BadHeader)?;
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            unquote(quoted)?
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim_end().to_owned(), &after[end..])
        };
        params.push((key.trim().to_ascii_lowercase(), value));
        rest = remaining;
    }
}

/// A quoted string's content (after its opening quote) and what follows its closing quote.
fn unquote(quoted: &str) -> Result<(String, &str), ParseError> {
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &quoted[at + 1..])),
            '\\' if quoted[at + 1..].starts_with('"') => {
                chars.next();
                value.push('"');
            }
            c => value.push(c),
        }
    }
    Err(ParseError::BadHeader)
}

#[cfg(test)]
mod tests;
